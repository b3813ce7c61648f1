"""The formulation explorer: numbered formulations, quoted labels and parallel constructions."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as widgets
import numpy as np
import pandas as pd

from studykit.analysis.patterns import formulations
from studykit.document.model import Document
from studykit.draw.charts import KIND_COLORS, KIND_NAMES, plot_formulations
from studykit.draw.fonts import FontChoice

from .base import (
    ALL,
    PickHandler,
    _Chart,
    _Explorer,
    capped_note,
    path_label,
    readable_table,
    slider,
)
from .clickable import ClickHTML

FORMULATION_SECTIONS = 30
"""At most this many section slots in the chart (the sections that hold formulations first)."""
_OPEN_QUOTES = "“\"「『‘'"
_CLOSE_QUOTES = "”\"」』’'"
_LIST_CSS = """<style>
.sk-formulation-list .sk-item { padding: 3px 6px; border-bottom: 1px solid #eee; white-space: normal;
  overflow-wrap: anywhere; line-height: 1.6; }
.sk-formulation-list .sk-kind { display: inline-block; color: #fff; border-radius: 3px; padding: 0 5px;
  margin-right: 6px; font-size: 12px; }
.sk-formulation-list .sk-count { color: #666; margin-left: 6px; white-space: nowrap; }
</style>"""


def kwic_query(kind: str, text: str) -> tuple[str, bool]:
    """The KWIC query that finds a formulation's occurrences: its text as written, and for a
    quoted phrase the text inside quotation marks (a regular expression), so that 「专」 does not
    match every 专 of the document. Returns ``(query, regex)``."""
    if kind == "quote":
        opening, closing = re.escape(_OPEN_QUOTES), re.escape(_CLOSE_QUOTES)
        return f"[{opening}]{re.escape(text)}[{closing}]", True
    return text, False


class FormulationExplorer(_Explorer):
    """Numbered formulations, quoted phrases and parallel constructions, listed in full; click
    one to read all its contexts (inline, or in the dashboard's KWIC tab)."""

    css = "sk-formulation-explorer"
    name = "提法"
    KINDS: ClassVar[list[tuple[str, str]]] = [("全部", ALL), *((KIND_NAMES[k], k) for k in (
        "numbered", "quote", "parallel", "four_char_list"))]

    def __init__(
        self,
        document: Document,
        *,
        table: pd.DataFrame | None = None,
        folder: str | Path = "exports",
        font: FontChoice | None = None,
        on_pick: PickHandler | None = None,
    ) -> None:
        super().__init__(document, folder=folder, font=font, on_pick=on_pick)
        self.table = table
        self.found = formulations(document)
        self.items = self.found.to_frame()
        self.locations = self.found.locations_frame()
        self.kind = widgets.ToggleButtons(options=self.KINDS, value=ALL, description="类型")
        self.min_count = slider(1, 1, 5, "最少次数")
        self.min_count.layout = widgets.Layout(width="32em")
        self.picker = ClickHTML()
        """The formulations, each in full (long 排比 wrap); a click opens its contexts."""
        self.picker.add_class("sk-formulation-list")
        self.picker.on_pick(self._pick_guarded(self.pick))
        self.chart = _Chart(7, 3.4)
        self._observe([self.kind, self.min_count], self.update)
        self._finish([
            widgets.HTML("<b>提法与排比</b> · 数字提法（四个意识…）、引号短语、排比句、四字短语；点击一条看上下文"),
            widgets.HBox([self.kind]),
            self.min_count,
            widgets.HBox([
                widgets.Box([self.picker], layout=widgets.Layout(width="40%", max_height="30em", overflow="auto")),
                widgets.VBox([self.chart.box], layout=widgets.Layout(width="60%")),
            ]),
            self._export_controls(["csv", "xlsx", "png", "svg", "pdf"], ["csv"]),
            self.contexts,
        ])
        self._call(self.update)

    def update(self) -> None:
        frame = self.items
        if self.kind.value != ALL:
            frame = frame[frame["kind"] == self.kind.value]
        frame = frame[frame["count"] >= self.min_count.value]
        self.result = frame.reset_index(drop=True)
        self.picker.value = self._list_html()
        self._refresh_name()
        if self.result.empty:
            self._say("没有符合条件的提法 / nothing matches: choose another type or a lower count", kind="warn")
        # The chart follows the filters: the chosen kind (or numbered + parallel) and only the
        # formulations that pass the minimum count.
        shown = set(zip(self.result["kind"], self.result["text"], strict=True))
        # A boolean array, never a list: an empty list would select zero *columns*.
        keep = np.fromiter(((k, t) in shown for k, t in zip(self.locations["kind"], self.locations["text"],
                                                             strict=True)), dtype=bool, count=len(self.locations))
        kinds = ("numbered", "parallel") if self.kind.value == ALL else (self.kind.value,)
        title = "各章节的" + "与".join(KIND_NAMES[k] for k in kinds)
        sections = [s.path for s in self.document.sections]
        total = len(sections)
        if total > FORMULATION_SECTIONS:  # the sections that hold some of them first, at most 30 slots
            holding = set(self.locations.loc[keep, "section"].astype(str).str.split("/").str[0])
            with_some = [s for s in sections if s in holding]
            if with_some:
                sections = with_some[:FORMULATION_SECTIONS]
                title += f"（有提法的 {len(sections)} 部分，共 {total} 部分）"
            else:
                sections = sections[:FORMULATION_SECTIONS]
                title += capped_note(len(sections), total)
        plot_formulations(self.locations.loc[keep], ax=self.chart.axes(fresh=True), font=self.font, kinds=kinds,
                          sections=sections, title=title)
        self.chart.show()

    def _list_html(self) -> str:
        items = []
        rows = zip(self.result["kind"], self.result["text"], self.result["count"], self.result["sections"],
                   strict=True)
        for i, (kind_, text, count, sections) in enumerate(rows):
            kind = str(kind_)
            color = KIND_COLORS.get(kind, "#555")
            where = "、".join(path_label(self.document, s.strip()) for s in str(sections).split() if s.strip())
            items.append(
                f"<div class='sk-item' data-pick='{i}'>"
                f"<span class='sk-kind' style='background:{color}'>{html.escape(KIND_NAMES.get(kind, kind))}</span>"
                f"{html.escape(str(text))}<span class='sk-count'>×{int(count)} · {html.escape(where)}</span></div>"
            )
        return _LIST_CSS + "".join(items)

    def pick(self, key: str) -> None:
        """Open the contexts of the formulation in row ``key`` of ``result``."""
        i = int(key)
        if not 0 <= i < len(self.result):
            return
        row = self.result.iloc[i]
        query, regex = kwic_query(str(row["kind"]), str(row["text"]))
        self.open_contexts(query, regex=regex)

    def _name_parts(self) -> list[str]:
        kind = dict((v, k) for k, v in self.KINDS)[self.kind.value]
        return [self.name, kind, *([f"至少{self.min_count.value}次"] if self.min_count.value > 1 else [])]

    def _export_table(self) -> pd.DataFrame:
        table = self.result.assign(kind=[KIND_NAMES.get(str(k), str(k)) for k in self.result["kind"]])
        return readable_table(table, self.document)

    def _export_meta(self) -> dict[str, Any]:
        return {**super()._export_meta(), "kind": self.kind.value, "min_count": self.min_count.value}
