"""Explorer latency: a control's value change until the redrawn PNG is ready, in-process.

Each figure is the median over 20 changes. The baseline is a bare matplotlib redraw of a 20-bar
chart into an existing figure, measured in the same run; every view also reports its ratio to it.
The top-N changes below alternate between bar counts, so the figure is resized and laid out again
on every change (the bars' figure grows with their number): the worst case for the term view.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from run import SEED, Row, big_document

CHANGES = 20


def _latency(apply: Callable[[Any], None], values: Sequence[Any]) -> float:
    times = []
    for v in values:
        t0 = time.perf_counter()
        apply(v)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _bare_redraw() -> Callable[[int], None]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()

    def draw(k: int) -> None:
        ax.clear()
        ax.barh(range(20), [20 - i + k % 3 for i in range(20)])
        ax.set_yticks(range(20), [f"t{i}" for i in range(20)])
        fig.canvas.print_png(io.BytesIO(), pil_kwargs={"compress_level": 1})  # type: ignore[attr-defined]

    draw(0)
    return draw


def _bare_redraw_ms() -> float:
    return _latency(_bare_redraw(), list(range(CHANGES)))


def _paired(apply: Callable[[Any], None], values: Sequence[Any], bare: Callable[[int], None]) -> tuple[float, float]:
    """Median latency of ``apply`` and the median of its ratio to a bare redraw timed right before
    each change: on a shared machine the load moves, and a pair sees the same load."""
    times, ratios = [], []
    for k, v in enumerate(values):
        t0 = time.perf_counter()
        bare(k)
        t1 = time.perf_counter()
        apply(v)
        t2 = time.perf_counter()
        times.append((t2 - t1) * 1000)
        ratios.append((t2 - t1) / (t1 - t0))
    return statistics.median(times), statistics.median(ratios)


def _views(doc: Any, label: str, bare: Callable[[int], None]) -> list[Row]:
    import studykit as sk

    table = sk.tokenize(doc)
    terms = sk.TermExplorer(doc, table=table)
    compare = sk.CompareExplorer(doc, table=table)
    top_values = [10 + (i % 2) * 5 + i // 2 for i in range(CHANGES)]  # every change is a new state
    rows: list[Row] = []

    def setter(control: Any) -> Callable[[Any], None]:
        return lambda v: setattr(control, "value", v)

    # Targets: 100 ms where the notes measured a bare redraw of 35 ms; on this shared machine the
    # bare redraw takes 2-3x that, so the term view's target is also given as a ratio: no slower
    # than the bare 20-bar redraw it is timed against (it draws 10-24 bars, resized each change).
    cases: list[tuple[str, Callable[[Any], None], Sequence[Any], float | None]] = [
        ("term bars (top-N slider)", setter(terms.top_n), top_values, 1.0),
        ("heatmap (terms slider)", setter(compare.heat_terms), [8 + (i % 2) * 6 + i // 4 for i in range(CHANGES)], None),
        ("keyness (min-count slider)", setter(compare.min_count), [1 + (i % 2) + i // 4 for i in range(CHANGES)], None),
        ("switch bars ↔ cloud (fresh figure each time)", setter(terms.view),
         ["cloud" if i % 2 == 0 else "bar" for i in range(CHANGES)], None),
    ]
    for name, apply, values, ratio in cases:
        ms, r = _paired(apply, values, bare)
        row: Row = {"group": "explore", "name": f"{label}: {name}", "median_ms": round(ms, 1),
                    "ratio_to_bare_redraw": round(r, 2), "target": "report"}
        if ratio is not None:
            row["target"] = f"≤ 100 ms or ≤ {ratio:.1f}× bare"
            row["ok"] = ms <= 100 or r <= ratio
        rows.append(row)
    terms.view.value = "bar"
    terms.view.value = "cloud"
    ms = _latency(setter(terms.top_n), top_values)
    rows.append({"group": "explore", "name": f"{label}: word cloud (new layout each change)", "median_ms": round(ms, 1),
                 "target": "≤ 400 ms", "ok": ms <= 400})
    ms = _latency(setter(terms.top_n), top_values)  # the same states again: layouts come from the cache
    rows.append({"group": "explore", "name": f"{label}: word cloud (cached layout)", "median_ms": round(ms, 1),
                 "target": "report"})
    for row in rows:
        if label != "seed":
            row["target"] = "report"
            row.pop("ok", None)
    return rows


def bench_explore() -> list[Row]:
    import matplotlib

    matplotlib.use("Agg")
    import studykit as sk

    bare = _bare_redraw()
    rows: list[Row] = [{"group": "explore", "name": "baseline: bare matplotlib 20-bar redraw to PNG",
                        "median_ms": round(_bare_redraw_ms(), 1), "target": ""}]
    rows += _views(sk.load(str(SEED)), "seed", bare)
    rows += _views(sk.parse_document(sk.read_source(big_document(1_000_000).encode())), "1 MB", bare)
    return rows


BENCHES = {"explore": bench_explore}
