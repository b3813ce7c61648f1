"""Formulations (提法): the set phrases, slogans and rhetorical patterns of policy writing.

:func:`formulations` finds four kinds in a document's headings and paragraphs (never in
boilerplate, the title block or meta lines):

``numbered``
    Numbered formulations such as 四个意识, 两个维护, 五位一体, 一岗双责 and quoted numeric
    labels such as “246”工程 or “7+4”活动 (reported as 246 and 7+4, the quoted part).
``quote``
    Quoted phrases: “…”, 「…」, 『…』 and ASCII "…" pairs, e.g. “落实下去、凝聚起来”.
``parallel``
    排比: three or more consecutive clauses sharing a prefix, a suffix or a frame, e.g.
    一同谋划、一同部署、一同落实 (``一同…``) or 在目标上一致、在任务上统一、在效果上相互促进 (``在…上…``).
``four_char_list``
    、-lists of three or more four-character phrases: 解疑释惑、宣传政策、理顺情绪、化解矛盾.

Matching runs on :func:`studykit.zh.simplified_shadow` of the text, so traditional documents are
found the same way (四個意識 → 四个意识) and every offset still points into ``document.text``.
The reported ``text`` is the normalised (simplified) form; ``document.text[start:end]`` is the
passage as written.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, pairwise, repeat
from operator import add, eq, sub
from typing import Literal, NamedTuple, get_args

import numpy as np
import pandas as pd

from studykit._gc import without_gc_pauses
from studykit.document.model import Document
from studykit.errors import QueryError
from studykit.text.reading import ReadingView, reading_view
from studykit.zh import HAN, simplified_shadow

from ._options import Count, checked

FormulationKind = Literal["numbered", "quote", "parallel", "four_char_list"]
KINDS: tuple[FormulationKind, ...] = get_args(FormulationKind)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


KNOWN_NUMBERED: frozenset[str] = _words(
    """
    四个意识 四个自信 两个维护 两个确立 四个全面 五位一体 三个代表 两个一百年 八项规定 四风
    三严三实 两学一做 三会一课 一岗双责 四个伟大 五大发展理念 六稳 六保 四个服从 三大攻坚战
    四个不摘 两不愁三保障 三农 三去一降一补 四梁八柱 一带一路 两个大局 两个结合 三个务必
    四项基本原则 一国两制 三个有利于 四个现代化 五个必由之路 两个毫不动摇 三重一大 四下基层
    十三五 十四五 十五五 四史 两重 两新 三保 双碳 千万工程 五篇大文章 四好农村路 两山
    两个先行 三新一高 四个革命一个合作 五大振兴 两个健康 两个更好 三个区分开来 四个坚持
    一个中国原则
    """
)
"""Nationally canonical numbered formulations, found with or without quotation marks."""

LABEL_HEADS: frozenset[str] = _words(
    """
    意识 自信 维护 确立 全面 方法 机制 体系 工程 行动 作用 能力 本领 思维 导向 清单 原则 理念
    规定 坚持 务必 必须 结合 优势 定位 战略 攻坚战 产业 产业集群 集群 文章 革命 目标任务
    重点任务 重大任务 重大工程 专项行动 示范 计划 服务 字方针 方针 基本 要求 关系 统筹 效益
    """
)
"""Head nouns that make an unquoted ``N个/种/项/大…`` phrase a named set (五种意识, 四个方法,
三项机制, 十大千亿级产业) rather than a count (三个县, 两个提案, 三个方面). After ``N大`` and a
modifier only the nominal ones count: in 十大湿地全面建成 and 三大基本矛盾, 全面 and 基本 modify
what follows."""

PARALLEL_MAX_MEMBER = 40
"""A member of a parallel construction has at most this many characters (60 for members that
are whole clauses or sentences: ；- and ——-runs)."""

PARALLEL_MAX_RATIO = 3.0
"""The longest member is at most this many times the shortest."""

_NUM = "一二三四五六七八九十两"
_NUM_LABEL = _NUM + "双百千万"
_NUM_BEFORE = frozenset(_NUM + "第")
# Words that end in a numeral: before 统一|大市场, 唯一|一个, 之一|两…, 再三|强调 the numeral is the
# tail of a word, not the start of a named set (jieba's frequent two-character words of this shape;
# 高三, 大三, 国三 are left out, as in 提高|三个, 壮大|三大, 全国|三大 the numeral starts a count).
_NUMERAL_TAILS = _words(
    "统一 唯一 惟一 万一 之一 其一 同一 单一 逐一 合一 如一 不一 专一 划一 均一 纯一 整一 归一 独一 "
    "齐一 任一 初一 周一 之二 其二 不二 初二 再三 之三 其三 初三 初五 初八"
)
_H = f"[{HAN}]"
# The shapes a quoted phrase must have to count as a numbered formulation: 四个意识, 五位一体,
# 八项规定 / 五大发展理念 (the set shapes), numeral + measure word + a short head (五张榜单, 一张网,
# 三本账, 两道融合命题: a head of one to four characters; 一张蓝图绘到底 is a slogan), paired counts
# 两学一做 / 一岗双责 / 两不愁三保障 / 三去一降一补, and short numeral labels (两重, 双碳, 千万工程,
# 五篇大文章, 四好农村路, 五个一). Whether a phrase of these shapes is a label or an idiom that
# merely holds a numeral (两张皮, 一刀切, 四两拨千斤) is for :func:`_quoted_label` to say.
_MEASURE = "张把只根块口头匹次件股双对本颗枚道盘座"
_SET_SHAPE = re.compile(rf"[{_NUM}]+个{_H}{{1,4}}|[{_NUM}]+位一体|[{_NUM}]+[项大条种类篇]{_H}{{1,8}}")
# Measure words of things (not 次, which counts actions: “二次创业”, “一次不用跑” are no sets).
_THING_MEASURE = _MEASURE.replace("次", "")
_MEASURED = re.compile(f"[{_NUM}]+[{_MEASURE}]")
_NUMBERED_SHAPE = re.compile(
    rf"{_SET_SHAPE.pattern}"
    rf"|[{_NUM}]+[{_THING_MEASURE}]{_H}{{1,4}}"
    rf"|[{_NUM}]{_H}{{1,2}}(?:[{_NUM}双]{_H}{{1,2}}){{1,3}}"
    rf"|[{_NUM_LABEL}](?![{_MEASURE}]){_H}{{1,5}}"
)
# An unquoted named set: a count word and a head noun from LABEL_HEADS (十大千亿级产业 lets up to
# six characters stand between 大 and the head).
_UNQUOTED_SET = re.compile(  # the numeral first, so the search skips ahead to numerals
    rf"[{_NUM}](?<![{_NUM}第零〇百千万0-9][{_NUM}])(?:(?:个|种|项|条|篇)({_H}{{2,4}})|大({_H}{{2,10}}))"
)
_DA_HEADS = LABEL_HEADS - _words("全面 基本 坚持 务必 必须 维护 确立 统筹 结合") | _words(
    "产业链 产业带 产业园 产业基地"
)
# A set's modifier does not run through these: 两大增长极|的带动能力, 三大市场|的产业链.
_NOT_IN_MODIFIER = re.compile("[的之与及或等了着过是]")
# Quoted quantities, not labels: “五年” (a period), “四级” (levels), “三类” (classes).
_QUANTITY = frozenset("年月日天周岁级类层倍")
# “7·20”特大暴雨, “25·7”洪水: an event named by its date.
_DATE_LABEL = re.compile("[0-9０-９]{1,2}[·.．][0-9０-９]{1,2}")
# Words that begin with a numeral but name no set: “双向发力” is two-way, not a pair of things.
_NUMERAL_WORDS = _words(
    "双向 双方 双重 双赢 双边 一体 一流 一线 一起 一切 一致 一定 一些 一直 一般 一道 一同 一样 一起 "
    "两岸 三角 千方 万家 万物 百姓 千年 万年 一贯 一手 一心 一举 一律 一齐 一度 一方 一片 一带 "
    "双向发力 一把手 两张皮 一刀切 一盘棋 一站式 两头"
)
_QUOTE_RE = re.compile(r"“([^“”\r\n]+)”|「([^「」\r\n]+)」|『([^『』\r\n]+)』|\"([^\"\r\n]+)\"")
_FUNCTION = "的了和与及或等之也都就是在对把将从以为而并其这那此该各每所被给向于着过"
# “246”工程, “7+4”活动, “1+10+N”政策体系, “3+X”模式: a quoted count (digits, +, letters) and the
# two-character head noun after it, when there is one (it vouches for a short count; the label
# is the quoted part).
# The look-ahead wants a digit inside the label: it only crosses label characters, so an opening
# quote that never closes costs the length of one label, not a scan to the end of the text.
_NUMERIC_LABEL_RE = re.compile(
    rf"[“\"「]((?=[A-Za-zＡ-Ｚａ-ｚ{_NUM}零〇百千万+＋\-－×·/]*[0-9０-９])[0-9０-９A-Za-zＡ-Ｚａ-ｚ{_NUM}零〇百千万+＋\-－×·/]{{2,}}|"
    rf"[0-9０-９]+)[”\"」](?:(?=[^{_FUNCTION}个项号指即])({_H}{{2}}))?"
)
_SEPS_ALL = "，,、；;。！？!?：:"
_WS = " \t\u3000\xa0"
_SENTENCE_END = "。！？!?"
_SENTENCE_END_RE = re.compile(f"[{_SENTENCE_END}]")
_LIST_TAIL = "的等于之和与中上"
# 解疑释惑、宣传政策、理顺情绪、化解矛盾: items of exactly four Han characters. The first may end a
# longer item (做好|解疑释惑) and the last may run on into 的/等/于… (化解矛盾|的工作).
_FOUR_CHAR_LIST_RE = re.compile(  # from the first 、; the first item is the four chars before it
    rf"、(?<={_H}{{4}}、)(?:{_H}{{4}}、)*{_H}{{4}}(?=[{_SEPS_ALL}{_LIST_TAIL}\r\n]|$)", re.M
)
# 讲政治、顾大局、守规矩: three or more 、-items of exactly three Han characters (verb + object).
_THREE_CHAR_LIST_RE = re.compile(  # from the first 、; the first item is the 3 chars before it
    rf"、(?<={_H}{{3}}、)(?:{_H}{{3}}、)+{_H}{{3}}(?=[{_SEPS_ALL}\r\n]|$)", re.M
)
_HAN_RUN_RE = re.compile(f"{_H}+")
_DASH_RE = re.compile(r"——|—{2}|--")  # a dash that leads a member
_DIGIT = re.compile("[0-9０-９]")
_GENERIC_PREFIXES = _words(
    "我们 他们 你们 这些 那些 这个 那个 这是 这也 其中 同时 以及 并且 而且 但是 因此 所以 如果 虽然 一些 "
    "我们要 一是 二是 三是 四是 五是 第一 第二 第三 第四 第五 首先 其次 最后 另外 此外 今年 去年"
)
_GENERIC_INFIX = frozenset("的了和与及或等之也是在")
# Suffixes that make a list of proper names (institutions, places, routes, events) when members
# share nothing else: an enumeration, not 排比 (see :func:`_enumeration`).
_NAME_SUFFIXES = _words(
    "大学 学院 医院 中学 小学 学校 研究院 研究所 公司 集团 银行 市 县 区 州 盟 旗 镇 乡 村 街道 都市圈 "
    "铁路 高铁 高速 机场 港 大桥 水库 山 论坛 大赛 博览会 运动会 艺术节"
)
_QUOTE_IN_MEMBER = re.compile(r"“[^“”]*”|「[^「」]*」|『[^『』]*』")
_PLACEHOLDER = "\ue000"  # a quoted label inside a member: 增强“四个意识” → 增强“\ue000”
_LEADING_MARKS = frozenset("“”「」『』" + _PLACEHOLDER)  # may join a prefix or suffix
_ELLIPSES = re.compile("…{2,}")
_LEADING_RE = re.compile(f"[{HAN}“”「」『』{_PLACEHOLDER}]+")
_ORDINAL = re.compile(rf"^(?:第?[{_NUM}百]+是|第[{_NUM}百]+[，,、：:]?|其[{_NUM}][，,、]?|[（(][{_NUM}]+[）)])")
_ORDINAL_MARK = "\ue001"
_ORDINAL_FIRST = frozenset("第其（(百" + _NUM)  # the characters an ordinal opening starts with
# Characters too common to make a frame on their own (a member may still start with one: 在…上…).
_NO_FRAME = frozenset("的了和与及或等之也是，,、；;：:“”「」『』（）() \t\u3000" + "0123456789.%")


class Location(NamedTuple):
    """Where a formulation occurs: section path, offsets into ``document.text`` and paragraph.

    ``paragraph`` is the 0-based index over the document's paragraphs in ``doc.walk()`` order, or
    -1 for a heading (as in the token table). A 排比 of ——-led paragraphs (one member a line)
    spans several paragraphs of its section and gives the first.
    """

    section: str
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Formulation:
    """One formulation and every place it occurs.

    ``pattern`` is the shared part of a parallel construction (``一同…``, ``哪里有…哪里就有…``);
    ``members`` is how many members a parallel construction or four-character list has.
    """

    kind: FormulationKind
    text: str
    locations: tuple[Location, ...]
    pattern: str | None = None
    members: int | None = None

    @property
    def count(self) -> int:
        return len(self.locations)

    @property
    def sections(self) -> tuple[str, ...]:
        """Section paths where it occurs, each once, in document order."""
        return tuple(dict.fromkeys(loc.section for loc in self.locations))


FRAME_COLUMNS = ("kind", "text", "count", "sections", "first_offset", "pattern", "members")
LOCATION_COLUMNS = ("kind", "text", "section", "paragraph", "start", "end", "match", "left", "right")


@dataclass(frozen=True, slots=True)
class FormulationResult:
    """The formulations of a document, ordered by kind and then by first occurrence."""

    items: tuple[Formulation, ...]
    source_text: str = field(default="", repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Formulation]:
        return iter(self.items)

    def __getitem__(self, index: int) -> Formulation:
        return self.items[index]

    def texts(self, kind: FormulationKind | None = None) -> tuple[str, ...]:
        """The normalised texts, optionally of one kind: ``result.texts("numbered")``."""
        return tuple(f.text for f in self.items if kind is None or f.kind == kind)

    def to_frame(self) -> pd.DataFrame:
        """One row per formulation: kind, text, count, sections (``一 三``), first_offset,
        pattern and members (empty where they do not apply)."""
        rows = [
            (f.kind, f.text, f.count, " ".join(f.sections), f.locations[0].start,
             f.pattern or "", f.members)
            for f in self.items
        ]
        frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
        frame["members"] = frame["members"].astype("Int64")
        return frame

    def locations_frame(self, *, context: int = 10) -> pd.DataFrame:
        """One row per occurrence: kind, text, section, paragraph, start, end, the ``match`` as
        written and up to ``context`` characters of ``left`` and ``right`` context (within the
        line)."""
        text = self.source_text
        rows = []
        for f in self.items:
            for loc in f.locations:
                left = text[max(0, loc.start - context) : loc.start] if context > 0 else ""
                right = text[loc.end : loc.end + context] if context > 0 else ""
                rows.append((
                    f.kind, f.text, loc.section, loc.paragraph, loc.start, loc.end,
                    text[loc.start : loc.end],
                    re.split(r"[\r\n]", left)[-1], re.split(r"[\r\n]", right)[0],
                ))
        return pd.DataFrame(rows, columns=list(LOCATION_COLUMNS))

    def __repr__(self) -> str:
        counts = {k: sum(1 for f in self.items if f.kind == k) for k in KINDS}
        shown = ", ".join(f"{k} {n}" for k, n in counts.items() if n)
        return f"FormulationResult({len(self.items)} formulations" + (f": {shown})" if shown else ")")

    def _repr_html_(self, max_rows: int = 20) -> str:
        head = (
            f"<div class='studykit-formulations'><b>{len(self.items)} 个提法 / formulations</b>"
            "<table><tr><th>kind</th><th>text</th><th>count</th><th>sections</th></tr>"
        )
        rows = "".join(
            f"<tr><td>{f.kind}</td><td>{html.escape(f.text)}</td><td>{f.count}</td>"
            f"<td>{html.escape(' '.join(f.sections))}</td></tr>"
            for f in self.items[:max_rows]
        )
        more = len(self.items) - max_rows
        tail = f"<tr><td colspan='4'>… {more} more</td></tr>" if more > 0 else ""
        return head + rows + tail + "</table></div>"


@checked(min_count=Count(minimum=1))
@without_gc_pauses
def formulations(
    document: Document,
    *,
    kinds: Collection[FormulationKind] | None = None,
    min_count: int = 1,
) -> FormulationResult:
    """Find the formulations (提法) of a document: numbered phrases, quotes, 排比 and 4-char lists.

    Rules, chosen so that a hit is evidence of a formulation rather than of counting things:

    - ``numbered``: a phrase found in :data:`KNOWN_NUMBERED` (四个意识, 两学一做, 双碳…), anywhere;
      a quoted phrase with a numbered shape (“三个作用”, “一岗双责”, “五位一体”, numeral + measure
      word + a short head: “五张榜单”, “一张网”, and short numeral labels: “两重”, “千万工程”,
      “五篇大文章”, “四好农村路”, “五个一”); any later unquoted use of a
      label the document quoted once; a quoted count of digits, ``+`` and letters, whose label
      is the quoted part whatever follows (“246”工程 → 246, “1+10+N”政策体系 → 1+10+N; one or
      two digits only before a head noun: “3”的目标 is a number); and unquoted named sets,
      a count word with a head noun from :data:`LABEL_HEADS` (五种意识, 四个方法, 三项机制,
      十大千亿级产业). An unquoted ``N个X`` with another head is ordinary counting (全市三个贫困县,
      两个定点帮扶贫困村, 从三个方面) and is not reported, even when repeated. So are, unless
      quoted or known: counts with 一 (一项重大任务, 一大批…, 一大支柱产业: "one of"); a numeral
      that ends a word (统一|大市场, 唯一|一个, see ``_NUMERAL_TAILS``); and a ``N大`` phrase whose
      modifier runs through 的 (两大城区|的带动能力) or whose head noun runs on into a longer word
      (五大现代服务业产业集群 is reported whole, not as 五大现代服务). A quoted quantity (“五年”,
      “四级”), a dictionary idiom or lexicalised phrase (“万众一心”, “四两拨千斤”, “两张皮”) or a
      date (“7·15”) is a quote, not a label.
    - ``quote``: the content of each pair of quotation marks within a paragraph or heading, of two
      or more characters (“严” is emphasis, not a formulation), unless it is numbered.
    - ``parallel`` (排比): three or more consecutive members that share a frame. Members are
      、-items, clauses (，), ；-parts or, for runs led by ``——``, sentences of one paragraph or
      the first sentences of three or more consecutive ——-led paragraphs of one section. The
      frame is a shared prefix (带头…, ≥2 characters, or one character before members of three
      characters: 稳就业、稳企业、稳市场), a shared suffix (…起来, …阵地), or a shared infix at a
      fixed place (在…上…, 遇到矛盾不绕、面对困难不躲, 垃圾有人收、污水有人管); a quoted label
      inside a member counts as one shared slot (增强“四个意识”、坚定“四个自信”、做到“两个维护”).
      Three-character verb-object 、-lists (讲政治、顾大局、守规矩) are parallel too. The first
      member loses a lead-in (坚决纠治|乱收费…, 锤炼五种意识，即|政治意识…) and the last one what runs
      on after it (…有行动|的良好工作格局). Members are at most :data:`PARALLEL_MAX_MEMBER`
      characters and within :data:`PARALLEL_MAX_RATIO` of each other's length; a lead-in is
      never cut inside a 、-item, and a clause keeps the head noun its end modifies (…企业发展格局).
      Members that share only a generic name suffix (大学, 都市圈, 铁路, 集团…) or an 等-category
      (…等项目) are an enumeration of names, not 排比. Pronoun,
      conjunction and ordinal openings (我们, 这是, 第一, 一是) do not make a frame, so sentences
      that merely start alike are no 排比. Of overlapping runs the one with more members wins.
    - ``four_char_list``: ≥3 、-separated items of exactly four Han characters with no shared
      frame (解疑释惑、宣传政策、理顺情绪); the first may end a longer clause (做好|解疑释惑) and
      the last may be followed by 的/等/于…

    Each occurrence is reported under one kind only: a numbered label is not also a quote, and a
    list with a shared frame is parallel, not a four-character list. Paragraphs are read in
    their reading view (:mod:`studykit.text.reading`), so a formulation cut by a hard line wrap
    is found; its ``start``/``end`` cover the source span. The whole search is linear in the
    length of the document, however many distinct labels it quotes.

    ``kinds`` keeps only the given kinds; ``min_count`` keeps formulations that occur at least
    that often.

    >>> from studykit import load
    >>> result = formulations(load("seeds/000_1776dd67e002c30c.txt"))
    >>> result.texts("numbered")
    ('四个意识', '四个自信', '两个维护', '三个作用', '246', '一岗双责', '7+4')
    >>> [f.pattern for f in result if f.kind == "parallel"][:3]
    ['…的重要…', '…“…”', '…到哪里']
    """
    wanted = _check_kinds(kinds)
    units = [u for u in document.units() if u.kind != "title"]
    view = reading_view(document.text, [(u.start, u.end) for u in units if u.kind == "paragraph"])
    shadow = simplified_shadow(view.text)
    starts = view.to_reading(np.asarray([u.start for u in units], dtype=np.int64)).tolist()
    ends = view.to_reading(np.asarray([u.end for u in units], dtype=np.int64) - 1) + 1
    regions = [
        _Region(int(a), int(b), u.section, u.paragraph)
        for a, b, u in zip(starts, ends.tolist(), units, strict=True)
    ]
    found = _Found(shadow, regions, view)
    # One pass of each pattern over the whole text; matches outside headings and paragraphs
    # (boilerplate, title block, meta) are dropped by the region lookup.
    quotes = _Quotes([], [])  # the content of each pair of quotation marks
    for m in _QUOTE_RE.finditer(shadow):
        g = m.lastindex or 1
        if m.group(g).strip():
            quotes.starts.append(m.start(g))
            quotes.ends.append(m.end(g))
    numbered = _find_numbered(found, quotes) if wanted & {"numbered", "quote"} else set()
    if "numbered" in wanted:
        for span in sorted(numbered):
            found.add("numbered", *divmod(span, _SPAN))
    if "quote" in wanted:
        ends_at: dict[int, int] = {}  # the furthest end of numbered spans by start
        for a, b in map(divmod, numbered, repeat(_SPAN)):
            ends_at[a] = max(b, ends_at.get(a, b))
        for qs, qe in zip(quotes.starts, quotes.ends, strict=True):
            # The quote is numbered when a numbered span is its content (两重) or holds it with
            # its marks.
            covered = ends_at.get(qs, -1) >= qe or ends_at.get(qs - 1, -1) >= qe
            if qe - qs >= 2 and not covered:
                found.add("quote", qs, qe)
    parallel: list[tuple[int, int]] = []
    if wanted & {"parallel", "four_char_list"}:
        parallel = sorted(_find_parallel(found, quotes, add="parallel" in wanted))
    if "four_char_list" in wanted:
        for m in _FOUR_CHAR_LIST_RE.finditer(shadow):
            members = m.group().count("、") + 1
            start = m.start() - 4
            k = bisect_right(parallel, (m.end(), -1)) - 1  # the last run starting before the end
            if members >= 3 and not (k >= 0 and parallel[k][1] > start):
                found.add("four_char_list", start, m.end(), members=members)
    return FormulationResult(found.items(min_count), document.text)


_SPAN = 1 << 40  # a span as one number: start * _SPAN + end (a text is shorter than _SPAN)


class _Quotes(NamedTuple):
    """Where the content of each pair of quotation marks starts and ends, in text order (two
    lists of numbers rather than a tuple per quotation: fewer objects for the collector)."""

    starts: list[int]
    ends: list[int]


class _Region(NamedTuple):
    start: int
    end: int
    section: str
    paragraph: int


class _Found:
    """Occurrences collected so far, keyed by kind and normalised text. Offsets are in the reading
    view; :meth:`items` maps them to the source, all at once. Occurrences are kept in flat lists
    of numbers (few objects for the garbage collector to visit, however many there are)."""

    def __init__(self, shadow: str, regions: list[_Region], view: ReadingView) -> None:
        self.shadow = shadow
        self.view = view
        self.regions = sorted(regions)
        self._starts = [r.start for r in self.regions]
        self.found: dict[tuple[FormulationKind, str], list[int]] = {}  # key → occurrence numbers
        self.start: list[int] = []
        self.end: list[int] = []
        self.region: list[int] = []  # index into regions
        self.extra: dict[tuple[FormulationKind, str], tuple[str | None, int | None]] = {}

    def region_index(self, start: int, end: int) -> int:
        """The heading or paragraph holding ``[start, end)`` (its index in ``regions``), or -1."""
        i = bisect_right(self._starts, start) - 1
        if i >= 0 and end <= self.regions[i].end:
            return i
        return -1

    def add(self, kind: FormulationKind, start: int, end: int, *,
            pattern: str | None = None, members: int | None = None, region: int = -1) -> None:
        """Record an occurrence in the heading or paragraph that holds it, or in ``region``
        (a run over several paragraphs is placed in its first)."""
        if region < 0:
            region = self.region_index(start, end)
        if region < 0:
            return
        key = (kind, self.shadow[start:end])
        self.found.setdefault(key, []).append(len(self.start))
        self.start.append(start)
        self.end.append(end)
        self.region.append(region)
        if members is not None:
            self.extra[key] = (pattern, members)

    def items(self, min_count: int) -> tuple[Formulation, ...]:
        # ReadingView.source_span, for every occurrence at once
        starts = self.view.to_source(np.asarray(self.start, dtype=np.int64)).tolist()
        ends = (self.view.to_source(np.asarray(self.end, dtype=np.int64) - 1) + 1).tolist()
        regions = self.regions
        out = []
        for (kind, text), numbers in self.found.items():
            locs = {Location(regions[r].section, starts[k], ends[k], regions[r].paragraph)
                    for k in numbers for r in (self.region[k],)}
            unique = tuple(sorted(locs, key=lambda loc: (loc.start, loc.end)))
            if len(unique) >= min_count:
                pattern, members = self.extra.get((kind, text), (None, None))
                out.append(Formulation(kind, text, unique, pattern, members))
        order = {k: i for i, k in enumerate(KINDS)}
        out.sort(key=lambda f: (order[f.kind], f.locations[0].start, f.text))
        return tuple(out)


def _check_kinds(kinds: Collection[FormulationKind] | None) -> frozenset[str]:
    if kinds is None:
        return frozenset(KINDS)
    if isinstance(kinds, str):
        kinds = (kinds,)  # type: ignore[assignment]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise QueryError(
            f"未知的提法类型 {' '.join(map(str, unknown))} / unknown formulation kind: "
            f"choose from {', '.join(KINDS)}"
        )
    return frozenset(kinds)


# --- numbered --------------------------------------------------------------------------------


def _find_labels(shadow: str, labels: set[str]) -> Iterator[tuple[int, int]]:
    """Every leftmost-longest occurrence of any label, without a regex alternation: the labels
    are indexed by first character and length, so the scan costs the text's length times the
    number of distinct label lengths (a dozen at most), however many labels there are."""
    by_first: dict[str, list[int]] = {}
    for label in labels:
        by_first.setdefault(label[0], []).append(len(label))
    for lengths in by_first.values():
        lengths[:] = sorted(set(lengths), reverse=True)
    firsts = re.compile("[" + re.escape("".join(by_first)) + "]") if by_first else None
    if firsts is None:
        return
    at = 0
    n = len(shadow)
    while True:
        m = firsts.search(shadow, at)
        if m is None:
            return
        i = m.start()
        for size in by_first[shadow[i]]:
            if i + size <= n and shadow[i : i + size] in labels:
                yield i, i + size
                at = i + size
                break
        else:
            at = i + 1


def _find_numbered(found: _Found, quotes: _Quotes) -> set[int]:
    """The numbered spans, each as ``start * _SPAN + end`` (numbers, not tuples: one call can
    find a hundred thousand, and numbers give the garbage collector nothing to visit)."""
    shadow = found.shadow
    labels = set(KNOWN_NUMBERED)
    labels.update(
        label for qs, qe in zip(quotes.starts, quotes.ends, strict=True)
        if _NUMBERED_SHAPE.fullmatch(shadow, qs, qe) and _quoted_label(label := shadow[qs:qe])
    )
    spans: set[int] = set()
    labelled: dict[int, int] = {}  # start → end of known and quoted labels
    for start, end in _find_labels(shadow, labels):
        # 十四个意识 is no label, nor 统一带一路: a label starts a word
        if start == 0 or (shadow[start - 1] not in _NUM_BEFORE
                          and shadow[start - 1 : start + 1] not in _NUMERAL_TAILS):
            spans.add(start * _SPAN + end)
            labelled[start] = end
    words: dict[str, str] | None = None  # jieba's dictionary, read when first needed
    for m in _NUMERIC_LABEL_RE.finditer(shadow):
        label, head = m.group(1), m.group(2)
        if _DATE_LABEL.fullmatch(label):
            continue  # “7·20”暴雨: an event, named by its date
        if head:
            words = words if words is not None else _dictionary()
            if head + shadow[m.end() : m.end() + 1] in words:
                head = None  # “4×4”现代|化: the head would cut a word (现代化) in two
        # The label is the quoted part, whatever follows (“1+10+N”政策体系 and “1+10+N” are one
        # label); a head noun after it only vouches for a short count (“3”的目标 is a number).
        if head or not label.isdigit() or len(label) >= 3:
            spans.add(m.start(1) * _SPAN + m.end(1))
    at = 0
    while (u := _UNQUOTED_SET.search(shadow, at)) is not None:
        start = u.start()
        at = start + 1
        if shadow[start] == "一" or shadow[start - 1 : start + 1] in _NUMERAL_TAILS:
            continue  # 一项重大任务, 一大批…: one of, a count; 统一|大市场: 一 ends a word
        if u.group(1):
            head = u.group(1)
            end = _label_end(head, LABEL_HEADS)
            after = u.start(1) + end
            whole = after >= len(shadow) or not _HAN_RUN_RE.match(shadow[after]) or (
                shadow[after] in _FUNCTION)  # 十四个意识形态: 意识 is part of 意识形态
        else:
            modifier = u.group(2)
            cut = _NOT_IN_MODIFIER.search(modifier)
            words = words if words is not None else _dictionary()
            end = _set_end(shadow, u.start(2), modifier[: cut.start()] if cut else modifier, words)
            after = u.start(2) + end
            whole = True
        if end and whole and labelled.get(start, -1) < after:  # 四个意识 is a label already
            spans.add(start * _SPAN + after)
            at = after
    return spans


def _dictionary() -> dict[str, str]:
    """jieba's dictionary, word → part of speech (read once per process, on first use)."""
    from studykit.text.segment import _jieba_tag_table

    return _jieba_tag_table()


