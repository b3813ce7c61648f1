"""Paragraphs from body lines: which lines belong together, their sentences and leads.

Each line is a paragraph unless evidence joins it to the one before:

* **Hard wraps** (plain text only): the previous line is long, ends mid-sentence, and nothing
  separates the two; or a quotation is still open (“…). Wide gaps (``\\u3000``) and indented
  lines never join.
* **Sentence-a-line text** (a translation memory, a subtitle dump): when most lines hold one
  sentence or clause, lines join into paragraphs. A clause (ending in ，；： or nothing) always
  continues; after a full stop a new paragraph opens only where the text opens a point:
  ``——``, ``第一，``/``一是``/``首先``, ``各位代表``, or a short lead sentence.
* **Standalone leads**: a short one-sentence line (``生态底色更加亮丽。``) followed by its body
  is that paragraph's lead.

A paragraph's ``lead`` is its short first sentence when more text follows (at most
:data:`LEAD_MAX_CHARS` characters, not a clause, not an opener such as 我们/近年来/这, and not
narrative: what a meeting did or said, or when — ``全会由…主持。``, ``会议强调，…``, ``今天，…``).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence

from studykit.document.model import Paragraph, Sentence

from .common import CLOSERS, END_PUNCT, SENT_RE, WS
from .lines import Line
from .markers import match_marker

LEAD_MAX_CHARS = 30
"""A paragraph's first sentence is its lead when it is at most this long and more text follows."""

STANDALONE_LEAD_MAX = 25
_NOT_LEAD_RE = re.compile(
    r"^(近年来|近年|今年|去年|明年|现在|目前|当前|我们|我|他们|他|她|这|此|同时|其中|此外|另外|总之|因此|但是|但|而且|据|截至"
    r"|一方面|首先|其次|最后|各位代表|各位委员|同志们|女士们|朋友们"
    # Narrative: what a meeting or a speaker did or said, and when (全会由…主持。 全会指出，…).
    r"|全会|会议|大会|会上|今天|今日|昨天|昨日|日前|近日|当天|上午|下午|记者)"
    r"|^[^，,。]{1,12}(?:指出|强调|认为|表示|要求|提出|号召|介绍)[，,：:]"
    r"|\d+(\.\d+)?\s*(%|％|万|亿|元|个|人|项|家|次|件)"
)
_CUE = re.compile(
    r"^(——|―|第[一二三四五六七八九十]{1,3}[，、,]|[一二三四五六七八九十]{1,2}(是|要|方面)|首先|其次|再次|最后"
    r"|各位代表|同志们|[（(][一二三四五六七八九十\d]{1,3}[）)])"
)
_FIGURE = re.compile(r"\d+(\.\d+)?\s*(%|％|万|亿|元|个|人|项|家|次|件|卷|户|公里|亩|吨)")
"""A sentence reporting a figure (达到98.6%) states a fact, not a point that heads text."""
_BRACKET_LEAD = re.compile(r"[【〖][\u4e00-\u9fff“”、·]{2,20}[】〗](?=[^\s】〗【〖])")
"""A run-in subheading in lenticular brackets: 【厕所革命】新建改建农村公厕…"""
_CLAUSE_END = tuple("，,、；;：:")
_JOINER = re.compile(r"^(又|也|并|而|还|就|才|都|既|更|尤其|特别)")
_CONTINUATION = "，,。；;：:、！!？?）)】」』”’"


def sentence_per_line(lines: list[Line], body: Sequence[int]) -> bool:
    """Whether the text puts one sentence (or clause) on each line, paragraph breaks lost.

    The tell is lines that end inside a sentence (on ，、；) although nothing else wraps them:
    at least one line in twenty, while nearly all lines hold at most one sentence.
    """
    if len(body) < 8:
        return False
    lengths = [lines[i].end - lines[i].start for i in body]
    if statistics.median(lengths) > 90:
        return False
    single = clauses = 0
    for i in body:
        s = lines[i].shadow.rstrip(WS + CLOSERS)
        if lines[i].marker() is not None:
            single += 1  # a numbered item ending in ； is a list, not a broken sentence
            continue
        inner = sum(s.count(c) for c in "。！？!?")
        if s.endswith(tuple(END_PUNCT) + _CLAUSE_END) and inner <= 1:
            single += 1
        if s.endswith(("，", ",", "、", "；", ";")):
            clauses += 1
    blanks = sum(1 for i in body if lines[i].gap >= 2)
    return (
        single >= 0.75 * len(body)
        and clauses >= max(2, 0.05 * len(body))
        and blanks <= 0.1 * len(body)
    )


