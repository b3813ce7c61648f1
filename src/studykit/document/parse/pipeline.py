"""The parser's steps in order, and the section tree they produce."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from os import PathLike
from typing import Literal

from studykit.document.model import (
    PREAMBLE_KEY,
    Boilerplate,
    ClosingLine,
    Document,
    Heading,
    Paragraph,
    Section,
    Source,
    TitleLine,
)
from studykit.zh import simplified_shadow

from . import boilerplate, titleblock
from .closing import find_closing
from .common import DATE_ONLY_RE, END_PUNCT, WS, find_date
from .headings import Candidate, Plan, part_starts, plan_headings
from .lines import Line, split_lines
from .paragraphs import (
    continues,
    is_standalone_lead,
    make_paragraph,
    open_quotes,
    sentence_per_line,
)

_LATE_SOURCE = re.compile(r"^[（(]\s*(来源|稿源|信息来源|文章来源)\s*[:：]\s*([^）)]{1,40})[）)]$|^(来源|稿源)\s*[:：]\s*(\S{1,30})$")


@dataclass(slots=True)
class _Node:
    level: int
    label: str | None
    title: str | None
    heading: Heading | None
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)


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
    shadow = simplified_shadow(text)
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
    after_closing = {body[k + 1] for k in range(len(body) - 1) if body[k] in closing and body[k + 1] not in closing}
    body = [i for i in body if i not in closing]
    marked = {(a, b): lvl for a, b, lvl in source.heading_spans}
    plan = plan_headings(lines, body, marked=marked, fmt=source.format, after_closing=after_closing)

    facts = block.facts
    root = _build(source, shadow, lines, body, plan, title_block, facts)
    closing_lines = [
        ClosingLine(lines[i].start, lines[i].end, lines[i].text, kind) for i, kind in sorted(closing.items())
    ]
    for c in closing_lines:
        if c.kind == "date" and facts.own_date is None:
            facts.own_date = find_date(simplified_shadow(c.text))
    for ln, bp_kind in zip(lines, kinds, strict=True):
        if bp_kind is not None:
            boiler.append(Boilerplate(ln.start, ln.end, ln.text, bp_kind))
    title = block.title or facts.declared_title
    return Document(
        source=source,
        title=title,
        meta=facts.to_meta(),
        byline=block.byline if block.byline is not None else _late_byline(title_block),
        title_block=tuple(sorted(title_block, key=lambda t: t.start)),
        boilerplate=tuple(sorted(boiler, key=lambda b: b.start)),
        sections=_freeze(root),
        closing=tuple(closing_lines),
    )


def load(
    path_or_text: str | bytes | PathLike[str],
    *,
    encoding: str | None = None,
    max_bytes: int | None = None,
    errors: Literal["strict", "replace"] = "strict",
) -> Document:
    """Read and parse in one step: ``doc = sk.load("seeds/000_….txt")``.

    ``encoding`` overrides the detected one; ``max_bytes`` raises the size limit of
    :func:`studykit.read_source` (50 MB); ``errors="replace"`` reads a file with broken bytes.
    """
    from studykit.document.read import DEFAULT_MAX_BYTES, read_source

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    return parse_document(read_source(path_or_text, encoding=encoding, max_bytes=limit, errors=errors))


def _late_byline(title_block: list[TitleLine]) -> str | None:
    for t in title_block:
        if t.kind == "byline":
            body, _ = titleblock.parse_byline(t.text, simplified_shadow(t.text))
            return body
    return None


def _build(
    source: Source,
    shadow: str,
    lines: list[Line],
    body: list[int],
    plan: Plan,
    title_block: list[TitleLine],
    facts: titleblock.MetaFacts,
) -> _Node:
    text = source.text
    lead_spans = dict(source.lead_spans)
    root = _Node(0, None, None, None)
    preamble = _Node(0, None, None, None)
    root.children.append(preamble)
    stack: list[_Node] = [root]
    sentence_mode = source.format == "text" and sentence_per_line(
        lines, [i for i in body if i not in plan.headings]
    )
    last_body = body[-1] if body else -1

    # The pending paragraph: its line indices, lead end, article and item.
    para: list[int] = []
    quotes = 0  # quotations the pending paragraph leaves open
    start_override: int | None = None
    lead_end: int | None = None
    article: str | None = None
    item: str | None = None

    def flush() -> None:
        nonlocal start_override, lead_end, item, quotes
        if para:
            s = start_override if start_override is not None else lines[para[0]].start
            e = lines[para[-1]].end
            forced = lead_end if lead_end is not None else lead_spans.get(s)
            target = stack[-1] if len(stack) > 1 else preamble
            target.paragraphs.append(
                make_paragraph(text, shadow, s, e, lead_end=forced, article=article, item=item)
            )
        para.clear()
        quotes = 0
        start_override = None
        lead_end = None
        item = None

    for k, i in enumerate(body):
        if i in plan.consumed:
            continue
        ln = lines[i]
        cand = plan.headings.get(i)
        if cand is not None:
            flush()
            article = None
            node = _heading_node(text, lines, cand, plan.levels.get(i, 1))
            while len(stack) > 1 and stack[-1].level >= node.level:
                stack.pop()
            stack[-1].children.append(node)
            stack.append(node)
            if cand.rest and cand.title_end < len(ln.text):
                rest = ln.text[cand.title_end :]
                stripped = rest.lstrip(WS)
                if stripped:
                    para.append(i)
                    quotes = open_quotes(stripped)
                    start_override = ln.end - len(stripped)
            continue
        if i in plan.articles:
            flush()
            article = plan.articles[i]
            para.append(i)
            quotes = open_quotes(ln.text)
            continue
        if i in plan.items:
            flush()
            item = plan.items[i]
            para.append(i)
            quotes = open_quotes(ln.text)
            nxt = body[k + 1] if k + 1 < len(body) else None
            if (
                nxt == i + 1
                and ln.shadow.rstrip(WS).endswith(("：", ":"))
                and nxt not in plan.headings and nxt not in plan.items and nxt not in plan.articles
                and lines[nxt].gap == 1
            ):
                para.append(nxt)  # ［3］五互一共： and its definition on the next line
                plan.consumed.add(nxt)
            continue
        # Late bylines and source notes (（作者系…）, （来源：…）) join the title block.
        kind = titleblock.title_kind(ln.shadow) if titleblock.may_be_byline(ln.shadow) else None
        if kind == "byline" and (
            ln.shadow.startswith(("（", "(")) or i == len(lines) - 1 or len(ln.text) < 40
        ):
            flush()
            title_block.append(TitleLine(ln.start, ln.end, ln.text, "byline"))
            _, author = titleblock.parse_byline(ln.text, ln.shadow)
            facts.author = facts.author or author
            continue
        late = _LATE_SOURCE.match(ln.shadow.strip(WS)) if i == last_body else None
        if late:
            flush()
            title_block.append(TitleLine(ln.start, ln.end, ln.text, "meta"))
            facts.source = facts.source or (late.group(2) or late.group(4)).strip(WS)
            continue
        if i == last_body and DATE_ONLY_RE.match(ln.shadow.strip(WS)):
            flush()
            title_block.append(TitleLine(ln.start, ln.end, ln.text, "dateline"))
            facts.own_date = facts.own_date or find_date(ln.shadow)
            continue
        nxt_line = lines[body[k + 1]] if k + 1 < len(body) else None
        if para and para[-1] == i - 1 and continues(
            lines[para[-1]], ln, quotes, sentence_mode=sentence_mode, fmt=source.format, nxt=nxt_line
        ):  # only neighbours join: furniture or a closing line between them ends the paragraph
            para.append(i)
            quotes += open_quotes(ln.text)
            continue
        flush()
        para.append(i)
        quotes = open_quotes(ln.text)
        nxt = body[k + 1] if k + 1 < len(body) else None
        if (
            source.format != "html"
            and nxt == i + 1
            and nxt not in plan.headings
            and nxt not in plan.items
            and nxt not in plan.articles
            and lines[nxt].gap == 1
            and is_standalone_lead(ln.shadow)
            and len(lines[nxt].text) > len(ln.text)
            and not is_standalone_lead(lines[nxt].shadow)
            and not lines[nxt].shadow.startswith(("——", "―", "各位代表", "同志们", "各位委员"))
        ):
            lead_end = ln.end
            para.append(nxt)
            plan.consumed.add(nxt)
    flush()
    if not preamble.paragraphs:
        root.children.remove(preamble)
    return root


def _heading_node(text: str, lines: list[Line], cand: Candidate, level: int) -> _Node:
    ln = lines[cand.i]
    if cand.title_line is not None:
        nxt = lines[cand.title_line]
        heading = Heading(ln.start, nxt.end, text[ln.start : nxt.end])
        title = cand.title or nxt.text.strip(WS).rstrip(END_PUNCT + "：:" + WS)
    else:
        end = ln.start + cand.title_end if cand.rest else ln.end
        heading = Heading(ln.start, end, text[ln.start : end])
        title = cand.title
    label = cand.label
    return _Node(level, label or None, title or None, heading)


def _freeze(root: _Node) -> tuple[Section, ...]:
    used: set[str] = set()
    suffix: dict[str, int] = {}  # next -k to try for a repeated path: linear however many repeat

    def build(node: _Node, parent_path: str, position: int) -> Section:
        if node.level == 0:
            path = PREAMBLE_KEY
        else:
            own = node.label or str(position)  # unnumbered headings go by position
            path = f"{parent_path}/{own}" if parent_path else own
            base = path
            k = suffix.get(base, 2)
            while path in used:
                path = f"{base}-{k}"
                k += 1
            suffix[base] = k
        used.add(path)
        children: list[Section] = []
        unnumbered = 0
        for c in node.children:
            if not c.label:
                unnumbered += 1
            children.append(build(c, path if node.level else "", unnumbered))
        spans = [(p.start, p.end) for p in node.paragraphs]
        if node.heading is not None:
            spans.append((node.heading.start, node.heading.end))
        spans += [(c.start, c.end) for c in children]
        start = min(s for s, _ in spans) if spans else 0
        end = max(e for _, e in spans) if spans else 0
        return Section(
            level=node.level,
            label=node.label,
            title=node.title,
            start=start,
            end=end,
            path=path,
            heading=node.heading,
            paragraphs=tuple(node.paragraphs),
            children=tuple(children),
        )

    out: list[Section] = []
    unnumbered = 0
    for c in root.children:
        if c.level and not c.label:
            unnumbered += 1
        out.append(build(c, "", unnumbered))
    return tuple(out)


__all__ = ["load", "parse_document"]