def _quoted_label(label: str) -> bool:
    """A quoted phrase of a numbered shape is a label, unless it begins with a word that names
    no set (“双向发力”), is a quantity (“五年”, “四级”) or is lexicalised: an idiom of the
    dictionary (“万众一心”, “十年磨一剑”), a dictionary word of four characters or more that is
    not a numeral (“四两拨千斤”), or a dictionary word made of numeral + measure word (“一口价”,
    “两只手”). The set shapes (“五个一工程”, “三位一体”) are labels even when the dictionary
    has them."""
    if label in _NUMERAL_WORDS or (len(label) <= 4 and label[:2] in _NUMERAL_WORDS):
        return False
    if len(label) == 2 and label[1] in _QUANTITY:
        return False
    tag = _dictionary().get(label)
    if tag is None or _SET_SHAPE.fullmatch(label):
        return tag != "i"
    measured = _MEASURED.match(label) is not None
    return tag[0] not in "il" and (len(label) < 4 or tag == "m") and not measured


def _label_end(head: str, heads: frozenset[str]) -> int:
    """Where a named set's head noun ends inside ``head`` (0: no head noun there). The shortest
    match wins, so 四个方法建立 stops after 方法."""
    for end in range(2, len(head) + 1):
        for size in (2, 3, 4):
            if end - size >= 0 and head[end - size : end] in heads:
                return end
    return 0


