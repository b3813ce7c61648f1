"""Which numbered lines are headings, which are list items, and how headings nest.

The decision is made for the whole document at once, not line by line:

1. **Parts.** ``附件1`` / ``附件：`` / ``名词解释`` / ``注释`` lines, and a second document title
   whose numbering restarts (an attached regulation), open new top-level parts. Numbering is
   judged within a part.
2. **Laws.** A part whose lines open with ``第一条``, ``第二条`` … in sequence is a law: its
   articles are units, not headings; chapters (第N章) and sections (第N节) are its headings, and
   every ``（一）``/``1.`` inside an article is a list item. A law without chapters has no
   headings.
3. **Numbered runs.** Every other numbered line is a candidate. Styles are taken in nesting
   order (第一部分 → 第一章 → 第一节 → unnumbered parts → 一、 → （一） → 1. → （1） → ①）. Under each
   parent already decided, candidates of one style form runs numbered 1, 2, 3 …; each run is
   scored as headings or as a list from its items' heading-likeness (a short title, alone on
   its line or run in before the body) and from the run's shape: text between items, a colon
   before a dense run, items ending in ``；`` or ``的``, definitions (``1.“两重”：是指…``), a
   run that skips a level, numbering straight through the document. A run scoring above
   zero is headings; a rejected run is a list whose lines are list items.
4. **Levels** follow nesting: a heading's level is its parent's plus one, so levels never skip.

Everything is linear in the number of lines.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .common import (
    CLOSERS,
    DATE_ONLY_RE,
    END_PUNCT,
    URL_RE,
    WS,
    find_date,
    first_sentence_end,
    is_english_line,
)
from .lines import Line
from .markers import (
    CIRCLED,
    ITEM_ONLY,
    STYLE_RANK,
    Marker,
    item_label,
    match_marker,
    next_marker_present,
    written_label,
)
from .paragraphs import hard_width

HEADING_TITLE_MAX = 80
_PAIRED_TITLE = re.compile(r"[\u4e00-\u9fff“”]{4,14}，[\u4e00-\u9fff“”]{4,14}")
"""A subheading of two matched phrases: 找准主导产业，做强县域经济支撑."""
_ROMAN_EN = re.compile(r"^(?:[IVX]{1,5}|\d{1,2})\.\s+[A-Z][A-Za-z ,'’&/-]{2,100}$")
"""An English heading under its Chinese twin: ``II. Registration``, ``3. Contact Information``."""
_ATTACH = re.compile(
    r"^附\s*(?P<kind>[件表])\s*(?P<num>[0-9一二三四五六七八九十]{0,3})\s*(?:[:：]\s*(?P<title>.{0,80}))?$"
)
_APPENDIX = re.compile(r"^(?:附\s*[:：]\s*)?(名词解释|名词注释|有关名词解释|注释|注\s*释|参考文献|参考资料|附录[一二三四五六七八九十\d]*|附表[\d一二三四五六七八九十]*)\s*[:：]?$")
_DOC_TITLE_WORDS = re.compile(r"(办法|条例|规定|细则|方案|规则|意见|章程|规划|纲要|清单|目录|标准|制度|措施|通知|决定)(（[^）]{1,12}）)?$")
_TOC = re.compile(r"^(目\s*录|目\s*次)$")
"""A table of contents: the line itself and the entries under it are not headings."""
_MATTER = frozenset({"前言", "序言", "引言", "导言", "结束语", "结语", "后记", "序"})
"""Unnumbered front and back matter of a 白皮书 or report: a level-1 part beside 一、二、三."""
_ENTRY_END = re.compile(r"[：:]$")
_BAD_END = re.compile(r"[；;，,、的]$")
_DECIMAL = frozenset({"ars", "dec2", "dec3", "dec4"})
_UNIT = re.compile(
    r"[年月日时分秒个万亿千百元倍项家次号名人所件位台批种类届期岁度吨亩克升米天周%％]|公里|公斤|公顷|小时|立方|平方|美元|港元|欧元"
)
BRACKET_RANK = 4.5
"""``【指导思想】`` subheadings nest under 一、 and above （一）."""
_UNNUMBERED = frozenset({"plain", "bracket"})
_BRACKET_TITLE = re.compile(
    r"^[【〖]\s*(?:[\u4e00-\u9fff“”、·]{2,20}"
    r"|(?=[^】〗]{4,30}[】〗]$)[\u4e00-\u9fff“”、·]{2,}(?:[，,][\u4e00-\u9fff“”、·]{2,})+)\s*[】〗]$"
)
"""``【指导思想】``, and a title of two phrases set apart by a comma, ``【以学铸魂，筑牢信念根基】``,
when the brackets hold the whole line and at most 30 characters."""
_NOT_SUBHEAD = frozenset({
    "打印", "关闭", "打印本页", "关闭窗口", "收藏", "纠错", "返回顶部", "字号", "字体", "下载", "分享",
    "责任编辑", "编辑", "来源", "作者", "摘要", "关键词", "注释", "附件", "图片", "视频", "音频",
})
_PROVISION = re.compile(
    r"应当|不得|禁止|必须|可以|的[，,]|自[^。；]{1,30}起(?:施行|实施|执行|生效)"
)
"""Normative wording of a provision (``流域内各级人民政府应当……``, ``违反…的，从其规定``,
``本决定自…起施行``): a whole clause of a 决定 or 办法, not a title."""
_PROVISION_MIN_CHARS = 14
_SHORT_POINT = 60
"""A numbered point of at most this many characters, title and text together, is a list item
after an announcing colon."""
_STYLE_PRIOR = {"fcn": 0.5, "roman": 0.5, "cn": 0.5, "pcn": 0.25, "ar": 0.0, "par": -0.25, "circ": -0.5}
"""一、 opens headings far more often than lists; （1） the other way round."""


@dataclass(slots=True)
class Candidate:
    """A line that may be a heading."""

    i: int
    style: str
    number: int
    label: str | None
    title: str
    title_end: int  # offset within the line where the heading text ends
    rest: bool  # body text follows the heading on the same line
    title_line: int | None  # marker alone on its line: the line that holds the title
    h: float  # heading-likeness of the line on its own
    rank: float
    marked: int | None = None  # level the reader marked (HTML <h2>, Markdown ##)
    item: str = ""  # the marker as written, for list items


@dataclass(slots=True)
class Plan:
    """The decision for the body: headings with their levels, list items, articles."""

    headings: dict[int, Candidate] = field(default_factory=dict)
    levels: dict[int, int] = field(default_factory=dict)
    items: dict[int, str] = field(default_factory=dict)
    articles: dict[int, str] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)


def plan_headings(
    lines: list[Line],
    body: Sequence[int],
    *,
    marked: dict[tuple[int, int], int] | None = None,
    after_closing: set[int] | None = None,
) -> Plan:
    """Decide headings, items and articles for the body lines (indices into ``lines``).

    ``after_closing`` holds body lines that directly follow a closing block: a title there
    opens an attachment (the plan a notice 印发s).
    """
    marked = marked or {}
    plan = Plan()
    parts = _split_parts(lines, body, plan, after_closing or set())
    toc = _table_of_contents(lines, body)
    translations = _translations(lines, body)
    for part_head, members in parts:
        base_level = 1 if part_head is not None else 0
        cands = [c for c in _candidates(lines, members, marked, toc) if c.i not in translations]
        articles = _articles(lines, members, cands)
        if articles:
            _plan_law(lines, members, cands, articles, plan)
        else:
            _plan_runs(lines, members, cands, plan, appendix=part_head is not None and _is_glossary(lines, part_head))
            _plan_matter(lines, members, toc, plan)
        _assign_levels(members, plan, base_level)
    for line, head in translations.items():
        c = plan.headings.get(head)
        if c is not None and c.title_line is None and not c.rest and c.title:
            c.title_line = line  # 一、展会内容 / I. Exhibition Contents: one heading, in two languages
            plan.consumed.add(line)
    _wrapped_headings(lines, body, plan)
    return plan


def _wrapped_headings(lines: list[Line], body: Sequence[int], plan: Plan) -> None:
    """A heading a PDF paste wrapped at the margin takes its second line: ``（三）坚定不移…，加快建``
    / ``设区域开放高地。``. Only in a text hard-wrapped at one width (:func:`hard_width`), where the
    heading line fills it and stops mid-word, the next line is shorter and ends as the heading's
    siblings of the same style do (in 。), with no sentence ending inside it."""
    width = hard_width(lines, body)
    if width is None:
        return
    in_body = set(body)
    for i, c in list(plan.headings.items()):
        s = lines[i].shadow.rstrip(WS)
        nxt = i + 1
        if c.title_line is not None or c.rest or len(lines[i].text) < width or not s or (
            s[-1] in END_PUNCT + CLOSERS + "，,、：:" or nxt not in in_body or nxt in plan.headings
            or nxt in plan.items or nxt in plan.articles or nxt in plan.consumed
        ):
            continue
        ln = lines[nxt]
        t = ln.shadow.rstrip(WS + CLOSERS)
        if ln.gap != 1 or len(ln.text) >= width or ln.marker() is not None or not t or t[-1] not in END_PUNCT:
            continue
        if any(ch in END_PUNCT for ch in t[:-1]):
            continue
        ends = [lines[o.title_line if o.title_line is not None else o.i].shadow.rstrip(WS + CLOSERS)[-1:]
                for k, o in plan.headings.items() if k != i and o.style == c.style]
        if not ends or sum(1 for e in ends if e and e in END_PUNCT) * 2 < len(ends):
            continue
        c.title_line = nxt
        c.title = (c.title + ln.text.strip(WS)).rstrip(END_PUNCT + WS)
        plan.consumed.add(nxt)


def _translations(lines: list[Line], body: Sequence[int]) -> dict[int, int]:
    """English lines that translate the short Chinese line right above them (a bilingual notice:
    ``一、展会内容`` / ``I. Exhibition Contents``): line → the line above. Only where a document
    does this twice or more; the English line never heads a section of its own."""
    found: dict[int, int] = {}
    for k in range(1, len(body)):
        i, above = body[k], body[k - 1]
        if i != above + 1 or lines[i].gap != 1:
            continue
        s, a = lines[i].shadow.strip(WS), lines[above].shadow.strip(WS)
        if (
            (len(s) <= 120 and is_english_line(s) and not s.endswith((".", "!", "?"))) or _ROMAN_EN.match(s)
        ) and 2 <= len(a) <= 40 and not is_english_line(a) and not a.endswith(tuple(END_PUNCT)):
            found[i] = above
    return found if len(found) >= 2 else {}

# --- parts --------------------------------------------------------------------------------------
def part_starts(lines: list[Line], body: Sequence[int]) -> list[int]:
    """Lines that open an attachment or appendix (附件1, 名词解释)."""
    return [i for k, i in enumerate(body) if _part_head(lines, body, k, {}) is not None]


def _split_parts(
    lines: list[Line], body: Sequence[int], plan: Plan, after_closing: set[int]
) -> list[tuple[int | None, list[int]]]:
    """Cut the body into parts at 附件 / 名词解释 lines, at restarted second titles and at a
    title after a closing block."""
    parts: list[tuple[int | None, list[int]]] = [(None, [])]
    seen_max: dict[str, int] = {}
    last_article = max((k for k, i in enumerate(body) if _article_line(lines[i])), default=-1)
    k = 0
    while k < len(body):
        i = body[k]
        s = lines[i].shadow
        head = _part_head(lines, body, k, seen_max)
        if head is None and i in after_closing and (law := _law_after_enactment(lines, body, k, ended=True)):
            head = (None, law[0], law[1])  # an order's signer and date, then the regulation
        if head is None and i in after_closing and _titleish(s.strip(WS)) and len(s) <= 60:
            head = (None, lines[i].text.strip(WS), None)
        if head is None and k > last_article >= 0 and seen_max.get("article", 0) >= 2 and _second_title(s.strip(WS)):
            # A second document after a law's last article: its 起草说明, 实施细则 …
            head = (None, lines[i].text.strip(WS), None)
        if head is not None:
            label, title, title_line = head
            cand = Candidate(i, "attach", 0, label, title, len(lines[i].text), False, title_line,
                             5.0, -1.0)
            plan.headings[i] = cand
            plan.levels[i] = 1
            if title_line is not None:
                plan.consumed.add(title_line)
                k += 1
            parts.append((i, []))
            seen_max = {}
            k += 1
            continue
        m = lines[i].marker()
        if m is not None:
            seen_max[m.style] = max(seen_max.get(m.style, 0), m.number)
        parts[-1][1].append(i)
        k += 1
    return parts


def _part_head(
    lines: list[Line], body: Sequence[int], k: int, seen_max: dict[str, int]
) -> tuple[str | None, str, int | None] | None:
    """``(label, title, title line)`` when the line at ``body[k]`` opens a part."""
    i = body[k]
    s = lines[i].shadow.strip(WS)
    nxt = body[k + 1] if k + 1 < len(body) and body[k + 1] == i + 1 else None
    if m := _ATTACH.match(s):
        title = (m.group("title") or "").strip(WS)
        if title and (title.endswith(tuple(END_PUNCT)) or len(title) > 60 or re.match(r"\d{1,2}\s*[.．、]", title)):
            return None  # 附件：1.某某办法 lists the attachments; it does not open one
        label = "附" + m.group("kind") + (m.group("num") or "")
        if not title and nxt is not None and _titleish(lines[nxt].shadow):
            return label, lines[nxt].text.strip(WS), nxt
        if not title and nxt is None:
            return None
        return label, lines[i].text[m.start("title") :].strip(WS) if title else "", None
    if _APPENDIX.match(s):
        return None, lines[i].text.strip(WS).rstrip("：:" + WS), None  # 注释： → 注释
    if "article" not in seen_max and "chapter" not in seen_max and (law := _law_after_enactment(lines, body, k)):
        return None, law[0], law[1]
    # A second title whose numbering restarts: an attached regulation or plan. Not the title
    # of a marker alone on the line above (第四部分 / 保障措施).
    if seen_max and _titleish(s) and _DOC_TITLE_WORDS.search(s) and len(s) <= 50 and not _bare_marker_above(lines, body, k):
        for nxt_k in range(k + 1, min(k + 4, len(body))):
            mk = lines[body[nxt_k]].marker()
            if mk is not None:
                if mk.number == 1 and seen_max.get(mk.style, 0) >= 2:
                    return None, lines[i].text.strip(WS), None
                break
    return None


_LAW_TITLE = re.compile(r"(?:法|条例|规定|办法|细则|规则|章程|准则)(?:[（(][^（()）]{1,8}[）)])?$")
_HISTORY = re.compile(r"^[（(](?=[^（()）]{0,6}\d{4}\s*年)[^（()）]{6,400}(?:通过|修正|修订|公布|批准|施行)[^（()）]{0,60}[）)]$")
"""（2018年7月27日…通过　根据2025年…修正）: the history line under a law's title."""
_ENACTED = re.compile(
    r"(?:起施行|起实施|起执行|起生效|重新公布|予以公布|现予公布|现予发布|予以发布|公布施行)[^。！]{0,12}[。！]?$"
)
"""The last sentence of a 决定, 公告 or 令: 本决定自…起施行。 / …根据本决定作相应修改，重新公布。"""


