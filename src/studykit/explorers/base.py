"""What every explorer shares: the chart holder, the explorer base class, labels and helpers.

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
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from studykit.document.model import Document, Section
from studykit.draw.export import export
from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.errors import StudykitError
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import tokenize

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


