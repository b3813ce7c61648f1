"""Formulations (提法): the set phrases, slogans and rhetorical patterns of policy writing.

:func:`formulations` finds four kinds in a document's headings and paragraphs (never in
boilerplate, the title block or meta lines):

``numbered``
    Numbered formulations such as 四个意识, 两个维护, 五位一体, 一岗双责 and quoted numeric
    labels such as “246”工程 or “7+4”活动.
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
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

import pandas as pd

from studykit.document.model import Document
from studykit.errors import QueryError
from studykit.zh import HAN, simplified_shadow

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
    十三五 十四五 十五五 四史
    """
)
"""Nationally canonical numbered formulations, found with or without quotation marks."""

PARALLEL_MAX_MEMBER = 40
"""A member of a parallel construction has at most this many characters."""

PARALLEL_MAX_RATIO = 3.0
"""The longest member is at most this many times the shortest."""

_NUM = "一二三四五六七八九十两"
_NUM_BEFORE = frozenset(_NUM + "第")
_H = f"[{HAN}]"
# The shapes a quoted phrase must have to count as a numbered formulation: 四个意识, 五位一体,
# 八项规定 / 五大发展理念, and paired counts 两学一做 / 一岗双责 / 两不愁三保障 / 三去一降一补.
_NUMBERED_SHAPE = re.compile(
    rf"[{_NUM}]+个{_H}{{2,4}}"
    rf"|[{_NUM}]+位一体"
    rf"|[{_NUM}]+[项大条种类]{_H}{{1,6}}"
    rf"|[{_NUM}]{_H}{{1,2}}(?:[{_NUM}双]{_H}{{1,2}}){{1,3}}"
)
_QUOTE_RE = re.compile(r"“([^“”\r\n]+)”|「([^「」\r\n]+)」|『([^『』\r\n]+)』|\"([^\"\r\n]+)\"")
# “246”工程, “7+4”活动, “十四五”规划: a quoted count followed by a two-character head noun.
_FUNCTION = "的了和与及或等之也都就是在对把将从以为而并其这那此该各每所被给向于着过"
_NUMERIC_LABEL_RE = re.compile(
    rf"[“\"「]([0-9０-９{_NUM}零〇百千万+＋\-－×·/]+)[”\"」](?=[^{_FUNCTION}个])({_H}{{2}})"
)
_SEPS_ALL = "，,、；;。！？!?：:"
_SEPS_CLAUSE = "，,；;。！？!?：:"
_SENTENCE_END = "。！？!?"
_WS = " \t\u3000"


class _Level(NamedTuple):
    """One way of cutting a paragraph into clauses, with regexes for runs of clauses that share
    their first character (``starts``) or their last two (``ends``). Each regex begins at a
    separator, so the regex engine skips ahead quickly."""

    seps: str
    clause: re.Pattern[str]
    sep: re.Pattern[str]
    starts: re.Pattern[str]
    ends: re.Pattern[str]


def _level(seps: str) -> _Level:
    c = f"[^{seps}\\r\\n]"
    return _Level(
        seps,
        re.compile(f"{c}+"),
        re.compile(f"[{seps}]"),
        re.compile(rf"[{seps}][{_WS}]*+(({_H}){c}*+(?:[{seps}][{_WS}]*+\2{c}*+)+)"),
        # three or more members: the one before the first separator and two or more after it
        re.compile(rf"[{seps}](?<=({_H}{{2}})[{seps}])(?:[{_WS}]*+{c}++(?<=\1)(?:[{seps}]|$)){{2,}}"),
    )