def _law_after_enactment(
    lines: list[Line], body: Sequence[int], k: int, *, ended: bool = False
) -> tuple[str, int | None] | None:
    """``(title, history line)`` when ``body[k]`` is the title of a law or regulation set out
    in full after the 决定, 公告 or 令 that enacts or amends it: a 法/条例/办法/规定… title right
    after the enacting text's last sentence (…起施行。, …重新公布。) or its date (``ended``: the
    line follows a closing block), optionally over a bracketed history line, and followed by
    its 第一章 / 第一条."""
    i = body[k]
    s = lines[i].shadow.strip(WS)
    if k == 0 or len(s) > 50 or not _titleish(s) or not _LAW_TITLE.search(s):
        return None
    prev = lines[body[k - 1]].shadow.strip(WS)
    if not (ended or _ENACTED.search(prev) or DATE_ONLY_RE.match(prev)):
        return None
    j = k + 1
    history = None
    if j < len(body) and body[j] == i + 1 and _HISTORY.match(lines[body[j]].shadow.strip(WS)):
        history = body[j]
        j += 1
    if j >= len(body):
        return None
    m = lines[body[j]].marker()
    if m is None or m.number != 1 or m.style not in ("part", "chapter", "article"):
        return None
    return lines[i].text.strip(WS), history


