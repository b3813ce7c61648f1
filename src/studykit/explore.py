"""Interactive explorers: ipywidgets controls wired to the analyses and charts.

Each explorer is a small class. Its controls are public attributes (``ex.sections``,
``ex.top_n``), it keeps ONE matplotlib figure and redraws it in place, shows it as a PNG in an
``Image`` widget, and exposes what it last computed as ``ex.result`` (a DataFrame) and
``ex.figure``. A test sets ``ex.top_n.value = 10`` and checks ``ex.result`` without a browser.

Errors inside callbacks are shown in the explorer (and logged to the ``studykit`` logger), never
swallowed; an empty selection shows a friendly message instead of a traceback. Labels are Chinese.
"""

from __future__ import annotations

import html
import io
import logging
import re
import traceback
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as widgets
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .cloud import make_wordcloud, plot_wordcloud
from .errors import StudykitError
from .export import export
from .fonts import FontChoice, find_cjk_font
from .formulations import formulations
from .kwic import dispersion_sections, kwic
from .kwic import to_frame as kwic_frame
from .model import PREAMBLE_KEY, Document, Section
from .plot import (
    plot_dispersion,
    plot_formulations,
    plot_keyness,
    plot_section_lengths,
    plot_similarity,
    plot_term_heatmap,
    plot_top_terms,
)
from .segment import JiebaSegmenter
from .stats import keyness, section_similarity, term_frequencies
from .tokens import section_lengths, select, tokenize

log = logging.getLogger("studykit")

ALL = "*"
NOTHING_SELECTED = "未选择任何章节 / nothing selected: choose at least one section"
POS_CHOICES: dict[str, list[str] | None] = {
    "all": None,
    "noun": ["n", "vn", "j"],
    "verb": ["v"],
    "noun+verb": ["n", "vn", "j", "v"],
}
MEASURES = [("对数似然 G²", "g2"), ("对数比 log ratio", "log_ratio"), ("对数优势比 log-odds", "log_odds")]


_PNG = {"compress_level": 1}


class _Chart:
    """One figure for the explorer's whole life, shown as a PNG that changes on every redraw."""

    def __init__(self, width: float = 7.5, height: float = 4.5, *, dpi: int = 100) -> None:
        self.figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.box = widgets.Box([self.image])
        self.box.add_class("sk-chart")
        self._layout: Hashable | None = None

    def axes(self, *, fresh: bool = False, keep: bool = False) -> Axes:
        """The figure's single Axes, cleared; ``fresh`` rebuilds it (charts with colorbars),
        ``keep`` leaves its artists for a plot function that updates them in place."""
        if fresh or not self.figure.axes:
            self.figure.clear()
            return self.figure.add_subplot()
        ax = self.figure.axes[0]
        for extra in self.figure.axes[1:]:
            extra.remove()
        if not keep:
            ax.clear()
        return ax

    def show(self, *, layout: Hashable | None = None) -> None:
        """Render the figure into the Image widget.

        Constrained layout costs about as much as the drawing itself, so it runs only when
        ``layout`` (a key for what shapes the chart: view, number of bars, longest label)
        differs from the last one; ``None`` always lays out. Between changes the positions stay.
        """
        relayout = layout is None or layout != self._layout
        if relayout:
            self.figure.set_layout_engine("constrained")
        buf = io.BytesIO()
        # Light compression: a tenth faster to encode, the PNG barely bigger (it is a preview;
        # exports go through sk.export at full quality).
        self.figure.canvas.print_png(buf, pil_kwargs=_PNG)  # type: ignore[attr-defined]
        if relayout:
            self.figure.set_layout_engine("none")
            self._layout = layout
        self.image.value = buf.getvalue()


