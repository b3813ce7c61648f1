"""The tidy token table: one row per token, everything countable comes from here.

See ``tokenize`` for the columns. Boilerplate, meta and byline lines are never tokenised; title
lines and headings are, and carry ``part`` so analyses can leave them out with :func:`select`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from studykit.document.model import Document, resolve_section_paths
from studykit.errors import QueryError

from .reading import reading_view

if TYPE_CHECKING:
    from .segment import JiebaSegmenter

PARTS = ("title", "heading", "lead", "body")
COLUMNS = (
    "token", "pos", "start", "end", "part", "sentence", "paragraph", "section", "top",
    "section_title", "is_stopword", "is_filler", "kind", "article",
)


def tokenize(document: Document, segmenter: JiebaSegmenter | None = None) -> pd.DataFrame:
    """Segment a document into the token table.

    Columns: ``token``, ``pos`` (jieba tag), ``start``/``end`` (offsets into ``document.text``,
    so ``text[start:end] == token``; a token cut by a hard wrap inside a paragraph, as in
    ``高质量\n发展``, is one token in its reading form and ``start``/``end`` cover the source span
    with the break, so ``studykit.text.reading.read(text[start:end]) == token``), ``part`` (title, heading, lead, body), ``sentence`` and
    ``paragraph`` (0-based, document order; paragraph is -1 for title and heading tokens),
    ``section`` (path such as ``三`` or ``一/二``; ``0`` is the preamble, empty for the title),
    ``top`` (its top-level path), ``section_title``, ``is_stopword``, ``is_filler``, ``kind``
    (han, latin, number, punct) and ``article`` (the law article, ``第三条``, of a paragraph;
    empty elsewhere). Whitespace is not a token. The index is the token position.
    The string columns are categoricals (each distinct string stored once): about 46 bytes a
    token in all, where plain strings took about 180.

    ``table.attrs["sections"]`` lists every section with its character and token ranges.

    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))   # doctest: +SKIP
    >>> table.loc[table.token == "政协党组", "section"].unique()   # doctest: +SKIP
    """
    if segmenter is None:
        from .segment import JiebaSegmenter

        segmenter = JiebaSegmenter()
    text = document.text
    # Sentence numbers come from the sentence start offsets, so nothing runs per token in Python.
    units = list(document.units())
    spans = [
        (u.start, u.end, "body" if u.kind == "paragraph" else u.kind, u.paragraph, u.section,
         u.section.split("/")[0], u.section_title, u.lead_end, u.article)
        for u in units
    ]
    sentence_starts = [s for u in units for s in u.sentence_starts]
    first_unit: dict[str, int] = {}
    for i, u in enumerate(units):
        first_unit.setdefault(u.section, i)
    sections: list[dict[str, Any]] = [
        {"path": sec.path, "top": sec.path.split("/")[0], "label": sec.label,
         "title": sec.title or ("导语" if sec.level == 0 else ""), "level": sec.level,
         "start": sec.start, "end": sec.end, "span": first_unit.get(sec.path, len(units))}
        for sec in document.walk()
    ]

    # One segmenter call over the whole text: jieba never joins across line ends or
    # punctuation, so every token lies inside one line; tokens outside the spans (boilerplate,
    # meta, byline) are dropped and the rest take their span's fields.
    # Segment the reading view (hard wraps inside paragraphs removed, see studykit.text.reading)
    # and map offsets back: a token cut by a wrap (高质量|发展) is one token whose start/end
    # cover the source span, break included.
    view = reading_view(text, [(u.start, u.end) for u in units if u.kind == "paragraph"])
    cols = segmenter.token_codes(view.text)
    tok_start = view.to_source(cols.start)
    span_start = np.asarray([sp[0] for sp in spans], dtype=np.int64)
    span_end = np.asarray([sp[1] for sp in spans], dtype=np.int64)
    span_of = np.searchsorted(span_start, tok_start, side="right") - 1
    # Per distinct word first (a few ten thousand), then indexed by each token's code.
    is_space = np.asarray([k == "space" for k in cols.kinds], dtype=bool)
    inside = (span_of >= 0) & ~is_space[cols.codes]
    if len(spans):
        inside &= tok_start < span_end[span_of.clip(0)]
    keep = np.flatnonzero(inside)
    del inside
    span_of = span_of[keep]
    start_arr = tok_start[keep]
    del tok_start
    end_arr = view.source_ends(cols.end[keep])
    codes = cols.codes[keep]
    pos_codes = None if cols.pos_codes is None else cols.pos_codes[keep]
    vocab, kinds, pos_vocab = cols.vocab, cols.kinds, cols.pos_vocab
    del cols, keep  # the whole-text arrays: only the kept tokens' go on

    def spread(i: int, dtype: Any = object) -> Any:
        """Per-span field ``i`` for each kept token."""
        return np.asarray([sp[i] for sp in spans], dtype=dtype)[span_of]

    def per_span(i: int) -> pd.Categorical:
        """Per-span string field ``i`` as a categorical: one code per token, no strings copied."""
        codes, uniques = pd.factorize(pd.Series([sp[i] for sp in spans], dtype=object))
        return pd.Categorical.from_codes(codes.astype(np.int32)[span_of], categories=_index(uniques))

    part = per_span(2)
    is_lead = start_arr < spread(7, np.int64)
    if is_lead.any():
        part = part.add_categories(_index(["lead"])) if "lead" not in part.categories else part
        part[is_lead] = "lead"
    del is_lead
    sentence = np.searchsorted(np.asarray(sentence_starts, dtype=np.int64), start_arr, side="right") - 1
    stop = np.asarray([segmenter.is_stopword(w) for w in vocab], dtype=bool)
    filler = np.asarray([segmenter.is_filler(w) for w in vocab], dtype=bool)
    first = _first_seen(codes, len(vocab))
    if pos_codes is None:
        pos = _categorical_of_codes(np.zeros(len(codes), dtype=np.intp), [""])
    else:
        pos = _categorical_of_codes(pos_codes, pos_vocab)
        del pos_codes
    # All columns at once, in their final order: no later insertions, reorders or copies. The
    # repeated strings are categoricals (a code per token, each string stored once), so the table
    # holds about 50 bytes a token where Python strings took several hundred.
    table = pd.DataFrame({
        "token": _categorical_of_codes(codes, vocab, first=first),
        "pos": pos,
        "start": start_arr,
        "end": end_arr,
        "part": part,
        "sentence": sentence.astype(np.int64, copy=False),
        "paragraph": spread(3, np.int64),
        "section": per_span(4),
        "top": per_span(5),
        "section_title": per_span(6),
        "is_stopword": stop[codes],
        "is_filler": filler[codes],
        "kind": _categorical_of_codes(codes, kinds, first=first),
        "article": per_span(8),
    }, copy=False)
    first_token = np.searchsorted(span_of, np.arange(len(spans) + 1), side="left")
    for info in sections:
        info["token_start"] = int(first_token[info.pop("span")])
    _finish_section_ranges(sections, len(table))
    table.attrs["document"] = document.title or document.source.name
    table.attrs["sections"] = sections
    table.attrs["top_sections"] = [s["path"] for s in sections if "/" not in s["path"]]
    return table


def _index(values: Any) -> pd.Index:
    out: pd.Index = pd.Index(np.asarray(values, dtype=object), dtype=object)
    return out


def _first_seen(codes: Any, size: int) -> Any:
    """For each of ``size`` codes, the first position where it occurs in ``codes`` (``len(codes)``
    where it does not): no hash table as long as the column (pandas' factorize builds one)."""
    first = np.full(size, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes), dtype=np.int64))
    return first


