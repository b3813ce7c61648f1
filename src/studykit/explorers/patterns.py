"""The formulation explorer: numbered formulations, quoted labels and parallel constructions."""

from __future__ import annotations

import html
from pathlib import Path
from typing import ClassVar

import ipywidgets as widgets

from studykit.analysis.patterns import formulations
from studykit.document.model import Document
from studykit.draw.charts import plot_formulations
from studykit.draw.fonts import FontChoice

from .base import (
    ALL,
    _Chart,
    _Explorer,
)


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


