"""Read a document from a path, raw bytes or pasted text into a :class:`~studykit.document.model.Source`.

Offsets
-------
Everything downstream keeps ``(start, end)`` character offsets into ``Source.text``, so this
module changes the text as little as it can:

* Plain text: ``Source.text`` is the decoded input with a leading byte-order mark removed and
  nothing else changed. ``\\r\\n`` and lone ``\\r`` line endings, tabs, non-breaking spaces and
  trailing whitespace stay exactly as they were (``\\r\\n`` counts as two characters).
* HTML: ``Source.text`` is the text extracted from the page, one block per paragraph, blocks
  joined with a blank line (``\\n\\n``). Offsets refer to that text, never to the markup.
  ``Source.lead_spans`` marks the ``<strong>``/``<b>`` run that opens a paragraph.

Decoding
--------
``encoding=`` wins when given. Otherwise: a byte-order mark (UTF-8, UTF-16, UTF-32), then strict
UTF-8, then (for HTML) the page's ``<meta charset>``, then strict GB18030 when the result reads
as Chinese, then charset-normalizer on a sample. GB2312 and GBK are always decoded as GB18030, a
superset of both. Detectors misread short GBK input (``政协`` comes out as Big5), which is why
GB18030 is tried before the detector.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections import Counter
from pathlib import Path
from typing import Any, Literal

from studykit.errors import (
    BinarySourceError,
    DecodeError,
    EmptySourceError,
    SourceError,
    SourceNotFoundError,
    SourceTooLargeError,
)
from studykit.zh import HAN

from .model import Source

__all__ = ["DEFAULT_MAX_BYTES", "ReadFormat", "read_source"]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Inputs larger than this (50 MB) are refused unless ``max_bytes=`` is raised."""

ReadFormat = Literal["auto", "text", "html", "markdown"]

_MB = 1024 * 1024
_DETECT_SAMPLE = 256 * 1024  # bytes handed to the detector
_TEXT_SAMPLE = 64 * 1024  # characters inspected by the text heuristics
_MAX_CONTROL_SHARE = 0.05
_MIN_CHINESE_SHARE = 0.9
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_PATH_LIKE = re.compile(r"[^\n\r<>|*?\"]{1,255}\.(?:txt|text|html?|xhtml|shtml|md)", re.IGNORECASE)
_GB_CODECS = frozenset({"gb2312", "gbk", "gb18030"})
_SINGLE_BYTE_LABELS = frozenset({"ascii", "iso8859-1", "cp1252"})  # often declared wrongly

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2010-\u206f\u00b7\u00d7\u2460-\u24ff\u25a0-\u25ff"
_CJK = f"{HAN}{_CJK_PUNCT}"
_COMMON_CHAR = re.compile(f"[{_CJK}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_NON_SPACE = re.compile(r"\S")
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)
_HTML_BODY = re.compile(r"<body[\s>]", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"<(?:p|div)[\s>]", re.IGNORECASE)


