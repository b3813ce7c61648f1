"""Numbering markers at the start of a line: 第一部分, 第一章, 第一节, 第一条, 一、, （一）, 1., （1）.

A marker says how a line is numbered, not whether it is a heading: that is decided in
:mod:`.headings` from the whole document. Numbers are bounded (at most five numerals or four
digits), so a marker of thousands of digits is text, never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studykit.zh import cn_to_int

from .common import CN, int_to_cn

_DI_RE = re.compile(
    rf"^第\s*([{CN}]{{1,5}}|\d{{1,4}})\s*(部分|篇|编|章|节|条)(?:(?<=条)之([{CN}]{{1,3}}))?\s*[、:：，,.．]?\s*"
)
"""第一部分, 第三章, 第二节, 第五条 and an article inserted by an amendment, 第五条之一."""
_FORMAL = "壹贰叁参肆伍陆柒捌玖拾"
"""Formal (banker's) numerals as the shadow writes them: 參 simplifies to 参, not 叁."""
_FORMAL_DIGITS = str.maketrans(_FORMAL, "一二三三四五六七八九十")
_FCN_RE = re.compile(rf"^([{_FORMAL}]{{1,3}})\s*(?:、|[．.](?![.．\d]))\s*")
"""壹、前言 … 肆、结语: a class of top headings above 一、 (reports in traditional script)."""
_ROMAN_RE = re.compile(
    r"^([\u2160-\u216b])(?:\s*[、.．]\s*|[ \t\u3000]+(?=[\u4e00-\u9fff“《]))"
    r"|^(XI{0,2}|I[XV]|V?I{1,3}|V|X)\s*[.．、]\s*(?=[\u4e00-\u9fff“《])"
)
"""Ⅰ、总体目标 … Ⅳ、附则 (U+2160–U+216B), and the ASCII forms ``I.``/``II.``/``IV.`` before a
Chinese title: a family of heading numbers like 一、. Glued to the text (``Ⅲ类水体``,
``Ⅳ级响应``) the numeral is a grade, not a marker."""
_QUESTION_RE = re.compile(r"^[QＱ]\s*(\d{1,3})\s*[:：.．、]\s*(?=\S[^\n]{0,80}[？?]\s*$)")
"""Q1：什么是…？ — a numbered question of a policy Q&A (问答), its answer on the lines below."""
_ASCII_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
                "XI": 11, "XII": 12}
_CN_RE = re.compile(rf"^([{CN}]{{1,5}})\s*(?:、|[．.](?![.．]|\d{{1,2}}(?:[.．\s]|$)))\s*")
"""一、, 三．: a Chinese numeral before a dot is a marker even when a figure follows
(``三．2025年工作打算``); only ``二.1 概况``, a dotted section number, is not."""
_PCN_RE = re.compile(rf"^[（(]\s*([{CN}]{{1,5}})\s*[）)]\s*[、.．]?\s*")
_AR_RE = re.compile(r"^(\d{1,2})\s*(?:[.．、](?![\d.．])|[.．](?=\d{4}\s*年)|[）)](?!\s*$))\s*")
"""1., 2、, 3）: a number before a dot followed by a figure is a decimal (1.5), except before a
year (``1.2026年度…``, ``2.2025年…``): a marker glued to the title's year."""
_PAR_RE = re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*[、.．]?\s*")
_DEC_RE = re.compile(
    r"^(\d{1,2}(?:[.．]\d{1,2}){1,3})(?:[.．]?[ \t\u3000\xa0]+|[.．])(?=[\u4e00-\u9fff“《])"
)
"""1.1 政策背景, 2.1.1 产业分布, 1.1.政策背景: decimal numbering of reports and standards."""
_SPACED_RE = re.compile(r"^(\d{1,2})[ \t\u3000\xa0]+(?=[\u4e00-\u9fff“《])")
"""1 研究背景: the top level of decimal numbering (a heading only where 1.1 follows)."""
_ORD_RE = re.compile(rf"^(第([{CN}]{{1,3}}))\s*[，,]\s*(?=[^。！？!?；;，,：:]{{2,20}}$)")
"""第一，加快老旧小区改造 alone on its line: an ordinal heading. Run in before a sentence
(第一，城市发展进入…。) it is no marker: the words open a paragraph."""
_BRK_RE = re.compile(r"^[［\[【〔]\s*(\d{1,3})\s*[］\]】〕]\s*")
_WRAPPED_RE = re.compile(r"^[【〖]\s*([^【】〖〗]{2,60}?)\s*[】〗]\s*$")
"""A line held whole in lenticular brackets, ``【一、认清形势，…】``: a marker just inside
numbers the line as it would without the brackets."""
_WRAPPABLE = frozenset({"part", "chapter", "jie", "fcn", "roman", "cn", "pcn", "ar", "par"})
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_BULLET_RE = re.compile(r"^(?:[-*+][ \t]+|[•●◆■▪][ \t\u3000]*)(?=\S)")
_DI_STYLE = {"部分": "part", "篇": "part", "编": "part", "章": "chapter", "节": "jie", "条": "article"}

