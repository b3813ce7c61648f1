"""The title block: title, subtitle, dateline, speaker, meta and byline at the top.

Choosing the title is a scored decision over the first lines that are not furniture: a line
scores for being short and unpunctuated, for naming a document kind (报告, 通知, 条例…), for
being followed by a subtitle, dateline, speaker or meta line, and for coming early; it loses
for ending a sentence, opening with a numbering marker, or being a caption. The best line
above a threshold is the title. Lines above it are meta when they say so and furniture
otherwise (a site name, a column name, a repeated headline). From the title on, the block
runs while lines are subtitle, dateline, speaker, meta, byline or caption lines.

Meta comes as ``key：value`` on one line, as a key on its own line followed by its value (page
dumps, gov.cn's info table), or as a date line. :func:`parse_meta` maps the keys: 来源/发文机关
→ source, 作者 → author, 成文日期 → the document's own date, 时间/发布日期 → the page date,
发文字号 → document number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studykit.document.model import BoilerplateKind, Meta, TitleBlockKind, TitleLine

from .common import (
    CN,
    END_PUNCT,
    NAME_CHARS,
    ROC_DATE,
    WS,
    YEAR_CN,
    find_date,
    find_time,
    is_english_line,
    link_words,
)
from .lines import Line
from .markers import match_marker

ZONE = 16
"""The title is looked for among this many lines that are not furniture."""

_META_KEYS = (
    r"发布时间|发表时间|发布日期|更新时间|成文日期|印发日期|施行日期|生效日期|时间|日期|来源|稿源|出处"
    r"|作者|浏览次数|浏览量|浏览|访问量|访问次数|点击数|点击量|点击次数|点击|阅读数|阅读量|阅读次数|索引号|主题分类|分类|主题词|发文机关"
    r"|发布机构|发布单位|发文字号|文号|公文种类|标题|信息来源|文章来源|新闻联系人|联系人|联络人|联系电话|联络电话"
)
_CONTACT_KEYS = frozenset({"新闻联系人", "联系人", "联络人", "联系电话", "联络电话"})
_META_KEY_RE = re.compile(rf"(?<![\u4e00-\u9fff])({_META_KEYS})\s*[:：]\s*")
_KEY_ONLY = re.compile(rf"^[【\[]?\s*({_META_KEYS})\s*[:：]\s*[】\]]?$")
_SPACED_KEY = re.compile(r"^([\u4e00-\u9fff])(?:[ \u3000\xa0]+([\u4e00-\u9fff])){1,3}[ \u3000\xa0]*[:：]")
_SOURCE_KEYS = ("来源", "稿源", "出处", "信息来源", "文章来源", "发文机关", "发布机构", "发布单位")
_PAPER_RE = re.compile(r"^《\s*([^》]{2,20}?)\s*》\s*[（(][^）)]*\d{4}[^）)]*[）)]$")
_BARE_KEY_TAIL = re.compile(r"[ \t\u3000\xa0]+[\u4e00-\u9fff]{1,6}\s*[:：]\s*$")
_VALUE_END_RE = re.compile(r"\s{2,}|\u3000|【|\[|\||｜|丨")
_BYLINE_RE = re.compile(
    r"^[（(]?\s*(作者系|作者单位|作者\s*[:：]|文\s*[/｜|丨:：]|撰文\s*[:：]|本报(特约)?(记者|评论员|通讯员)"
    r"|记者|通讯员|特约评论员|评论员|[\u4e00-\u9fff]{1,10}(日报|晚报|时报|报|网|台|社)(特约)?评论员$)"
)
_HAN = NAME_CHARS
_NAME = r"[\u4e00-\u9fff](?:[ \u3000]{0,3}[\u4e00-\u9fff·]){1,9}"
_NAME_RE = re.compile(
    r"^(?!(?:目\s*录|目\s*次|前\s*言|序\s*言|引\s*言|摘\s*要|附\s*件|说\s*明|导\s*语|按\s*语|编者按|注\s*释|正\s*文|全\s*文|结\s*语)$)"
    rf"(?:[{_HAN}·]{{2,4}}|[{_HAN}](?:[ \u3000]{{1,3}}[{_HAN}]){{1,2}})$"
)
_SUBTITLE_RE = re.compile(r"^(——|—|──|－－|--|-{1,2}|~|――|―|－)")
_DATE = rf"(?:{ROC_DATE}|\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|[{YEAR_CN}]{{4}}\s*年\s*[{CN}]{{1,3}}\s*月\s*[{CN}]{{1,3}}\s*日)"
_LAW_ACT = r"(?:通过|批准|修正|修订|公布|施行|发布|印发)"
_DATELINE_RE = re.compile(
    rf"^[（(]\s*{_DATE}[^（()）]{{0,60}}[）)]$"
    # A law's history: adopted, approved, amended — each with its date, however many.
    rf"|^[（(]\s*{_DATE}(?:[^（()）]|[（(][^（()）]{{0,30}}[）)]){{0,600}}?{_LAW_ACT}[^（()）]{{0,40}}[）)]$"
    rf"|^{_DATE}$"
    # A white paper's or report's month under its title and issuer: 2025年5月, 二〇二五年五月.
    rf"|^(?:\d{{4}}\s*年\s*\d{{1,2}}|[{YEAR_CN}]{{4}}\s*年\s*[{CN}]{{1,2}})\s*月$"
    rf"|^{_DATE}\s*(在|于).{{2,60}}(上|会议|大会)([ \u3000]+[^，。；：:]{{2,24}})?$"
    r"|^(?:(?:新华社|中新社|中新网|人民网|央视网|本报)\S{0,10}?\d{1,2}月\d{1,2}日(?:电|讯)|本报讯|本网讯)"
    r"(?:[（(]记者[^）)]{1,30}[）)])?$"
)
_MEETING_DATE_RE = re.compile(rf"^[^。！？]{{2,40}}[，,、\s]+{_DATE}$")
_ROLE = r"(?:长|主席|总理|书记|主任|委员|组长|专员|教授|研究员|司令员|政委|理事|代表|负责人|发言人)"
_REPORTERS = re.compile(r"[（(]\s*(?:本报|本台|本网)?记者[\s\u3000]*([^（()）]{2,40})[）)]")
"""The reporters a news agency dateline names: 新华社北京3月5日电（记者 王晓明 李悦）."""
_SPEAKER_RE = re.compile(
    rf"^[\u4e00-\u9fff、·，,（）()]{{0,40}}{_ROLE}[ \u3000]+"
    rf"(?P<name>[{_HAN}](?:[ \u3000]{{0,3}}[{_HAN}]){{1,3}}|[{_HAN}]{{1,6}}·[{_HAN}·]{{1,10}})$"
)
"""A role and a name: 国务院总理　李强, 上海市市长 龚 正, 自治区主席 艾尔肯·吐尼亚孜."""
_SUB_CONT_RE = re.compile(r"(上|上的讲话|上的报告|上的发言|上的致辞|讲话|报告|致辞|发言)[）)]?$")
_TITLE_WORDS = re.compile(
    r"报告|讲话|通知|意见|决定|办法|条例|规定|方案|公报|决议|纲要|规划|细则|通告|公告|批复|纪要|致辞|发言"
    r"|宣言|章程|指南|白皮书|关于|政策|措施|计划|要点|总结|说明|答记者问|评论|社论|预算案|演辞|演词|演说"
)
_COLUMN_PREFIX = re.compile(
    r"^(授权发布|受权发布|图解|图表|视频|独家|快讯|权威发布|重磅|热点|解读|专题|速览|一图读懂)\s*[：:｜|丨]\s*"
)
_COLUMN_LABEL = re.compile(r"^(新闻公报|新闻稿|新闻通稿|通稿|新闻发布|政府新闻稿|新闻公告)$")
"""A column label alone on the first line of a press release (新聞公報, 新闻稿)."""
_LAW_INFO = re.compile(rf"^{_DATE}\s*.{{2,120}}(通过|批准|修正|修订|公布|发布|施行|印发|废止)")
_PUBLISH_WORDS = re.compile(r"公布|发布|印发")
_CAPTION = re.compile(r"(记者|摄影|通讯员|供图).{0,20}摄\s*$|^.{2,24}作政府工作报告。?$")
_DOC_NUMBER = re.compile(
    r"^[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d{1,5}\s*号$"
    r"|^[（(]?(?:[\u4e00-\u9fff]{0,12}[〔\[［(（]?\d{4}\s*[〕\]］)）年]?\s*)?(?:总\s*)?第\s*[0-9一二三四五六七八九十百〇零]{1,5}\s*期"
    r"(?:\s*[（(]?\s*总第\s*\d{1,5}\s*期\s*[）)]?)?[）)]?$"
)
"""A document number under or above the title: 国办发〔2024〕25号; or the issue number of a 纪要,
简报 or 工作动态: 〔2025〕第12期, 2025年第3期, 第12期（总第345期）."""
_PARENS_ONLY = re.compile(r"^[（(].*[）)]$")
_ORG_RE = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,24}(人民政府|政府|委员会|常委会|办公厅|办公室|党委|局|厅|委|院|部|署|中心|协会|联合会)$"
)
"""An issuing body on its own line: 东川省统计局."""
_ORG_WORD = (
    r"[\u4e00-\u9fff（）()]{2,24}(?:人民政府|政府|委员会|常委会|办公厅|办公室|党委|局|厅|委|院|部|署|中心|协会"
    r"|联合会|课题组|研究组|调研组|调查组|写作组|研究院|研究所|大学|学院|研究中心)"
)
_ONE_AUTHOR_RE = re.compile(rf"^{_ORG_WORD}$")
_WRITING_GROUP = re.compile(r"(?:课题|研究|调研|调查|写作)组$")
"""One issuing or writing body: 东川省统计局, 安澜县委农办调研组, 南屏大学经济管理学院课题组."""
_AUTHORS_RE = re.compile(rf"^{_ORG_WORD}(?:[ \u3000、]+{_ORG_WORD}){{1,4}}$")
"""Authors set apart by wide spaces: 安澜县商务局　南屏大学经济管理学院课题组."""
_OFFICE_NAME_RE = re.compile(
    rf"^[\u4e00-\u9fff（）()·]{{2,16}}[ \u3000]+(?P<name>[{_HAN}]{{2,4}}|[{_HAN}](?:[ \u3000]{{1,3}}[{_HAN}]){{1,2}})$"
)
"""An office and a name beside the title or dateline, whatever the office: 行政长官　何嘉明,
首席执行官 王 某, 总干事　李某某."""
_SPEECH_TITLE = re.compile(r"^在.{2,60}(上|会议|大会|仪式|典礼|论坛)的(讲话|致辞|致词|报告|发言|演讲|主旨演讲)$")
"""在…上的讲话: the title of a speech."""
_RED_HEADER = re.compile(
    r"^(?P<org>[\u4e00-\u9fff（）()]{2,24}(?:人民政府|政府|委员会|常委会|办公厅|办公室|党委|局|厅|委|院|部|署|中心))"
    r"(?:[ \u3000]+[\u4e00-\u9fff（）()]{2,24}){0,3}[ \u3000]*文[ \u3000]*件$"
)
"""The masthead of an official document (版头, printed in red): 东川省人民政府办公厅文件."""
_DECREE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}令$")
_DECREE_NO = re.compile(r"^[（(]?\s*第\s*(?:\d{1,5}|[〇零一二三四五六七八九十百千]{1,8})\s*号\s*[）)]?$")
_ORDER_NO = re.compile(r"(?:日|[（(\s\u3000])\s*([\u4e00-\u9fff]{1,20}令\s*第\s*\d{1,5}\s*号)")
_ANNEX = re.compile(r"^附\s*[:：]?$")
_TITLE_END_WORD = re.compile(r"(报告|讲话|通知|意见|决定|办法|条例|规定|方案|公报|决议|纲要|规划|细则|通告|公告|批复|纪要|致辞|预算案|演辞|演词|演说)$")
_CONTINUES_TITLE = re.compile(r"^(与|和|及|暨|以及|的|《)")
_TOC = re.compile(r"^(目[ \u3000]*录|目[ \u3000]*次)$")
"""A table of contents opens here: never the title."""
_SLOGAN = re.compile(r"^[\u4e00-\u9fff“”]{2,12}[ \u3000]+[\u4e00-\u9fff“”]{2,12}$")
"""Two phrases set apart by a wide space: the first line of a two-line report title."""
_SLOGAN_SUB = re.compile(r"^[\u4e00-\u9fff“”]{4,10}(?:[ \u3000]+[\u4e00-\u9fff“”]{4,10}){1,4}$")
"""Phrases of four or more characters set apart by wide spaces: a slogan under a report's title
(深化改革　惠民兴业　共建繁荣), a subtitle without its dash."""


@dataclass(slots=True)
class MetaFacts:
    """Meta found so far, before the document's own date and the page date are reconciled."""

    own_date: str | None = None
    page_date: str | None = None
    time: str | None = None
    source: str | None = None
    author: str | None = None
    doc_number: str | None = None
    declared_title: str | None = None
    published: str | None = None

    def to_meta(self) -> Meta:
        """The document's own date wins ``date``; the page date is ``published`` beside it."""
        date = self.own_date or self.page_date
        published = self.published or (self.page_date if self.own_date else None)
        return Meta(date, self.time, self.source, self.author, published, self.doc_number)