def read_source(
    src: str | bytes | os.PathLike[str],
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    format: ReadFormat = "auto",
    name: str | None = None,
    errors: Literal["strict", "replace"] = "strict",
) -> Source:
    """Read a document into a :class:`Source`: decoded text plus where it came from.

    ``src`` is a path (``str`` naming an existing file, or any ``os.PathLike``), raw file content
    (``bytes``), or the document itself as a ``str`` (pasted text, named ``<text>``). A
    one-line ``str`` ending in ``.txt``/``.html``/``.md`` that names no file is taken for a
    mistyped path and raises :class:`SourceNotFoundError` instead of being read as text.

    ``errors="replace"`` reads a file with a few broken bytes anyway, each shown as U+FFFD (by
    default such a file is refused with the offset of the first bad byte).

    ``encoding`` overrides detection for paths and bytes; ``format="auto"`` treats ``.html``/
    ``.htm`` files and text that sniffs as HTML as web pages. Every failure is a one-line
    :class:`~studykit.errors.SourceError` saying what to do.

    >>> read_source("推动政协党建与履职工作深度融合\\n\\n一、自觉扛起政治责任").text[:4]
    '推动政协'
    """
    if format not in ("auto", "text", "html", "markdown"):
        raise ValueError(f"format must be 'auto', 'text', 'html' or 'markdown', not {format!r}")
    if max_bytes <= 0:
        raise ValueError(f"max_bytes must be positive, not {max_bytes!r}")
    if errors not in ("strict", "replace"):
        raise ValueError(f"errors must be 'strict' or 'replace', not {errors!r}")

    path: Path | None = None
    html_hint = format == "html"
    if isinstance(src, bytes | bytearray):
        what = name or "<bytes>"
        _check_size(len(src), max_bytes, what)
        text, enc = _decode(bytes(src), what, encoding, meta=format != "text", errors=errors)
    elif isinstance(src, str) and not _names_file(src):
        what = name or "<text>"
        if len(src) * 4 > max_bytes:  # only pay for encoding when the limit is within reach
            _check_size(len(src.encode("utf-8", "surrogatepass")), max_bytes, what)
        text, enc = src.removeprefix("\ufeff"), "unicode"
    else:
        path = Path(os.fspath(src)).expanduser()
        what = str(path)
        html_hint = html_hint or (format == "auto" and path.suffix.lower() in _HTML_SUFFIXES)
        data = _read_bytes(path, what, max_bytes)
        text, enc = _decode(data, what, encoding, meta=format != "text", errors=errors)

    _check_text(text, what)
    label = name or (path.name if path is not None else what)
    if format == "markdown" or (format == "auto" and _is_markdown(path, text)):
        from .markdown import markdown_source  # Markdown and front matter: document/markdown.py

        return markdown_source(text, name=label, encoding=enc, path=path)
    is_html = format != "text" and (html_hint or (format == "auto" and _sniff_html(text)))
    if not is_html:
        return Source(text=text, name=label, encoding=enc, format="text", path=path)
    body, leads, headings = _extract_html(text, what)
    return Source(
        text=body, name=label, encoding=enc, format="html", path=path, lead_spans=leads,
        heading_spans=headings,
    )


# --- input --------------------------------------------------------------------------------------


def _is_markdown(path: Path | None, text: str) -> bool:
    from .markdown import MARKDOWN_SUFFIXES, starts_with_front_matter

    if path is not None and path.suffix.lower() in MARKDOWN_SUFFIXES:
        return True
    return text.startswith(("---", "+++")) and starts_with_front_matter(text)


def _names_file(s: str) -> bool:
    """Whether a ``str`` argument is meant as a path: an existing file or a path-shaped line."""
    if not s or len(s) > 4096 or any(c in s for c in "\n\r\x00"):
        return False
    return os.path.exists(os.path.expanduser(s)) or bool(_PATH_LIKE.fullmatch(s.strip()))