_EXPLANATION = re.compile(r"(说明|解读|释义|细则)(（[^）]{1,12}）)?$")


def _article_line(ln: Line) -> bool:
    m = ln.marker()
    return m is not None and m.style == "article"


def _second_title(s: str) -> bool:
    """A line that reads as the title of a second document (``关于《…》的起草说明``, ``…实施细则``)."""
    return (
        _titleish(s) and len(s) <= 60 and "。" not in s
        and (_EXPLANATION.search(s) is not None or _DOC_TITLE_WORDS.search(s) is not None)
    )


def _front_back_matter(shadow: str) -> str | None:
    """``前言``, ``结束语`` (``前　言``) alone on a line: the word, else None."""
    s = shadow.strip(WS)
    if len(s) > 8:
        return None
    word = re.sub(rf"[{WS}]", "", s)
    return word if word in _MATTER else None


def _bare_marker_above(lines: list[Line], body: Sequence[int], k: int) -> bool:
    """Whether the line before ``body[k]`` is a numbering marker with nothing after it."""
    if k == 0 or body[k - 1] != body[k] - 1:
        return False
    above = lines[body[k - 1]]
    m = above.marker()
    return m is not None and not above.shadow[m.end :].strip(WS)


def _titleish(s: str) -> bool:
    return 2 <= len(s) <= 60 and not s.endswith(tuple(END_PUNCT + "，,：:")) and match_marker(s) is None


def _is_glossary(lines: list[Line], head: int) -> bool:
    s = lines[head].shadow
    return bool(_APPENDIX.match(s.strip(WS))) or "名词" in s or "注释" in s or "解释" in s


