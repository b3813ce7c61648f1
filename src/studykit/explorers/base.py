"""What every explorer shares: the chart holder, the explorer base class, labels and helpers.

Each explorer is a small class. Its controls are public attributes (``ex.sections``,
``ex.top_n``), it keeps ONE matplotlib figure and redraws it in place, shows it as a PNG in a
:class:`~studykit.explorers.clickable.ClickImage`, and exposes what it last computed as
``ex.result`` (a DataFrame) and ``ex.figure``. A test sets ``ex.top_n.value = 10`` and checks
``ex.result`` without a browser.

Views link: clicking a bar, a word of a cloud, a keyness bar or a formulation calls
``ex.open_contexts(query)``. Inside the dashboard that opens the KWIC tab on the query; an
explorer on its own shows a KWIC explorer inline, below its chart.

Errors inside callbacks are shown in the explorer (and logged to the ``studykit`` logger), never
swallowed; an empty selection shows a friendly message instead of a traceback. Labels are Chinese.
"""

from __future__ import annotations

import html
import io
import logging
import os
import threading
import traceback
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import ipywidgets as widgets
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from studykit.document.labels import PREAMBLE_NAME as PREAMBLE_NAME  # re-exported for the explorers
from studykit.document.labels import TITLE_NAME as TITLE_NAME
from studykit.document.labels import label_sections
from studykit.document.labels import path_label as path_label
from studykit.document.labels import section_marker as section_marker
from studykit.document.model import Document, Section
from studykit.draw.export import (
    FIGURE_FORMATS,
    TABLE_FORMATS,
    export,
    format_list,
    safe_stem,
    zh_headers,
)
from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.errors import StudykitError
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import tokenize

from .clickable import ClickHTML, ClickImage, Region

if TYPE_CHECKING:
    from .concordance import KwicExplorer

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
MEASURES_REV = [(v, k) for k, v in MEASURES]
MEASURE_SHORT = {"g2": "G2", "log_ratio": "对数比", "log_odds": "对数优势比"}

TEXT_NAME = "文本"
"""The document's name in file names when it has neither a title nor a file (pasted text)."""

WIDE = widgets.Layout(width="95%")
"""Sliders and pickers fill their column, so a value can be set with the mouse."""
SLIDER_STYLE = {"description_width": "5.5em"}

_PNG = {"compress_level": 1}

MAX_CHART_SECTIONS = 40
"""At most this many sections on an explorer's chart (bars, rows, columns): a document of
thousands of sections still draws in bounded memory and time; the chart says what it left out."""


def capped_note(shown: int, total: int) -> str:
    """The title suffix of a chart that shows only the first ``shown`` of ``total`` sections."""
    return f"（前 {shown} 部分，共 {total} 部分）" if shown < total else ""


def slider(value: int, lo: int, hi: int, description: str, **kwargs: Any) -> widgets.IntSlider:
    """An integer slider as wide as its column (several pixels per step, not one or two)."""
    return widgets.IntSlider(value=value, min=lo, max=hi, description=description, style=SLIDER_STYLE,
                             layout=widgets.Layout(width="95%", min_width="300px"), **kwargs)


def say(messages: widgets.HTML, text: str, *, kind: str = "info") -> None:
    """Show ``text`` in a message line (empty text clears it)."""
    color = {"info": "#555", "warn": "#a35a00", "error": "#b00020"}[kind]
    messages.value = f"<div style='color:{color}'>{html.escape(text)}</div>" if text else ""


def run_shown(messages: widgets.HTML, fn: Callable[[], None], *, clear: bool = True) -> None:
    """Run a widget callback: a studykit error becomes its one-line message, anything else is
    shown with its traceback under 详情 and logged. Nothing is swallowed. ``clear=False`` keeps
    what an earlier step of the same action said (its error or warning stays visible)."""
    try:
        if clear:
            say(messages, "")
        fn()
    except StudykitError as exc:
        say(messages, str(exc), kind="warn")
    except Exception as exc:  # shown and logged, never swallowed
        log.exception("studykit explorer callback failed")
        tb = html.escape("".join(traceback.format_exception(exc)))
        messages.value = (
            f"<div style='color:#b00020'>出错了 / something went wrong: {html.escape(repr(exc))}</div>"
            f"<details><summary>详情 / details</summary><pre>{tb}</pre></details>"
        )


