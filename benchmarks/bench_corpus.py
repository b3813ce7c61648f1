"""Corpus benchmarks: build MB/s per core (rjieba and jieba), the 2-core speed-up, cached reopen
against build, out-of-core DuckDB queries by year, peak memory and bytes per token.

A synthetic corpus is written first (deterministic: the sentences of the sample city's six reports,
drawn with a fixed seed into 1,000 documents of about 200 kB with the same section layout, years
2019–2024). ``STUDYKIT_BENCH_CORPUS_MB`` changes its size (default 200). Each measurement runs in a
fresh subprocess so its peak RSS is its own. Baselines come from the same run: a bare
``rjieba.cut`` / ``jieba.lcut`` over the same text in one process, and the build itself for the
reopen ratio.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import PEAK_SNIPPET, ROOT, Row

SAMPLE = ROOT / "notebooks" / "data" / "青川市"
TOTAL_MB = float(os.environ.get("STUDYKIT_BENCH_CORPUS_MB", "200"))
DOCS = max(int(TOTAL_MB * 5), 20)  # about 200 kB each: 1,000 documents for 200 MB
SUBSET_SPEEDUP_MB = min(40.0, TOTAL_MB)
SUBSET_JIEBA_MB = min(20.0, TOTAL_MB)
TERMS = ["高质量发展", "供给侧结构性改革", "脱贫攻坚", "新质生产力"]


def _sentences() -> dict[int, list[str]]:
    pools: dict[int, list[str]] = {}
    for path in sorted(SAMPLE.glob("20*.txt")):
        text = path.read_text(encoding="utf-8")
        body = text.split("一、", 1)[1]
        parts = [s.strip() + "。" for s in re.split(r"[。\n]", body) if len(s.strip()) > 8 and "、" not in s[:3]]
        pools[int(path.stem)] = parts
    return pools


def write_corpus(folder: Path, docs: int, total_mb: float, seed: int = 2024) -> float:
    """Write ``docs`` synthetic reports of about ``total_mb`` MB in all; returns the size in MB."""
    rng = random.Random(seed)
    pools = _sentences()
    years = sorted(pools)
    everything = [s for y in years for s in pools[y]]
    per_doc = total_mb * 1e6 / docs
    folder.mkdir(parents=True, exist_ok=True)
    numbers = "一二三四五六七八九十"
    size = 0
    for i in range(docs):
        year = years[i % len(years)]
        own = pools[year]
        lines = [f"青川市政府工作报告（合成第{i + 1}号）", f"——{year}年1月15日在青川市人民代表大会上", "青川市市长　林远",
                 "各位代表：", "现在，我代表市人民政府，向大会报告工作，请予审议。"]
        written = sum(len(x.encode()) for x in lines)
        part = 0
        while written < per_doc:
            title = f"{numbers[part % 10]}、{year - 1}年工作回顾" if part % 3 == 0 else f"{numbers[part % 10]}、{year}年工作安排（第{part + 1}部分）"
            lines.append(title)
            for k in range(8):
                lines.append(f"（{numbers[k]}）{rng.choice(own)[:12].rstrip('。，')}")
                for _ in range(6):
                    para = "".join(rng.choice(own) if rng.random() < 0.7 else rng.choice(everything) for _ in range(5))
                    lines.append(para)
                    written += len(para.encode())
            part += 1
        text = "\n".join(lines) + "\n"
        (folder / f"{i + 1:04d}-{year}.txt").write_text(text, encoding="utf-8")
        size += len(text.encode())
    return size / 1e6


def _f(value: object) -> float:
    return float(value)  # type: ignore[arg-type]


def _run(code: str, timeout: float = 3600) -> dict[str, object]:
    """Run ``code`` in a fresh Python; it prints one JSON line last."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env,
                         timeout=timeout, cwd=str(ROOT))
    if out.returncode != 0:
        raise RuntimeError(f"benchmark step failed:\n{out.stderr[-3000:]}")
    last = [line for line in out.stdout.splitlines() if line.startswith("{")][-1]
    data: dict[str, object] = json.loads(last)
    return data