def _table_of_contents(lines: list[Line], body: Sequence[int]) -> set[int]:
    """Lines listed under 目录 (a table of contents), which are not headings."""
    toc: set[int] = set()
    for k, i in enumerate(body):
        if _TOC.match(lines[i].shadow.strip(WS)):
            toc.add(i)  # 目录 itself: a paragraph, never a heading
            listed: set[tuple[str, int]] = set()
            matter: set[str] = set()  # 前言, 结束语 listed among the entries
            for j in body[k + 1 :]:
                if (name := _front_back_matter(lines[j].shadow)) is not None:
                    if name in matter:
                        break  # the real 前言 starts here
                    matter.add(name)
                    toc.add(j)
                    continue
                m = lines[j].marker()
                bullet = m is not None and m.style == "bullet"
                if m is not None and bullet:  # - 第一章　总则: a bulleted entry stays a list item
                    m = match_marker(lines[j].shadow[m.end :])
                if m is None or m.style == "article":
                    break
                if (m.style, m.number) in listed:
                    break  # the contents are over: the real 第一章 starts here
                listed.add((m.style, m.number))
                if not bullet:
                    toc.add(j)
    return toc


# --- candidates ---------------------------------------------------------------------------------
def _candidates(
    lines: list[Line],
    members: list[int],
    marked: dict[tuple[int, int], int],
    toc: set[int],
) -> list[Candidate]:
    out: list[Candidate] = []
    pos = {i: k for k, i in enumerate(members)}
    for k, i in enumerate(members):
        if i in toc:
            continue
        ln = lines[i]
        level = marked.get((ln.start, ln.end))
        m = ln.marker()
        if level is not None:
            c = _marked_candidate(ln, i, m, level)
            if c is not None:
                out.append(c)
            continue
        if m is None:
            continue
        c = _numbered_candidate(lines, members, pos, k, m)
        if c is not None:
            out.append(c)
    # ``1 研究背景`` (a number, a space, a title) is the top of decimal numbering only where
    # ``1.1`` sections follow it; elsewhere a leading number is text (a table row, a count).
    # Without them, three or more such lines each holding a bare title (no space inside,
    # alone on its line) still number sections.
    tops = {c.label.split(".")[0] for c in out if c.style == "dec2" and c.label}
    spaced = [c for c in out if c.style == "ars"]
    decimal = any(c.label in tops for c in spaced) or (
        len(spaced) >= 3 and all(c.h >= 2 and not re.search(rf"[{WS}]", c.title) for c in spaced)
    )
    return [c for c in out if c.style != "ars" or decimal]


def _marked_candidate(ln: Line, i: int, m: Marker | None, level: int) -> Candidate | None:
    s = ln.shadow
    if len(s) > HEADING_TITLE_MAX + 10:
        return None
    if m is not None and m.style != "article":
        title = ln.text[m.end :].strip(WS).rstrip(END_PUNCT + "：:")
        if m.wrapped:
            title = ln.text.strip(WS)
        return Candidate(i, m.style, m.number, written_label(ln.text, m), title, len(ln.text), False,
                         None, 5.0, STYLE_RANK[m.style], marked=level)
    title = ln.text.strip(WS).rstrip(END_PUNCT + "：:")
    return Candidate(i, f"h{level}", 0, None, title, len(ln.text), False, None, 5.0,
                     2.5 + level / 10, marked=level)


def _numbered_candidate(
    lines: list[Line], members: list[int], pos: dict[int, int], k: int, m: Marker
) -> Candidate | None:
    i = members[k]
    ln = lines[i]
    s = ln.shadow
    if m.style == "circ" and (
        not s[m.end :].strip(WS) or re.search(f"[{CIRCLED}]", s[m.end :]) is not None
    ):
        # ①…；②… on one line, or ① alone: a list item
        return Candidate(i, m.style, m.number, m.label, "", m.end, True, None, -9.0,
                         float(STYLE_RANK[m.style]), item=item_label(ln.text, m))
    if next_marker_present(s, m):
        return None  # 一、…；二、… on one line
    if m.style == "ar" and re.match(r"\d{0,2}\s*[年月日%％]", s[m.end - 1 :]):
        return None
    if m.style in _DECIMAL and _UNIT.match(s[m.end :]):
        return None  # 5 月, 1.5 亿元: a quantity, not a number
    item = item_label(ln.text, m)
    if m.style == "article":
        return Candidate(i, "article", m.number, m.label, "", m.end, True, None, -9.0, 99.0, item=item)
    if m.style in ITEM_ONLY:
        return Candidate(i, m.style, m.number, m.label, "", m.end, True, None, -9.0,
                         float(STYLE_RANK[m.style]), item=item)
    title_end = first_sentence_end(s, m.end)
    if s[title_end - 1 : title_end] in "？?":
        # 四、资金从哪里来？居民要出钱吗？: a question asked in two parts is one title
        while title_end < len(s):
            nxt_end = first_sentence_end(s, title_end)
            if s[nxt_end - 1 : nxt_end] not in "？?" or nxt_end - title_end > 30:
                break
            title_end = nxt_end
    title = ln.text[m.end : title_end].strip(WS).rstrip(END_PUNCT + "：:" + WS)
    if m.wrapped:  # 【一、认清形势，…】: the bracketed line is the title
        title_end = len(s)
        title = ln.text.strip(WS)
    rest = bool(s[title_end:].strip(WS))
    rank = float(STYLE_RANK[m.style])
    label = written_label(ln.text, m)
    if not title:
        nxt = members[k + 1] if k + 1 < len(members) else None
        if (
            title_end == len(s)
            and nxt is not None
            and nxt == i + 1
            and lines[nxt].marker() is None
            and len(lines[nxt].text) <= 50
            and sum(lines[nxt].shadow.count(c) for c in END_PUNCT) <= 1
        ):
            t = lines[nxt].text.strip(WS).rstrip(END_PUNCT + "：:" + WS)
            return Candidate(i, m.style, m.number, label, t, len(ln.text), False, nxt, 2.0, rank, item=item)
        return None
    h = _heading_likeness(s[m.end :], title, rest, s[title_end - 1 : title_end])
    return Candidate(i, m.style, m.number, label, title, title_end, rest, None, h, rank, item=item)