# --- sections ----------------------------------------------------------------------------------
def _short(sec: Section, n: int = 14) -> str:
    if sec.level == 0:
        return PREAMBLE_NAME
    title = sec.title or ""
    title = title if len(title) <= n else title[:n] + "…"
    return f"{section_marker(sec)} {title}".strip()


def _section_options(document: Document, *, with_all: bool, depth: int = 2) -> list[tuple[str, str]]:
    """Sections and (down to ``depth``) their subsections, indented, each with its own marker."""
    opts = [("全部", ALL)] if with_all else []
    for sec in document.walk():
        if sec.level > depth:
            continue
        indent = "　" * max(sec.level - 1, 0)
        opts.append((indent + _short(sec, 14 if sec.level <= 1 else 12), sec.path))
    return opts


def _selected(values: Sequence[str]) -> list[str] | None:
    """``None`` means every section; an empty list means nothing chosen."""
    vals = list(values)
    return None if ALL in vals else vals


def _selection_name(document: Document, values: Sequence[str]) -> str:
    chosen = _selected(values)
    if chosen is None:
        return "全部章节"
    return "、".join(path_label(document, v) for v in chosen)


def readable_table(frame: pd.DataFrame, document: Document) -> pd.DataFrame:
    """A copy of any studykit table for people to read: section paths become 导语 (the preamble,
    path ``0``), 标题 (title rows, path ``""``) or the sections' own markers (``一（二）``), and the
    columns get Chinese headers (:func:`studykit.draw.export.zh_headers`: 词语, 次数, 每千词 …). The explorers show and
    export their tables this way; the analyses keep paths and English names for code.

    >>> sk.readable_table(sk.term_frequencies(table, by="section", top=3), doc)   # doctest: +SKIP
         章节    词语  次数  每千词  分布章节数
    0    标题    推动    1  125.0       2
    …
    """
    out = frame.copy()
    if "section_title" in out.columns and "section" in out.columns:  # a title line has no section title
        out["section_title"] = [TITLE_NAME if not str(p) else t for p, t in zip(out["section"], out["section_title"],
                                                                               strict=True)]
    return zh_headers(label_sections(out, document))


def significance_line(result: pd.DataFrame) -> str:
    """How many terms of a keyness table are significant after the correction (HTML), from
    the ``attrs["keyness"]`` that ``keyness`` and ``corpus_keyness`` keep: ``显著 1 / 82 个词``."""
    info = result.attrs.get("keyness", {})
    significant, tested = info.get("significant", 0), info.get("tested", len(result))
    return (
        f"显著 <b>{significant}</b> / {tested} 个词（Benjamini–Hochberg 校正，α = {info.get('alpha', 0.05)}；"
        f"浅色条为不显著） / {significant} of {tested} terms significant after FDR correction"
    )


def _table_html(frame: pd.DataFrame, document: Document, *, max_rows: int = 60, floats: int = 2) -> str:
    if frame.empty:
        return "<i>没有结果 / no results</i>"
    shown = readable_table(frame.head(max_rows), document)
    return str(shown.to_html(index=False, float_format=lambda x: f"{x:.{floats}f}", border=0,
                             classes="sk-table", escape=True))


