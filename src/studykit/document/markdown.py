"""Markdown and front matter as input formats: structure hints on the unchanged text.

``Source.text`` of a Markdown document is the decoded file itself, so offsets stay lossless.
What Markdown says about structure travels beside it:

* ``# 标题`` (the first top-level heading, when there is one) → ``Source.title_span``;
* ``##``/``###`` … headings → ``Source.heading_spans``, levels counted from the first level
  below the title (``##`` → 1, ``###`` → 2);
* the ``#`` marks, setext underlines and HTML comments (``<!-- INFO END -->``) →
  ``Source.markup_spans``, which the parser files as boilerplate of kind ``markup``;
* ``**bold**`` delimiters → ``Source.markup_spans`` too, and a bold run that opens a paragraph
  before more text (``**一是要选好运营团队。**运营团队是…``) → ``Source.lead_spans``, as an HTML
  ``<strong>`` run is. CommonMark leaves ``**…**`` literal where a CJK punctuation mark stands
  inside the delimiter and a letter outside it (its flanking rules were written for spaced
  scripts), so such pairs left in a text run are paired here as a Chinese reader sees them;
* YAML (``---``) or TOML (``+++``) front matter → ``Source.meta_spans`` (a title-block meta
  line) and ``Source.declared_meta`` (``title``, ``date``, ``author``, ``source`` …).

Front matter is data from the file, read with limits: a block larger than
:data:`FRONT_MATTER_MAX_CHARS`, nested deeper than :data:`FRONT_MATTER_MAX_DEPTH`, using YAML
aliases (``*name``, the "billion laughs" expansion) or that does not parse is not read. It stays
in the document as boilerplate of kind ``markup``, and ``Source.notes`` says why in one bilingual
line. Declared values are scalars or lists of them (joined), each at most
:data:`DECLARED_MAX_CHARS` characters.

The block structure comes from markdown-it-py (CommonMark), front matter from PyYAML or
tomllib; no Markdown block structure is parsed with regular expressions here.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from .model import Source

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
FRONT_MATTER_MAX_CHARS = 64 * 1024
"""Front matter longer than this is not read (metadata is a few lines)."""
FRONT_MATTER_MAX_DEPTH = 20
"""Front matter nested deeper than this (brackets or indentation) is not read."""
DECLARED_MAX_CHARS = 2000
"""A declared value (``title``, ``author`` …) longer than this is not used."""
_DECLARED_MAX_ITEMS = 100
_FENCES = {"---": "yaml", "+++": "toml"}
_META_KEYS = {
    "title": "title", "标题": "title",
    "date": "date", "日期": "date", "成文日期": "date",
    "published": "published", "publish_date": "published", "pubdate": "published", "发布日期": "published",
    "author": "author", "authors": "author", "作者": "author",
    "source": "source", "来源": "source", "publisher": "source",
    "doc_number": "doc_number", "发文字号": "doc_number",
}  # fmt: skip


def starts_with_front_matter(text: str) -> bool:
    """Whether ``text`` opens with a YAML (``---``) or TOML (``+++``) front matter block that parses."""
    fm = _front_matter(text)
    return fm is not None and fm.values is not None


def markdown_source(
    text: str, *, name: str, encoding: str, path: Path | None = None
) -> Source:
    """A :class:`Source` for Markdown text, with the structure hints described above."""
    from markdown_it import MarkdownIt

    source_text = text
    # Markdown reads only \r and \n as line breaks; U+2028, U+2029 and NEL break lines in the
    # text as they do in plain text and HTML. One character each, so offsets stay the same.
    text = text.translate(_OTHER_BREAKS)

    meta_spans: list[tuple[int, int]] = []
    declared: list[tuple[str, str]] = []
    notes: list[str] = []
    markup: list[tuple[int, int]] = []
    offset = 0
    fm = _front_matter(text)
    if fm is not None:
        if fm.values is not None:
            meta_spans.append((0, fm.end))
            declared = _declared(fm.values, notes)
        else:  # refused: kept as markup, and the reason recorded
            markup.append((0, fm.end))
            notes.append(fm.problem or "")
        offset = fm.end
    starts = _line_starts(text)
    first_line = _line_of(starts, offset)
    tokens = MarkdownIt("commonmark").parse(text[offset:])
    headings: list[tuple[int, int, int, int]] = []  # start, end, tag level, order
    leads: list[tuple[int, int]] = []
    for k, tok in enumerate(tokens):
        if tok.map is None:
            continue
        a, b = tok.map[0] + first_line, tok.map[1] + first_line
        if tok.type == "heading_open":
            inline = tokens[k + 1] if k + 1 < len(tokens) else None
            span = _heading_span(text, starts, a, b, tok.markup, inline.content if inline else "")
            if span is not None:
                c_start, c_end, marks = span
                bold = _strong_marks(text, c_start, c_end, inline.children if inline else None)
                c_start, c_end = _inside_marks(text, c_start, c_end, bold)
                markup += marks + [m for pair in bold for m in pair]
                headings.append((c_start, c_end, int(tok.tag[1:]), k))
        elif tok.type == "inline" and tokens[k - 1].type == "paragraph_open":
            lo, hi = starts[a], _line_end(text, starts, b - 1)
            bold = _strong_marks(text, lo, hi, tok.children)
            markup += [m for pair in bold for m in pair]
            if bold and bold[0][0][0] == _skip_space(text, lo, hi) and bold[0][1][1] < hi:
                leads.append((bold[0][0][1], bold[0][1][0]))  # **一是…。**运营团队是…
        elif tok.type == "html_block" and tok.content.lstrip().startswith("<!--"):
            markup.append((starts[a], _line_end(text, starts, b - 1)))
    title_span: tuple[int, int] | None = None
    h1 = [h for h in headings if h[2] == 1]
    if len(h1) == 1 and h1[0] is headings[0]:
        title_span = (h1[0][0], h1[0][1])
        headings = headings[1:]
    top = min((h[2] for h in headings), default=1)
    spans = tuple((s, e, lvl - top + 1) for s, e, lvl, _ in headings)
    return Source(
        text=source_text,
        name=name,
        encoding=encoding,
        format="markdown",
        path=path,
        lead_spans=tuple(leads),
        heading_spans=spans,
        markup_spans=tuple(sorted(markup)),
        title_span=title_span,
        meta_spans=tuple(meta_spans),
        declared_meta=tuple(declared),
        notes=tuple(notes),
    )


_OTHER_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


# --- bold -------------------------------------------------------------------------------------------
Mark = tuple[int, int]


def _strong_marks(text: str, lo: int, hi: int, children: Any) -> list[tuple[Mark, Mark]]:
    """The ``**`` (or ``__``) delimiter pairs of one inline run whose source is ``text[lo:hi]``,
    as ``((open start, open end), (close start, close end))`` in document order.

    markdown-it's tokens carry no offsets, so each token is found in the source after the one
    before; a text token that cannot be found verbatim (an escape, an entity) makes the search
    lenient up to the next delimiter.
    """
    out: list[tuple[Mark, Mark]] = []
    cursor, lenient = lo, False
    opened: list[Mark] = []
    for child in children or ():
        if child.type in ("strong_open", "strong_close"):
            pos = text.find(child.markup, cursor, hi)
            if pos < 0 or (not lenient and text[cursor:pos].strip(" \t\r\n>")):
                return out  # lost track of the source: keep what was certain
            mark = (pos, pos + len(child.markup))
            cursor, lenient = mark[1], False
            if child.type == "strong_open":
                opened.append(mark)
            elif opened:
                out.append((opened.pop(), mark))
        elif child.type == "text" and child.content:
            pos = text.find(child.content, cursor, hi)
            if pos < 0 or (not lenient and text[cursor:pos].strip(" \t\r\n>")):
                lenient = True
                continue
            out += _literal_pairs(child.content, pos)
            cursor, lenient = pos + len(child.content), False
        elif child.type not in ("softbreak", "hardbreak"):
            lenient = True  # a link, an image, inline HTML or code: its markup is not text
    return sorted(out)


def _literal_pairs(content: str, at: int) -> list[tuple[Mark, Mark]]:
    """``**…**`` pairs that CommonMark left as text (CJK punctuation inside the delimiters)."""
    found = [m.start() for m in re.finditer(r"(?<!\*)\*\*(?!\*)", content)]
    out: list[tuple[Mark, Mark]] = []
    for a, b in zip(found[::2], found[1::2], strict=False):
        inner = content[a + 2 : b]
        if inner.strip() == inner and inner and "\n" not in inner:
            out.append(((at + a, at + a + 2), (at + b, at + b + 2)))
    return out


def _inside_marks(text: str, start: int, end: int, pairs: list[tuple[Mark, Mark]]) -> tuple[int, int]:
    """A heading's content span without bold delimiters at its edges (``## **一、总体要求**``)."""
    for (o_start, o_end), (c_start, c_end) in pairs:
        if o_start == start and c_end == end:
            start, end = _skip_space(text, o_end, c_start), c_start
            while end > start and text[end - 1] in " \t":
                end -= 1
    return start, end


