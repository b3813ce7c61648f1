"""The structure explorer: the section tree, section lengths and the text of a section."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from studykit.document.model import Document, Section
from studykit.draw.charts import bar_figure_height, plot_section_lengths
from studykit.draw.export import FIGURE_FORMATS, format_list, safe_stem
from studykit.draw.fonts import FontChoice
from studykit.errors import StudykitError
from studykit.text.tokens import section_lengths

from .base import (
    MAX_CHART_SECTIONS,
    WIDE,
    _Chart,
    _Explorer,
    _short,
    capped_note,
    path_label,
)

CHART_NAME = "各部分篇幅"
LENGTH_NOTE = "字数含小标题，不计空白 / characters of headings and paragraphs, whitespace left out"


def section_chars(sec: Section) -> int:
    """Characters of a section with its subsections: its headings and paragraphs, whitespace
    left out. The same count as ``section_lengths``' ``chars``, so list, tree and chart agree."""
    total = 0
    for s in sec.walk():
        if s.heading is not None:
            total += _visible(s.heading.text)
        total += sum(_visible(p.text) for p in s.paragraphs)
    return total


def _visible(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


class StructureExplorer(_Explorer):
    """The outline as a list and a tree with section lengths; pick a section (in the list or by
    clicking its bar) to read it on the right, with a search term highlighted."""

    css = "sk-structure-explorer"
    name = "结构"

    def __init__(self, document: Document, *, folder: str | Path = "exports", font: FontChoice | None = None) -> None:
        super().__init__(document, folder=folder, font=font)
        self.sizes = {s.path: section_chars(s) for s in document.walk()}
        """Characters per section path (headings included, whitespace not), as shown everywhere."""
        options = [("　" * max(s.level - 1, 0) + f"{_short(s, 18)} · {self.sizes[s.path]} 字", s.path)
                   for s in document.walk()]
        self.picker = widgets.Select(options=options, value=options[0][1] if options else None, description="章节",
                                     rows=min(max(len(options), 3), 14), layout=WIDE)
        self.picker.add_class("sk-picker")
        self.highlight = widgets.Text(description="高亮", placeholder="输入词语，在正文中标出（回车）",
                                      continuous_update=False, layout=WIDE)
        self.highlight.add_class("sk-highlight")
        self.tree = widgets.HTML(_tree_html(document, self.sizes))
        self.text = widgets.HTML()
        self.text.add_class("sk-section-text")
        self.lengths = section_lengths(document)
        self.chart = _Chart(7, bar_figure_height(min(len(self.lengths), MAX_CHART_SECTIONS), minimum=3.2))
        self.chart.image.on_pick(self._pick_guarded(self._pick_bar))
        self._observe([self.picker, self.highlight], self.update)
        self._finish([
            widgets.HTML(f"<b>{html.escape(document.title or '（无标题）')}</b> · 文档结构："
                         "左边选章节，右边读全文"),
            widgets.HBox([
                widgets.VBox([self.picker, self.highlight,
                              widgets.Accordion([self.tree], titles=("章节树",), selected_index=None)],
                             layout=widgets.Layout(width="40%")),
                widgets.Box([self.text], layout=widgets.Layout(width="60%", max_height="32em", overflow="auto",
                                                               padding="0 .8em", border="1px solid #e3e3e3")),
            ]),
            widgets.HTML(f"<small>{LENGTH_NOTE}；点击条形打开那一部分</small>"),
            self.chart.box,
            self._export_controls(["png", "svg", "pdf", "csv", "xlsx"], ["png"]),
        ])
        self._draw_lengths()
        self._call(self.update)

    def _draw_lengths(self) -> None:
        ax = self.chart.axes()
        if self.lengths.empty:
            ax.set_axis_off()
            self.chart.show()
            return
        shown = self.lengths.head(MAX_CHART_SECTIONS)  # thousands of bars would not fit in memory
        plot_section_lengths(shown, ax=ax, font=self.font,
                             title="各部分篇幅（字，含小标题）" + capped_note(len(shown), len(self.lengths)))
        keys = [str(p) for p in shown["section"]]
        self.chart.show(regions=lambda: self.chart.bar_regions(ax, keys, what="打开这一部分"))

    def _pick_bar(self, path: str) -> None:
        self.picker.value = path

    def update(self) -> None:
        if self.picker.value is None:
            raise StudykitError("文档没有可显示的章节 / the document has no sections to show")
        sec = self.document.section(self.picker.value)
        paragraphs = list(sec.all_paragraphs())
        self.result = pd.DataFrame({
            "paragraph": range(1, len(paragraphs) + 1),
            "lead": [p.lead or "" for p in paragraphs],
            "chars": [_visible(p.text) for p in paragraphs],
            "text": [p.text for p in paragraphs],
        })
        term = self.highlight.value.strip()
        body, found = _section_html(sec, term)
        note = ""
        if term:
            note = (f"<div class='sk-found'>「{html.escape(term)}」在本部分出现 <b>{found}</b> 次</div>" if found
                    else f"<div class='sk-found' style='color:#a35a00'>本部分没有「{html.escape(term)}」 / "
                         f"{html.escape(term)} does not occur here</div>")
        self.text.value = note + body
        self._refresh_name()

    def _export_files(self, formats: Sequence[str] | str, name: str | None) -> list[Path]:
        """The chart shows every section, the table one section: unless a name was typed, the
        chart is written under its own stem (``…-结构-各部分篇幅``), the table under the section's."""
        wanted = format_list(formats)
        figures = [f for f in wanted if f in FIGURE_FORMATS]
        typed = name if name is not None else (
            self.export_name.value.strip() if self.export_name.value.strip() not in ("", self._auto_name) else None)
        if not figures or typed:
            return super()._export_files(wanted, typed)
        chart_stem = safe_stem("-".join([self._document_name(), self.name, CHART_NAME]))
        written = super()._export_files(figures, chart_stem)
        tables = [f for f in wanted if f not in figures]
        if tables:
            written = [*written, *super()._export_files(tables, None)]
            self.last_export = written
            self._show_written(written)
        return written

    def _name_parts(self) -> list[str]:
        path = self.picker.value
        return [self.name, path_label(self.document, path) if path is not None else "全文"]

    def _export_meta(self) -> dict[str, Any]:
        return {**super()._export_meta(), "section": self.picker.value, "highlight": self.highlight.value}


def _tree_html(document: Document, sizes: dict[str, int]) -> str:
    def node(sec: Section) -> str:
        label = html.escape(sec.display if sec.level <= 1 else _short(sec, 40))
        # Paragraphs of the whole subtree, like the characters and the section's table.
        paragraphs = sum(1 for _ in sec.all_paragraphs())
        within = "（含子节）" if sec.children else ""
        info = f" <span style='color:#888'>{paragraphs} 段{within} · {sizes[sec.path]} 字</span>"
        leads = "".join(f"<li style='color:#555'>{html.escape(p.lead)}</li>" for p in sec.paragraphs if p.lead)
        kids = "".join(node(c) for c in sec.children)
        inner = f"<ul style='margin:0 0 0 1em;padding:0'>{leads}{kids}</ul>" if leads or kids else ""
        return f"<details open><summary>{label}{info}</summary>{inner}</details>"

    return "<div class='sk-tree'>" + "".join(node(s) for s in document.sections) + "</div>"


def _marked(text: str, pattern: re.Pattern[str] | None) -> tuple[str, int]:
    """``text`` escaped, with every match of ``pattern`` in ``<mark>``; and how many there were."""
    if pattern is None:
        return html.escape(text), 0
    out, pos, n = [], 0, 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append(f"<mark class='sk-hit'>{html.escape(m.group())}</mark>")
        pos, n = m.end(), n + 1
    out.append(html.escape(text[pos:]))
    return "".join(out), n


def _section_html(sec: Section, term: str = "") -> tuple[str, int]:
    """The section's text (headings, paragraphs, leads in bold) with ``term`` highlighted, and
    the number of times ``term`` occurs in it."""
    pattern = re.compile(re.escape(term)) if term else None
    found = 0
    title, n = _marked(sec.display, pattern)
    parts = [f"<h4 style='margin:.4em 0'>{title}</h4>"]
    for s in sec.walk():
        if s is not sec and s.heading is not None:
            heading, n = _marked(s.heading.text, pattern)
            found += n
            parts.append(f"<h5 style='margin:.4em 0'>{heading}</h5>")
        for p in s.paragraphs:
            if p.lead:
                lead, n1 = _marked(p.lead, pattern)
                rest, n2 = _marked(p.text[len(p.lead):], pattern)
                body, n = f"<b style='color:#7a3300'>{lead}</b>{rest}", n1 + n2
            else:
                body, n = _marked(p.text, pattern)
            found += n
            parts.append(f"<p style='text-indent:2em;line-height:1.7'>{body}</p>")
    if sec.heading is not None:  # the section's own heading counts too (its display is shown above)
        found += len(pattern.findall(sec.heading.text)) if pattern is not None else 0
    return "".join(parts), found
