"""The section tree: headings from the plan, paragraphs from the lines between them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studykit.document.model import (
    PREAMBLE_KEY,
    Heading,
    Paragraph,
    Section,
    Source,
    TitleBlockKind,
    TitleLine,
)

from . import titleblock
from .common import DATE_ONLY_RE, END_PUNCT, WS, find_date
from .headings import Candidate, Plan
from .lines import Line
from .markers import match_marker
from .paragraphs import (
    WRAP_MIN_CHARS,
    continues,
    hard_width,
    is_standalone_lead,
    make_paragraph,
    open_quotes,
    sentence_per_line,
    wrap_width,
)

_LATE_SOURCE = re.compile(
    r"^[（(]\s*(来源|稿源|信息来源|文章来源)\s*[:：]\s*([^）)]{1,40})[）)]$|^(来源|稿源)\s*[:：]\s*(\S{1,30})$"
)
_NOT_AFTER_LEAD = ("——", "―", "各位代表", "同志们", "各位委员")


@dataclass(slots=True)
class Node:
    """A section while the tree is being built."""

    level: int
    label: str | None
    title: str | None
    heading: Heading | None
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class _Pending:
    """The paragraph being collected: its lines and what is known about it."""

    lines: list[int] = field(default_factory=list)
    start: int | None = None  # where it starts when not at its first line (text after a heading)
    lead_end: int | None = None
    item: str | None = None
    quotes: int = 0  # quotations it leaves open


class TreeBuilder:
    """Walks the body lines once and files each as a heading, a paragraph line, or a late
    title-block line (a byline or source note at the end)."""

    def __init__(
        self,
        source: Source,
        shadow: str,
        lines: list[Line],
        body: list[int],
        plan: Plan,
        title_block: list[TitleLine],
        facts: titleblock.MetaFacts,
    ) -> None:
        self.source, self.shadow, self.lines, self.body, self.plan = source, shadow, lines, body, plan
        self.title_block, self.facts = title_block, facts
        self.markup: list[tuple[int, int]] = []  # markup between a run-in heading and its text
        self.root = Node(0, None, None, None)
        self.preamble = Node(0, None, None, None)
        self.root.children.append(self.preamble)
        self.stack: list[Node] = [self.root]
        self.lead_spans = dict(source.lead_spans)
        self.sentence_mode = source.format == "text" and sentence_per_line(
            lines, [i for i in body if i not in plan.headings]
        )
        self.wrap = wrap_width(lines, [i for i in body if i not in plan.headings]) if source.format == "text" else WRAP_MIN_CHARS
        self.full = hard_width(lines, body) if source.format == "text" else None
        self.pending = _Pending()
        self.article: str | None = None
        self.late_meta = self._trailing_meta()

    def build(self) -> Node:
        body, plan = self.body, self.plan
        last = body[-1] if body else -1
        for k, i in enumerate(body):
            if i in plan.consumed:
                continue
            nxt = body[k + 1] if k + 1 < len(body) else None
            if i in plan.headings:
                self._heading(i, plan.headings[i])
            elif i in plan.articles:
                self._start(i)
                self.article = plan.articles[i]
                if self._label_only(i) and self._plain_next(i, nxt):
                    self._take(nxt)  # 第 1 條 alone, its text on the next line: one paragraph
            elif i in plan.items:
                self._start(i, item=plan.items[i])
                if self._ends_with_colon(i) and self._plain_next(i, nxt):
                    self._take(nxt)  # ［3］五互一共： and its definition on the next line
            elif not self._late_title_line(i, last):
                self._body_line(i, nxt)
        self._flush()
        if not self.preamble.paragraphs:
            self.root.children.remove(self.preamble)
        return self.root

    # --- the kinds of line ---------------------------------------------------------------------
    def _heading(self, i: int, cand: Candidate) -> None:
        self._flush()
        self.article = None
        node = heading_node(self.source.text, self.lines, cand, self.plan.levels.get(i, 1))
        while len(self.stack) > 1 and self.stack[-1].level >= node.level:
            self.stack.pop()
        self.stack[-1].children.append(node)
        self.stack.append(node)
        ln = self.lines[i]
        if cand.rest and cand.title_end < len(ln.text):
            # The shadow reads Markdown markup as space: the ** closing a bold heading
            # (**（一）深化改革。**推动…) stays markup, outside the paragraph.
            rest = ln.shadow[cand.title_end :].lstrip(WS)
            if rest:  # 1.围绕产业转型开展专题协商。今年以来… : the text after the heading
                start = ln.end - len(rest)
                gap = ln.text[cand.title_end : start - ln.start]
                if gap.strip(WS):
                    a = ln.start + cand.title_end + len(gap) - len(gap.lstrip(WS))
                    self.markup.append((a, ln.start + cand.title_end + len(gap.rstrip(WS))))
                self.pending = _Pending([i], start=start, quotes=open_quotes(ln.text[start - ln.start :]))

    def _trailing_meta(self) -> set[int]:
        """来源：… / 时间：… lines that end the text (news items put their meta at the bottom)."""
        found: set[int] = set()
        for i in reversed(self.body):
            s = self.lines[i].shadow
            if len(s) > 40 or not (titleblock.is_meta_key_line(s) or titleblock.is_paper_line(s)) \
                    or not titleblock.is_meta_line(s):
                break
            found.add(i)
        return found if len(found) < len(self.body) else set()

    def _late_title_line(self, i: int, last: int) -> bool:
        """Bylines and source notes in the body (（作者系…）, （来源：…）), meta lines that end the
        text and a closing date that ends it join the title block."""
        ln = self.lines[i]
        s = ln.shadow
        if i in self.late_meta:
            self._late(ln, "meta")
            titleblock.parse_meta(s, self.facts, text=ln.text)
            return True
        if titleblock.may_be_byline(s) and titleblock.title_kind(s) == "byline" and (
            s.startswith(("（", "(")) or i == len(self.lines) - 1 or len(ln.text) < 40
        ):
            self._late(ln, "byline")
            _, author = titleblock.parse_byline(ln.text, s)
            self.facts.author = self.facts.author or author
            return True
        if i != last:
            return False
        if late := _LATE_SOURCE.match(s.strip(WS)):
            self._late(ln, "meta")
            self.facts.source = self.facts.source or (late.group(2) or late.group(4)).strip(WS)
            return True
        if DATE_ONLY_RE.match(s.strip(WS)):
            self._late(ln, "dateline")
            self.facts.own_date = self.facts.own_date or find_date(s)
            return True
        return False

    def _body_line(self, i: int, nxt: int | None) -> None:
        ln, pending = self.lines[i], self.pending
        if pending.lines and pending.lines[-1] == i - 1 and continues(
            self.lines[i - 1], ln, pending.quotes, sentence_mode=self.sentence_mode,
            fmt=self.source.format, nxt=self.lines[nxt] if nxt is not None else None, wrap=self.wrap,
            full=self.full,
        ):  # only neighbours join: furniture or a closing line between them ends a paragraph
            pending.lines.append(i)
            pending.quotes += open_quotes(ln.text)
            return
        self._start(i)
        if self._standalone_lead(i, nxt):
            self.pending.lead_end = ln.end
            self._take(nxt)

    # --- helpers -------------------------------------------------------------------------------
    def _start(self, i: int, *, item: str | None = None) -> None:
        self._flush()
        self.pending = _Pending([i], item=item, quotes=open_quotes(self.lines[i].text))

    def _take(self, nxt: int | None) -> None:
        assert nxt is not None
        self.pending.lines.append(nxt)
        self.pending.quotes += open_quotes(self.lines[nxt].text)
        self.plan.consumed.add(nxt)

    def _plain_next(self, i: int, nxt: int | None) -> bool:
        """The next line directly follows and is plain text (no heading, item or article)."""
        plan = self.plan
        return (
            nxt == i + 1
            and nxt not in plan.headings and nxt not in plan.items and nxt not in plan.articles
            and self.lines[nxt].gap == 1
        )

    def _label_only(self, i: int) -> bool:
        """The line holds its numbering marker and nothing else (``第 1 條``, ``第一条``)."""
        s = self.lines[i].shadow.strip(WS)
        m = match_marker(s)
        return m is not None and not s[m.end :].strip(WS)

    def _ends_with_colon(self, i: int) -> bool:
        return self.lines[i].shadow.rstrip(WS).endswith(("：", ":"))

    def _standalone_lead(self, i: int, nxt: int | None) -> bool:
        """生态底色更加亮丽。 on its own line, then the longer text it heads. Not in a law: an
        article's lines are its paragraphs (款)."""
        if self.source.format == "html" or self.article is not None or not self._plain_next(i, nxt):
            return False
        assert nxt is not None
        ln, after = self.lines[i], self.lines[nxt]
        return (
            is_standalone_lead(ln.shadow)
            and len(after.text) >= 1.5 * len(ln.text)
            and not is_standalone_lead(after.shadow)
            and not after.shadow.startswith(_NOT_AFTER_LEAD)
        )

    def _late(self, ln: Line, kind: TitleBlockKind) -> None:
        self._flush()
        self.title_block.append(TitleLine(ln.start, ln.end, ln.text, kind))

    def _flush(self) -> None:
        p = self.pending
        if p.lines:
            lines = self.lines
            start = p.start if p.start is not None else lines[p.lines[0]].start
            end = lines[p.lines[-1]].end
            lead = p.lead_end if p.lead_end is not None else self.lead_spans.get(start)
            target = self.stack[-1] if len(self.stack) > 1 else self.preamble
            target.paragraphs.append(make_paragraph(
                self.source.text, self.shadow, start, end, lead_end=lead, article=self.article,
                item=p.item,
            ))
        self.pending = _Pending()