@dataclass(slots=True)
class TitleBlock:
    """The decision: which lines form the title block and what they say."""

    entries: list[TitleLine] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)  # line indices inside ``entries``
    furniture: dict[int, BoilerplateKind] = field(default_factory=dict)
    body_from: int = 0
    title: str | None = None
    byline: str | None = None
    facts: MetaFacts = field(default_factory=MetaFacts)


def is_meta_line(s: str) -> bool:
    """A line of publication facts: 时间：… 来源：…, a dated newspaper header, a bare date."""
    if len(s) > 120 or s.endswith("。"):
        return False
    if _PAPER_RE.match(s) or _PAPER_LINE.match(s) or _KEY_ONLY.match(s) or (_SPACED_KEY.match(s) and _is_spaced_key(s)):
        return True
    keys = _META_KEY_RE.findall(s)
    if keys and (
        len(keys) >= 2 or find_date(s) or keys[0] in _SOURCE_KEYS or _META_KEY_RE.match(s)
    ):
        return True
    if _LAW_INFO.match(s) and not s.endswith(tuple(END_PUNCT)):
        return True
    from .common import DATE_RE

    return bool(DATE_RE.match(s) and len(s) < 60 and not re.search(r"[，,。]", s))


def _is_spaced_key(s: str) -> bool:
    """索 引 号： — gov.cn spaces out short keys."""
    m = _SPACED_KEY.match(s)
    return m is not None and _META_KEY_RE.match(re.sub(r"[ \u3000\xa0]", "", s[: m.end()])) is not None