class _Explorer:
    """Shared plumbing: messages, status line, export, callback guard, notebook display."""

    css = "sk-explorer"
    name = "studykit"

    def __init__(self, document: Document, *, folder: str | Path = "exports", font: FontChoice | None = None) -> None:
        self.document = document
        self.folder = Path(folder)
        self.font = font or find_cjk_font()
        self.result: pd.DataFrame = pd.DataFrame()
        self.last_export: list[Path] = []
        self.messages = widgets.HTML()
        self.messages.add_class("sk-messages")
        self.status = widgets.HTML()
        self.status.add_class("sk-status")
        self.widget: widgets.Box = widgets.VBox()

    @property
    def figure(self) -> Figure:
        """The explorer's one matplotlib figure, redrawn in place."""
        return self.chart.figure

    # --- display -------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _finish(self, children: Sequence[widgets.Widget]) -> None:
        self.widget = widgets.VBox([*children, self.messages])
        self.widget.add_class("sk-explorer")
        self.widget.add_class(self.css)

    # --- messages ------------------------------------------------------------------------------
    def _say(self, text: str, *, kind: str = "info") -> None:
        color = {"info": "#555", "warn": "#a35a00", "error": "#b00020"}[kind]
        self.messages.value = f"<div style='color:{color}'>{html.escape(text)}</div>" if text else ""

    def _guard(self, fn: Callable[[], None]) -> Callable[..., None]:
        def run(*_args: Any) -> None:
            self._call(fn)

        return run

    def _call(self, fn: Callable[[], None]) -> None:
        try:
            self._say("")
            fn()
        except StudykitError as exc:
            self._say(str(exc), kind="warn")
        except Exception as exc:  # shown and logged, never swallowed
            log.exception("studykit explorer callback failed")
            tb = html.escape("".join(traceback.format_exception(exc)))
            self.messages.value = (
                f"<div style='color:#b00020'>出错了 / something went wrong: {html.escape(repr(exc))}</div>"
                f"<details><summary>详情 / details</summary><pre>{tb}</pre></details>"
            )

    def _observe(self, controls: Sequence[widgets.Widget], fn: Callable[[], None]) -> None:
        handler = self._guard(fn)
        for control in controls:
            control.observe(handler, names="value")

    # --- export --------------------------------------------------------------------------------
    def _export_controls(self, formats: Sequence[str], default: str) -> widgets.HBox:
        self.export_format = widgets.Dropdown(options=list(formats), value=default, description="格式",
                                              layout=widgets.Layout(width="160px"))
        self.export_button = widgets.Button(description="导出", icon="download", tooltip="保存到 exports 文件夹")
        self.export_button.on_click(self._guard(self._export))
        box = widgets.HBox([self.export_format, self.export_button, self.status])
        box.add_class("sk-export")
        return box

    def _export_object(self, fmt: str) -> Any:
        return self.result if fmt in ("csv", "xlsx") else self.chart.figure

    def _export(self) -> None:
        fmt = self.export_format.value
        obj = self._export_object(fmt)
        if isinstance(obj, pd.DataFrame) and obj.empty:
            raise StudykitError("没有可导出的结果 / nothing to export: change the filters first")
        base = (self.document.title or self.document.source.name).strip("<>")[:20]
        name = re.sub(r'[/\\<>:"|?*\s]+', "_", f"{base}-{self.name}").strip("._") or self.name
        self.last_export = export(obj, name, formats=(fmt,), folder=self.folder, meta=self._export_meta())
        shown = ", ".join(str(p) for p in self.last_export if p.suffix != ".json")
        self.status.value = f"已导出 / exported: <code>{html.escape(shown)}</code>"

    def _export_meta(self) -> dict[str, Any]:
        return {"document": self.document.title or self.document.source.name, "explorer": type(self).__name__}

    chart: _Chart


def _section_options(document: Document, *, with_all: bool) -> list[tuple[str, str]]:
    opts = [("全部", ALL)] if with_all else []
    for sec in document.sections:
        opts.append((_short(sec), sec.path))
    return opts