def _set_end(shadow: str, at: int, modifier: str, words: Collection[str]) -> int:
    """Where the head noun of ``N大`` + ``modifier`` (at ``at`` in ``shadow``) ends, or 0.

    The first head of :data:`_DA_HEADS` (十大千亿级|产业) that does not run on: a head is cut in
    two when it and the next character are a word of the dictionary or a longer head
    (五大现代服务|业 goes on to 服务业产业集群, 四大特色产业|带 to 产业带), and it runs on into a
    compound when the next two characters make a word of it (六大优势|产业 goes on to 优势产业) and
    a later head ends the phrase; else the compound's first head stands (十大重点节能工程|建设)."""
    fallback = 0
    for end in range(2, len(modifier) + 1):
        for size in (2, 3, 4):
            head = modifier[end - size : end] if end - size >= 0 else ""
            if head in _DA_HEADS:
                rest = shadow[at + end : at + end + 2]
                cut = head + rest[:1]
                if cut in words or cut in _DA_HEADS or head + rest in _DA_HEADS:
                    break  # a head cut in two: never the end
                if head + rest not in words:
                    return end
                fallback = fallback or end
                break
    return fallback


# --- parallel --------------------------------------------------------------------------------


def _find_parallel(
    found: _Found, quotes: _Quotes, *, add: bool
) -> list[tuple[int, int]]:
    """Runs of parallel members in every heading and paragraph; returns their spans.

    The regions are joined by line breaks (which close members of every level), with the
    separators inside each region's quotations masked, so each level's parents are found by one
    search over the document. Members are offsets into the shadow, and the work per member (its
    normalised form, its figures) is done once, not for every window it is in; frames are
    judged once per call for each distinct group of member texts."""
    shadow = found.shadow
    regions = found.regions
    opening = [q - 1 for q in quotes.starts]  # the marks
    closing = [q + 1 for q in quotes.ends]

    def inner(region: _Region) -> list[tuple[int, int]]:
        """The quotations opening in the region."""
        lo = bisect_right(opening, region.start - 1)
        hi = bisect_right(opening, region.end)
        return list(zip(opening[lo:hi], closing[lo:hi], strict=True))

    pieces: list[str] = [""]
    offsets: list[int] = []  # where each region starts in the joined text
    at = 1
    for region in regions:
        pieces.append(_mask_quotes(shadow, region.start, region.end, inner(region)))
        offsets.append(at)
        at += region.end - region.start + 1
    joined = "\n".join(pieces)
    by_region: dict[int, dict[tuple[int, int], tuple[int, str]]] = {}
    memo: dict[tuple[str, ...], str | None] = {}  # frames judged in this call
    for level in _LEVELS:
        for parent in level.parent_re.finditer(joined):  # those with three members or more
            text = parent.group(1)
            parts = level.sep_re.split(text)
            if _MASKED in text or "" in parts or _WS_RE.search(text):
                r = bisect_right(offsets, parent.start(1)) - 1
                start = regions[r].start + parent.start(1) - offsets[r]
                found_members: list[str] | tuple[list[int], list[int], list[str]]
                found_members = _stripped(shadow, parts, start)
                raws = found_members[2]
            else:  # the parts are the members
                r = start = -1
                found_members = raws = parts
            first = _first_start(raws, level.max_member)
            if first < 0:
                continue  # most parents: no window passes the cheap tests
            if r < 0:
                r = bisect_right(offsets, parent.start(1)) - 1
                start = regions[r].start + parent.start(1) - offsets[r]
            members = _Members(shadow, found_members, start, level, memo)
            for n, run_start, run_end, pattern in members.runs(first):
                candidates = by_region.setdefault(r, {})
                old = candidates.get((run_start, run_end))
                if old is None or n > old[0]:
                    candidates[(run_start, run_end)] = (n, pattern)
    spans: list[tuple[int, int]] = []
    for r, region in enumerate(regions):
        text = pieces[r + 1]
        dashed = "—" in text or "--" in text or text.count("、") >= 2
        if r not in by_region and not dashed:
            continue
        candidates = by_region.get(r, {})
        if dashed:
            for span, (n, pattern) in _dashed_runs(shadow, region, inner(region)).items():
                candidates.setdefault(span, (n, pattern))
        kept: list[tuple[int, int]] = []
        order = sorted(candidates, key=lambda s: (-candidates[s][0], -(s[1] - s[0]), s))
        for span in order:
            if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
                kept.append(span)
        for span in sorted(kept):
            count, pattern = candidates[span]
            spans.append(span)
            if add:
                found.add("parallel", span[0], span[1], pattern=pattern, members=count)
    if add:
        for first, a, b, n in _dashed_paragraphs(shadow, regions):
            found.add("parallel", a, b, pattern="——…", members=n, region=first)
    return spans


