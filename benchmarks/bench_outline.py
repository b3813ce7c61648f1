"""How the parser does on real documents: ../shared/corpus scored against expected outlines.

``python benchmarks/bench_outline.py`` prints the per-document table (title right?, date right?,
heading precision/recall/F1, paragraphs) and the read+parse speed on that corpus in MB/s, the
same way ``make bench`` times the generated 10 MB document: the median over repeats of reading
every file and parsing it. ``make bench`` runs it as the ``outline`` group.

The expected outlines live in ``benchmarks/shared-expected/`` (structure only: levels, labels
and at most six characters of each title). The corpus itself is not part of the project; when
``../shared/corpus`` (relative to the repository root; ``STUDYKIT_SHARED_CORPUS=DIR`` overrides
it) is absent the benchmark says so and skips.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from run import ROOT, Row, median_ms

CORPUS = Path(os.environ.get("STUDYKIT_SHARED_CORPUS") or ROOT.parent / "shared" / "corpus")
"""``../shared/corpus`` beside the repository; ``STUDYKIT_SHARED_CORPUS`` points elsewhere."""
EXPECTED = ROOT / "benchmarks" / "shared-expected"


def _skip_reason() -> str | None:
    if not CORPUS.is_dir():
        return f"skipped: {CORPUS} not found (the shared development corpus is not part of a clone)"
    return None


def bench_outline(*, show_table: bool = True) -> list[Row]:
    reason = _skip_reason()
    if reason:
        return [{"group": "outline", "name": "shared corpus outlines", "target": reason}]
    from studykit.document.parse import parse_document
    from studykit.document.read import read_source
    from studykit.document.scoring import check_folder, expected_path, find_inputs, score_table

    scores = check_folder(CORPUS, expected_dir=EXPECTED)
    if show_table:
        print(score_table(scores), flush=True)
    paths = [p for p in find_inputs(CORPUS) if expected_path(p, CORPUS, EXPECTED).is_file()]
    size = sum(p.stat().st_size for p in paths)

    def read_parse_all() -> None:
        for p in paths:
            parse_document(read_source(p))

    ms = median_ms(read_parse_all, repeat=5)
    n = len(scores)
    reader = sum(1 for s in scores if s.reader_ok)
    mean_f1 = sum(s.f1 for s in scores) / n
    return [
        {"group": "outline", "name": f"shared corpus: parse as a reader would ({n} documents)",
         "value": reader, "unit": f"of {n}", "target": "report"},
        {"group": "outline", "name": "shared corpus: mean heading F1", "value": round(mean_f1, 3),
         "unit": "F1", "target": "report"},
        {"group": "outline", "name": f"read+parse shared corpus ({n} files)", "median_ms": round(ms, 1),
         "mb": round(size / 1e6, 2), "mb_per_s": round(size / 1e6 / (ms / 1000), 2), "target": "report"},
    ]


_SHAPES = {
    "many parts and sections": lambda n: "标题\n" + "".join(
        f"第{k}部分 小标题\n一、要求\n正文内容。\n二、任务\n正文。\n" for k in range(1, n)),
    "numbered runs restarting": lambda n: "标题\n一、总体\n" + "1.条目一\n2.条目二\n正文。\n" * n,
    "one sentence a line, one paragraph": lambda n: "标题\n一、要求\n" + "这是一个分句，\n继续的内容。\n" * n,
    "closing blocks": lambda n: "通知\n" + "1.附件甲\n某某市人民政府\n2024年1月2日\n" * n,
    "open quotations": lambda n: "标题\n" + "“引号开始的一行文字没有结束\n" * n,
    "a list numbered straight through": lambda n: "标题\n一、要求\n主要有：\n" + "".join(
        f"（{k}）事项内容；\n" for k in range(1, n)),
}


def bench_parse_shapes() -> list[Row]:
    """Parse time of shapes that stress the heading and paragraph decisions, at two sizes:
    linear means the time ratio stays within 1.5× the size ratio (10×)."""
    from studykit.document.model import Source
    from studykit.document.parse import parse_document

    rows: list[Row] = []
    for name, make in _SHAPES.items():
        small, big = make(2000), make(20000)
        ms_small = median_ms(lambda t=small: parse_document(Source(t, "<s>", "utf-8")), repeat=3)
        ms_big = median_ms(lambda t=big: parse_document(Source(t, "<s>", "utf-8")), repeat=3)
        ratio = ms_big / ms_small
        rows.append({"group": "outline", "name": f"parse scaling: {name} (×10 size)",
                     "value": round(ratio, 1), "unit": "× time", "target": "≤ 15×", "ok": ratio <= 15})
    return rows


BENCHES = {"outline": bench_outline, "parse-shapes": bench_parse_shapes}

if __name__ == "__main__":
    from run import _print

    rows = bench_outline()
    _print(rows)
    sys.exit(0)
