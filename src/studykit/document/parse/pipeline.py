"""The parser's steps in order: lines, furniture, title block, closing block, headings, tree."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from os import PathLike
from typing import Literal

from studykit._gc import without_gc_pauses
from studykit.document.model import (
    Boilerplate,
    ClosingLine,
    Document,
    Section,
    Source,
    TitleLine,
)
from studykit.zh import simplified_shadow

from . import boilerplate, titleblock
from .closing import find_closing, is_trailer
from .common import find_date, find_time
from .headings import part_starts, plan_headings
from .lines import split_lines
from .tree import TreeBuilder, freeze


@without_gc_pauses
def parse_document(source: Source | str | bytes) -> Document:
    """Parse a :class:`Source` (or anything :func:`read_source` takes) into a Document.

    >>> doc = parse_document("标题\\n\\n一、总体要求\\n\\n加强领导。各级党委要负总责。")
    >>> [s.title for s in doc.sections]
    ['总体要求']
    """
    if not isinstance(source, Source):
        from studykit.document.read import read_source

        source = read_source(source)
    text = source.text
    shadow = _blank(simplified_shadow(text), source.markup_spans)
    lines, markup = split_lines(text, shadow, source.markup_spans + source.meta_spans)
    kinds = boilerplate.classify(lines)
    declared = dict(source.declared_meta)
    block = titleblock.decide(
        text, lines, kinds, declared_title=source.title_span, declared=declared
    )
    for i, furniture in block.furniture.items():
        kinds[i] = furniture
    title_block = list(block.entries)
    for a, b in source.meta_spans:  # front matter
        title_block.append(TitleLine(a, b, text[a:b], "meta"))
    boiler = [Boilerplate(a, b, text[a:b], "markup") for a, b in markup if a < b]
    boiler = [b for b in boiler if not any(m[0] <= b.start and b.end <= m[1] for m in source.meta_spans)]

    body = [
        i for i in range(block.body_from, len(lines))
        if kinds[i] is None and i not in block.consumed
    ]
    closing = find_closing(lines, body, part_starts=part_starts(lines, body))
    after_closing = {body[k + 1] for k in range(len(body) - 1)
                     if body[k] in closing and body[k + 1] not in closing and not is_trailer(lines[body[k + 1]].shadow)}
    body = [i for i in body if i not in closing]
    marked = {(a, b): lvl for a, b, lvl in source.heading_spans}
    plan = plan_headings(lines, body, marked=marked, after_closing=after_closing)

    facts = block.facts
    builder = TreeBuilder(source, shadow, lines, body, plan, title_block, facts)
    root = builder.build()
    boiler += [Boilerplate(a, b, text[a:b], "markup") for a, b in builder.markup]
    closing_lines = [
        ClosingLine(lines[i].start, lines[i].end, lines[i].text, kind) for i, kind in sorted(closing.items())
    ]
    for c in closing_lines:
        if c.kind == "date" and facts.own_date is None:
            facts.own_date = find_date(simplified_shadow(c.text))
        if c.kind == "date" and facts.time is None and find_date(simplified_shadow(c.text)) is None:
            facts.time = find_time(simplified_shadow(c.text))  # 香港时间18时30分 under the date
    for ln, bp_kind in zip(lines, kinds, strict=True):
        if bp_kind is not None:
            boiler.append(Boilerplate(ln.start, ln.end, ln.text, bp_kind))
    sections = freeze(root)
    boiler = _outside_elements(boiler, sections, title_block, closing_lines)
    title = block.title or facts.declared_title
    return Document(
        source=source,
        title=title,
        meta=facts.to_meta(),
        byline=block.byline if block.byline is not None else _late_byline(title_block),
        title_block=tuple(sorted(title_block, key=lambda t: t.start)),
        boilerplate=tuple(sorted(boiler, key=lambda b: b.start)),
        sections=sections,
        closing=tuple(closing_lines),
    )


def load(
    path_or_text: str | bytes | PathLike[str] | None = None,
    *,
    text: str | None = None,
    encoding: str | None = None,
    max_bytes: int | None = None,
    errors: Literal["strict", "replace"] = "strict",
) -> Document:
    """Read and parse in one step: ``doc = sk.load("seeds/000_….txt")``.

    ``sk.load(text="一、总体要求……")`` parses pasted text; a one-line string that names no file
    (``sk.load("报告.docx")``) raises SourceNotFoundError rather than being read as text (see
    :func:`studykit.read_source`). ``encoding`` overrides the detected one; ``max_bytes`` raises
    the size limit (50 MB); ``errors="replace"`` reads a file with broken bytes.
    """
    from studykit.document.read import DEFAULT_MAX_BYTES, read_source

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    return parse_document(
        read_source(path_or_text, text=text, encoding=encoding, max_bytes=limit, errors=errors)
    )


def _outside_elements(
    boiler: list[Boilerplate],
    sections: tuple[Section, ...],
    title_block: list[TitleLine],
    closing: list[ClosingLine],
) -> list[Boilerplate]:
    """Markup spans that are not inside another element: where two lines joined into one
    paragraph (``正文。\n**一是要。**正文。``), a heading (``**一、**`` / ``总体要求``) or a title
    (``关于…`` / ``# 的通知``), the markup of the joined line is that element's text again, so
    that no two elements overlap."""
    if not any(b.kind == "markup" for b in boiler):
        return boiler
    spans = [(p.start, p.end) for top in sections for sec in top.walk() for p in sec.paragraphs]
    spans += [(sec.heading.start, sec.heading.end) for top in sections for sec in top.walk()
              if sec.heading is not None]
    spans += [(t.start, t.end) for t in title_block] + [(c.start, c.end) for c in closing]
    spans.sort()
    starts = [a for a, _ in spans]
    ends = list(accumulate((b for _, b in spans), max))  # the furthest end of any span so far

    def inside(b: Boilerplate) -> bool:
        k = bisect_right(starts, b.start) - 1
        return k >= 0 and b.end <= ends[k]

    return [b for b in boiler if b.kind != "markup" or not inside(b)]


def _blank(shadow: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The shadow with markup inside running text (``第一条**　…``) read as space, so that
    patterns see the words; the text itself keeps every character."""
    if not spans:
        return shadow
    pieces: list[str] = []
    pos = 0
    for a, b in sorted(spans):
        a = max(a, pos)
        if a < b:
            pieces += [shadow[pos:a], " " * (b - a)]
            pos = b
    pieces.append(shadow[pos:])
    return "".join(pieces)


def _late_byline(title_block: list[TitleLine]) -> str | None:
    for t in title_block:
        if t.kind == "byline":
            body, _ = titleblock.parse_byline(t.text, simplified_shadow(t.text))
            return body
    return None


__all__ = ["load", "parse_document"]