# 、 separates list items (一同谋划、一同部署…); ，；。 separate clauses that may hold 、-lists.
_LEVELS = (_level(_SEPS_ALL), _level(_SEPS_CLAUSE))
_LIST_TAIL = "的等于之和与中上"
# 解疑释惑、宣传政策、理顺情绪、化解矛盾: items of exactly four Han characters. The first may end a
# longer item (做好|解疑释惑) and the last may run on into 的/等/于… (化解矛盾|的工作).
_FOUR_CHAR_LIST_RE = re.compile(  # from the first 、; the first item is the four chars before it
    rf"、(?<={_H}{{4}}、)(?:{_H}{{4}}、)*{_H}{{4}}(?=[{_SEPS_ALL}{_LIST_TAIL}\r\n]|$)", re.M
)
_HAN_RUN_RE = re.compile(f"{_H}+")
_GENERIC_PREFIXES = _words("我们 他们 你们 这些 那些 这个 那个 这是 其中 同时 以及 并且 而且 但是 因此 所以 如果 虽然 一些")
_GENERIC_INFIX = frozenset("的了和与及或等之也")


class Location(NamedTuple):
    """Where a formulation occurs: section path, offsets into ``document.text`` and paragraph.

    ``paragraph`` is the 0-based index over the document's paragraphs in ``doc.walk()`` order, or
    -1 for a heading (as in the token table).
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


def formulations(
    document: Document,
    *,
    kinds: Collection[FormulationKind] | None = None,
    min_count: int = 1,
) -> FormulationResult:
    """Find the formulations (提法) of a document: numbered phrases, quotes, 排比 and 4-char lists.

    Rules, chosen so that a hit is evidence of a formulation rather than of counting things:

    - ``numbered``: a phrase found in :data:`KNOWN_NUMBERED` (四个意识, 两学一做…), anywhere; a
      quoted phrase whose whole content has a numbered shape (“三个作用”, “一岗双责”, “五位一体”);
      any later unquoted use of a label the document quoted once; and a quoted count followed
      by a two-character head (“246”工程, “7+4”活动). An unquoted, unknown ``N个X`` is ordinary
      counting (全市三个贫困县, 两个定点帮扶贫困村) and is not reported, even when repeated.
    - ``quote``: the content of each pair of quotation marks within a paragraph or heading.
    - ``parallel``: ≥3 consecutive clauses (split at ，、；。 and the like) that share a prefix of
      ≥2 characters (带头…), a suffix of ≥2 characters (…阵地) or a one-character prefix plus an
      infix at a fixed position (在…上…). The first member may be preceded by a lead-in in the
      same sentence (坚持|哪里有…). Members are at most :data:`PARALLEL_MAX_MEMBER` characters
      and within :data:`PARALLEL_MAX_RATIO` of each other's length; pronoun and conjunction
      prefixes (我们, 同时…) do not count. The last member may stop at a 的 when that reveals a
      shared frame (政协委员有行动|的良好工作格局 → ``政协…有…``). Of overlapping runs the one with
      more members wins. Runs inside one paragraph or heading only.
    - ``four_char_list``: ≥3 、-separated items of exactly four Han characters; the first may
      end a longer clause (做好|解疑释惑) and the last may be followed by 的/等/于…

    ``kinds`` keeps only the given kinds; ``min_count`` keeps formulations that occur at least
    that often.

    >>> result = formulations(doc)                               # doctest: +SKIP
    >>> result.texts("numbered")                                 # doctest: +SKIP
    ('四个意识', '四个自信', '两个维护', '三个作用', '“246”工程', '一岗双责', '“7+4”活动')
    """
    wanted = _check_kinds(kinds)
    regions = [
        _Region(u.start, u.end, u.section, u.paragraph) for u in document.units() if u.kind != "title"
    ]
    found = _Found(simplified_shadow(document.text), regions)
    # One pass of each pattern over the whole text; matches outside headings and paragraphs
    # (boilerplate, title block, meta) are dropped by the region lookup.
    quotes = [(m.start(g), m.end(g)) for m in _QUOTE_RE.finditer(found.shadow)
              for g in (m.lastindex or 1,) if m.group(g).strip()]
    if "quote" in wanted:
        for qs, qe in quotes:
            found.add("quote", qs, qe)
    if "numbered" in wanted:
        _find_numbered(found, quotes)
    if "parallel" in wanted:
        _find_parallel(found)
    if "four_char_list" in wanted:
        for m in _FOUR_CHAR_LIST_RE.finditer(found.shadow):
            members = m.group().count("、") + 1
            if members >= 3:
                found.add("four_char_list", m.start() - 4, m.end(), members=members)
    return FormulationResult(found.items(min_count), document.text)


class _Region(NamedTuple):
    start: int
    end: int
    section: str
    paragraph: int


class _Found:
    """Occurrences collected so far, keyed by kind and normalised text."""

    def __init__(self, shadow: str, regions: list[_Region]) -> None:
        self.shadow = shadow
        self.regions = sorted(regions)
        self._starts = [r.start for r in self.regions]
        self.locations: dict[tuple[FormulationKind, str], list[Location]] = {}
        self.extra: dict[tuple[FormulationKind, str], tuple[str | None, int | None]] = {}

    def region_of(self, start: int, end: int) -> _Region | None:
        """The heading or paragraph holding ``[start, end)``, or None."""
        i = bisect_right(self._starts, start) - 1
        if i >= 0 and end <= self.regions[i].end:
            return self.regions[i]
        return None

    def add(self, kind: FormulationKind, start: int, end: int, *,
            pattern: str | None = None, members: int | None = None) -> None:
        region = self.region_of(start, end)
        if region is None:
            return
        key = (kind, self.shadow[start:end])
        self.locations.setdefault(key, []).append(
            Location(region.section, start, end, region.paragraph)
        )
        if members is not None:
            self.extra[key] = (pattern, members)

    def items(self, min_count: int) -> tuple[Formulation, ...]:
        out = []
        for (kind, text), locs in self.locations.items():
            unique = tuple(sorted(set(locs), key=lambda loc: (loc.start, loc.end)))
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


def _find_numbered(found: _Found, quotes: list[tuple[int, int]]) -> None:
    shadow = found.shadow
    labels = set(KNOWN_NUMBERED)
    labels.update(shadow[qs:qe] for qs, qe in quotes if _NUMBERED_SHAPE.fullmatch(shadow, qs, qe))
    # Longest first so 两个一百年 wins over a shorter label; no numeral or 第 just before.
    alternation = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    for m in re.finditer(alternation, shadow):
        if m.start() == 0 or shadow[m.start() - 1] not in _NUM_BEFORE:  # 十四个意识 is no label
            found.add("numbered", m.start(), m.end())
    for m in _NUMERIC_LABEL_RE.finditer(shadow):
        found.add("numbered", m.start(), m.end())


# --- parallel --------------------------------------------------------------------------------


def _find_parallel(found: _Found) -> None:
    """Find runs of clauses sharing a first character or last two characters by regex, then judge
    each run (and its runs sharing two first characters) in Python."""
    shadow = found.shadow
    by_region: dict[_Region, dict[tuple[int, int], tuple[int, str]]] = {}
    judged: set[tuple[tuple[int, int], ...]] = set()  # both levels often find the same run

    def judge(region: _Region, spans: list[tuple[int, int]], prev: tuple[int, int] | None,
              *, trim: bool) -> None:
        key = (*spans, prev or (-1, -1))
        if key not in judged:
            judged.add(key)
            _judge_run(shadow, spans, prev, by_region.setdefault(region, {}), trim=trim)

    for level in _LEVELS:
        for m in level.starts.finditer(shadow):
            region = found.region_of(m.start(), m.end())
            if region is None:
                continue
            if len(level.sep.findall(shadow, m.start(1), m.end())) == 1 and shadow.find(
                m.group(2), max(region.start, m.start() - PARALLEL_MAX_MEMBER), m.start()
            ) < 0:
                continue  # two members and no third in the clause before
            spans = _split(shadow, m.start(1), m.end(), level)
            # A lead-in shares the sentence: 坚持|哪里有…,哪里有…
            prev = None if shadow[m.start()] in _SENTENCE_END else _previous(
                shadow, m.start(), region.start, level)
            for i, j in _two_char_runs(shadow, spans):
                judge(region, spans[i:j], spans[i - 1] if i else prev, trim=True)
            judge(region, spans, prev, trim=True)
        for m in level.ends.finditer(shadow):
            region = found.region_of(m.start(), m.end())
            if region is not None:
                first = _previous(shadow, m.start(), region.start, level)
                spans = ([first] if first else []) + _split(shadow, m.start() + 1, m.end(), level)
                judge(region, spans, None, trim=False)
    for candidates in by_region.values():
        # Of overlapping candidates keep the strongest: more members, then the longer pattern.
        kept: list[tuple[int, int]] = []
        for span in sorted(candidates, key=lambda s: (-candidates[s][0], -len(candidates[s][1]), s)):
            if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
                kept.append(span)
        for span in kept:
            members, pattern = candidates[span]
            found.add("parallel", span[0], span[1], pattern=pattern, members=members)


def _split(shadow: str, lo: int, hi: int, level: _Level) -> list[tuple[int, int]]:
    """Clause spans in ``shadow[lo:hi]``, without surrounding whitespace."""
    spans = []
    for m in level.clause.finditer(shadow, lo, hi):
        raw = m.group()
        text = raw.strip()
        if text:
            start = m.start() + len(raw) - len(raw.lstrip())
            spans.append((start, start + len(text)))
    return spans


def _previous(shadow: str, sep: int, floor: int, level: _Level) -> tuple[int, int] | None:
    """The clause that ends at the separator at ``sep`` (not before ``floor``)."""
    i = sep - 1
    while i >= floor and shadow[i] not in level.seps:
        i -= 1
    spans = _split(shadow, max(i + 1, floor), sep, level)
    return spans[-1] if spans else None


def _two_char_runs(shadow: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Runs ``[i, j)`` of ≥2 spans that start with the same two characters."""
    keys = [shadow[s : s + 2] for s, _ in spans]
    keys = [k if _HAN_RUN_RE.fullmatch(k) else "" for k in keys]
    i = 0
    while i < len(keys):
        j = i + 1
        while j < len(keys) and keys[i] and keys[j] == keys[i]:
            j += 1
        if j - i >= 2 and j - i < len(keys):  # the whole run is judged anyway
            yield i, j
        i = j


