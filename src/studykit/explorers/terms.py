"""The term explorer: top terms of the chosen sections as bars or a word cloud."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

from studykit.analysis.frequency import term_frequencies
from studykit.document.model import Document
from studykit.draw.charts import bar_figure_height, plot_top_terms
from studykit.draw.cloud import make_wordcloud, plot_wordcloud
from studykit.draw.fonts import FontChoice
from studykit.errors import StudykitError
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import select

from .base import (
    ALL,
    NOTHING_SELECTED,
    POS_CHOICES,
    WIDE,
    PickHandler,
    _Chart,
    _section_options,
    _selected,
    _selection_name,
    _table_html,
    _TableExplorer,
    slider,
)
from .clickable import Region

WIDTH = 7.5
"""Figure width in inches; bars grow in height with their number, the cloud keeps 2:1."""
CLOUD_SIZE = (800, 400)
CLOUD_FIGURE = (WIDTH, 4.25)


class TermExplorer(_TableExplorer):
    """Which terms dominate the document, or the sections you pick: bars or a word cloud.

    Click a bar or a word to see its contexts (inline below the chart, or in the dashboard's
    KWIC tab).

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
        on_pick: PickHandler | None = None,
    ) -> None:
        super().__init__(document, table=table, segmenter=segmenter, folder=folder, font=font,
                         on_pick=on_pick)
        opts = _section_options(document, with_all=True)
        self.sections = widgets.SelectMultiple(options=opts, value=(ALL,), description="章节",
                                               rows=min(len(opts), 8), layout=WIDE)
        self.sections.add_class("sk-sections")
        self.top_n = slider(self.DEFAULT_TOP_N, 5, 60, "前 N 个")
        self.top_n.add_class("sk-top-n")
        self.min_len = slider(1, 1, 6, "最短词长")
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
        self.chart = _Chart(WIDTH, bar_figure_height(self.DEFAULT_TOP_N))
        self.chart.image.on_pick(self._pick_guarded(self.pick))
        self.clouds: OrderedDict[Hashable, Any] = OrderedDict()
        """Word-cloud layouts keyed on the filter state, so flipping back is instant (at most 16)."""
        self.cloud: Any = None
        controls = [self.sections, self.top_n, self.min_len, self.pos, self.stopwords, self.filler,
                    self.headings, self.view]
        self._observe(controls, self.update)
        # The top-N slider spans the chart's width above it: 5-60 over about 500 px is a value
        # every 9 px, easy to set with the mouse.
        self.top_n.layout = widgets.Layout(width="100%")
        left = widgets.VBox([c for c in controls if c is not self.top_n]
                            + [widgets.HTML("<small>点击条形或词语，查看它的上下文</small>")],
                            layout=widgets.Layout(width="34%"))
        right = widgets.VBox([self.top_n, self.chart.box], layout=widgets.Layout(width="66%"))
        self._finish([
            widgets.HTML("<b>词频</b> · 选择章节与过滤条件，查看高频词"),
            widgets.HBox([left, right]),
            self._export_controls(["png", "svg", "pdf", "csv", "xlsx"], ["png"]),
            self.contexts,
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
        assert self.table is not None
        view = select(self.table, sections=chosen, parts=parts)
        return term_frequencies(
            view, top=self.top_n.value, min_len=self.min_len.value, pos=POS_CHOICES[self.pos.value],
            stopwords=self.stopwords.value, filler=self.filler.value,
        )

    def update(self) -> None:
        assert self.table is not None
        try:
            self.result = self.compute()
        except StudykitError:
            self.result = term_frequencies(self.table.iloc[0:0])
            self.table_view.value = ""
            self.chart.axes(view="empty").set_axis_off()
            self.chart.show()
            self._refresh_name()
            raise
        self.table_view.value = _table_html(self.result, self.document)
        self._refresh_name()
        if self.result.empty:
            self._say("没有符合条件的词 / no terms match: loosen the filters", kind="warn")
            self.chart.axes(view="empty").set_axis_off()
            self.chart.show()
            return
        title = f"高频词 · {_selection_name(self.document, self.sections.value)}"
        terms = [str(t) for t in self.result["term"]]
        if self.view.value == "cloud":
            cloud = self._cloud()
            ax = self.chart.axes(view="cloud", size=CLOUD_FIGURE)
            plot_wordcloud(cloud, ax=ax, title=title, font=self.font)
            self.chart.show(layout=("cloud",), regions=lambda: self._cloud_regions(ax, cloud))
            return
        self.cloud = None
        size = (WIDTH, bar_figure_height(len(terms)))
        keep = self.chart.view == "bar"
        ax = self.chart.axes(view="bar", size=size, keep=keep)
        plot_top_terms(self.result, ax=ax, font=self.font, title=title)  # in place when it can
        longest = max(len(t) for t in terms)
        # The layout depends on the longest label, not on the number of bars: a new count only
        # resizes the figure, keeping the margins in inches.
        self.chart.show(layout=("bar", longest), regions=lambda: self.chart.bar_regions(ax, terms))

    def pick(self, term: str) -> None:
        """Open the contexts of a clicked bar or word, within the sections the chart counted."""
        self.open_contexts(term, sections=_selected(self.sections.value))

    def _cloud(self) -> Any:
        key = self._state()
        cloud = self.clouds.get(key)
        if cloud is None:
            cloud = make_wordcloud(self.result, font=self.font, width=CLOUD_SIZE[0], height=CLOUD_SIZE[1])
            self.clouds[key] = cloud
            while len(self.clouds) > 16:
                self.clouds.popitem(last=False)
        else:
            self.clouds.move_to_end(key)
        self.cloud = cloud
        return cloud

    def _cloud_regions(self, ax: Axes, cloud: Any) -> list[Region]:
        """One box per word of the cloud, where the word is drawn on the chart."""
        scale = float(cloud.scale)
        out: list[Region] = []
        for (word, _weight), size, (row, col), orientation, _color in cloud.layout_:
            font = self.font.pil_font(int(size * scale))
            left, top, right, bottom = font.getbbox(word)
            if orientation is not None:  # rotated 90°: the box turns with the word
                left, top, right, bottom = top, left, bottom, right
            x0, y0 = col * scale + left - 0.5, row * scale + top - 0.5
            x1, y1 = col * scale + right - 0.5, row * scale + bottom - 0.5
            (ax0, ay0), (ax1, ay1) = ax.transData.transform([(x0, y0), (x1, y1)])
            box = Bbox.from_extents(min(ax0, ax1), min(ay0, ay1), max(ax0, ax1), max(ay0, ay1))
            out.append((*self.chart.fraction(box), str(word), f"{word} · 点击看上下文"))
        return out

    def _name_parts(self) -> list[str]:
        parts = [self.name, _selection_name(self.document, self.sections.value), f"前{self.top_n.value}"]
        return [*parts, "词云"] if self.view.value == "cloud" else parts

    def _export_meta(self) -> dict[str, Any]:
        return {**super()._export_meta(), "sections": list(self.sections.value), "top_n": self.top_n.value,
                "min_len": self.min_len.value, "pos": self.pos.value, "stopwords_removed": self.stopwords.value,
                "filler_removed": self.filler.value, "headings_counted": self.headings.value, "view": self.view.value}
