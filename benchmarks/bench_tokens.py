"""Tokenize throughput against raw jieba, analysis latency on 1 MB, peak memory of tokenizing 5 MB."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

from run import PEAK_SNIPPET, ROOT, Row, big_document, median_ms

CORPUS_BYTES = 5_200_000


ROUNDS = 3  # each round times raw jieba, both backends and a bare rjieba.cut back to back


def _raw_jieba() -> Any:
    """A private, initialised ``jieba.Tokenizer`` (the global default stays untouched)."""
    import logging

    import jieba

    from studykit.text.segment import default_cache_dir

    logging.getLogger("jieba").setLevel(logging.WARNING)  # this benchmark process only
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(default_cache_dir())  # not the shared temp directory
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tok.initialize()
    return tok


def _seconds(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_tokenize() -> list[Row]:
    """tokenize on 5 MB with each backend, and a bare ``rjieba.cut`` (the floor for the rjieba
    backend), against raw ``jieba.lcut``. Every round times all of them back to back, so a change
    in the machine's load moves them together; the figure is the median of the rounds' ratios."""
    from studykit.document.parse import parse_document
    from studykit.document.read import read_source
    from studykit.text.segment import JiebaSegmenter
    from studykit.text.tokens import tokenize

    text = big_document(CORPUS_BYTES)
    doc = parse_document(read_source(text.encode()))
    mb = len(text.encode()) / 1e6
    rows: list[Row] = []
    raw = _raw_jieba()
    cases: dict[str, Callable[[], object]] = {}
    for backend in ("jieba", "rjieba"):
        try:
            seg = JiebaSegmenter(backend=backend)  # type: ignore[arg-type]
            tokenize(doc, seg)  # warm: dictionary, tag tables, tags of words outside them
        except Exception as exc:  # rjieba missing: report, don't fail the run
            rows.append({"group": "tokenize", "name": f"tokenize ({backend})", "target": f"skipped: {exc}"})
            continue
        cases[backend] = partial(tokenize, doc, seg)
        if backend == "rjieba":
            import rjieba

            cases["bare rjieba.cut"] = partial(rjieba.Jieba().cut, text)
    times: dict[str, list[float]] = {"raw": [], **{name: [] for name in cases}}
    for _ in range(ROUNDS):
        times["raw"].append(_seconds(partial(raw.lcut, text)))
        for name, fn in cases.items():
            times[name].append(_seconds(fn))
    base = statistics.median(times["raw"])
    rows.insert(0, {"group": "tokenize", "name": f"baseline: raw jieba.lcut on {mb:.1f} MB", "median_ms": round(base * 1000, 1),
                    "mb_per_s": round(mb / base, 2), "target": ""})
    targets = {"jieba": 0.8, "rjieba": 5.0}
    for name, spent in ((n, times[n]) for n in cases):
        ratio = statistics.median(r / t for r, t in zip(times["raw"], spent, strict=True))
        ms = statistics.median(spent)
        label = f"tokenize ({name})" if name in targets else f"{name} alone (no studykit)"
        rows.append({"group": "tokenize", "name": f"{label} vs raw jieba.lcut", "median_ms": round(ms * 1000, 1),
                     "mb_per_s": round(mb / ms, 2), "value": round(ratio, 2), "unit": "× raw jieba",
                     "target": f"≥ {targets[name]}×" if name in targets else "report",
                     **({"ok": ratio >= targets[name]} if name in targets else {})})
    rows.append(_peak_memory())
    return rows


def _peak_memory() -> Row:
    """Peak resident memory of a fresh process that reads, parses and tokenizes 5 MB.

    Read from the process's own high-water mark (``VmHWM`` in ``/proc/self/status``), not
    ``ru_maxrss``: Linux carries the parent's peak over into ``ru_maxrss`` across fork and exec,
    so a child of this benchmark process reported the runner's own peak (2.3 GB after the parse
    group), not its own. Elsewhere ``ru_maxrss`` is the best there is (bytes on macOS).
    """
    code = f"""
import json, resource, sys
sys.path.insert(0, {str(ROOT / 'benchmarks')!r})
from run import big_document
import studykit as sk
{PEAK_SNIPPET}
base = peak_mb()
doc = sk.parse_document(sk.read_source(big_document({CORPUS_BYTES}).encode()))
table = sk.tokenize(doc)
print(json.dumps({{"peak_mb": peak_mb(), "base_mb": base, "rows": len(table)}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"group": "tokenize", "name": f"peak memory, read+parse+tokenize 5 MB ({data['rows']:,} tokens; "
            f"{data['base_mb']:.0f} MB after import)", "value": round(data["peak_mb"], 1), "unit": "MB RSS",
            "target": "report"}


def bench_analyses() -> list[Row]:
    import studykit as sk

    doc = sk.parse_document(sk.read_source(big_document(1_000_000).encode()))
    table = sk.tokenize(doc)
    target = table.attrs["top_sections"][1]
    cases = {
        "term_frequencies": lambda: sk.term_frequencies(table, top=50),
        "term_frequencies by section": lambda: sk.term_frequencies(table, by="section", top=20),
        "ngrams n=2": lambda: sk.ngrams(table, 2),
        "keyness g2": lambda: sk.keyness(table, target),
        "keyness log_odds": lambda: sk.keyness(table, target, measure="log_odds"),
        "section_similarity": lambda: sk.section_similarity(table),
        "kwic 党建": lambda: sk.kwic(doc, "党建"),
        "dispersion 3 terms": lambda: sk.dispersion(table, ["党建", "协商", "共识"]),
        "collocations 政协": lambda: sk.collocations(table, "政协"),
        "cooccurrence": lambda: sk.cooccurrence(table, top=50),
        "formulations": lambda: sk.formulations(doc),
    }
    rows: list[Row] = []
    for name, fn in cases.items():
        ms = median_ms(fn, repeat=5)
        rows.append({"group": "analyse", "name": f"{name} on 1 MB ({len(table):,} tokens)", "median_ms": round(ms, 1),
                     "target": "< 200 ms", "ok": ms < 200})
    rows.append(_formulations_on_real_reports())
    return rows


def _formulations_on_real_reports() -> Row:
    """formulations over the shared corpus' provincial reports: real text, where no paragraph
    repeats (the 1 MB document repeats the seed's)."""
    from bench_outline import CORPUS

    import studykit as sk

    folder = CORPUS / "provincial-2026"
    name = "formulations on the provincial reports"
    if not folder.is_dir():
        return {"group": "analyse", "name": name, "target": f"skipped: {folder} not found"}
    docs = [sk.load(path) for path in sorted(folder.glob("*.txt"))]
    ms = median_ms(lambda: [sk.formulations(doc) for doc in docs], repeat=5)
    chars = sum(len(doc.text) for doc in docs) / 1e6
    return {"group": "analyse", "name": f"{name} ({len(docs)}, {chars:.2f} M chars)", "median_ms": round(ms, 1),
            "target": "report"}


BENCHES = {"tokenize": bench_tokenize, "analyses": bench_analyses}