def _short(sec: Section, n: int = 14) -> str:
    if sec.level == 0:
        return "导语"
    title = sec.title or ""
    title = title if len(title) <= n else title[:n] + "…"
    return f"{sec.label} {title}".strip()


def _selected(values: Sequence[str]) -> list[str] | None:
    """``None`` means every section; an empty list means nothing chosen."""
    vals = list(values)
    return None if ALL in vals else vals


def _table_html(frame: pd.DataFrame, *, max_rows: int = 60, floats: int = 2) -> str:
    if frame.empty:
        return "<i>没有结果 / no results</i>"
    return str(
        frame.head(max_rows).to_html(index=False, float_format=lambda x: f"{x:.{floats}f}", border=0,
                                     classes="sk-table", escape=True)
    )


# --- terms -----------------------------------------------------------------------------------
class _PickingExplorer(_Explorer):
    """An explorer over a token table whose term picker can open a term elsewhere (the KWIC tab)."""

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
        super().__init__(document, folder=folder, font=font)
        self.table = table if table is not None else tokenize(document, segmenter)
        self.on_pick = on_pick
        self.picker = widgets.Dropdown(options=[("（选一个词看上下文）", "")], value="", description="上下文")
        self.picker.observe(self._guard(self._pick), names="value")

    def _pick(self) -> None:
        term = self.picker.value
        if term and self.on_pick is not None:
            self.on_pick(term)


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
            widgets.HBox([controls, widgets.VBox([self.chart.box], layout=widgets.Layout(width="66%"))]),
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


MEASURES_REV = [(v, k) for k, v in MEASURES]


# --- KWIC ------------------------------------------------------------------------------------
class KwicExplorer(_Explorer):
    """Every context of a word, phrase or pattern, and where in the document it falls."""

    css = "sk-kwic-explorer"
    name = "上下文"

    def __init__(
        self,
        document: Document,
        query: str = "",
        *,
        table: pd.DataFrame | None = None,
        segmenter: JiebaSegmenter | None = None,
        folder: str | Path = "exports",
        font: FontChoice | None = None,
    ) -> None:
        super().__init__(document, folder=folder, font=font)
        self.table = table if table is not None else tokenize(document, segmenter)
        self.query = widgets.Text(value=query, description="检索", placeholder="词、短语或正则表达式，回车检索",
                                  continuous_update=False)
        self.query.add_class("sk-query")
        self.regex = widgets.Checkbox(value=False, description="正则表达式", indent=False)
        self.window = widgets.IntSlider(value=20, min=5, max=80, description="上下文字数")
        opts = _section_options(document, with_all=True)
        self.sections = widgets.SelectMultiple(options=opts, value=(ALL,), description="章节", rows=min(len(opts), 6))
        self.sections.add_class("sk-sections")
        self.count = widgets.HTML()
        self.results = widgets.HTML()
        self.results.add_class("sk-kwic-results")
        self.chart = _Chart(8, 2.6)
        self.hits: pd.DataFrame = pd.DataFrame()
        self._observe([self.query, self.regex, self.window, self.sections], self.update)
        self._finish([
            widgets.HTML("<b>关键词上下文（KWIC）</b> · 输入词语后回车；可用正则表达式"),
            widgets.HBox([self.query, self.regex, self.window]),
            self.sections,
            self.count,
            self.chart.box,
            self._export_controls(["csv", "xlsx", "png", "svg", "pdf"], "csv"),
            self.results,
        ])
        self._call(self.update)

    def update(self) -> None:
        q = self.query.value.strip()
        chosen = _selected(self.sections.value)
        # fresh: plot_dispersion's tick_params on a cleared, reused Axes drops the CJK tick font.
        ax = self.chart.axes(fresh=True)
        hits = None
        try:
            if q and chosen == []:
                raise StudykitError(NOTHING_SELECTED)
            if q:
                hits = kwic(self.document, q, window=self.window.value, sections=chosen, regex=self.regex.value)
        finally:
            if hits is None:  # no query, nothing selected or an invalid query: empty result, blank chart
                self.result = kwic_frame(())
                self.hits = self._positions(q)
                self.results.value = "" if q else "<i>请输入要检索的词 / type a word and press Enter</i>"
                self.count.value = ""
                ax.set_axis_off()
                self.chart.show()
        if hits is None:
            return
        self.result = hits.to_frame()
        self.results.value = hits._repr_html_()
        self.count.value = f"共 <b>{len(self.result)}</b> 处 / {len(self.result)} hits"
        self.hits = self._positions(q)
        plot_dispersion(self.hits, dispersion_sections(self.table), ax=ax, font=self.font, terms=[q],
                        title=f"「{q}」在全文中的分布")
        self.chart.show()
        if self.result.empty:
            self._say(f"没有找到「{q}」 / {q} not found: check the spelling or choose more sections", kind="warn")

    def _positions(self, q: str) -> pd.DataFrame:
        """Dispersion rows for the KWIC hits: each hit mapped to the token it starts in."""
        starts = self.table["start"].to_numpy()
        offsets = self.result["start"].to_numpy() if not self.result.empty else starts[:0]
        idx = starts.searchsorted(offsets, side="right") - 1
        idx = idx.clip(0, max(len(starts) - 1, 0))
        rows = self.table.iloc[idx] if len(idx) else self.table.iloc[0:0]
        return pd.DataFrame({
            "term": [q] * len(idx), "token_index": rows.index.to_numpy(), "offset": offsets,
            "end": self.result["end"].to_numpy() if not self.result.empty else offsets,
            "section": rows["section"].to_numpy(), "top": rows["top"].to_numpy(),
        })

    def _export_meta(self) -> dict[str, Any]:
        return {**super()._export_meta(), "query": self.query.value, "regex": self.regex.value,
                "window": self.window.value, "sections": list(self.sections.value)}