def heading_node(text: str, lines: list[Line], cand: Candidate, level: int) -> Node:
    """A section node for an accepted heading: its span, label and title."""
    ln = lines[cand.i]
    if cand.title_line is not None:  # 一、 alone, its title on the next line
        nxt = lines[cand.title_line]
        heading = Heading(ln.start, nxt.end, text[ln.start : nxt.end])
        title = cand.title or nxt.text.strip(WS).rstrip(END_PUNCT + "：:" + WS)
    else:
        end = ln.start + cand.title_end if cand.rest else ln.end
        heading = Heading(ln.start, end, text[ln.start : end])
        title = cand.title
    return Node(level, cand.label or None, title or None, heading)


def freeze(root: Node) -> tuple[Section, ...]:
    """Frozen sections with unique paths: labels joined by ``/``, unnumbered sections by
    their position among unnumbered siblings, repeats suffixed ``-2``, ``-3`` …"""
    used: set[str] = set()
    suffix: dict[str, int] = {}  # next suffix to try for a repeated path: linear however many

    def unique(path: str) -> str:
        base, k = path, suffix.get(path, 2)
        while path in used:
            path = f"{base}-{k}"
            k += 1
        suffix[base] = k
        return path

    def build(node: Node, parent_path: str, position: int) -> Section:
        if node.level == 0:
            path = PREAMBLE_KEY
        else:
            own = node.label or str(position)
            path = unique(f"{parent_path}/{own}" if parent_path else own)
        used.add(path)
        children: list[Section] = []
        unnumbered = 0
        for c in node.children:
            unnumbered += 0 if c.label else 1
            children.append(build(c, path if node.level else "", unnumbered))
        spans = [(p.start, p.end) for p in node.paragraphs]
        if node.heading is not None:
            spans.append((node.heading.start, node.heading.end))
        spans += [(c.start, c.end) for c in children]
        return Section(
            level=node.level,
            label=node.label,
            title=node.title,
            start=min((s for s, _ in spans), default=0),
            end=max((e for _, e in spans), default=0),
            path=path,
            heading=node.heading,
            paragraphs=tuple(node.paragraphs),
            children=tuple(children),
        )

    out: list[Section] = []
    unnumbered = 0
    for c in root.children:
        unnumbered += 1 if c.level and not c.label else 0
        out.append(build(c, "", unnumbered))
    return tuple(out)
