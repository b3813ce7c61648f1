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
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, TypeVar, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from studykit.document.model import PREAMBLE_KEY, Document, resolve_section_paths
from studykit.errors import QueryError
from studykit.text.reading import ReadingView, read, reading_view
from studykit.zh import simplified_shadow

from ._options import Count, Real, Text, _Flag, checked, text_problem
from ._table import _dispersion_by_parts

__all__ = [
    "DISPERSION_COLUMNS",
    "DISPERSION_MEASURE_COLUMNS",
    "DISPERSION_SECTION_COLUMNS",
    "KWIC_COLUMNS",
    "KwicHit",
    "KwicResult",
    "SearchBudget",
    "dispersion",
    "dispersion_measures",
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
T = TypeVar("T")


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
        shown = self.hits[:20]
        width = max((len(h.left) for h in shown), default=0)  # the contexts shown, not the window
        lines = [f"  {h.left:>{width}} [{h.match}] {h.right}  ({_section_name(h)})" for h in shown]
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
    tokens = table["token"].astype(str).tolist()
    # A token cut by a hard wrap is shorter than its span: pad it with a line end, which the
    # reading view removes again, so every later token keeps its offset.
    short = (ends - starts) - np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    if short.any():
        tokens = [t + "\n" * int(k) if k > 0 else t for t, k in zip(tokens, short.tolist(), strict=True)]
    return "".join(map(str.__add__, map(" ".__mul__, gaps), tokens))


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

MAX_WINDOW = 100_000
"""The widest context on each side of a hit, in characters or tokens."""
REGEX_TIMEOUT = 2.0
"""Seconds the regular expression of one search may run in total (over every paragraph, and over
every document of a corpus search) before KWIC stops with a QueryError."""

Sort = Literal["position", "left", "right", "match"]


class SearchBudget:
    """The time a regular-expression search may spend matching, shared by every text it searches.

    :func:`kwic` makes one per call, so ``timeout`` bounds the whole search, not each paragraph.
    A search over many documents (``studykit.corpus``) makes one and passes it to each
    :func:`kwic` call as ``budget=``, so the limit covers the whole corpus. Only time spent inside
    the ``regex`` module counts: reading and parsing documents between calls is free.

    >>> budget = SearchBudget(2.0)
    >>> budget.left
    2.0
    """

    __slots__ = ("seconds", "spent")

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self.spent = 0.0

    @property
    def left(self) -> float:
        """Seconds still to spend (0 or less when the budget is used up)."""
        return self.seconds - self.spent

    def __repr__(self) -> str:
        return f"SearchBudget({self.seconds:g} s, {self.spent:.3f} s spent)"


class _Matcher:
    """The compiled query, with one time limit for every text a regular expression searches.

    Regular expressions run on the ``regex`` module with its ``timeout``, so a catastrophic
    pattern such as ``(a+)+b`` stops with a clear error instead of hanging the kernel; each call
    gets what is left of the :class:`SearchBudget`, and what it used is taken off, so a pattern
    that is slow on every paragraph stops after ``timeout`` seconds in all. Plain queries are
    literal and cannot backtrack. ``overlapping`` reports matches that overlap (``哈哈`` twice in
    ``哈哈哈``).
    """

    def __init__(
        self, query: str, *, regex: bool, overlapping: bool, timeout: float,
        budget: SearchBudget | None = None,
    ) -> None:
        import regex as rx

        self.query = query
        self.budget = budget if budget is not None else SearchBudget(timeout)
        self.overlapping = overlapping
        self.is_regex = regex
        source = simplified_shadow(query) if regex else rx.escape(simplified_shadow(query))
        try:
            if regex:
                re.compile(query)  # the documented syntax is Python's re; refuse what re refuses
            self.pattern = rx.compile(source, rx.VERSION0)
            self.ahead = rx.compile(f"(?=({source}))", rx.VERSION0)
            # A literal query cannot backtrack: the standard library finds it faster.
            self.literal = None if regex or overlapping else re.compile(re.escape(simplified_shadow(query)))
        except (re.error, rx.error) as exc:
            raise QueryError(
                f"无效的正则表达式「{query}」 / invalid regular expression {query}: {exc}"
            ) from None

    def _timed(self, run: Callable[[float | None], T]) -> T:
        """``run(timeout)`` with what is left of the budget, taking the time it used off it.

        Only regular expressions can backtrack without end, so a literal query runs unlimited
        (a big document under load is merely slow)."""
        if not self.is_regex:
            return run(None)
        left = self.budget.left
        if left <= 0:
            raise self._too_slow()
        began = time.perf_counter()
        try:
            return run(left)
        except TimeoutError:
            raise self._too_slow() from None
        finally:
            self.budget.spent += time.perf_counter() - began

    def _too_slow(self) -> QueryError:
        return QueryError(
            f"检索超时 / the search for {self.query!r} took longer than "
            f"{self.budget.seconds:g} s in all: simplify the regular expression (nested repeats "
            "such as (a+)+ or (.*)* can run for ever), or allow more time (timeout= in Python, "
            "--timeout on the command line)"
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Non-empty match spans in ``text`` (a pattern such as 党* also matches nothing: no hit)."""
        if self.literal is not None:
            return [m.span() for m in self.literal.finditer(text)]
        found = self._timed(lambda limit: [
            m.span() for m in self.pattern.finditer(text, overlapped=self.overlapping, timeout=limit)
        ])
        return [(s, e) for s, e in found if e > s]

    def all_spans(self, text: str) -> list[tuple[int, int]]:
        """Every match span, overlapping ones included (for token-boundary matching)."""
        found = self._timed(lambda limit: [
            m.span(1) for m in self.ahead.finditer(text, timeout=limit)
        ])
        return [(s, e) for s, e in found if e > s]

    def whole(self, text: str, pos: int, endpos: int) -> bool:
        return self._timed(
            lambda limit: self.pattern.fullmatch(text, pos, endpos, timeout=limit) is not None
        )


def _compile(
    query: str, *, regex: bool, overlapping: bool = False, timeout: float = REGEX_TIMEOUT,
    budget: SearchBudget | None = None,
) -> _Matcher:
    problem = text_problem(query)
    if problem:
        raise QueryError(f"查询无效 / invalid query {query!r}: {problem}")
    return _Matcher(query, regex=regex, overlapping=overlapping, timeout=timeout, budget=budget)


_NO_CUTS = np.zeros(0, dtype=np.int64)


def _unit_view(shadow: str, units: _Units, u: int) -> tuple[int, ReadingView]:
    base, end = units.starts[u], units.ends[u]
    piece = shadow[base:end]
    if units.parts[u] != "paragraph" or ("\n" not in piece and "\r" not in piece):
        return base, ReadingView(piece, _NO_CUTS, _NO_CUTS)  # nothing to read through
    return base, reading_view(piece, [(0, len(piece))])


def _char_hits(
    matcher: _Matcher, shadow: str, units: _Units, keep: list[int]
) -> list[tuple[int, int, int, int, int, ReadingView]]:
    """``(unit, start, end, reading start, reading end, view)`` of every match in a unit's
    reading view (hard wraps removed); start/end are source offsets."""
    out: list[tuple[int, int, int, int, int, ReadingView]] = []
    for u in keep:
        base, view = _unit_view(shadow, units, u)
        for s, e in matcher.spans(view.text):
            a, b = view.source_span(s, e)
            out.append((u, base + a, base + b, s, e, view))
    return out


def _flat(s: str) -> str:
    return s.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def _hit(units: _Units, u: int, start: int, end: int, left_from: int, right_to: int) -> KwicHit:
    text = units.text
    return KwicHit(
        _flat(read(text[left_from:start])),
        read(text[start:end]).strip("\r\n"),  # a table's stand-in text pads wrapped tokens
        _flat(read(text[end:right_to])),
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


def _sorted(hits: list[KwicHit], sort: Sort) -> list[KwicHit]:
    """Hits in document order, or sorted by the neighbour on one side (AntConc's 1L / 1R):
    ``left`` by the left context read backwards from the match, ``right`` by the right context,
    ``match`` by the matched text; ties keep document order. Characters sort by code point, which
    puts equal neighbours together."""
    if sort == "position":
        return hits
    if sort == "left":
        return sorted(hits, key=lambda h: h.left[::-1])
    if sort == "right":
        return sorted(hits, key=lambda h: h.right)
    return sorted(hits, key=lambda h: h.match)


@checked(
    query=Text(), window=Count(0, MAX_WINDOW, hint="for more, read the whole paragraph (its index is in the result)"),
    include_title=_Flag(), regex=_Flag(), overlapping=_Flag(),
    timeout=Real(0.0, 3600.0), sections=Text(many=True, none=True), limit=Count(0, none=True),
)
def kwic(
    source: Document | pd.DataFrame,
    query: str,
    *,
    window: int = 20,
    sections: str | Sequence[str] | None = None,
    regex: bool = False,
    unit: Unit = "char",
    include_title: bool = False,
    overlapping: bool = False,
    sort: Sort = "position",
    timeout: float = REGEX_TIMEOUT,
    budget: SearchBudget | None = None,
    limit: int | None = None,
) -> KwicResult:
    """Every occurrence of ``query`` with ``window`` characters (or tokens) of context each side.

    ``source`` is a :class:`~studykit.document.model.Document` or a token table from
    :func:`studykit.text.tokens.tokenize` (offsets, paragraph and sentence numbers are the same for
    both). Paragraphs and headings are searched, the title only with ``include_title=True``,
    boilerplate, meta and byline never. Hits come in document order, or sorted with ``sort``:
    ``"left"`` / ``"right"`` by the neighbouring context on that side (the left read backwards
    from the match, as AntConc's 1L sort), ``"match"`` by the matched text.

    ``unit="char"`` (the default) searches the characters, so 党建 is found inside 政协党建, and a
    phrase is found however the segmenter split it. ``unit="token"`` matches whole tokens, or runs
    of consecutive tokens that together spell the query (with ``regex=True``: single tokens that
    the pattern matches in full), and ``window`` counts tokens. A Document in token mode is
    segmented with the default :class:`~studykit.text.segment.JiebaSegmenter`; pass the table to
    choose the segmenter. Context never leaves the hit's paragraph or heading. So the character
    count can exceed the token count: 党建 inside 政协党建 or 党建工作 is a character hit but not a
    党建 token.

    Paragraphs are searched in their reading view (:mod:`studykit.text.reading`): a term cut by
    a hard line wrap (``高质量\n发展``) is found, ``match`` and the context show it as read
    (``高质量发展``) and ``start``/``end`` cover the source span, break included.

    ``overlapping=True`` also reports matches that overlap an earlier one (``哈哈`` twice in
    ``哈哈哈``; with a regex, every match the pattern can make at each position, as the
    ``regex`` module's ``overlapped``). A regular expression that runs longer than ``timeout``
    seconds in all (over every paragraph searched; a catastrophic pattern such as ``(a+)+b``)
    stops with a ``QueryError``. ``budget`` shares one :class:`SearchBudget` between several
    calls (a corpus search passes the same one for every document) and then replaces
    ``timeout``.

    ``sections`` keeps only those sections (``"三"``, ``["一", "二"]``, ``"一/二"``; a top-level
    label includes its subsections); an unknown label raises ``SectionNotFoundError``. An empty
    query, one that is not text, an invalid ``regex`` or a bad option raises ``QueryError``.
    Matches of zero length are skipped. ``limit`` keeps the first that many hits in document
    order (then ``sort`` applies); a corpus (:func:`studykit.load_corpus`) stops searching there.

    >>> from studykit import load
    >>> doc = load("seeds/000_1776dd67e002c30c.txt")
    >>> hits = kwic(doc, "党建", window=6, sections="三")
    >>> len(hits), hits[0].left, hits[0].match, hits[0].right
    (8, '三、促进政协', '党建', '与履职工作共')
    >>> [h.right[:2] for h in kwic(doc, "党建", window=4, sort="right")][:3]
    ['、抓', '。', '与履']
    >>> len(kwic(doc, r"哪里有.{1,6}哪里就有", regex=True))
    3
    """
    if hasattr(source, "_studykit_corpus"):  # a Corpus: hits labelled with their document (studykit.corpus)
        return getattr(source, "kwic")(query, window=window, sections=sections, regex=regex, unit=unit,  # type: ignore[no-any-return]  # noqa: B009
                                       include_title=include_title, overlapping=overlapping, sort=sort, timeout=timeout,
                                       limit=limit)
    _literal_unit(unit)
    _literal_sort(sort)
    if budget is not None and not isinstance(budget, SearchBudget):
        raise QueryError(f"budget 类型无效 / budget must be a SearchBudget or None, not {type(budget).__name__}")
    matcher = _compile(query, regex=regex, overlapping=overlapping, timeout=timeout, budget=budget)
    if unit == "token":
        table = source if isinstance(source, pd.DataFrame) else _tokenize(source)
        text = source.text if isinstance(source, Document) else None
        hits = _token_kwic(table, matcher, text, window, sections, regex, include_title)
        return KwicResult(tuple(_sorted(hits[:limit], sort)), query, unit, window)
    units = (
        _units_from_document(source) if isinstance(source, Document) else _units_from_table(source)
    )
    keep = _keep(units, sections, include_title)
    shadow = simplified_shadow(units.text)
    hits = []
    for u, s, e, rs, re_, view in _char_hits(matcher, shadow, units, keep):
        base = units.starts[u]
        left_from = base + view.to_source(max(0, rs - window))
        right_to = base + (view.source_span(0, min(len(view.text), re_ + window))[1])
        hits.append(_hit(units, u, s, e, left_from, right_to))
    return KwicResult(tuple(_sorted(_with_sentences(hits[:limit], units), sort)), query, unit, window)


def _literal_unit(unit: str) -> None:
    if unit not in ("char", "token"):
        raise QueryError(f"未知的单位 / unknown unit {unit!r}: choose 'char' or 'token'")


def _literal_sort(sort: str) -> None:
    if sort not in ("position", "left", "right", "match"):
        raise QueryError(f"未知的排序方式 / unknown sort {sort!r}: choose 'position', 'left', 'right' or 'match'")


def _tokenize(doc: Document) -> pd.DataFrame:
    from studykit.text.tokens import tokenize

    return tokenize(doc)


def _token_kwic(
    table: pd.DataFrame,
    matcher: _Matcher,
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
    t_len = table["token"].astype(str).str.len().to_numpy(dtype=np.int64)
    shadow = simplified_shadow(units.text)
    spans: list[tuple[int, int, int]] = []  # (unit, first token row, last token row + 1)
    for u in keep:
        lo, hi = int(bounds[u]), int(bounds[u + 1])
        base, view = _unit_view(shadow, units, u)
        # Token boundaries in the unit's reading view: a token is its reading form there.
        starts_u = view.to_reading(t_start[lo:hi] - base)
        ends_u = starts_u + t_len[lo:hi]
        if regex:
            for r in range(hi - lo):
                if matcher.whole(view.text, int(starts_u[r]), int(ends_u[r])):
                    spans.append((u, lo + r, lo + r + 1))
            continue
        # Every match, overlapping ones too, then those that begin and end on token boundaries.
        for s, e in matcher.all_spans(view.text):
            i = int(np.searchsorted(starts_u, s))
            j = int(np.searchsorted(ends_u, e))
            if i < len(starts_u) and starts_u[i] == s and j < len(ends_u) and ends_u[j] == e:
                spans.append((u, lo + i, lo + j + 1))
    if not matcher.overlapping:
        spans = _drop_overlaps(spans)
    hits = []
    for u, first, stop in spans:
        lo, hi = int(bounds[u]), int(bounds[u + 1])
        left_from = int(t_start[max(lo, first - window)])
        right_to = int(t_end[min(hi, stop + window) - 1])
        hits.append(_hit(units, u, int(t_start[first]), int(t_end[stop - 1]), left_from, right_to))
    return _with_sentences(hits, units)


def _drop_overlaps(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Leftmost-first, non-overlapping token runs (what a plain search reports)."""
    out: list[tuple[int, int, int]] = []
    for span in spans:
        if not out or out[-1][0] != span[0] or span[1] >= out[-1][2]:
            out.append(span)
    return out


# --- dispersion ----------------------------------------------------------------------------------


@checked(terms=Text(many=True), include_title=_Flag())
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

    Paragraphs are searched in their reading view, so a term cut by a hard line wrap counts.
    ``document`` is optional: give it to search the exact source text (the table alone stands
    for whitespace between tokens with spaces, and for the break inside a token cut by a wrap
    with line ends after the token, so such an occurrence's ``end`` can be a little early). Pair with :func:`dispersion_sections` to shade
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
        starts = np.asarray([hit[1] for hit in found], dtype=np.int64)
        pos = np.maximum(np.searchsorted(t_start, starts, side="right") - 1, 0)
        rows["term"] += [term] * len(found)
        rows["token_index"] += index[pos].tolist()
        rows["offset"] += starts.tolist()
        rows["end"] += [hit[2] for hit in found]
        rows["section"] += [str(x) for x in section[pos]]
        rows["top"] += (
            [str(x) for x in top[pos]] if top is not None
            else [str(x).split("/")[0] for x in section[pos]]
        )
    frame = _typed(pd.DataFrame(rows, columns=list(DISPERSION_COLUMNS)))
    frame.attrs["terms"] = wanted
    frame.attrs["n_tokens"] = len(table)
    return frame


DISPERSION_MEASURE_COLUMNS = ("term", "count", "dp", "juilland_d")


def dispersion_measures(hits: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """Gries' DP (normalised) and Juilland's D of each term of :func:`dispersion`'s hits over the
    sections of :func:`dispersion_sections` (parts sized by their tokens), as in
    :func:`studykit.term_frequencies`: ``dp`` 0 = spread like the text, 1 = all in the smallest
    part; ``juilland_d`` 1 = perfectly even. Hits outside every section (the title) are left
    out. Rows follow ``hits.attrs["terms"]`` (or first appearance); a term without hits gets
    count 0 and NaN. Sort by ``dp`` to order a dispersion plot from even to concentrated.

    >>> from studykit import load, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> hits = dispersion(table, ["政协", "党建", "带头"])
    >>> dispersion_measures(hits, dispersion_sections(table)).round(3)
      term  count     dp  juilland_d
    0   政协     62  0.117       0.795
    1   党建     21  0.399       0.338
    2   带头      6  0.690       0.000
    """
    terms = [str(t) for t in (hits.attrs.get("terms") or pd.unique(hits["term"].astype(str)))]
    lo = sections["token_start"].to_numpy(dtype=np.int64)
    hi = sections["token_end"].to_numpy(dtype=np.int64)
    sizes = (hi - lo).astype(np.float64)
    pos = hits["token_index"].to_numpy(dtype=np.int64)
    part = np.searchsorted(lo, pos, side="right") - 1
    inside = (part >= 0) & (pos < hi[np.maximum(part, 0)]) if len(lo) else np.zeros(len(pos), bool)
    index = {t: i for i, t in enumerate(terms)}
    codes = np.array([index.get(str(t), -1) for t in hits["term"]], dtype=np.int64)
    inside &= codes >= 0
    counts = np.bincount(codes[inside], minlength=len(terms)) if len(terms) else np.zeros(0, np.int64)
    if len(sizes):
        dp, d = _dispersion_by_parts(codes[inside], part[inside], sizes, len(terms))
    else:
        dp = d = np.full(len(terms), np.nan)
    return pd.DataFrame({
        "term": pd.Series(terms, dtype=object), "count": counts.astype(np.int64), "dp": dp,
        "juilland_d": d,
    })


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
