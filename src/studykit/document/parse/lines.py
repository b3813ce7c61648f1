"""Split decoded text into logical lines, the unit every later step classifies.

A logical line is a stretch of non-blank text between line breaks, with leading and trailing
whitespace and markup (Markdown's ``## ``) left out. Line breaks are ``\\n``, ``\\r\\n``, ``\\r``,
U+2028 (line separator), U+2029 (paragraph separator), vertical tab (Word's manual line break),
form feed and NEL. Two repairs keep a reader's view of the text:

* a marker broken over two lines (``（`` alone, then ``三）改革开放…``) is one logical line;
* a very long line (a scraped speech with every line break stripped) is cut into virtual lines
  after salutations (``同志们：``), at its opening title/dateline/speaker, and at sentence ends
  where the next sentence opens a numbered point (``一、``, ``（一）``, ``第一，``).
  A heading cut out this way ends before its body when the two run on without punctuation
  (``一、…的重要意义营商环境是…``, ``二、…攻坚（一）深化…``), where that is clear.

Cutting never changes the text: lines are offsets into it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from .common import CLOSERS, CN, END_PUNCT, WS
from .markers import Marker, match_marker

LONG_LINE = 2000
"""Lines longer than this (characters) are cut at salutations and numbered points."""
SHORT_TEXT_LINE = 500
"""In a text of at most three lines, lines longer than this are cut the same way."""

_BREAKS = "\r\n\u2028\u2029\x0b\x0c\x85"
_PHYSICAL = re.compile(rf"[^{_BREAKS}]*(?:\r\n|[{_BREAKS}]|$)")
_PARA_BREAKS = "\u2029\x0c"  # a paragraph separator or a page break counts as a blank line
_OPENERS = ("（", "(", "【", "[", "“")
_BROKEN_MARKER = re.compile(rf"^[{CN}\d]{{1,3}}\s*[）)]")

_SALUTATION = re.compile(
    r"(?:同志们、朋友们|同志们，朋友们|同志们|各位代表|各位委员|女士们、先生们|女士们，先生们|朋友们|各位来宾)[：:]"
)
_POINT = re.compile(
    rf"[{END_PUNCT}][{CLOSERS}]*(?=[{WS}]*(?:[{CN}]{{1,3}}、|[（(][{CN}]{{1,3}}[）)]|第[{CN}]{{1,3}}[，、,]|第[{CN}]{{1,3}}部分))"
)
_AGENCY = re.compile(
    r"^(?:(?:新华社|中新社|中新网|人民网|央视网|本报|记者)\S{0,10}?\d{1,2}月\d{1,2}日(?:电|讯)|本报讯|本网讯)"
    r"(?:[（(]记者[^）)]{1,30}[）)])?"
)
"""A news agency dateline opening a paragraph: 新华社北京11月15日电（记者 某某）."""
_SPEECH_HEAD = re.compile(
    r"^(?P<title>[^。！？\n]{4,80}?(?:讲话|报告|致辞|发言|演讲|讲稿))"
    r"(?P<date>[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^）)]{0,30}[）)])"
    r"(?P<name>[\u4e00-\u9fff·]{2,5}?)?(?=同志们|各位|女士们|朋友们)"
)


@dataclass(slots=True)
class Line:
    """One logical line: ``text == source_text[start:end]``; ``shadow`` is its simplified twin.

    ``gap`` counts the line breaks since the previous line (2 or more: a blank line between;
    0: a virtual line cut from the same physical line, which also opens a new paragraph).
    """

    start: int
    end: int
    text: str
    shadow: str
    indent: bool
    gap: int
    _marker: Marker | bool | None = field(default=False, repr=False, compare=False)

    def marker(self) -> Marker | None:
        """The numbering marker that opens the line (computed once)."""
        if self._marker is False:
            self._marker = match_marker(self.shadow)
        return self._marker if isinstance(self._marker, Marker) else None


def split_lines(
    text: str, shadow: str, skip: tuple[tuple[int, int], ...] = ()
) -> tuple[list[Line], list[tuple[int, int]]]:
    """Logical lines of ``text``, and the parts of the ``skip`` spans (markup) they left out.

    ``skip`` spans at the edge of a line (``## `` before a heading) or covering whole lines
    (``<!-- … -->``) are cut away from the lines and returned; a span inside running text stays
    text, so that no two elements ever overlap.
    """
    spans = sorted(skip)
    starts = [s for s, _ in spans]
    used: list[tuple[int, int]] = []
    out: list[Line] = []
    gap = 1
    first = True
    for m in _PHYSICAL.finditer(text):
        a, b = m.span()
        if a == b:
            break
        raw_end = b
        while raw_end > a and text[raw_end - 1] in _BREAKS:
            raw_end -= 1
        brk = text[raw_end:b]
        s, e = _content(text, a, raw_end)
        if s < e and spans:
            s, e = _trim_markup(text, s, e, spans, starts, used)
        if s < e:
            line = Line(s, e, text[s:e], shadow[s:e], s > a, 0 if first else gap)
            _append(out, line, text, shadow)
            gap = 0
            first = False
        if brk:
            gap += 2 if brk in _PARA_BREAKS else 1
    return _cut_datelines(_cut_long(out, text, shadow), text, shadow), used


def _content(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a] in WS or text[a].isspace()):
        a += 1
    while b > a and (text[b - 1] in WS or text[b - 1].isspace()):
        b -= 1
    return a, b


def _trim_markup(
    text: str,
    s: int,
    e: int,
    spans: list[tuple[int, int]],
    starts: list[int],
    used: list[tuple[int, int]],
) -> tuple[int, int]:
    """Cut markup spans off both ends of ``[s, e)``."""
    changed = True
    while changed and s < e:
        changed = False
        k = bisect_left(starts, s + 1) - 1  # the last span starting at or before s
        if k >= 0 and spans[k][0] <= s < spans[k][1]:
            cut = min(spans[k][1], e)
            used.append((s, cut))
            s, e = _content(text, cut, e)
            changed = True
            continue
        k = bisect_left(starts, e) - 1  # the last span starting before e
        if k >= 0 and spans[k][0] >= s and spans[k][1] >= e and spans[k][0] < e:
            used.append((spans[k][0], e))
            s, e = _content(text, s, spans[k][0])
            changed = True
    return s, e


def _append(out: list[Line], line: Line, text: str, shadow: str) -> None:
    """Append, joining a lone opening bracket with the marker that follows it."""
    if out and out[-1].text in _OPENERS and line.gap == 1 and _BROKEN_MARKER.match(line.shadow):
        prev = out.pop()
        line = Line(prev.start, line.end, text[prev.start : line.end],
                    shadow[prev.start : line.end], prev.indent, prev.gap)
    out.append(line)


def _cut_datelines(lines: list[Line], text: str, shadow: str) -> list[Line]:
    """Cut a news agency dateline off the paragraph it opens."""
    out: list[Line] = []
    for ln in lines:
        m = _AGENCY.match(ln.shadow) if ("日" in ln.shadow[:24] or "讯" in ln.shadow[:4]) else None
        if m is None or m.end() >= len(ln.text):
            out.append(ln)
            continue
        a, b = _content(text, ln.start + m.end(), ln.end)
        out.append(Line(ln.start, ln.start + m.end(), text[ln.start : ln.start + m.end()],
                        shadow[ln.start : ln.start + m.end()], ln.indent, ln.gap))
        if a < b:
            out.append(Line(a, b, text[a:b], shadow[a:b], False, 0))
    return out


def _cut_long(lines: list[Line], text: str, shadow: str) -> list[Line]:
    # A document of a line or three has lost its line breaks even when it is short.
    limit = LONG_LINE if len(lines) > 3 else SHORT_TEXT_LINE
    if all(ln.end - ln.start <= limit for ln in lines):
        return lines
    out: list[Line] = []
    for ln in lines:
        if ln.end - ln.start <= limit:
            out.append(ln)
            continue
        cuts = _cut_points(ln.shadow)
        pieces = [0, *cuts, len(ln.text)]
        for k in range(len(pieces) - 1):
            a, b = ln.start + pieces[k], ln.start + pieces[k + 1]
            a, b = _content(text, a, b)
            if a < b:
                out.append(Line(a, b, text[a:b], shadow[a:b], ln.indent if k == 0 else False,
                                ln.gap if k == 0 else 0))
    return out


def _cut_points(s: str) -> list[int]:
    """Where to cut a line that has lost its line breaks (offsets into ``s``), in order."""
    cuts: set[int] = set()
    head = _SPEECH_HEAD.match(s)
    if head:
        cuts.add(head.end("title"))
        cuts.add(head.end("date"))
        if head.group("name"):
            cuts.add(head.end("name"))
    for m in _SALUTATION.finditer(s):
        cuts.add(m.end())
        if m.start() > 0 and s[m.start() - 1] in END_PUNCT + CLOSERS + "\u3000 ":
            cuts.add(m.start())  # 各位代表： after a sentence opens a paragraph of its own
    for m in _POINT.finditer(s):
        cuts.add(m.end())
        cuts.update(_heading_end(s, m.end()))
    return sorted(c for c in cuts if 0 < c < len(s))


_HEAD_AT = re.compile(rf"[{WS}]*(?:[{CN}]{{1,3}}、|[（(][{CN}]{{1,3}}[）)])")
_CLAUSE_PUNCT = re.compile(rf"[{END_PUNCT}，,、：:]")
_FIRST_SUB = re.compile(r"[（(]一[）)]")
_HEAD_END_WORD = re.compile(
    r"(?:意义|要求|目标|任务|思路|原则|措施|保障|责任|领导|机制|体系|能力|水平|环境|作用|建设|改革|发展|创新|攻坚|工作"
    r"|质量|效益|效能|基础|优势|短板|底线|成效|成果|形势|问题|格局|动能|活力|服务|治理|监管|开放|生态|民生|安全)$"
)
_BODY_OPENER = re.compile(
    r"^(?:各地|各级|各部门|各单位|各有关|全市|全县|全省|全区|全国|我们|我国|我市|我县|我省|我区|要|必须|今年|去年|当前|目前"
    r"|近年来|这|坚持|围绕|按照|根据|以|一是|首先|面对|针对|过去一年)"
)
_NOT_OPENER = tuple("的是和与及等之了在中上下")


def _heading_end(s: str, at: int) -> list[int]:
    """Where a numbered heading cut out of a line without breaks ends, when its body follows
    with no punctuation between (``一、深刻认识…的重要意义营商环境是…``, ``二、…持续攻坚（一）深化…``).

    Before a first sub-point ``（一）`` inside the heading's run; else between a heading's last
    word (意义, 责任, 保障 …) and a word that opens a sentence (各地, 我们, 要 …) or repeats one
    of the heading (营商环境 after 优化营商环境). No cut when nothing is that clear.
    """
    head = _HEAD_AT.match(s, at)
    if head is None:
        return []
    start = head.end()
    stop = _CLAUSE_PUNCT.search(s, start)
    run = s[start : stop.start() if stop else len(s)]
    sub = _FIRST_SUB.search(run)
    if sub is not None and sub.start() >= 4 and head.group().strip(WS)[0] not in "（(":
        return [start + sub.start()]
    if len(run) <= 10:
        return []
    best, best_score = 0, 1
    for k in range(4, min(len(run) - 3, 30) + 1):
        title, rest = run[:k], run[k:]
        if not _HEAD_END_WORD.search(title) or rest.startswith(_NOT_OPENER):
            continue
        score = 1 + (2 if _BODY_OPENER.match(rest) else 0) + (1 if rest[:2] in title else 0)
        if score > best_score:
            best, best_score = k, score
    return [start + best] if best else []