def _skip_space(text: str, lo: int, hi: int) -> int:
    while lo < hi and text[lo] in " \t\r\n>":
        lo += 1
    return lo


# --- front matter -----------------------------------------------------------------------------------
class _FrontMatter(NamedTuple):
    end: int  # offset after the closing fence
    values: dict[str, Any] | None  # None: refused, see problem
    problem: str | None = None


class _Refused(Exception):
    """Front matter that is not read, with the bilingual reason."""


def _front_matter(text: str) -> _FrontMatter | None:
    """The front matter block at the very start, or None when there is none.

    A fenced block whose first line reads as ``key:`` (YAML) or ``key =`` (TOML) is front matter
    even when it is refused; any other fenced block is not (``---`` may be a rule).
    """
    first = text.split("\n", 1)[0].rstrip("\r")
    kind = _FENCES.get(first.strip())
    if kind is None or first != first.strip():
        return None
    fence = first.strip()
    pos = len(first) + (2 if text[len(first) : len(first) + 2] == "\r\n" else 1)
    body_start = pos
    while pos < len(text):
        nl = text.find("\n", pos)
        line_end = len(text) if nl < 0 else nl
        line = text[pos:line_end].rstrip("\r")
        if line.strip() == fence or (kind == "yaml" and line.strip() == "..."):
            body = text[body_start:pos]
            try:
                values = _load(kind, body)
            except _Refused as exc:
                return _FrontMatter(line_end, None, str(exc)) if _keyed(kind, body) else None
            if values is None:
                return None
            return _FrontMatter(line_end, values)
        pos = line_end + 1
    return None