# --- structure -------------------------------------------------------------------------------
class StructureExplorer(_Explorer):
    """The outline as a collapsible tree with section lengths; pick a section to read it."""

    css = "sk-structure-explorer"
    name = "结构"

    def __init__(self, document: Document, *, folder: str | Path = "exports", font: FontChoice | None = None) -> None:
        super().__init__(document, folder=folder, font=font)
        sizes = {s.path: sum(len(p.text) for p in s.all_paragraphs()) for s in document.walk()}
        options = [("　" * max(s.level - 1, 0) + f"{_short(s, 18)} · {sizes[s.path]} 字", s.path) for s in document.walk()]
        self.picker = widgets.Select(options=options, value=options[0][1] if options else None, description="章节",
                                     rows=min(max(len(options), 3), 14), layout=widgets.Layout(width="95%"))
        self.picker.add_class("sk-picker")
        self.tree = widgets.HTML(_tree_html(document, sizes))
        self.text = widgets.HTML()
        self.text.add_class("sk-section-text")
        self.chart = _Chart(7, 3.2)
        self.lengths = section_lengths(document)
        self._observe([self.picker], self.update)
        self._finish([
            widgets.HTML(f"<b>{html.escape(document.title or '（无标题）')}</b> · 文档结构"),
            widgets.HBox([widgets.VBox([self.picker, self.tree], layout=widgets.Layout(width="40%")),
                          widgets.VBox([self.chart.box], layout=widgets.Layout(width="60%"))]),
            self._export_controls(["png", "svg", "pdf", "csv", "xlsx"], "png"),
            self.text,
        ])
        if not self.lengths.empty:
            plot_section_lengths(self.lengths, ax=self.chart.axes(), font=self.font, title="各章节篇幅（字）")
        self.chart.show()
        self._call(self.update)

    def update(self) -> None:
        if self.picker.value is None:
            raise StudykitError("文档没有可显示的章节 / the document has no sections to show")
        sec = self.document.section(self.picker.value)
        paragraphs = list(sec.all_paragraphs())
        self.result = pd.DataFrame({
            "paragraph": range(1, len(paragraphs) + 1),
            "lead": [p.lead or "" for p in paragraphs],
            "chars": [len(p.text) for p in paragraphs],
            "text": [p.text for p in paragraphs],
        })
        self.text.value = _section_html(sec)


