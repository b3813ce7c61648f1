"""Keyword in context (KWIC) and dispersion: where a term occurs, and what surrounds it.

``kwic`` reads every context of a term, one row per occurrence, the way a concordancer does
(NLTK's ``ConcordanceLine`` is the model for :class:`KwicHit`)::

    hits = kwic(doc, "党建", window=15)
    hits.to_frame()            # left, match, right, section, section_title, paragraph, sentence, start, end
    hits                       # in a notebook: an HTML table with the match in <mark>

The default search is over characters, so 党建 is found inside 政协党建 and 党建引领, and phrases
that the segmenter splits (``全面从严治党``) are found as written. Contexts never leave the
paragraph (or heading) of the hit, and boilerplate, meta and byline lines are never searched.

``dispersion`` says where each hit falls in the token table (its token position), and
``dispersion_sections`` gives the token ranges of the top-level sections, so a plot can shade real
sections instead of equal bins.

Traditional text is searched through its simplified shadow (``studykit.zh.simplified_shadow``,
one character for one), so 党建 also finds 黨建 and the offsets still point into the original.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from studykit.document.model import PREAMBLE_KEY, Document, resolve_section_paths
from studykit.errors import QueryError
from studykit.zh import simplified_shadow

__all__ = [
    "DISPERSION_COLUMNS",
    "DISPERSION_SECTION_COLUMNS",
    "KWIC_COLUMNS",
    "KwicHit",
    "KwicResult",
    "dispersion",
    "dispersion_sections",
    "kwic",
    "to_frame",
]

Unit = Literal["char", "token"]

KWIC_COLUMNS = (
    "left", "match", "right", "section", "section_title", "paragraph", "sentence", "start", "end",
)
DISPERSION_COLUMNS = ("term", "token_index", "offset", "end", "section", "top")
DISPERSION_SECTION_COLUMNS = (
    "section", "label", "title", "token_start", "token_end", "start", "end",
)
_INT_COLUMNS = ("paragraph", "sentence", "start", "end", "token_index", "offset",
                "token_start", "token_end")
_HTML_MAX_ROWS = 500


class KwicHit(NamedTuple):
    """One occurrence of the query with its context.

    ``left``/``right`` are the context inside the same paragraph or heading (newlines shown as
    spaces); ``section`` is the section path (``三``, ``一/二``, ``0`` for the preamble, empty for
    the title); ``paragraph`` and ``sentence`` are the global 0-based numbers used by the token
    table (``paragraph`` is -1 in headings and the title); ``start``/``end`` are character offsets
    into ``document.text``, so ``text[start:end] == match``.
    """

    left: str
    match: str
    right: str
    section: str
    section_title: str
    paragraph: int
    sentence: int
    start: int
    end: int


def to_frame(hits: Iterable[KwicHit]) -> pd.DataFrame:
    """KWIC hits as a DataFrame with the columns of :class:`KwicHit` (also when there are none)."""
    frame = pd.DataFrame(list(hits), columns=list(KWIC_COLUMNS))
    return _typed(frame)


@dataclass(frozen=True, slots=True)
class KwicResult(Sequence[KwicHit]):
    """The hits of one :func:`kwic` search, in document order.

    A sequence of :class:`KwicHit` that remembers the query; ``to_frame()`` gives the table,
    and in a notebook it shows itself as an HTML concordance with the match highlighted.
    """

    hits: tuple[KwicHit, ...]
    query: str
    unit: Unit = "char"
    window: int = 20

    @overload
    def __getitem__(self, index: int) -> KwicHit: ...
    @overload
    def __getitem__(self, index: slice) -> KwicResult: ...
    def __getitem__(self, index: int | slice) -> KwicHit | KwicResult:
        if isinstance(index, slice):
            return KwicResult(self.hits[index], self.query, self.unit, self.window)
        return self.hits[index]

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[KwicHit]:
        return iter(self.hits)

    def to_frame(self) -> pd.DataFrame:
        """The hits as a DataFrame: ``left, match, right, section, section_title, paragraph,
        sentence, start, end``. ``frame.attrs["query"]`` holds the query."""
        frame = to_frame(self.hits)
        frame.attrs["query"] = self.query
        return frame

    def __repr__(self) -> str:
        head = f"KwicResult({self.query!r}, {len(self.hits)} hits)"
        lines = [
            f"  {h.left:>{self.window}} [{h.match}] {h.right}  ({_section_name(h)})"
            for h in self.hits[:20]
        ]
        if len(self.hits) > 20:
            lines.append(f"  … {len(self.hits) - 20} more")
        return "\n".join([head, *lines])

    def _repr_html_(self) -> str:
        esc = html.escape
        caption = f"「{esc(self.query)}」: {len(self.hits)} 处 / hits"
        if not self.hits:
            return f"<div class='studykit-kwic'>{caption} — 没有找到 / not found</div>"
        rows = [
            "<tr>"
            f"<td style='text-align:right;color:#888'>{i + 1}</td>"
            f"<td style='text-align:right;white-space:nowrap'>{esc(h.left)}</td>"
            f"<td style='text-align:center;white-space:nowrap'><mark>{esc(h.match)}</mark></td>"
            f"<td style='text-align:left;white-space:nowrap'>{esc(h.right)}</td>"
            f"<td style='text-align:left;color:#555'>{esc(_section_name(h))}</td>"
            "</tr>"
            for i, h in enumerate(self.hits[:_HTML_MAX_ROWS])
        ]
        more = len(self.hits) - _HTML_MAX_ROWS
        if more > 0:
            rows.append(f"<tr><td colspan='5' style='color:#888'>… {more} more / 还有 {more} 处</td></tr>")
        return (
            "<table class='studykit-kwic'>"
            f"<caption style='text-align:left'>{caption}</caption>"
            "<thead><tr><th>#</th><th style='text-align:right'>左 / left</th>"
            "<th>关键词 / match</th><th style='text-align:left'>右 / right</th>"
            "<th style='text-align:left'>章节 / section</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )


def _section_name(h: KwicHit) -> str:
    if not h.section:
        return "标题"
    if h.section == PREAMBLE_KEY:
        return h.section_title or "导语"
    return f"{h.section} {h.section_title}".strip()


# --- where to search -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Units:
    """The searchable stretches of a document (paragraphs, headings, title lines) and the
    numbering of its sentences, from a Document or from a token table."""

    text: str
    starts: list[int]
    ends: list[int]
    sections: list[str]
    titles: list[str]
    paragraphs: list[int]
    parts: list[str]  # "title", "heading" or "paragraph"
    sentence_starts: npt.NDArray[np.int64]  # sorted offsets where each sentence begins
    sentence_ids: npt.NDArray[np.int64]
    known_sections: list[tuple[str, str | None]]  # (path, written label) in document order


def _units_from_document(doc: Document) -> _Units:
    starts: list[int] = []
    ends: list[int] = []
    sections: list[str] = []
    titles: list[str] = []
    paragraphs: list[int] = []
    parts: list[str] = []
    sent_starts: list[int] = []

    def unit(start: int, end: int, section: str, title: str, paragraph: int, part: str) -> None:
        starts.append(start)
        ends.append(end)
        sections.append(section)
        titles.append(title)
        paragraphs.append(paragraph)
        parts.append(part)

    # The same numbering as tokens.tokenize: both read Document.units().
    for u in doc.units():
        unit(u.start, u.end, u.section, u.section_title, u.paragraph, u.kind)
        sent_starts.extend(u.sentence_starts)
    known = [(sec.path, sec.label) for sec in doc.walk()]
    return _Units(
        doc.text, starts, ends, sections, titles, paragraphs, parts,
        np.asarray(sent_starts, dtype=np.int64), np.arange(len(sent_starts), dtype=np.int64), known,
    )


def _table_text(table: pd.DataFrame) -> str:
    """The text the tokens came from, with every gap between tokens (whitespace, or rows left
    out by a selection) filled with spaces, so offsets stay offsets into ``document.text``."""
    starts = table["start"].to_numpy(dtype=np.int64)
    ends = table["end"].to_numpy(dtype=np.int64)
    if len(starts) == 0:
        return ""
    prev_ends = np.concatenate(([0], ends[:-1]))
    gaps = np.maximum(starts - prev_ends, 0).tolist()
    return "".join(map(str.__add__, map(" ".__mul__, gaps), table["token"].astype(str).tolist()))


def _unit_boundaries(table: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Row positions where a new unit (paragraph, heading or title line) begins, plus len."""
    para = table["paragraph"].to_numpy(dtype=np.int64)
    sent = table["sentence"].to_numpy(dtype=np.int64)
    key = np.where(para >= 0, para, -(sent + 1))
    if len(key) == 0:
        return np.zeros(1, dtype=np.int64)
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    return np.concatenate((first, [len(key)])).astype(np.int64)