def _dashed_paragraphs(shadow: str, regions: list[_Region]) -> Iterator[tuple[int, int, int, int]]:
    """Runs of three or more consecutive paragraphs of one section that each open with ``——``
    (目标如下：|——经济实力跃上新台阶，…。|——创新能力实现新提升，…。|——…), as (index of the first
    region, start, end, members). A member is the first sentence of its paragraph; the sentences
    after it elaborate it, so the run ends with the last member's first sentence."""
    run: list[int] = []  # the regions of the current run
    for r in range(len(regions) + 1):
        led = r < len(regions) and _dash_led(shadow, regions[r])
        follows = led and bool(run) and (
            regions[run[-1]].section == regions[r].section
            and regions[run[-1]].paragraph + 1 == regions[r].paragraph
        )
        if run and not follows:
            if len(run) >= 3:
                first, last = regions[run[0]], regions[run[-1]]
                end = _SENTENCE_END_RE.search(shadow, last.start, last.end)
                start = first.start + _leading_space(shadow, first.start, first.end)
                yield run[0], start, end.start() if end else last.end, len(run)
            run = []
        if led:
            run.append(r)


def _dash_led(shadow: str, region: _Region) -> bool:
    """``region`` is a paragraph that opens with ``——``."""
    at = region.start + _leading_space(shadow, region.start, region.end)
    return region.paragraph >= 0 and _DASH_RE.match(shadow, at, region.end) is not None


