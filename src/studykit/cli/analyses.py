"""``studykit terms|kwic|compare|formulations``: the analyses without Jupyter.

Each prints a table for people (``--format table``), CSV or JSON. ``PATH`` is always a path
(``-`` reads standard input), never the document's text: a missing file is an error.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd


def source_argument(path: str) -> Path | bytes:
    """What a command's ``PATH`` argument reads: the file (whatever its extension, so a missing
    ``reports/missing.pdf`` is reported as missing), or standard input for ``-``."""
    from studykit.document.read import DEFAULT_MAX_BYTES
    from studykit.errors import SourceError

    if path != "-":
        return Path(path)
    if sys.stdin is None or sys.stdin.isatty():
        raise SourceError(
            "标准输入没有内容 / nothing on standard input: pipe a document in "
            "(cat 报告.txt | studykit terms -) or give a path"
        )
    data: bytes = sys.stdin.buffer.read(DEFAULT_MAX_BYTES + 1)
    return data


def read_document(args: argparse.Namespace) -> Any:
    """The parsed document a command's ``PATH``, ``--encoding``, ``--errors`` and
    ``--max-bytes`` name."""
    from studykit.document.parse import parse_document
    from studykit.document.read import read_source

    src = source_argument(args.path)
    name = "<stdin>" if isinstance(src, bytes) else None
    return parse_document(
        read_source(src, encoding=args.encoding, errors=args.errors, max_bytes=args.max_bytes, name=name)
    )


def add_source_options(p: argparse.ArgumentParser) -> None:
    """``PATH`` and the reading options every command shares."""
    from studykit.document.read import DEFAULT_MAX_BYTES

    p.add_argument("path", help="the document's file (.txt or .html), or - for standard input")
    p.add_argument("--encoding", default=None, help="override the detected encoding, e.g. gb18030")
    p.add_argument("--errors", choices=("strict", "replace"), default="strict",
                   help="replace: read a file with a few broken bytes, marking them with U+FFFD")
    p.add_argument("--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES, metavar="N",
                   help=f"refuse larger files (default {DEFAULT_MAX_BYTES:_} = 50 MB)")


_API_HINTS = (
    (re.compile(r'errors="replace"'), "--errors replace"),
    (re.compile(r'encoding="([^"]+)"'), r"--encoding \1"),
    (re.compile(r"\bencoding="), "--encoding"),
    (re.compile(r"\bmax_bytes=([0-9_]+)"), r"--max-bytes \1"),
)


def cli_message(message: str) -> str:
    """An error message with the API's hints (``errors="replace"``) in command-line words."""
    for pattern, words in _API_HINTS:
        message = pattern.sub(words, message)
    if "not a regular file" in message:  # cat 报告.txt | studykit terms /dev/stdin
        message += " (to read a pipe, pass - as PATH)"
    return message


def _document(args: argparse.Namespace) -> Any:
    return read_document(args)


def _render(frame: pd.DataFrame, fmt: str, document: Any = None) -> str:
    """``frame`` as csv or json (section paths kept, for code) or as a text table, where
    sections are named as the document writes them (导语, 标题, 二（四）) when ``document`` is given."""
    if fmt == "csv":
        return str(frame.to_csv(index=False))
    if fmt == "json":
        return str(frame.to_json(orient="records", force_ascii=False, indent=2))
    if frame.empty:
        return "（没有结果 / no results）"
    if document is not None:
        from studykit.document.labels import label_sections

        frame = label_sections(frame, document)
    with pd.option_context("display.max_rows", 500, "display.max_colwidth", 60, "display.width", 160,
                           "display.unicode.east_asian_width", True):
        return str(frame.to_string(index=False))


def _terms(args: argparse.Namespace) -> str:
    from studykit.analysis.frequency import term_frequencies
    from studykit.text.tokens import tokenize

    document = _document(args)
    frame = term_frequencies(tokenize(document), by="section" if args.by == "section" else None, top=args.top)
    return _render(frame, args.format, document)


def _kwic(args: argparse.Namespace) -> str:
    from studykit.analysis.concordance import kwic
    from studykit.errors import QueryError

    if any("\udc80" <= c <= "\udcff" for c in args.query):  # bytes the terminal could not decode
        raise QueryError(
            f"检索词不是有效的文字 / the query {args.query.encode('utf-8', 'surrogateescape')!r} is not "
            "valid UTF-8: check the terminal's encoding (LANG), or type the query again"
        )
    document = _document(args)
    options = {} if args.timeout is None else {"timeout": args.timeout}
    frame = kwic(document, args.query, window=args.window, regex=args.regex, **options).to_frame()
    return _render(frame, args.format, document)


def _compare(args: argparse.Namespace) -> str:
    from studykit.analysis.keyness import keyness
    from studykit.text.tokens import tokenize

    table = tokenize(_document(args))
    reference: str | list[str] = "rest" if args.reference == "rest" else args.reference.split(",")
    frame = keyness(table, args.target.split(","), reference, measure=args.measure,
                    min_count=args.min_count, top=args.top)
    return _render(frame, args.format)


def _formulations(args: argparse.Namespace) -> str:
    from studykit.analysis.patterns import formulations

    document = _document(args)
    return _render(formulations(document).to_frame(), args.format, document)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"须是正整数 / must be a whole number such as 20, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"须是正整数 / must be 1 or more, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"须是 0 到 3600 秒 / must be seconds between 0 and 3600, not {text!r}")
    return value


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def common(p: argparse.ArgumentParser) -> None:
        add_source_options(p)
        p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = sub.add_parser("terms", help="term frequencies")
    common(p)
    p.add_argument("--by", choices=("document", "section"), default="document")
    p.add_argument("--top", type=_positive, default=20)
    p.set_defaults(func=_terms)

    p = sub.add_parser("kwic", help="every context of a word, phrase or pattern")
    common(p)
    p.add_argument("query")
    p.add_argument("--window", type=_positive, default=20)
    p.add_argument("--regex", action="store_true")
    p.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                   help="stop a pattern search after this many seconds (default 2)")
    p.set_defaults(func=_kwic)

    p = sub.add_parser("compare", help="keyness of target sections against a reference")
    common(p)
    p.add_argument("--target", required=True, help="section label(s), e.g. 三 or 一,二")
    p.add_argument("--reference", default="rest", help="rest, or section label(s)")
    p.add_argument("--measure", choices=("g2", "log_ratio", "log_odds"), default="g2")
    p.add_argument("--min-count", type=_positive, default=3)
    p.add_argument("--top", type=_positive, default=30)
    p.set_defaults(func=_compare)

    p = sub.add_parser("formulations", help="numbered formulations, quotes and parallel constructions")
    common(p)
    p.set_defaults(func=_formulations)
