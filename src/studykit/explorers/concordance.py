"""The KWIC explorer: every context of a word, phrase or pattern, and a reader pane."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from studykit.analysis.concordance import dispersion_sections, kwic
from studykit.analysis.concordance import to_frame as kwic_frame
from studykit.document.model import PREAMBLE_KEY, Document
from studykit.draw.charts import plot_dispersion
from studykit.draw.fonts import FontChoice
from studykit.errors import StudykitError
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import select

from .base import (
    ALL,
    NOTHING_SELECTED,
    PREAMBLE_NAME,
    TITLE_NAME,
    WIDE,
    _Chart,
    _section_options,
    _selected,
    _selection_name,
    _TableExplorer,
    section_marker,
    slider,
)
from .clickable import ClickHTML

_MAX_ROWS = 500
_READER_HINT = "<div class='sk-reader-hint'>点击左边的一行，在这里读到它所在的整段 / click a line to read its paragraph</div>"
_CSS = """<style>
.sk-kwic-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.sk-kwic-table td { padding: 2px 6px; border-bottom: 1px solid #eee; }
.sk-kwic-table td.l { text-align: right; white-space: nowrap; }
.sk-kwic-table td.r { white-space: nowrap; }
.sk-kwic-table td.m { white-space: nowrap; text-align: center; }
.sk-kwic-table td.n, .sk-kwic-table td.s { color: #777; white-space: nowrap; }
.sk-kwic-table mark, .sk-reader mark { background: #ffd54f; padding: 0 1px; }
.sk-reader mark.sk-other { background: #fff0b3; }
.sk-reader .sk-path { color: #555; margin-bottom: .4em; }
.sk-reader p { line-height: 1.8; text-indent: 2em; margin: .2em 0; }
</style>"""


class KwicExplorer(_TableExplorer):
    """Every context of a word, phrase or pattern, where in the document it falls, and the
    whole paragraph of a hit you click (the reader pane)."""

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
        super().__init__(document, table=table, segmenter=segmenter, folder=folder, font=font)
        self.query = widgets.Text(value=query, description="检索", placeholder="词、短语或正则表达式，回车检索",
                                  continuous_update=False, layout=widgets.Layout(width="22em"))
        self.query.add_class("sk-query")
        self.regex = widgets.Checkbox(value=False, description="正则表达式", indent=False,
                                      layout=widgets.Layout(width="auto"))
        self.window = slider(20, 5, 80, "上下文字数")
        self.window.layout = widgets.Layout(width="36em")
        opts = _section_options(document, with_all=True)
        self.sections = widgets.SelectMultiple(options=opts, value=(ALL,), description="章节",
                                               rows=min(len(opts), 6), layout=WIDE)
        self.sections.add_class("sk-sections")
        self.count = widgets.HTML()
        self.results = ClickHTML()
        self.results.add_class("sk-kwic-results")
        self.results.on_pick(self._pick_guarded(self.read))
        self.reader = widgets.HTML(_READER_HINT)
        self.reader.add_class("sk-reader")
        self.chart = _Chart(8, 2.6)
        self.hits: pd.DataFrame = pd.DataFrame()
        self.reading: int | None = None
        """Row of ``result`` shown in the reader pane."""
        self._quiet = False
        self._observe([self.query, self.regex, self.window, self.sections], self._changed)
        lists = widgets.HBox([
            widgets.Box([self.results], layout=widgets.Layout(width="60%", max_height="28em", overflow="auto",
                                                              border="1px solid #e3e3e3")),
            widgets.Box([self.reader], layout=widgets.Layout(width="40%", max_height="28em", overflow="auto",
                                                             padding="0 0 0 1em")),
        ])
        self._finish([
            widgets.HTML("<b>关键词上下文（KWIC）</b> · 输入词语后回车；可用正则表达式；点击一行读整段"),
            widgets.HBox([self.query, self.regex, self.window], layout=widgets.Layout(flex_flow="row wrap")),
            self.sections,
            self.count,
            self.chart.box,
            self._export_controls(["csv", "xlsx", "png", "svg", "pdf"], ["csv"]),
            lists,
        ])
        self._call(self.update)

    def _changed(self) -> None:
        if not self._quiet:
            self.update()

    def search(self, query: str, *, regex: bool = False, sections: Sequence[str] | None = None) -> None:
        """Search ``query`` (what a click in another view does): one update, not one per control.

        ``sections`` (paths) narrows the search to the sections the clicked view counted;
        ``None`` searches the whole document. Paths the section picker does not offer are left
        out (all of them: the whole document)."""
        offered = {v for _, v in self.sections.options}
        wanted = tuple(s for s in dict.fromkeys(sections or ()) if s in offered)
        self._quiet = True
        try:
            self.regex.value = regex
            self.sections.value = wanted or (ALL,)
            self.query.value = query
        finally:
            self._quiet = False
        self._call(self.update)

    def update(self) -> None:
        q = self.query.value.strip()
        chosen = _selected(self.sections.value)
        # fresh: plot_dispersion's tick_params on a cleared, reused Axes drops the CJK tick font.
        ax = self.chart.axes(fresh=True)
        self.reading = None
        self.reader.value = _READER_HINT
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
                self._refresh_name()
        if hits is None:
            return
        self.result = hits.to_frame()
        self.results.value = self._rows_html()
        assert self.table is not None
        # The token count that _why compares with is taken over the same sections as the hits.
        counted = self.table if chosen is None else select(self.table, sections=chosen)
        why = _why(q, len(self.result), counted, self.regex.value)
        if chosen is None:
            self.count.value = f"共 <b>{len(self.result)}</b> 处 / {len(self.result)} hits · 点击一行读整段" + why
        else:
            everywhere = len(kwic(self.document, q, window=1, regex=self.regex.value))
            where = html.escape(_selection_name(self.document, chosen))
            self.count.value = (
                f"所选章节（{where}）中共 <b>{len(self.result)}</b> 处，全文 {everywhere} 处 / "
                f"{len(self.result)} hits within the chosen sections, {everywhere} in the whole document"
                " · 点击一行读整段" + why)
        self.hits = self._positions(q)
        plot_dispersion(self.hits, dispersion_sections(self.table), ax=ax, font=self.font, terms=[q],
                        title=f"「{q}」在全文中的分布" if chosen is None
                        else f"「{q}」在所选章节（{_selection_name(self.document, chosen)}）中的分布")
        self.chart.show()
        self._refresh_name()
        if self.result.empty:
            self._say(f"没有找到「{q}」 / {q} not found: check the spelling or choose more sections", kind="warn")

    def _rows_html(self) -> str:
        esc = html.escape
        rows = []
        for i, h in enumerate(self.result.head(_MAX_ROWS).itertuples(index=False)):
            rows.append(
                f"<tr data-pick='{i}'><td class='n'>{i + 1}</td>"
                f"<td class='l'>{esc(str(h.left))}</td><td class='m'><mark>{esc(str(h.match))}</mark></td>"
                f"<td class='r'>{esc(str(h.right))}</td><td class='s'>{esc(self._where(str(h.section)))}</td></tr>"
            )
        more = len(self.result) - _MAX_ROWS
        tail = f"<tr><td colspan='5'>… 还有 {more} 处 / {more} more</td></tr>" if more > 0 else ""
        return f"{_CSS}<table class='sk-kwic-table'><tbody>{''.join(rows)}{tail}</tbody></table>"

    def _where(self, path: str) -> str:
        if path == PREAMBLE_KEY:
            return PREAMBLE_NAME
        if not path:
            return TITLE_NAME
        return self._path_names(path)[-1]

    def _path_names(self, path: str) -> list[str]:
        """``["一 过去一年的主要工作", "（二） 围绕中心服务大局…"]`` for ``一/二``."""
        if path == PREAMBLE_KEY:
            return [PREAMBLE_NAME]
        if not path:
            return [TITLE_NAME]
        parts = path.split("/")
        names = []
        for k in range(1, len(parts) + 1):
            sec = self.document.section("/".join(parts[:k]))
            names.append(f"{section_marker(sec)} {sec.title or ''}".strip())
        return names

    def read(self, key: str) -> None:
        """Show the whole paragraph (or heading, or title line) of hit ``key`` (its row number in
        ``result``), with its section path and the hit highlighted."""
        i = int(key)
        if not 0 <= i < len(self.result):
            return
        hit = self.result.iloc[i]
        start, end = int(hit["start"]), int(hit["end"])
        lo, hi, where = self._unit_of(start, int(hit["paragraph"]))
        text = self.document.text
        # Every hit in the same stretch is marked; the one clicked more strongly.
        same = self.result[(self.result["start"] >= lo) & (self.result["end"] <= hi)]
        body, pos = [], lo
        for s, e in sorted(zip(same["start"].astype(int), same["end"].astype(int), strict=True)):
            if s < pos:
                continue
            cls = "" if (s, e) == (start, end) else " class='sk-other'"
            body.append(html.escape(text[pos:s]))
            body.append(f"<mark{cls}>{html.escape(text[s:e])}</mark>")
            pos = e
        body.append(html.escape(text[pos:hi]))
        path = " › ".join(html.escape(n) for n in self._path_names(str(hit["section"])))
        paragraph = int(hit["paragraph"])
        info = f"第 {paragraph + 1} 段 · 第 {int(hit['sentence']) + 1} 句" if paragraph >= 0 else where
        self.reading = i
        self.reader.value = (
            f"{_CSS}<div class='sk-reader'><div class='sk-path'>{path} · {info} · 第 {i + 1} 处</div>"
            f"<p>{''.join(body)}</p></div>"
        )

    def _unit_of(self, start: int, paragraph: int) -> tuple[int, int, str]:
        """Start, end and kind of the paragraph, heading or title line holding offset ``start``."""
        if paragraph >= 0:
            p = self.document.paragraphs[paragraph]
            return p.start, p.end, "段落"
        for sec in self.document.walk():
            h = sec.heading
            if h is not None and h.start <= start < h.end:
                return h.start, h.end, "小标题"
        for line in self.document.title_block:
            if line.start <= start < line.end:
                return line.start, line.end, TITLE_NAME
        return start, start, ""

    def _positions(self, q: str) -> pd.DataFrame:
        """Dispersion rows for the KWIC hits: each hit mapped to the token it starts in."""
        assert self.table is not None
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

    def _name_parts(self) -> list[str]:
        q = self.query.value.strip() or "未检索"
        chosen = _selected(self.sections.value)
        return [self.name, q[:20], *([] if chosen is None else [_selection_name(self.document, chosen)])]

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
