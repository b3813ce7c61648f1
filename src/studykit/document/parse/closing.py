"""The closing block of an official document: 落款 (issuing body), its date, a note such as
（此件公开发布）, the list of attachments (附件：1.…), the distribution list (抄送：…) and the
attendance list that ends a 纪要 (出席：… 列席：…).

A closing block is anchored on a date line: a date standing alone that follows the issuing
body's name, precedes a publication note, or ends the document (or its main part, before the
attachments). From the anchor it grows up over the issuing bodies (two or three for a joint
notice) and the 附件 list above them, and down over notes and the distribution lines. A
publication note anywhere in the body is a closing line too, and so are the distribution lines
(抄送：…, …印发) that end the document after its attachments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from studykit.document.model import ClosingKind

from .common import DATE_ONLY_RE, END_PUNCT, NAME_CHARS, WS, is_english_line
from .lines import Line
from .markers import match_marker

_NOTE = re.compile(r"^[（(]\s*此件[^）)]{1,12}[）)]$|^[（(]\s*(本文|此文)[^）)]{0,6}(公开|发布)[^）)]{0,6}[）)]$")
_ORG_END = re.compile(
    r"(人民政府|政府|委员会|常委会|办公厅|办公室|党委|党组|政协|人大|局|部|院|厅|委|会|中心|处|署|司|公司|集团"
    r"|学校|大学|学院|法院|检察院|小组|总队|支队|队|所|站|社|协会|联合会|分会|组|指挥部|领导小组)$"
)
_NAME = re.compile(rf"^[{NAME_CHARS}·]{{2,4}}$")
_PAREN_NOTE = re.compile(r"^[（(][^（()）]{1,16}[）)]$")
"""Right under the date, any short note in brackets: （本文有删减）, （完）."""
_END_MARK = re.compile(r"^(?:[（(]\s*(?:完|全文完|全文结束)\s*[）)]|完|全文完)$")
"""（完）, or 完 alone: the end mark of a news story or press release."""
_CLOCK_LINE = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}时间\s*)?(?:[01]?\d|2[0-3])\s*(?:时\s*[0-5]\d\s*分|[:：][0-5]\d)$")
"""香港时间18时30分, 北京时间 09:30: the clock time under a press release's date."""
_WEEKDAY = r"(?:\s*[（(]?\s*(?:星期|礼拜|周)[一二三四五六日天]\s*[）)]?)?"
_ATTACH_LIST = re.compile(r"^附\s*件\s*[:：]|^附\s*件\s*\d{0,2}\s*[:：]?\s*\S.{0,60}$")
_LIST_ITEM = re.compile(r"^\d{1,2}\s*[.．、]\s*\S")
_CONTACT = re.compile(
    r"^(联\s*系\s*人|联系电话|联系方式|咨询电话|办公电话|电\s*话|手\s*机|传\s*真|电子邮箱|邮\s*箱|电子信箱|通讯地址|地\s*址|邮\s*编)"
    r"\s*[:：]\s*\S.{0,60}$"
)
"""Under the date of a letter or notice: 联系人：…, 联系电话：… — a note of the closing block."""
_BRACKETED = re.compile(r"^[（(]\s*(.{2,80}?)\s*[）)]$")


def _is_contact(t: str) -> bool:
    """联系人：…, or the same in brackets: （联系人：赵某某，联系电话：…）."""
    m = _BRACKETED.match(t)
    return _CONTACT.match(m.group(1) if m else t) is not None

_TRAILER = re.compile(
    r"^[（(]?\s*(?:来源|稿源|出处|浏览|阅读|点击|访问|点阅|更新|发布)[^：:]{0,6}[：:].{0,60}$"
)
"""What may follow the last line of a text on a page: （来源：…）, 浏览人次：2861, 更新日期：…."""
_ATTENDANCE = re.compile(
    r"^(出\s*席|列\s*席|请\s*假|缺\s*席|记\s*录|记录人|主\s*持|参会人员|参加人员|出席人员|列席人员|参加|参会单位)"
    r"\s*[:：]\s*\S.{0,200}$"
)
"""The attendance list of a 纪要 at its end: 出席：周某　陈某, 列席：市财政局…, 请假：…, 记录：…."""
_DISTRIBUTION = re.compile(r"^(抄送|抄报|主送|分送|发送)\s*[:：]|印发$|印发\s*$")