_BUILD = PEAK_SNIPPET + """
import json, os, resource, sys, time
import studykit as sk
seg = sk.JiebaSegmenter(backend={backend!r})
t0 = time.perf_counter()
c = sk.load_corpus({folder!r}, cache={cache!r}, segmenter=seg, workers={workers}, scheduler={scheduler!r},
                   name_pattern=r"-(?P<year>\\d{{4}})$", progress=False)
seconds = time.perf_counter() - t0
# Workers' peak: ru_maxrss of the reaped children (each started from this small process, so what it
# carries over from here is small; the main process reads its own VmHWM).
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({{"seconds": seconds, "cpu": cpu, "docs": len(c), "tokens": c.n_tokens, "problems": len(c.problems),
                  "built": c.timings["built"], "peak_mb": peak_mb(), "child_peak_mb": kids.ru_maxrss / 1024,
                  "load": os.getloadavg()[0]}}))
"""

_REOPEN = PEAK_SNIPPET + """
import json, resource, statistics, time
import studykit as sk
times = []
for _ in range(3):
    t0 = time.perf_counter()
    c = sk.load_corpus({folder!r}, cache={cache!r}, backend={backend!r}, name_pattern=r"-(?P<year>\\d{{4}})$",
                       progress=False)
    times.append(time.perf_counter() - t0)
    assert c.timings["built"] == 0
q_terms, q_trend = [], []
for _ in range(3):
    t0 = time.perf_counter(); f = sk.term_frequencies(c, by="year", top=20); q_terms.append(time.perf_counter() - t0)
    t0 = time.perf_counter(); t = sk.trend(c, {terms!r}, by="year"); q_trend.append(time.perf_counter() - t0)
peak = peak_mb()
print(json.dumps({{"reopen": statistics.median(times), "terms_by_year": statistics.median(q_terms),
                  "trend_by_year": statistics.median(q_trend), "groups": int(f["year"].nunique()),
                  "trend_rows": len(t), "peak_mb": peak}}))
"""

_TOKENS = PEAK_SNIPPET + """
import gc, json, resource, time
import studykit as sk
c = sk.load_corpus({folder!r}, cache={cache!r}, backend={backend!r}, progress=False)
gc.collect()
base = peak_mb()
t0 = time.perf_counter()
table = c.tokens()
seconds = time.perf_counter() - t0
gc.collect()
deep = table.memory_usage(deep=True).sum()
with open("/proc/self/status") as fh:
    rss = next(int(l.split()[1]) for l in fh if l.startswith("VmRSS")) / 1024
peak = peak_mb()
print(json.dumps({{"tokens": len(table), "bytes_per_token": deep / len(table), "seconds": seconds,
                  "rss_mb": rss, "peak_mb": peak, "base_mb": base}}))
"""

_RAW = """
import json, pathlib, time, warnings, logging
warnings.simplefilter("ignore")
files = sorted(pathlib.Path({folder!r}).glob("*.txt"))[:{n}]
text = "".join(p.read_text(encoding="utf-8") for p in files)
if {backend!r} == "rjieba":
    import rjieba
    r = rjieba.Jieba(); r.cut("预热")
    t0 = time.perf_counter(); r.cut(text); s = time.perf_counter() - t0
else:
    import jieba
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer(); tok.initialize()
    t0 = time.perf_counter(); tok.lcut(text); s = time.perf_counter() - t0
print(json.dumps({{"seconds": s, "mb": len(text.encode()) / 1e6}}))
"""


def _subset(src: Path, dst: Path, mb: float) -> float:
    dst.mkdir(parents=True, exist_ok=True)
    size = 0
    for p in sorted(src.glob("*.txt")):
        if size >= mb * 1e6:
            break
        shutil.copy(p, dst / p.name)
        size += p.stat().st_size
    return size / 1e6


