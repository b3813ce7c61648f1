"""The comparison explorer: keyness, heatmap and similarity of sections."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from studykit.analysis.frequency import term_frequencies
from studykit.analysis.keyness import keyness
from studykit.analysis.similarity import section_similarity
from studykit.document.model import PREAMBLE_KEY, Document
from studykit.draw.charts import (
    plot_keyness,
    plot_similarity,
    plot_term_heatmap,
)
from studykit.draw.fonts import FontChoice
from studykit.errors import StudykitError
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import select

from .base import (
    MEASURES,
    MEASURES_REV,
    _Chart,
    _PickingExplorer,
    _section_options,
    _short,
    _table_html,
)


# --- compare ---------------------------------------------------------------------------------
class CompareExplorer(_PickingExplorer):
    """Compare sections: keyness of a target against a reference, similarity, and a heatmap."""

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
        on_pick: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(document, table=table, segmenter=segmenter, folder=folder, font=font,
                         on_pick=on_pick)
        opts = _section_options(document, with_all=False)
        titled = [o for o in opts if o[1] != PREAMBLE_KEY] or opts
        first = (titled[0][1],) if titled else ()
        self.target = widgets.SelectMultiple(options=opts, value=first, description="目标章节",
                                             rows=min(len(opts), 6))
        self.target.add_class("sk-target")
        self.reference_mode = widgets.ToggleButtons(options=[("其余章节", "rest"), ("指定章节", "chosen")],
                                                    value="rest", description="参照")
        self.reference = widgets.SelectMultiple(options=opts, value=(), description="参照章节", rows=min(len(opts), 6))
        self.measure = widgets.Dropdown(options=MEASURES, value="g2", description="统计量")
        self.min_count = widgets.IntSlider(value=3, min=1, max=20, description="最少次数")
        self.heat_terms = widgets.IntSlider(value=12, min=5, max=30, description="热力图词数")
        self.table_view = widgets.HTML()
        self.significance = widgets.HTML()  # how many terms survive the correction
        self.chart = _Chart(7.5, 5)
        self.similarity_chart = _Chart(5.5, 4.5)
        self.heatmap_chart = _Chart(8, 4.5)
        self.similarity: pd.DataFrame = pd.DataFrame()
        self._keyness_drawn = False  # the chart holds a keyness chart that can be updated in place
        self.heatmap_data: pd.DataFrame = pd.DataFrame()
        self._observe([self.target, self.reference_mode, self.reference, self.measure, self.min_count], self.update)
        self._observe([self.heat_terms], self.update_heatmap)
        controls = widgets.VBox([self.target, self.reference_mode, self.reference, self.measure, self.min_count,
                                 self.picker], layout=widgets.Layout(width="34%"))
        self._finish([
            widgets.HTML("<b>章节比较</b> · 目标章节比参照多用了哪些词（关键性），各章节有多相似"),
            widgets.HBox([controls, widgets.VBox([self.chart.box, self.significance],
                                                 layout=widgets.Layout(width="66%"))]),
            self._export_controls(["png", "svg", "pdf", "csv", "xlsx"], "png"),
            widgets.Accordion([self.table_view], titles=("关键性表",)),
            widgets.HBox([self.similarity_chart.box, widgets.VBox([self.heat_terms, self.heatmap_chart.box])]),
        ])
        self._call(self.update)
        self._call(self.update_similarity)
        self._call(self.update_heatmap)

    def update(self) -> None:
        target = list(self.target.value)
        reference: str | list[str] = "rest"
        if self.reference_mode.value == "chosen":
            reference = [r for r in self.reference.value if r not in target]
        if not target or not reference:
            self.result = self.result.iloc[0:0]
            self.table_view.value = ""
            self._keyness_drawn = False
            self.chart.axes().set_axis_off()
            self.chart.show()
            if not target:
                raise StudykitError("未选择目标章节 / no target section: choose at least one")
            raise StudykitError("未选择参照章节 / no reference section: choose one that is not a target")
        self.result = keyness(self.table, target, reference, measure=self.measure.value,
                              min_count=self.min_count.value)
        self.table_view.value = _table_html(self.result, floats=3)
        info = self.result.attrs.get("keyness", {})
        self.significance.value = (
            f"显著 <b>{info.get('significant', 0)}</b> / {info.get('tested', len(self.result))} 个词"
            f"（Benjamini–Hochberg 校正，α = {info.get('alpha', 0.05)}；浅色条为不显著）"
            f" / {info.get('significant', 0)} of {info.get('tested', len(self.result))} terms "
            "significant after FDR correction"
        )
        self.picker.options = [("（选一个词看上下文）", ""), *((t, t) for t in self.result["term"].head(40))]
        ax = self.chart.axes(keep=self._keyness_drawn and not self.result.empty)  # in place when it can
        self._keyness_drawn = not self.result.empty
        if self.result.empty:
            ax.set_axis_off()
            self._say("没有达到最少次数的词 / no term reaches the minimum count: lower it", kind="warn")
        else:
            ref_name = "其余章节" if reference == "rest" else "、".join(reference)
            plot_keyness(self.result, ax=ax, font=self.font, n=12, target="、".join(target), reference=ref_name,
                         title=f"关键性 · {dict(MEASURES_REV)[self.measure.value]}")
        shown = pd.concat([self.result["term"].head(12), self.result["term"].tail(12)])
        longest = int(shown.str.len().max()) if len(shown) else 0
        self.chart.show(layout=("keyness", min(len(self.result), 24), longest))

    def update_similarity(self) -> None:
        self.similarity = section_similarity(self.table)
        labels = {s.path: _short(s, 8) for s in self.document.sections}
        plot_similarity(self.similarity, ax=self.similarity_chart.axes(fresh=True), font=self.font, labels=labels,
                        title="章节相似度（TF-IDF 余弦）")
        self.similarity_chart.show()

    def update_heatmap(self) -> None:
        if self.heatmap_data.empty:  # depends only on the table: count once, sections only
            body = select(self.table, parts=("heading", "lead", "body"))
            self.heatmap_data = term_frequencies(body, by="section")
        ax = self.heatmap_chart.axes()  # cleared, laid-out position kept; the colorbar goes with it
        plot_term_heatmap(self.heatmap_data, ax=ax, font=self.font, terms=self.heat_terms.value,
                          title="章节 × 高频词")
        data = self.heatmap_data
        if data.empty:
            self.heatmap_chart.show()
            return
        # What shapes the layout: the number of rows and the longest (rotated) term label.
        totals = data.groupby("term")["count"].sum().sort_values(ascending=False)
        longest = max((len(str(t)) for t in totals.index[: self.heat_terms.value]), default=0)
        self.heatmap_chart.show(layout=("heatmap", data["section"].nunique(), longest))

    def _export_meta(self) -> dict[str, Any]:
        return {**super()._export_meta(), "target": list(self.target.value), "reference": self.reference_mode.value
                if self.reference_mode.value == "rest" else list(self.reference.value),
                "measure": self.measure.value, "min_count": self.min_count.value}



