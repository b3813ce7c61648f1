"""Parse decoded text into a :class:`~studykit.document.model.Document`.

The parser works line by line on the decoded text. Every non-blank line ends up in exactly one
place: boilerplate (banners, breadcrumbs, print controls, editor lines, footers), the title block
(title, subtitle, dateline, speaker, meta line, byline), a section heading, or a paragraph. A
numbered line that carries body text after its first sentence (``1.围绕产业转型开展专题协商。近年来…``)
becomes a heading followed by a paragraph. Patterns are matched on a simplified shadow of the text
(:func:`studykit.zh.simplified_shadow`), so traditional documents parse the same way.

The rules are general: markers at the start of a line, numbered in sequence, make headings;
markers inside running text (``报告共分三部分:一、…;二、…``), ``一是…二是…``, inline ``(1)…;(2)…``
enumerations and lines opening with a year do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from os import PathLike
from typing import Any, Literal

from studykit.zh import cn_to_int, simplified_shadow

from .model import (
    PREAMBLE_KEY,
    Boilerplate,
    BoilerplateKind,
    Document,
    Heading,
    Meta,
    Paragraph,
    Section,
    Sentence,
    Source,
    TitleBlockKind,
    TitleLine,
)

LEAD_MAX_CHARS = 30
"""A paragraph's first sentence is its lead when it is at most this long and more text follows."""

_WS = " \t\u3000\xa0\u2002\u2003\u2009"  # whitespace only (str.isspace): zero-width marks are content
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_CN = "一二三四五六七八九十百零〇"
_END_PUNCT = "。！？!?；;…"
_CLOSERS = "”’」』）)》\"'】"
_SENT_RE = re.compile(rf"[^{_END_PUNCT}\r\n]*(?:[{_END_PUNCT}]+[{_CLOSERS}]*|\r\n|\r|\n|$)")

# --- boilerplate -------------------------------------------------------------------------------
_BOILERPLATE: tuple[tuple[BoilerplateKind, re.Pattern[str]], ...] = (
    ("banner", re.compile(r"^欢迎(您)?(访问|进入|光临|来到).{0,40}(网站|网|平台|门户)|网址\s*[:：]|^(https?://|www\.)\S+$")),
    ("breadcrumb", re.compile(r"^(您的|你的|您现在的|你现在的|当前|所在)?(位置|位址)\s*[:：]|^首页\s*[>＞»›/]")),
    ("controls", re.compile(r"字号\s*[:：]?\s*[【\[]?\s*(大|中|小)|【\s*(打印|关闭|关闭窗口|收藏|大|中|小|返回顶部|纠错)\s*】|^(打印本页|关闭窗口|打印|关闭|返回顶部|收藏本页|【\s*$)|^分享到")),
    ("editor", re.compile(r"^[（(\[【]?\s*(责任编辑|责编|编辑|校对|审核|审校|值班编辑|编审)\s*[:：]|^.{0,20}[（(\[【]\s*(责任编辑|责编)\s*[:：].{0,30}$")),
    ("footer", re.compile(r"版权所有|copyright|©|ICP\s*(备|证)|公网安备|网站维护|技术支持\s*[:：]|^主办\s*[:：]|主办单位\s*[:：]|承办\s*[:：]|^上一篇|^下一篇|^相关(阅读|新闻|链接)\s*[:：]?$|^扫一扫|^(联系我们|网站地图|关于我们)", re.I)),
)