def _tree_html(document: Document, sizes: dict[str, int]) -> str:
    def node(sec: Section) -> str:
        label = html.escape(sec.display)
        info = f" <span style='color:#888'>{len(sec.paragraphs)} 段 · {sizes[sec.path]} 字</span>"
        leads = "".join(f"<li style='color:#555'>{html.escape(p.lead)}</li>" for p in sec.paragraphs if p.lead)
        kids = "".join(node(c) for c in sec.children)
        inner = f"<ul style='margin:0 0 0 1em;padding:0'>{leads}{kids}</ul>" if leads or kids else ""
        return f"<details open><summary>{label}{info}</summary>{inner}</details>"

    return "<div class='sk-tree'>" + "".join(node(s) for s in document.sections) + "</div>"


def _section_html(sec: Section) -> str:
    parts = [f"<h4 style='margin:.4em 0'>{html.escape(sec.display)}</h4>"]
    for s in sec.walk():
        if s is not sec and s.heading is not None:
            parts.append(f"<h5 style='margin:.4em 0'>{html.escape(s.heading.text)}</h5>")
        for p in s.paragraphs:
            if p.lead:
                body = f"<mark><b>{html.escape(p.lead)}</b></mark>{html.escape(p.text[len(p.lead):])}"
            else:
                body = html.escape(p.text)
            parts.append(f"<p style='text-indent:2em;line-height:1.7'>{body}</p>")
    return "".join(parts)