def _heading_likeness(after_marker: str, title: str, rest: bool, end: str) -> float:
    """How much a numbered line reads as a heading on its own (positive) or as an item."""
    n = len(URL_RE.sub("网址", title))  # a URL reads as one word
    if n > HEADING_TITLE_MAX:
        return -3.0
    whole = after_marker.strip(WS)
    score = 0.0
    if not rest:
        if not whole.endswith(tuple(END_PUNCT + "，,、：:")):
            score += 2.0 if n <= 30 else 0.5
        elif whole.endswith(("；", ";", "，", ",", "、")):
            score -= 2.5
        elif n <= 24:
            score += 1.0  # （一）经济运行顶住压力、稳中有进。
        else:
            score -= 0.5 if n <= 60 else 1.5  # a sentence of its own
    else:
        score += 1.0 if n <= 40 else -1.0
        if end in "：:":
            score -= 1.5  # 1.“两重”：是指… is a definition
    if _BAD_END.search(title) and not rest:
        score -= 1.0
    if title.count("，") + title.count(",") >= 3:
        score -= 1.0
    return score


# --- laws ---------------------------------------------------------------------------------------
def _articles(lines: list[Line], members: list[int], cands: list[Candidate]) -> dict[int, str]:
    """Article starts (第N条) of a law: at least two, numbered in sequence; an article inserted
    by an amendment (第五条之一, 第五条之二) follows its base article."""
    arts = [c for c in cands if c.style == "article"]
    if len(arts) < 2:
        return {}
    chosen: dict[int, str] = {}
    last: int | None = None
    for c in arts:
        inserted = last is not None and c.number == last and "之" in (c.label or "")
        if last is None or c.number == last + 1 or (c.number <= last and c.number == 1) or inserted:
            chosen[c.i] = c.label or ""
            last = c.number
        elif last < c.number <= last + 3:
            chosen[c.i] = c.label or ""  # an article lost from the source
            last = c.number
    return chosen if len(chosen) >= 2 else {}


def _plan_law(
    lines: list[Line],
    members: list[int],
    cands: list[Candidate],
    articles: dict[int, str],
    plan: Plan,
) -> None:
    """A law: chapters and sections in sequence are headings, articles are units, numbered
    lines are list items, and a short title alone between articles is a chapter whose marker
    the source lost."""
    plan.articles.update(articles)
    chapters = [c for c in cands if c.style in ("part", "chapter", "jie") or c.marked]
    _accept_in_sequence(chapters, plan)
    in_article = False
    has_chapters = any(c.i in plan.headings for c in chapters)
    last_rank = 1.0
    by_line = {c.i: c for c in cands}
    for k, i in enumerate(members):
        if i in plan.headings:
            in_article = False
            last_rank = plan.headings[i].rank
            continue
        if i in articles:
            in_article = True
            continue
        c = by_line.get(i)
        if c is not None and c.style not in ("article", "part", "chapter", "jie") and c.item:
            plan.items[i] = c.item
            continue
        s = lines[i].shadow
        if (
            has_chapters
            and in_article
            and _titleish(s)
            and len(s) <= 20
            and not re.search(r"[，,。；：:、]", s)
            and k + 1 < len(members)
            and members[k + 1] in articles
        ):
            # A chapter or section whose 第N章 marker was lost: its title alone between
            # articles, at the level of the heading before it.
            plan.headings[i] = Candidate(i, "plain", 0, None, lines[i].text.strip(WS), len(lines[i].text),
                                         False, None, 3.0, last_rank)
            in_article = False


def _accept_in_sequence(cands: list[Candidate], plan: Plan) -> None:
    """Chapters and sections: accepted while their numbers run in sequence under their parent."""
    last: dict[tuple[int, str], int] = {}
    parent_of_rank: list[tuple[float, int]] = []
    for c in cands:
        while parent_of_rank and parent_of_rank[-1][0] >= c.rank:
            parent_of_rank.pop()
        parent = parent_of_rank[-1][1] if parent_of_rank else -1
        key = (parent, c.style)
        prev = last.get(key)
        ok = c.marked is not None or (
            c.number == prev + 1 if prev is not None else c.number == 1 or c.style in ("part", "chapter")
        )
        if ok:
            plan.headings[c.i] = c
            last[key] = c.number
            parent_of_rank.append((c.rank, c.i))


# --- numbered runs ------------------------------------------------------------------------------
@dataclass(slots=True)
class _Run:
    items: list[Candidate]
    parent: int  # line index of the parent heading, -1 for the part root
    restart: bool = False  # a second run numbered from 1 under the same parent
    h_sum: float = 0.0  # sum of the items' heading scores, kept as items join (linear)

    def add(self, c: Candidate) -> None:
        self.items.append(c)
        self.h_sum += c.h

    @property
    def mean_h(self) -> float:
        return self.h_sum / len(self.items)


def _plan_runs(
    lines: list[Line], members: list[int], cands: list[Candidate], plan: Plan, *, appendix: bool
) -> None:
    """Any other part: styles from the outermost in; runs under each parent decided so far
    become headings or lists (see :func:`_run_score`)."""
    pos = {i: k for k, i in enumerate(members)}
    accepted: list[Candidate] = []  # in document order, across styles decided so far
    plains = _plain_candidates(lines, members, cands)
    brackets = _bracket_candidates(lines, members, cands)
    styles = sorted({c.rank for c in cands if c.style != "article" and c.style not in ITEM_ONLY}
                    | ({3.0} if plains else set()) | ({BRACKET_RANK} if brackets else set()))
    by_rank: dict[float, list[Candidate]] = {}
    for c in cands:
        if c.style in ITEM_ONLY or c.style == "circ":
            plan.items[c.i] = c.item  # ［1］, - : list items, whatever else is around; ① unless
            # its run reads as subheadings (see _circled_titles)
        if c.style not in ITEM_ONLY and c.style != "article":
            by_rank.setdefault(c.rank, []).append(c)
    if plains:
        by_rank.setdefault(3.0, []).extend(plains)
        by_rank[3.0].sort(key=lambda c: c.i)
    if brackets:
        by_rank.setdefault(BRACKET_RANK, []).extend(brackets)
        by_rank[BRACKET_RANK].sort(key=lambda c: c.i)
    for rank in styles:
        group = by_rank.get(rank, [])
        if not group:
            continue
        chosen = [c for c in group if c.style in _UNNUMBERED or c.marked is not None]
        group = [c for c in group if c.style not in _UNNUMBERED and c.marked is None]
        parents = _parents(group, accepted)
        through = _straight_through(group, parents)
        titled = through and _titled_through(group, parents, {a.i: a for a in accepted}, lines, members, pos)
        if titled:
            through = False  # （一）…（七） titled points numbered through 一、二、三: headings
        first_style = bool(group) and all(a.style != group[0].style for a in accepted)
        listed = through
        by_id = {a.i: a for a in accepted}
        used = {a.rank for a in accepted}
        for run in _runs(group, parents, pos, first_style=first_style, carry=titled):
            if run.items[0].style == "circ" and not _circled_titles(run, lines, members, pos, by_id,
                                                                    appendix=appendix):
                continue  # ① stays a list item unless the run is plainly subheadings
            score = _run_score(run, lines, members, pos, by_id, used, appendix=appendix,
                               through=through)
            if score > 0:
                chosen += run.items
            elif len(run.items) >= 2 or run.items[0].h < 1:
                listed = True
                for c in run.items:
                    if c.title_line is None:
                        plan.items[c.i] = c.item
        if listed:  # the style numbers a list here: its lines outside any run are items too
            taken = {c.i for c in chosen}
            for c in group:
                if c.i not in taken and c.title_line is None and c.item:
                    plan.items.setdefault(c.i, c.item)
        for c in chosen:
            plan.headings[c.i] = c
            if c.style == "circ":
                del plan.items[c.i]
            if c.title_line is not None:
                plan.consumed.add(c.title_line)
        accepted = sorted(accepted + chosen, key=lambda c: c.i)


