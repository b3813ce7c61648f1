"""The structure explorer: the section tree, section lengths and section text."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from studykit.document.model import Document, Section
from studykit.draw.charts import plot_section_lengths
from studykit.draw.fonts import FontChoice
from studykit.errors import StudykitError
from studykit.text.tokens import section_lengths

from .base import (
    _Chart,
    _Explorer,
    _short,
)


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


