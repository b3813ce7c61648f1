"""Markdown and front matter as input formats: structure hints on the unchanged text.

``Source.text`` of a Markdown document is the decoded file itself, so offsets stay lossless.
What Markdown says about structure travels beside it:

* ``# 标题`` (the first top-level heading, when there is one) → ``Source.title_span``;
* ``##``/``###`` … headings → ``Source.heading_spans``, levels counted from the first level
  below the title (``##`` → 1, ``###`` → 2);
* the ``#`` marks, setext underlines and HTML comments (``<!-- INFO END -->``) →
  ``Source.markup_spans``, which the parser files as boilerplate of kind ``markup``;
* YAML (``---``) or TOML (``+++``) front matter → ``Source.meta_spans`` (a title-block meta
  line) and ``Source.declared_meta`` (``title``, ``date``, ``author``, ``source`` …).

The block structure comes from markdown-it-py (CommonMark), front matter from PyYAML or
tomllib; no Markdown is parsed with regular expressions here.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

from .model import Source

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
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
    return _front_matter(text) is not None


def markdown_source(
    text: str, *, name: str, encoding: str, path: Path | None = None
) -> Source:
    """A :class:`Source` for Markdown text, with the structure hints described above."""
    from markdown_it import MarkdownIt

    meta_spans: list[tuple[int, int]] = []
    declared: list[tuple[str, str]] = []
    offset = 0
    fm = _front_matter(text)
    if fm is not None:
        end, values = fm
        meta_spans.append((0, end))
        declared = _declared(values)
        offset = end
    starts = _line_starts(text)
    first_line = _line_of(starts, offset)
    tokens = MarkdownIt("commonmark").parse(text[offset:])
    markup: list[tuple[int, int]] = []
    headings: list[tuple[int, int, int, int]] = []  # start, end, tag level, order
    for k, tok in enumerate(tokens):
        if tok.map is None:
            continue
        a, b = tok.map[0] + first_line, tok.map[1] + first_line
        if tok.type == "heading_open":
            inline = tokens[k + 1] if k + 1 < len(tokens) else None
            span = _heading_span(text, starts, a, b, tok.markup, inline.content if inline else "")
            if span is not None:
                c_start, c_end, marks = span
                markup += marks
                headings.append((c_start, c_end, int(tok.tag[1:]), k))
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
        text=text,
        name=name,
        encoding=encoding,
        format="markdown",
        path=path,
        heading_spans=spans,
        markup_spans=tuple(sorted(markup)),
        title_span=title_span,
        meta_spans=tuple(meta_spans),
        declared_meta=tuple(declared),
    )


def _front_matter(text: str) -> tuple[int, dict[str, Any]] | None:
    """End offset and values of a front matter block at the very start, or None."""
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
            values = _load(kind, text[body_start:pos])
            return (line_end, values) if values is not None else None
        pos = line_end + 1
    return None


def _load(kind: str, body: str) -> dict[str, Any] | None:
    try:
        if kind == "toml":
            data: Any = tomllib.loads(body)
        else:
            import yaml

            data = yaml.safe_load(body)
    except Exception:
        return None
    return data if isinstance(data, dict) else None


def _declared(values: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, value in values.items():
        field = _META_KEYS.get(str(key).strip().lower()) or _META_KEYS.get(str(key).strip())
        if field is None or field in seen or value is None:
            continue
        if isinstance(value, list | tuple):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()[:10]
        out.append((field, str(value).strip()))
        seen.add(field)
    return out


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