def _judge_run(shadow: str, spans: list[tuple[int, int]], prev: tuple[int, int] | None,
               candidates: dict[tuple[int, int], tuple[int, str]], *, trim: bool) -> None:
    """Judge one run of clauses, with a lead-in clause ``prev`` that may hold its first member;
    ``trim`` lets the last member of a prefix run lose a trailing attributive head."""
    if len(spans) + (prev is not None) < 3:
        return
    texts = [shadow[s:e] for s, e in spans]
    start = _lead_in(shadow, prev, texts) if prev is not None else None
    if start is not None and prev is not None:
        texts.insert(0, shadow[start : prev[1]])
    else:
        start = spans[0][0]
    if len(texts) < 3:
        return
    judged = _judge(texts, trim=trim)
    if judged is not None:
        pattern, cut = judged
        span = (start, spans[-1][1] - cut)
        old = candidates.get(span)
        if old is None or (len(texts), len(pattern)) > (old[0], len(old[1])):
            candidates[span] = (len(texts), pattern)


def _common_prefix(texts: list[str]) -> str:
    low, high = min(texts), max(texts)  # the prefix common to all is common to these two
    for i, ch in enumerate(low):
        if high[i] != ch:
            return low[:i]
    return low


def _leading_han(s: str) -> str:
    m = _HAN_RUN_RE.match(s)
    return m.group() if m else ""