def _leading_space(text: str, start: int, end: int) -> int:
    """How many spaces open ``text[start:end]``."""
    k = start
    while k < end and text[k] in _WS:
        k += 1
    return k - start


class _Cut(NamedTuple):
    """A level of members: the separators between members and those that close their parent.
    ``parent_re`` matches a close and then the whole parent after it, when that holds two
    separators or more (three members); its possessive repeats never backtrack, so the search
    is linear."""

    name: str
    sep_re: re.Pattern[str]
    parent_re: re.Pattern[str]
    max_member: int


def _cut(name: str, seps: str, closes: str, max_member: int) -> _Cut:
    c, cs = f"{closes}\\r\\n", f"{closes}{seps}\\r\\n"
    parent = f"[{c}]([^{cs}]*+[{seps}][^{cs}]*+[{seps}][^{c}]*+)"
    return _Cut(name, re.compile(f"[{seps}]"), re.compile(parent), max_member)


_LEVELS = (
    _cut("item", "、", "，,；;。！？!?：:", PARALLEL_MAX_MEMBER),
    _cut("clause", "，,", "；;。！？!?：:", PARALLEL_MAX_MEMBER),
    _cut("part", "；;", "。！？!?", 60),
)
_CUT_CHARS = "、，,；;。！？!?：:\r\n"
_MASKED = "\ue002"  # a separator inside a quotation: it closes and separates nothing
_MASK_TABLE = str.maketrans(_CUT_CHARS, _MASKED * len(_CUT_CHARS))
_WS_RE = re.compile(f"[{_WS}]")


def _mask_quotes(shadow: str, start: int, end: int, inner: list[tuple[int, int]]) -> str:
    """``shadow[start:end]`` with the separators inside the quotations ``inner`` masked, so
    members and their parents are cut only outside quotations."""
    if not inner:
        return shadow[start:end]
    parts: list[str] = []
    at = start
    for a, b in inner:  # content of a quotation: a + 1 .. b - 2
        lo, hi = max(a + 1, at), min(b - 1, end)
        if lo < hi:
            parts += [shadow[at:lo], shadow[lo:hi].translate(_MASK_TABLE)]
            at = hi
    parts.append(shadow[at:end])
    return "".join(parts)


def _in_quote(pos: int, inner: list[tuple[int, int]]) -> bool:
    return any(a < pos < b - 1 for a, b in inner)