STYLE_RANK: dict[str, float] = {
    "part": 0, "chapter": 1, "jie": 2, "plain": 3, "fcn": 3.5, "roman": 3.75, "cn": 4, "q": 4.25, "pcn": 5, "ord": 5.5, "ar": 6, "ars": 6,
    "dec2": 6.25, "dec3": 6.5, "dec4": 6.75, "par": 7, "circ": 8, "brk": 9, "bullet": 10,
}
"""Nesting order of heading styles: a style nests under any style of lower rank. Decimal
numbering (``1`` → ``1.1`` → ``1.1.1``) nests by depth under 1. / 1 (``ar``, ``ars``). Formal
numerals (``fcn``: 壹、贰、叁) number the parts above 一、. ``circ`` (①) marks list items
but for a run of short titles alone on their lines with text under each (see
:mod:`.headings`); ``brk`` (［1］, notes and glossary entries) and ``bullet`` (``- ``, ``•``)
only ever mark list items."""
ITEM_ONLY = frozenset({"brk", "bullet"})


@dataclass(frozen=True, slots=True)
class Marker:
    """A numbering marker: its style, number, label as written and where the rest begins."""

    style: str
    number: int
    label: str
    end: int
    wrapped: bool = False
    """The marker opens a line held whole in 【…】 (``【一、认清形势，…】``): the line is its title."""


def match_marker(s: str) -> Marker | None:
    """The numbering marker that opens ``s`` (a simplified line), or None.

    >>> match_marker("（三）改革开放").label
    '三'
    >>> match_marker("【二、突出重点】").label
    '二'
    """
    if m := _WRAPPED_RE.match(s):
        inner = _match(m.group(1))
        if inner is not None and inner.style in _WRAPPABLE and m.group(1)[inner.end :].strip():
            return Marker(inner.style, inner.number, inner.label, m.start(1) + inner.end, True)
        return None if inner is not None and inner.style in _WRAPPABLE else _match(s)
    return _match(s)


def _match(s: str) -> Marker | None:
    if m := _DI_RE.match(s):
        n = cn_to_int(m.group(1))
        if n is None or n == 0:
            return None
        sub = f"之{m.group(3)}" if m.group(3) else ""
        return Marker(_DI_STYLE[m.group(2)], n, f"第{m.group(1)}{m.group(2)}{sub}", m.end())
    if s[:1] and s[0] in CIRCLED:
        return Marker("circ", CIRCLED.index(s[0]) + 1, s[0], 1)
    if m := _BRK_RE.match(s):
        return Marker("brk", int(m.group(1)), m.group(1), m.end())
    if m := _DEC_RE.match(s):
        parts = re.split(r"[.．]", m.group(1))
        n = int(parts[-1])
        if n == 0 or int(parts[0]) == 0:
            return None
        return Marker(f"dec{len(parts)}", n, ".".join(parts), m.end())
    if m := _ORD_RE.match(s):
        n = cn_to_int(m.group(2))
        return Marker("ord", n, m.group(1), m.end()) if n else None
    if m := _SPACED_RE.match(s):
        n = int(m.group(1))
        return Marker("ars", n, m.group(1), m.end()) if n else None
    if m := _BULLET_RE.match(s):
        return Marker("bullet", 0, s[0], m.end())
    if m := _QUESTION_RE.match(s):
        n = int(m.group(1))
        return Marker("q", n, f"Q{n}", m.end()) if n else None
    if m := _ROMAN_RE.match(s):
        if m.group(1):
            return Marker("roman", ord(m.group(1)) - 0x215F, m.group(1), m.end())
        return Marker("roman", _ASCII_ROMAN[m.group(2)], m.group(2), m.end())
    if m := _FCN_RE.match(s):
        n = cn_to_int(m.group(1).translate(_FORMAL_DIGITS))
        return Marker("fcn", n, m.group(1), m.end()) if n else None
    for style, rx in (("pcn", _PCN_RE), ("par", _PAR_RE), ("cn", _CN_RE), ("ar", _AR_RE)):
        if m := rx.match(s):
            n = cn_to_int(m.group(1))
            if n is None or n == 0:
                return None
            if style == "cn" and len(m.group(1)) > 3:
                return None  # 二〇二二年… reads as a year, not a heading
            return Marker(style, n, m.group(1), m.end())
    return None


def written_label(text: str, marker: Marker) -> str:
    """The label as the source writes it: 貳 where the shadow reads 贰 (formal numerals open
    the line, one character for one)."""
    return text[: len(marker.label)] if marker.style == "fcn" else marker.label


def item_label(s: str, marker: Marker) -> str:
    """The marker as written (``（一）``, ``1.``), for list items."""
    return s[: marker.end].strip()


def next_marker_present(s: str, marker: Marker) -> bool:
    """``一、…；二、…`` on one line is an inline enumeration, not a heading."""
    nxt = marker.number + 1
    rest = s[marker.end :]
    if marker.style == "cn":
        return re.search(rf"(?<![{CN}]){int_to_cn(nxt)}\s*、", rest) is not None
    if marker.style == "pcn":
        return re.search(rf"[（(]\s*{int_to_cn(nxt)}\s*[）)]", rest) is not None
    if marker.style == "par":
        return re.search(rf"[（(]\s*{nxt}\s*[）)]", rest) is not None
    if marker.style == "ar":
        return re.search(rf"(?<![\d.．(（]){nxt}\s*(?:[.．、）)](?![\d.．])|[.．]\d{{4}}\s*年)", rest) is not None
    return False