def may_be_byline(s: str) -> bool:
    """A cheap test before :func:`title_kind` for lines deep in the body."""
    return _BYLINE_RE.match(s) is not None


def title_kind(s: str) -> TitleBlockKind | None:
    """Kind of a title-block line other than the title and meta, or None."""
    if match_marker(s) is not None:
        return None
    if _BYLINE_RE.match(s) and len(s) <= 100 and not re.search(r"[。！？]", s) and s.count("，") <= 1:
        return "byline"  # 本报记者 某某, （作者系…）: not a sentence that opens with 记者
    if _SUBTITLE_RE.match(s) and len(s) <= 100 and not s.endswith("。"):
        return "subtitle"
    if _DATELINE_RE.match(s) or (
        _MEETING_DATE_RE.match(s) and len(s) <= 60 and not _META_KEY_RE.search(s)
    ):
        return "dateline"
    if _SPEAKER_RE.match(s) and len(s) <= 40:
        return "speaker"
    return None


def looks_like_title(s: str) -> bool:
    return (
        1 <= len(s) <= 80
        and not _TOC.match(s)
        and not s.endswith(tuple(END_PUNCT + "，,：:"))
        and match_marker(s) is None
        and not _BYLINE_RE.match(s)
        and not _CAPTION.search(s)
    )


def decide(
    text: str,
    lines: list[Line],
    kinds: list[BoilerplateKind | None],
    *,
    declared_title: tuple[int, int] | None = None,
    declared: dict[str, str] | None = None,
) -> TitleBlock:
    """Decide the title block (see the module docstring)."""
    block = TitleBlock()
    facts = block.facts
    declared = declared or {}
    _apply_declared(facts, declared)
    idx = [i for i, k in enumerate(kinds) if k is None][: ZONE * 2]
    if not idx:
        block.body_from = len(lines)
        return block
    idx = idx[_decree(text, lines, idx, block) :]
    if not idx:
        block.body_from = len(lines)
        return block
    title_at = _choose_title(lines, kinds, idx, declared_title, declared)
    pos = 0
    if title_at is not None:
        # Lines above the title: meta lines stay meta, anything else is page furniture.
        while pos < len(idx) and idx[pos] < title_at:
            i = idx[pos]
            step = _take_meta(text, lines, idx, pos, block, stop=title_at)
            if step:
                pos += step
                continue
            if _masthead(lines, i, block):
                pos += 1
                continue
            if _newspaper(lines, idx, pos, block):
                pos += 1
                continue
            block.furniture[i] = "caption" if _CAPTION.search(lines[i].shadow) else "navigation"
            pos += 1
        first = _wrapped_title_start(lines, idx, pos)
        if first != pos and idx[first] in block.consumed:
            first = pos  # the line above is a meta value, not the start of the title
        if _issuer_above(lines, idx, first, block):
            first -= 1  # 东川省人民政府办公室 / 关于印发…的通知: the issuer opens the title
        if first != pos:  # a title wrapped over two lines: the lines above belong to it
            for j in idx[first:pos]:
                block.furniture.pop(j, None)
            block.entries = [e for e in block.entries if e.start < lines[idx[first]].start]
        if _wrapped_title_tail(lines, idx, pos):
            pos += 1  # 青禾市人民政府关于印发青禾市2025年 / 为民办实事项目安排的通知
            title_at = idx[pos]
        a, b = lines[idx[first]], lines[title_at]
        block.entries.append(TitleLine(a.start, b.end, text[a.start : b.end], "title"))
        block.consumed.update(idx[first : pos + 1])
        joined = join_title([lines[j].text.strip(WS) for j in idx[first : pos + 1]])
        block.title = declared.get("title") or _strip_column(joined)
        if first == pos and (key := _TABLE_TITLE.match(lines[title_at].shadow.strip(WS))):
            block.title = lines[title_at].text.strip(WS)[key.start(1) :]  # 標題：… → …
        pos += 1
    else:
        # No title: meta and byline lines at the very top still form the block.
        block.title = declared.get("title")
    # A title declared in front matter heads the text as a title line would.
    has_title = title_at is not None or bool(declared.get("title"))
    pos = _extend(text, lines, idx, pos, block, has_title=has_title)
    block.body_from = idx[pos] if pos < len(idx) else _after(idx, len(lines))
    return block


