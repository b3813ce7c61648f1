"""Page furniture: banners, breadcrumbs, print controls, editor lines, captions and footers.

A line is furniture by what it says (``版权所有``, ``您的位置：``, ``【打印】``) or, for page dumps that
put every control on a line of its own (``下载`` / ``打印`` / ``【字号：`` / ``加大`` / ``】``), by the
run it stands in: a weak item such as ``大`` or ``|`` counts only next to a strong one. The footer
is everything after the first footer line near the end that is short, furniture, or a repeat of
something said earlier (share widgets repeat the title and the first sentence).
"""

from __future__ import annotations

import re
from collections import Counter

from studykit.document.model import BoilerplateKind

from .common import link_words
from .lines import Line
from .markers import match_marker

_FOLLOW_US = re.compile(
    r"^点击?\s*(上方|下方|上面)?\s*(“[^”]{1,16}”|蓝字|[\u4e00-\u9fff]{0,12}?)\s*(关注|订阅)(我们)?\s*\S{0,8}$")
"""点击上方蓝字关注我们, 点击蓝字 关注我们: a WeChat article's opening line."""
_PATTERNS: tuple[tuple[BoilerplateKind, re.Pattern[str]], ...] = (
    ("banner", re.compile(
        r"^欢迎(您)?(访问|进入|光临|来到).{0,40}(网站|网|平台|门户)|网址\s*[:：]|^(https?://|www\.)\S+$")),
    ("breadcrumb", re.compile(
        r"^(您的|你的|您现在的|你现在的|当前|所在)?(位置|位址)\s*[:：]|^首页\s*[>＞»›/]")),
    ("controls", re.compile(
        r"字[号体]\s*[:：]?\s*[【\[]?\s*(大|中|小)|【\s*(打印|关闭|关闭窗口|收藏|大|中|小|返回顶部|纠错)\s*】"
        r"|^(打印本页|关闭窗口|打印|关闭|返回顶部|收藏本页)(?=$|[\s【\[|｜丨/])|^【\s*$|^分享到")),
    ("editor", re.compile(
        r"^[（(\[【]?\s*(责任编辑|责编|编辑|校对|审核|审校|值班编辑|编审)\s*[:：]"
        r"|^(责任编辑|责编|编辑|校对|审核|审校|值班编辑|编审|初审|复审|终审|美编|排版)\s*[|｜丨]\s*\S.{0,30}$"
        r"|^.{0,20}[（(\[【]\s*(责任编辑|责编)\s*[:：].{0,30}$")),
    ("footer", re.compile(
        r"版权所有|(?i:copyright)|©|ICP\s*(备|证)|公网安备|网站维护|技术支持\s*[:：]|^主办\s*[:：]|主办单位\s*[:：]"
        r"|承办\s*[:：]|^上一篇|^下一篇|^相关(阅读|新闻|链接|报道|文档|附件|稿件)\s*[:：>》]*$|^扫一扫"
        r"|^(联系我们|网站地图|关于我们)"
        r"|^(阅读原文|往期(推荐|回顾|精选)|推荐阅读|END|—\s*END\s*—)$"
        r"|^(分享|收藏|在看|点赞|转发|赞)(?:[ \t\u3000]+(分享|收藏|在看|点赞|转发|赞)){2,}$")),
    ("navigation", _FOLLOW_US),
    ("caption", re.compile(r"^.{0,140}(记者|摄影|通讯员|供图|图/).{0,20}摄\s*$|^.{2,24}作政府工作报告。?$")),
)
_STRONG = re.compile(
    r"^(下载|打印|全屏|收藏|分享|分享到\S{0,4}|分享[:：]|加大|还原|减小|默认|【\s*字[号体]\s*[:：]?|字[号体]\s*[:：]"
    r"|打印本页|关闭|关闭窗口|返回顶部|纠错|首页|阅读量\s*[:：]?|浏览量\s*[:：]?|点击量\s*[:：]?|访问量\s*[:：]?"
    r"|相关(文档|报道|附件|链接|新闻|阅读)\s*[:：>》]*|》》.{0,12}《《|[>＞»›]|[【\[]|[】\]]|[0-9a-f]{16,40}[:：]?)$"
)
_SENTENCE_FURNITURE = ("版权", "©", "opyright", "ICP", "公网安备", "网站维护", "技术支持", "主办", "承办", "摄")
_LINK_ONLY = re.compile(r"^\s*(?:[-*+]\s+|\d{1,2}[.)]\s+)?\[[^\]\n]{1,120}\]\([^)\s]{1,500}\)\s*$")
"""A line that is only a Markdown link (a related-articles list converted from a page)."""
_IMAGE_ONLY = re.compile(r"^\s*!\[[^\]\n]{0,200}\]\([^)\s]{0,500}\)\s*$")
"""A Markdown image alone on its line: its alt text is the photo's caption."""
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?$")
"""The rule under a Markdown table's header row: | --- | --- |."""
_COUNTER = re.compile(r"^[【\[]?\s*(?:浏览|阅读|点击|访问|点阅|阅览)(?:人次|次数|数|量|人数)\s*[:：]\s*\d[\d,]*\s*(?:次)?\s*[】\]]?$")
"""A page's view counter alone on its line: 浏览人次：2861, 【阅读量：1,024】."""
_WEAK = re.compile(r"^(大|中|小|字[号体]|[|｜丨/×]|[【\[]?(大|中|小)[】\]]?)$")
_META_LIKE = re.compile(r"(发布|发表|更新)?(时间|日期)|来源|稿源|作者|浏览|点击|阅读")
_FOOTER_KINDS = ("footer", "editor", "controls", "breadcrumb")
_RULE = re.compile(r"^[ \t\u3000]*([=＝\-－_＿*＊#＃~～·•．.—━─━═+＋]){3,}[ \t\u3000]*$")
"""A line drawn with rule characters (=====, -----, ＿＿＿, ***, ———, ······, ～～～): a separator."""
_MOJIBAKE_CHARS = re.compile("[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
                             "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_MOJIBAKE_LEADS = re.compile("[ÃÂâÅÆ]")
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def is_rule(line: str) -> bool:
    """A separator line (``=====``, ``———``, ``······``): furniture, never text.

    >>> is_rule("——————"), is_rule("……")
    (True, False)
    """
    return _RULE.match(line) is not None


def is_mojibake(line: str) -> bool:
    """UTF-8 read as Windows-1252 or Latin-1 (``Ã©Ã¤Â¸Â­``): no CJK, mostly the characters
    such a misreading makes, led by Ã, Â or â. Noise, never the title or text."""
    chars = [c for c in line if not c.isspace()]
    if len(chars) < 4 or _CJK.search(line):
        return False
    odd = len(_MOJIBAKE_CHARS.findall(line))
    return odd >= 0.5 * len(chars) and len(_MOJIBAKE_LEADS.findall(line)) >= max(2, len(chars) // 8)


def classify(lines: list[Line]) -> list[BoilerplateKind | None]:
    """Furniture kind of every line, or None for lines that may be text."""
    kinds: list[BoilerplateKind | None] = [line_kind(ln.shadow) for ln in lines]
    strong = [kinds[i] is None and _STRONG.match(ln.shadow) is not None for i, ln in enumerate(lines)]
    for i, ln in enumerate(lines):
        if strong[i]:
            kinds[i] = "breadcrumb" if ln.shadow in (">", "＞", "»", "›", "首页") else "controls"
    for i, ln in enumerate(lines):
        if kinds[i] is None and _WEAK.match(ln.shadow) and _near_strong(lines, strong, i):
            kinds[i] = "controls"
    _crumbs(lines, kinds)
    _table_rows(lines, kinds)
    _account_name(lines, kinds)
    _page_furniture(lines, kinds)
    mark_footer(lines, kinds)
    return kinds


_PAGE_NUMBER = re.compile(
    r"^(?:[—–―－\-~～·•]{1,2}[ \t\u3000]*\d{1,4}[ \t\u3000]*[—–―－\-~～·•]{1,2}"
    r"|第[ \t\u3000]*\d{1,4}[ \t\u3000]*页(?:[ \t\u3000]*[,，/／]?[ \t\u3000]*共[ \t\u3000]*\d{1,4}[ \t\u3000]*页)?"
    r"|共[ \t\u3000]*\d{1,4}[ \t\u3000]*页[ \t\u3000]*[,，/／]?[ \t\u3000]*第[ \t\u3000]*\d{1,4}[ \t\u3000]*页)$"
)
"""A page number a PDF left on a line of its own: ``— 1 —``, ``- 3 -``, ``—3—``, ``第 3 页``, ``第3页 共12页``."""
_PAGE_OF = re.compile(r"^(\d{1,4})[ \t\u3000]*[/／][ \t\u3000]*(\d{1,4})$")
"""``3 / 12``: a page number only where two or more such lines share the total."""
RUNNING_MAX = 40
"""A running header or footer is at most this long."""


def is_page_number(s: str) -> bool:
    """A page number on a line of its own (``— 1 —``, ``第 3 页``, ``第3页 共12页``).

    >>> is_page_number("— 12 —"), is_page_number("第3页 共12页"), is_page_number("2024年")
    (True, True, False)
    """
    return _PAGE_NUMBER.match(s.strip()) is not None


def _page_furniture(lines: list[Line], kinds: list[BoilerplateKind | None]) -> None:
    """Page numbers, and the running header or footer a PDF repeats at every page break.

    A running line is a short line that is no sentence (it ends in no punctuation) and stands next
    to a page number two or more times; only those occurrences are furniture, so the same words
    once above the title (a masthead) or inside the text stay what they are. Counted with a
    Counter: linear in the number of lines.
    """
    pages = [kinds[i] is None and is_page_number(ln.shadow) for i, ln in enumerate(lines)]
    totals = Counter(m.group(2) for ln in lines if (m := _PAGE_OF.match(ln.shadow.strip())) is not None)
    for i, ln in enumerate(lines):
        m = _PAGE_OF.match(ln.shadow.strip()) if kinds[i] is None else None
        if m is not None and totals[m.group(2)] >= 2 and int(m.group(1)) <= int(m.group(2)):
            pages[i] = True
    for i, page in enumerate(pages):
        if page:
            kinds[i] = "other"
    n = len(lines)
    at_break: Counter[str] = Counter()
    where: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        s = ln.shadow.strip()
        if kinds[i] is not None or not _running_like(s):
            continue
        if (i > 0 and pages[i - 1]) or (i + 1 < n and pages[i + 1]):
            at_break[s] += 1
            where.setdefault(s, []).append(i)
    for s, count in at_break.items():
        if count >= 2:
            for i in where[s]:
                kinds[i] = "other"


def _running_like(s: str) -> bool:
    """Short, no sentence, no numbering marker: what a running header or footer looks like."""
    return (
        2 <= len(s) <= RUNNING_MAX
        and not re.search(r"[。！？!?；;，,：:、]$", s)
        and match_marker(s) is None
    )


def line_kind(line: str) -> BoilerplateKind | None:
    """Furniture kind of one line by its own words (see the module docstring)."""
    if len(line) > 300:
        return None
    if is_rule(line) or is_mojibake(line) or _TABLE_RULE.match(line):
        return "other"
    if _IMAGE_ONLY.match(line):
        return "caption"  # ![全省科技工作会议在青川召开。](https://…/a1.jpg)
    if _only_controls(line) or _COUNTER.match(line):
        return "controls"  # 打印　关闭, 【字体：大 中 小】 打印 关闭, 浏览人次：2861
    if len(line) > 60 and line.endswith(("。", "！", "？")) and not any(w in line for w in _SENTENCE_FURNITURE):
        return None  # a sentence of running text: only a copyright or ICP note could make it furniture
    visible = link_words(line)  # [首页](https://…) > [新闻](…)
    if len(visible) <= 120 and sum(visible.count(c) for c in ">＞»›") >= 2 and "。" not in visible:
        return "breadcrumb"  # 首页 > 新闻 > 要闻
    if _is_menu(line):
        return "navigation"  # 青禾政务网 | 首页 | 政务公开 | 办事服务
    for kind, pattern in _PATTERNS:
        if pattern.search(line):
            if kind in ("controls", "editor") and _META_LIKE.search(_strip_controls(line)) and (
                kind == "controls" or not line.lstrip("（(【[").startswith(("责任编辑", "责编", "编辑"))
            ):
                return None  # 发布时间：… 来源：… 【打印】【关闭】 is the meta line
            if kind == "banner" and match_marker(line) is not None:
                continue  # 二、报名网址：https://…: a numbered line is text, not the site's banner
            if kind == "footer" and len(line) > 160 and line.endswith("。"):
                continue  # a long sentence that merely mentions copyright
            if kind == "breadcrumb" and ("。" in line or len(line) > 120):
                continue
            return kind
    return None


_CONTROL_WORDS = frozenset({
    "打印", "关闭", "打印本页", "关闭窗口", "收藏", "收藏本页", "分享", "分享到", "返回顶部", "纠错", "下载",
    "字号", "字体", "大", "中", "小", "默认", "加大", "减小", "还原", "保存", "全屏", "打印此页", "返回",
})


def _only_controls(line: str) -> bool:
    """A line made only of page controls (two or more, one not a font size): 打印　关闭."""
    if len(line) > 60:
        return False
    words = [w for w in re.split(r"[\s:：【】\[\]|｜丨/]+", line) if w]
    return (
        len(words) >= 2
        and all(w in _CONTROL_WORDS for w in words)
        and any(w not in ("大", "中", "小") for w in words)
    )


def _is_menu(line: str) -> bool:
    """A site name and menu items separated by bars: three or more short items, no sentence."""
    if "|" not in line and "｜" not in line and "丨" not in line:
        return False
    items = [x.strip() for x in re.split(r"[|｜丨]", line)]
    return (
        len(items) >= 3
        and all(0 < len(x) <= 10 for x in items)
        and not re.search(r"[。，！？；：]", line)
    )


def _cells(line: str) -> int:
    return len(re.findall(r"[|｜丨]", line.strip(" \t\u3000|｜丨"))) + 1 if re.search(r"[|｜丨]", line) else 0


def _table_rows(lines: list[Line], kinds: list[BoilerplateKind | None]) -> None:
    """Lines of a table typed with bars are text, even rows of short cells that look like a menu
    bar (``5 | 建设运维平台 | 县大数据中心 | 每年度``): a run of two or more lines in a row with the
    same number of cells (three or more), one of them not a menu line or the run three lines or
    longer. A site menu is one line, or lines of different lengths."""
    n = len(lines)
    i = 0
    while i < n:
        cells = _cells(lines[i].shadow)
        j = i + 1
        while cells >= 3 and j < n and _cells(lines[j].shadow) == cells and lines[j].gap <= 2:
            j += 1
        if j - i >= 2 and (j - i >= 3 or any(kinds[k] != "navigation" for k in range(i, j))):
            for k in range(i, j):
                if kinds[k] == "navigation":
                    kinds[k] = None
        i = j


def _strip_controls(line: str) -> str:
    return re.sub(r"【[^】]{0,12}】|\[[^\]]{0,12}\]", "", line)


def _near_strong(lines: list[Line], strong: list[bool], i: int) -> bool:
    """A weak item (大, |) in a run of short lines that holds a strong one (【字号：)."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and len(lines[j].text) <= 8 and abs(j - i) <= 5:
            if strong[j]:
                return True
            j += step
    return False


def _crumbs(lines: list[Line], kinds: list[BoilerplateKind | None]) -> None:
    """A breadcrumb laid out one item a line: 首页 / > / 政务信息 / > / 要闻."""
    for i in range(1, len(lines) - 1):
        if kinds[i] is None and kinds[i - 1] == "breadcrumb" and len(lines[i].text) <= 12 and (
            lines[i - 1].shadow in (">", "＞", "»", "›", "首页")
            or (kinds[i + 1] == "breadcrumb" and lines[i + 1].shadow in (">", "＞", "»", "›"))
        ) and not re.search(r"[。，！？；：:]", lines[i].text):
            kinds[i] = "breadcrumb"


def _account_name(lines: list[Line], kinds: list[BoilerplateKind | None]) -> None:
    """The account's name right under 点击上方蓝字关注我们 (安澜发布): navigation, not a title."""
    for i in range(min(len(lines) - 1, 5)):
        if kinds[i] == "navigation" and _FOLLOW_US.search(lines[i].shadow) and kinds[i + 1] is None:
            s = lines[i + 1].shadow.strip()
            if 2 <= len(s) <= 16 and not re.search(r"[。，！？；：:,!?\d]", s):
                kinds[i + 1] = "navigation"


def mark_footer(lines: list[Line], kinds: list[BoilerplateKind | None]) -> None:
    """Everything after the first footer line near the end is footer, while what follows it is
    furniture, short, or repeats an earlier line."""
    n = len(lines)
    lo = max(0, n - 40)
    first_seen: dict[str, int] = {}
    for k, ln in enumerate(lines):
        if len(ln.shadow) >= 12:
            first_seen.setdefault(ln.shadow[:12], k)
    first = None
    for i in range(n - 1, lo - 1, -1):
        ln = lines[i]
        if kinds[i] in _FOOTER_KINDS or kinds[i] == "caption":
            if kinds[i] in _FOOTER_KINDS:
                first = i
            continue
        if kinds[i] is None and (len(ln.text) <= 40 and not ln.text.endswith(("。", "！", "？"))):
            continue
        if kinds[i] is None and _LINK_ONLY.match(ln.text):
            continue  # - [相关新闻标题](https://…): a link list under 相关阅读
        if kinds[i] is None and _repeats(ln.shadow, first_seen, i):
            continue
        if kinds[i] is None and (len(ln.text) > 60 or ln.text.endswith(("。", "！", "？"))):
            break
    if first is None:
        return
    # Print controls alone close the page only when nothing but short lines follows.
    if (
        kinds[first] == "controls"
        and not any(k in ("footer", "editor") for k in kinds[first:])
        and any(kinds[j] is None and len(lines[j].text) > 40 for j in range(first, n))
    ):
        return
    for i in range(first, n):
        if kinds[i] is None:
            kinds[i] = "footer"


def _repeats(s: str, first_seen: dict[str, int], i: int) -> bool:
    """Whether ``s`` (line ``i``) repeats the opening of an earlier line, possibly after a short
    prefix such as a salutation, as share widgets do with the title and the first sentence."""
    return any(first_seen.get(s[j : j + 12], i) < i for j in range(0, min(8, len(s) - 11)))