def _categorical_of_codes(codes: Any, values: Any, *, first: Any = None) -> pd.Categorical:
    """``values[codes]`` as a categorical whose categories are the distinct values in order of
    first appearance, without a string per row. ``values`` may repeat a value under several codes
    (a kind for each word); ``first`` is :func:`_first_seen` of ``codes`` when already known."""
    labels = np.asarray(values, dtype=object)
    if first is None:
        first = _first_seen(codes, len(labels))
    present = np.flatnonzero(first < len(codes))
    order = present[np.argsort(first[present], kind="stable")]  # codes in order of appearance
    merged, cats = pd.factorize(labels[order])  # a value first appears with its first code
    remap = np.zeros(len(labels), dtype=np.int32)
    remap[order] = merged
    return pd.Categorical.from_codes(remap[codes], categories=_index(cats))


def _finish_section_ranges(sections: list[dict[str, Any]], n_tokens: int) -> None:
    """A section's token range runs to where the next section at its level or above begins
    (the preamble, level 0, ends where the next section begins).

    One pass with a stack of the sections still open, whose levels rise from bottom to top:
    linear in the number of sections (100,000 sections once took 25 s with a slice each).
    """
    open_: list[dict[str, Any]] = []
    for sec in sections:
        while open_ and (open_[-1]["level"] >= sec["level"] or open_[-1]["level"] == 0):
            open_.pop()["token_end"] = sec["token_start"]
        open_.append(sec)
    for sec in open_:
        sec["token_end"] = n_tokens