# --- the chart -----------------------------------------------------------------------------------
class _Chart:
    """One figure for the explorer's whole life, shown as a PNG that changes on every redraw."""

    def __init__(self, width: float = 7.5, height: float = 4.5, *, dpi: int = 100) -> None:
        self.figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.image = ClickImage(layout=widgets.Layout(max_width="100%"))
        self.box = widgets.Box([self.image])
        self.box.add_class("sk-chart")
        self._layout: Hashable | None = None
        self.view: str | None = None
        """What the figure shows now (``bar``, ``cloud`` …); another view starts a fresh figure."""

    def axes(self, *, fresh: bool = False, keep: bool = False, view: str | None = None,
             size: tuple[float, float] | None = None) -> Axes:
        """The figure's single Axes, cleared.

        ``fresh`` rebuilds it (charts with colorbars); ``keep`` leaves its artists for a plot
        function that updates them in place. ``view`` names what is about to be drawn: a view
        other than the last one always gets a new Axes, so nothing one view set (a cloud's 1:1
        aspect, hidden axes, limits) leaks into the next. ``size`` (inches) resizes the figure,
        keeping the laid-out margins of the same view (see ``_resize``).
        """
        if view is not None and view != self.view:
            fresh, keep = True, False
            self.view = view
        if size is not None:
            w, h = (round(float(v), 2) for v in size)
            if (round(self.figure.get_figwidth(), 2), round(self.figure.get_figheight(), 2)) != (w, h):
                self._resize(w, h, keep_margins=not fresh)
        if fresh or not self.figure.axes:
            self.figure.clear()
            self._layout = None
            return self.figure.add_subplot()
        ax = self.figure.axes[0]
        for extra in self.figure.axes[1:]:
            extra.remove()
        if not keep:
            ax.clear()
        return ax

    def _resize(self, width: float, height: float, *, keep_margins: bool) -> None:
        """Resize the figure. With ``keep_margins``, the laid-out Axes keeps its margins in inches
        (room for labels, title and axis stay the same, only the plotting area grows or shrinks),
        so a chart that only changes its number of bars needs no new constrained layout."""
        old_w, old_h = self.figure.get_figwidth(), self.figure.get_figheight()
        ax = self.figure.axes[0] if keep_margins and len(self.figure.axes) == 1 and self._layout is not None else None
        self.figure.set_size_inches(width, height)
        if ax is None:
            self._layout = None
            return
        pos = ax.get_position()
        left, right = pos.x0 * old_w, (1 - pos.x1) * old_w
        bottom, top = pos.y0 * old_h, (1 - pos.y1) * old_h
        if left + right >= width or top + bottom >= height:
            self._layout = None
            return
        ax.set_position((left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height))

    def show(self, *, layout: Hashable | None = None,
             regions: Callable[[], Sequence[Region]] | None = None) -> None:
        """Render the figure into the image widget, with ``regions()`` (computed after drawing,
        when every artist has its place) as the clickable boxes.

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
        boxes = [list(r) for r in regions()] if regions is not None else []
        with self.image.hold_sync():
            self.image.value = buf.getvalue()
            self.image.regions = boxes

    def fraction(self, box: Bbox) -> tuple[float, float, float, float]:
        """A display-space box as fractions of the PNG (origin top left)."""
        width, height = float(self.figure.bbox.width), float(self.figure.bbox.height)
        return (round(max(float(box.x0) / width, 0.0), 5), round(max(1 - float(box.y1) / height, 0.0), 5),
                round(min(float(box.x1) / width, 1.0), 5), round(min(1 - float(box.y0) / height, 1.0), 5))

    def bar_regions(self, ax: Axes, keys: Sequence[str], *, what: str = "看上下文") -> list[Region]:
        """One box per horizontal bar: the bar with its tick label, keyed by ``keys`` (in bar
        order, top to bottom as drawn)."""
        if not ax.containers or not keys:
            return []
        renderer = self.figure.canvas.get_renderer()  # type: ignore[attr-defined]
        bars = list(ax.containers[0])
        labels = ax.get_yticklabels()
        out: list[Region] = []
        for key, rect, label in zip(keys, bars, labels, strict=False):
            box = Bbox.union([rect.get_window_extent(renderer), label.get_window_extent(renderer)])
            out.append((*self.fraction(box), str(key), f"{key} · 点击{what}"))
        return out


# --- explorers -----------------------------------------------------------------------------------
class PickHandler(Protocol):
    """Opens a query elsewhere (the dashboard's KWIC tab): ``handler("党建", regex=False)``;
    ``sections`` (paths) keeps the contexts within the sections the clicked view counted."""

    def __call__(self, query: str, *, regex: bool = False, sections: Sequence[str] | None = None) -> None: ...


class _Explorer:
    """Shared plumbing: messages, status line, export, linking to contexts, callback guard."""

    css = "sk-explorer"
    name = "studykit"
    table: pd.DataFrame | None = None

    def __init__(
        self,
        document: Document,
        *,
        folder: str | Path = "exports",
        font: FontChoice | None = None,
        on_pick: PickHandler | None = None,
    ) -> None:
        self.document = document
        self.folder = Path(folder)
        self.font = font or find_cjk_font()
        self.on_pick = on_pick
        self.result: pd.DataFrame = pd.DataFrame()
        self.last_export: list[Path] = []
        self.messages = widgets.HTML()
        self.messages.add_class("sk-messages")
        self.status = ClickHTML()
        self.status.add_class("sk-status")
        self.contexts = widgets.VBox()
        """Where an explorer on its own shows the contexts of what was clicked (a KWIC explorer)."""
        self.contexts.add_class("sk-contexts")
        self.kwic: KwicExplorer | None = None
        self.widget: widgets.Box = widgets.VBox()
        self._auto_name = ""
        self._lock = threading.RLock()
        """ipykernel 7 may run widget messages concurrently: one callback at a time per explorer,
        or an export's 200-dpi savefig and a redraw would share the figure mid-way."""

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
        say(self.messages, text, kind=kind)

    def _guard(self, fn: Callable[[], None]) -> Callable[..., None]:
        def run(*_args: Any) -> None:
            self._call(fn)

        return run

    def _call(self, fn: Callable[[], None], *, clear: bool = True) -> None:
        with self._lock:
            run_shown(self.messages, fn, clear=clear)

    def _observe(self, controls: Sequence[widgets.Widget], fn: Callable[[], None]) -> None:
        handler = self._guard(fn)
        for control in controls:
            control.observe(handler, names="value")

    # --- linking -------------------------------------------------------------------------------
    def open_contexts(self, query: str, *, regex: bool = False, sections: Sequence[str] | None = None) -> None:
        """Show every context of ``query``: in the dashboard's KWIC tab when this explorer is
        part of one (``on_pick``), otherwise in a KWIC explorer inline, below the chart.
        ``sections`` (paths; ``None`` for the whole document) keeps the contexts within the
        sections the clicked chart counted."""
        if not query:
            return
        if self.on_pick is not None:
            self.on_pick(query, regex=regex, sections=sections)
            return
        from .concordance import KwicExplorer

        if self.kwic is None:
            self.kwic = KwicExplorer(self.document, table=self.table, folder=self.folder, font=self.font)
            close = widgets.Button(description="收起上下文", icon="times", layout=widgets.Layout(width="auto"))
            close.on_click(lambda _b: self.close_contexts())
            title = widgets.HTML("<b>上下文</b> · 点击的词在文中的每一处")
            self._contexts_children = (widgets.HBox([title, close]), self.kwic.widget)
        self.contexts.children = self._contexts_children
        self.kwic.search(query, regex=regex, sections=sections)

    def close_contexts(self) -> None:
        """Hide the inline contexts (they come back on the next click)."""
        self.contexts.children = ()

    _contexts_children: tuple[widgets.Widget, ...] = ()

    def _pick_guarded(self, fn: Callable[[str], None]) -> Callable[[str], None]:
        def run(key: str) -> None:
            self._call(lambda: fn(key))

        return run

    # --- export --------------------------------------------------------------------------------
    def _export_controls(self, formats: Sequence[str], default: Sequence[str]) -> widgets.Box:
        self.export_name = widgets.Text(description="文件名", placeholder="导出文件名（不含扩展名）",
                                        style={"description_width": "3.5em"},
                                        layout=widgets.Layout(flex="1 1 22em", min_width="16em"))
        self.export_name.add_class("sk-export-name")
        self.export_formats = {
            fmt: widgets.Checkbox(value=fmt in default, description=fmt.upper(), indent=False,
                                  layout=widgets.Layout(width="auto", margin="0 .6em 0 0"))
            for fmt in formats
        }
        for fmt, box in self.export_formats.items():
            box.add_class(f"sk-format-{fmt}")
        self.export_button = widgets.Button(description="导出", icon="download", button_style="primary",
                                            tooltip="把勾选的格式保存到 exports 文件夹（同一个文件名）")
        self.export_button.on_click(self._guard(self._export))
        row = widgets.HBox([self.export_name, *self.export_formats.values(), self.export_button],
                           layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        box = widgets.VBox([row, self.status])
        box.add_class("sk-export")
        return box

    def _name_parts(self) -> list[str]:
        """What the export shows, for its file name: the view and the selection."""
        return [self.name]

    def _document_name(self) -> str:
        """The document in a file name: its title, else its file's stem, else 文本 (pasted text
        has the pseudo-name ``<text>``, which would become ``_text_``); at most 16 characters."""
        source = self.document.source.name
        doc = self.document.title or ("" if source.startswith("<") else Path(source).stem) or TEXT_NAME
        return doc if len(doc) <= 16 else doc[:16]

    def default_name(self) -> str:
        """The file stem the explorer suggests: document, view and selection."""
        return safe_stem("-".join([self._document_name(), *self._name_parts()]))

    def _refresh_name(self) -> None:
        """Follow the view and selection in the file name, unless the user typed their own."""
        if not hasattr(self, "export_name"):
            return
        new = self.default_name()
        if self.export_name.value in ("", self._auto_name):
            self.export_name.value = new
        self._auto_name = new

    def _export_object(self) -> Any:
        return self.chart.figure

    def _export_table(self) -> pd.DataFrame:
        return readable_table(self.result, self.document)

    def _export(self) -> None:
        chosen = [fmt for fmt, box in self.export_formats.items() if box.value]
        self.export(chosen)

    def export(self, formats: Sequence[str] | str, *, name: str | None = None) -> list[Path]:
        """Write the chart and/or the table in every format given, under one file stem.

        ``formats`` is a list (``["png", "csv"]``) or one string (``"png"``, ``"png,svg"``), as
        for ``sk.export``.

        ``name`` defaults to the file-name box (sanitised: a title with slashes, zero-width marks
        or a BOM still exports). The stem is numbered (``-2``) only when a file of that stem and
        one of these formats (or its sidecar) exists. Tables get Chinese headers and 导语 / 标题
        for the preamble and title rows. Returns the paths written (sidecar included).
        """
        with self._lock:
            return self._export_files(formats, name)

    def _export_files(self, formats: Sequence[str] | str, name: str | None) -> list[Path]:
        wanted = format_list(formats)
        if not wanted:
            raise StudykitError("没有选择格式 / no format chosen: tick PNG, SVG, PDF, CSV or XLSX")
        bad = [f for f in wanted if f not in (*FIGURE_FORMATS, *TABLE_FORMATS)]
        if bad:
            raise StudykitError(f"不支持的格式 {bad} / unknown format {bad}: choose from png svg pdf csv xlsx")
        figures = [f for f in wanted if f in FIGURE_FORMATS]
        tables = [f for f in wanted if f in TABLE_FORMATS]
        if tables and self.result.empty:
            raise StudykitError("没有可导出的结果 / nothing to export: change the filters first")
        raw = name if name is not None else getattr(self, "export_name", None) and self.export_name.value
        stem = str(raw or "").strip() or self.default_name()
        meta = self._export_meta()
        if figures and tables:  # one stem, one sidecar for the picture and its table
            obj: Any = (self._export_object(), self._export_table())
        else:
            obj = self._export_object() if figures else self._export_table()
        written = export(obj, stem, formats=wanted, folder=self.folder, meta=meta)
        self.last_export = written
        self._show_written(written)
        return written

    def _show_written(self, paths: Sequence[Path]) -> None:
        links = " · ".join(
            f"<a class='sk-file' data-lab-path='{html.escape(os.path.abspath(p), quote=True)}' "
            f"title='{html.escape(str(p), quote=True)}'>{html.escape(p.name)}</a>"
            for p in paths if p.suffix != ".json"
        )
        folder = html.escape(str(self.folder))
        self.status.value = f"已导出 / exported to <code>{folder}</code>: {links}"

    def _export_meta(self) -> dict[str, Any]:
        return {"document": self.document.title or self.document.source.name, "explorer": type(self).__name__}

    chart: _Chart


class _TableExplorer(_Explorer):
    """An explorer over a token table (made from the document when not given)."""

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
        super().__init__(document, folder=folder, font=font, on_pick=on_pick)
        self.table = table if table is not None else tokenize(document, segmenter)
