"""The structure of a document: frozen, slotted dataclasses holding tuples.

Every element carries ``start`` and ``end``: character offsets into ``Source.text``, the decoded
text (after a BOM is removed and before any other change; line endings are kept as they were, so
``\\r\\n`` counts as two characters). For HTML, ``Source.text`` is the article text extracted from
the page, and offsets refer to it. ``source.text[el.start:el.end] == el.text`` holds for every
element.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from studykit.errors import SectionNotFoundError

SourceFormat = Literal["text", "html", "markdown"]
BoilerplateKind = Literal[
    "banner", "breadcrumb", "controls", "editor", "footer", "navigation", "other", "markup",
    "caption",
]
"""``markup`` is Markdown syntax (``## ``, ``<!-- … -->``); ``caption`` a photo caption."""
TitleBlockKind = Literal["title", "subtitle", "dateline", "speaker", "meta", "byline"]
ClosingKind = Literal["signature", "date", "note", "attachments", "distribution", "attendance"]
"""Closing lines of an official document: the issuing body (落款), its date, a note such as
（此件公开发布）, the list of attachments (附件：1.…), the distribution list (抄送：…) and the
attendance list ending a 纪要 (出席：…, 列席：…)."""

PREAMBLE_KEY = "0"
"""Section path of the untitled preamble (level 0) in token tables and analyses."""


@dataclass(frozen=True, slots=True)
class Source:
    """Decoded text and where it came from.

    ``lead_spans`` lists ``(start, end)`` spans that the reader already knows are paragraph leads,
    such as the ``<strong>`` run that opens an HTML paragraph.
    """

    text: str
    name: str
    encoding: str
    format: SourceFormat = "text"
    path: Path | None = None
    lead_spans: tuple[tuple[int, int], ...] = ()
    heading_spans: tuple[tuple[int, int, int], ...] = ()
    """``(start, end, level)`` of blocks the reader knows are headings (HTML ``<h2>`` → 1 …)."""
    markup_spans: tuple[tuple[int, int], ...] = ()
    """``(start, end)`` of characters that are markup, not text: Markdown's ``## `` and
    ``<!-- … -->``. The parser files them as boilerplate of kind ``markup``."""
    title_span: tuple[int, int] | None = None
    """The block the reader knows is the title (Markdown's ``# 标题``)."""
    meta_spans: tuple[tuple[int, int], ...] = ()
    """Blocks of metadata (front matter), kept in the title block as ``meta`` lines."""
    declared_meta: tuple[tuple[str, str], ...] = ()
    """Metadata the format declares (front matter ``title``, ``date``, ``author``, ``source``)."""
    notes: tuple[str, ...] = ()
    """What the reader set aside and why, one bilingual line each (front matter it would not
    read: too large, nested too deeply, YAML aliases)."""

    def __repr__(self) -> str:
        return (
            f"Source({self.name!r}, {len(self.text):,} chars, encoding={self.encoding!r}, "
            f"format={self.format!r})"
        )


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the source text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Page furniture kept aside from the article: banners, breadcrumbs, footers and the like."""

    start: int
    end: int
    text: str
    kind: BoilerplateKind = "other"


@dataclass(frozen=True, slots=True)
class TitleLine:
    """One line of the title block: the title, a subtitle, a dateline, a speaker, meta or byline."""

    start: int
    end: int
    text: str
    kind: TitleBlockKind


@dataclass(frozen=True, slots=True)
class Meta:
    """Publication facts: ``date`` as YYYY-MM-DD, ``time`` as HH:MM[:SS], ``source`` and ``author``.

    ``date`` is the document's own date when it has one (a dateline, the date a report was
    delivered or a law adopted, 成文日期, the date under the signature), else the date the page
    gives. ``published`` is the page's publication date (时间：…, 发布日期) when the document
    has a date of its own besides it. ``doc_number`` is the document number (发文字号, 国办发〔2024〕5号).
    """

    date: str | None = None
    time: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = None
    doc_number: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A body paragraph. ``lead`` is its short first sentence when that acts as a sub-heading.

    ``article`` is the label of the law article (``第三条``) the paragraph belongs to, and
    ``item`` the marker of a list item (``（一）``, ``1.``, ``（1）``) that opens it: enumerations
    inside an article or after a colon are list items, not headings.
    """

    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]
    lead: str | None = None
    article: str | None = None
    item: str | None = None

    @property
    def lead_end(self) -> int | None:
        """Offset where the lead ends, or None."""
        return self.start + len(self.lead) if self.lead is not None else None