def _keyed(kind: str, body: str) -> bool:
    """Whether the block opens with a key (``title: …``, ``title = …``), as front matter does."""
    first = next((ln for ln in body.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    pattern = r"^[\w\u4e00-\u9fff\"'-]+\s*:" if kind == "yaml" else r"^[\w\u4e00-\u9fff\"'.-]+\s*="
    return re.match(pattern, first.strip()) is not None or first.strip().startswith("[")


def _refused(reason_zh: str, reason_en: str) -> _Refused:
    return _Refused(
        f"未读取文件开头的元数据（{reason_zh}），原文保留 / front matter not read ({reason_en}): "
        "it is kept in the text as markup; give title, date, author as plain values"
    )


def _load(kind: str, body: str) -> dict[str, Any] | None:
    """The values of a front matter block; None when it is no mapping (not front matter).

    Raises :class:`_Refused` for a block too large or too deeply nested, for YAML aliases and
    for text that does not parse.
    """
    if len(body) > FRONT_MATTER_MAX_CHARS:
        raise _refused(f"超过 {FRONT_MATTER_MAX_CHARS // 1024} KB", f"over {FRONT_MATTER_MAX_CHARS // 1024} KB")
    if _depth(body) > FRONT_MATTER_MAX_DEPTH:
        raise _refused(f"嵌套超过 {FRONT_MATTER_MAX_DEPTH} 层", f"nested over {FRONT_MATTER_MAX_DEPTH} levels")
    try:
        if kind == "toml":
            data: Any = tomllib.loads(body)
        else:
            data = _load_yaml(body)
    except _Refused:
        raise
    except Exception as exc:  # a YAML or TOML syntax error, a recursion limit
        raise _refused("无法解析", f"it does not parse: {type(exc).__name__}") from None
    return data if isinstance(data, dict) else None


def _depth(body: str) -> int:
    """Nesting depth of a front matter block: open brackets, or indentation steps."""
    depth = deepest = 0
    for ch in body:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}" and depth:
            depth -= 1
    indents = {len(ln) - len(ln.lstrip(" ")) for ln in body.splitlines() if ln.strip()}
    return max(deepest, len(indents) - 1)


def _load_yaml(body: str) -> Any:
    import yaml

    class NoAliases(yaml.SafeLoader):  # type: ignore[misc]
        """PyYAML's safe loader, refusing aliases: ``*name`` repeats a node, and nine aliases
        of nine aliases … expand a few hundred bytes into gigabytes once turned into text."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise _refused("使用了 YAML 别名 *name", "it uses YAML aliases (*name)")
            return super().compose_node(parent, index)

    loader = NoAliases(body)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _declared(values: dict[str, Any], notes: list[str]) -> list[tuple[str, str]]:
    """``(field, value)`` for the keys studykit knows; a value that is no text is noted and left out."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, value in values.items():
        field = _META_KEYS.get(str(key).strip().lower()) or _META_KEYS.get(str(key).strip())
        if field is None or field in seen or value is None:
            continue
        items = _scalars(value)
        if items is None:
            notes.append(
                f"元数据「{key}」不是文字，未使用 / front matter {key!r} is not text (a table, or "
                f"more than {_DECLARED_MAX_ITEMS} items): not used"
            )
            continue
        text = (" " if field == "title" else "、").join(items).strip()
        if len(text) > DECLARED_MAX_CHARS:
            notes.append(
                f"元数据「{key}」过长，未使用 / front matter {key!r} is {len(text):,} characters "
                f"(over {DECLARED_MAX_CHARS:,}): not used"
            )
            continue
        if text:
            out.append((field, text))
            seen.add(field)
    return out


def _scalars(value: Any, depth: int = 0) -> list[str] | None:
    """A value as text items: a scalar is one item, a list (nested at most a few levels) its
    scalars in order; None for a mapping or anything larger."""
    if isinstance(value, dt.datetime | dt.date):
        return [value.isoformat()[:10]]
    if isinstance(value, str | int | float | bool):
        return [str(value).strip()]
    if isinstance(value, list | tuple) and depth < 3 and len(value) <= _DECLARED_MAX_ITEMS:
        out: list[str] = []
        for v in value:
            items = _scalars(v, depth + 1)
            if items is None or len(out) + len(items) > _DECLARED_MAX_ITEMS:
                return None
            out += [x for x in items if x]
        return out
    return None


def _line_starts(text: str) -> list[int]:
    """Start offset of every line, counting ``\\r\\n``, ``\\r`` and ``\\n`` as breaks (as markdown-it does)."""
    starts = [0]
    for m in re.finditer(r"\r\n|\r|\n", text):
        starts.append(m.end())
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset) - 1 if offset else 0