class _Members:
    """The members of one parent: their offsets into the shadow and their texts, with what the
    frame search needs of a member computed once and only when asked (the normalised text,
    :func:`_norm`; whether it holds a figure).

    The members are the parent's parts between separators, without the spaces around them;
    empty parts are dropped."""

    def __init__(
        self, shadow: str, members: list[str] | tuple[list[int], list[int], list[str]], start: int,
        level: _Cut, memo: dict[tuple[str, ...], str | None],
    ) -> None:
        self.text = shadow
        self.level = level
        self.memo = memo
        self._start = start
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        if isinstance(members, tuple):  # offsets and texts from _stripped
            self._starts, self._ends, self.raws = members
        else:  # the parent's parts; their offsets follow from their lengths when asked
            self.raws = members
        n = len(self.raws)
        self._norms: list[str | None] = [None] * n
        self._digits: list[bool | None] = [None] * n
        self._judged: dict[tuple[int, int], tuple[int, int, int, str] | None] = {}

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = list(accumulate([len(p) + 1 for p in self.raws[:-1]], initial=self._start))
        return self._starts

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = list(map(add, self.starts, map(len, self.raws)))
        return self._ends

    def norm(self, k: int) -> str:
        t = self._norms[k]
        if t is None:
            t = self._norms[k] = _norm(self.raws[k])
        return t

    def digit(self, k: int) -> bool:
        d = self._digits[k]
        if d is None:
            d = self._digits[k] = _DIGIT.search(self.raws[k]) is not None
        return d

    def runs(self, i: int) -> Iterator[tuple[int, int, int, str]]:
        """Maximal runs of ≥3 consecutive members that share a frame, leftmost first, from
        member ``i`` on (the first where :func:`_may_start` holds, see :func:`_first_start`):
        (members, start, end, pattern)."""
        raws = self.raws
        n = len(raws)
        longest = self.level.max_member
        tested = i
        while i <= n - 3:
            if i != tested and not _may_start(raws[i + 1], raws[i + 2], longest):
                i += 1  # no run starts here
                continue
            best: tuple[int, int, int, str] | None = None
            for j in range(i + 3, min(n, i + 16) + 1):
                judged = self.judge(i, j)
                if judged is None or (best is not None and _score(judged[3]) < _score(best[3])):
                    break  # the run stopped growing, or grew only by weakening its frame
                best = judged
            if best is None:
                i += 1
                continue
            size = best[0]
            if size >= 4:  # a first member that fits the frame worse is a lead-in clause
                rest = self.judge(i + 1, i + size)
                if rest is not None and _score(rest[3]) > _score(best[3]):
                    i += 1
                    continue
            yield best
            i += size if best[2] == self.ends[i + size - 1] else 1

    def judge(self, i: int, j: int) -> tuple[int, int, int, str] | None:
        """Members ``i`` to ``j - 1`` (the first and last trimmed) as (members, start, end,
        pattern), or None."""
        key = (i, j)
        judged = self._judged
        if key not in judged:
            may = self._may_frame3(i) if j - i == 3 else self._may_frame(i, j)
            judged[key] = self._judge(i, j) if may else None
        return judged[key]

    def _may_frame3(self, i: int) -> bool:
        """:meth:`_may_frame` for the three members from ``i``, spelled out for speed: there is
        one middle member, so length ratios and figures cannot rule the window out."""
        la = len(self.raws[i + 1])
        most = self.level.max_member
        if la > most:
            return False
        reach = min(most, int(PARALLEL_MAX_RATIO * la))
        norms = self._norms
        a = norms[i + 1] or self.norm(i + 1)
        first = (norms[i] or self.norm(i))[-reach:]
        last = (norms[i + 2] or self.norm(i + 2))[:reach]
        na = len(a)
        head = a[0]
        headed = last[0] == head and head in first and _lead_char(head)
        if headed and (na == 3 or (na >= 2 and last.startswith(a[:2]) and a[:2] in first
                                   and _lead_char(a[1]))):
            return True
        tail = first[-1]
        if a[-1] == tail and tail in last and _lead_char(tail) and (
            na == 3 or (len(first) >= 2 and a.endswith(first[-2:]) and first[-2:] in last
                        and _lead_char(first[-2]))
        ):
            return True
        if _PLACEHOLDER in a and _PLACEHOLDER in first and _PLACEHOLDER in last:
            return True
        if not any(ch in first and ch in last and _han_char(ch) and ch not in _GENERIC_INFIX
                   for ch in a[1:]):
            return False
        if headed or na <= 8:
            return True
        need = 2 if na <= 12 else 3
        return any(piece in first and piece in last and all(map(_han_char, piece))
                   for piece in (a[at : at + need] for at in range(1, na - need + 1)))

    def _may_frame(self, i: int, j: int) -> bool:
        """Necessary conditions for :meth:`_judge`, cheap to test.

        The middle members are never trimmed, so their lengths and figures already decide. The
        first member can only lose a lead-in and the last what runs on, so each way
        :func:`_frame` accepts a frame shows in the untrimmed members: a prefix of two
        characters (shared by all members but the first, found in the first), or of one when
        the middle members have three characters; a suffix likewise (shared by all but the last,
        found in the last); a quoted-label slot in every member, the middle ones of one length;
        or an infix, a Han character other than :data:`_GENERIC_INFIX` in every member (after
        the first character of each middle one), with a one-character prefix or middle members
        within 1.5× of each other's length (and for longer members a string of two or three Han
        characters, see :func:`_frame`). Since :meth:`_judge` keeps at most
        ``PARALLEL_MAX_RATIO`` times the shortest middle member (and at most the level's
        ``max_member``) of the first and the last, only that much of their ends is searched."""
        raws = self.raws
        lengths = [len(raws[k]) for k in range(i + 1, j - 1)]
        longest, shortest = max(lengths), min(lengths)
        if longest > self.level.max_member or longest > PARALLEL_MAX_RATIO * shortest:
            return False
        # The trimmed first and last members have at most ``reach`` characters (see _judge).
        reach = min(self.level.max_member, int(PARALLEL_MAX_RATIO * shortest))
        norms = self._norms
        texts = [norms[k] or self.norm(k) for k in range(i, j)]
        first, last, middle = texts[0][-reach:], texts[-1][:reach], texts[1:-1]
        sizes = list(map(len, middle))
        short = min(sizes) == 3 == max(sizes)
        head = middle[0][0]
        headed = _lead_char(head) and head in first and all(t[0] == head for t in texts[2:])
        if headed:
            two = middle[0][:2]
            if short or (len(two) == 2 and _lead_char(two[1]) and two in first
                         and all(t.startswith(two) for t in texts[2:])):
                return self._few_figures(i, j)
        tail = first[-1]
        if _lead_char(tail) and tail in last and all(t[-1] == tail for t in middle):
            two = first[-2:]
            if short or (len(two) == 2 and _lead_char(two[0]) and two in last
                         and all(t.endswith(two) for t in middle)):
                return self._few_figures(i, j)
        if min(sizes) == max(sizes) and all(_PLACEHOLDER in t for t in (first, *middle, last)):
            return self._few_figures(i, j)
        if not headed and max(sizes) > 1.5 * min(sizes):
            return False
        probe = middle[0]
        inner = [t[1:] for t in middle[1:]]
        if not any(ch in first and ch in last and _han_char(ch) and ch not in _GENERIC_INFIX
                   and all(ch in t for t in inner) for ch in probe[1:]):
            return False
        if not (headed or max(sizes) <= 8):
            # Without a one-character prefix, longer members need an infix of two characters
            # (three in a run of three members longer than twelve): a Han string in every member.
            need = 2 if max(sizes) <= 12 or j - i >= 4 else 3
            if not any(piece in first and piece in last and all(map(_han_char, piece))
                       and all(piece in t for t in inner)
                       for piece in (probe[at : at + need] for at in range(1, len(probe) - need + 1))):
                return False
        return self._few_figures(i, j)

    def _few_figures(self, i: int, j: int) -> bool:
        """At most one middle member holds a figure (see :meth:`_judge`)."""
        return sum(1 for k in range(i + 1, j - 1) if self.digit(k)) < 2

    def _judge(self, i: int, j: int) -> tuple[int, int, int, str] | None:
        texts = [self.norm(k) for k in range(i, j)]
        memo = self.memo
        middle = texts[1:-1]
        first_options = _first_options(texts[0], texts[1:])
        last_options = _last_options(texts[-1], texts[:-1], items=self.level.name == "item")
        best: tuple[int, int, int, int, str] | None = None  # score, -misfit, -cut, kept, pattern
        typical = _mode([len(t) for t in middle] or [len(texts[1])])
        seen: set[tuple[str, str]] = set()
        for cut0, first in first_options:
            for cut1, last in last_options:
                if (first, last) in seen:
                    continue
                seen.add((first, last))
                group = (first, *middle, last)
                if group in memo:
                    pattern = memo[group]
                else:
                    pattern = memo[group] = _frame(group)
                if pattern is None:
                    continue
                # Cut the last member only when that shows more of the frame (ties keep it
                # whole); cut a lead-in off the first when it then fits its siblings' length
                # better.
                key = (_score(pattern), -abs(len(first) - typical), -cut0, cut1, pattern)
                if best is None or key[:4] > best[:4]:
                    best = key
        if best is None:
            return None
        _, _, neg0, kept, pattern = best
        start = self.starts[i] + _raw_offset(self.raws[i], texts[0], -neg0)
        end = self.starts[j - 1] + _raw_offset(self.raws[j - 1], texts[-1], kept)
        digits = sum(1 for k in range(i + 1, j - 1) if self.digit(k))
        if self.digit(i) and _DIGIT.search(self.text, start, self.ends[i]):
            digits += 1
        if self.digit(j - 1) and _DIGIT.search(self.text, self.starts[j - 1], end):
            digits += 1
        if digits >= 2:
            return None  # 地区生产总值增长5.3%，…收入增长4.1%: figures listed, not 排比
        lengths = [self.ends[i] - start, *map(sub, self.ends[i + 1 : j - 1], self.starts[i + 1 : j - 1]),
                   end - self.starts[j - 1]]
        longest = max(lengths)
        if longest > self.level.max_member or longest > PARALLEL_MAX_RATIO * min(lengths):
            return None
        return j - i, start, end, pattern


