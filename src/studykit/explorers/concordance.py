"""The KWIC explorer: every context of a word, phrase or pattern."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from studykit.analysis.concordance import dispersion_sections, kwic
from studykit.analysis.concordance import to_frame as kwic_frame
from studykit.document.model import Document
from studykit.draw.charts import plot_dispersion
from studykit.draw.fonts import FontChoice
from studykit.errors import StudykitError
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import tokenize

from .base import (
    ALL,
    NOTHING_SELECTED,
    _Chart,
    _Explorer,
    _section_options,
    _selected,
)


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
        self.count.value = f"共 <b>{len(self.result)}</b> 处 / {len(self.result)} hits" + _why(
            q, len(self.result), self.table, self.regex.value)
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


def _why(query: str, hits: int, table: pd.DataFrame, regex: bool) -> str:
    """One line on why the character hits differ from the token count of the same word."""
    if regex or not len(table):
        return ""
    words = table["token"].astype(str)
    tokens = int((words == query).sum())
    if tokens == hits:
        return ""
    longer = words[words.str.contains(query, regex=False) & (words != query)]
    reason = (
        f"也出现在「{longer.value_counts().index[0]}」这样更长的词里" if len(longer)
        else "在分词时被切开了"
    )
    return (
        f"<br><span style='color:#666'>按字检索共 {hits} 处，分词后单独成词的「{query}」有 {tokens} 个："
        f"「{query}」{reason} / character search finds {hits}, the token table counts {tokens} "
        f"tokens {query}</span>"
    )