def _units_from_table(table: pd.DataFrame, text: str | None = None) -> _Units:
    _check_table(table)
    bounds = _unit_boundaries(table)
    first, stop = bounds[:-1], bounds[1:]
    t_start = table["start"].to_numpy(dtype=np.int64)
    t_end = table["end"].to_numpy(dtype=np.int64)
    para = table["paragraph"].to_numpy(dtype=np.int64)
    part = table["part"].to_numpy(dtype=object)
    sec = table["section"].to_numpy(dtype=object)
    ttl = table["section_title"].to_numpy(dtype=object)
    sent = table["sentence"].to_numpy(dtype=np.int64)
    new_sentence = np.concatenate(([True], sent[1:] != sent[:-1])) if len(sent) else np.zeros(0, bool)
    kind = ["title" if part[i] == "title" else "heading" if para[i] < 0 else "paragraph" for i in first]
    known: list[tuple[str, str | None]] = [
        (str(s["path"]), s.get("label")) for s in table.attrs.get("sections", [])
    ] or [(p, p) for p in dict.fromkeys(str(x) for x in sec) if p]
    return _Units(
        text if text is not None else _table_text(table),
        t_start[first].tolist(),
        t_end[stop - 1].tolist() if len(first) else [],
        [str(x) for x in sec[first]],
        [str(x) for x in ttl[first]],
        para[first].tolist(),
        kind,
        t_start[new_sentence],
        sent[new_sentence],
        known,
    )