@dataclass(frozen=True, slots=True)
class Heading:
    """The heading line of a section, with the marker (``一、``) included in ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    """A node of the section tree.

    ``level`` 0 is the untitled preamble; 1 is ``一、`` (or ``第一部分``), 2 is ``（一）``, 3 is ``1.``.
    ``label`` is the number as written (``一``, ``1``, ``第一部分``); ``path`` joins the labels from
    the root (``一/二``) and is unique within a document. ``paragraphs`` are the section's own
    paragraphs, before its first child.
    """

    level: int
    label: str | None
    title: str | None
    start: int
    end: int
    path: str
    heading: Heading | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    children: tuple[Section, ...] = ()

    def walk(self) -> Iterator[Section]:
        """This section and all its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_paragraphs(self) -> Iterator[Paragraph]:
        """Paragraphs of this section and its descendants, in document order."""
        for sec in self.walk():
            yield from sec.paragraphs

    @property
    def display(self) -> str:
        """A short human name: ``一 自觉扛起…`` or ``导语`` for the preamble."""
        if self.level == 0:
            return "导语"
        return " ".join(x for x in (self.label, self.title) if x)

    def __repr__(self) -> str:
        return _text_outline([self])

    def _repr_html_(self) -> str:
        return _html_outline([self])


@dataclass(frozen=True, slots=True)
class ClosingLine:
    """One line of a document's closing block (落款, date, （此件公开发布）, 附件 list, 抄送)."""

    start: int
    end: int
    text: str
    kind: ClosingKind


@dataclass(frozen=True, slots=True)
class Article:
    """A law article (第三条): its label, number, section path and the paragraphs it spans.

    An article inserted by an amendment (``第五条之一``) has its base article's number (5)."""

    label: str
    number: int
    section: str
    start: int
    end: int
    paragraphs: tuple[Paragraph, ...]

    @property
    def text(self) -> str:
        """The article's paragraphs joined by line breaks."""
        return "\n".join(p.text for p in self.paragraphs)