def _stripped(text: str, parts: list[str], start: int) -> tuple[list[int], list[int], list[str]]:
    """Offsets and texts of the non-empty ``parts`` (at ``start`` in ``text``, one separator
    between each), without the spaces around them."""
    starts: list[int] = []
    ends: list[int] = []
    raws: list[str] = []
    at = start
    for part in parts:
        a, at = at, at + len(part) + 1
        kept = part.strip(_WS)
        if kept:
            a += len(part) - len(part.lstrip(_WS))
            starts.append(a)
            ends.append(a + len(kept))
            raws.append(text[a : a + len(kept)])
    return starts, ends, raws


def _first_start(raws: list[str], longest: int) -> int:
    """The first member where a run may start (see :func:`_may_start`, spelled out here for
    speed: every member of every parent passes through), or -1."""
    for i in range(len(raws) - 2):
        sa, sb = raws[i + 1], raws[i + 2]
        if len(sa) <= longest and (
            sa[0] == sb[0] or sa[-2:] in sb or (len(sa) == 3 == len(sb))
            or ("“" in sa and "“" in sb) or ("「" in sa and "「" in sb) or _same_place(sa, sb)
        ):
            return i
    return -1


def _may_start(sa: str, sb: str, longest: int) -> bool:
    """Whether a run may start a member before ``sa`` and ``sb``: the second member ``sa`` is
    short enough to be a middle one (see :meth:`_Members._may_frame`), and the second and third
    share something, a cheap necessary condition for a frame (the first may still lose a
    lead-in): they open or close alike, the tail of one recurs in the other (the last member
    may run on), both hold a quoted label, both have three characters, or :func:`_same_place`."""
    return len(sa) <= longest and (
        sa[0] == sb[0] or sa[-2:] in sb or (len(sa) == 3 == len(sb))
        or ("“" in sa and "“" in sb) or ("「" in sa and "「" in sb) or _same_place(sa, sb)
    )


def _same_place(sa: str, sb: str) -> bool:
    """``sa`` and ``sb`` have the same character, other than :data:`_NO_FRAME`, at the same
    place counted from the start or from the end: two in a row, or one when either has at most
    eight characters.

    An infix frame needs this of the second and third members of a run (see
    :func:`_may_start`)."""
    na, nb = len(sa), len(sb)
    one = na <= 8 or nb <= 8
    m = min(na, nb)  # from the start, then the last m characters of each
    for x, y in ((sa, sb), (sa[na - m :], sb[nb - m :])) if na != nb else ((sa, sb),):
        same = list(map(eq, x, y))
        if True in same:
            at = [i for i in compress(range(m), same) if x[i] not in _NO_FRAME]
            if at and (one or any(b - a == 1 for a, b in pairwise(at))):
                return True
    return False


