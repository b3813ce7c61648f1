"""gov.cn article pages: the info table becomes meta lines, a title split over centred lines is joined.

Pages of www.gov.cn (and the many provincial sites built the same way) put a table of facts
above the article::

    索 引 号：000014349/2024-00045   主题分类：城乡建设、环境保护
    发文机关：国务院办公厅            成文日期：2024年05月20日
    标　　题：国务院办公厅关于……的通知
    发文字号：国办发〔2024〕25号      发布日期：2024年05月29日

and set a long title in two or three centred bold paragraphs. :func:`prepare_govcn` rewrites
the page tree in place before its text is extracted: each key/value pair of the table becomes
one ``<p>key：value</p>`` (keys without their spacing), which the parser's title block reads as
meta (成文日期 → date, 发布日期 → published, 发文机关 → source, 发文字号 → document number); and
consecutive centred bold paragraphs at the top of the article become one.
"""

from __future__ import annotations

import re
from typing import Any

from studykit.zh import simplified_shadow

GOVCN_KEYS = ("索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期", "主题词",
              "发布机构", "发布单位", "来源", "公文种类", "有效性", "文号", "分类")
"""The keys of gov.cn's info table, matched in the simplified shadow (標題, 發布單位 count too)."""
_KEY_VALUE = re.compile("^(" + "|".join(GOVCN_KEYS) + ")[：:](.+)$")
"""``索引号：…`` in one cell: a key and its value."""
_BODY_KEY = "内容"
"""``<th>內容</th><td>…</td>``: the cell after this key holds the article itself."""

_SPACES = re.compile(r"[\s\u3000\xa0]+")
_SPACE_RUN = re.compile(r"[^\S\u3000]+")
"""Runs of spacing inside a value become one space; an ideographic space (a title's two halves,
市府推動…計畫　三年內…) stays as written."""
_CENTER = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
_TITLE_END = re.compile(r"[。！？；，：,;:]$")


def prepare_govcn(body: Any) -> bool:
    """Rewrite gov.cn info tables and split titles in ``body`` (an lxml element) in place.

    Returns whether an info table was found.
    """
    found = False
    for table in list(body.iter("table")):
        pairs = _info_pairs(table)
        if len(pairs) < 3:
            pairs = _info_pairs(table, bare=True)  # <th>索引号</th><td>…</td>: keys without colons
        if len(pairs) >= 3 and table.getparent() is not None:
            _replace_with_pairs(table, pairs, _body_cell(table))
            found = True
    _join_centred_title(body, headline=found)
    return found


def _key(text: str, *, bare: bool = False) -> str | None:
    """The key a cell holds (索 引 号：); with ``bare``, a cell holding only a key (索引号) too."""
    flat = _SPACES.sub("", text).rstrip("：:")
    colon = _SPACES.sub("", text).endswith(("：", ":"))
    return flat if simplified_shadow(flat) in GOVCN_KEYS and (colon or bare) else None


def _body_cell(table: Any) -> Any | None:
    """The cell after a 内容 (內容) key cell: the article the info table holds, or None."""
    cells = [c for c in table.iter("td", "th")]
    for k, cell in enumerate(cells[:-1]):
        if simplified_shadow(_SPACES.sub("", cell.text_content()).rstrip("：:")) == _BODY_KEY:
            return cells[k + 1]
    return None


def _info_pairs(table: Any, *, bare: bool = False) -> list[tuple[str, str]]:
    """``(key, value)`` pairs of an info table: a key cell (索 引 号：) followed by its value.
    With ``bare``, key cells without a colon count (``<th>索引号</th>``)."""
    cells = [c for c in table.iter("td", "th")]
    if len(cells) > 60:
        return []
    pairs: list[tuple[str, str]] = []
    k = 0
    while k < len(cells):
        text = cells[k].text_content()
        key = _key(text, bare=bare)
        if key is None:
            flat = _SPACES.sub("", text)  # 索引号：000014349/… in one cell
            m = _KEY_VALUE.match(simplified_shadow(flat))
            if m:
                key = flat[: m.end(1)]
                pairs.append((key, text.split("：", 1)[-1].split(":", 1)[-1].strip()))
            k += 1
            continue
        value = cells[k + 1].text_content().strip() if k + 1 < len(cells) else ""
        if _key(value, bare=bare) is not None:
            value = ""
            k += 1
        else:
            k += 2
        pairs.append((key, _SPACE_RUN.sub(" ", value).strip()))
    return pairs


def _replace_with_pairs(table: Any, pairs: list[tuple[str, str]], content: Any | None = None) -> None:
    """Put ``key：value`` paragraphs where the table was; the article in a 内容 cell follows."""
    from lxml import etree

    box = etree.Element("div")
    for key, value in pairs:
        p = etree.SubElement(box, "p")
        p.text = f"{key}：{value}"
    if content is not None:
        article = etree.SubElement(box, "div")
        article.text = content.text
        for child in list(content):
            article.append(child)
    box.tail = table.tail
    table.getparent().replace(table, box)


def _is_centred(el: Any) -> bool:
    return (el.get("align") or "").lower() == "center" or bool(_CENTER.search(el.get("style") or ""))


def _all_bold(el: Any) -> bool:
    own = _SPACES.sub("", el.text or "")
    bold = "".join(b.text_content() for b in el if isinstance(b.tag, str) and b.tag in ("strong", "b"))
    rest = "".join(_SPACES.sub("", b.tail or "") for b in el)
    return not own and not rest and bool(_SPACES.sub("", bold))


def _join_centred_title(body: Any, *, headline: bool) -> None:
    """Join the first run of 2–3 centred, bold paragraphs into one title paragraph. When it
    was split, or the page has an info table (``headline``), it becomes the page's headline
    (``<h1>``) if the page has none, so that the ``<title>`` element (often with site names the
    page did not trim) is not used instead."""
    for p in body.iter("p"):
        if not (_is_centred(p) and _all_bold(p)):
            continue
        group = [p]
        sib = p.getnext()
        while sib is not None and sib.tag == "p" and _is_centred(sib) and _all_bold(sib) and len(group) < 3:
            group.append(sib)
            sib = sib.getnext()
        texts = [_SPACES.sub("", g.text_content()) for g in group]
        joined = len(group) >= 2 and sum(len(t) for t in texts) <= 90 and not any(
            _TITLE_END.search(t) for t in texts[:-1]
        )
        if joined:
            for g in group[1:]:
                p.tail = (p.tail or "") + (g.tail or "")
                g.getparent().remove(g)
            for child in list(p):
                p.remove(child)
            p.text = "".join(texts)
        if (joined or headline) and body.find(".//h1") is None and len(texts[0]) >= 4:
            p.tag = "h1"
        return  # only the first centred bold run can be the title