class Unit(NamedTuple):
    """A stretch of the document that analyses read, in reading order: a title line, a section
    heading or a paragraph. Token tables, KWIC and formulations all number paragraphs and
    sentences from these, so their numbers agree."""

    start: int
    end: int
    kind: Literal["title", "heading", "paragraph"]
    section: str  # section path; "" for title lines
    section_title: str  # the section's title, 导语 for the preamble, "" for title lines
    paragraph: int  # global paragraph number, -1 for title lines and headings
    sentence_starts: tuple[int, ...]  # where each sentence begins (a title line or heading is one)
    lead_end: int  # where the paragraph's lead ends, -1 when it has none
    article: str = ""  # the law article (第三条) of a paragraph, "" elsewhere


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed document: title block, boilerplate and the section tree, all with offsets."""

    source: Source
    title: str | None
    meta: Meta
    byline: str | None
    title_block: tuple[TitleLine, ...]
    boilerplate: tuple[Boilerplate, ...]
    sections: tuple[Section, ...]
    closing: tuple[ClosingLine, ...] = ()
    _index: dict[str, Section] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for sec in self.walk():
            self._index[sec.path] = sec

    @property
    def text(self) -> str:
        return self.source.text

    def walk(self) -> Iterator[Section]:
        """Every section, depth first, in document order."""
        for sec in self.sections:
            yield from sec.walk()

    def units(self) -> Iterator[Unit]:
        """Title and subtitle lines, then each section's heading and paragraphs, in order."""
        for line in self.title_block:
            if line.kind in ("title", "subtitle"):
                yield Unit(line.start, line.end, "title", "", "", -1, (line.start,), -1)
        number = 0
        for sec in self.walk():
            title = sec.title or ("导语" if sec.level == 0 else "")
            if sec.heading is not None:
                h = sec.heading
                yield Unit(h.start, h.end, "heading", sec.path, title, -1, (h.start,), -1)
            for p in sec.paragraphs:
                lead_end = p.start + len(p.lead) if p.lead else -1
                starts = tuple(snt.start for snt in p.sentences)
                yield Unit(
                    p.start, p.end, "paragraph", sec.path, title, number, starts, lead_end,
                    p.article or "",
                )
                number += 1

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(p for sec in self.walk() for p in sec.paragraphs)

    @property
    def articles(self) -> tuple[Article, ...]:
        """The law articles (第一条, 第二条 …) in document order; empty for other documents."""
        out: list[Article] = []
        current: list[Paragraph] = []
        path = ""
        for sec in self.walk():
            for p in sec.paragraphs:
                if p.article is None:
                    continue
                if current and (current[0].article != p.article or path != sec.path):
                    out.append(_article(current, path))
                    current = []
                if not current:
                    path = sec.path
                current.append(p)
        if current:
            out.append(_article(current, path))
        return tuple(out)

    def article(self, label: str) -> Article:
        """The article with this label (``第三条``, or ``3``), or a clear error listing valid ones."""
        key = label.strip()
        arts = self.articles
        for a in arts:
            if key in (a.label, str(a.number)):
                return a
        shown = " ".join(a.label for a in arts[:12]) + (" …" if len(arts) > 12 else "")
        raise SectionNotFoundError(
            f"没有找到条文「{label}」 / no article {label}: "
            + (f"choose one of {shown}" if arts else "this document has no articles (第N条)")
        )

    @property
    def labels(self) -> tuple[str, ...]:
        """Every section path, in document order (``0`` is the preamble)."""
        return tuple(self._index)

    @property
    def top_labels(self) -> tuple[str, ...]:
        """Paths of the top-level titled sections (``一``, ``二``…), without the preamble."""
        return tuple(s.path for s in self.sections if s.level > 0)

    def section(self, label: str) -> Section:
        """The section with this path (``三``, ``一/二``), or a clear error listing valid ones."""
        key = label.strip().strip("、.．")
        if key in self._index:
            return self._index[key]
        for sec in self.walk():  # allow the written label of a unique section, e.g. 第一部分
            if sec.label == key:
                return sec
        raise SectionNotFoundError(section_not_found_message(label, self.labels))

    def elements(self) -> Iterator[tuple[str, int, int]]:
        """``(kind, start, end)`` for every top-level element, sorted by start.

        Kinds: ``boilerplate``, ``title``, ``heading``, ``paragraph``, ``closing``. Together they
        cover every non-whitespace character of the text exactly once.
        """
        items: list[tuple[str, int, int]] = [("boilerplate", b.start, b.end) for b in self.boilerplate]
        items += [("title", t.start, t.end) for t in self.title_block]
        for sec in self.walk():
            if sec.heading is not None:
                items.append(("heading", sec.heading.start, sec.heading.end))
            items += [("paragraph", p.start, p.end) for p in sec.paragraphs]
        items += [("closing", c.start, c.end) for c in self.closing]
        return iter(sorted(items, key=lambda x: (x[1], x[2])))

    def __repr__(self) -> str:
        head = f"Document({self.title or '(无标题)'!s}"
        if self.meta.date:
            head += f", {self.meta.date}"
        head += f", {len(self.paragraphs)} paragraphs)"
        return head + "\n" + _text_outline(self.sections)

    def _repr_html_(self) -> str:
        meta = " · ".join(x for x in (self.meta.date, self.meta.source, self.meta.author) if x)
        title = html.escape(self.title or "（无标题）")
        parts = [f"<div class='studykit-doc'><h3 style='margin:0'>{title}</h3>"]
        if meta:
            parts.append(f"<div style='color:#666'>{html.escape(meta)}</div>")
        if self.byline:
            parts.append(f"<div style='color:#666'>{html.escape(self.byline)}</div>")
        parts.append(_html_outline(self.sections))
        parts.append("</div>")
        return "".join(parts)