def _han_char(ch: str) -> bool:
    """``ch`` is a Han character (:data:`studykit.zh.HAN`)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def _lead_char(ch: str) -> bool:
    """``ch`` can be part of a shared prefix or suffix (:func:`_leading`)."""
    return _han_char(ch) or ch in _LEADING_MARKS


def _score(pattern: str) -> int:
    """How much a frame shares: its characters other than the variable slots."""
    return len(pattern) - pattern.count("…")


def _norm(text: str) -> str:
    """A member as the frame sees it: quoted labels as one slot, an ordinal opening (一是,
    十三是, 第二，) as a neutral mark, since numbering members is not sharing words."""
    if "“" in text or "「" in text or "『" in text:
        text = _QUOTE_IN_MEMBER.sub(lambda m: m.group()[0] + _PLACEHOLDER + m.group()[-1], text)
    if text[:1] in _ORDINAL_FIRST:
        text = _ORDINAL.sub(_ORDINAL_MARK, text, count=1)
    return text


def _raw_offset(raw: str, norm: str, norm_offset: int) -> int:
    """The offset in a member's text ``raw`` of position ``norm_offset`` of its normalised
    form ``norm``."""
    if norm == raw:  # nothing replaced (or a slot standing for itself): the same offsets
        return min(norm_offset, len(raw))
    index: list[int] = []  # raw offset of each normalised character
    at = 0
    ordinal = _ORDINAL.match(raw)
    if ordinal:
        index.append(0)
        at = ordinal.end()
    for m in _QUOTE_IN_MEMBER.finditer(raw, at):
        index.extend(range(at, m.start() + 1))  # up to and including the opening mark
        index.append(m.start() + 1)  # the slot
        index.append(m.end() - 1)  # the closing mark
        at = m.end()
    index.extend(range(at, len(raw)))
    index.append(len(raw))
    return index[min(norm_offset, len(index) - 1)]


def _mode(values: list[int]) -> int:
    """The most frequent value; the smallest of equally frequent ones."""
    return max(sorted(set(values)), key=values.count)


def _first_options(first: str, others: list[str]) -> list[tuple[int, str]]:
    """Ways to cut a lead-in off the first member: (characters cut, member)."""
    options = [(0, first)]
    prefix = _leading(_common_prefix(others))
    if prefix and not first.startswith(prefix):  # 坚决纠治|乱收费: start at the shared prefix
        for size in range(len(prefix), 0, -1):
            pos = first.rfind(prefix[:size])
            if pos > 0:
                options.append((pos, first[pos:]))
                break
    if len(first) > max(map(len, others)):
        for size in sorted(set(map(len, others))):  # 全面推进|产业振兴: a sibling's length
            pos = len(first) - size
            if 0 < size < len(first) and first[pos:] != options[-1][1] and _word_boundary(first, pos):
                options.append((pos, first[pos:]))
    return options


def _word_boundary(text: str, pos: int) -> bool:
    """A cut at ``pos`` does not fall inside an item of a 、-list that the kept part holds
    (加快发展数|智消费、悦己消费、银发经济: the cut must keep 数智消费 whole, or not cut)."""
    return "、" not in text[pos:] or text[pos - 1] in "、，,；;：: " or text[pos] == "、"


def _last_options(last: str, others: list[str], *, items: bool = True) -> list[tuple[int, str]]:
    """Ways to cut what runs on after the last member: (characters kept, member). A 、-item may
    lose the head noun its siblings share (标准化、规范化、便利化|水平); a clause keeps a noun
    that its end modifies (…形成优质企业发展|格局 is one phrase)."""
    options = [(len(last), last)]
    longest = max(map(len, others))
    if len(last) > longest:
        pos = last.find("的", min(map(len, others)))
        if 0 < pos <= longest:
            options.append((pos, last[:pos]))
    suffix = _common_suffix(others)
    if len(suffix) >= 1:
        pos = last.rfind(suffix)
        end = pos + len(suffix)
        if pos > 0 and end < len(last) and (items or _runs_on(last, end)):
            options.append((end, last[:end]))
    return options


def _runs_on(text: str, end: int) -> bool:
    """``text[end:]`` is a run-on after a clause, not the head noun of a phrase the clause's
    end modifies: it starts with a function character, or its first word is no noun."""
    if text[end] in _FUNCTION or not _han_char(text[end]):
        return True
    words = _dictionary()
    for size in (4, 3, 2):
        tag = words.get(text[end : end + size])
        if tag is not None:
            return tag[0] != "n"
    return True


def _common_prefix(texts: Sequence[str]) -> str:
    low, high = min(texts), max(texts)  # the prefix common to all is common to these two
    for i, ch in enumerate(low):
        if high[i] != ch:
            return low[:i]
    return low


def _common_suffix(texts: Sequence[str]) -> str:
    first = texts[0]
    size = min(map(len, texts))
    for k in range(size):
        ch = first[-1 - k]
        if any(t[-1 - k] != ch for t in texts):
            size = k
            break
    return first[len(first) - size :]


def _trailing(s: str) -> str:
    """The trailing run of Han characters and quoted-label slots (see :func:`_leading`)."""
    k = len(s)
    while k and _lead_char(s[k - 1]):
        k -= 1
    return s[k:]


def _leading(s: str) -> str:
    """The leading run of Han characters and quoted-label slots."""
    m = _LEADING_RE.match(s)
    return m.group() if m else ""


def _frame(members: Sequence[str]) -> str | None:
    """The shared pattern of parallel members (``一同…``, ``在…上…``, ``…阵地``), or None."""
    prefix = _leading(_common_prefix(members))
    shortest = min(map(len, members))
    if len(prefix) >= shortest:  # nothing variable left
        return None
    suffix = _trailing(_common_suffix(members))
    if len(prefix) + len(suffix) >= shortest:
        suffix = suffix[len(prefix) + len(suffix) - shortest + 1 :]
    middles = [m[len(prefix) : len(m) - len(suffix)] for m in members]
    longest = max(map(len, members))
    short = longest == 3 == shortest
    prefix = prefix.lstrip(_ORDINAL_MARK)
    generic = prefix[:2] in _GENERIC_PREFIXES or prefix[:3] in _GENERIC_PREFIXES or prefix == "第"
    plain_suffix = suffix.replace(_PLACEHOLDER, "").strip("“”「」『』")
    prefix_ok = not generic and (len(prefix) >= 2 or (len(prefix) == 1 and short))
    slot_only = _PLACEHOLDER in suffix and not plain_suffix
    suffix_ok = (len(suffix) >= 2 and bool(plain_suffix.strip(_FUNCTION)) and not slot_only) or (
        len(suffix) == 1 and short and suffix not in _FUNCTION
    ) or (slot_only and len({len(m) for m in members}) == 1  # 增强“…”、坚定“…”、做到“…”
          and shortest - len(suffix) - len(prefix) <= 4)
    headed = len(prefix) == 1 and not generic  # 在…上…, 向…要…, 把…作为…
    if not (prefix_ok or suffix_ok or headed or longest <= 1.5 * shortest):
        return None  # no infix could make a frame: skip looking for one
    infix = _infix(middles) if min(map(len, middles)) >= 2 else ""
    infix_ok = bool(infix) and (
        headed
        or (_aligned(middles, infix) and longest <= 1.5 * shortest  # 遇到矛盾不绕、…
            and (len(infix) >= 3 or (len(infix) == 2 and (longest <= 12 or len(members) >= 4))
                 or longest <= 8))
    )
    if not (prefix_ok or suffix_ok or infix_ok):
        return None
    if generic and not (suffix_ok or infix_ok):
        return None
    shown = prefix if (prefix_ok or infix_ok) and not generic else ""
    if not shown and _enumeration(infix, plain_suffix if suffix_ok else ""):
        return None
    parts = [shown, "…"]
    if infix:
        parts += [infix, "…"]
    if suffix_ok:
        parts.append(suffix)
    # A quoted label is a variable slot: 把“\ue000”… reads 把“…”…, never the placeholder.
    return _ELLIPSES.sub("…", "".join(parts).replace(_PLACEHOLDER, "…"))


def _enumeration(infix: str, suffix: str) -> bool:
    """Members that share no verb frame, only the kind of thing they name, are an enumeration,
    not 排比: a generic name suffix alone (浙江工业大学、温州医科大学、西湖大学; 杭州都市圈、宁波都市圈;
    东川市、青禾市、云岭市) or an ``等``-category (温福高铁、沪杭高铁等项目…, 绍兴中芯…等项目…)."""
    def names(shared: str) -> bool:
        return shared in _NAME_SUFFIXES or shared.startswith("等")

    return names(infix) and (not suffix or names(suffix)) if infix else names(suffix)


def _aligned(middles: list[str], infix: str) -> bool:
    """The infix sits at the same place in every middle, counted from its start or its end."""
    at = [m.find(infix) for m in middles]
    return len(set(at)) == 1 or len({len(m) - a for m, a in zip(middles, at, strict=True)}) == 1


def _infix(middles: list[str]) -> str:
    """The longest Han string inside every middle, after a variable part.

    One character counts only at the same position from the start or from the end of every
    middle (在目标上一致, 在任务上统一), so a character shared by chance does not make a frame.
    """
    shortest = min(middles, key=len)
    common = set(shortest[1:]).intersection(*(m[1:] for m in middles))
    common = {ch for ch in common if _han_char(ch)}
    if common <= _GENERIC_INFIX:  # nothing, or only characters that never make an infix alone
        return ""
    best = ""
    for lo, hi in _stretches(shortest, common):  # a common substring lies in one of these
        for size in range(min(hi - lo, 8), max(len(best), 1), -1):
            hit = next((shortest[i : i + size] for i in range(lo, hi - size + 1)
                        if all(m.find(shortest[i : i + size]) > 0 for m in middles)), None)
            if hit is not None:
                best = hit
                break
    if best and not all(c in _GENERIC_INFIX for c in best):
        return best
    for ch in shortest[1:]:
        if ch not in common or ch in _GENERIC_INFIX:
            continue
        if len({m.find(ch) for m in middles}) == 1 or len({len(m) - m.rfind(ch) for m in middles}) == 1:
            return ch
    return ""


def _stretches(text: str, chars: set[str]) -> list[tuple[int, int]]:
    """Maximal ``[lo, hi)`` stretches of ``text[1:]`` made only of ``chars``."""
    out: list[tuple[int, int]] = []
    lo = -1
    for i in range(1, len(text)):
        if text[i] in chars:
            if lo < 0:
                lo = i
        elif lo >= 0:
            out.append((lo, i))
            lo = -1
    if lo >= 0:
        out.append((lo, len(text)))
    return out


def _noun_list(items: list[str]) -> bool:
    """Most items are nouns of jieba's dictionary (三星堆、大熊猫、都江堰): a list of things, not
    verb-object members such as 讲政治、顾大局、守规矩 (which the dictionary mostly lacks)."""
    tags = _dictionary()
    nouns = sum(1 for w in items if (tags.get(w) or "x")[0] in "nm")
    return nouns * 2 > len(items)


def _dashed_runs(
    shadow: str, region: _Region, inner: list[tuple[int, int]]
) -> dict[tuple[int, int], tuple[int, str]]:
    """Runs of three or more sentences of one paragraph led by ``——`` (the members are those
    sentences; sentences between them elaborate the previous member), and three-character
    verb-object 、-lists (讲政治、顾大局、守规矩)."""
    out: dict[tuple[int, int], tuple[int, str]] = {}
    text = shadow[region.start : region.end]
    led: list[tuple[int, int]] = []
    b = 0  # where the sentence of the last dash ends
    for m in _DASH_RE.finditer(text) if "—" in text or "--" in text else ():
        a = m.start()
        if a > 0 and text[a - 1] not in _SENTENCE_END + _WS + "\r\n":
            continue  # a dash inside a sentence
        if b <= a:  # else the sentence that ends at b holds this dash too
            end = _SENTENCE_END_RE.search(text, a)
            b = end.start() if end else len(text)
        led.append((region.start + a, region.start + b))
    if len(led) >= 3:
        out[(led[0][0], led[-1][1])] = (len(led), "——…")
    for m in _THREE_CHAR_LIST_RE.finditer(text) if text.count("、") >= 2 else ():
        members = m.group().count("、") + 1
        span = (region.start + m.start() - 3, region.start + m.end())
        items = text[m.start() - 3 : m.end()].split("、")
        if not _in_quote(span[0], inner) and not _noun_list(items):
            out.setdefault(span, (members, "…、…、…"))
    return out