def _plan_matter(lines: list[Line], members: list[int], toc: set[int], plan: Plan) -> None:
    """``前言`` and ``结束语`` alone on a line, each followed by text, are unnumbered parts at the
    level of the part's top headings (beside 一、二、三), where the part has numbered headings
    or two such lines."""
    found: list[int] = []
    for k, i in enumerate(members):
        if i in toc or i in plan.headings or i in plan.items or _front_back_matter(lines[i].shadow) is None:
            continue
        nxt = members[k + 1] if k + 1 < len(members) else None
        if nxt is None or nxt in plan.headings or _front_back_matter(lines[nxt].shadow) is not None:
            continue
        found.append(i)
    tops = [plan.headings[i].rank for i in members if i in plan.headings and plan.headings[i].style != "attach"]
    if not found or (not tops and len(found) < 2):
        return
    rank = min(tops, default=STYLE_RANK["cn"])
    for i in found:
        text = lines[i].text.strip(WS)
        plan.headings[i] = Candidate(i, "plain", 0, None, text, len(lines[i].text), False, None, 3.0, rank)


def _plain_candidates(lines: list[Line], members: list[int], cands: list[Candidate]) -> list[Candidate]:
    """Unnumbered part titles in plain text: short unpunctuated lines, each followed by a
    stretch of text, at least two of them, all before the first 一、.

    In an indented text (nearly every paragraph opens with an indent), the titles are the lines
    set flush left with an indented paragraph under them; that layout is evidence enough for a
    shorter document and shorter stretches between the titles."""
    numbered = {c.i for c in cands}
    first_cn = min((c.i for c in cands if c.style in ("fcn", "roman", "cn", "part", "chapter") or c.marked), default=None)
    found: list[Candidate] = []
    total = sum(lines[i].end - lines[i].start for i in members)
    long_lines = [lines[i].indent for i in members if lines[i].end - lines[i].start >= 20]
    indented = len(long_lines) >= 4 and sum(long_lines) >= 0.8 * len(long_lines)
    if total < (200 if indented else 400):
        return []
    names = not indented and _short_leads(lines, members)
    for k, i in enumerate(members):
        if i in numbered or (first_cn is not None and i > first_cn):
            continue
        if indented and (lines[i].indent or k + 1 >= len(members) or not lines[members[k + 1]].indent):
            continue
        s = lines[i].shadow.strip(WS)
        if not (4 <= len(s) <= 30) or s.endswith(tuple(END_PUNCT)) or (
            re.search(r"[。！？!?；;，,：:、（(）)]", s) and not _PAIRED_TITLE.fullmatch(s)
        ):
            continue
        if s.isdigit() or s.startswith(("图", "表", "注", "附")):
            continue
        if not indented and len(s) == 4 and _name_like(lines, members, k, names=names):
            continue
        follow = 0
        opens_numbered = False
        for j in members[k + 1 : k + 4]:
            if j in numbered:
                opens_numbered = True  # its numbered children follow: （一）…
                break
            follow += lines[j].end - lines[j].start
        if k + 1 >= len(members) or (follow < (30 if indented else 60) and not opens_numbered):
            continue
        found.append(Candidate(i, "plain", len(found) + 1, None, lines[i].text.strip(WS),
                               len(lines[i].text), False, None, 3.0, 3.0))
    if len(found) < 2 or len(found) > 12:
        return []
    # Each needs a stretch of text before the next one.
    for a, b in itertools.pairwise(found):
        chars = sum(lines[j].end - lines[j].start for j in members if a.i < j < b.i)
        if chars < (40 if indented else 120):
            return []
    return found


_COMPOUND_SURNAME = re.compile(
    r"^(?:欧阳|司马|诸葛|上官|东方|皇甫|令狐|慕容|司徒|司空|夏侯|尉迟|公孙|长孙|宇文|轩辕|端木|独孤|南宫|西门"
    r"|申屠|澹台|濮阳|呼延|万俟|闻人|赫连|百里|东郭|钟离|太史|拓跋|完颜|耶律|单于|左丘|公羊|谷梁)"
)
_SIGNATURE = re.compile(r"^[省市县区州镇乡][\u4e00-\u9fff]{2}[局厅委府办处司所站社队组院部]$")
"""市财政局, 县政府办: a four-character signature of a local office."""
_SALUTATION = re.compile(r"^(?:各位|同志|尊敬|亲爱|女士|先生|朋友|谢谢|大家)")


def _name_like(lines: list[Line], members: list[int], k: int, *, names: bool) -> bool:
    """Whether a four-character line reads as a personal name, a salutation or a signature
    rather than a bare part title (工作回顾, 改善民生): a name with ``·``, any four Han characters
    where shorter names stand alone above text too (``names``), a compound surname (欧阳晓峰),
    a local office (市财政局), 各位代表, or a date on the next line."""
    s = lines[members[k]].shadow.strip(WS)
    if "·" in s:
        return True
    if not re.fullmatch(r"[\u4e00-\u9fff]{4}", s):
        return False
    if names or _COMPOUND_SURNAME.match(s) or _SIGNATURE.match(s) or _SALUTATION.match(s):
        return True
    nxt = lines[members[k + 1]].shadow.strip(WS) if k + 1 < len(members) else ""
    return len(nxt) <= 20 and find_date(nxt) is not None


