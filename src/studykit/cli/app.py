"""Command line: ``studykit outline PATH``, and the analyses without Jupyter.

Errors that studykit raises on purpose print one line to stderr and exit with status 2; no
traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from studykit.cli.analyses import add_commands as add_analysis_commands
from studykit.cli.analyses import add_source_options, cli_message, read_document
from studykit.cli.corpus import add_commands as add_corpus_commands
from studykit.errors import StudykitError


def _outline(args: argparse.Namespace) -> str:
    from studykit.document.outline import outline_dict, outline_markdown, outline_text

    if args.check:
        from studykit.document.scoring import check_folder, score_table

        scores = check_folder(args.path, expected_dir=args.expected)
        args.exit_code = 0 if all(s.ok for s in scores) else 1
        return score_table(scores)

    doc = read_document(args)
    for note in doc.source.notes:  # what the reader set aside (front matter it would not read)
        _emit(sys.stderr, f"studykit: {note}\n")
    if args.format == "json":
        return json.dumps(outline_dict(doc), ensure_ascii=False, indent=2)
    if args.format == "markdown":
        return outline_markdown(doc)
    return outline_text(doc)


class _Parser(argparse.ArgumentParser):
    """An argument error is one line on standard error (what is wrong, and where help is), not
    the usage block followed by the message; the exit status stays 2."""

    def error(self, message: str) -> NoReturn:
        _emit(sys.stderr, f"{self.prog}: 参数有误 / {message} (see: {self.prog} --help)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="studykit", description="Study a Chinese document: structure, terms, contexts."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("outline", help="print the document's structure")
    add_source_options(p)
    p.add_argument("--format", choices=("json", "text", "markdown"), default="text")
    p.add_argument("--check", action="store_true",
                   help="PATH is a folder of documents with NAME.expected.json beside each: print "
                        "how each parses against its expected outline; exit 1 if any falls short")
    p.add_argument("--expected", default=None, metavar="DIR",
                   help="with --check: read the expected outlines from DIR (same relative paths)")
    p.set_defaults(func=_outline)
    add_analysis_commands(sub)
    add_corpus_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        out = args.func(args)
    except StudykitError as exc:
        _emit(sys.stderr, f"studykit: {cli_message(str(exc))}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    try:
        if sys.stdout is None:  # started with standard output closed (`studykit … >&-`)
            raise OSError(9, "standard output is closed")
        _emit(sys.stdout, out if out.endswith("\n") else out + "\n")
    except BrokenPipeError:  # `studykit terms x.txt | head`: the reader left, nothing to say
        _silence_stdout()
        return 141
    except OSError as exc:  # a full disk, a closed descriptor
        _silence_stdout()
        _emit(sys.stderr, f"studykit: 无法输出结果 / cannot write the output: {exc.strerror or exc}\n")
        return 2
    return int(getattr(args, "exit_code", 0))


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's own flush at exit is quiet."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _emit(stream: TextIO, text: str) -> None:
    """Write Chinese output even where the terminal's encoding cannot (LANG=C on old systems,
    a Latin-1 locale): then as UTF-8 bytes, which is what a pipe into a file wants."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(text.encode("ascii", "backslashreplace").decode("ascii"))
        else:
            stream.flush()
            buffer.write(text.encode("utf-8", "backslashreplace"))
    stream.flush()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
