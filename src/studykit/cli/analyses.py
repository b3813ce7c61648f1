"""``studykit terms|kwic|compare|formulations``: the analyses without Jupyter.

Each prints a table for people (``--format table``), CSV or JSON.
"""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd


def _document(args: argparse.Namespace) -> Any:
    from studykit.document.parse import parse_document
    from studykit.document.read import read_source

    return parse_document(read_source(args.path, encoding=args.encoding))


def _render(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return str(frame.to_csv(index=False))
    if fmt == "json":
        return str(frame.to_json(orient="records", force_ascii=False, indent=2))
    if frame.empty:
        return "（没有结果 / no results）"
    with pd.option_context("display.max_rows", 500, "display.max_colwidth", 60, "display.width", 160,
                           "display.unicode.east_asian_width", True):
        return str(frame.to_string(index=False))


def _terms(args: argparse.Namespace) -> str:
    from studykit.analysis.frequency import term_frequencies
    from studykit.text.tokens import tokenize

    table = tokenize(_document(args))
    frame = term_frequencies(table, by="section" if args.by == "section" else None, top=args.top)
    return _render(frame, args.format)


def _kwic(args: argparse.Namespace) -> str:
    from studykit.analysis.concordance import kwic

    frame = kwic(_document(args), args.query, window=args.window, regex=args.regex).to_frame()
    return _render(frame, args.format)


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

    return _render(formulations(_document(args)).to_frame(), args.format)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("path")
        p.add_argument("--encoding", default=None, help="override the detected encoding, e.g. gb18030")
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