def _short_leads(lines: list[Line], members: list[int]) -> bool:
    """Whether a line of two or three Han characters (前言 and 结语 aside) stands alone above
    text: the layout of speakers' names (发言摘登, 访谈), where a four-character line is a name
    too."""
    for i in members[:-1]:
        s = re.sub(rf"[{WS}]", "", lines[i].shadow)
        if 2 <= len(s) <= 3 and re.fullmatch(r"[\u4e00-\u9fff·]+", s) and s not in _MATTER:
            return True
    return False


def _bracket_candidates(lines: list[Line], members: list[int], cands: list[Candidate]) -> list[Candidate]:
    """Unnumbered subheadings in lenticular brackets, each alone on its line with text after it
    (``【指导思想】`` / ``【主要目标】`` under 一、): at least two of them in the part."""
    numbered = {c.i for c in cands}
    found: list[Candidate] = []
    for k, i in enumerate(members):
        s = lines[i].shadow.strip(WS)
        if i in numbered or not _BRACKET_TITLE.match(s) or s[1:-1].strip(WS) in _NOT_SUBHEAD:
            continue
        nxt = members[k + 1] if k + 1 < len(members) else None
        if nxt is None or _BRACKET_TITLE.match(lines[nxt].shadow.strip(WS)):
            continue  # a subheading heads text, not another tag
        found.append(Candidate(i, "bracket", len(found) + 1, None, lines[i].text.strip(WS),
                               len(lines[i].text), False, None, 3.0, BRACKET_RANK))
    return found if len(found) >= 2 else []


def _parents(group: list[Candidate], accepted: list[Candidate]) -> list[int]:
    """For each candidate, the line index of the accepted heading it would nest under (-1: none)."""
    out: list[int] = []
    ai = 0
    stack: list[Candidate] = []
    for c in group:
        while ai < len(accepted) and accepted[ai].i < c.i:
            a = accepted[ai]
            while stack and stack[-1].rank >= a.rank:
                stack.pop()
            stack.append(a)
            ai += 1
        parent = -1
        for a in reversed(stack):
            if a.rank < c.rank:
                parent = a.i
                break
        out.append(parent)
    return out


def _straight_through(group: list[Candidate], parents: list[int]) -> bool:
    """Numbered straight through the part across different parents: （1）…（60）, or 1.–4. whose
    3. opens the second 一、 instead of a new 1."""
    if not group or group[0].style not in ("ar", "par", "pcn") or len(set(parents)) < 2:
        return False
    numbers = [c.number for c in group]
    if numbers.count(1) > 1:
        return False
    rises = sum(1 for a, b in itertools.pairwise(numbers) if b == a + 1)
    if rises < 0.8 * (len(numbers) - 1):
        return False
    carried = sum(
        1 for k in range(1, len(group))
        if parents[k] != parents[k - 1] and parents[k - 1] != -1 and numbers[k] == numbers[k - 1] + 1
    )  # the numbering goes on under the next parent
    return (len(numbers) >= 8 and max(numbers) >= 8) or (carried >= 1 and len(numbers) >= 3)


def _titled_through(
    group: list[Candidate],
    parents: list[int],
    by_id: dict[int, Candidate],
    lines: list[Line],
    members: list[int],
    pos: dict[int, int],
) -> bool:
    """（一）…（七） numbered straight through the 一、 parts of a 意见 or 决定: every point a short
    title (alone on its line, or run in before its body) under a 一、 heading, none a clause
    (``；``) and none after a colon. Arabic （1） and 1. numbered through stay lists."""
    if group[0].style != "pcn" or len(group) < 3:
        return False
    if any(p == -1 or by_id.get(p) is None or by_id[p].style != "cn" for p in parents):
        return False
    if not all(c.h >= 1 and len(c.title) <= 30 for c in group):
        return False
    for k, c in enumerate(group):
        if k == 0 or parents[k] != parents[k - 1]:
            before = members[pos[c.i] - 1] if pos[c.i] > 0 else None
            if before is not None and lines[before].shadow.rstrip(WS).endswith(("：", ":")):
                return False  # items after a colon: a list that runs on
    return True


def _runs(
    group: list[Candidate], parents: list[int], pos: dict[int, int], *, first_style: bool,
    carry: bool = False,
) -> list[_Run]:
    """Runs of one style under each parent: chains numbered 1, 2, 3 …

    A number extends the open run it continues: the run whose last item is the line right
    before it when that run is already a list of two or the item reads as one (a list goes
    on), else the strongest. A 1 under a parent that already has a run
    opens a second run marked as a restart.
    """
    runs: list[_Run] = []
    open_runs: dict[int, list[_Run]] = {}
    for k, (c, parent) in enumerate(zip(group, parents, strict=True)):
        here = open_runs.setdefault(parent, [])
        fits = [r for r in here if r.items[-1].number == c.number - 1]
        if not fits:
            fits = [r for r in here if _typing_slip(r.items[-1], c)]
        if not fits and not here and c.number > 1 and (carry or c.style in ("chapter", "jie")) and runs:
            # 第三章 opening 第二篇: chapters numbered straight through the parts of a 纲要
            last = runs[-1]
            if last.items[-1].style == c.style and last.items[-1].number == c.number - 1:
                fits = [last]
        if fits:
            nearest = [
                r for r in fits
                if pos[c.i] - pos[r.items[-1].i] == 1 and (len(r.items) >= 2 or c.h < 1)
            ]
            pick = nearest or fits
            max(pick, key=lambda r: r.mean_h).add(c)
        elif c.number == 1 or (not here and first_style and k == 0 and c.style in ("fcn", "roman", "cn", "pcn") and c.h >= 2):
            new = _Run([c], parent, restart=bool(here), h_sum=c.h)
            runs.append(new)
            here.append(new)
            if len(here) > 4:
                del here[0]  # only recent runs stay open: linear even under endless restarts
    return runs