def _check_size(size: int, max_bytes: int, what: str) -> None:
    if size > max_bytes:
        suggest = -(-size // _MB) * _MB
        raise SourceTooLargeError(
            f"文件太大：{what}（{_size(size)}） / {what} is {_size(size)}, over the limit of "
            f"{_size(max_bytes)}: pass max_bytes={suggest:_} (or larger) to read it"
        )


def _size(n: int) -> str:
    return f"{n / _MB:.1f} MB" if n >= _MB else f"{n:,} bytes"


def _read_bytes(path: Path, what: str, max_bytes: int) -> bytes:
    """The file's bytes, after checking with ``stat`` that it exists and is small enough."""
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise SourceNotFoundError(
            f"找不到文件：{what} / no such file: {what}: check the path "
            f"(relative paths start from {os.getcwd()})"
        ) from None
    except OSError as exc:
        raise SourceError(f"无法读取文件：{what} / cannot read {what}: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise SourceNotFoundError(
            f"这是文件夹，不是文件：{what} / {what} is a folder, not a file: choose a .txt or "
            ".html file inside it"
        )
    _check_size(st.st_size, max_bytes, what)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # bounded: special files may report size 0
    except OSError as exc:
        raise SourceError(f"无法读取文件：{what} / cannot read {what}: {exc.strerror}") from None
    _check_size(len(data), max_bytes, what)
    return data


def _check_text(text: str, what: str) -> None:
    """Refuse whitespace-only text and text that is really binary data."""
    if not _NON_SPACE.search(text):
        raise _empty(what)
    sample = text[:_TEXT_SAMPLE]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        raise _binary(what)


def _empty(what: str) -> EmptySourceError:
    return EmptySourceError(f"文件是空的：{what} / {what} is empty: choose a file with text in it")


def _binary(what: str) -> BinarySourceError:
    return BinarySourceError(
        f"这不是文本文件：{what} / {what} looks like binary data, not text: choose a .txt or "
        ".html file (save Word or PDF documents as plain text first)"
    )


# --- decoding -----------------------------------------------------------------------------------


def _decode(
    data: bytes, what: str, encoding: str | None, *, meta: bool, errors: str = "strict"
) -> tuple[str, str]:
    """Decode ``data`` and name the codec used: override, BOM, UTF-8, meta, GB18030, detector."""
    if not data:
        raise _empty(what)
    if encoding is not None:
        return _decode_override(data, what, encoding, errors)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _try_decode(data, codec)
            if text is None:
                raise DecodeError(
                    f"文件已损坏：{what} / {what} starts with a {codec} byte-order mark but does "
                    f"not decode as {codec}: re-save it as UTF-8, or pass encoding="
                )
            return text, codec
    if b"\x00" in data:
        found = _bomless_utf16(data)
        if found is None:
            raise _binary(what)
        return found
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    if meta and (declared := _meta_charset(data)) and declared not in _SINGLE_BYTE_LABELS:
        text = _try_decode(data, declared)
        if text is not None:
            return text, declared
    gb = _try_decode(data, "gb18030")
    if gb is not None and _reads_as_chinese(gb):
        return gb, "gb18030"
    # Short or traditional text: let the detector propose, but keep whichever Chinese reading
    # is most plausible (detectors take 朱镕基 in GBK for Big5 and Big5 for Shift_JIS).
    detected = _detect(data)
    options = {"gb18030": gb} if gb is not None else {}
    for candidate in ("big5", detected):
        if candidate is not None and candidate not in options:
            decoded = _try_decode(data, candidate)
            if decoded is not None:
                options[candidate] = decoded
    if options:
        shares = {c: _chinese_share(t, traditional=True) for c, t in options.items()}
        best = max(shares, key=shares.__getitem__)
        if shares[best] == 0 and detected in options:
            best = detected
        return options[best], best
    # Text with a few broken bytes (a stray byte, a file cut mid-character): say where they are
    # and how to read it anyway, rather than calling it binary or of unknown encoding.
    for codec in ("utf-8", "gb18030"):
        lenient = data.decode(codec, errors="replace").removeprefix("\ufeff")
        bad = lenient.count("\ufffd")
        if 0 < bad <= max(8, len(lenient) // 200) and _reads_as_chinese(lenient.replace("\ufffd", "")):
            if errors == "replace":
                return lenient, codec
            raise DecodeError(_broken_bytes(what, data, codec, bad))
    if len(_CONTROL.findall(data[:_TEXT_SAMPLE].decode("utf-8", "replace"))) > _MAX_CONTROL_SHARE * min(
        len(data), _TEXT_SAMPLE
    ):
        raise _binary(what)
    if errors == "replace":
        return data.decode("gb18030", errors="replace"), "gb18030"
    raise DecodeError(
        f"无法识别文件编码：{what} / cannot tell the encoding of {what}: pass the encoding it was "
        'saved in, e.g. encoding="gb18030" or encoding="utf-8", or errors="replace" to read what decodes'
    )


def _broken_bytes(what: str, data: bytes, codec: str, bad: int) -> str:
    try:
        data.decode(codec)
        where = ""
    except UnicodeDecodeError as exc:
        where = f", the first 0x{data[exc.start]:02x} at byte {exc.start}"
    return (
        f"文件里有损坏的字节：{what} / {what} reads as {codec} except {bad} broken byte(s){where}: "
        'pass errors="replace" to read it with � in their place, or repair the file'
    )


def _decode_override(data: bytes, what: str, encoding: str, errors: str = "strict") -> tuple[str, str]:
    try:
        codec = _canonical(encoding)
    except LookupError:
        raise DecodeError(
            f"不认识的编码：{encoding} / unknown encoding {encoding!r} for {what}: omit encoding= "
            'to detect it, or use encoding="gb18030" or encoding="utf-8"'
        ) from None
    try:
        return data.decode(codec, errors=errors).removeprefix("\ufeff"), codec
    except UnicodeDecodeError as exc:
        where = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        raise DecodeError(
            f"无法用 {codec} 解码：{what} / {what} does not decode as {codec} ({where}): omit "
            "encoding= to detect it"
            + ('' if codec == "gb18030" else ', try encoding="gb18030"')
            + ', or pass errors="replace" to read it with � for the bad bytes'
        ) from None
    except LookupError:
        raise DecodeError(
            f"不是文本编码：{encoding} / {encoding!r} is not a text encoding ({what}): omit "
            'encoding= to detect it, or use encoding="gb18030" or encoding="utf-8"'
        ) from None


def _canonical(label: str) -> str:
    """Python's name for a codec label, with every GB2312/GBK label mapped to gb18030."""
    name = codecs.lookup(label.strip()).name
    return "gb18030" if name in _GB_CODECS else name


def _try_decode(data: bytes, codec: str) -> str | None:
    """Strictly decoded text without a leading BOM, or None."""
    try:
        return data.decode(codec).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError):
        return None


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if match is None:
        return None
    try:
        return _canonical(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None


def _reads_as_chinese(text: str) -> bool:
    """Whether nearly all non-ASCII characters are common Chinese (GB2312) characters or punctuation.

    Big5, Shift_JIS or EUC-KR bytes decoded as GB18030 give many characters outside GB2312, so
    this tells real GBK text apart even when it is only two characters long.
    """
    return not _CONTROL.search(text[:_TEXT_SAMPLE]) and _chinese_share(text) >= _MIN_CHINESE_SHARE


def _chinese_share(text: str, *, traditional: bool = False) -> float:
    """Share of non-ASCII characters that are common Chinese characters or punctuation.

    Common means in GB2312, or with ``traditional`` also in Big5's frequent-character block.
    """
    counts = Counter(c for c in text[:_TEXT_SAMPLE] if c >= "\x80")
    total = sum(counts.values())
    common = sum(n for c, n in counts.items() if _is_common(c, traditional=traditional))
    return common / total if total else 0.0


def _is_common(char: str, *, traditional: bool = False) -> bool:
    if not _COMMON_CHAR.match(char):
        return False
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    if not traditional:
        return False
    try:
        return 0xA4 <= char.encode("big5")[0] <= 0xC6
    except UnicodeEncodeError:
        return False


def _detect(data: bytes) -> str | None:
    """charset-normalizer's guess from a prefix of ``data`` cut at a line break."""
    from charset_normalizer import from_bytes

    sample = data
    if len(data) > _DETECT_SAMPLE:
        cut = data.rfind(b"\n", _DETECT_SAMPLE // 2, _DETECT_SAMPLE)
        sample = data[: cut if cut > 0 else _DETECT_SAMPLE]
    best = from_bytes(sample).best()
    if best is None:
        return None
    try:
        return _canonical(str(best.encoding))
    except LookupError:
        return None


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: NUL bytes mostly on one side, and the result reads as text."""
    if len(data) % 2:
        return None
    head = data[:_DETECT_SAMPLE]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if min(even, odd) * 4 > max(even, odd):  # ASCII puts its NUL high bytes all on one side
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    text = _try_decode(data, codec)
    if text is None or "\x00" in text:
        return None
    sample = text[:_TEXT_SAMPLE]
    plain = sum(1 for c in sample if c.isascii() or _COMMON_CHAR.match(c))
    return (text, codec) if plain >= _MIN_CHINESE_SHARE * len(sample) else None


# --- HTML ---------------------------------------------------------------------------------------


def _sniff_html(text: str) -> bool:
    head = text[:4096]
    return bool(
        _HTML_START.match(head) or _HTML_BODY.search(head) or len(_HTML_BLOCK.findall(head)) >= 3
    )


_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
        "select", "button", "input", "textarea", "title", "meta", "link",
    }
)  # fmt: skip
_SEMANTIC_FURNITURE = frozenset({"nav", "footer", "aside", "menu", "header"})
_FURNITURE_TAGS = _SEMANTIC_FURNITURE | {"form"}
_FURNITURE_NAME = re.compile(
    r"nav|menu|share|footer|foot|breadcrumb|crumb|copyright|sidebar|banner|toolbar|bdshare"
    r"|related|comment",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
        "td", "th", "tr", "table", "tbody", "thead", "tfoot", "caption", "blockquote", "pre",
        "section", "article", "main", "header", "footer", "aside", "nav", "figure",
        "figcaption", "address", "center", "hr", "form", "fieldset", "body", "html",
    }
)  # fmt: skip
_LEAD_TAGS = frozenset({"strong", "b"})
_HEADING_LEVELS = {"h2": 1, "h3": 2, "h4": 3}  # <h1> is the page's title
_LEAD_BLOCKS = frozenset({"p", "div"})
_BR, _LEAD_OPEN, _LEAD_CLOSE = "\x00", "\x01", "\x02"
_NO_SENTINELS = str.maketrans("", "", _BR + _LEAD_OPEN + _LEAD_CLOSE)
_SOURCE_WRAP = re.compile(f"(?<=[{_CJK}])[ \t\f]*[\r\n][ \t\r\n\f]*(?=[{_CJK}])")
_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")
_AROUND_BR = re.compile(r"[^\S\n]*\x00[^\S\n]*")
_DTD_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
_TITLE_PARTS = re.compile(r"\s*(?:_|｜|\||\s[-–—]\s)\s*")


def _page_title(raw: str) -> str:
    """A ``<title>`` without its trailing column and site names: 标题_栏目_网站 → 标题, while
    两会｜代表委员热议新质生产力_新华网 keeps its column prefix. Short trailing parts go while at
    least six characters of title remain."""
    text = " ".join(raw.split())
    seps = list(_TITLE_PARTS.finditer(text))
    end = len(text)
    for sep in reversed(seps):
        tail = text[sep.end() : end]
        if len(tail) > 8 or sep.start() < 6:
            break
        end = sep.start()
    return text[:end].strip()


def _extract_html(
    text: str, what: str
) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int, int], ...]]:
    """Article text of a page, one block per paragraph, with the spans of ``<strong>`` leads."""
    import lxml.html
    from lxml import etree

    # libxml2's HTML parser never reads a DTD, so entities stay unexpanded and nothing is fetched.
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
    )
    head = _DTD_SUBSET.sub("", text[:_TEXT_SAMPLE], count=1)  # its "]>" would show as text
    try:
        markup = (head + text[_TEXT_SAMPLE:]).encode("utf-8", "replace")
        root = lxml.html.document_fromstring(markup, parser=parser)
    except (etree.LxmlError, ValueError):
        raise _no_article(what) from None
    title_el = root.find(".//title")
    page_title = (title_el.text_content() if title_el is not None else "") or ""
    body = root.find("body")
    if body is None:
        body = root
    from .govcn import prepare_govcn  # gov.cn info tables and split titles: document/govcn.py

    prepare_govcn(body)
    _strip_furniture(body)

    _drop_link_lists(body)
    blocks = _Blocks()
    title_text = _page_title(page_title)
    first_text = next((t.strip() for t in body.itertext() if t.strip()), "")
    if body.find(".//h1") is None and title_text and title_text not in first_text:
        blocks.add(title_text)  # the <title> only when the page shows no headline of its own
        blocks.flush()
    for event, el in etree.iterwalk(body, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                blocks.start_block(tag)
            elif tag == "br":
                blocks.add(_BR)
            elif tag in _LEAD_TAGS:
                blocks.open_lead()
            if tag and el.text:
                blocks.add(el.text)
        else:
            if tag in _BLOCK_TAGS:
                blocks.flush()
            elif tag in _LEAD_TAGS:
                blocks.close_lead()
            if el is not body and el.tail:
                blocks.add(el.tail)
    blocks.flush()
    if not blocks.texts:
        raise _no_article(what)
    return blocks.join()


def _no_article(what: str) -> EmptySourceError:
    return EmptySourceError(
        f"网页里没有正文：{what} / no text found in the page {what}: check that it is the "
        'article page, or pass format="text" to read the markup as text'
    )


def _strip_furniture(body: Any) -> None:
    """Drop scripts and page furniture (menus, share bars, footers) in place, keeping tails."""
    for el in list(body.iter(*_DROP_TAGS)):
        el.drop_tree()
    body_chars = _text_len(body)
    candidates = [
        el
        for el in body.iter()
        if el is not body
        and isinstance(el.tag, str)
        and (
            el.tag in _FURNITURE_TAGS
            or _FURNITURE_NAME.search(f"{el.get('class', '')} {el.get('id', '')}")
        )
    ]
    for el in candidates:
        if not any(a is body for a in el.iterancestors()):
            continue  # already dropped with an ancestor
        if el.tag == "header" and any(a.tag in ("article", "main") for a in el.iterancestors()):
            continue  # an article's own header holds its title and meta line
        if el.find(".//article") is not None or (
            el.tag not in _SEMANTIC_FURNITURE and _text_len(el) > body_chars / 2
        ):
            continue  # a wrapper around the article (ASP.NET pages wrap everything in a form)
        for h1 in el.findall(".//h1"):  # the title stays, wherever the site put it
            h1.tail = None
            el.addprevious(h1)
        el.drop_tree()


def _drop_link_lists(body: Any) -> None:
    """Drop blocks made only of two or more links (menus, column lists) outside the article."""
    for el in list(body.iter("div", "p", "ul", "ol", "table", "tr", "td", "span")):
        if el.getparent() is None or el.find(".//h1") is not None:
            continue
        links = el.findall(".//a")
        if len(links) < 2:
            continue
        linked = sum(len(a.text_content().strip()) for a in links)
        own = len(re.sub(r"[\s|｜/>»·]+", "", el.text_content()))
        if own and linked >= own * 0.9 and own <= 80:
            el.drop_tree()


def _text_len(el: Any) -> int:
    return sum(len(t) for t in el.itertext())


class _Blocks:
    """Collects text blocks in document order, with markers for ``<br>`` and a leading strong run."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.leads: list[tuple[int, int] | None] = []
        self.levels: list[int] = []  # heading level of each block (<h2> → 1 …), 0 for others
        self._level = 0
        self._buf: list[str] = []
        self._lead_allowed = False
        self._lead_depth = 0
        self._has_text = False

    def start_block(self, tag: str) -> None:
        self.flush()
        self._lead_allowed = tag in _LEAD_BLOCKS
        self._level = _HEADING_LEVELS.get(tag, 0)

    def add(self, piece: str) -> None:
        if piece != _BR:
            piece = _SOURCE_WRAP.sub("", piece.translate(_NO_SENTINELS))
        if piece != _BR and piece.strip():
            self._has_text = True
            if not self._lead_depth:
                self._lead_allowed = False
        self._buf.append(piece)

    def open_lead(self) -> None:
        if self._lead_depth:
            self._lead_depth += 1
        elif self._lead_allowed and not self._has_text:
            self._buf.append(_LEAD_OPEN)
            self._lead_depth = 1

    def close_lead(self) -> None:
        if self._lead_depth:
            self._lead_depth -= 1
            if not self._lead_depth:
                self._buf.append(_LEAD_CLOSE)
                self._lead_allowed = False

    def flush(self) -> None:
        raw = "".join(self._buf)
        self._buf, self._lead_allowed, self._lead_depth, self._has_text = [], False, 0, False
        level, self._level = self._level, 0
        text, lead = _clean_block(raw)
        if text:
            self.texts.append(text)
            self.leads.append(lead)
            self.levels.append(level if "\n" not in text else 0)

    def join(self) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int, int], ...]]:
        spans: list[tuple[int, int]] = []
        headings: list[tuple[int, int, int]] = []
        pos = 0
        for text, lead, level in zip(self.texts, self.leads, self.levels, strict=True):
            if lead is not None:
                spans.append((pos + lead[0], pos + lead[1]))
            if level:
                headings.append((pos, pos + len(text), level))
            pos += len(text) + 2
        return "\n\n".join(self.texts), tuple(spans), tuple(headings)


def _clean_block(raw: str) -> tuple[str, tuple[int, int] | None]:
    """Collapse markup whitespace, turn ``<br>`` into line breaks and locate the lead markers."""
    text = _AROUND_BR.sub("\n", _SPACE_RUN.sub(" ", raw))
    start, end = text.find(_LEAD_OPEN), text.find(_LEAD_CLOSE)
    text = text.replace(_LEAD_OPEN, "").replace(_LEAD_CLOSE, "")
    stripped = text.strip()
    if not stripped:
        return "", None
    if start < 0 or end < start:
        return stripped, None
    shift = len(text) - len(text.lstrip())
    end -= 1  # the open marker came before the close marker
    start, end = max(start - shift, 0), min(end - shift, len(stripped))
    while start < end and stripped[start].isspace():
        start += 1
    while end > start and stripped[end - 1].isspace():
        end -= 1
    if start != 0 or end >= len(stripped):
        return stripped, None  # not a lead: empty, or the whole block is bold (a heading)
    return stripped, (start, end)
