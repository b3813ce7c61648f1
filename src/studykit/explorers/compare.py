"""The comparison explorer: keyness, heatmap and similarity of sections (and subsections)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from studykit.analysis.frequency import term_frequencies
from studykit.analysis.keyness import keyness
from studykit.analysis.similarity import section_similarity
from studykit.document.model import PREAMBLE_KEY, Document
from studykit.draw.charts import (
    bar_figure_height,
    plot_keyness,
    plot_similarity,
    plot_term_heatmap,
)
from studykit.draw.fonts import FontChoice
from studykit.errors import StudykitError
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import select

from .base import (
    MAX_CHART_SECTIONS,
    MEASURE_SHORT,
    MEASURES,
    MEASURES_REV,
    WIDE,
    PickHandler,
    _Chart,
    _section_options,
    _selection_name,
    _table_html,
    _TableExplorer,
    capped_note,
    section_marker,
    significance_line,
    slider,
)

KEYNESS_BARS = 12
"""Terms shown on each side of the keyness chart."""
SIMILARITY_SECTIONS = 24
"""At most this many sections in the similarity chart (a square of 24 × 24 cells, 13.6 in)."""
HEAT_ROW = 0.22
"""Inches per heatmap row: a 10-point label and a gap."""


def _overlaps(a: str, b: str) -> bool:
    """Whether two section paths cover common text (one is the other or contains it)."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