def section_labels(table: pd.DataFrame) -> list[str]:
    """Every section path the table knows, in document order."""
    return [s["path"] for s in table.attrs.get("sections", [])] or sorted(
        x for x in table["section"].unique() if x
    )


def resolve_sections(table: pd.DataFrame, labels: str | Iterable[str]) -> list[str]:
    """Validate section labels (``三``, ``一/二``, ``三、``); a top-level label covers its subsections.

    Returns the matching section paths. Unknown labels raise :class:`SectionNotFoundError`.
    """
    known = [(str(s["path"]), s.get("label")) for s in table.attrs.get("sections", [])]
    if not known:
        known = [(p, None) for p in section_labels(table)]
    return resolve_section_paths(labels, known)


def select(
    table: pd.DataFrame,
    *,
    sections: str | Sequence[str] | None = None,
    parts: Sequence[str] | None = None,
    articles: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of the table in the given sections and parts (``parts=("body", "lead")`` drops titles
    and headings) and, for a law, articles (``articles="第三条"`` or ``["第三条", "第五条"]``).
    ``None`` keeps everything."""
    mask = pd.Series(True, index=table.index)
    if sections is not None:
        mask &= table["section"].isin(resolve_sections(table, sections))
    if articles is not None:
        mask &= table["article"].isin(_resolve_articles(table, articles))
    if parts is not None:
        bad = [p for p in parts if p not in PARTS]
        if bad:
            raise QueryError(f"未知的部分 / unknown part {bad[0]!r}: choose from {' '.join(PARTS)}")
        mask &= table["part"].isin(list(parts))
    out = table[mask]
    out.attrs = dict(table.attrs)
    return out


def _resolve_articles(table: pd.DataFrame, labels: str | Sequence[str]) -> list[str]:
    """Article labels as written (``第三条``); ``3`` and ``三`` name the same one."""
    from studykit.errors import SectionNotFoundError
    from studykit.zh import cn_to_int

    known = [a for a in pd.unique(table["article"]) if a] if "article" in table else []
    by_number = {cn_to_int(a.removeprefix("第").removesuffix("条")): a for a in known}
    out: list[str] = []
    for raw in [labels] if isinstance(labels, str) else list(labels):
        label = str(raw).strip()
        hit = label if label in known else by_number.get(cn_to_int(label.removeprefix("第").removesuffix("条")))
        if hit is None:
            shown = " ".join(known[:12]) + (" …" if len(known) > 12 else "")
            raise SectionNotFoundError(
                f"没有找到条文「{label}」 / no article {label}: "
                + (f"choose one of {shown}" if known else "this document has no articles (第N条)")
            )
        out.append(hit)
    return out


def section_lengths(document: Document, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Size of every top-level section: ``section`` (path), ``label``, ``title``, ``paragraphs``,
    ``chars`` (characters of its paragraphs and headings, without whitespace) and, when a token
    table is given, ``tokens`` (its non-punctuation tokens).

    >>> section_lengths(doc)[["section", "chars"]]   # doctest: +SKIP
    """
    rows = []
    for sec in document.sections:
        chars = 0
        paragraphs = 0
        for s in sec.walk():
            if s.heading is not None:
                chars += _visible(s.heading.text)
            for p in s.paragraphs:
                chars += _visible(p.text)
                paragraphs += 1
        rows.append(
            {"section": sec.path, "label": sec.label or "", "title": sec.title or "导语",
             "paragraphs": paragraphs, "chars": chars}
        )
    out = pd.DataFrame(rows, columns=["section", "label", "title", "paragraphs", "chars"])
    if table is not None:
        counted = table[table["kind"] != "punct"].groupby("top").size()
        out["tokens"] = [int(counted.get(s, 0)) for s in out["section"]]
    return out


def _visible(text: str) -> int:
    return sum(1 for c in text if not c.isspace())