def _line_end(text: str, starts: list[int], line: int) -> int:
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    while end > starts[line] and text[end - 1] in "\r\n":
        end -= 1
    return end


def _heading_span(
    text: str, starts: list[int], a: int, b: int, markup: str, content: str
) -> tuple[int, int, list[tuple[int, int]]] | None:
    """Content span of a heading and its markup spans (``## `` and a closing ``##``, or a
    setext underline)."""
    if a >= len(starts):
        return None
    line_start, line_end = starts[a], _line_end(text, starts, a)
    line = text[line_start:line_end]
    marks: list[tuple[int, int]] = []
    if markup.startswith("#"):
        lead = len(line) - len(line.lstrip(" "))
        hashes = lead + len(markup)
        c_start = line_start + hashes
        while c_start < line_end and text[c_start] in " \t":
            c_start += 1
        marks.append((line_start + lead, c_start))
        c_end = line_end
        while c_end > c_start and text[c_end - 1] in " \t":
            c_end -= 1
        closing = c_end
        while closing > c_start and text[closing - 1] == "#":
            closing -= 1
        if closing < c_end and (closing == c_start or text[closing - 1] in " \t"):
            marks.append((closing, c_end))
            c_end = closing
            while c_end > c_start and text[c_end - 1] in " \t":
                c_end -= 1
        if c_end <= c_start:
            return None
        return c_start, c_end, marks
    # Setext: the content lines, then an underline of = or -.
    last = b - 1
    under_start = starts[last]
    under_end = _line_end(text, starts, last)
    marks.append((under_start + len(text[under_start:under_end]) - len(text[under_start:under_end].lstrip()), under_end))
    c_start = line_start + len(line) - len(line.lstrip())
    c_end = _line_end(text, starts, last - 1) if last - 1 >= a else line_end
    if not content.strip() or c_end <= c_start:
        return None
    return c_start, c_end, marks


__all__ = ["MARKDOWN_SUFFIXES", "markdown_source", "starts_with_front_matter"]
