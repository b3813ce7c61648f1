"""The term explorer: top terms of the chosen sections as bars or a word cloud."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from studykit.analysis.frequency import term_frequencies
from studykit.document.model import Document
from studykit.draw.charts import plot_top_terms
from studykit.draw.cloud import make_wordcloud, plot_wordcloud
from studykit.draw.fonts import FontChoice
from studykit.errors import StudykitError
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import select

from .base import (
    ALL,
    NOTHING_SELECTED,
    POS_CHOICES,
    _Chart,
    _PickingExplorer,
    _section_options,
    _selected,
    _table_html,
)


class TermExplorer(_PickingExplorer):
    """Which terms dominate the document, or the sections you pick: bars or a word cloud.

    >>> ex = TermExplorer(sk.load("seeds/000_1776dd67e002c30c.txt"))   # doctest: +SKIP
    >>> ex.top_n.value = 10; ex.result.head()                           # doctest: +SKIP
    """

    css = "sk-term-explorer"
    name = "词频"
    DEFAULT_TOP_N = 20

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
        opts = _section_options(document, with_all=True)
        self.sections = widgets.SelectMultiple(options=opts, value=(ALL,), description="章节", rows=min(len(opts), 7))
        self.sections.add_class("sk-sections")
        self.top_n = widgets.IntSlider(value=self.DEFAULT_TOP_N, min=5, max=60, description="前 N 个")
        self.top_n.add_class("sk-top-n")
        self.min_len = widgets.IntSlider(value=1, min=1, max=6, description="最短词长")
        self.pos = widgets.Dropdown(
            options=[("全部", "all"), ("名词", "noun"), ("动词", "verb"), ("名词+动词", "noun+verb")],
            value="all", description="词性",
        )
        self.stopwords = widgets.Checkbox(value=True, description="去除停用词", indent=False)
        self.filler = widgets.Checkbox(value=False, description="去除政治套话（切实、进一步…）", indent=False)
        self.headings = widgets.Checkbox(value=True, description="计入标题和小标题", indent=False)
        self.view = widgets.ToggleButtons(options=[("条形图", "bar"), ("词云", "cloud")], value="bar", description="视图")
        self.view.add_class("sk-view")
        self.table_view = widgets.HTML()
        self.chart = _Chart()
        self.clouds: OrderedDict[Hashable, Any] = OrderedDict()
        """Word-cloud layouts keyed on the filter state, so flipping back is instant (at most 16)."""
        self.cloud: Any = None
        self._drawn = ""  # what the chart shows now: "bar" lets the next bar chart update in place
        controls = [self.sections, self.top_n, self.min_len, self.pos, self.stopwords, self.filler,
                    self.headings, self.view]
        self._observe(controls, self.update)
        left = widgets.VBox([self.sections, self.top_n, self.min_len, self.pos, self.stopwords, self.filler,
                             self.headings, self.view, self.picker], layout=widgets.Layout(width="34%"))
        right = widgets.VBox([self.chart.box], layout=widgets.Layout(width="66%"))
        self._finish([
            widgets.HTML("<b>词频</b> · 选择章节与过滤条件，查看高频词"),
            widgets.HBox([left, right]),
            self._export_controls(["png", "svg", "pdf", "csv", "xlsx"], "png"),
            widgets.Accordion([self.table_view], titles=("词频表",)),
        ])
        self._call(self.update)

    def _state(self) -> tuple[Hashable, ...]:
        return (tuple(self.sections.value), self.top_n.value, self.min_len.value, self.pos.value,
                self.stopwords.value, self.filler.value, self.headings.value)

    def compute(self) -> pd.DataFrame:
        """The frequency table for the current settings (what ``update`` draws)."""
        chosen = _selected(self.sections.value)
        if chosen == []:
            raise StudykitError(NOTHING_SELECTED)
        parts = None if self.headings.value else ("body", "lead")
        view = select(self.table, sections=chosen, parts=parts)
        return term_frequencies(
            view, top=self.top_n.value, min_len=self.min_len.value, pos=POS_CHOICES[self.pos.value],
            stopwords=self.stopwords.value, filler=self.filler.value,
        )

    def update(self) -> None:
        try:
            self.result = self.compute()
        except StudykitError:
            self.result = term_frequencies(self.table.iloc[0:0])
            self.table_view.value = ""
            self.picker.options = [("（选一个词看上下文）", "")]
            self._drawn = ""
            self.chart.axes().set_axis_off()
            self.chart.show()
            raise
        self.table_view.value = _table_html(self.result)
        self.picker.options = [("（选一个词看上下文）", ""), *((t, t) for t in self.result["term"])]
        if self.result.empty:
            self._say("没有符合条件的词 / no terms match: loosen the filters", kind="warn")
        title = "高频词 · " + ("全部章节" if _selected(self.sections.value) is None else
                             "、".join(str(v) for v in self.sections.value))
        if self.view.value == "cloud" and not self.result.empty:
            key = self._state()
            cloud = self.clouds.get(key)
            if cloud is None:
                cloud = make_wordcloud(self.result, font=self.font, width=800, height=400)
                self.clouds[key] = cloud
                while len(self.clouds) > 16:
                    self.clouds.popitem(last=False)
            self.cloud = cloud
            plot_wordcloud(cloud, ax=self.chart.axes(), title=title, font=self.font)
        else:
            ax = self.chart.axes(keep=self._drawn == "bar" and not self.result.empty)
            if self.result.empty:
                ax.set_axis_off()
            else:
                plot_top_terms(self.result, ax=ax, font=self.font, title=title)  # in place when it can
        self._drawn = "bar" if self.view.value == "bar" and not self.result.empty else "other"
        longest = int(self.result["term"].str.len().max()) if not self.result.empty else 0
        self.chart.show(layout=(self._drawn, longest))

    def _export_object(self, fmt: str) -> Any:
        if fmt in ("csv", "xlsx"):
            return self.result
        return self.cloud if self.view.value == "cloud" and fmt == "png" and self.cloud is not None else self.chart.figure

    def _export_meta(self) -> dict[str, Any]:
        return {**super()._export_meta(), "sections": list(self.sections.value), "top_n": self.top_n.value,
                "min_len": self.min_len.value, "pos": self.pos.value, "stopwords_removed": self.stopwords.value,
                "filler_removed": self.filler.value, "headings_counted": self.headings.value, "view": self.view.value}


