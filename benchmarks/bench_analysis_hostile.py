"""Hostile shapes for the analyses (issue 12, items 9 and 15), each at two sizes with the time
ratio: linear means a ratio of at most 1.5× the size ratio."""

from __future__ import annotations

import contextlib
import random
import statistics
import time
from typing import Any

Row = dict[str, Any]


def _many_labels(size: int) -> str:
    rnd = random.Random(15)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    parts = ["标题\n\n一、总体要求\n\n"]
    total = 0
    while total < size:
        label = "三个" + rnd.choice(han) + rnd.choice(han)
        line = f"坚持“{label}”，落实“{rnd.choice(han)}{rnd.choice(han)}{rnd.choice(han)}”要求，推进{label}。\n"
        parts.append(line)
        total += len(line)
    return "".join(parts)


def _seconds(fn: Any, repeat: int = 3) -> float:
    """Median wall time of ``repeat`` runs (both sizes get the same estimator)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_analysis_hostile() -> list[Row]:
    import studykit as sk
    from studykit.errors import QueryError

    rows: list[Row] = []
    small, big = 64_000, 640_000
    docs = {n: sk.parse_document(sk.read_source(_many_labels(n))) for n in (small, big)}
    t_small = _seconds(lambda: sk.formulations(docs[small]))
    t_big = _seconds(lambda: sk.formulations(docs[big]))
    ratio = t_big / t_small
    rows.append({"group": "hostile", "name": "formulations, many quoted labels, 64k → 640k chars",
                 "value": round(ratio, 1), "unit": f"× time for 10× size ({t_big:.2f} s at 640k)",
                 "target": "≤ 15×", "ok": ratio <= 15})

    # Quotes that open and never close (OCR, converters writing “ for both marks): each used to
    # send a look-ahead to the end of the text.
    def unclosed(paragraphs: int) -> Any:
        line = "坚持“以人民为中心“的发展思想，推进“放管服“改革，落实「三个务必。"
        return sk.parse_document(sk.read_source("标题\n\n" + "\n\n".join([line] * paragraphs)))

    few, many = unclosed(1_000), unclosed(4_000)
    t_few = _seconds(lambda: sk.formulations(few))
    t_many = _seconds(lambda: sk.formulations(many))
    ratio = t_many / t_few
    rows.append({"group": "hostile", "name": "formulations, quotes never closed, 1,000 → 4,000 paragraphs",
                 "value": round(ratio, 1), "unit": f"× time for 4× size ({t_many:.2f} s at 4,000)",
                 "target": "≤ 6×", "ok": ratio <= 6})

    def catastrophic(n: int) -> float:
        doc = sk.parse_document(sk.read_source("标题\n\n一、总体要求\n\n" + "a" * n + "\n"))
        t0 = time.perf_counter()
        with contextlib.suppress(QueryError):
            sk.kwic(doc, r"(a|aa)+b", regex=True, timeout=1.0)
        return time.perf_counter() - t0

    stop = catastrophic(20_000)
    # The regex module looks at the clock now and then, not at every step: it stops within a few
    # times the limit, never hangs.
    rows.append({"group": "hostile", "name": "kwic (a|aa)+b on 20k chars, timeout 1 s",
                 "median_ms": round(stop * 1000, 1), "target": "stops ≤ 5 s", "ok": stop <= 5})
    return rows


BENCHES = {"analysis_hostile": bench_analysis_hostile}