class CompareExplorer(_TableExplorer):
    """Compare sections or subsections: keyness of a target against a reference, similarity, and
    a heatmap. Click a keyness bar to see the term's contexts."""

    css = "sk-compare-explorer"
    name = "章节比较"

    def __init__(
        self,
        document: Document,
        *,
        table: pd.DataFrame | None = None,
        segmenter: JiebaSegmenter | None = None,
        folder: str | Path = "exports",
        font: FontChoice | None = None,
        on_pick: PickHandler | None = None,
    ) -> None:
        super().__init__(document, table=table, segmenter=segmenter, folder=folder, font=font,
                         on_pick=on_pick)
        opts = _section_options(document, with_all=False)
        titled = [o for o in opts if o[1] != PREAMBLE_KEY] or opts
        first = (titled[0][1],) if titled else ()
        self.target = widgets.SelectMultiple(options=opts, value=first, description="目标章节",
                                             rows=min(len(opts), 7), layout=WIDE)
        self.target.add_class("sk-target")
        self.reference_mode = widgets.ToggleButtons(options=[("其余章节", "rest"), ("指定章节", "chosen")],
                                                    value="rest", description="参照")
        self.reference = widgets.SelectMultiple(options=opts, value=(), description="参照章节",
                                                rows=min(len(opts), 7), layout=WIDE)
        self.measure = widgets.Dropdown(options=MEASURES, value="g2", description="统计量")
        self.min_count = slider(3, 1, 20, "最少次数")
        self.heat_terms = slider(12, 5, 30, "热力图词数")
        self.heat_terms.layout = widgets.Layout(width="32em")
        self.table_view = widgets.HTML()
        self.significance = widgets.HTML()  # how many terms survive the correction
        self.chart = _Chart(7.5, bar_figure_height(2 * KEYNESS_BARS))
        self.chart.image.on_pick(self._pick_guarded(self.pick))
        self.similarity_chart = _Chart(5.5, 4.8)
        self.heatmap_chart = _Chart(8, 4.5)
        self.similarity: pd.DataFrame = pd.DataFrame()
        self.heatmap_data: pd.DataFrame = pd.DataFrame()
        self._observe([self.target, self.reference_mode, self.reference, self.measure, self.min_count], self.update)
        self._observe([self.heat_terms], self.update_heatmap)
        controls = widgets.VBox([self.target, self.reference_mode, self.reference, self.measure, self.min_count,
                                 widgets.HTML("<small>点击条形，查看这个词的上下文</small>")],
                                layout=widgets.Layout(width="34%"))
        self._finish([
            widgets.HTML("<b>章节比较</b> · 目标章节比参照多用了哪些词（关键性），各章节有多相似"),
            widgets.HBox([controls, widgets.VBox([self.chart.box, self.significance],
                                                 layout=widgets.Layout(width="66%"))]),
            self._export_controls(["png", "svg", "pdf", "csv", "xlsx"], ["png"]),
            self.contexts,
            widgets.Accordion([self.table_view], titles=("关键性表",)),
            widgets.HBox([self.similarity_chart.box, widgets.VBox([self.heat_terms, self.heatmap_chart.box])],
                         layout=widgets.Layout(flex_flow="row wrap")),
        ])
        # One action in three steps: a later step must not wipe what an earlier one said.
        self._call(self.update)
        self._call(self.update_similarity, clear=False)
        self._call(self.update_heatmap, clear=False)

    def _sides(self) -> tuple[list[str], str | list[str]]:
        target = list(self.target.value)
        reference: str | list[str] = "rest"
        if self.reference_mode.value == "chosen":
            reference = [r for r in self.reference.value if not any(_overlaps(r, t) for t in target)]
        return target, reference

    def update(self) -> None:
        target, reference = self._sides()
        self._refresh_name()
        if not target or not reference:
            self.result = self.result.iloc[0:0]
            self.table_view.value = ""
            self.chart.axes(view="empty").set_axis_off()
            self.chart.show()
            if not target:
                raise StudykitError("未选择目标章节 / no target section: choose at least one")
            raise StudykitError("未选择参照章节 / no reference section: choose one that is not a target")
        assert self.table is not None
        self.result = keyness(self.table, target, reference, measure=self.measure.value,
                              min_count=self.min_count.value)
        self.table_view.value = _table_html(self.result, self.document, floats=3)
        self.significance.value = significance_line(self.result)
        if self.result.empty:
            self.chart.axes(view="empty").set_axis_off()
            self.chart.show()
            self._say("没有达到最少次数的词 / no term reaches the minimum count: lower it", kind="warn")
            return
        ref_name = "其余章节" if reference == "rest" else _selection_name(self.document, reference)
        shown = pd.concat([self.result["term"].head(KEYNESS_BARS), self.result["term"].tail(KEYNESS_BARS)])
        bars = min(len(self.result), 2 * KEYNESS_BARS)
        ax = self.chart.axes(view="keyness", keep=True, size=(7.5, bar_figure_height(bars)))  # in place when it can
        plot_keyness(self.result, ax=ax, font=self.font, n=KEYNESS_BARS,
                     target=_selection_name(self.document, target), reference=ref_name,
                     title=f"关键性 · {dict(MEASURES_REV)[self.measure.value]}")
        longest = int(shown.str.len().max()) if len(shown) else 0

        def regions() -> Any:
            return self.chart.bar_regions(ax, [t.get_text() for t in ax.get_yticklabels()])

        self.chart.show(layout=("keyness", longest), regions=regions)

    def pick(self, term: str) -> None:
        """Open the contexts of a clicked keyness bar within what the bar counted: the target and
        the chosen reference sections (the whole document when the reference is the rest)."""
        target, reference = self._sides()
        self.open_contexts(term, sections=None if reference == "rest" else [*target, *reference])

    def update_similarity(self) -> None:
        assert self.table is not None
        self.similarity = section_similarity(self.table)
        sections = {s.path: s for s in self.document.sections}
        labels = {p: section_marker(s) for p, s in sections.items()}
        titles = {p: s.title or "" for p, s in sections.items()}
        n = min(len(self.similarity), SIMILARITY_SECTIONS)  # the figure is n × n: keep it bounded
        side = max(4.8, 1.6 + 0.5 * n)
        ax = self.similarity_chart.axes(fresh=True, size=(side + 0.7, side))
        plot_similarity(self.similarity.iloc[:n, :n], ax=ax, font=self.font, labels=labels, titles=titles,
                        title="章节相似度（TF-IDF 余弦）" + capped_note(n, len(self.similarity)))
        self.similarity_chart.show()

    def update_heatmap(self) -> None:
        if self.heatmap_data.empty:  # depends only on the table: count once, sections only
            assert self.table is not None
            body = select(self.table, parts=("heading", "lead", "body"))
            self.heatmap_data = term_frequencies(body, by="section")
        data = self.heatmap_data
        rows = list(dict.fromkeys(data["section"].astype(str)))
        if len(rows) > MAX_CHART_SECTIONS:  # the first sections only: a bounded figure, labels apart
            data = data[data["section"].astype(str).isin(rows[:MAX_CHART_SECTIONS])]
            data.attrs = dict(self.heatmap_data.attrs)
        shown = min(len(rows), MAX_CHART_SECTIONS)
        # The figure grows with its rows so that their labels never overlap (40 rows: 11.2 in).
        size = (8.0, max(4.5, 2.4 + HEAT_ROW * shown))
        ax = self.heatmap_chart.axes(size=size)  # cleared, laid-out position kept; the colorbar goes with it
        plot_term_heatmap(data, ax=ax, font=self.font, terms=self.heat_terms.value,
                          title="章节 × 高频词" + capped_note(shown, len(rows)))
        if data.empty:
            self.heatmap_chart.show()
            return
        # What shapes the layout: the number of rows and the longest (rotated) term label.
        totals = data.groupby("term")["count"].sum().sort_values(ascending=False)
        longest = max((len(str(t)) for t in totals.index[: self.heat_terms.value]), default=0)
        self.heatmap_chart.show(layout=("heatmap", shown, longest))

    def _name_parts(self) -> list[str]:
        target, reference = self._sides()
        ref = "其余章节" if reference == "rest" else _selection_name(self.document, reference) or "未选"
        tgt = _selection_name(self.document, target) if target else "未选"
        return ["关键性", f"{tgt}对{ref}", MEASURE_SHORT[self.measure.value]]

    def _export_meta(self) -> dict[str, Any]:
        return {**super()._export_meta(), "target": list(self.target.value), "reference": self.reference_mode.value
                if self.reference_mode.value == "rest" else list(self.reference.value),
                "measure": self.measure.value, "min_count": self.min_count.value}