def _check_table(table: pd.DataFrame) -> None:
    needed = ("token", "start", "end", "part", "sentence", "paragraph", "section", "section_title")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise TypeError(
            f"not a token table (missing columns {', '.join(missing)}): pass a Document or "
            "the table from studykit.text.tokens.tokenize"
        )


def _keep(units: _Units, sections: str | Sequence[str] | None, include_title: bool) -> list[int]:
    if sections is not None:
        chosen = set(resolve_section_paths(sections, units.known_sections))
        return [i for i, s in enumerate(units.sections) if s in chosen and units.parts[i] != "title"]
    return [i for i, p in enumerate(units.parts) if include_title or p != "title"]


# --- matching ------------------------------------------------------------------------------------


def _compile(query: str, *, regex: bool) -> re.Pattern[str]:
    if not query or not query.strip():
        raise QueryError("查询为空 / empty query: give a word, phrase or pattern such as 党建")
    if not regex:
        return re.compile(re.escape(simplified_shadow(query)))
    try:
        re.compile(query)
        return re.compile(simplified_shadow(query))
    except re.error as exc:
        raise QueryError(
            f"无效的正则表达式「{query}」 / invalid regular expression {query}: {exc}"
        ) from None


def _char_hits(
    pattern: re.Pattern[str], shadow: str, units: _Units, keep: list[int]
) -> list[tuple[int, int, int]]:
    """``(unit, start, end)`` of every non-empty, non-overlapping match inside a unit."""
    out: list[tuple[int, int, int]] = []
    for u in keep:
        base = units.starts[u]
        for m in pattern.finditer(shadow[base : units.ends[u]]):
            s, e = m.span()
            if e > s:  # a pattern such as 党* also matches nothing; that is no hit
                out.append((u, base + s, base + e))
    return out


def _flat(s: str) -> str:
    return s.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def _hit(units: _Units, u: int, start: int, end: int, left_from: int, right_to: int) -> KwicHit:
    text = units.text
    return KwicHit(
        _flat(text[left_from:start]),
        text[start:end],
        _flat(text[end:right_to]),
        units.sections[u],
        units.titles[u],
        units.paragraphs[u],
        0,
        start,
        end,
    )


def _with_sentences(hits: list[KwicHit], units: _Units) -> list[KwicHit]:
    if not hits:
        return hits
    at = np.searchsorted(units.sentence_starts, [h.start for h in hits], side="right") - 1
    ids = units.sentence_ids[np.maximum(at, 0)].tolist()
    return [h._replace(sentence=int(i)) for h, i in zip(hits, ids, strict=True)]


