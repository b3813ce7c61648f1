"""Hostile shapes (issue 12 items 11–15, plus deep nesting): each run at two sizes, twice apart.

The figure is the time ratio against the size ratio: linear work doubles its time when the input
doubles; a quadratic shape quadruples it. "ok" means the ratio is at most 1.5× the size ratio
(≤ 3.0 for 2× input). Each time is the best of five runs (one for the slow shapes), after a
warm-up at the smaller size: on a shared machine the best run is the one least disturbed.

Item 15 (formulations with many distinct quoted labels) is fixed in the analysis layer by its
own work stream; on a branch without that work it shows as MISSED.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from run import Row

GROUP = "hostile"
LINEAR_SLACK = 1.5


def _best_s(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _pair(item: str, shape: str, make: Callable[[int], Callable[[], object]], small: int, unit: str,
          repeat: int = 5) -> list[Row]:
    """Time ``make(n)()`` at ``small`` and ``2 * small`` and report the ratio."""
    make(small)()  # warm-up: imports, dictionaries, caches
    fast = make(small)
    slow = make(2 * small)
    t1 = _best_s(fast, repeat)
    t2 = _best_s(slow, repeat)
    ratio = t2 / t1 if t1 > 0 else float("inf")
    limit = LINEAR_SLACK * 2
    return [
        {"group": GROUP, "name": f"{item}: {shape}, {small:,} {unit}", "median_ms": round(t1 * 1000, 1), "target": ""},
        {"group": GROUP, "name": f"{item}: {shape}, {2 * small:,} {unit}", "median_ms": round(t2 * 1000, 1), "target": ""},
        {"group": GROUP, "name": f"{item}: time ratio for 2× size", "value": round(ratio, 2),
         "unit": "×", "target": f"≤ {limit:.1f}× (linear)", "ok": ratio <= limit},
    ]


def _page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def _nbsp_run(n: int) -> Callable[[], object]:
    from studykit.document.read import read_source

    # the run ends in text, not at the <br>: a regex around the break retried at every space
    html = _page(f"<p>前面{'&nbsp;' * n}中间<br>后面</p>")
    return lambda: read_source(html)


def _ideographic_space_run(n: int) -> Callable[[], object]:
    from studykit.document.read import read_source

    html = _page(f"<p>前面{chr(0x3000) * n}中间<br>后面</p>")
    return lambda: read_source(html)


def _rare_han(n: int) -> str:
    from studykit.text.segment import JiebaSegmenter

    engine = JiebaSegmenter()._ensure()
    freq = engine._tok.FREQ  # type: ignore[attr-defined]
    rare = [chr(c) for c in range(0x4E00, 0x9FA5) if chr(c) not in freq]
    rng = random.Random(12)
    return "".join(rng.choice(rare) for _ in range(n))


def _hmm_run(n: int) -> Callable[[], object]:
    from studykit.text.segment import JiebaSegmenter

    text = _rare_han(n)
    seg = JiebaSegmenter()
    seg.cut("预热")
    return lambda: seg.cut(text)


def _hmm_tokenize(n: int) -> Callable[[], object]:
    from studykit.document.parse import parse_document
    from studykit.document.read import read_source
    from studykit.text.segment import JiebaSegmenter
    from studykit.text.tokens import tokenize

    doc = parse_document(read_source(text=f"标题\n\n一、总体要求\n\n{_rare_han(n)}。"))
    seg = JiebaSegmenter()  # its own: out-of-dictionary words are tagged once per segmenter
    seg.tag("预热")  # loads posseg's tables too
    return lambda: tokenize(doc, seg)


def _sections(n: int) -> Callable[[], object]:
    from studykit.document.parse import parse_document
    from studykit.document.read import read_source
    from studykit.text.segment import JiebaSegmenter
    from studykit.text.tokens import tokenize

    text = "标题\n\n" + "".join(f"第{i}章 章名\n\n正文。\n\n" for i in range(1, n + 1))
    doc = parse_document(read_source(text=text))
    seg = JiebaSegmenter()
    seg.tag("预热")  # loads posseg's tables too
    return lambda: tokenize(doc, seg)


def _attributes(n: int) -> Callable[[], object]:
    from studykit.document.read import read_source

    attrs = " ".join(f"a{i}=x" for i in range(n))
    html = _page(f"<p {attrs}>正文。</p><p>后文。</p>")
    return lambda: read_source(html, max_bytes=200_000_000)


def _quoted_labels(n_chars: int) -> Callable[[], object]:
    """A text made mostly of distinct quoted labels of the numbered shape (“三个X”): each becomes
    a label searched for everywhere."""
    from studykit.analysis.patterns import formulations
    from studykit.document.parse import parse_document
    from studykit.document.read import read_source

    rng = random.Random(15)
    han = [chr(c) for c in range(0x4E00, 0x9FA5)]
    labels = "".join(
        f"“{rng.choice('一二三四五六七八九十')}个{rng.choice(han)}{rng.choice(han)}”、" for _ in range(n_chars // 8)
    )
    paragraphs = [labels[i : i + 2_000] + "。" for i in range(0, len(labels), 2_000)]
    doc = parse_document(read_source(text="标题\n\n" + "\n\n".join(paragraphs)))
    return lambda: formulations(doc)


def _nesting(n: int) -> Callable[[], object]:
    from studykit.document.read import read_source

    html = _page("<div>" * n + "深层。" + "</div>" * n + "<p>正文。</p>")
    return lambda: read_source(html)


def bench_hostile() -> list[Row]:
    rows: list[Row] = []
    rows += _pair("11", "&nbsp; run in a paragraph with a <br>", _nbsp_run, 160_000, "&nbsp;")
    rows += _pair("11", "U+3000 run in a paragraph with a <br>", _ideographic_space_run, 160_000, "U+3000")
    rows += _pair("12", "jieba cut, Han run the dictionary cannot join", _hmm_run, 40_000, "chars")
    rows += _pair("12", "tokenize (tagged), Han run the dictionary cannot join", _hmm_tokenize, 20_000, "chars",
                  repeat=1)
    rows += _pair("13", "tokenize, one section per heading", _sections, 25_000, "sections", repeat=1)
    rows += _pair("14", "attributes on one tag", _attributes, 200_000, "attributes")
    rows += _pair("15", "formulations, distinct quoted labels (fixed by the analysis stream)",
                  _quoted_labels, 80_000, "chars", repeat=1)
    rows += _pair("4", "nesting deeper than libxml2's limit", _nesting, 50_000, "levels")
    return rows


BENCHES = {"hostile": bench_hostile}