def _decree(text: str, lines: list[Line], idx: list[int], block: TitleBlock) -> int:
    """The order that promulgates a law or regulation, above its title (国务院令 / 第812号 /
    《…》已经…通过，现予公布 / 总理　李强 / 2025年7月2日 [/ 附：]): its lines are title-block
    lines (the order and its number meta, the signer the speaker, the date the dateline) and
    the regulation's own title follows. Returns how many lines of ``idx`` it used (0: none)."""
    if len(idx) < 4 or not _DECREE.match(lines[idx[0]].shadow.strip(WS)):
        return 0
    if not _DECREE_NO.match(lines[idx[1]].shadow.strip(WS)):
        return 0
    entries: list[tuple[int, TitleBlockKind]] = [(idx[0], "meta"), (idx[1], "meta")]
    pos = 2
    while pos < len(idx) and pos < 6 and re.search(r"公布|施行|发布|通过", lines[idx[pos]].shadow):
        if _SPEAKER_RE.match(lines[idx[pos]].shadow.strip(WS)):
            break
        entries.append((idx[pos], "meta"))  # 《…》已经…通过，现予公布，自…起施行。
        pos += 1
    if pos == 2 or pos + 1 >= len(idx):
        return 0
    signer, date = lines[idx[pos]].shadow.strip(WS), lines[idx[pos + 1]].shadow.strip(WS)
    if not (_SPEAKER_RE.match(signer) or _NAME_RE.match(signer)) or not _DATELINE_RE.match(date):
        return 0
    entries += [(idx[pos], "speaker"), (idx[pos + 1], "dateline")]
    pos += 2
    for i, kind in entries:
        ln = lines[i]
        block.entries.append(TitleLine(ln.start, ln.end, text[ln.start : ln.end], kind))
        block.consumed.add(i)
        if kind != "meta":
            _record(kind, ln, block)
    first, number = lines[idx[0]].text.strip(WS), lines[idx[1]].text.strip(WS)
    block.facts.doc_number = block.facts.doc_number or first + number.strip("（）()")
    if pos < len(idx) and _ANNEX.match(lines[idx[pos]].shadow.strip(WS)):
        block.furniture[idx[pos]] = "other"  # 附： the regulation follows
        pos += 1
    return pos


def _is_masthead(lines: list[Line], idx: list[int], pos: int) -> bool:
    """The masthead of an official document: 东川省人民政府文件, or the issuing body alone with
    the document number right below it (东川省教育厅 / 东教发〔2025〕3号)."""
    s = lines[idx[pos]].shadow.strip(WS)
    if _RED_HEADER.match(s):
        return True
    nxt = idx[pos + 1] if pos + 1 < len(idx) else None
    return (
        _ORG_RE.match(s) is not None
        and nxt == idx[pos] + 1
        and _DOC_NUMBER.match(lines[nxt].shadow.strip(WS)) is not None
    )


def _masthead(lines: list[Line], i: int, block: TitleBlock) -> bool:
    """Record a masthead (东川省人民政府文件) or a document number (东政发〔2025〕3号) above the
    title as meta: the issuing body is the source, the number the document's number."""
    ln = lines[i]
    s = ln.shadow.strip(WS)
    if m := _RED_HEADER.match(s):
        block.facts.source = block.facts.source or ln.text.strip(WS)[: m.end("org")]
    elif _ORG_RE.match(s) and i + 1 < len(lines) and _DOC_NUMBER.match(lines[i + 1].shadow.strip(WS)):
        block.facts.source = block.facts.source or ln.text.strip(WS)
    elif _DOC_NUMBER.match(s):
        block.facts.doc_number = block.facts.doc_number or ln.text.strip(WS)
    else:
        return False
    block.entries.append(TitleLine(ln.start, ln.end, ln.text, "meta"))
    block.consumed.add(i)
    return True


_PAPER = r"[\u4e00-\u9fff]{2,12}(?:日报|晚报|时报|商报|早报|报)"
"""A newspaper's name: 东川日报, 青禾晚报."""
_ISSUE_DATE = rf"(?:{_DATE}|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}})"
"""The date of a newspaper's issue: 2025年03月06日, 2025-03-06."""
_PAPER_LINE = re.compile(
    rf"^({_PAPER})[ \t\u3000\xa0]+{_ISSUE_DATE}[ \t\u3000\xa0]*"
    r"第\s*[A-Z]?[0-9０-９一二三四五六七八九十]{1,4}\s*版(?:\s*[:：]?\s*[\u4e00-\u9fff·]{0,12})?$"
)
"""A newspaper header on one line, ``南屏日报　2025年06月03日　第01版``: the paper is the source,
the date the page date, like ``《人民日报》（2025年06月03日　第01版）``."""
_PAPER_NAME = re.compile(rf"^{_PAPER}$")
_ISSUE_LINE = re.compile(rf"^{_ISSUE_DATE}.{{0,6}}第\s*[0-9０-９一二三四五六七八九十]{{1,4}}\s*版")
"""The issue line of a newspaper page: 2025年03月06日　第01版：要闻."""


def _paper_above_issue(lines: list[Line], idx: list[int], pos: int) -> bool:
    """A newspaper's name alone above its issue line (东川日报 / 2025年03月06日　第01版：要闻)."""
    s = lines[idx[pos]].shadow.strip(WS)
    if not _PAPER_NAME.match(s) or pos + 1 >= len(idx) or idx[pos + 1] != idx[pos] + 1:
        return False
    return _ISSUE_LINE.match(lines[idx[pos + 1]].shadow.strip(WS)) is not None