def kwic(
    source: Document | pd.DataFrame,
    query: str,
    *,
    window: int = 20,
    sections: str | Sequence[str] | None = None,
    regex: bool = False,
    unit: Unit = "char",
    include_title: bool = False,
) -> KwicResult:
    """Every occurrence of ``query`` with ``window`` characters (or tokens) of context each side.

    ``source`` is a :class:`~studykit.document.model.Document` or a token table from
    :func:`studykit.text.tokens.tokenize` (offsets, paragraph and sentence numbers are the same for
    both). Paragraphs and headings are searched, the title only with ``include_title=True``,
    boilerplate, meta and byline never. Hits come in document order.

    ``unit="char"`` (the default) searches the characters, so 党建 is found inside 政协党建, and a
    phrase is found however the segmenter split it. ``unit="token"`` matches whole tokens, or runs
    of consecutive tokens that together spell the query (with ``regex=True``: single tokens that
    the pattern matches in full), and ``window`` counts tokens. A Document in token mode is
    segmented with the default :class:`~studykit.text.segment.JiebaSegmenter`; pass the table to
    choose the segmenter. Context never leaves the hit's paragraph or heading.

    ``sections`` keeps only those sections (``"三"``, ``["一", "二"]``, ``"一/二"``; a top-level
    label includes its subsections); an unknown label raises ``SectionNotFoundError``. An empty
    query or an invalid ``regex`` raises ``QueryError``. Matches of zero length are skipped.

    >>> kwic(doc, "党建", window=8, sections="三")[0]                  # doctest: +SKIP
    KwicHit(left='政协党组要', match='党建', right='引领…', section='三', …)
    >>> kwic(doc, r"哪里有.{1,6}哪里就有", regex=True).to_frame()     # doctest: +SKIP
    """
    if hasattr(source, "_studykit_corpus"):  # a Corpus: hits labelled with their document (studykit.corpus)
        return getattr(source, "kwic")(query, window=window, sections=sections, regex=regex, unit=unit,  # type: ignore[no-any-return]  # noqa: B009
                                       include_title=include_title)
    if window < 0:
        raise QueryError(f"window must be 0 or more, not {window}")
    if unit not in ("char", "token"):
        raise QueryError(f"unknown unit {unit!r}: choose 'char' or 'token'")
    pattern = _compile(query, regex=regex)
    if unit == "token":
        table = source if isinstance(source, pd.DataFrame) else _tokenize(source)
        text = source.text if isinstance(source, Document) else None
        hits = _token_kwic(table, pattern, text, window, sections, regex, include_title)
        return KwicResult(tuple(hits), query, unit, window)
    units = (
        _units_from_document(source) if isinstance(source, Document) else _units_from_table(source)
    )
    keep = _keep(units, sections, include_title)
    shadow = simplified_shadow(units.text)
    hits = [
        _hit(units, u, s, e, max(units.starts[u], s - window), min(units.ends[u], e + window))
        for u, s, e in _char_hits(pattern, shadow, units, keep)
    ]
    return KwicResult(tuple(_with_sentences(hits, units)), query, unit, window)


def _tokenize(doc: Document) -> pd.DataFrame:
    from studykit.text.tokens import tokenize

    return tokenize(doc)


def _token_kwic(
    table: pd.DataFrame,
    pattern: re.Pattern[str],
    text: str | None,
    window: int,
    sections: str | Sequence[str] | None,
    regex: bool,
    include_title: bool,
) -> list[KwicHit]:
    units = _units_from_table(table, text)
    keep = _keep(units, sections, include_title)
    bounds = _unit_boundaries(table)
    t_start = table["start"].to_numpy(dtype=np.int64)
    t_end = table["end"].to_numpy(dtype=np.int64)
    shadow = simplified_shadow(units.text)
    spans: list[tuple[int, int, int]] = []  # (unit, first token row, last token row + 1)
    if regex:
        for u in keep:
            for r in range(int(bounds[u]), int(bounds[u + 1])):
                if pattern.fullmatch(shadow, int(t_start[r]), int(t_end[r])):
                    spans.append((u, r, r + 1))
    else:
        # Overlapping search, then keep matches that begin and end on token boundaries.
        ahead = re.compile(f"(?=({pattern.pattern}))")
        for u in keep:
            lo, hi = int(bounds[u]), int(bounds[u + 1])
            base = units.starts[u]
            starts_u, ends_u = t_start[lo:hi], t_end[lo:hi]
            for m in ahead.finditer(shadow[base : units.ends[u]]):
                s, e = base + m.start(1), base + m.end(1)
                i = int(np.searchsorted(starts_u, s))
                j = int(np.searchsorted(ends_u, e))
                if i < len(starts_u) and starts_u[i] == s and j < len(ends_u) and ends_u[j] == e:
                    spans.append((u, lo + i, lo + j + 1))
    hits = []
    for u, first, stop in spans:
        lo, hi = int(bounds[u]), int(bounds[u + 1])
        left_from = int(t_start[max(lo, first - window)])
        right_to = int(t_end[min(hi, stop + window) - 1])
        hits.append(_hit(units, u, int(t_start[first]), int(t_end[stop - 1]), left_from, right_to))
    return _with_sentences(hits, units)


# --- dispersion ----------------------------------------------------------------------------------


