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
GB18030 is tried before the detector. Every check looks at samples from the whole file, not only
its start, so Chinese after a long ASCII stretch (a big inline script) is still recognised.

Path or text
------------
A ``str`` is a path when it names an existing file. Otherwise it is the document itself when it
is recognisably text: several lines, markup, or sentence punctuation in sentence position
(``。！？；…``, or ``!?;`` before a space or the end) — not when what follows the mark is a file
name's tail (``报告！.txt``, ``政府工作报告。txt`` with 。 typed for the dot, ``文件夹！/a.txt``). Any
other ``str`` (one short line such as ``reports/missing.pdf``, ``报告.docx``, ``政府工作报告``,
a glob pattern ``reports/*.txt`` or ``data/报告|终稿.txt``) is taken for a mistyped path and
raises :class:`~studykit.errors.SourceNotFoundError`; pass ``text=`` to read such a string as
the document. Arguments reading cannot use (``sk.load(5)``, ``max_bytes=0``) raise
:class:`~studykit.errors.ReadOptionError`.

Hostile input
-------------
Only regular files are read: FIFOs, devices and sockets are refused before anything could
block. Lone surrogates in a ``str`` (which no file can hold) are refused, or read as U+FFFD with
``errors="replace"``. In HTML, C0 control characters that XML cannot hold are read as a space
(vertical tab and form feed, which Word uses for line breaks) or removed; elements that old or
broken pages leave open (``<embed>``, ``<select>``, ``<textarea>``, ``<title>``, ``<object>``,
``<nav>`` …) never take the rest of the page with them; tags with more than 1,000 attributes keep
their first 1,000 (attributes are never text); and a page nested too deeply for libxml2 is
reported, never returned in part.
"""

from __future__ import annotations

import codecs
import errno
import itertools
import numbers
import os
import re
import stat
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Literal

from studykit.errors import (
    BinarySourceError,
    DecodeError,
    EmptySourceError,
    ReadOptionError,
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
_DETECT_SAMPLE = 256 * 1024  # bytes handed to the detector, from across the file
_TEXT_SAMPLE = 64 * 1024  # characters inspected by the text heuristics, from across the text
_WINDOWS = 16  # evenly spaced windows a sample takes after the start
_MIN_NON_ASCII = 256  # fewer in a spread sample: collect the non-ASCII characters of it all
_META_SCAN = 1024 * 1024  # bytes searched for <meta charset>
_ASCII_RUN = re.compile(r"[\x00-\x7f]+")
_MAX_CONTROL_SHARE = 0.05
_MIN_CHINESE_SHARE = 0.9
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
# What makes a str recognisably text rather than a path: line breaks, markup or control
# characters anywhere, or sentence punctuation in sentence position (_SENTENCE_END, _NAME_TAIL).
# Glob characters (* ? [ ]) and | are no sign of text: reports/*.txt is a path someone meant.
_TEXT_MARKS = re.compile(r"[\n\r\v\f\x85\u2028\u2029<>\"\x00-\x08\x0e-\x1f]")
# A sentence ends with full-width punctuation, or ASCII !?; before a space, a closing quote or
# bracket, or the end (in reports/202?.txt the ? is a wildcard, in a;b.txt part of the name).
_SENTENCE_END = re.compile(r"[。！？；…]+|[!?;]+(?=[\s'”’)）」』】]|$)")
# What may follow the punctuation in a file name: an extension (报告！.txt, 报告！终稿.txt), an
# extension typed after 。 for the dot (政府工作报告。txt), or a path separator (folder！/a.txt).
_NAME_TAIL = re.compile(
    r"[^\s。！？；…!?;/\\]*\.[A-Za-z][A-Za-z0-9]{0,7}|[A-Za-z][A-Za-z0-9]{0,7}|[/\\].*", re.S
)
_GLOB = re.compile(r"[*?\[]")
_DOT_TYPED_AS_STOP = re.compile(r"[。．](?=[A-Za-z][A-Za-z0-9]{0,7}$)")
_MAX_PATH_BYTES = 4096
_MAX_NAME_BYTES = 255
_SURROGATE = re.compile("[\ud800-\udfff]")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:/")
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
# Control characters that mark binary data or a wrong decoding. Vertical tab and form feed are
# not among them: Word writes them for manual line and page breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_NON_SPACE = re.compile(r"\S")
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)
_HTML_BODY = re.compile(r"<body[\s>]", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"<(?:p|div)[\s>]", re.IGNORECASE)


def read_source(
    src: str | bytes | os.PathLike[str] | None = None,
    *,
    text: str | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    format: ReadFormat = "auto",
    name: str | os.PathLike[str] | None = None,
    errors: Literal["strict", "replace"] = "strict",
) -> Source:
    """Read a document into a :class:`Source`: decoded text plus where it came from.

    ``src`` is a path (an ``os.PathLike``, or a ``str`` naming an existing file) or raw file
    content (``bytes``); ``text=`` is the document itself as a ``str`` (pasted text, named
    ``<text>``). A ``str`` given as ``src`` that names no file is read as text only when it is
    recognisably text (several lines, markup, or sentence punctuation ending a sentence, see the
    module docstring); a one-line string such as ``reports/missing.pdf``, ``政府工作报告``,
    ``reports/*.txt`` or ``报告！.txt`` raises :class:`SourceNotFoundError` instead of being read
    as a six-character document. An argument reading cannot use (``5`` as ``src``,
    ``max_bytes=0``) raises :class:`~studykit.errors.ReadOptionError`.

    Only regular files are read: a FIFO, device or socket is refused at once (reading one could
    block forever). ``errors="replace"`` reads a file with a few broken bytes anyway, each shown
    as U+FFFD (by default such a file is refused with the offset of the first bad byte); for a
    ``str`` it reads lone surrogates (U+D800–U+DFFF, which no file can hold) as U+FFFD, one for
    one, so offsets stay those of the string.

    ``encoding`` overrides detection for paths and bytes; ``format="auto"`` treats ``.html``/
    ``.htm`` files (and bytes whose ``name`` ends so, as an upload has) and text that sniffs as
    HTML as web pages, and ``.md`` files and bytes named so as Markdown. Every failure is a one-line
    :class:`~studykit.errors.SourceError` saying what to do.

    >>> read_source(text="推动政协党建与履职工作深度融合").text
    '推动政协党建与履职工作深度融合'
    >>> read_source("推动政协党建与履职工作深度融合\n\n一、自觉扛起政治责任").text[:4]
    '推动政协'
    """
    _check_options(src, text, encoding, max_bytes, format, errors)
    if name is not None and not isinstance(name, str):
        given = os.fspath(name) if isinstance(name, os.PathLike) else None
        if not isinstance(given, str):
            raise ReadOptionError(
                f"name 须是文件名 / name must be a file name such as 报告.html, not {type(name).__name__}"
            )
        name = given  # an upload named by a Path: its file name

    path: Path | None = None
    html_hint = format == "html"
    if text is not None or (isinstance(src, str) and _is_text(src)):
        pasted = text if text is not None else src
        assert isinstance(pasted, str)
        what = _shown(name or "<text>")
        if len(pasted) * 4 > max_bytes:  # only pay for encoding when the limit is within reach
            _check_size(len(pasted.encode("utf-8", "surrogatepass")), max_bytes, what)
        decoded, enc = _no_surrogates(pasted.removeprefix("\ufeff"), what, errors), "unicode"
    elif isinstance(src, bytes | bytearray | memoryview):
        what = _shown(name or "<bytes>")
        # An upload keeps its file name: 报告.html is a web page however its first bytes look.
        html_hint = html_hint or (format == "auto" and Path(name or "").suffix.lower() in _HTML_SUFFIXES)
        _check_size(len(src), max_bytes, what)
        decoded, enc = _decode(bytes(src), what, encoding, meta=format != "text", errors=errors)
    elif isinstance(src, str | os.PathLike):
        if isinstance(src, str) and not _exists(src):
            src = src.strip()  # "报告.txt\n" as copied: the file is 报告.txt
        path = _path(src)
        what = _shown(str(path))
        html_hint = html_hint or (format == "auto" and path.suffix.lower() in _HTML_SUFFIXES)
        data = _read_bytes(path, what, max_bytes, typed=isinstance(src, str))
        decoded, enc = _decode(data, what, encoding, meta=format != "text", errors=errors)
    else:  # pragma: no cover - _check_options refused every other type
        raise _bad_source(src)

    _check_text(decoded, what)
    label = name or (path.name if path is not None else what)
    named = path if path is not None else (Path(name) if name and text is None else None)
    if format == "markdown" or (format == "auto" and _is_markdown(named, decoded)):
        from .markdown import markdown_source  # Markdown and front matter: document/markdown.py

        return markdown_source(decoded, name=label, encoding=enc, path=path)
    is_html = format != "text" and (html_hint or (format == "auto" and _sniff_html(decoded)))
    if not is_html:
        return Source(text=decoded, name=label, encoding=enc, format="text", path=path)
    body, leads, headings = _extract_html(decoded, what)
    return Source(
        text=body, name=label, encoding=enc, format="html", path=path, lead_spans=leads,
        heading_spans=headings,
    )


# --- input --------------------------------------------------------------------------------------


def _check_options(
    src: object, text: object, encoding: object, max_bytes: object, format: object, errors: object
) -> None:
    """Refuse what reading cannot use with one bilingual line (:class:`ReadOptionError`, also a
    ``TypeError``/``ValueError``): ``sk.load(5)``, ``max_bytes=0``, ``format="pdf"``…"""
    if format not in ("auto", "text", "html", "markdown"):
        raise _bad_option("format", format, "give 'auto', 'text', 'html' or 'markdown'")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, numbers.Integral) or max_bytes <= 0:
        raise _bad_option(
            "max_bytes", max_bytes, f"give a whole number of bytes above 0 (default {DEFAULT_MAX_BYTES:_})"
        )
    if errors not in ("strict", "replace"):
        raise _bad_option("errors", errors, "give 'strict' or 'replace'")
    if encoding is not None and not isinstance(encoding, str):
        raise _bad_option("encoding", encoding, "give a codec name such as 'gb18030', or None to detect it")
    if (src is None) == (text is None):
        raise ReadOptionError(
            "请给出路径、字节或 text= 中的一个 / pass exactly one of a path, bytes or text=...: "
            + ("both were given" if src is not None else "nothing was given")
        )
    if text is not None and not isinstance(text, str):
        raise ReadOptionError(
            f"text= 只接受字符串 / text= takes a str, not {type(text).__name__}: pass bytes or a "
            "path as the first argument"
        )
    if src is not None and not isinstance(src, str | bytes | bytearray | memoryview | os.PathLike):
        raise _bad_source(src)


def _bad_option(name: str, value: object, want: str) -> ReadOptionError:
    shown = _shown(repr(value))
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return ReadOptionError(f"选项 {name} 的值无效 / invalid {name}={shown}: {want}")


def _bad_source(src: object) -> ReadOptionError:
    kind = type(src).__name__
    return ReadOptionError(
        f"无法读取 {kind} 类型的值 / cannot read a value of type {kind} ({_shown(repr(src))[:40]}): "
        "pass a file's path "
        "(str or Path), its bytes, or text=... for the document itself"
    )



def _is_markdown(path: Path | None, text: str) -> bool:
    from .markdown import MARKDOWN_SUFFIXES, starts_with_front_matter

    if path is not None and path.suffix.lower() in MARKDOWN_SUFFIXES:
        return True
    return text.startswith(("---", "+++")) and starts_with_front_matter(text)


def _is_text(s: str) -> bool:
    """Whether a ``str`` given as ``src`` is the document itself rather than a path.

    An existing file is a path. Otherwise the string is text when it is recognisably text:
    several lines, markup or control characters, sentence punctuation in sentence position
    (:func:`_ends_a_sentence`), or too long to be a path. Anything else is a path, mistyped or
    missing: ``reports/*.txt``, ``政府工作报告。txt``, ``报告！.txt``, ``data/报告|终稿.txt``.
    """
    stripped = s.strip()
    if not stripped:
        return True  # reported as empty text, not as a file named "   "
    if _exists(s) or _exists(stripped):
        return False
    # A path copied with its line end ("报告.txt\n") is still one line: look inside the ends.
    if _TEXT_MARKS.search(stripped) or _SURROGATE.search(s) or _ends_a_sentence(stripped):
        return True
    raw = stripped.encode("utf-8", "surrogatepass")
    return len(raw) > _MAX_PATH_BYTES or any(
        len(part) > _MAX_NAME_BYTES for part in re.split(rb"[/\\]", raw)
    )


def _ends_a_sentence(line: str) -> bool:
    """Whether sentence punctuation in ``line`` ends a sentence, rather than sitting in a file
    name: ``推动政协党建。``, ``什么是党建？``, ``一是加强；二是推进`` end one; in ``报告！.txt``,
    ``政府工作报告。txt`` and ``文件夹！/a.txt`` what follows the mark is a file name's tail.

    >>> [_ends_a_sentence(s) for s in ("加强领导。", "What?", "一是加强；二是推进", "报告！.txt",
    ...                                 "政府工作报告。txt", "reports/202?.txt", "a;b.txt")]
    [True, True, True, False, False, False, False]
    """
    return any(not _NAME_TAIL.fullmatch(line, m.end()) for m in _SENTENCE_END.finditer(line))


def _exists(s: str) -> bool:
    try:
        return os.path.lexists(os.path.expanduser(s))
    except (ValueError, OSError):
        return False


def _path(src: str | os.PathLike[str]) -> Path:
    try:
        return Path(os.fspath(src)).expanduser()
    except (TypeError, ValueError, RuntimeError) as exc:
        raise SourceNotFoundError(
            f"路径无效：{_shown(str(src))} / {_shown(str(src))} is not a usable path ({exc})"
        ) from None


def _shown(what: str) -> str:
    """A name for messages: one line, whatever characters it holds."""
    if what.isprintable():
        return what
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in what)


def _no_surrogates(text: str, what: str, errors: str) -> str:
    """The text with lone surrogates refused, or replaced one for one with U+FFFD."""
    first = _SURROGATE.search(text)
    if first is None:
        return text
    if errors == "replace":
        return _SURROGATE.sub("\ufffd", text)
    count = len(_SURROGATE.findall(text))
    raise DecodeError(
        f"文本含有无效字符：{what} / {what} holds {count} lone surrogate(s) (U+D800–U+DFFF, the "
        f"first at offset {first.start()}), which no file can store: pass errors=\"replace\" to "
        "read each as �"
    )


def _check_size(size: int, max_bytes: int, what: str) -> None:
    if size > max_bytes:
        suggest = -(-size // _MB) * _MB
        raise SourceTooLargeError(
            f"文件太大：{what}（{_size(size)}） / {what} is {_size(size)}, over the limit of "
            f"{_size(max_bytes)}: pass max_bytes={suggest:_} (or larger) to read it"
        )


def _size(n: int) -> str:
    return f"{n / _MB:.1f} MB" if n >= _MB else f"{n:,} bytes"


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "FIFO (named pipe)", "命名管道"),
    (stat.S_ISCHR, "character device", "字符设备"),
    (stat.S_ISBLK, "block device", "块设备"),
    (stat.S_ISSOCK, "socket", "套接字"),
)


_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
               | getattr(os, "O_CLOEXEC", 0))
"""Open for reading without blocking (a FIFO or a terminal cannot hang the open)."""


def read_regular(path: str | os.PathLike[str]) -> bytes:
    """All the bytes of a regular file, opened without blocking and checked on the descriptor,
    so a FIFO or device put in the file's place raises ``OSError`` instead of hanging."""
    fd = os.open(path, _READ_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "不是普通文件 / not a regular file", os.fspath(path))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


def _read_bytes(path: Path, what: str, max_bytes: int, *, typed: bool = False) -> bytes:
    """The file's bytes, after checking with ``stat`` that it is a regular file small enough.

    The file is opened without blocking and checked again on the open descriptor, so a FIFO
    swapped in between cannot hang the read.
    """
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError, ValueError):
        raise _not_found(path, what, typed=typed) from None
    except OSError as exc:
        raise SourceError(f"无法读取文件：{what} / cannot read {what}: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise SourceNotFoundError(
            f"这是文件夹，不是文件：{what} / {what} is a folder, not a file: choose a .txt or "
            ".html file inside it"
        )
    _check_regular(st.st_mode, what)
    _check_size(st.st_size, max_bytes, what)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise SourceError(f"无法读取文件：{what} / cannot read {what}: {exc.strerror}") from None
    try:
        fst = os.fstat(fd)
        _check_regular(fst.st_mode, what)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            # Bounded by the limit (a file may grow while it is read) and by the size plus a margin,
            # so a limit of 2**63 bytes asks for no impossible buffer.
            data = fh.read(min(max_bytes, fst.st_size + (1 << 20)) + 1)
    except OSError as exc:
        raise SourceError(f"无法读取文件：{what} / cannot read {what}: {exc.strerror}") from None
    finally:
        os.close(fd)
    _check_size(len(data), max_bytes, what)
    return data


def _check_regular(mode: int, what: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next(((en, zh) for test, en, zh in _SPECIAL_KINDS if test(mode)), ("special file", "特殊文件"))
    raise SourceError(
        f"不是普通文件（{kind[1]}）：{what} / {what} is a {kind[0]}, not a regular file: save the "
        "document to a file and read that"
    )


def _not_found(path: Path, what: str, *, typed: bool) -> SourceNotFoundError:
    hint = f"check the path (relative paths start from {_shown(os.getcwd())})"
    if _URL.match(str(path)) or str(path).startswith("www."):
        hint = "studykit reads saved files, it does not download: save the page and read the file"
    if _GLOB.search(path.name):
        hint += "; one file is read here: for the files a pattern matches use sk.load_corpus (CLI: studykit corpus)"
    if typed and _DOT_TYPED_AS_STOP.search(path.name):
        hint += f" (。 typed for the dot? {_shown(_DOT_TYPED_AS_STOP.sub('.', path.name))})"
    if typed:
        hint += "; to read the string itself as the document, pass text=..."
    return SourceNotFoundError(f"找不到文件：{what} / no such file: {what}: {hint}")


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
    # UTF-8 Chinese with a few broken bytes (a stray byte, a pasted GBK phrase): say so, before
    # GB18030, which decodes nearly any bytes, turns the whole file into plausible mojibake.
    lenient = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    bad = lenient.count("\ufffd")
    if bad <= max(8, len(lenient) // 200) and _reads_as_chinese(lenient.replace("\ufffd", "")):
        if errors == "replace":
            return lenient, "utf-8"
        raise DecodeError(_broken_bytes(what, data, "utf-8", bad))

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
    try:
        name = codecs.lookup(label.strip()).name
    except ValueError:  # a NUL in the label
        raise LookupError(label) from None
    return "gb18030" if name in _GB_CODECS else name


def _try_decode(data: bytes, codec: str) -> str | None:
    """Strictly decoded text without a leading BOM, or None."""
    try:
        return data.decode(codec).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError):
        return None


def _meta_charset(data: bytes) -> str | None:
    # Not only the first 1,024 bytes browsers prescan: pages put large inline scripts first.
    match = _META_CHARSET.search(data[:_META_SCAN])
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


def _spread(text: str, size: int = _TEXT_SAMPLE) -> str:
    """About ``size`` characters from across ``text``: its first half-sample, then evenly
    spaced windows up to its very end."""
    if len(text) <= size:
        return text
    head = size // 2
    width = size // (2 * _WINDOWS)
    step = (len(text) - head - width) / (_WINDOWS - 1)
    return text[:head] + "".join(
        text[head + round(i * step) : head + round(i * step) + width] for i in range(_WINDOWS)
    )


def _non_ascii_sample(text: str) -> str:
    """A sample from across ``text`` holding its non-ASCII characters: where the spread sample
    is nearly all ASCII (a long inline script before the article), the non-ASCII characters of
    the whole text, spread."""
    sample = _spread(text)
    if len(sample) == len(text) or sum(1 for c in sample if c >= "\x80") >= _MIN_NON_ASCII:
        return sample
    return _spread(_ASCII_RUN.sub("", text))


def _chinese_share(text: str, *, traditional: bool = False) -> float:
    """Share of non-ASCII characters that are common Chinese characters or punctuation, in a
    sample from across the whole text.

    Common means in GB2312, or with ``traditional`` also in Big5's frequent-character block.
    """
    counts = Counter(c for c in _non_ascii_sample(text) if c >= "\x80")
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
    """charset-normalizer's guess from a sample of ``data``: its start and pieces from across
    the whole file, each cut at line breaks so no character is split."""
    from charset_normalizer import from_bytes

    sample = data
    if len(data) > _DETECT_SAMPLE:
        pieces = [_lines(data, 0, _DETECT_SAMPLE // 2)]
        width = _DETECT_SAMPLE // (2 * _WINDOWS)
        step = (len(data) - _DETECT_SAMPLE // 2 - width) // (_WINDOWS - 1)
        for i in range(_WINDOWS):
            start = _DETECT_SAMPLE // 2 + i * step
            pieces.append(_lines(data, start, start + width))
        sample = b"\n".join(p for p in pieces if p)
        if not sample.strip(b"\n"):
            sample = data[:_DETECT_SAMPLE]
    best = from_bytes(sample).best()
    if best is None:
        return None
    try:
        return _canonical(str(best.encoding))
    except LookupError:
        return None


def _lines(data: bytes, start: int, end: int) -> bytes:
    """``data[start:end]`` trimmed to whole lines (a multi-byte character never splits)."""
    if start:
        nl = data.find(b"\n", start, end)
        if nl < 0:
            return b""
        start = nl + 1
    if end < len(data):
        nl = data.rfind(b"\n", start, end)
        if nl < 0:
            return b""
        end = nl
    return data[start:end]


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
_BR, _LEAD_OPEN, _LEAD_CLOSE, _CELL = "\x00", "\x01", "\x02", "\x03"
_NO_SENTINELS = str.maketrans("", "", _BR + _LEAD_OPEN + _LEAD_CLOSE + _CELL)
_CELL_GAP = re.compile(f"[ \t\n\r\f\v]*{_CELL}[ \t\n\r\f\v]*")
_SOURCE_WRAP = re.compile(f"(?<=[{_CJK}])[ \t\f]*[\r\n][ \t\r\n\f]*(?=[{_CJK}])")
_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")
# Every character str.isspace() accepts except "\n": stripped around a <br> with str.strip,
# which is linear where a regex around the break backtracks over long runs of &nbsp; or U+3000.
_SPACE_NOT_NL = "\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(
    map(chr, range(0x2000, 0x200B))
) + "\u2028\u2029\u202f\u205f\u3000"
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
    from lxml import etree

    markup = _prepare_markup(text)
    root = _parse_markup(markup)
    if root is None:  # nested deeper than libxml2 allows: read it again with the nesting flattened
        root = _parse_markup(_flatten_markup(markup))
        if root is None:
            raise SourceError(
                f"网页嵌套过深：{what} / the page {what} nests elements deeper than libxml2 can "
                'read (2,048 levels), so only part of it could be read: pass format="text" to '
                "read the markup as text, or repair the page"
            )
    title_el = root.find(".//title")
    page_title = (title_el.text_content() if title_el is not None else "") or ""
    body = root.find("body")
    if body is None:
        body = root
    from .govcn import prepare_govcn  # gov.cn info tables and split titles: document/govcn.py

    prepare_govcn(body)
    unclosed = _unclosed_tags(markup)
    _drop_elements(body, unclosed)
    _strip_furniture(body, unclosed)
    _drop_link_lists(body, open_links="a" in unclosed)

    blocks = _Blocks()
    title_text = _page_title(page_title)
    first_text = next((t.strip() for t in body.itertext() if t.strip()), "")
    if body.find(".//h1") is None and title_text and title_text not in first_text:
        blocks.add(title_text)  # the <title> only when the page shows no headline of its own
        blocks.flush()
    rows: set[Any] = set()  # rows of a data table: one block a row, cells set apart by a tab
    for event, el in etree.iterwalk(body, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        cell = tag in ("td", "th") and el.getparent() in rows
        if event == "start":
            if tag and tag not in _BLOCK_TAGS and _opens_field(el):
                blocks.add(" ")  # <span>发布时间：…</span><span>来源：…</span>: two fields, not one
            if tag == "tr" and _data_row(el):
                rows.add(el)
                blocks.start_block(tag)
            elif cell:
                if el.getprevious() is not None:
                    blocks.cell_break()
            elif tag in _BLOCK_TAGS:
                blocks.start_block(tag)
            elif tag == "br":
                blocks.add(_BR)
            elif tag in _LEAD_TAGS:
                blocks.open_lead()
            if tag and el.text:
                blocks.add(el.text)
        else:
            if tag in _BLOCK_TAGS and not cell:
                blocks.flush()
            elif tag in _LEAD_TAGS:
                blocks.close_lead()
            if el is not body and el.tail:
                blocks.add(el.tail)
    blocks.flush()
    if not blocks.texts:
        raise _no_article(what)
    return blocks.join()


def _data_row(tr: Any) -> bool:
    """A row of a data table: two or more cells, none holding a block of its own (a layout
    table's cells hold paragraphs and stay blocks)."""
    cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
    if len(cells) < 2:
        return False
    return not any(
        isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for c in cells for d in c.iterdescendants()
    )


_FIELD_START = re.compile(r"^\s*[\u4e00-\u9fff]{2,6}\s*[：:]")


def _opens_field(el: Any) -> bool:
    """An inline element that opens a ``key：value`` field right after an inline sibling, with
    nothing between them (``<span>来源：…</span><span>浏览次数：…</span>``)."""
    prev = el.getprevious()
    if prev is None or not isinstance(prev.tag, str) or prev.tag in _BLOCK_TAGS or prev.tag == "br":
        return False
    return not (prev.tail or "").strip() and _FIELD_START.match(el.text_content() or "") is not None


def _no_article(what: str) -> EmptySourceError:
    return EmptySourceError(
        f"网页里没有正文：{what} / no text found in the page {what}: check that it is the "
        'article page, or pass format="text" to read the markup as text'
    )


# --- markup before libxml2 ----------------------------------------------------------------------

# C0 controls XML cannot hold (lxml refuses them in any string it is given): vertical tab and form
# feed (Word's manual line and page breaks) read as a space, the others and U+FFFE/U+FFFF go.
_HTML_CONTROLS: dict[int, str | None] = {
    **dict.fromkeys((*range(0x00, 0x09), *range(0x0E, 0x20), 0xFFFE, 0xFFFF)), 0x0B: " ", 0x0C: " ",
}
_HTML_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Elements whose content libxml2 reads as raw text: left open, they would swallow the page.
# <script>, <style> and <plaintext> are left alone, as browsers do.
_RAW_TEXT = ("textarea", "title", "iframe", "xmp", "noembed", "noframes")
_RAW_OPEN = re.compile(rf"<({'|'.join(_RAW_TEXT)})(?=[\s/>])", re.IGNORECASE)
_RAW_END = {
    name: re.compile(rf"</{name}(?=[\s/>])|<{name}(?=[\s/>])|<body(?=[\s/>])|</body|</html", re.I)
    for name in _RAW_TEXT
}
_MARKUP_START = re.compile(r"<[A-Za-z/!]")
_PAGE_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
# Tag scanning for the attribute cap: a start tag, or a comment; raw-text elements skipped.
_TAG_START = re.compile(r"<(?:(!--)|([A-Za-z][^\s/>]*))")
_TAG_REST = re.compile(r"""[^>"']*+(?:(?:"[^"]*+"|'[^']*+')[^>"']*+)*+>""")
_ATTRIBUTE = re.compile(r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*))?""")
_SKIP_RAW = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"})
_RAW_CLOSE = {name: re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE) for name in _SKIP_RAW}
MAX_ATTRIBUTES = 1000
"""Attributes kept per tag: libxml2 checks each new attribute against all earlier ones (200k
attributes take minutes), and attributes never hold text a reader sees."""
# Elements libxml2 nests the rest of a page into when they are left open (their end tags are
# required); furniture of a kind left open gives up its blocks instead of taking them along.
_SWALLOWERS = ("object", "button", "canvas", "svg", "noscript", "template", "nav", "footer",
               "aside", "menu", "header", "form", "select", "video", "audio", "applet", "a",
               "div", "section", "article", "main", "span", "ul", "ol", "dl", "table", "center",
               "font")
_OPEN_OR_CLOSE = re.compile(rf"<(/?)({'|'.join(_SWALLOWERS)})(?=[\s/>])", re.IGNORECASE)
# For pages nested too deeply: every block becomes a flat paragraph, <br> stays, elements whose
# content is raw text keep their tags (so scripts stay scripts), and every other tag goes.
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)(?=[\s/>])[^<>]*>")
_FLATTEN_KEEP = frozenset({"br", "script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                           "noframes"})


def _prepare_markup(text: str) -> str:
    """The page as libxml2 should see it: controls handled, no DTD subset, raw-text elements
    closed where they were left open, and no tag with more than :data:`MAX_ATTRIBUTES`."""
    if _HTML_CONTROL.search(text):
        text = text.translate(_HTML_CONTROLS)
    head = _DTD_SUBSET.sub("", text[:_TEXT_SAMPLE], count=1)  # its "]>" would show as text
    # Browsers put what follows </body> or </html> into the body; libxml2 may drop it (after an
    # element left open), so those end tags go: every element still closes at the end.
    text = _PAGE_END.sub("", head + text[_TEXT_SAMPLE:])
    return _cap_attributes(_close_raw_text(text))


def _parse_markup(markup: str) -> Any:
    """libxml2's parse of the page, or None when it stopped at its nesting limit."""
    import lxml.html
    from lxml import etree

    # libxml2's HTML parser never reads a DTD, so entities stay unexpanded and nothing is
    # fetched; huge_tree lifts the 10 MB text-node and attribute limits (max_bytes bounds input).
    parser = lxml.html.HTMLParser(
        encoding="utf-8", no_network=True, huge_tree=True, remove_comments=True,
        remove_pis=True, default_doctype=False,
    )
    try:
        root = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except (etree.LxmlError, ValueError):
        root = None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" or "XML_PARSE_HUGE" in e.message
           for e in parser.error_log):
        return None
    if root is None:
        # An empty document (only markup that parses to nothing): no elements at all.
        return lxml.html.document_fromstring(b"<html><body></body></html>", parser=parser)
    return root


def _flatten_markup(markup: str) -> str:
    def flat(m: re.Match[str]) -> str:
        name = m.group(2).lower()
        if name in _FLATTEN_KEEP:
            return m.group()
        return "<p>" if name in _BLOCK_TAGS and not m.group(1) else ""

    return _ANY_TAG.sub(flat, markup)


def _close_raw_text(markup: str) -> str:
    """Close ``<textarea>``, ``<title>``, ``<iframe>`` … left open, at their first markup.

    libxml2 reads everything up to ``</textarea>`` as the textarea's text; left open, that is
    the rest of the page. An element counts as left open when its end tag never comes, or
    another of its kind, ``<body>`` or ``</body>`` comes first. Linear: every search resumes
    where the last one for the same element stopped.
    """
    inserts: list[tuple[int, str]] = []
    found: dict[str, int] = {}  # element → the end or stop marker found last (-1: none left)
    pos = 0
    while (m := _RAW_OPEN.search(markup, pos)) is not None:
        name = m.group(1).lower()
        gt = markup.find(">", m.end())
        if gt < 0:
            break
        marker = found.get(name, 0)
        if marker != -1 and marker <= gt:
            hit = _RAW_END[name].search(markup, gt + 1)
            marker = found[name] = hit.start() if hit else -1
        if marker != -1 and markup.startswith("</", marker) and markup[marker + 2 : marker + 2 + len(name)].lower() == name:
            pos = marker + 2  # properly closed: continue after its end tag
            continue
        nxt = _MARKUP_START.search(markup, gt + 1)
        at = nxt.start() if nxt else len(markup)
        inserts.append((at, f"</{name}>"))
        pos = gt + 1
    if not inserts:
        return markup
    out: list[str] = []
    last = 0
    for at, tag in inserts:
        out += [markup[last:at], tag]
        last = at
    out.append(markup[last:])
    return "".join(out)


def _cap_attributes(markup: str) -> str:
    """Keep the first :data:`MAX_ATTRIBUTES` attributes of any start tag that has more."""
    if len(markup) < 2 * MAX_ATTRIBUTES:
        return markup
    out: list[str] = []
    last = pos = 0
    for m in _TAG_START.finditer(markup):
        if m.start() < pos:
            continue  # inside a comment, a raw-text element or a tag already read
        if m.group(1):  # a comment: nothing inside it is a tag
            end = markup.find("-->", m.end())
            if end < 0:
                break
            pos = end + 3
            continue
        gt = markup.find(">", m.end())
        if gt < 0:
            break  # the tag runs to the end of the input: no tag follows it
        if gt - m.end() <= 2 * MAX_ATTRIBUTES and "\"" not in (inner := markup[m.end() : gt]) and "'" not in inner:
            end = gt + 1  # the common tag: short and without quoted values
        else:
            rest = _TAG_REST.match(markup, m.end())
            if rest is None:
                break
            end = rest.end()
        if end - m.end() > 2 * MAX_ATTRIBUTES:
            inner = markup[m.end() : end - 1]
            attrs = list(itertools.islice(_ATTRIBUTE.finditer(inner), MAX_ATTRIBUTES + 1))
            if len(attrs) > MAX_ATTRIBUTES:
                closing = "/>" if inner.rstrip().endswith("/") else ">"
                out += [markup[last : m.end()], inner[: attrs[MAX_ATTRIBUTES - 1].end()], closing]
                last = end
        pos = end
        name = m.group(2).lower()
        if name in _SKIP_RAW:
            close = _RAW_CLOSE[name].search(markup, pos)
            if close is None:
                break
            pos = close.end()
    if not out:
        return markup
    out.append(markup[last:])
    return "".join(out)


def _unclosed_tags(markup: str) -> frozenset[str]:
    """Which of the elements that can swallow a page have more start tags than end tags."""
    balance: Counter[str] = Counter()
    for m in _OPEN_OR_CLOSE.finditer(markup):
        balance[m.group(2).lower()] += -1 if m.group(1) else 1
    return frozenset(name for name, n in balance.items() if n > 0)


# --- the tree -----------------------------------------------------------------------------------

_VOID_DROPS = frozenset({"embed", "input", "meta", "link"})  # void in HTML5: nothing is inside


def _drop_elements(body: Any, unclosed: frozenset[str]) -> None:
    """Drop scripts, embeds and form controls, but never what libxml2 nested into them.

    ``<embed>`` is void, so whatever sits inside it is page content: it stays. ``<select>`` keeps
    only its options; anything else inside it moves out after it. Another element of
    ``_DROP_TAGS`` left open in the page (``<object>`` without ``</object>``) gives up the blocks
    (paragraphs, divs, tables …) nested in it.
    """
    for el in list(body.iter(*_DROP_TAGS)):
        if el.tag in _VOID_DROPS:
            el.drop_tag()
            continue
        if el.tag == "select":
            _hoist(el, lambda d: d.tag not in ("option", "optgroup"))
        elif el.tag in unclosed:
            _hoist(el, lambda d: d.tag in _BLOCK_TAGS)
        el.drop_tree()


def _hoist(el: Any, wanted: Any) -> None:
    """Move the outermost descendants of ``el`` that ``wanted`` accepts out after ``el``, in
    document order, each with its tail; ``el``'s own tail follows them."""
    from lxml import etree

    found = []
    walker = etree.iterwalk(el, events=("start",))
    for _, d in walker:
        if d is not el and isinstance(d.tag, str) and wanted(d):
            found.append(d)
            walker.skip_subtree()
    if not found:
        return
    tail, el.tail = el.tail, None
    anchor = el
    for d in found:
        anchor.addnext(d)
        anchor = d
    if tail:
        anchor.tail = (anchor.tail or "") + tail


def _subtree_stats(body: Any) -> tuple[dict[Any, int], set[Any]]:
    """Characters of text under each element (its own tail excluded) and the elements with an
    ``<article>`` below them, in one bottom-up pass."""
    from lxml import etree

    chars: dict[Any, int] = {}
    above_article: set[Any] = set()
    for _, el in etree.iterwalk(body, events=("end",)):
        n = len(el.text or "") if isinstance(el.tag, str) else 0
        for child in el:
            n += chars.get(child, 0) + len(child.tail or "")
            if child.tag == "article" or child in above_article:
                above_article.add(el)
        chars[el] = n
    return chars, above_article


class _FurnitureStats:
    """Text length and ``<article>`` descendants of furniture candidates: measured one by one for
    the first few (most pages have a handful), then from one bottom-up pass over the page, so
    many nested candidates never make it quadratic."""

    _FEW = 200

    def __init__(self, body: Any) -> None:
        self._body = body
        self._asked = 0
        self._stats: tuple[dict[Any, int], set[Any]] | None = None

    def _full(self) -> tuple[dict[Any, int], set[Any]] | None:
        self._asked += 1
        if self._stats is None and self._asked > self._FEW:
            self._stats = _subtree_stats(self._body)
        return self._stats

    def chars(self, el: Any) -> int:
        stats = self._full()
        return stats[0][el] if stats is not None else sum(len(t) for t in el.itertext())

    def holds_article(self, el: Any) -> bool:
        stats = self._full()
        return el in stats[1] if stats is not None else el.find(".//article") is not None


def _strip_furniture(body: Any, unclosed: frozenset[str] = frozenset()) -> None:
    """Drop page furniture (menus, share bars, footers) in place, keeping tails.

    Furniture of a kind the page leaves open (``<nav>`` without ``</nav>``, into which libxml2
    nests the rest of the page) gives up the blocks nested in it before it goes. One pass down
    the tree decides, one pass applies: linear in the page, however deep.
    """
    from lxml import etree

    def candidate(el: Any, tag: str) -> bool:
        return el is not body and bool(tag) and bool(
            tag in _FURNITURE_TAGS or _FURNITURE_NAME.search(f"{el.get('class', '')} {el.get('id', '')}")
        )

    stats = _FurnitureStats(body)
    body_chars = -1  # measured when the first candidate needs it
    actions: list[tuple[Any, bool]] = []  # (element, release its blocks first)
    inside = 0  # open <article>/<main> ancestors
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "end":
            inside -= tag in ("article", "main")
            continue
        if candidate(el, tag):
            if body_chars < 0:
                body_chars = sum(len(t) for t in body.itertext())
            keep = (
                (tag == "header" and inside > 0)  # an article's own header: its title and meta
                or stats.holds_article(el)
                or (tag not in _SEMANTIC_FURNITURE and stats.chars(el) > body_chars / 2)
            )  # a wrapper around the article (ASP.NET pages wrap everything in a form)
            if not keep:
                release = tag in unclosed
                actions.append((el, release))
                if not release:
                    walker.skip_subtree()  # its "end" event still comes
        inside += tag in ("article", "main")
    for el, release in actions:
        if release:
            _hoist(el, lambda d: d.tag in _BLOCK_TAGS)
        for h1 in el.findall(".//h1"):  # the title stays, wherever the site put it
            h1.tail = None
            el.addprevious(h1)
        el.drop_tree()


def _link_text_len(a: Any, open_links: bool) -> int:
    if not open_links:
        return len(a.text_content().strip())
    parts = [a.text or ""]
    for child in a:
        if child.tag in _BLOCK_TAGS:
            break  # what follows a block inside a link left open is the page, not the link
        parts += [child.text_content() if isinstance(child.tag, str) else "", child.tail or ""]
    return len("".join(parts).strip())


_LINK_SEPARATORS = re.compile(r"[\s|｜/>»·]+")
_LINK_LIST_TAGS = frozenset({"div", "p", "ul", "ol", "table", "tr", "td", "span"})


def _drop_link_lists(body: Any, *, open_links: bool = False) -> None:
    """Drop blocks made only of two or more links (menus, column lists) outside the article.

    A block goes when its links hold at least 90% of its visible characters and it has at most
    80 of them. Counts come from one bottom-up pass, so deep pages stay linear. With
    ``open_links`` (the page leaves ``<a>`` elements open, so libxml2 nests what follows into
    them), a link's text ends at the first block inside it.
    """
    from lxml import etree

    def own(s: str | None) -> int:
        return len(_LINK_SEPARATORS.sub("", s)) if s else 0

    links: dict[Any, int] = {}
    linked: dict[Any, int] = {}
    visible: dict[Any, int] = {}
    has_h1: set[Any] = set()
    for _, el in etree.iterwalk(body, events=("end",)):
        if not isinstance(el.tag, str):
            continue
        n_links = n_linked = 0
        n_visible = own(el.text)
        for child in el:
            if isinstance(child.tag, str):
                n_links += links[child]
                n_linked += linked[child]
                n_visible += visible[child]
                if child.tag == "h1" or child in has_h1:
                    has_h1.add(el)
            n_visible += own(child.tail)
        if el.tag == "a":  # its text counts once, however its links nest
            n_links += 1
            n_linked = _link_text_len(el, open_links) if n_links == 1 else n_linked
        links[el], linked[el], visible[el] = n_links, n_linked, n_visible
    doomed = []
    walker = etree.iterwalk(body, events=("start",))
    for _, el in walker:
        if el.tag not in _LINK_LIST_TAGS or el is body or el in has_h1 or links[el] < 2:
            continue
        n = visible[el]
        if n and linked[el] >= n * 0.9 and n <= 80:
            doomed.append(el)
            walker.skip_subtree()
    for el in doomed:
        el.drop_tree()


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

    def cell_break(self) -> None:
        """Between two cells of a table row: a tab in the row's block."""
        self._buf.append(_CELL)
        self._lead_allowed = False

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


def _invisible(s: str) -> bool:
    """Whether ``s`` holds only invisible characters: zero-width marks (U+200B, U+2060, BOM),
    control characters (DEL, C1) and whitespace."""
    return all(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in s)


def _clean_block(raw: str) -> tuple[str, tuple[int, int] | None]:
    """Collapse markup whitespace, turn ``<br>`` into line breaks and locate the lead markers."""
    text = _CELL_GAP.sub(_CELL, raw) if _CELL in raw else raw
    text = _SPACE_RUN.sub(" ", text).replace(_CELL, "\t")
    if _BR in text:
        pieces = text.split(_BR)
        last = len(pieces) - 1
        text = "\n".join(
            p.lstrip(_SPACE_NOT_NL) if i == last else p.rstrip(_SPACE_NOT_NL) if i == 0
            else p.strip(_SPACE_NOT_NL)
            for i, p in enumerate(pieces)
        )
    start, end = text.find(_LEAD_OPEN), text.find(_LEAD_CLOSE)
    text = text.replace(_LEAD_OPEN, "").replace(_LEAD_CLOSE, "")
    stripped = text.strip()
    if not stripped or _invisible(stripped):
        return "", None  # a block of zero-width or control characters reads as whitespace
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