# --- formulations ----------------------------------------------------------------------------
class FormulationExplorer(_Explorer):
    """Numbered formulations, quoted phrases and parallel constructions, with their contexts."""

    css = "sk-formulation-explorer"
    name = "提法"
    KINDS: ClassVar[list[tuple[str, str]]] = [("全部", ALL), ("数字提法", "numbered"), ("引号短语", "quote"), ("排比", "parallel"),
             ("四字短语", "four_char_list")]

    def __init__(self, document: Document, *, folder: str | Path = "exports", font: FontChoice | None = None) -> None:
        super().__init__(document, folder=folder, font=font)
        self.found = formulations(document)
        self.items = self.found.to_frame()
        self.locations = self.found.locations_frame()
        self.kind = widgets.ToggleButtons(options=self.KINDS, value=ALL, description="类型")
        self.min_count = widgets.IntSlider(value=1, min=1, max=5, description="最少次数")
        self.picker = widgets.Select(options=[], description="提法", rows=10, layout=widgets.Layout(width="95%"))
        self.picker.add_class("sk-picker")
        self.contexts = widgets.HTML()
        self.chart = _Chart(7, 3.2)
        self._observe([self.kind, self.min_count], self.update)
        self._observe([self.picker], self.show_contexts)
        self._finish([
            widgets.HTML("<b>提法与排比</b> · 数字提法（四个意识…）、引号短语、排比句、四字短语"),
            widgets.HBox([self.kind]),
            self.min_count,
            widgets.HBox([widgets.VBox([self.picker], layout=widgets.Layout(width="40%")),
                          widgets.VBox([self.chart.box], layout=widgets.Layout(width="60%"))]),
            self._export_controls(["csv", "xlsx", "png", "svg", "pdf"], "csv"),
            self.contexts,
        ])
        self._call(self.update)

    def update(self) -> None:
        frame = self.items
        if self.kind.value != ALL:
            frame = frame[frame["kind"] == self.kind.value]
        frame = frame[frame["count"] >= self.min_count.value]
        self.result = frame.reset_index(drop=True)
        labels = dict(self.KINDS[1:])
        names = {v: k for k, v in labels.items()}
        self.picker.options = [
            (f"{names.get(k, k)} · {t} ×{c}", i) for i, (k, t, c) in
            enumerate(zip(self.result["kind"], self.result["text"], self.result["count"], strict=True))
        ]
        if self.result.empty:
            self._say("没有符合条件的提法 / nothing matches: choose another type or a lower count", kind="warn")
        # The chart follows the filters: the chosen kind (or numbered + parallel) and only the
        # formulations that pass the minimum count.
        shown = set(zip(self.result["kind"], self.result["text"], strict=True))
        keep = [(k, t) in shown for k, t in zip(self.locations["kind"], self.locations["text"], strict=True)]
        kinds = ("numbered", "parallel") if self.kind.value == ALL else (self.kind.value,)
        names = dict((v, k) for k, v in self.KINDS)
        title = "各章节的" + "与".join(names[k] for k in kinds)
        sections = [s.path for s in self.document.sections]
        plot_formulations(self.locations[keep], ax=self.chart.axes(fresh=True), font=self.font, kinds=kinds,
                          sections=sections, title=title)
        self.chart.show()
        self.show_contexts()

    def show_contexts(self) -> None:
        i = self.picker.value
        if i is None or self.result.empty:
            self.contexts.value = ""
            return
        row = self.result.iloc[int(i)]
        locs = self.locations[(self.locations["kind"] == row["kind"]) & (self.locations["text"] == row["text"])]
        text = self.document.text
        out = [f"<h4>{html.escape(str(row['text']))} · {len(locs)} 处</h4><ul>"]
        for _, loc in locs.iterrows():
            a, b = int(loc["start"]), int(loc["end"])
            left = text[max(0, a - 30) : a].split("\n")[-1]
            right = text[b : b + 30].split("\n")[0]
            out.append(
                f"<li>[{html.escape(str(loc['section']))}] …{html.escape(left)}<mark>{html.escape(text[a:b])}</mark>"
                f"{html.escape(right)}…</li>"
            )
        self.contexts.value = "".join(out) + "</ul>"


# --- dashboard -------------------------------------------------------------------------------
class Dashboard:
    """All explorers in tabs. Picking a term in the term or keyness table opens it in the KWIC tab."""

    TABS = ("结构", "词频", "章节比较", "上下文", "提法")

    def __init__(self, document: Document, *, segmenter: JiebaSegmenter | None = None,
                 folder: str | Path = "exports", font: FontChoice | None = None) -> None:
        font = font or find_cjk_font()
        table = tokenize(document, segmenter)
        self.structure = StructureExplorer(document, folder=folder, font=font)
        self.terms = TermExplorer(document, table=table, folder=folder, font=font, on_pick=self.open_in_kwic)
        self.compare = CompareExplorer(document, table=table, folder=folder, font=font, on_pick=self.open_in_kwic)
        self.kwic = KwicExplorer(document, table=table, folder=folder, font=font)
        self.formulations = FormulationExplorer(document, folder=folder, font=font)
        explorers = [self.structure, self.terms, self.compare, self.kwic, self.formulations]
        self.tabs = widgets.Tab(children=[e.widget for e in explorers], titles=self.TABS)
        self.tabs.add_class("sk-dashboard")

    def open_in_kwic(self, term: str) -> None:
        self.kwic.regex.value = False
        self.kwic.query.value = term
        self.tabs.selected_index = self.TABS.index("上下文")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.tabs._repr_mimebundle_(**kwargs)


def explore(document: Document, **kwargs: Any) -> Dashboard:
    """One dashboard with a tab for each explorer: ``sk.explore(doc)``."""
    return Dashboard(document, **kwargs)


from ._callable import make_callable  # noqa: E402

make_callable(__name__)