def _typing_slip(prev: Candidate, c: Candidate) -> bool:
    """A number typed twice (（二） after （二）) or one lost (（三） after （一）) in a run of
    Chinese-numbered headings: the line goes on the run when it reads as a heading on its own
    line, or has the shape of the item before it (both run in, both heading-like)."""
    if c.style not in ("fcn", "roman", "cn", "pcn") or not (
        c.number == prev.number + 2 or (c.number == prev.number >= 2)
    ):
        return False
    return c.h >= 2 or (c.h >= 1 and prev.h >= 1 and c.rest == prev.rest)


def _run_score(
    run: _Run,
    lines: list[Line],
    members: list[int],
    pos: dict[int, int],
    by_id: dict[int, Candidate],
    used: set[float],
    *,
    appendix: bool,
    through: bool,
) -> float:
    """Score a run as headings (above zero) or as a list; ``by_id`` holds the headings
    accepted so far by line index, ``used`` their ranks."""
    items = run.items
    n = len(items)
    score = sum(c.h for c in items) / n + _STYLE_PRIOR.get(items[0].style, 0.0)
    ks = [pos[c.i] for c in items]
    between = [ks[j + 1] - ks[j] - 1 - (1 if items[j].title_line is not None else 0) for j in range(n - 1)]
    dense = n >= 2 and all(b == 0 for b in between)
    runin = sum(1 for c in items if c.rest) >= n / 2
    before = members[ks[0] - 1] if ks[0] > 0 else None
    colon = before is not None and before not in by_id and lines[before].shadow.rstrip(WS).endswith(("：", ":"))
    if n >= 2 and all(b >= 1 for b in between):
        score += 1.0 if sum(between) / len(between) < 3 else 1.5
    if colon and dense:
        # After an announcing colon (共提出4个方面12条具体措施：) a dense run is a list, unless
        # each point runs in before a body of its own (一年来，主要做了6个方面工作： / （一）聚焦…。
        # and a long paragraph): short points of one line are the list the colon announced.
        short = all(len(lines[c.i].shadow.strip(WS)) <= _SHORT_POINT for c in items)
        score -= 3.0 if not runin or short else 0.5
    elif colon and n >= 2 and all(b <= 1 for b in between) and not runin:
        score -= 1.5
    if dense and not runin and all(lines[c.i].shadow.rstrip(WS)[-1:] in "。；;，," for c in items):
        score -= 1.0  # a block of numbered sentences
        if any(re.search("[，,]", c.title) for c in items):
            score -= 1.0  # （二）每件作品作者不超过3人，指导教师不超过2人。: clauses, not titles
    ends = [lines[c.title_line if c.title_line is not None else c.i].shadow.rstrip(WS) for c in items]
    if sum(1 for e in ends if _BAD_END.search(e)) >= max(1, n // 2):
        score -= 2.0  # items ending in ；，的: clauses of one sentence
    entries = sum(1 for c in items if c.rest and lines[c.i].shadow[c.title_end - 1 : c.title_end] in "：:")
    if entries >= 2 and entries >= 0.6 * n:
        score -= 2.5  # term：definition, term：definition — a glossary
    if appendix:
        score -= 3.0
    provisions = sum(1 for c in items if _is_provision(c))
    if n >= 2 and provisions >= max(2.0, 0.5 * n):
        score -= 3.0  # 一、…应当…。 二、…不得…。: numbered provisions of a 决定, paragraphs
    if run.restart:
        score -= 2.5
    if through:
        score -= 4.0
    if n == 1 and (items[0].style in ("ar", "par") or items[0].style in _DECIMAL):
        score -= 1.0
    # A level skipped: 1. directly under 一、 while （一） is in use elsewhere.
    parent = by_id.get(run.parent)
    prank = parent.rank if parent is not None else -1.0
    if any(prank < r < items[0].rank and r not in (3.0, BRACKET_RANK) for r in used):
        score -= 2.0
    return score


def _circled_titles(
    run: _Run,
    lines: list[Line],
    members: list[int],
    pos: dict[int, int],
    by_id: dict[int, Candidate],
    *,
    appendix: bool,
) -> bool:
    """Whether a run of ①②③ reads as subheadings rather than the list items they usually mark:
    at least two, under a heading, none in notes (注释), after a colon or restarting; each a
    short title alone on its line (no sentence punctuation, 30 characters at most) with a
    stretch of text under it before the next number, the last one too. ①…； clauses, footnotes
    and one-line points with nothing between stay items."""
    items = run.items
    if len(items) < 2 or appendix or run.restart or run.parent not in by_id:
        return False
    first = pos[items[0].i]
    before = members[first - 1] if first > 0 else None
    if before is not None and before not in by_id and lines[before].shadow.rstrip(WS).endswith(("：", ":")):
        return False
    for c in items:
        if c.rest or c.h < 2 or len(c.title) > 30 or re.search(r"[。！？!?；;，,：:、]", c.title):
            return False
    ends = [pos[c.i] for c in items[1:]] + [None]
    for c, end in zip(items, ends, strict=True):
        text = 0
        for j in members[pos[c.i] + 1 : end]:
            if lines[j].marker() is not None or j in by_id:
                break
            text += len(lines[j].shadow.strip(WS))
            if text >= 30:
                break
        if text < 30:
            return False  # each title heads a stretch of text
    return True


def _is_provision(c: Candidate) -> bool:
    """Whether the candidate's first sentence reads as a normative provision rather than a
    title: long enough to be a clause and worded as one (应当, 不得, 的，…, 自…起施行)."""
    return len(c.title) >= _PROVISION_MIN_CHARS and _PROVISION.search(c.title) is not None


# --- levels -------------------------------------------------------------------------------------
def _assign_levels(members: list[int], plan: Plan, base: int) -> None:
    """Level = depth under the part: a heading nests under the last heading of lower rank."""
    stack: list[tuple[float, int]] = []  # (rank, level)
    for i in members:
        c = plan.headings.get(i)
        if c is None or c.style == "attach":
            continue
        rank = c.rank
        while stack and stack[-1][0] >= rank:
            stack.pop()
        level = (stack[-1][1] if stack else base) + 1
        plan.levels[i] = level
        stack.append((rank, level))