def dispersion(
    table: pd.DataFrame,
    terms: Sequence[str] | str,
    *,
    document: Document | None = None,
    include_title: bool = False,
) -> pd.DataFrame:
    """Where each term occurs in the token table: one row per occurrence, for a dispersion plot.

    Columns: ``term``; ``token_index`` (the table index of the token in which the occurrence
    begins, the position on a dispersion plot's x axis); ``offset`` and ``end`` (character
    offsets into ``document.text``); ``section`` (path) and ``top`` (top-level path). Rows are
    grouped by term in the order given, then in document order. Terms are found as characters
    (党建 inside 政协党建, phrases the segmenter splits) in paragraphs and headings; a term that
    does not occur has no rows, and no occurrence at all gives an empty frame with these columns.
    ``frame.attrs`` holds ``terms`` (the terms asked for, in order) and ``n_tokens``.

    ``document`` is optional: give it to search the exact source text (the table alone stands
    for whitespace between tokens with spaces). Pair with :func:`dispersion_sections` to shade
    the sections::

        hits = dispersion(table, ["党建", "履职"])
        spans = dispersion_sections(table)     # token_start / token_end per top-level section
    """
    wanted = [terms] if isinstance(terms, str) else list(terms)
    wanted = list(dict.fromkeys(wanted))
    patterns = [(t, _compile(t, regex=False)) for t in wanted]
    units = _units_from_table(table, document.text if document is not None else None)
    keep = _keep(units, None, include_title)
    shadow = simplified_shadow(units.text)
    t_start = table["start"].to_numpy(dtype=np.int64)
    section = table["section"].to_numpy(dtype=object)
    top = table["top"].to_numpy(dtype=object) if "top" in table.columns else None
    index = table.index.to_numpy()
    rows: dict[str, list[object]] = {c: [] for c in DISPERSION_COLUMNS}
    for term, pattern in patterns:
        found = _char_hits(pattern, shadow, units, keep)
        if not found:
            continue
        starts = np.asarray([s for _, s, _ in found], dtype=np.int64)
        pos = np.maximum(np.searchsorted(t_start, starts, side="right") - 1, 0)
        rows["term"] += [term] * len(found)
        rows["token_index"] += index[pos].tolist()
        rows["offset"] += starts.tolist()
        rows["end"] += [e for _, _, e in found]
        rows["section"] += [str(x) for x in section[pos]]
        rows["top"] += (
            [str(x) for x in top[pos]] if top is not None
            else [str(x).split("/")[0] for x in section[pos]]
        )
    frame = _typed(pd.DataFrame(rows, columns=list(DISPERSION_COLUMNS)))
    frame.attrs["terms"] = wanted
    frame.attrs["n_tokens"] = len(table)
    return frame


def dispersion_sections(table: pd.DataFrame) -> pd.DataFrame:
    """The top-level sections of a token table as token and character ranges, in order.

    Columns: ``section`` (top-level path, ``0`` for the preamble), ``label`` (``一``; ``0`` for
    the preamble), ``title`` (``导语`` for the preamble), ``token_start``/``token_end`` (token
    index range, end exclusive, in the same numbering as :func:`dispersion`'s ``token_index``)
    and ``start``/``end`` (character offsets). Title tokens come before the first section and
    belong to none. Read from ``table.attrs["sections"]``, or from the ``top`` column when the
    table has lost its attrs.
    """
    rows: dict[str, list[object]] = {c: [] for c in DISPERSION_SECTION_COLUMNS}
    sections = [s for s in table.attrs.get("sections", []) if "/" not in str(s["path"])]
    if sections:
        for s in sections:
            rows["section"].append(str(s["path"]))
            rows["label"].append(str(s["label"] if s.get("label") is not None else s["path"]))
            rows["title"].append(str(s.get("title") or ""))
            rows["token_start"].append(int(s["token_start"]))
            rows["token_end"].append(int(s["token_end"]))
            rows["start"].append(int(s["start"]))
            rows["end"].append(int(s["end"]))
    elif len(table) and "top" in table.columns:
        body = table[table["top"].astype(str) != ""]
        for top, group in body.groupby("top", sort=False):
            rows["section"].append(str(top))
            rows["label"].append(str(top))
            first = group[group["section"] == top]
            rows["title"].append(str((first if len(first) else group)["section_title"].iloc[0]))
            rows["token_start"].append(int(group.index.min()))
            rows["token_end"].append(int(group.index.max()) + 1)
            rows["start"].append(int(group["start"].min()))
            rows["end"].append(int(group["end"].max()))
    return _typed(pd.DataFrame(rows, columns=list(DISPERSION_SECTION_COLUMNS)))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for c in frame.columns:
        if c in _INT_COLUMNS:
            frame[c] = frame[c].astype("int64")
        else:
            frame[c] = frame[c].astype(object)
    return frame