# --- title block ------------------------------------------------------------------------------
_META_KEYS = (
    r"发布时间|发表时间|发布日期|更新时间|时间|日期|来源|稿源|出处|作者|浏览次数|浏览|点击数|点击|阅读数|阅读量"
)
_META_KEY_RE = re.compile(rf"({_META_KEYS})\s*[:：]\s*")
_DATE_RE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_CN_DATE_RE = re.compile(rf"([{_CN}]{{4}})年([{_CN}]{{1,3}})月([{_CN}]{{1,3}})日")
_PAPER_RE = re.compile(r"^《\s*([^》]{2,20}?)\s*》\s*[（(][^）)]*\d{4}[^）)]*[）)]$")
_VALUE_END_RE = re.compile(r"\s{2,}|\u3000|【|\[|\||｜|丨")
_TIME_RE = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?:[:：]([0-5]\d))?(?!\d)")
_BYLINE_RE = re.compile(
    r"^[（(]?\s*(作者系|作者单位|作者\s*[:：]|文\s*[/｜|丨:：]|撰文\s*[:：]|本报(特约)?(记者|评论员|通讯员)"
    r"|记者|通讯员|特约评论员|评论员)"
)
_NAME_RE = re.compile(r"^(?:[\u4e00-\u9fff·]{2,4}|[\u4e00-\u9fff][ \u3000]{1,3}[\u4e00-\u9fff])$")
_DATE_ONLY_RE = re.compile(rf"^(\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|[{_CN}]{{4}}年[{_CN}]{{1,3}}月[{_CN}]{{1,3}}日)$")
_CONTROLS_RE = re.compile(r"【[^】]{0,12}】|\[[^\]]{0,12}\]")
_SUBTITLE_RE = re.compile(r"^(——|—|──|－－|--|-{1,2}|~)")
_DATELINE_RE = re.compile(
    rf"^[（(]\s*(\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|[{_CN}]{{4}}年[{_CN}]{{1,3}}月[{_CN}]{{1,3}}日)[^（()）]{{0,60}}[）)]$"
    r"|^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$"
)
_SPEAKER_RE = re.compile(r"^[\u4e00-\u9fff、·，,（）()]{2,40}\s+[\u4e00-\u9fff·]{2,5}$")

# --- headings ----------------------------------------------------------------------------------
_DI_RE = re.compile(rf"^第\s*([{_CN}\d]+)\s*(部分|篇|编|章|节)\s*[、:：，,.．]?\s*")
_CN_RE = re.compile(rf"^([{_CN}]+)\s*(?:、|[．.](?![.．\d]))\s*")
_PCN_RE = re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*[、.．]?\s*")
_AR_RE = re.compile(r"^(\d{1,2})\s*(?:[.．、](?![\d.．])|[）)](?!\s*$))\s*")
_PAR_RE = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、.．]?\s*")
_STYLE_ORDER = ("part", "chapter", "jie", "cn", "pcn", "ar", "par")
_DI_STYLE = {"部分": "part", "篇": "part", "编": "part", "章": "chapter", "节": "jie"}
_HEADING_TITLE_MAX = 80
_NOT_LEAD_RE = re.compile(
    r"^(近年来|近年|今年|去年|明年|现在|目前|当前|我们|我|他们|他|她|这|此|同时|其中|此外|另外|总之|因此|但是|但|而且|据|截至"
    r"|一方面|首先|其次|最后)"
    r"|\d+(\.\d+)?\s*(%|％|万|亿|元|个|人|项|家|次|件)"
)


@dataclass(slots=True)
class _Line:
    start: int  # first non-blank character
    end: int  # after the last non-blank character
    text: str  # original text[start:end]
    shadow: str  # simplified shadow of text
    indent: bool  # the line starts with whitespace


@dataclass(slots=True)
class _Node:
    level: int
    label: str | None
    title: str | None
    style: str | None
    number: int | None
    heading: Heading | None
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    last_child_number: dict[str, int] = field(default_factory=dict)


