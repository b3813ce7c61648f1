"""Drawing speed: a new bar chart, an in-place update of one, and a word cloud.

The targets come from /work/shared/notes/chinese-stack.md ("Drawing speed"): re-plotting 20 bars
into an existing chart in place and rendering to PNG at 100 dpi should take ≤ 50 ms (a new figure
costs about 100-120 ms), and an 800×400 cloud of 200 words ≤ 300 ms. Shared machines are noisy,
so a bare-matplotlib redraw is timed in the same run as a baseline for the update.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import matplotlib

matplotlib.use("Agg")  # benchmarks only; the library never selects a backend

import matplotlib.pyplot as plt
from run import SEED, Row, median_ms

PNG = {"compress_level": 1}  # as the explorers encode their previews

_COMMON = (
    "政协党建履职协商民主委员会议制度建设发展人民群众工作组织领导干部学习教育思想理论实践创新"
    "改革开放经济社会文化生态文明治理体系能力现代化统一战线团结奋斗目标任务责任落实监督检查"
)


def _seed_terms(n: int) -> dict[str, int]:
    """The seed's n most frequent content terms (jieba via studykit), or synthetic ones."""
    try:
        from studykit.document.parse import load
        from studykit.text.tokens import tokenize

        table = tokenize(load(str(SEED)))
        keep = table[(table["kind"] == "han") & ~table["is_stopword"]]
        counts = Counter(keep["token"].astype(str))
    except Exception:  # the benchmark still runs while the pipeline is being written
        counts = Counter()
    if len(counts) < n:
        k = 0
        while len(counts) < n:
            a, b, c = (_COMMON[(k * s) % len(_COMMON)] for s in (7, 11, 13))
            counts[(a + b + c)[: 2 + k % 3]] += 1 + (n - k) // 10
            k += 1
    return dict(counts.most_common(n))


def bench_plot() -> list[Row]:
    from studykit.draw.charts import plot_top_terms
    from studykit.draw.cloud import make_wordcloud
    from studykit.draw.fonts import find_cjk_font

    font = find_cjk_font()
    terms = _seed_terms(200)
    top20 = dict(list(terms.items())[:20])
    rows: list[Row] = []

    def new_figure() -> None:
        ax = plot_top_terms(top20, font=font)
        fig: Any = ax.get_figure(root=True)
        fig.canvas.print_png(io.BytesIO(), pil_kwargs=PNG)
        plt.close(fig)

    ms_new = median_ms(new_figure, repeat=20, warmup=2)
    rows.append(_row("new figure + 20 bars (plot_top_terms) → PNG, 100 dpi", ms_new, "baseline"))

    fig, ax = plt.subplots(layout="constrained", dpi=100)
    variants = [dict(zip(top20, [v + (k * 7 + i) % 5 for i, v in enumerate(top20.values())], strict=True))
                for k in range(8)]
    step = iter(range(10**6))

    def bare_update() -> None:
        ax.clear()
        ax.barh(range(20), list(variants[next(step) % 8].values()))
        ax.set_yticks(range(20), [str(i) for i in range(20)])
        fig.canvas.print_png(io.BytesIO(), pil_kwargs=PNG)

    def replot() -> None:
        ax.clear()
        plot_top_terms(variants[next(step) % 8], ax=ax, font=font)
        fig.canvas.print_png(io.BytesIO(), pil_kwargs=PNG)

    def update() -> None:  # what an explorer does: same chart, new values, layout kept
        plot_top_terms(variants[next(step) % 8], ax=ax, font=font)
        fig.canvas.print_png(io.BytesIO(), pil_kwargs=PNG)

    ms_bare = median_ms(bare_update, repeat=25, warmup=2)
    ms_replot = median_ms(replot, repeat=25, warmup=2)
    fig.canvas.print_png(io.BytesIO(), pil_kwargs=PNG)  # lay out once, then keep the positions
    fig.set_layout_engine("none")
    ms_update = median_ms(update, repeat=25, warmup=2)
    plt.close(fig)
    rows.append(_row("bare matplotlib: ax.clear + 20 bars + ticks → PNG", ms_bare, "baseline"))
    rows.append(_row("ax.clear + plot_top_terms (20 bars) → PNG", ms_replot, "report"))
    upd = _row("update in place: plot_top_terms on the same chart → PNG", ms_update, "≤ 50 ms")
    upd["ok"] = ms_update <= 50
    rows.append(upd)
    rows.append(
        {"group": "plot", "name": "update in place vs new figure (time ratio)",
         "value": round(ms_update / ms_new, 2), "unit": "× new figure", "target": "report"}
    )
    rows.append(
        {"group": "plot", "name": "update in place vs bare matplotlib redraw (time ratio)",
         "value": round(ms_update / ms_bare, 2), "unit": "× bare", "target": "≤ 1×",
         "ok": ms_update <= ms_bare}
    )

    make_wordcloud(terms, font=font, width=800, height=400)  # fonts and caches warm
    ms_cloud = median_ms(
        lambda: make_wordcloud(terms, font=font, width=800, height=400), repeat=7, warmup=1
    )
    cloud = _row(f"make_wordcloud 800×400, {len(terms)} words", ms_cloud, "≤ 300 ms")
    cloud["ok"] = ms_cloud <= 300
    rows.append(cloud)
    return rows


def _row(name: str, ms: float, target: str) -> Row:
    return {"group": "plot", "name": name, "median_ms": round(ms, 2), "target": target}


BENCHES = {"plot": bench_plot}