def _infix(middles: list[str]) -> str:
    """The longest Han string inside every middle, after a variable part.

    One character counts only at the same position from the start or from the end of every
    middle (在目标上一致, 在任务上统一), so a character shared by chance does not make a frame.
    """
    shortest = min(middles, key=len)
    common = set(shortest[1:]).intersection(*(m[1:] for m in middles))
    common = {ch for ch in common if _HAN_RUN_RE.match(ch)}
    if not common:
        return ""
    best = ""
    for lo, hi in _stretches(shortest, common):  # a common substring lies in one of these
        for size in range(min(hi - lo, 8), max(len(best), 1), -1):
            hit = next((shortest[i : i + size] for i in range(lo, hi - size + 1)
                        if all(m.find(shortest[i : i + size]) > 0 for m in middles)), None)
            if hit is not None:
                best = hit
                break
    if best:
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


def _frame(members: list[str]) -> str | None:
    """The shared pattern of parallel members (``一同…``, ``在…上…``, ``…阵地``), or None."""
    prefix = _leading_han(_common_prefix(members))
    suffix = _leading_han(_common_prefix([m[::-1] for m in members]))[::-1]
    shortest = min(len(m) for m in members)
    if len(prefix) >= shortest:  # nothing variable left
        return None
    if len(prefix) + len(suffix) >= shortest:
        suffix = ""
    middles = [m[len(prefix) : len(m) - len(suffix)] for m in members]
    infix = _infix(middles) if min(len(x) for x in middles) >= 2 else ""
    prefix_ok = len(prefix) >= 2 and prefix[:2] not in _GENERIC_PREFIXES
    suffix_ok = len(suffix) >= 2 and not all(c in _FUNCTION for c in suffix)
    frame_ok = len(prefix) == 1 and bool(infix)
    if not (prefix_ok or suffix_ok or frame_ok):
        return None
    parts = [prefix if prefix_ok or frame_ok else "", "…"]
    if infix:
        parts += [infix, "…"]
    if suffix_ok:
        parts.append(suffix)
    return "".join(parts)