def parse_document(source: Source | str | bytes) -> Document:
    """Parse a :class:`Source` (or anything :func:`read_source` takes) into a Document.

    >>> doc = parse_document("标题\\n\\n一、总体要求\\n\\n加强领导。各级党委要负总责。")
    >>> [s.title for s in doc.sections]
    ['总体要求']
    """
    if not isinstance(source, Source):
        from .read import read_source

        source = read_source(source)
    text = source.text
    shadow = simplified_shadow(text)
    lines = _split_lines(text, shadow)

    boiler: list[Boilerplate] = []
    title_block: list[TitleLine] = []
    kinds: list[BoilerplateKind | None] = [_boilerplate_kind(ln.shadow) for ln in lines]
    _mark_footer(lines, kinds)

    body_from, title, meta, byline = _title_block(lines, kinds, title_block)
    for ln, kind in zip(lines, kinds, strict=True):
        if kind is not None:
            boiler.append(Boilerplate(ln.start, ln.end, ln.text, kind))

    root = _build_tree(source, shadow, lines, kinds, body_from, title_block)
    meta, byline = _late_meta(title_block, meta, byline)
    sections = _freeze(root, text)
    return Document(
        source=source,
        title=title,
        meta=meta,
        byline=byline,
        title_block=tuple(sorted(title_block, key=lambda t: t.start)),
        boilerplate=tuple(boiler),
        sections=sections,
    )


def load(
    path_or_text: str | bytes | PathLike[str] | None = None,
    *,
    text: str | None = None,
    encoding: str | None = None,
    max_bytes: int | None = None,
    errors: Literal["strict", "replace"] = "strict",
) -> Document:
    """Read and parse in one step: ``doc = sk.load("seeds/000_….txt")``.

    ``sk.load(text="一、总体要求……")`` parses pasted text; a one-line string that names no file
    (``sk.load("报告.docx")``) raises SourceNotFoundError rather than being read as text (see
    :func:`studykit.read_source`). ``encoding`` overrides the detected one; ``max_bytes`` raises
    the size limit (50 MB); ``errors="replace"`` reads a file with broken bytes.
    """
    from .read import DEFAULT_MAX_BYTES, read_source

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    return parse_document(
        read_source(path_or_text, text=text, encoding=encoding, max_bytes=limit, errors=errors)
    )


# --- lines -----------------------------------------------------------------------------------
def _split_lines(text: str, shadow: str) -> list[_Line]:
    out: list[_Line] = []
    for m in _LINE_RE.finditer(text):
        a, b = m.span()
        if a == b:
            continue
        raw = text[a:b].rstrip("\r\n")
        stripped_left = raw.lstrip(_WS + "\f\v")
        s = a + (len(raw) - len(stripped_left))
        content = stripped_left.rstrip(_WS + "\f\v")
        if not content or content.isspace():
            continue
        e = s + len(content)
        out.append(_Line(s, e, content, shadow[s:e], s > a))
    return out


def _boilerplate_kind(line: str) -> BoilerplateKind | None:
    if len(line) > 300:
        return None
    if len(line) <= 120 and sum(line.count(c) for c in ">＞»›") >= 2 and "。" not in line:
        return "breadcrumb"  # 首页 > 新闻 > 要闻
    for kind, pattern in _BOILERPLATE:
        if pattern.search(line):
            if kind in ("controls", "editor") and _is_meta_line(_CONTROLS_RE.sub("", line)):
                return None  # 发布时间：… 来源：… 【打印】【关闭】 is the meta line
            if kind == "footer" and len(line) > 160 and line.endswith("。"):
                continue  # a long sentence that merely mentions copyright
            if kind == "breadcrumb" and ("。" in line or len(line) > 120):
                continue
            return kind
    return None


def _mark_footer(lines: list[_Line], kinds: list[BoilerplateKind | None]) -> None:
    """Everything short after the first footer line near the end is footer too."""
    n = len(lines)
    first = None
    for i in range(n - 1, max(-1, n - 15), -1):
        ln = lines[i]
        if kinds[i] == "footer":
            first = i
        elif kinds[i] is None and (len(ln.text) > 60 or ln.text.endswith(("。", "！", "？"))):
            break
    if first is None:
        return
    for i in range(first, n):
        if kinds[i] is None:
            kinds[i] = "footer"