WRAP_MIN_CHARS = 20
"""A line this long that ends inside a sentence was wrapped by the editor: the next line goes on."""
_NARROW_MIN, _NARROW_SHARE = 8, 0.6


def wrap_width(lines: list[Line], body: Sequence[int]) -> int:
    """The length from which a line that ends inside a sentence counts as hard-wrapped.

    Usually :data:`WRAP_MIN_CHARS`. Text set in a narrow column (a newspaper or phone page
    wrapped at 12–18 characters, paragraphs set apart by blank lines) wraps earlier: when most
    lines that run on into the next have one and the same length W, and blank lines part the
    paragraphs, lines of W - 1 characters or more are wrapped too.
    """
    lengths: list[int] = []
    blanks = 0
    for k, i in enumerate(body):
        if lines[i].gap >= 2:
            blanks += 1
        if k + 1 < len(body) and body[k + 1] == i + 1 and lines[i + 1].gap == 1 and lines[i].marker() is None:
            lengths.append(len(lines[i].text.rstrip(WS)))
    if len(lengths) < 4 or blanks < 2:
        return WRAP_MIN_CHARS
    width = Counter(lengths).most_common(1)[0][0]
    near = sum(1 for n in lengths if width - 1 <= n <= width)
    if width >= WRAP_MIN_CHARS or width < _NARROW_MIN or near < _NARROW_SHARE * len(lengths):
        return WRAP_MIN_CHARS
    return width - 1


_HARD_MIN, _HARD_SHARE, _HARD_LINES = 15, 0.25, 5


def hard_width(lines: list[Line], body: Sequence[int]) -> int | None:
    """The width a text copied out of a PDF is hard-wrapped at, or None.

    Such a text breaks every line of a paragraph but the last at one and the same length W
    (``…国控断面水质优良`` / ``比例保持100%。…``): W is the most common length of the body
    lines when it is at least :data:`_HARD_MIN` characters and a quarter of the lines (five or
    more) have it. Text with a paragraph a line never shows that.
    """
    lengths = [len(lines[i].text) for i in body if lines[i].gap <= 1]
    if len(lengths) < _HARD_LINES:
        return None
    width, count = Counter(lengths).most_common(1)[0]
    if width < _HARD_MIN or count < max(_HARD_LINES, _HARD_SHARE * len(body)):
        return None
    return width


def open_quotes(s: str) -> int:
    """How many “ quotations ``s`` opens and leaves open (negative when it closes more)."""
    return s.count("“") - s.count("”")


