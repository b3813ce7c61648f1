"""``studykit corpus build|terms|trend|compare|prune`` and ``studykit diff``: many documents without Jupyter.

Every corpus command takes the folder (or glob pattern) and the loading options, builds what the
cache lacks and answers from the cache (see :func:`studykit.load_corpus`)::

    studykit corpus build reports/ --metadata reports/metadata.csv
    studykit corpus terms reports/ --by year --top 10
    studykit corpus trend reports/ 高质量发展 供给侧结构性改革 --by year --format csv
    studykit corpus compare reports/ --target province=浙江省
    studykit corpus prune --days 90 --dry-run
    studykit diff 2023.txt 2024.txt --format html > diff.html
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from studykit.cli.analyses import _positive, _render, source_argument


def _corpus(args: argparse.Namespace, *, warn: bool = True) -> Any:
    """The corpus the arguments name. Its problems (files skipped, metadata rows unmatched) go
    to standard error as warnings, so a table on standard output never hides them; a corpus with
    no usable document at all is an error."""
    from studykit.corpus.collection import load_corpus
    from studykit.errors import SourceNotFoundError

    corpus = load_corpus(
        args.dir, metadata=args.metadata, name_pattern=args.name_pattern, encoding=args.encoding,
        errors=args.errors, backend=args.backend, cache=args.cache, scheduler=args.scheduler,
        workers=args.workers, recursive=args.recursive,
    )
    if warn:
        for line in _problems(corpus):
            _warn(f"studykit: warning:{line[3:]}")
    if not len(corpus):
        first = corpus.problems["problem"].iloc[0] if len(corpus.problems) else "no file could be read"
        raise SourceNotFoundError(
            f"没有可用的文档 / no usable document among the {len(corpus.problems)} problem files: {first}"
        )
    return corpus


def _warn(line: str) -> None:
    from studykit.cli.app import _emit

    if sys.stderr is not None:
        _emit(sys.stderr, line + "\n")


def _problems(corpus: Any) -> list[str]:
    return [f"  ! {r.path}: {r.problem}" if r.path and str(r.path) not in str(r.problem) else f"  ! {r.problem}"
            for r in corpus.problems.itertuples()]


def _build(args: argparse.Namespace) -> str:
    corpus = _corpus(args, warn=False)
    t = corpus.timings
    built = int(t.get("built", 0))
    lines = [
        f"{len(corpus)} 篇文档 / documents, {corpus.n_tokens:,} 个词 / tokens",
        f"built {built}, from cache {len(corpus) - built if built <= len(corpus) else 0}; "
        f"{t.get('total', 0.0):.2f} s (build {t.get('build', 0.0):.2f} s)",
        f"fields: {' '.join(corpus.fields) or '-'}",
        f"cache: {corpus.store.root}",
    ]
    if len(corpus.problems):
        lines.append(f"{len(corpus.problems)} problems:")
        lines += _problems(corpus)
    return "\n".join(lines)


def _terms(args: argparse.Namespace) -> str:
    from studykit.corpus.analyses import corpus_term_frequencies

    frame = corpus_term_frequencies(_corpus(args), by=None if args.by == "corpus" else args.by, top=args.top,
                                    min_len=args.min_len)
    return _render(frame, args.format)


def _trend(args: argparse.Namespace) -> str:
    from studykit.corpus.analyses import trend

    return _render(trend(_corpus(args), args.terms, by=args.by, regex=args.regex), args.format)


def _compare(args: argparse.Namespace) -> str:
    from studykit.corpus.analyses import corpus_keyness

    frame = corpus_keyness(_corpus(args), args.target, args.reference, measure=args.measure,
                           min_count=args.min_count, top=args.top)
    return _render(frame, args.format)


def _prune(args: argparse.Namespace) -> str:
    from studykit.corpus.collection import prune_cache

    return str(prune_cache(args.days, cache=args.cache, dry_run=args.dry_run))


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"须是不小于 0 的天数 / give a number of days ≥ 0, not {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"须是不小于 0 的天数 / give a number of days ≥ 0, not {text}")
    return value


def _diff(args: argparse.Namespace) -> str:
    from studykit.corpus.versions import compare_versions
    from studykit.document.parse import parse_document
    from studykit.document.read import read_source
    from studykit.errors import QueryError

    if args.old == "-" and args.new == "-":
        raise QueryError("两个版本都是标准输入 / both versions are standard input: give at most one as -")
    docs = []
    for path in (args.old, args.new):
        src = source_argument(path)
        name = "<stdin>" if isinstance(src, bytes) else None
        docs.append(parse_document(read_source(src, encoding=args.encoding, errors=args.errors,
                                               max_bytes=args.max_bytes, name=name)))
    diff = compare_versions(docs[0], docs[1], threshold=args.threshold)
    if args.format == "html":
        return diff.to_html(context=None if args.all else 2)
    if args.format == "json":
        frame = diff.to_frame(changes_only=not args.all)
        return json.dumps({"old": diff.old_name, "new": diff.new_name, "counts": diff.counts,
                           "changes": json.loads(frame.to_json(orient="records", force_ascii=False))},
                          ensure_ascii=False, indent=2)
    return diff.to_text(context=args.all)


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"须是 0 到 100 的数 / give a number from 0 to 100, not {text!r}") from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"须是 0 到 100 的数 / give a number from 0 to 100, not {text}")
    return value


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    corpus = sub.add_parser("corpus", help="study many documents: build, terms, trend, compare, prune")
    csub = corpus.add_subparsers(dest="corpus_command", required=True)

    def common(p: argparse.ArgumentParser, *, fmt: bool = True) -> None:
        p.add_argument("dir", help="a folder of documents, a glob pattern such as 'reports/*.txt'")
        p.add_argument("--metadata", default=None, help="CSV with a file column and one column per field")
        p.add_argument("--name-pattern", default=None, help=r"fields from file names, e.g. '(?P<year>\d{4})'")
        p.add_argument("--cache", default=None, help="cache folder (default: the studykit cache folder)")
        p.add_argument("--scheduler", default=None,
                       help="processes, threads, sync, or a Dask scheduler address such as tcp://host:8786")
        p.add_argument("--workers", type=_positive, default=None, help="local processes (default: all cores)")
        p.add_argument("--backend", choices=("auto", "jieba", "rjieba"), default="auto")
        p.add_argument("--encoding", default=None, help="override the detected encoding, e.g. gb18030")
        p.add_argument("--errors", choices=("strict", "replace"), default="strict")
        p.add_argument("--recursive", action="store_true", help="also read the folder's subfolders")
        if fmt:
            p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = csub.add_parser("build", help="read, parse and tokenize every file into the cache")
    common(p, fmt=False)
    p.set_defaults(func=_build)

    p = csub.add_parser("terms", help="term frequencies per document or group")
    common(p)
    p.add_argument("--by", default="doc", help="doc, corpus (no groups) or a field such as year")
    p.add_argument("--top", type=_positive, default=20)
    p.add_argument("--min-len", type=_positive, default=1)
    p.set_defaults(func=_terms)

    p = csub.add_parser("trend", help="rates of terms per group, counted in the text like KWIC")
    common(p)
    p.add_argument("terms", nargs="+", metavar="TERM")
    p.add_argument("--by", default="year", help="a field such as year, or doc")
    p.add_argument("--regex", action="store_true")
    p.set_defaults(func=_trend)

    p = csub.add_parser("compare", help="keyness of target documents against the rest or a reference")
    common(p)
    p.add_argument("--target", required=True, help="a document id or FIELD=VALUE, e.g. province=浙江省")
    p.add_argument("--reference", default="rest", help="rest, a document id or FIELD=VALUE")
    p.add_argument("--measure", choices=("g2", "log_ratio", "log_odds"), default="g2")
    p.add_argument("--min-count", type=_positive, default=3)
    p.add_argument("--top", type=_positive, default=30)
    p.set_defaults(func=_compare)

    p = csub.add_parser("prune", help="reclaim cache space: remove entries no corpus has loaded for DAYS days")
    p.add_argument("--cache", default=None, help="cache folder (default: the studykit cache folder)")
    p.add_argument("--days", type=_days, default=90.0, help="keep what was loaded within this many days (default 90)")
    p.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    p.set_defaults(func=_prune)

    from studykit.document.read import DEFAULT_MAX_BYTES

    p = sub.add_parser("diff", help="what changed between two versions of a text, sentence by sentence")
    p.add_argument("old", help="the old version's file, or - for standard input")
    p.add_argument("new", help="the new version's file, or - for standard input")
    p.add_argument("--format", choices=("text", "html", "json"), default="text")
    p.add_argument("--encoding", default=None, help="override the detected encoding, e.g. gb18030")
    p.add_argument("--errors", choices=("strict", "replace"), default="strict",
                   help="replace: read a file with a few broken bytes, marking them with U+FFFD")
    p.add_argument("--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES, metavar="N",
                   help=f"refuse larger files (default {DEFAULT_MAX_BYTES:_} = 50 MB)")
    p.add_argument("--threshold", type=_percent, default=60.0, help="similarity (0-100) for a changed sentence")
    p.add_argument("--all", action="store_true", help="also show unchanged sentences")
    p.set_defaults(func=_diff)