# --- title block -----------------------------------------------------------------------------
def _is_meta_line(s: str) -> bool:
    if len(s) > 120 or s.endswith("。"):
        return False
    if _PAPER_RE.match(s):
        return True
    keys = _META_KEY_RE.findall(s)
    if keys and (len(keys) >= 2 or _DATE_RE.search(s) or keys[0] in ("来源", "稿源", "出处")):
        return True
    return bool(_DATE_RE.match(s) and len(s) < 60 and not re.search(r"[，,。]", s))


def _title_block(
    lines: list[_Line], kinds: list[BoilerplateKind | None], out: list[TitleLine]
) -> tuple[int, str | None, Meta, str | None]:
    """Find title, meta and byline at the top. Returns the index where the body starts.

    The title is the first line (after any info line placed above it, such as a newspaper's
    《人民日报》（2023年03月08日 第 01 版）). What follows it belongs to the title block only while it
    is a subtitle, dateline, speaker, meta or byline line; an unmarked short line counts as a
    subtitle only when a meta line comes right after it. A date deep in the body never does.
    """
    idx = [i for i, k in enumerate(kinds) if k is None]
    meta = Meta()
    byline: str | None = None
    k = 0
    while k < min(len(idx), 2) and _is_meta_line(lines[idx[k]].shadow):
        out.append(_title_line(lines[idx[k]], "meta"))
        meta = _parse_meta(lines[idx[k]].text, lines[idx[k]].shadow, meta)
        k += 1
    title_i: int | None = None
    prev_kind: str | None = None
    if (k + 1 < len(idx) or len(idx) == 1) and k < len(idx) and _looks_like_title(lines[idx[k]].shadow):
        title_i = idx[k]
        out.append(_title_line(lines[title_i], "title"))
        k += 1
    while k < len(idx):
        ln = lines[idx[k]]
        kind = _title_kind(ln.shadow)
        if kind is None and _is_meta_line(ln.shadow):
            kind = "meta"
        if kind is None and _NAME_RE.match(ln.shadow) and (
            prev_kind in ("dateline", "subtitle")
            or (k + 1 < len(idx) and _title_kind(lines[idx[k + 1]].shadow) == "dateline")
        ):
            kind = "speaker"  # a bare name beside the dateline: 王某某, 张 明
        if (
            kind is None
            and title_i is not None
            and _looks_like_title(ln.shadow)
            and len(ln.text) <= 40
            and any(_is_meta_line(lines[j].shadow) for j in idx[k + 1 : k + 3])
        ):
            kind = "subtitle"
        if kind is None or (title_i is None and kind not in ("byline", "meta")):
            break
        out.append(_title_line(ln, kind))
        prev_kind = kind
        if kind == "meta":
            meta = _parse_meta(ln.text, ln.shadow, meta)
        elif kind == "byline":
            byline, meta = _parse_byline(ln.text, ln.shadow, meta)
        elif kind == "speaker" and meta.author is None:
            parts = re.split(r"[\s\u3000]+", ln.text.strip())
            # 张　明 is one name spaced out; 国务院总理　李强 ends with the name.
            name = "".join(parts[-2:]) if len(parts) >= 2 and len(parts[-1]) == 1 else parts[-1]
            meta = Meta(meta.date, meta.time, meta.source, name)
        elif kind in ("dateline", "subtitle") and meta.date is None:
            meta = Meta(_find_date(ln.shadow), meta.time, meta.source, meta.author)
        k += 1
    pos = idx[k] if k < len(idx) else len(lines)
    title = lines[title_i].text if title_i is not None else None
    return pos, title, meta, byline


def _title_line(ln: _Line, kind: TitleBlockKind) -> TitleLine:
    return TitleLine(ln.start, ln.end, ln.text, kind)


def _title_kind(s: str) -> TitleBlockKind | None:
    if _heading_match(s) is not None:
        return None
    if _BYLINE_RE.match(s) and len(s) <= 100:
        return "byline"
    if _SUBTITLE_RE.match(s) and len(s) <= 100 and not s.endswith("。"):
        return "subtitle"
    if _DATELINE_RE.match(s):
        return "dateline"
    if _SPEAKER_RE.match(s) and len(s) <= 40:
        return "speaker"
    return None