def _newspaper(lines: list[Line], idx: list[int], pos: int, block: TitleBlock) -> bool:
    """A newspaper's name above its issue line: the source of the article, a meta line."""
    if not _paper_above_issue(lines, idx, pos):
        return False
    ln = lines[idx[pos]]
    block.facts.source = block.facts.source or ln.text.strip(WS)
    block.entries.append(TitleLine(ln.start, ln.end, ln.text, "meta"))
    block.consumed.add(idx[pos])
    return True


def _wrapped_title_start(lines: list[Line], idx: list[int], pos: int) -> int:
    """The position of the first line of a title wrapped over two lines that ends at ``pos``:
    the line above reads as the start of a title, not as one of its own."""
    if pos == 0 or idx[pos - 1] != idx[pos] - 1:
        return pos
    above, here = lines[idx[pos - 1]].shadow, lines[idx[pos]].shadow
    if (
        lines[idx[pos]].gap == 1
        and looks_like_title(above)
        and not is_meta_line(above)
        and title_kind(above) is None
        and not _TITLE_END_WORD.search(above)
        and not re.search(r"[|｜丨]", above)
        and len(above) + len(here) <= 90
        and (len(above) >= 12 or _CONTINUES_TITLE.match(here) or _SLOGAN.match(above))
    ):
        return pos - 1
    return pos


_DOC_KIND_END = re.compile(
    r"(通知|意见|办法|方案|决定|报告|规定|批复|通报|公告|通告|条例|细则|规划|纲要|要点|函|请示|决议|公报|纪要"
    r"|实施方案|工作方案|行动计划|计划|安排|清单|指引|指南)(（[^）]{1,12}）)?$"
)
"""The kind of document a 公文 title ends in: a second line ending so finishes a wrapped title."""


def _wrapped_title_tail(lines: list[Line], idx: list[int], pos: int) -> bool:
    """Whether the line after the title at ``pos`` finishes it: the title line names no kind of
    document, and the next line, right below it and short, ends in one (…的通知, …的意见)."""
    if pos + 1 >= len(idx) or idx[pos + 1] != idx[pos] + 1:
        return False
    here, below = lines[idx[pos]].shadow.strip(WS), lines[idx[pos + 1]]
    nxt = below.shadow.strip(WS)
    return (
        below.gap == 1
        and not _DOC_KIND_END.search(here)
        and not here.endswith(tuple(END_PUNCT + "，,：:、"))
        and 4 <= len(nxt) <= 40
        and len(here) + len(nxt) <= 90
        and re.match(r"[\u4e00-\u9fff\d《“]", nxt) is not None
        and looks_like_title(nxt)
        and not is_meta_line(nxt)
        and title_kind(nxt) is None
        and _DOC_KIND_END.search(nxt) is not None
    )


def _issuer_above(lines: list[Line], idx: list[int], first: int, block: TitleBlock) -> bool:
    """Whether the line right above a ``关于…`` title is its issuing body on a line of its own
    (a 公文 title is issuer + 关于 + matter + kind of document)."""
    if first == 0 or idx[first - 1] != idx[first] - 1 or idx[first - 1] in block.consumed:
        return False
    above, here = lines[idx[first - 1]], lines[idx[first]]
    return here.gap == 1 and here.shadow.startswith("关于") and _ORG_RE.match(above.shadow.strip(WS)) is not None


def join_title(parts: list[str]) -> str:
    """The lines of a wrapped title as one string: a slogan pair (高举旗帜　砥砺奋进) keeps a
    space before the next line, a title broken mid-phrase is joined directly."""
    out = parts[0]
    for part in parts[1:]:
        out += (" " if _SLOGAN.match(out) else "") + part
    return out


def _after(idx: list[int], n: int) -> int:
    """Where the body starts when the zone is used up: after the last zone line."""
    if len(idx) >= ZONE * 2:
        return idx[-1] + 1
    return n


def _apply_declared(facts: MetaFacts, declared: dict[str, str]) -> None:
    if declared.get("date"):
        facts.own_date = find_date(declared["date"]) or facts.own_date
    if declared.get("published"):
        facts.published = find_date(declared["published"])
    for key in ("source", "author", "doc_number"):
        if declared.get(key):
            setattr(facts, key, declared[key])


def _choose_title(
    lines: list[Line],
    kinds: list[BoilerplateKind | None],
    idx: list[int],
    declared_title: tuple[int, int] | None,
    declared: dict[str, str],
) -> int | None:
    if declared_title is not None:
        for i in idx:
            if lines[i].start <= declared_title[0] < lines[i].end or (
                declared_title[0] <= lines[i].start < declared_title[1]
            ):
                return i
    best, best_score = None, 0.99
    rank = -1
    after_key = False
    named = declared.get("title") or _table_title(lines, idx)
    if named and not declared.get("title") and (at := _table_title_line(lines, idx, named)) is not None:
        return at
    for pos, i in enumerate(idx[:ZONE]):
        s = lines[i].shadow
        if after_key and (pos == 0 or idx[pos - 1] == i - 1):
            after_key = False
            continue  # the value of a key on the line above (索 引 号： / 11300000-…)
        after_key = bool(_KEY_ONLY.match(s) or (_SPACED_KEY.match(s) and _is_spaced_key(s) and not _value_of(s)))
        if is_meta_line(s) or _DOC_NUMBER.match(s) or (rank < 0 and _is_masthead(lines, idx, pos)):
            continue  # meta (and a masthead) above the title does not push it down
        if rank < 0 and _COLUMN_LABEL.match(s.strip(WS)) and pos + 1 < len(idx):
            continue  # 新闻公报 above the headline: the column, never the title
        rank += 1
        if (rank > 0 and _is_body(s)) or match_marker(s) is not None:
            break  # a title comes before the text and the headings it heads: none above 一、
        if not looks_like_title(s) or title_kind(s) is not None or _paper_above_issue(lines, idx, pos):
            continue
        nxt = _next_kind(lines, idx, pos)
        if nxt is None and pos + 1 < len(idx):
            nxt_line = lines[idx[pos + 1]].shadow
            if not _is_body(nxt_line) and looks_like_title(nxt_line) and len(nxt_line) > 40:
                continue
        score = (3.0 if rank == 0 else 2.0) - 0.35 * rank
        if nxt in ("subtitle", "dateline", "speaker", "meta", "byline"):
            score += 3.0
        if _TITLE_WORDS.search(s):
            score += 1.5
        if len(s) <= 2:
            score -= 0.5
        if (_NAME_RE.match(s) or _ORG_RE.match(s) or _AUTHORS_RE.match(s) or _office_and_name(s)) and rank > 0:
            score -= 3.0  # a name or an agency on its own is the speaker or author, not the title
        if _SPEECH_TITLE.match(s):
            score += 1.5
        if len(s) > 50:
            score -= 1.5
        if _PARENS_ONLY.match(s):
            score -= 3.0
        if _CLICKBAIT.search(s):
            score -= 3.0  # 重磅！…全文来了👇: a repost's headline above the document's own title
        if re.search(r"[，,]", s):
            score -= 0.5
        if named and re.sub(r"\s", "", named) == re.sub(r"\s", "", s):
            score += 5.0
        if pos + 1 >= len(idx) and len(idx) > 1:
            score -= 2.0  # the last line of a page is not its title
        if score > best_score:
            best, best_score = i, score
    return best