def _article(paragraphs: list[Paragraph], section: str) -> Article:
    from studykit.zh import cn_to_int

    label = paragraphs[0].article or ""
    number = cn_to_int(label.removeprefix("第").partition("条")[0]) or 0  # 第五条之一 → 5
    return Article(label, number, section, paragraphs[0].start, paragraphs[-1].end, tuple(paragraphs))


def resolve_section_paths(
    labels: str | Iterable[str], known: Sequence[tuple[str, str | None]]
) -> list[str]:
    """Section paths for user labels (``三``, ``三、``, ``一/二``, ``导语``, or a written label such
    as ``第一部分``), in document order; a label covers its subsections. ``known`` lists every
    ``(path, written label)``. Unknown labels raise :class:`SectionNotFoundError`."""
    wanted = [labels] if isinstance(labels, str) else list(labels)
    paths = [p for p, _ in known]
    chosen: set[str] = set()
    for raw in wanted:
        label = str(raw).strip().strip("、.．")
        if label in ("导语", "preamble"):
            label = PREAMBLE_KEY
        roots = [label] if label in paths or any(p.startswith(label + "/") for p in paths) else [
            path for path, written in known if written == label
        ]
        hits = {p for p in paths for r in roots if p == r or p.startswith(r + "/")}
        if not hits:
            raise SectionNotFoundError(section_not_found_message(str(raw), paths))
        chosen |= hits
    return [p for p in paths if p in chosen]


_SHOWN_LABELS = 10
"""Section labels a not-found message lists before "… and N more"."""


def section_not_found_message(label: str, labels: tuple[str, ...] | list[str]) -> str:
    """One line naming the valid sections: the first ten, then how many more (a document of
    5,000 sections gets a line, not a page).

    >>> section_not_found_message("五", ["一", "二"])
    '没有找到章节「五」 / no section 五: choose one of 一 二'
    """
    named = [x for x in labels if x != PREAMBLE_KEY]
    more = len(named) - _SHOWN_LABELS
    shown = " ".join(named[:_SHOWN_LABELS]) + (f" … and {more:,} more" if more > 0 else "")
    shown = shown or "(none)"
    return (
        f"没有找到章节「{label}」 / no section {label}: choose one of {shown}"
        + (f" (or {PREAMBLE_KEY} for the preamble)" if PREAMBLE_KEY in labels else "")
    )


def _count_chars(sec: Section) -> int:
    return sum(len(p.text) for p in sec.all_paragraphs())


def _text_outline(sections: tuple[Section, ...] | list[Section]) -> str:
    lines: list[str] = []
    for top in sections:
        for sec in top.walk():
            indent = "  " * max(sec.level - 1, 0)
            lead_n = sum(1 for p in sec.paragraphs if p.lead)
            lines.append(
                f"{indent}{sec.display}  [{len(sec.paragraphs)} 段, {_count_chars(sec)} 字"
                + (f", {lead_n} 个段首句" if lead_n else "")
                + "]"
            )
    return "\n".join(lines)


def _html_outline(sections: tuple[Section, ...] | list[Section]) -> str:
    def node(sec: Section) -> str:
        label = html.escape(sec.display)
        info = f"<span style='color:#888'> · {len(sec.paragraphs)} 段 · {_count_chars(sec)} 字</span>"
        leads = "".join(
            f"<li style='color:#555'>{html.escape(p.lead)}</li>" for p in sec.paragraphs if p.lead
        )
        kids = "".join(node(c) for c in sec.children)
        inner = (f"<ul>{leads}</ul>" if leads else "") + (f"<ul>{kids}</ul>" if kids else "")
        return f"<li><b>{label}</b>{info}{inner}</li>"

    return "<ul class='studykit-outline'>" + "".join(node(s) for s in sections) + "</ul>"