def bench_corpus() -> list[Row]:
    rows: list[Row] = []
    base = Path(tempfile.mkdtemp(prefix="studykit-bench-corpus-"))
    try:
        folder = base / "docs"
        t0 = time.perf_counter()
        mb = write_corpus(folder, DOCS, TOTAL_MB)
        rows.append({"group": "corpus", "name": f"synthetic corpus: {DOCS} documents, {mb:.0f} MB (written in "
                     f"{time.perf_counter() - t0:.1f} s)", "value": round(mb, 1), "unit": "MB", "target": "≥ 200 MB, ≥ 1,000 docs"
                     if TOTAL_MB >= 200 else "report"})
        # Baselines: bare segmentation of the same text in one process.
        n_raw = max(1, DOCS // 20)
        raw = {b: _run(_RAW.format(folder=str(folder), n=n_raw if b == "rjieba" else max(1, n_raw // 4), backend=b))
               for b in ("rjieba", "jieba")}
        for b, r in raw.items():
            rows.append({"group": "corpus", "name": f"baseline: bare {b} cut, one process ({_f(r['mb']):.1f} MB)",
                         "median_ms": round(_f(r["seconds"]) * 1000, 1),
                         "mb_per_s": round(_f(r["mb"]) / _f(r["seconds"]), 2), "target": ""})

        # The full build with rjieba on 2 cores.
        full = _run(_BUILD.format(folder=str(folder), cache=str(base / "cache-full"), backend="rjieba", workers=2,
                                  scheduler="processes"))
        seconds = _f(full["seconds"])
        per_core = mb / seconds / 2
        raw_r = _f(raw["rjieba"]["mb"]) / _f(raw["rjieba"]["seconds"])
        rows.append({"group": "corpus", "name": f"build {mb:.0f} MB, rjieba, 2 processes ({int(_f(full['tokens'])):,} tokens)",
                     "median_ms": round(seconds * 1000), "mb_per_s": round(mb / seconds, 2),
                     "value": round(per_core, 2), "unit": "MB/s per core", "target": "report"})
        cpu_rate = mb / _f(full["cpu"])
        rows.append({"group": "corpus", "name": "build rjieba: MB per CPU-second (immune to other load)",
                     "value": round(cpu_rate, 2), "unit": f"MB/s per core (load average {_f(full['load']):.1f})",
                     "target": "report"})
        rows.append({"group": "corpus", "name": "build per CPU-second / bare rjieba cut", "value": round(cpu_rate / raw_r, 3),
                     "unit": "× (read+parse+tag+formulations+Parquet vs cut alone)", "target": "report"})
        rows.append({"group": "corpus", "name": "peak RSS of the build: main process / largest worker",
                     "value": f"{_f(full['peak_mb']):.0f} / {_f(full['child_peak_mb']):.0f}",
                     "unit": "MB", "target": "report"})

        # Cached reopen and out-of-core queries.
        again = _run(_REOPEN.format(folder=str(folder), cache=str(base / "cache-full"), backend="rjieba", terms=TERMS))
        reopen = _f(again["reopen"])
        rows.append({"group": "corpus", "name": f"reopen {DOCS} cached documents (hash {mb:.0f} MB, read records)",
                     "median_ms": round(reopen * 1000, 1), "target": ""})
        ratio = seconds / reopen
        rows.append({"group": "corpus", "name": "build time / cached reopen time", "value": round(ratio, 1), "unit": "×",
                     "target": "≥ 20×", "ok": ratio >= 20})
        rows.append({"group": "corpus", "name": f"DuckDB: term frequencies by year, top 20 ({int(_f(again['groups']))} years)",
                     "median_ms": round(_f(again["terms_by_year"]) * 1000, 1), "target": "report"})
        rows.append({"group": "corpus", "name": f"DuckDB: trend of {len(TERMS)} terms by year (character level)",
                     "median_ms": round(_f(again["trend_by_year"]) * 1000, 1), "target": "report"})
        rows.append({"group": "corpus", "name": "peak RSS: reopen + queries", "value": round(_f(again["peak_mb"])),
                     "unit": "MB", "target": "report"})

        # The 2-core speed-up and jieba, on subsets.
        sub = base / "subset-speedup"
        sub_mb = _subset(folder, sub, SUBSET_SPEEDUP_MB)
        one = _run(_BUILD.format(folder=str(sub), cache=str(base / "cache-1"), backend="rjieba", workers=1, scheduler="sync"))
        two = _run(_BUILD.format(folder=str(sub), cache=str(base / "cache-2"), backend="rjieba", workers=2,
                                 scheduler="processes"))
        s1, s2 = _f(one["seconds"]), _f(two["seconds"])
        rows.append({"group": "corpus", "name": f"build {sub_mb:.0f} MB rjieba: 1 process (in-process)", "median_ms": round(s1 * 1000),
                     "mb_per_s": round(sub_mb / s1, 2), "target": ""})
        rows.append({"group": "corpus", "name": f"build {sub_mb:.0f} MB rjieba: 2 processes", "median_ms": round(s2 * 1000),
                     "mb_per_s": round(sub_mb / s2, 2), "target": ""})
        rows.append({"group": "corpus", "name": "2-core speed-up (1 process / 2 processes)", "value": round(s1 / s2, 2),
                     "unit": f"× (load average {_f(one['load']):.1f} / {_f(two['load']):.1f})",
                     "target": "report (2 shared cores)"})
        # Why the speed-up is what it is: the cores the two workers actually got (their CPU time
        # over the wall time; 2.0 on two free cores), and the CPU the parallel build spends beyond
        # the in-process one (starting two interpreters, importing, loading the dictionaries).
        cpu1, cpu2 = _f(one["cpu"]), _f(two["cpu"])
        rows.append({"group": "corpus", "name": "2 processes: cores obtained (all CPU time / wall time)",
                     "value": round(cpu2 / s2, 2), "unit": "cores (2.0 = both cores free)", "target": "report"})
        rows.append({"group": "corpus", "name": "2 processes: CPU time / 1 process CPU time", "value": round(cpu2 / cpu1, 2),
                     "unit": f"× ({cpu2 - cpu1:.1f} CPU-seconds of worker start-up)", "target": "report"})
        rows.append({"group": "corpus", "name": "2-core speed-up expected on two free cores (1 process / (CPU time / 2))",
                     "value": round(s1 / (cpu2 / 2), 2), "unit": "×", "target": "report"})
        jsub = base / "subset-jieba"
        j_mb = _subset(folder, jsub, SUBSET_JIEBA_MB)
        jb = _run(_BUILD.format(folder=str(jsub), cache=str(base / "cache-j"), backend="jieba", workers=2,
                                scheduler="processes"))
        sj = _f(jb["seconds"])
        raw_j = _f(raw["jieba"]["mb"]) / _f(raw["jieba"]["seconds"])
        rows.append({"group": "corpus", "name": f"build {j_mb:.0f} MB, jieba, 2 processes", "median_ms": round(sj * 1000),
                     "mb_per_s": round(j_mb / sj, 2), "value": round(j_mb / sj / 2, 2), "unit": "MB/s per core",
                     "target": "report"})
        j_cpu = j_mb / _f(jb["cpu"])
        rows.append({"group": "corpus", "name": "build jieba: MB per CPU-second", "value": round(j_cpu, 3),
                     "unit": f"MB/s per core (load average {_f(jb['load']):.1f})", "target": "report"})
        rows.append({"group": "corpus", "name": "jieba build per CPU-second / bare jieba.lcut", "value": round(j_cpu / raw_j, 3),
                     "unit": "×", "target": "report"})

        # Memory of the token table.
        mem = _run(_TOKENS.format(folder=str(jsub), cache=str(base / "cache-j"), backend="jieba"))
        bpt = _f(mem["bytes_per_token"])
        rows.append({"group": "corpus", "name": f"corpus.tokens() of {j_mb:.0f} MB ({int(_f(mem['tokens'])):,} tokens): bytes per token",
                     "value": round(bpt, 1), "unit": "bytes/token", "target": "≤ 150", "ok": bpt <= 150})
        grown = (_f(mem["rss_mb"]) - _f(mem["base_mb"])) * 1024 * 1024 / _f(mem["tokens"])
        rows.append({"group": "corpus", "name": "corpus.tokens(): resident memory grown per token",
                     "value": round(grown, 1), "unit": "bytes/token (RSS after − RSS before)", "target": "≤ 150",
                     "ok": grown <= 150})
        rows.append({"group": "corpus", "name": "corpus.tokens(): time / resident after / peak",
                     "value": f"{_f(mem['seconds']):.1f} s / {_f(mem['rss_mb']):.0f} MB / {_f(mem['peak_mb']):.0f} MB",
                     "unit": "", "target": "report"})
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return rows


def _versions(mode: str, n: int, seed: int = 1) -> tuple[object, object]:
    """Two versions: ``n`` sentences, each rewritten in a few characters (``sentences``), or one
    line of ``n`` characters with one character changed (``line``)."""
    import studykit as sk

    rng = random.Random(seed)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]

    def line(k: int) -> str:
        return "".join(rng.choice(han) for _ in range(k))

    if mode == "line":
        a = line(n)
        b = a[: n // 2] + "改" + a[n // 2 + 1 :]
        return sk.load(text=f"一、总体\n{a}\n"), sk.load(text=f"一、总体\n{b}\n")
    olds = [line(20) for _ in range(n)]
    news = [s[:5] + "进一步" + s[8:] if k % 2 else s[:10] + line(3) for k, s in enumerate(olds)]
    return (sk.load(text="一、总体\n" + "。".join(olds) + "。\n"),
            sk.load(text="一、总体\n" + "。".join(news) + "。\n"))


def bench_diff() -> list[Row]:
    """compare_versions + to_text: time and peak allocation at n and 4n, and their ratio (4 for a
    linear method, 16 for the n x m table it replaced)."""
    import tracemalloc

    from run import median_ms

    from studykit.corpus.versions import compare_versions

    rows: list[Row] = []
    for mode, n, unit in (("sentences", 1000, "rewritten sentences"), ("line", 100_000, "characters, one changed")):
        times = []
        for size in (n, 4 * n):
            a, b = _versions(mode, size)
            ms = median_ms(lambda a=a, b=b: compare_versions(a, b).to_text(), repeat=3)
            tracemalloc.start()
            compare_versions(a, b).to_text()
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            times.append(ms)
            rows.append({"group": "diff", "name": f"compare_versions, {size:,} {unit}", "median_ms": round(ms, 1),
                         "value": round(peak, 1), "unit": "MB peak allocated", "target": "report"})
        ratio = times[1] / times[0]
        rows.append({"group": "diff", "name": f"time at 4× the {unit} / time at 1×", "value": round(ratio, 1),
                     "unit": "× (4 = linear, 16 = quadratic)", "target": "≤ 8", "ok": ratio <= 8})
    # A refrain repeated throughout (the same sentence n times, one sentence added): difflib alone
    # is quadratic on duplicates (9 s at 10,000); the common ends are cut first.
    times = []
    for size in (2500, 10_000):
        a = "一、标题\n" + "\n".join(["同一句话重复出现。"] * size)
        b = a + "\n不同的一句话。"
        ms = median_ms(lambda a=a, b=b: compare_versions(a, b).to_text(), repeat=3)
        times.append(ms)
        rows.append({"group": "diff", "name": f"compare_versions, a sentence repeated {size:,} times", "median_ms": round(ms, 1),
                     "target": "report"})
    ratio = times[1] / times[0]
    rows.append({"group": "diff", "name": "time at 4× the repeats / time at 1×", "value": round(ratio, 1),
                 "unit": "× (4 = linear, 16 = quadratic)", "target": "≤ 8", "ok": ratio <= 8})
    return rows


BENCHES = {"corpus": bench_corpus, "diff": bench_diff}
