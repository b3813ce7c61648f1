"""`make bench`: studykit's figures, each next to a baseline measured in the same run.

Machines here are shared and noisy, so every figure is a median over repeats, and the speed
targets are ratios against a baseline timed in this very run (raw jieba, a bare matplotlib
redraw). Prints a table and writes ``benchmarks/results.json``. No timing is asserted in tests.

Run a subset with ``python benchmarks/run.py parse tokenize``.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_1776dd67e002c30c.txt"
RESULTS = ROOT / "benchmarks" / "results.json"
sys.path.insert(0, str(ROOT / "benchmarks"))

Row = dict[str, Any]


PEAK_SNIPPET = """
import resource, sys
def peak_mb():
    # this process's own high-water mark: ru_maxrss carries the parent's peak over fork+exec on Linux
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return rss / 2**20 if sys.platform == "darwin" else rss / 1024
"""
"""Python source that defines ``peak_mb()`` in a benchmark's child process."""


def median_ms(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def big_document(target_bytes: int) -> str:
    """The seed's sections repeated under new part headings until the text reaches the size."""
    seed = SEED.read_text(encoding="utf-8")
    head, _, rest = seed.partition("  一、")
    body, _, footer = ("  一、" + rest).rpartition("版权所有")
    chunks = [head]
    size = len(head.encode())
    k = 0
    while size < target_bytes:
        k += 1
        part = f"第{k}部分 第{k}轮学习材料\n\n{body}"
        chunks.append(part)
        size += len(part.encode())
    chunks.append("版权所有" + footer)
    return "".join(chunks)


def bench_parse() -> list[Row]:
    import studykit.document.parse as parse
    from studykit.document.read import read_source

    rows: list[Row] = []
    seed_bytes = SEED.read_bytes()
    ms = median_ms(lambda: parse.parse_document(read_source(seed_bytes)), repeat=20)
    rows.append(_row("parse", "read+parse seed", ms, mb=len(seed_bytes) / 1e6))
    one = big_document(1_000_000).encode()
    ten = big_document(10_000_000).encode()
    ms1 = median_ms(lambda: parse.parse_document(read_source(one)), repeat=7)
    ms10 = median_ms(lambda: parse.parse_document(read_source(ten)), repeat=5)
    rows.append(_row("parse", "read+parse 1 MB", ms1, mb=len(one) / 1e6))
    r10 = _row("parse", "read+parse 10 MB", ms10, mb=len(ten) / 1e6, target="≥ 5 MB/s")
    r10["ok"] = r10["mb_per_s"] >= 5
    rows.append(r10)
    scale = (ms10 / ms1) / (len(ten) / len(one))
    rows.append(
        {"group": "parse", "name": "10× input costs (time ratio / size ratio)", "value": round(scale * 10, 2),
         "unit": "× time for 10× size", "target": "≤ 12×", "ok": scale * 10 <= 12}
    )
    return rows


def _row(group: str, name: str, ms: float, *, mb: float | None = None, target: str = "") -> Row:
    row: Row = {"group": group, "name": name, "median_ms": round(ms, 2), "target": target}
    if mb is not None:
        row["mb"] = round(mb, 2)
        row["mb_per_s"] = round(mb / (ms / 1000), 2)
    return row


BENCHES: dict[str, Callable[[], list[Row]]] = {"parse": bench_parse}


def _register_optional() -> None:
    """Later layers add their benchmarks in benchmarks/bench_*.py modules."""
    for path in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        mod = __import__(path.stem)
        BENCHES.update(getattr(mod, "BENCHES", {}))


def main(argv: list[str]) -> int:
    _register_optional()
    chosen = argv or list(BENCHES)
    rows: list[Row] = []
    for name in chosen:
        if name not in BENCHES:
            print(f"unknown benchmark {name!r}: choose from {' '.join(BENCHES)}", file=sys.stderr)
            return 2
        t0 = time.perf_counter()
        got = BENCHES[name]()
        rows += got
        _print(got)
        print(f"  ({name}: {time.perf_counter() - t0:.1f} s)\n", flush=True)
    RESULTS.write_text(
        json.dumps(
            {"python": platform.python_version(), "machine": platform.machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
             "rows": rows},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


def _print(rows: list[Row]) -> None:
    for r in rows:
        parts = [f"{r['group']:<10} {r['name']:<52}"]
        if "median_ms" in r:
            parts.append(f"{r['median_ms']:>10.2f} ms")
        if "mb_per_s" in r:
            parts.append(f"{r['mb_per_s']:>8.2f} MB/s")
        if "ratio_to_bare_redraw" in r:
            parts.append(f"{r['ratio_to_bare_redraw']:>5.2f}× bare")
        if "value" in r:
            parts.append(f"{r['value']:>10} {r.get('unit', '')}")
        if r.get("target"):
            mark = "" if "ok" not in r else ("  ok" if r["ok"] else "  MISSED")
            parts.append(f"  target {r['target']}{mark}")
        print(" ".join(parts), flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
