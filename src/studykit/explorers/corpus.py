"""The corpus explorer: trends, documents × terms, keyness, first appearances, similarity and
version diffs across many documents, with a term picker that opens KWIC across the corpus."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, cast

import ipywidgets as widgets
import pandas as pd

from studykit.corpus.analyses import (
    corpus_keyness,
    corpus_kwic,
    corpus_term_frequencies,
    document_similarity,
)
from studykit.corpus.analyses import first_appearance as first_appearance_of
from studykit.corpus.analyses import trend as trend_of
from studykit.corpus.collection import Corpus
from studykit.corpus.versions import VersionDiff, compare_versions
from studykit.document.model import Document
from studykit.draw.charts import plot_keyness
from studykit.draw.corpus_charts import (
    plot_doc_term_heatmap,
    plot_document_map,
    plot_first_appearance,
    plot_trend,
    plot_version_summary,
)
from studykit.draw.export import safe_stem, zh_headers
from studykit.draw.fonts import FontChoice
from studykit.errors import QueryError, StudykitError

from .base import MEASURES, _Chart, _Explorer, significance_line

VIEWS = [("趋势", "trend"), ("热力图", "heatmap"), ("关键词", "keyness"), ("首次出现", "first"),
         ("相似度", "similarity"), ("版本对比", "versions")]
NO_TERMS = "请输入词语 / type one or more terms, separated by spaces or commas"
_SPLIT = re.compile(r"[\s,，、;；]+")


def _table(frame: pd.DataFrame, *, max_rows: int = 60, floats: int = 2) -> str:
    if frame.empty:
        return "<i>没有结果 / no results</i>"
    return str(zh_headers(frame.head(max_rows)).to_html(index=False, float_format=lambda x: f"{x:.{floats}f}", border=0,
                                            classes="sk-table", escape=True))


class CorpusExplorer(_Explorer):
    """Explore a corpus: pick groups, documents and terms, switch views, open a term's KWIC.

    Views (``ex.view``): ``trend`` (rates of ``ex.terms`` per group), ``heatmap`` (groups × top
    terms), ``keyness`` (``ex.target`` against the rest), ``first`` (first appearance of
    formulations and ``ex.terms``), ``similarity`` (a map of the documents), ``versions`` (what
    changed from ``ex.old`` to ``ex.new``). ``ex.by`` groups documents (``doc`` or a field such as
    ``year``) and ``ex.documents`` narrows every view to some documents. Picking a term in ``ex.picker`` shows its KWIC across the corpus (``ex.kwic_table``);
    ``ex.result`` is the current view's table and ``ex.figure`` its one figure, redrawn in place.

    >>> ex = sk.CorpusExplorer(corpus, terms=["高质量发展", "脱贫攻坚"])    # doctest: +SKIP
    >>> ex.view.value = "keyness"; ex.target.value = "2024"              # doctest: +SKIP
    """

    css = "sk-corpus-explorer"
    name = "语料库"

    def __init__(
        self,
        corpus: Corpus,
        *,
        terms: list[str] | str | None = None,
        view: str = "trend",
        folder: str | Path = "exports",
        font: FontChoice | None = None,
    ) -> None:
        if not callable(getattr(corpus, "select", None)) or not hasattr(corpus, "fields"):
            raise QueryError(f"需要文档集 / CorpusExplorer needs a corpus, not {type(corpus).__name__}: "
                             "pass sk.load_corpus(folder); for one document use sk.Dashboard(doc)")
        # The shared plumbing of _Explorer (messages, status, export, the callback lock). A corpus
        # explorer has no single document: the methods that would read one are overridden below.
        super().__init__(cast(Document, None), folder=folder, font=font)
        self.corpus = corpus
        self.diff: VersionDiff | None = None
        self.kwic_table: pd.DataFrame = pd.DataFrame()
        """The KWIC hits of the term picked in ``ex.picker``, across the chosen documents."""
        self._freqs: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}
        self._chosen: tuple[tuple[str, ...], Corpus] | None = None
        self._targets: dict[str, Any] = {}  # target option -> the documents it names, as values

        fields = [f for f in corpus.fields if f != "date"]
        by_options = [("文档", "doc"), *((f, f) for f in fields)]
        self.view = widgets.ToggleButtons(options=VIEWS, value=view, description="视图")
        self.view.add_class("sk-view")
        self.by = widgets.Dropdown(options=by_options, value="year" if "year" in fields else "doc", description="分组")
        self.by.add_class("sk-by")
        start = terms if terms is not None else self._default_terms()
        text = start if isinstance(start, str) else " ".join(start)
        self.terms = widgets.Text(value=text, description="词语", placeholder="用空格或逗号分隔，回车更新",
                                  continuous_update=False, layout=widgets.Layout(width="420px"))
        self.terms.add_class("sk-terms")
        self.target = widgets.Dropdown(options=[], description="目标")
        self.target.add_class("sk-target")
        self.measure = widgets.Dropdown(options=MEASURES, value="g2", description="统计量")
        self.top_n = widgets.IntSlider(value=12, min=5, max=30, description="词数")
        ids = corpus.ids
        self.documents = widgets.SelectMultiple(options=ids, value=tuple(ids), description="文档",
                                                rows=min(len(ids), 6) or 1)
        self.documents.add_class("sk-documents")
        self.old = widgets.Dropdown(options=ids, value=ids[-2] if len(ids) > 1 else (ids[0] if ids else None), description="旧版")
        self.new = widgets.Dropdown(options=ids, value=ids[-1] if ids else None, description="新版")
        self.picker = widgets.Dropdown(options=[("（选一个词看上下文）", "")], value="", description="上下文")
        self.picker.add_class("sk-picker")
        self.window = widgets.IntSlider(value=15, min=5, max=60, description="上下文字数")
        self.chart = _Chart(8.5, 4.8)
        self.significance = widgets.HTML()
        """In the keyness view: how many terms are significant after the correction."""
        self.significance.add_class("sk-significance")
        self.details = widgets.HTML()
        self.details.add_class("sk-details")
        self.details_box = widgets.Accordion([self.details], titles=("表格与差异 / table and diff",))
        self.kwic_view = widgets.HTML()
        self.kwic_view.add_class("sk-corpus-kwic")
        self._fill_targets()
        self._observe([self.view, self.terms, self.target, self.measure, self.top_n, self.old, self.new], self.update)
        self._observe([self.by, self.documents], self._regroup)
        self._observe([self.picker, self.window], self.update_kwic)
        self._finish([
            widgets.HTML(f"<b>语料库</b> · {html.escape(corpus.name)}：{len(corpus)} 篇文档，"
                         "看提法的消长、各文档的特色词、首次出现、相似度和版本差异；选一个词看它在全部文档中的上下文"),
            self.view,
            widgets.HBox([self.by, self.terms]),
            self.documents,
            widgets.HBox([self.target, self.measure, self.top_n]),
            widgets.HBox([self.old, self.new]),
            self.chart.box,
            self.significance,
            self._export_controls(["png", "svg", "pdf", "csv", "xlsx"], ["png"]),
            widgets.HBox([self.picker, self.window]),
            self.kwic_view,
            self.details_box,
        ])
        self._call(self.update)

    # --- helpers -------------------------------------------------------------------------------
    @property
    def chosen(self) -> Corpus:
        """The corpus narrowed to the documents chosen in ``ex.documents``."""
        picked = list(self.documents.value)
        self._check_usable()
        if not picked:
            raise StudykitError("未选择任何文档 / no document chosen: choose at least one")
        if len(picked) == len(self.corpus):
            return self.corpus
        key = tuple(picked)
        if self._chosen is None or self._chosen[0] != key:
            self._chosen = (key, self.corpus.select(docs=picked))
        return self._chosen[1]

    def _default_terms(self) -> list[str]:
        freqs = corpus_term_frequencies(self.corpus, top=4, min_len=2)
        return freqs["term"].astype(str).tolist()

    def _term_list(self) -> list[str]:
        return [t for t in _SPLIT.split(self.terms.value.strip()) if t]

    def _fill_targets(self) -> None:
        by = self.by.value
        picked = self.documents.value
        source = self.corpus.select(docs=list(picked)) if picked and len(picked) < len(self.corpus) else self.corpus
        _values, order = source.groups(by)
        options = [(str(g), str(g) if by == "doc" else f"{by}={g}") for g in order]
        # What each option names, as values: a group's value is compared, never read as a filter.
        self._targets = {value: ([str(g)] if by == "doc" else {by: [g]}) for (_label, value), g in zip(options, order, strict=True)}
        current = self.target.value
        self.target.options = options
        values = [v for _, v in options]
        self.target.value = current if current in values else (values[-1] if values else None)

    def _regroup(self) -> None:
        self._fill_targets()
        self.update()

    def _show_controls(self) -> None:
        view = self.view.value
        visible = {
            self.by: view in ("trend", "heatmap", "keyness", "first", "similarity"),
            self.documents: view != "versions",
            self.terms: view in ("trend", "first"),
            self.target: view == "keyness",
            self.measure: view == "keyness",
            self.top_n: view in ("heatmap", "keyness"),
            self.old: view == "versions",
            self.new: view == "versions",
        }
        for control, shown in visible.items():
            control.layout.display = "" if shown else "none"

    def _pick_from(self, terms: list[str]) -> None:
        options = [("（选一个词看上下文）", ""), *((t, t) for t in dict.fromkeys(terms))]
        if self.picker.value not in {v for _, v in options}:
            self.picker.value = ""
        self.picker.options = options

    def _check_usable(self) -> None:
        """Raise the reason when the corpus has no document at all (every file failed)."""
        if not len(self.corpus):
            problems = self.corpus.problems
            first = f": {problems['problem'].iloc[0]}" if len(problems) else ""
            raise StudykitError(
                f"语料库没有可用的文档 / the corpus has no usable document ({len(problems)} problems, "
                f"see corpus.problems){first}"
            )

    # --- views ---------------------------------------------------------------------------------
    def update(self) -> None:
        self._show_controls()
        view = self.view.value
        ax = self.chart.axes(fresh=True)
        self.details.value = ""
        self.significance.value = ""
        try:
            self._check_usable()
            getattr(self, f"_draw_{view}")(ax)
        except StudykitError:
            self.result = pd.DataFrame()
            ax.clear()
            ax.set_axis_off()
            raise
        finally:
            self.chart.show()
            self._refresh_name()

    def _draw_trend(self, ax: Any) -> None:
        terms = self._term_list()
        if not terms:
            raise StudykitError(NO_TERMS)
        self.result = trend_of(self.chosen, terms, by=self.by.value)
        plot_trend(self.result, ax=ax, font=self.font, title="提法的变化趋势（每千词）")
        self._pick_from(terms)
        self.details.value = _table(self.result, floats=2)

    def _freqs_by(self, by: str) -> pd.DataFrame:
        key = (by, tuple(self.documents.value))
        if key not in self._freqs:  # depends only on the grouping and the documents: count once
            self._freqs[key] = corpus_term_frequencies(self.chosen, by=by, min_len=2)
        return self._freqs[key]

    def _draw_heatmap(self, ax: Any) -> None:
        freqs = self._freqs_by(self.by.value)
        plot_doc_term_heatmap(freqs, ax=ax, font=self.font, terms=self.top_n.value, title="各组高频词（每千词）")
        chosen = [t.get_text() for t in ax.get_xticklabels()]
        self.result = freqs[freqs["term"].isin(chosen)].reset_index(drop=True)
        self._pick_from(chosen)

    def _draw_keyness(self, ax: Any) -> None:
        target = self.target.value
        if not target:
            raise StudykitError("未选择目标 / no target: choose a document or group")
        self.result = corpus_keyness(self.chosen, self._targets.get(target, [target]), measure=self.measure.value)
        self.significance.value = significance_line(self.result)
        if self.result.empty:
            ax.set_axis_off()
            self._say("没有达到最少次数的词 / no term reaches the minimum count", kind="warn")
        else:
            name = str(target).split("=", 1)[-1]
            plot_keyness(self.result, ax=ax, font=self.font, n=self.top_n.value, target=name, reference="其余文档",
                         title=f"{name} 与其余文档相比的关键词")
        self._pick_from(self.result["term"].astype(str).head(40).tolist())
        self.details.value = _table(self.result, floats=3)

    def _draw_first(self, ax: Any) -> None:
        terms = self._term_list()
        self.result = first_appearance_of(self.chosen, by=self.by.value, terms=terms or None)
        plot_first_appearance(self.result, ax=ax, font=self.font, n=20, title="提法首次出现与扩散")
        self._pick_from(list(dict.fromkeys(self.result["term"].astype(str)))[:40])

    def _draw_similarity(self, ax: Any) -> None:
        sim = document_similarity(self.chosen, by=self.by.value)
        self.result = sim.reset_index()
        plot_document_map(sim, ax=ax, font=self.font, title="文档相似度地图（TF-IDF 余弦）")
        self._pick_from([])

    def _draw_versions(self, ax: Any) -> None:
        old, new = self.old.value, self.new.value
        if not old or not new:
            raise StudykitError("请选择两个版本 / choose two documents to compare")
        if old == new:
            raise StudykitError("旧版与新版相同 / old and new are the same document: choose two")
        self.diff = compare_versions(self.corpus.document(old), self.corpus.document(new))
        self.result = self.diff.to_frame(changes_only=True)
        plot_version_summary(self.diff.summary(), ax=ax, font=self.font, title=f"{old} → {new} 的修改")
        self.details.value = self.diff.to_html(context=1, page=False)
        self.details_box.selected_index = 0  # the side-by-side diff is this view's main content
        self._pick_from([])

    # --- KWIC across the corpus ----------------------------------------------------------------
    def update_kwic(self) -> None:
        term = self.picker.value
        if not term:
            self.kwic_table = pd.DataFrame()
            self.kwic_view.value = ""
            return
        hits = corpus_kwic(self.chosen, term, window=self.window.value)
        self.kwic_table = hits.to_frame()
        self.kwic_view.value = hits._repr_html_()

    # --- export --------------------------------------------------------------------------------
    def _name_parts(self) -> list[str]:
        return [self.name, dict((v, k) for k, v in VIEWS).get(self.view.value, self.view.value)]

    def default_name(self) -> str:
        """The file stem the explorer suggests: corpus, explorer and view."""
        return safe_stem("-".join([self.corpus.name[:16], *self._name_parts()]))

    def _export_table(self) -> pd.DataFrame:
        """The view's table with Chinese headers (词语, 目标次数 …), as every explorer exports."""
        return zh_headers(self.result)

    def _export_meta(self) -> dict[str, Any]:
        return {"corpus": self.corpus.name, "documents": len(self.corpus), "explorer": type(self).__name__,
                "view": self.view.value, "by": self.by.value, "terms": self._term_list(),
                "chosen": list(self.documents.value),
                "target": self.target.value, "old": self.old.value, "new": self.new.value}