def _looks_like_title(s: str) -> bool:
    return (
        len(s) <= 60
        and not s.endswith(tuple(_END_PUNCT + "，,：:"))
        and _heading_match(s) is None
        and not _BYLINE_RE.match(s)
    )


def _find_date(s: str) -> str | None:
    m = _DATE_RE.search(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        c = _CN_DATE_RE.search(s)
        if not c:
            return None
        parts = [cn_to_int(g) for g in c.groups()]
        if any(p is None for p in parts):
            return None
        y, mo, d = (int(p or 0) for p in parts)
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _parse_meta(text: str, shadow: str, meta: Meta) -> Meta:
    fields: dict[str, str] = {}
    keys = list(_META_KEY_RE.finditer(shadow))
    for j, m in enumerate(keys):
        end = keys[j + 1].start() if j + 1 < len(keys) else len(shadow)
        fields.setdefault(m.group(1), _meta_value(text[m.end() : end]))
    date = meta.date or _find_date(shadow)
    tm = meta.time
    if tm is None:
        dm = _DATE_RE.search(shadow)
        t = _TIME_RE.search(shadow, dm.end() if dm else 0)
        if t:
            tm = f"{int(t.group(1)):02d}:{t.group(2)}" + (f":{t.group(3)}" if t.group(3) else "")
    src = meta.source or next((fields[k] for k in ("来源", "稿源", "出处") if fields.get(k)), None)
    if src is None and (paper := _PAPER_RE.match(shadow)):
        src = text[paper.start(1) : paper.end(1)]
    author = meta.author or (fields.get("作者") or None)
    return Meta(date, tm, src or None, author)


def _meta_value(raw: str) -> str:
    """A meta field's value, stopped at print controls, wide gaps, a date or a time:
    ``学习时报　2022年7月1日`` → ``学习时报``."""
    value = _VALUE_END_RE.split(raw.strip(_WS), maxsplit=1)[0]
    cut = [m.start() for m in (_DATE_RE.search(value), _TIME_RE.search(value)) if m and m.start() > 0]
    if cut:
        value = value[: min(cut)]
    return value.strip(_WS + "|｜丨/")


def _parse_byline(text: str, shadow: str, meta: Meta) -> tuple[str, Meta]:
    m = _BYLINE_RE.match(shadow)
    body = text[m.end() :] if m and m.group(1).startswith(("作者", "文", "撰文")) else text
    body = body.strip(_WS + "（）()")
    author = meta.author
    if author is None:
        last = re.split(r"[\s、，,]+", body.strip())[-1] if body.strip() else ""
        if re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", last):
            author = last
    return body, Meta(meta.date, meta.time, meta.source, author)


def _late_meta(title_block: list[TitleLine], meta: Meta, byline: str | None) -> tuple[Meta, str | None]:
    """Bylines and source lines found later in the body (``（作者系…）``) still fill the meta."""
    for t in title_block:
        if t.kind == "byline" and byline is None:
            shadow = simplified_shadow(t.text)
            byline, meta = _parse_byline(t.text, shadow, meta)
        elif t.kind == "dateline" and meta.date is None:
            meta = Meta(_find_date(simplified_shadow(t.text)), meta.time, meta.source, meta.author)
    return meta, byline


# --- headings --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _HeadingMatch:
    style: str
    number: int
    label: str
    marker_end: int  # offset of the title within the line


def _heading_match(s: str) -> _HeadingMatch | None:
    if m := _DI_RE.match(s):
        n = cn_to_int(m.group(1))
        if n is None:
            return None
        return _HeadingMatch(_DI_STYLE[m.group(2)], n, f"第{m.group(1)}{m.group(2)}", m.end())
    for style, rx in (("pcn", _PCN_RE), ("par", _PAR_RE), ("cn", _CN_RE), ("ar", _AR_RE)):
        if m := rx.match(s):
            n = cn_to_int(m.group(1))
            if n is None or n == 0:
                return None
            if style == "cn" and len(m.group(1)) > 3:
                return None  # 二〇二二年… reads as a year, not a heading
            return _HeadingMatch(style, n, m.group(1), m.end())
    return None


def _next_marker_present(s: str, hm: _HeadingMatch) -> bool:
    """``一、…；二、…`` on one line is an inline enumeration, not a heading."""
    nxt = hm.number + 1
    rest = s[hm.marker_end :]
    if hm.style == "cn":
        return re.search(rf"{_int_to_cn(nxt)}\s*、", rest) is not None
    if hm.style == "pcn":
        return re.search(rf"[（(]\s*{_int_to_cn(nxt)}\s*[）)]", rest) is not None
    if hm.style == "par":
        return re.search(rf"[（(]\s*{nxt}\s*[）)]", rest) is not None
    if hm.style == "ar":
        return re.search(rf"(?<![\d.．(（]){nxt}\s*[.．、）)](?![\d.．])", rest) is not None
    return False


def _int_to_cn(n: int) -> str:
    """12 → 十二, 105 → 一百零五: the inverse of :func:`cn_to_int` for headings."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else (
        "一" + _int_to_cn(rest) if rest < 20 else _int_to_cn(rest)))
    return digits[(n // 100) % 10] + "百" + tail


def _split_first_sentence(s: str, start: int) -> int:
    """End offset (within ``s``) of the first sentence at or after ``start``."""
    m = re.compile(rf"[{_END_PUNCT}：:]+[{_CLOSERS}]*").search(s, start)
    return m.end() if m else len(s)


def _levels(styles: set[str]) -> dict[str, int]:
    di = [s for s in ("part", "chapter", "jie") if s in styles]
    k = len(di)
    levels: dict[str, int] = {s: i + 1 for i, s in enumerate(di)}
    levels.update({"cn": k + 1, "pcn": k + 2, "ar": k + 3})
    levels["par"] = k + 4 if "ar" in styles else k + 3
    levels.update({"h1": 1, "h2": 2, "h3": 3})  # unnumbered HTML headings: <h2> → 1, <h3> → 2 …
    return levels


# --- tree ------------------------------------------------------------------------------------
def _candidates(
    lines: list[_Line],
    kinds: list[BoilerplateKind | None],
    body_from: int,
    marked: dict[tuple[int, int], int] | None = None,
) -> dict[int, tuple[_HeadingMatch, int | None]]:
    """Lines that may be headings, with the index of the next line when the marker stands alone
    (``一、`` on one line, its title on the next). ``marked`` maps ``(start, end)`` of lines the
    reader knows are headings (HTML ``<h2>``…) to their level; unnumbered ones count too."""
    cands: dict[int, tuple[_HeadingMatch, int | None]] = {}
    for i in range(body_from, len(lines)):
        if kinds[i] is not None:
            continue
        s = lines[i].shadow
        hm = _heading_match(s)
        level = (marked or {}).get((lines[i].start, lines[i].end))
        if hm is None and level is not None and len(s) <= _HEADING_TITLE_MAX:
            cands[i] = (_HeadingMatch(f"h{level}", 0, "", 0), None)
            continue
        if hm is None or _next_marker_present(s, hm):
            continue
        title_end = _split_first_sentence(s, hm.marker_end)
        title = s[hm.marker_end : title_end].rstrip(_END_PUNCT + "：:")
        if hm.style == "ar" and re.match(r"\d{0,2}\s*[年月日%％]", s[hm.marker_end - 1 :]):
            continue
        if not title.strip():
            j = i + 1
            if (
                title_end == len(s)
                and j < len(lines)
                and kinds[j] is None
                and _heading_match(lines[j].shadow) is None
                and len(lines[j].text) <= 50
                and sum(lines[j].shadow.count(c) for c in _END_PUNCT) <= 1
            ):
                cands[i] = (hm, j)
            continue
        if len(title) > _HEADING_TITLE_MAX:
            continue
        cands[i] = (hm, None)
    _drop_table_of_contents(lines, kinds, cands)
    return cands


def _drop_table_of_contents(
    lines: list[_Line], kinds: list[BoilerplateKind | None], cands: dict[int, Any]
) -> None:
    """Headings listed under 目录 are a table of contents, not sections."""
    for i, ln in enumerate(lines):
        if kinds[i] is None and re.sub(r"\s+", "", ln.shadow) in ("目录", "目次"):
            listed: set[tuple[str, int]] = set()
            j = i + 1
            while j < len(lines) and (kinds[j] is not None or j in cands):
                if j in cands:
                    key = (cands[j][0].style, cands[j][0].number)
                    if key in listed:  # the contents are over: the real 第一章 starts here
                        break
                    listed.add(key)
                    del cands[j]
                j += 1


def _build_tree(
    source: Source,
    shadow: str,
    lines: list[_Line],
    kinds: list[BoilerplateKind | None],
    body_from: int,
    title_block: list[TitleLine],
) -> _Node:
    text = source.text
    marked = {(a, b): lvl for a, b, lvl in source.heading_spans}
    cands = _candidates(lines, kinds, body_from, marked)
    levels = _levels({hm.style for hm, _ in cands.values()})
    consumed: set[int] = set()  # title lines of headings whose marker stands alone
    last_body = max((i for i in range(body_from, len(lines)) if kinds[i] is None), default=-1)
    root = _Node(0, None, None, None, None, None)
    preamble = _Node(0, None, None, None, None, None)
    root.children.append(preamble)
    stack: list[_Node] = [root]
    seen_styles: dict[str, int] = {}
    lead_spans = dict(source.lead_spans)

    para: list[tuple[int, int]] = []  # pending paragraph line spans (start, end)

    def flush() -> None:
        if para:
            s, e = para[0][0], para[-1][1]
            target = stack[-1] if len(stack) > 1 else preamble
            target.paragraphs.append(_paragraph(text, shadow, s, e, lead_spans))
            para.clear()

    for i in range(body_from, len(lines)):
        if kinds[i] is not None:
            flush()
            continue
        if i in consumed:
            continue
        ln = lines[i]
        cand = cands.get(i)
        if cand is not None:
            hm, title_line = cand
            level = levels[hm.style]
            depth = len(stack)
            while depth > 1 and stack[depth - 1].level >= level:
                depth -= 1
            parent = stack[depth - 1]
            last = parent.last_child_number.get(hm.style)
            if hm.number == 0:  # an unnumbered heading: it simply comes next
                hm = _HeadingMatch(hm.style, (last or 0) + 1, "", 0)
            # In sequence: the next number under this parent, or a first child that starts at
            # one or continues the document-wide numbering. 一、二季度… after 一、 is no heading.
            ok = (
                hm.number == last + 1
                if last is not None
                else hm.number == 1
                or seen_styles.get(hm.style) == hm.number - 1
                # an excerpt may open at 三、; a list item like (2) or 3. may not
                or (hm.style not in seen_styles and hm.style not in ("ar", "par"))
            )
            if ok:
                flush()
                del stack[depth:]
                parent.last_child_number[hm.style] = hm.number
                seen_styles[hm.style] = hm.number
                if title_line is not None:  # 一、 alone, its title on the next line
                    nxt = lines[title_line]
                    consumed.add(title_line)
                    heading = Heading(ln.start, nxt.end, text[ln.start : nxt.end])
                    title = nxt.text.rstrip(_END_PUNCT + "：:" + _WS)
                    rest = ""
                else:
                    title_end = _split_first_sentence(ln.shadow, hm.marker_end)
                    heading = Heading(ln.start, ln.start + title_end, ln.text[:title_end])
                    title = ln.text[hm.marker_end : title_end].rstrip(_END_PUNCT + "：:" + _WS)
                    rest = ln.text[title_end:]
                node = _Node(level, hm.label or None, title, hm.style, hm.number, heading)
                parent.children.append(node)
                stack.append(node)
                stripped = rest.lstrip(_WS)
                if stripped:
                    para.append((ln.start + len(ln.text) - len(stripped), ln.end))
                continue
        # Body line: is it a late byline / source note, or the closing date of a notice?
        kind = _title_kind(ln.shadow)
        if i == last_body and _DATE_ONLY_RE.match(ln.shadow):
            flush()
            title_block.append(_title_line(ln, "dateline"))
            continue
        if kind == "byline" and (ln.shadow.startswith(("（", "(")) or i == len(lines) - 1 or len(ln.text) < 40):
            flush()
            title_block.append(_title_line(ln, "byline"))
            continue
        if para and source.format == "text" and _continues(lines[i - 1], ln, text):
            para.append((ln.start, ln.end))
        else:
            flush()
            para.append((ln.start, ln.end))
    flush()
    if not preamble.paragraphs:
        root.children.remove(preamble)
    return root


def _continues(prev: _Line, ln: _Line, text: str) -> bool:
    """A hard-wrapped paragraph: the previous line is long, ends mid-sentence and nothing separates them."""
    if prev.text.endswith(tuple(_END_PUNCT + _CLOSERS + "：:")) or len(prev.text) < 20:
        return False
    if "\u3000" in prev.text or prev.shadow.startswith("附件"):
        return False  # 标题　副题 laid out with wide gaps, or an attachment note: a line of its own
    between = text[prev.end : ln.start]
    return between.count("\n") + between.count("\r") - between.count("\r\n") <= 1 and not ln.indent


def _paragraph(
    text: str, shadow: str, start: int, end: int, lead_spans: dict[int, int]
) -> Paragraph:
    body = text[start:end]
    sentences: list[Sentence] = []
    for m in _SENT_RE.finditer(body):
        a, b = m.span()
        seg = body[a:b]
        left = len(seg) - len(seg.lstrip(_WS + "\r\n"))
        seg = seg.strip(_WS + "\r\n")
        if seg:
            sentences.append(Sentence(start + a + left, start + a + left + len(seg), seg))
    lead: str | None = None
    if start in lead_spans and lead_spans[start] < end:
        lead = text[start : lead_spans[start]]
    elif len(sentences) >= 2:
        first = sentences[0]
        if (
            first.start == start
            and len(first.text) <= LEAD_MAX_CHARS
            and end - first.end >= len(first.text)
            and first.text[-1] not in "；;，,"
            and not _NOT_LEAD_RE.search(shadow[first.start : first.end])
        ):
            lead = first.text
    return Paragraph(start, end, body, tuple(sentences), lead)


def _freeze(root: _Node, text: str) -> tuple[Section, ...]:
    used: set[str] = set()

    def build(node: _Node, parent_path: str) -> Section:
        if node.level == 0:
            path = PREAMBLE_KEY
        else:
            own = node.label or str(node.number or "?")  # unnumbered headings go by position
            path = f"{parent_path}/{own}" if parent_path else own
            base, k = path, 2
            while path in used:
                path = f"{base}-{k}"
                k += 1
        used.add(path)
        children = tuple(build(c, path if node.level else "") for c in node.children)
        spans = [(p.start, p.end) for p in node.paragraphs]
        if node.heading is not None:
            spans.append((node.heading.start, node.heading.end))
        spans += [(c.start, c.end) for c in children]
        start = min(s for s, _ in spans) if spans else 0
        end = max(e for _, e in spans) if spans else 0
        return Section(
            level=node.level,
            label=node.label,
            title=node.title,
            start=start,
            end=end,
            path=path,
            heading=node.heading,
            paragraphs=tuple(node.paragraphs),
            children=children,
        )

    return tuple(build(c, "") for c in root.children)


__all__ = ["LEAD_MAX_CHARS", "load", "parse_document"]