_CLICKBAIT = re.compile(r"^[【\[]?[\u4e00-\u9fff]{1,4}[！!】\]]\s*(?=\S)|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
"""A repost's headline (``重磅！``, ``定了！``, ``【速看】`` before the words, or an emoji such as 👇):
the account's hook, not the title of the document under it."""
_TABLE_TITLE = re.compile(r"^标\s*题\s*[:：]\s*(.{4,120})$")


def _table_title(lines: list[Line], idx: list[int]) -> str | None:
    """The title an info table names above the headline (标题：…), or None."""
    for i in idx[:ZONE]:
        if m := _TABLE_TITLE.match(lines[i].shadow.strip(WS)):
            return m.group(1)
    return None


def _table_title_line(lines: list[Line], idx: list[int], named: str) -> int | None:
    """The 标题：… line when no line of the page repeats the title it names: the title is
    that line's value (the key is left out of the string, as a column prefix is)."""
    flat = re.sub(r"\s", "", named)
    if any(re.sub(r"\s", "", lines[i].shadow) == flat for i in idx[:ZONE]):
        return None
    return next((i for i in idx[:ZONE] if _TABLE_TITLE.match(lines[i].shadow.strip(WS))), None)


def _is_body(s: str) -> bool:
    """A line that reads as running text: a sentence, a salutation, an addressee list."""
    if len(s) >= 60 and s.endswith(tuple(END_PUNCT + "”")):
        return True
    if len(s) >= 25 and s.endswith(("。", "！", "？")) and not _CAPTION.search(s):
        return True
    if re.match(r"^(各位代表|同志们|各位委员|女士们|朋友们)[、，,：:！!]", s):
        return True
    return len(s) >= 6 and s.endswith(("：", ":")) and bool(re.search(r"[，、,]", s))  # 各市、县人民政府：


def _next_kind(lines: list[Line], idx: list[int], rank: int) -> str | None:
    if rank + 1 >= len(idx):
        return None
    s = lines[idx[rank + 1]].shadow
    if is_meta_line(s) or _DOC_NUMBER.match(s):
        return "meta"
    if _slogan_under(lines[idx[rank]].shadow, s):
        return "subtitle"
    kind = title_kind(s)
    if kind is None and (_NAME_RE.match(s) or _ORG_RE.match(s)) and rank + 2 < len(idx):
        after = lines[idx[rank + 2]].shadow
        if title_kind(after) in ("dateline", "subtitle") or is_meta_line(after):
            return "speaker"  # a name or an issuing body between the title and its date
    return kind


def _slogan_under(title: str, s: str) -> bool:
    """Whether ``s`` is a subtitle under ``title`` (a line ending in 报告, 规划, 预算案 …): a
    slogan (深化改革　惠民兴业), or a second complete title that names the occasion
    (二〇二六至二七财政年度政府财政预算案 / 财政司司长动议二读《…》的演辞)."""
    s = s.strip(WS)
    title = title.strip(WS)
    if _TITLE_END_WORD.search(title) is None or match_marker(s) is not None:
        return False
    if _SLOGAN_SUB.match(s) is not None:
        return True
    return (
        _TITLE_END_WORD.search(s) is not None
        and 8 <= len(s) <= 60
        and not s.startswith(("关于", "《"))
        and not re.search(r"[。！？；;]", s)
        and is_meta_line(s) is False
    )


def _strip_column(title: str) -> str:
    """授权发布：中共中央关于… → 中共中央关于…: a column prefix is not part of the title."""
    m = _COLUMN_PREFIX.match(title)
    return title[m.end() :].strip(WS) if m and len(title) - m.end() >= 4 else title


def _take_meta(
    text: str, lines: list[Line], idx: list[int], pos: int, block: TitleBlock, *, stop: int = -1
) -> int:
    """If the line at ``idx[pos]`` opens a meta entry, record it and return how many lines of
    ``idx`` it used (a key alone on its line takes its value from the next line); else 0."""
    i = idx[pos]
    s = lines[i].shadow
    if not is_meta_line(s) or _is_body(s):
        return 0
    used = 1
    end_line = i
    key_only = _KEY_ONLY.match(s) or (_SPACED_KEY.match(s) and _is_spaced_key(s) and _value_of(s) == "")
    if key_only and pos + 1 < len(idx) and idx[pos + 1] == i + 1 and i + 1 != stop:
        nxt = lines[i + 1].shadow
        if len(nxt) <= 80 and not _KEY_ONLY.match(nxt) and not is_meta_key_line(nxt) and not _is_body(nxt):
            used, end_line = 2, i + 1
    first, last = lines[i], lines[end_line]
    block.entries.append(TitleLine(first.start, last.end, text[first.start : last.end], "meta"))
    block.consumed.update(range(i, end_line + 1))
    shadow = " ".join(lines[j].shadow for j in range(i, end_line + 1))
    parse_meta(shadow, block.facts, text=" ".join(lines[j].text for j in range(i, end_line + 1)))
    return used


def is_paper_line(s: str) -> bool:
    """A newspaper's issue line: 《人民日报》（2025年04月09日　第09版）."""
    return _PAPER_RE.match(s.strip(WS)) is not None


def is_meta_key_line(s: str) -> bool:
    """A line opening with a publication key (时间：, 来源：…). Contact keys (联系人：) count only
    in the title area: at the end of a text they are its content (a notice's 联系方式)."""
    m = _META_KEY_RE.match(s)
    return m is not None and m.group(1) not in _CONTACT_KEYS


def _value_of(s: str) -> str:
    m = _SPACED_KEY.match(s)
    return s[m.end() :].strip() if m else ""


def _repeated_title(lines: list[Line], idx: list[int], pos: int, title: str | None) -> int:
    """How many lines from ``idx[pos]`` repeat the title in the body, split over two or three
    lines and perhaps headed by the issuer (安澜县安全生产委员会办公室 / 关于开展…的通知); else 0."""
    if not title or len(title) < 6:
        return 0
    want = re.sub(r"\s", "", title)
    joined = ""
    for n in range(1, 4):
        if pos + n > len(idx) or (n > 1 and idx[pos + n - 1] != idx[pos + n - 2] + 1):
            return 0
        joined += re.sub(r"\s", "", lines[idx[pos + n - 1]].text)
        if len(joined) > len(want) + 30:
            return 0
        if (n > 1 and joined == want) or (
            len(joined) > len(want) and joined.endswith(want) and _ORG_RE.match(joined[: -len(want)])
        ):
            return n
    return 0


def _extend(
    text: str,
    lines: list[Line],
    idx: list[int],
    pos: int,
    block: TitleBlock,
    *,
    has_title: bool,
) -> int:
    """Take title-block lines after the title; return the position in ``idx`` of the body."""
    prev: str | None = "title" if has_title else None
    seen_texts = {re.sub(r"\s", "", e.text) for e in block.entries}
    while pos < len(idx):
        i = idx[pos]
        ln = lines[i]
        s = ln.shadow
        flat = re.sub(r"\s", "", ln.text)
        if has_title and flat in seen_texts and len(flat) >= 4:
            block.furniture[i] = "other"  # the headline or dateline repeated by the page
            pos += 1
            continue
        if has_title and (n := _repeated_title(lines, idx, pos, block.title)):
            for j in idx[pos : pos + n]:
                block.furniture[j] = "other"  # the issuer and the title again, over 2–3 lines
            pos += n
            continue
        step = _take_meta(text, lines, idx, pos, block) if not title_kind(s) else 0
        if step:
            seen_texts.add(flat)
            prev = "meta"
            pos += step
            continue
        kind = title_kind(s)
        if kind is None and prev == "subtitle" and len(s) <= 40 and _SUB_CONT_RE.search(s) and not _is_body(s):
            kind = "subtitle"  # ——在…会议 + 上的报告: a subtitle wrapped onto a second line
        if kind is None and _ORG_RE.match(s) and prev == "title" and _next_is(lines, idx, pos, ("dateline", "meta")):
            kind = "speaker"  # 东川省统计局 between the title and its date: the issuing body
        if (
            kind is None and _ONE_AUTHOR_RE.match(s) and prev == "title"
            and (ln.gap <= 1 or _WRITING_GROUP.search(s) is not None)
            and pos + 1 < len(idx) and _is_body(lines[idx[pos + 1]].shadow.strip(WS))
        ):
            # 南屏市生态环境局 right under a title, text below it: the issuing body; a writing
            # group (安澜县委农办调研组, …课题组), also after a blank line, is the report's byline
            # and its author.
            kind = "byline" if _WRITING_GROUP.search(s) else "speaker"
        if kind is None and _NAME_RE.match(s) and match_marker(s) is None and (  # 第一条 is no name
            (prev in ("dateline", "subtitle", "title")
            and _next_is(lines, idx, pos, ("dateline", "subtitle")))
            or prev in ("dateline", "subtitle")
        ):
            kind = "speaker"  # a bare name beside the dateline: 王某某, 张 明, 胡 锦 涛
        if (
            kind is None and prev == "title" and re.fullmatch(rf"[{_HAN}]{{2,3}}|[{_HAN}](?:[ \u3000]{{1,3}}[{_HAN}]){{1,2}}", s)
            and _NAME_RE.match(s) and pos + 1 < len(idx) and _is_body(lines[idx[pos + 1]].shadow.strip(WS))
        ):
            kind = "byline"  # 刘书培 alone under an article's title, its text below: the author
        if kind is None and prev == "title" and _slogan_under(lines[idx[pos - 1]].shadow, s):
            kind = "subtitle"
        if kind is None and prev == "title" and is_english_line(s) and not s.endswith((".", "!", "?")) and (
            not is_english_line(lines[idx[pos - 1]].shadow)
        ):
            kind = "subtitle"  # the English title under the Chinese one of a bilingual notice
        if kind is None and _office_and_name(s) and (
            (prev == "title" and _next_is(lines, idx, pos, ("dateline", "subtitle")))
            or prev in ("dateline", "subtitle")
        ):
            kind = "speaker"  # 行政长官　何嘉明: an office and a name beside the dateline
        if kind is None and has_title and _CAPTION.search(s) and len(s) <= 150:
            block.furniture[i] = "caption"
            pos += 1
            continue
        if kind is None and has_title and _DOC_NUMBER.match(s):
            block.entries.append(TitleLine(ln.start, ln.end, ln.text, "meta"))
            block.consumed.add(i)
            block.facts.doc_number = block.facts.doc_number or ln.text.strip(WS)
            prev = "meta"
            pos += 1
            continue
        if (
            kind is None
            and has_title
            and looks_like_title(s)
            and len(s) <= 40
            and not _is_body(s)
            and _next_is(lines, idx, pos, ("meta", "subtitle", "dateline", "speaker"))
        ):
            kind = "subtitle"  # a second headline line above the subtitle or meta
        if kind is None or (not has_title and kind not in ("byline", "meta")):
            break
        block.entries.append(TitleLine(ln.start, ln.end, ln.text, kind))
        block.consumed.add(i)
        seen_texts.add(flat)
        _record(kind, ln, block)
        prev = kind
        pos += 1
    return pos


def _office_and_name(s: str) -> bool:
    """``行政长官　何嘉明``: an office and a name, not a numbered line or a title's words."""
    return _OFFICE_NAME_RE.match(s) is not None and match_marker(s) is None and not _TITLE_WORDS.search(s)


def _next_is(lines: list[Line], idx: list[int], pos: int, kinds: tuple[str, ...]) -> bool:
    if pos + 1 >= len(idx):
        return False
    s = lines[idx[pos + 1]].shadow
    if "meta" in kinds and is_meta_line(s):
        return True
    return title_kind(s) in kinds


def _record(kind: TitleBlockKind, ln: Line, block: TitleBlock) -> None:
    facts = block.facts
    if kind == "byline":
        block.byline, author = parse_byline(ln.text, ln.shadow)
        if author is None and _ONE_AUTHOR_RE.match(ln.shadow.strip(WS)):
            author = block.byline  # a writing group: 南屏大学经济管理学院课题组
        facts.author = facts.author or author
    elif kind == "speaker" and facts.author is None:
        m = _SPEAKER_RE.match(ln.shadow) or _OFFICE_NAME_RE.match(ln.shadow)
        raw = ln.text[m.start("name") : m.end("name")] if m else ln.text
        facts.author = re.sub(r"[\s\u3000]+", "", raw)
    elif kind in ("dateline", "subtitle"):
        if facts.own_date is None:
            facts.own_date = find_date(ln.shadow)
        order = _ORDER_NO.search(ln.text) if kind == "dateline" else None
        if order and facts.doc_number is None:
            facts.doc_number = order.group(1)  # （2025年7月2日中华人民共和国国务院令第812号公布）
        reporters = _REPORTERS.search(ln.text) if kind == "dateline" else None
        if reporters and facts.author is None:
            names = re.split(r"\s*(?:通讯员|实习生|见习记者)\s*", reporters.group(1))[0]
            facts.author = " ".join(names.replace("、", " ").split()) or None


def parse_meta(shadow: str, facts: MetaFacts, *, text: str | None = None) -> None:
    """Fill ``facts`` from one meta entry (see the module docstring)."""
    text = shadow if text is None else text
    squeezed = _squeeze_keys(shadow)
    src_text = _squeeze_keys(text) if len(text) == len(shadow) else squeezed
    fields: dict[str, str] = {}
    keys = list(_META_KEY_RE.finditer(squeezed))
    for j, m in enumerate(keys):
        end = keys[j + 1].start() if j + 1 < len(keys) else len(squeezed)
        fields.setdefault(m.group(1), _meta_value(src_text[m.end() : end]))
    law = _LAW_INFO.match(shadow)
    if law:
        date = find_date(shadow)
        if _PUBLISH_WORDS.search(shadow) and not re.search(r"通过|批准|修正|修订", shadow):
            facts.published = facts.published or date
        else:
            facts.own_date = facts.own_date or date
        return
    if fields.get("成文日期"):
        facts.own_date = facts.own_date or find_date(fields["成文日期"])
    page_date = None
    for key in ("发布日期", "发布时间", "发表时间", "时间", "日期", "更新时间"):
        if fields.get(key):
            page_date = find_date(fields[key])
            if page_date:
                break
    if page_date is None and not fields.get("成文日期"):
        page_date = find_date(shadow)
    if page_date and facts.page_date in (None, page_date):
        # The page's date, and its clock time from the first line that gives one for that day
        # (发布日期：2025年05月06日 in the info table, 发布时间：2025-05-06 10:12 under the title).
        facts.page_date = page_date
        if facts.time is None:
            from .common import DATE_RE

            dm = DATE_RE.search(shadow)
            facts.time = find_time(shadow, dm.end() if dm else 0)
    for key in _SOURCE_KEYS:
        if fields.get(key) and facts.source is None:
            facts.source = fields[key]
    if facts.source is None and (paper := _PAPER_RE.match(shadow) or _PAPER_LINE.match(shadow)):
        facts.source = text[paper.start(1) : paper.end(1)]
    if fields.get("作者") and facts.author is None:
        facts.author = fields["作者"]
    for key in ("发文字号", "文号"):
        if fields.get(key) and facts.doc_number is None:
            facts.doc_number = fields[key]
    if fields.get("标题") and facts.declared_title is None:
        facts.declared_title = fields["标题"]


def _squeeze_keys(s: str) -> str:
    """索 引 号： → 索引号：   (same length: spaces move after the key)."""
    def fix(m: re.Match[str]) -> str:
        raw = m.group(0)
        key = re.sub(r"[ \u3000\xa0]", "", raw)
        return key[:-1] + " " * (len(raw) - len(key)) + key[-1]

    return re.sub(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?:[ \u3000\xa0]+[\u4e00-\u9fff]){1,3}[ \u3000\xa0]*[:：]", fix, s)


def _meta_value(raw: str) -> str:
    """A meta field's value, stopped at print controls, wide gaps, a date or a time:
    ``学习时报　2022年7月1日`` → ``学习时报``."""
    from .common import DATE_RE, TIME_RE

    raw = link_words(raw)  # 来源：[青川省科学技术厅](https://…): the link's words
    value = _VALUE_END_RE.split(raw.strip(WS + "\n"), maxsplit=1)[0]
    value = re.sub(r"\s*\n\s*", "", value)
    cut = [m.start() for m in (DATE_RE.search(value), TIME_RE.search(value)) if m and m.start() > 0]
    if cut:
        value = value[: min(cut)]
    # A key whose value a page script wrote (阅读：<script>…</script>) is left bare at the end:
    # 县应急管理局 阅读： → 县应急管理局.
    value = _BARE_KEY_TAIL.sub("", value)
    return value.strip(WS + "|｜丨/*_")


def parse_byline(text: str, shadow: str) -> tuple[str, str | None]:
    """A byline's text without its key, and the author's name when it ends the line."""
    m = _BYLINE_RE.match(shadow)
    body = text[m.end() :] if m and m.group(1).startswith(("作者", "文", "撰文")) else text
    body = body.strip(WS + "（）()").lstrip("：:" + WS)  # （作者单位：…）: the key's colon goes too
    author = None
    name = re.sub(r"^(?:本报|本台|本网)?(?:特约)?(?:记者|通讯员)[\s:：]*", "", body)
    if re.fullmatch(rf"[{_HAN}](?:[ \u3000]{{1,3}}[{_HAN}]){{1,2}}", name):
        return body, re.sub(r"[ \u3000]", "", name)  # 记者　李　航: a name spaced out to width
    last = re.split(r"[\s、，,]+", body.strip())[-1] if body.strip() else ""
    if re.fullmatch(rf"[{_HAN}·]{{2,4}}", last):
        author = last
    return body, author