def find_closing(lines: list[Line], body: Sequence[int], *, part_starts: Sequence[int] = ()) -> dict[int, ClosingKind]:
    """Line index → closing kind for the closing lines among ``body``."""
    out: dict[int, ClosingKind] = {}
    if not body:
        return out
    ends = {body[-1]}
    starts = set(part_starts)
    for k in range(1, len(body)):
        if body[k] in starts:
            ends.add(body[k - 1])
    for k, i in enumerate(body):
        s = lines[i].shadow.strip(WS)
        if _NOTE.match(s):
            out[i] = "note"
            continue
        if not _is_date(s):
            continue
        signed = k > 0 and (_is_signature(lines[body[k - 1]].shadow)
                            or _is_english_signature(lines[body[k - 1]].shadow.strip(WS)))
        noted = k + 1 < len(body) and _NOTE.match(lines[body[k + 1]].shadow.strip(WS)) is not None
        clocked = k + 1 < len(body) and body[k + 1] in ends and _CLOCK_LINE.match(
            lines[body[k + 1]].shadow.strip(WS)) is not None
        if not (signed or noted or clocked or i in ends):
            continue
        out[i] = "date"
        if clocked:
            out[body[k + 1]] = "date"  # 2025年3月12日（星期三） / 香港时间18时30分
        if k > 0 and _END_MARK.match(lines[body[k - 1]].shadow.strip(WS)):
            out[body[k - 1]] = "note"  # 完 above the date of a press release
        j = k - 1
        while j >= 0 and k - j <= 4 and (_is_signature(lines[body[j]].shadow)
                                         or _is_english_signature(lines[body[j]].shadow.strip(WS))):
            out[body[j]] = "signature"
            j -= 1
        # The attachment list right above the signature: 附件：1.…  2.…
        top = j
        while top >= 0 and j - top < 30 and (
            _LIST_ITEM.match(lines[body[top]].shadow) or _ATTACH_LIST.match(lines[body[top]].shadow)
        ):
            top -= 1
        if top < j and any(_ATTACH_LIST.match(lines[body[x]].shadow) for x in range(top + 1, j + 1)):
            first = next(x for x in range(top + 1, j + 1) if _ATTACH_LIST.match(lines[body[x]].shadow))
            for x in range(first, j + 1):
                out[body[x]] = "attachments"
        x = k + 1
        while x < len(body):
            t = lines[body[x]].shadow.strip(WS)
            if _NOTE.match(t) or (x == k + 1 and _PAREN_NOTE.match(t)):
                out[body[x]] = "note"
            elif x == k + 1 and _EN_DATE.match(t):
                out[body[x]] = "date"  # June 10, 2025 under 2025年6月10日
            elif _DISTRIBUTION.search(t):
                out[body[x]] = "distribution"
            elif _is_contact(t):
                out[body[x]] = "note"
            elif _ATTACH_LIST.match(t) and _attachments_below(lines, body, x):
                # 附件： under the date, then its list (1.… 2.…) until the next closing line
                out[body[x]] = "attachments"
                while x + 1 < len(body) and _LIST_ITEM.match(lines[body[x + 1]].shadow.strip(WS)):
                    x += 1
                    out[body[x]] = "attachments"
            else:
                break
            x += 1
    # （完）: the end mark of a news story, on the last line of the text.
    if body[-1] not in out and _END_MARK.match(lines[body[-1]].shadow.strip(WS)):
        out[body[-1]] = "note"
    # The 版记 at the very end (抄送：… / …办公室　2024年3月29日印发), even after attachment bodies.
    x = len(body) - 1
    while x >= 0 and body[x] not in out and _DISTRIBUTION.search(lines[body[x]].shadow.strip(WS)):
        out[body[x]] = "distribution"
        x -= 1
    # A one-line reference to an attachment that ends the text (附件：…管理办法), with nothing
    # under it but trailing notes or page counters: a closing line, not the start of a part.
    y = len(body) - 1
    while y >= 0 and body[y] not in out and _TRAILER.match(lines[body[y]].shadow.strip(WS)):
        y -= 1
    if (
        y >= 1 and body[y] not in out and _ATTACH_LIST.match(lines[body[y]].shadow.strip(WS))
        and re.search(r"[:：]\s*\S", lines[body[y]].shadow) and body[y - 1] not in out
    ):
        out[body[y]] = "attachments"
    # The attendance list that ends a 纪要 (出席：… 列席：… 请假：… 记录：…), above its 版记 or last.
    while x >= 0 and body[x] in out:
        x -= 1
    while x >= 0 and body[x] not in out and _ATTENDANCE.match(lines[body[x]].shadow.strip(WS)):
        out[body[x]] = "attendance"
        x -= 1
    return out


def is_trailer(s: str) -> bool:
    """A line that may follow the last line of a text on a page (see :data:`_TRAILER`)."""
    return _TRAILER.match(s.strip(WS)) is not None


def _attachments_below(lines: list[Line], body: Sequence[int], x: int) -> bool:
    """``附件：…`` under the date lists the attachments when list items (1.…), another closing
    line or the end of the text follow it; followed by text it opens the attachment itself."""
    if x + 1 >= len(body):
        return True
    t = lines[body[x + 1]].shadow.strip(WS)
    return bool(_LIST_ITEM.match(t) or _CONTACT.match(t) or _DISTRIBUTION.search(t) or _NOTE.match(t))


_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)"
_EN_DATE = re.compile(rf"^(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}})$")
"""The English date under the Chinese one of a bilingual notice: June 10, 2025 / 10 June 2025."""


def _is_date(s: str) -> bool:
    """A date alone on its line, also with its weekday: 2025年3月12日（星期三）."""
    s = re.sub(_WEEKDAY + "$", "", s) if s.endswith(("）", ")", *"一二三四五六日天")) else s
    return bool(DATE_ONLY_RE.match(s)) or bool(re.match(r"^[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]?$", s))


def _is_english_signature(s: str) -> bool:
    """The issuing body in English under its Chinese name: Qinghe Municipal People's Government."""
    words = s.split()
    return (
        is_english_line(s) and len(s) <= 100 and not re.search(r"[.,;:!?]$|[，。；：]", s)
        and sum(1 for w in words if w[:1].isupper()) >= 0.6 * len(words)
    )


def _is_signature(s: str) -> bool:
    s = s.strip(WS)
    if not (2 <= len(s) <= 40) or s.endswith(tuple(END_PUNCT + "，,：:")) or match_marker(s) is not None:
        return False
    if re.search(r"[，,。；;：:“”]", s):
        return False
    return bool(_ORG_END.search(s)) or bool(_NAME.match(s))
