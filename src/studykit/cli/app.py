"""Command line: ``studykit outline PATH``, and the analyses without Jupyter.

Errors that studykit raises on purpose print one line to stderr and exit with status 2; no
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from studykit.cli.analyses import add_commands as add_analysis_commands
from studykit.errors import StudykitError


def _outline(args: argparse.Namespace) -> str:
    from studykit.document.outline import outline_dict, outline_markdown, outline_text
    from studykit.document.parse import parse_document
    from studykit.document.read import read_source

    if args.check:
        from studykit.document.scoring import check_folder, score_table

        scores = check_folder(args.path, expected_dir=args.expected)
        args.exit_code = 0 if all(s.ok for s in scores) else 1
        return score_table(scores)

    doc = parse_document(read_source(args.path, encoding=args.encoding, errors=args.errors))
    if args.format == "json":
        return json.dumps(outline_dict(doc), ensure_ascii=False, indent=2)
    if args.format == "markdown":
        return outline_markdown(doc)
    return outline_text(doc)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studykit", description="Study a Chinese document: structure, terms, contexts."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("outline", help="print the document's structure")
    p.add_argument("path")
    p.add_argument("--encoding", default=None, help="override the detected encoding, e.g. gb18030")
    p.add_argument("--format", choices=("json", "text", "markdown"), default="text")
    p.add_argument("--errors", choices=("strict", "replace"), default="strict",
                   help="replace: read a file with a few broken bytes, marking them with U+FFFD")
    p.add_argument("--check", action="store_true",
                   help="PATH is a folder of documents with NAME.expected.json beside each: print "
                        "how each parses against its expected outline; exit 1 if any falls short")
    p.add_argument("--expected", default=None, metavar="DIR",
                   help="with --check: read the expected outlines from DIR (same relative paths)")
    p.set_defaults(func=_outline)
    add_analysis_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        out = args.func(args)
    except StudykitError as exc:
        print(f"studykit: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return int(getattr(args, "exit_code", 0))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