def continues(
    prev: Line, ln: Line, quotes: int, *, sentence_mode: bool, fmt: str, nxt: Line | None = None,
    wrap: int = WRAP_MIN_CHARS, full: int | None = None,
) -> bool:
    """Whether ``ln`` continues the paragraph whose last line is ``prev``; ``quotes`` is the
    number of quotations the paragraph leaves open so far, ``nxt`` the line after ``ln``,
    ``wrap`` the length from which a line is hard-wrapped (:func:`wrap_width`), ``full`` the
    width of a text hard-wrapped at one width (:func:`hard_width`): there a full line ending in
    ； goes on, the clause was cut at the margin."""
    if ln.gap != 1 or fmt == "html":
        return False
    if ln.shadow[:1] in _CONTINUATION:
        return True  # ；“成果…” or 。 cannot open a paragraph: the line was broken before it
    if quotes > 0 and len(prev.text) < 400:
        return True  # a quotation still open: the line was broken inside it
    if sentence_mode:
        tail = prev.shadow.rstrip(WS + CLOSERS)
        if _CUE.match(ln.shadow) and not tail.endswith(("，", ",", "、")):
            return False  # ——, 第一，, 一是 open a point, also after a colon
        if not tail.endswith(tuple(END_PUNCT)):
            return True  # a clause: the sentence goes on
        return not (
            is_standalone_lead(ln.shadow)
            and not _NOT_LEAD_RE.search(ln.shadow)
            and not _JOINER.match(ln.shadow)
            and nxt is not None
            and nxt.gap == 1
            and len(nxt.text) >= 1.5 * len(ln.text)
            and not _CUE.match(nxt.shadow)
        )  # a short point stated before the longer text that explains it
    if fmt != "text" or ln.indent:
        return False
    semicolon = full is not None and len(prev.text) >= full and prev.text.endswith(("；", ";"))
    if (prev.text.endswith(tuple(END_PUNCT + CLOSERS + "：:")) and not semicolon) or len(prev.text) < wrap:
        return False
    # A row of cells set apart by tabs, ideographic spaces or bars is a table row, never wrapped.
    return (not re.search("[\u3000\t]", prev.text) and not prev.shadow.startswith(("附件", "附表"))
            and not is_table_row(prev.shadow) and not is_table_row(ln.shadow))


def is_table_row(s: str) -> bool:
    """A row of a table typed with bars: ``1 | 编制专项规划 | 县生态环境分局 | 2025年6月底前``."""
    return len(re.findall(r"[|｜丨]", s)) >= 2


def is_standalone_lead(s: str) -> bool:
    """A short line stating one point: ``生态底色更加亮丽。``, ``这是…的五年。``."""
    s = s.strip(WS)
    if not (4 <= len(s) <= STANDALONE_LEAD_MAX) or not s.endswith(("。", "！")):
        return False
    if sum(s.count(c) for c in END_PUNCT) != 1 or "以下" in s or s.startswith(("各位", "同志们")):
        return False
    return not re.search(r"[：:]", s) and not _FIGURE.search(s)


def make_paragraph(
    text: str,
    shadow: str,
    start: int,
    end: int,
    *,
    lead_end: int | None = None,
    article: str | None = None,
    item: str | None = None,
) -> Paragraph:
    """A paragraph over ``text[start:end]`` with its sentences and lead.

    ``lead_end`` forces the lead (an HTML ``<strong>`` run, a standalone lead line).
    """
    body = text[start:end]
    sentences: list[Sentence] = []
    for m in SENT_RE.finditer(body):
        a, b = m.span()
        if a == b:
            continue
        seg = body[a:b]
        left = len(seg) - len(seg.lstrip(WS + "\r\n\u2028\u2029\x0b\x0c\x85"))
        seg = seg.strip(WS + "\r\n\u2028\u2029\x0b\x0c\x85")
        if seg:
            sentences.append(Sentence(start + a + left, start + a + left + len(seg), seg))
    lead: str | None = None
    if lead_end is None and article is None and (tag := _BRACKET_LEAD.match(shadow, start, end)):
        lead_end = tag.end()  # 【厕所革命】新建…: the bracketed words head the paragraph
    if lead_end is not None and start < lead_end < end and not _only_marker(shadow[start:lead_end]):
        lead = text[start:lead_end]
    elif len(sentences) >= 2 and article is None:  # an article's first sentence is no lead
        first = sentences[0]
        if (
            first.start == start
            and len(first.text) <= LEAD_MAX_CHARS
            and end - first.end >= len(first.text)
            and first.text[-1] not in "；;，,"
            and not _NOT_LEAD_RE.search(shadow[first.start : first.end])
        ):
            lead = first.text
    return Paragraph(start, end, body, tuple(sentences), lead, article, item)


def _only_marker(s: str) -> bool:
    """A bold run that only numbers the paragraph (``**第一条**``, ``<b>（一）</b>``) is no lead."""
    s = s.strip(WS)
    m = match_marker(s)
    return m is not None and not s[m.end :].strip(WS + "、.．:：")