def _judge(texts: list[str], *, trim: bool) -> tuple[str, int] | None:
    """The pattern of these members and how many characters to cut off the last, or None."""
    lengths = [len(t) for t in texts[:-1]]
    shortest, longest = min(lengths), max(lengths)
    if longest > PARALLEL_MAX_MEMBER or longest > PARALLEL_MAX_RATIO * shortest:
        return None
    pattern = _frame(texts)
    rich = pattern is not None and pattern.count("…") > 1  # already has an infix: 在…上…
    cut = len(texts[-1]) - _trim_last(texts) if trim and not rich else 0
    if cut:  # keep the cut only when it reveals a richer frame
        trimmed = _frame([*texts[:-1], texts[-1][:-cut]])
        if trimmed is not None and len(trimmed) > len(pattern or ""):
            pattern = trimmed
        else:
            cut = 0
    last = len(texts[-1]) - cut
    if pattern is None or last > PARALLEL_MAX_MEMBER:
        return None
    if max(longest, last) > PARALLEL_MAX_RATIO * min(shortest, last):
        return None
    return pattern, cut


def _lead_in(shadow: str, prev: tuple[int, int], run: list[str]) -> int | None:
    """Where the first member starts inside the clause before a run, if it holds one.

    坚持|哪里有政协委员哪里就有党的工作,哪里有党员… : the clause before the run holds the shared
    prefix, possibly after a lead-in; the member starts at that prefix.
    """
    prefix = _leading_han(_common_prefix(run))
    before = shadow[prev[0] : prev[1]]
    for size in range(len(prefix), 0, -1):  # 哪里有党员…, 哪里有党的组织…: try 哪里有党, then 哪里有
        pos = before.rfind(prefix[:size])
        if pos >= 0 and len(before) - pos > size:
            return prev[0] + pos
    return None


def _trim_last(texts: list[str]) -> int:
    """The length of the last member once a trailing attributive head is cut off.

    政协党组织有部署、政协组织有落实、政协委员有行动|的良好工作格局: when the last member outgrows
    its siblings, it ends at a 的 that falls within their range of lengths.
    """
    last, others = texts[-1], [len(t) for t in texts[:-1]]
    if len(last) > max(others):
        pos = last.find("的", min(others))
        if 0 < pos <= max(others):
            return pos
    return len(last)


# --- four-character lists --------------------------------------------------------------------
