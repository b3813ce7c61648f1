"""Explorers without a kernel: set a control, then check ``ex.result``, the figure's artists, the PNG.

ipywidgets 8 works in-process: setting ``ex.top_n.value`` runs the observers synchronously, so an
exception that escaped a callback would fail the test at the assignment. pytest runs with
``filterwarnings = error``, so a "Glyph … missing" warning while drawing Chinese is caught by the
explorer's guard and shows up in ``ex.messages`` (every test below checks there is no error
message where none is expected).
"""

from __future__ import annotations

import copy
import html
import importlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import jieba
import jieba.posseg
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

import studykit
from studykit.analysis.concordance import kwic
from studykit.analysis.frequency import term_frequencies
from studykit.analysis.keyness import keyness
from studykit.analysis.patterns import formulations
from studykit.document.model import Document
from studykit.document.parse import load
from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.text.tokens import select, tokenize

E = studykit  # the explorers through the flat public API

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
BOM = b"\xef\xbb\xbf"
NOUN = ["n", "vn", "j"]


# --- fixtures ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def doc(seed_path: Path) -> Document:
    return load(str(seed_path))


@pytest.fixture(scope="module")
def table(doc: Document) -> pd.DataFrame:
    return tokenize(doc)


@pytest.fixture(scope="module")
def font() -> FontChoice:
    return find_cjk_font()


@pytest.fixture
def make(doc: Document, table: pd.DataFrame, font: FontChoice, tmp_path: Path) -> Callable[..., Any]:
    """Build an explorer by name, with the shared token table and ``folder=tmp_path``."""

    def build(kind: str, **kwargs: Any) -> Any:
        common: dict[str, Any] = {"folder": tmp_path, "font": font, **kwargs}
        if kind == "terms":
            return E.TermExplorer(doc, table=table, **common)
        if kind == "compare":
            return E.CompareExplorer(doc, table=table, **common)
        if kind == "kwic":
            query = common.pop("query", "政协")
            return E.KwicExplorer(doc, query, table=table, **common)
        if kind == "structure":
            return E.StructureExplorer(doc, **common)
        if kind == "formulations":
            return E.FormulationExplorer(doc, **common)
        raise AssertionError(kind)

    return build


# --- helpers ----------------------------------------------------------------------------------------
def ax0(ex: Any) -> Axes:
    axes: list[Axes] = ex.chart.figure.axes
    assert len(axes) == 1
    return axes[0]


def yticks(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def no_error(ex: Any) -> None:
    assert "出错了" not in ex.messages.value, ex.messages.value


def bar_order_ok(ax: Axes, values: list[float]) -> None:
    """Bars sit at y = 0, 1, … with y = 0 at the top; their lengths are ``values`` in that order."""
    bars = sorted((p for p in ax.patches if isinstance(p, Rectangle)), key=lambda p: p.get_y())
    assert [b.get_width() for b in bars] == pytest.approx(values)
    bottom, top = ax.get_ylim()
    assert bottom > top  # inverted: the first (largest) bar is drawn at the top


def expected_terms(
    table: pd.DataFrame,
    *,
    sections: list[str] | None = None,
    top: int = 20,
    min_len: int = 1,
    pos: list[str] | None = None,
    stopwords: bool = True,
    filler: bool = False,
    headings: bool = True,
) -> pd.DataFrame:
    view = select(table, sections=sections, parts=None if headings else ("body", "lead"))
    expected: pd.DataFrame = term_frequencies(view, top=top, min_len=min_len, pos=pos, stopwords=stopwords,
                                              filler=filler)
    return expected


class Watch:
    """Remembers the explorer's figure and PNG to check one figure is updated in place."""

    def __init__(self, ex: Any, chart: str = "chart") -> None:
        self.chart = getattr(ex, chart)
        self.figure = self.chart.figure
        self.png = bytes(self.chart.image.value)

    def changed(self) -> bool:
        assert self.chart.figure is self.figure
        assert len(self.figure.axes) == 1
        now = bytes(self.chart.image.value)
        assert now.startswith(PNG_MAGIC)
        changed = now != self.png
        self.png = now
        return changed


# --- TermExplorer -----------------------------------------------------------------------------------
def test_term_defaults(make: Callable[..., Any], table: pd.DataFrame) -> None:
    ex = make("terms")
    no_error(ex)
    assert ex.messages.value == ""
    pd.testing.assert_frame_equal(ex.result, expected_terms(table))
    ax = ax0(ex)
    assert yticks(ax) == ex.result["term"].tolist()
    bar_order_ok(ax, ex.result["count"].astype(float).tolist())
    assert ex.result["count"].iloc[0] == ex.result["count"].max()
    assert "全部章节" in ax.get_title()
    assert [v for _, v in ex.picker.options][1:] == ex.result["term"].tolist()
    assert "sk-table" in ex.table_view.value


TERM_CASES: list[tuple[str, Any, dict[str, Any]]] = [
    ("top_n", 10, {"top": 10}),
    ("top_n", 35, {"top": 35}),
    ("sections", ("三",), {"sections": ["三"]}),
    ("sections", ("一", "四"), {"sections": ["一", "四"]}),
    ("sections", ("0",), {"sections": ["0"]}),
    ("min_len", 2, {"min_len": 2}),
    ("pos", "noun", {"pos": NOUN}),
    ("pos", "verb", {"pos": ["v"]}),
    ("stopwords", False, {"stopwords": False}),
    ("filler", True, {"filler": True}),
    ("headings", False, {"headings": False}),
]


@pytest.mark.parametrize(("control", "value", "kwargs"), TERM_CASES, ids=[f"{c}={v}" for c, v, _ in TERM_CASES])
def test_term_control(
    make: Callable[..., Any], table: pd.DataFrame, control: str, value: Any, kwargs: dict[str, Any]
) -> None:
    ex = make("terms")
    watch = Watch(ex)
    getattr(ex, control).value = value
    no_error(ex)
    expected = expected_terms(table, **kwargs)
    pd.testing.assert_frame_equal(ex.result, expected)
    assert len(ex.result) == kwargs.get("top", 20)
    ax = ax0(ex)
    assert yticks(ax) == expected["term"].tolist()
    bar_order_ok(ax, expected["count"].astype(float).tolist())
    if "sections" in kwargs:
        assert all(s in ax.get_title() for s in kwargs["sections"])
    assert watch.changed(), f"PNG unchanged after {control}={value!r}"


def test_term_filters_have_their_effect(make: Callable[..., Any], table: pd.DataFrame) -> None:
    ex = make("terms")
    ex.min_len.value = 2
    assert (ex.result["term"].str.len() >= 2).all()
    ex.min_len.value = 1
    ex.stopwords.value = False
    stop = set(table.loc[table["is_stopword"], "token"])
    assert stop & set(ex.result["term"])
    ex.stopwords.value = True
    assert not stop & set(ex.result["term"])
    ex.filler.value = True
    filler = set(table.loc[table["is_filler"], "token"])
    assert filler and not filler & set(ex.result["term"])
    no_error(ex)


def test_term_combined_controls(make: Callable[..., Any], table: pd.DataFrame) -> None:
    ex = make("terms")
    ex.sections.value = ("二", "三")
    ex.top_n.value = 8
    ex.min_len.value = 2
    ex.pos.value = "noun+verb"
    ex.filler.value = True
    ex.headings.value = False
    no_error(ex)
    expected = expected_terms(table, sections=["二", "三"], top=8, min_len=2, pos=[*NOUN, "v"], filler=True,
                              headings=False)
    pd.testing.assert_frame_equal(ex.result, expected)
    assert yticks(ax0(ex)) == expected["term"].tolist()
    assert "二、三" in ax0(ex).get_title()


def test_term_cloud_view(make: Callable[..., Any]) -> None:
    ex = make("terms")
    watch = Watch(ex)
    bars = ex.result.copy()
    ex.view.value = "cloud"
    no_error(ex)
    ax = ax0(ex)
    assert len(ax.images) == 1
    assert not ax.patches
    assert "全部章节" in ax.get_title()
    pd.testing.assert_frame_equal(ex.result, bars)  # the view changes the picture, not the numbers
    assert ex.cloud is not None
    assert watch.changed()
    ex.sections.value = ("三",)
    assert len(ax0(ex).images) == 1 and "三" in ax0(ex).get_title()
    assert watch.changed()
    ex.view.value = "bar"
    assert not ax0(ex).images and yticks(ax0(ex)) == ex.result["term"].tolist()
    assert watch.changed()


def test_term_one_figure_over_many_updates(make: Callable[..., Any]) -> None:
    ex = make("terms")
    figure = ex.chart.figure
    for n in range(5, 10):
        ex.top_n.value = n
        assert ex.chart.figure is figure and len(figure.axes) == 1
        assert len(yticks(figure.axes[0])) == n
    for view in ("cloud", "bar", "cloud"):
        ex.view.value = view
        assert ex.chart.figure is figure and len(figure.axes) == 1
    no_error(ex)


def test_term_empty_selection(make: Callable[..., Any]) -> None:
    ex = make("terms")
    columns = list(ex.result.columns)
    watch = Watch(ex)
    ex.sections.value = ()  # must not raise out of the observer
    assert "未选择" in ex.messages.value
    no_error(ex)
    assert ex.result.empty and list(ex.result.columns) == columns
    assert not ax0(ex).patches and not ax0(ex).axison
    assert watch.changed()
    ex.sections.value = ("*",)
    assert ex.messages.value == "" and len(ex.result) == 20


def test_term_no_terms_match(make: Callable[..., Any]) -> None:
    ex = make("terms")
    ex.min_len.value = 6
    ex.sections.value = ("0",)
    no_error(ex)
    assert ex.result.empty and list(ex.result.columns)[:4] == ["term", "count", "rate", "range"]
    assert "没有符合条件的词" in ex.messages.value


# --- CompareExplorer --------------------------------------------------------------------------------
# Building a CompareExplorer draws three charts (about a second), so one explorer walks through the
# controls; every step is checked against an independent ``studykit.keyness`` call.
def test_compare_explorer(make: Callable[..., Any], table: pd.DataFrame) -> None:
    ex = make("compare")
    no_error(ex)
    assert ex.target.value == ("一",)  # the first titled section, not the preamble
    columns: list[str] = []
    watch = Watch(ex)
    assert not ex.similarity.empty and len(ex.similarity_chart.figure.axes) == 1
    assert not ex.heatmap_data.empty

    def check(target: list[str], reference: str | list[str] = "rest", measure: str = "g2",
              min_count: int = 3, *, redrawn: bool = True) -> pd.DataFrame:
        no_error(ex)
        assert ex.messages.value == ""
        expected: pd.DataFrame = keyness(table, target, reference, measure=measure,  # type: ignore[arg-type]
                                         min_count=min_count)
        pd.testing.assert_frame_equal(ex.result, expected)
        ax = ax0(ex)
        labels = yticks(ax)
        assert labels and set(labels) <= set(expected["term"])
        assert labels[0] == expected["term"].iloc[0]  # the strongest target term at the top
        legend = ax.get_legend()
        assert legend is not None
        names = "".join(t.get_text() for t in legend.get_texts())
        assert "、".join(target) in names
        assert ("其余章节" if reference == "rest" else "、".join(reference)) in names
        assert dict(importlib.import_module("studykit.explorers.base").MEASURES_REV)[measure] in ax.get_title()
        assert [v for _, v in ex.picker.options][1:] == expected["term"].head(40).tolist()
        assert watch.changed() is redrawn
        columns[:] = expected.columns
        return expected

    def refused(text: str, *, redrawn: bool = True) -> None:
        assert text in ex.messages.value
        no_error(ex)
        assert ex.result.empty and list(ex.result.columns) == columns  # as the last result's
        assert not ax0(ex).patches
        assert watch.changed() is redrawn  # blank

    check(["一"], redrawn=False)
    ex.target.value = ("三",)
    check(["三"])
    ex.target.value = ("二", "三")
    check(["二", "三"])
    ex.measure.value = "log_ratio"
    check(["二", "三"], measure="log_ratio")
    ex.measure.value = "log_odds"
    check(["二", "三"], measure="log_odds")
    ex.min_count.value = 5
    check(["二", "三"], measure="log_odds", min_count=5)
    ex.reference_mode.value = "chosen"  # nothing chosen as reference yet
    refused("未选择参照章节")
    ex.reference.value = ("二",)  # the reference is a target: nothing left to compare with
    refused("未选择参照章节", redrawn=False)  # still blank
    ex.reference.value = ("一", "二")  # the overlap is dropped, 一 remains
    check(["二", "三"], ["一"], measure="log_odds", min_count=5)
    ex.target.value = ()
    refused("未选择目标章节")
    ex.target.value = ("三",)
    check(["三"], ["一", "二"], measure="log_odds", min_count=5)
    ex.reference_mode.value = "rest"
    check(["三"], measure="log_odds", min_count=5)
    ex.min_count.value = 20
    result = check(["三"], measure="log_odds", min_count=20)
    assert ((result["target_count"] + result["reference_count"]) >= 20).all()

    # the heatmap has its own control and chart; the keyness chart is not redrawn for it
    heat = Watch(ex, "heatmap_chart")
    for n in (5, 20, 8):
        ex.heat_terms.value = n
        no_error(ex)
        assert len([t for t in heat.figure.axes[0].get_xticklabels() if t.get_text()]) == n
        assert heat.changed()
    assert not watch.changed()

    # export: the sidecar records the comparison that was drawn
    ex.reference_mode.value = "chosen"
    ex.reference.value = ("一",)
    m = sidecar(click(ex, "png"))["meta"]
    assert m["explorer"] == "CompareExplorer" and m["target"] == ["三"] and m["reference"] == ["一"]
    assert m["measure"] == "log_odds" and m["min_count"] == 20


# --- KwicExplorer -----------------------------------------------------------------------------------
def test_kwic_defaults(make: Callable[..., Any], doc: Document) -> None:
    ex = make("kwic")
    no_error(ex)
    pd.testing.assert_frame_equal(ex.result, kwic(doc, "政协", window=20).to_frame())
    assert (ex.result["match"] == "政协").all()
    assert f"{len(ex.result)}" in ex.count.value
    ax = ax0(ex)
    assert yticks(ax) == ["政协"]
    assert "政协" in ax.get_title()
    assert len(ex.hits) == len(ex.result) and set(ex.hits["term"]) == {"政协"}


def test_kwic_empty_query(make: Callable[..., Any]) -> None:
    ex = make("kwic", query="")
    no_error(ex)
    assert ex.result.empty and list(ex.result.columns) == list(kwic(ex.document, "政协").to_frame().columns)
    assert "请输入" in ex.results.value
    assert not ax0(ex).axison


KWIC_CASES: list[tuple[dict[str, Any], dict[str, Any], bool]] = [
    ({"query": "党建"}, {"query": "党建"}, True),
    ({"query": "  履职 "}, {"query": "履职"}, True),
    ({"window": 40}, {"window": 40}, False),  # the contexts change, the positions don't
    ({"sections": ("三",)}, {"sections": ["三"]}, True),
    ({"sections": ("一", "二")}, {"sections": ["一", "二"]}, True),
    ({"query": "政协|党建", "regex": True}, {"query": "政协|党建", "regex": True}, True),
    ({"query": "党.", "regex": True}, {"query": "党.", "regex": True}, True),
]


@pytest.mark.parametrize(("controls", "kwargs", "redraws"), KWIC_CASES, ids=[str(c) for c, _, _ in KWIC_CASES])
def test_kwic_control(
    make: Callable[..., Any], doc: Document, controls: dict[str, Any], kwargs: dict[str, Any],
    redraws: bool,
) -> None:
    ex = make("kwic")
    watch = Watch(ex)
    for name, value in controls.items():
        getattr(ex, name).value = value
    no_error(ex)
    assert ex.messages.value == ""
    args = {"query": "政协", "window": 20, "sections": None, "regex": False, **kwargs}
    expected = kwic(doc, args.pop("query"), **args).to_frame()
    assert not expected.empty
    pd.testing.assert_frame_equal(ex.result, expected)
    if "sections" in kwargs:
        assert set(ex.result["section"].str.split("/").str[0]) <= set(kwargs["sections"])
    query = ex.query.value.strip()
    ax = ax0(ex)
    assert yticks(ax) == [query]  # one row, labelled with the query
    assert query in ax.get_title()
    assert len(ex.hits) == len(ex.result)
    assert watch.changed() is redraws


def test_kwic_one_figure_over_many_updates(make: Callable[..., Any]) -> None:
    ex = make("kwic")
    figure = ex.chart.figure
    for q in ("党建", "履职", "", "政协", "不存在的词", "政协"):
        ex.query.value = q
        assert ex.chart.figure is figure and len(figure.axes) == 1
    for w in (10, 30, 50):
        ex.window.value = w
        assert ex.chart.figure is figure and len(figure.axes) == 1
        assert yticks(figure.axes[0]) == ["政协"]
    no_error(ex)


def test_kwic_not_found(make: Callable[..., Any]) -> None:
    ex = make("kwic")
    columns = list(ex.result.columns)
    watch = Watch(ex)
    ex.query.value = "不存在的词"
    no_error(ex)
    assert "没有找到" in ex.messages.value and "不存在的词" in ex.messages.value
    assert "not found" in ex.messages.value
    assert ex.result.empty and list(ex.result.columns) == columns
    assert yticks(ax0(ex)) == ["不存在的词"]  # the empty row is kept
    assert watch.changed()


def test_kwic_invalid_regex(make: Callable[..., Any]) -> None:
    ex = make("kwic")
    columns = list(ex.result.columns)
    ex.regex.value = True
    assert ex.messages.value == ""
    ex.query.value = "政协("
    no_error(ex)
    assert "无效的正则表达式" in html.unescape(ex.messages.value)
    assert ex.result.empty and list(ex.result.columns) == columns
    assert ex.count.value == ""
    ex.regex.value = False  # the same text searched literally: valid, just not found
    no_error(ex)
    assert "没有找到" in ex.messages.value


def test_kwic_empty_selection(make: Callable[..., Any]) -> None:
    ex = make("kwic")
    columns = list(ex.result.columns)
    watch = Watch(ex)
    ex.sections.value = ()
    assert "未选择" in ex.messages.value
    no_error(ex)
    assert ex.result.empty and list(ex.result.columns) == columns
    assert len(ex.hits) == 0
    assert watch.changed()
    ex.sections.value = ("*",)
    assert ex.messages.value == "" and not ex.result.empty
    assert yticks(ax0(ex)) == ["政协"]


# --- StructureExplorer ------------------------------------------------------------------------------
def test_structure_picker(make: Callable[..., Any], doc: Document) -> None:
    ex = make("structure")
    no_error(ex)
    paths = [v for _, v in ex.picker.options]
    assert paths == [s.path for s in doc.walk()]
    assert ex.picker.value == paths[0]
    ax = ax0(ex)
    assert yticks(ax)[0] == "导语" and len(yticks(ax)) == len(doc.sections)
    bar_order_ok(ax, [float(v) for v in ex.lengths["chars"]])
    watch = Watch(ex)
    for path in ("三", "一", paths[-1]):
        ex.picker.value = path
        no_error(ex)
        sec = doc.section(path)
        paragraphs = list(sec.all_paragraphs())
        assert ex.result["text"].tolist() == [p.text for p in paragraphs]
        assert ex.result["chars"].tolist() == [len(p.text) for p in paragraphs]
        assert ex.result["paragraph"].tolist() == list(range(1, len(paragraphs) + 1))
        assert html.escape(sec.display) in ex.text.value
        assert not watch.changed()  # the lengths overview stays; the picked section is shown as text
    assert "<details" in ex.tree.value


# --- FormulationExplorer ----------------------------------------------------------------------------
def test_formulation_controls(make: Callable[..., Any], doc: Document) -> None:
    ex = make("formulations")
    no_error(ex)
    items = formulations(doc).to_frame()
    pd.testing.assert_frame_equal(ex.result, items.reset_index(drop=True))
    assert len(ex.picker.options) == len(ex.result)
    ax = ax0(ex)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["导语", "一", "二", "三", "四"]
    figure = ex.chart.figure
    for kind in ("numbered", "quote", "parallel", "four_char_list", "*"):
        ex.kind.value = kind
        no_error(ex)
        expected = items if kind == "*" else items[items["kind"] == kind]
        pd.testing.assert_frame_equal(ex.result, expected.reset_index(drop=True))
        assert len(ex.picker.options) == len(ex.result)
        assert ex.chart.figure is figure and len(figure.axes) == 1
        # The chart follows the kind: its bars add up to the occurrences of that kind.
        bars = sum(p.get_height() for p in ax0(ex).patches)
        wanted = ("numbered", "parallel") if kind == "*" else (kind,)
        assert bars == expected[expected["kind"].isin(wanted)]["count"].sum()
    ex.min_count.value = 2
    pd.testing.assert_frame_equal(ex.result, items[items["count"] >= 2].reset_index(drop=True))
    assert ex.chart.figure is figure and len(figure.axes) == 1


def test_formulation_picker_shows_contexts(make: Callable[..., Any]) -> None:
    ex = make("formulations")
    ex.kind.value = "numbered"
    first = ex.result.iloc[0]
    ex.picker.value = 0
    no_error(ex)
    assert html.escape(str(first["text"])) in ex.contexts.value
    assert "<mark>" in ex.contexts.value
    assert ex.contexts.value.count("<li>") == first["count"]


def test_formulation_nothing_matches(make: Callable[..., Any]) -> None:
    ex = make("formulations")
    columns = list(ex.result.columns)
    ex.kind.value = "quote"
    ex.min_count.value = 5
    no_error(ex)
    assert ex.result.empty and list(ex.result.columns) == columns
    assert "没有符合条件的提法" in ex.messages.value
    assert ex.picker.options == () and ex.contexts.value == ""


# --- export -----------------------------------------------------------------------------------------
def sidecar(paths: list[Path]) -> dict[str, Any]:
    (json_path,) = [p for p in paths if p.suffix == ".json"]
    data: dict[str, Any] = json.loads(json_path.read_text(encoding="utf-8"))
    return data


def click(ex: Any, fmt: str) -> list[Path]:
    ex.export_format.value = fmt
    ex.export_button.click()
    no_error(ex)
    paths: list[Path] = list(ex.last_export)
    assert [p.suffix for p in paths] == [f".{fmt}", ".json"]
    assert all(p.is_file() for p in paths)
    for p in paths:
        if p.suffix != ".json":
            assert html.escape(str(p)) in ex.status.value
    return paths


def test_term_export_png_and_numbering(make: Callable[..., Any], tmp_path: Path) -> None:
    ex = make("terms")
    ex.top_n.value = 10
    ex.sections.value = ("三",)
    first = click(ex, "png")
    assert first[0].parent == tmp_path
    data = first[0].read_bytes()
    assert data.startswith(PNG_MAGIC)
    meta = sidecar(first)
    assert meta["kind"] == "figure" and meta["studykit_version"] == studykit.__version__
    assert meta["files"] == [first[0].name]
    m = meta["meta"]
    assert m["explorer"] == "TermExplorer" and m["top_n"] == 10 and m["sections"] == ["三"]
    assert m["view"] == "bar" and m["stopwords_removed"] is True and m["document"]
    assert "导出" in ex.status.value

    ex.top_n.value = 12
    second = click(ex, "png")
    assert second[0] != first[0] and second[0].stem == first[0].stem + "-2"
    assert first[0].read_bytes() == data  # not overwritten
    assert sidecar(second)["meta"]["top_n"] == 12
    assert sidecar(first)["meta"]["top_n"] == 10


def test_term_export_csv(make: Callable[..., Any]) -> None:
    ex = make("terms")
    ex.pos.value = "noun"
    paths = click(ex, "csv")
    raw = paths[0].read_bytes()
    assert raw.startswith(BOM)
    back = pd.read_csv(paths[0], encoding="utf-8-sig")
    assert back["term"].tolist() == ex.result["term"].tolist()
    assert back["count"].tolist() == ex.result["count"].tolist()
    meta = sidecar(paths)
    assert meta["kind"] == "table" and meta["shape"] == list(ex.result.shape)
    assert meta["meta"]["pos"] == "noun"


def test_term_export_cloud(make: Callable[..., Any]) -> None:
    ex = make("terms")
    ex.view.value = "cloud"
    paths = click(ex, "png")
    assert paths[0].read_bytes().startswith(PNG_MAGIC)
    meta = sidecar(paths)
    assert meta["kind"] == "wordcloud" and meta["meta"]["view"] == "cloud"
    svg = click(ex, "svg")  # other formats take the figure
    assert sidecar(svg)["kind"] == "figure"


@pytest.mark.parametrize("kind", ["terms", "compare", "kwic", "structure", "formulations"])
def test_every_explorer_exports_png_and_csv(make: Callable[..., Any], kind: str) -> None:
    ex = make(kind)
    pic = click(ex, "png")
    assert pic[0].read_bytes().startswith(PNG_MAGIC)
    table = click(ex, "csv")
    assert table[0].read_bytes().startswith(BOM)
    back = pd.read_csv(table[0], encoding="utf-8-sig")
    assert len(back) == len(ex.result) and list(back.columns) == list(ex.result.columns)
    for paths in (pic, table):
        meta = sidecar(paths)
        assert meta["studykit_version"] == studykit.__version__
        assert meta["meta"]["explorer"] == type(ex).__name__


def test_kwic_export_meta(make: Callable[..., Any]) -> None:
    ex = make("kwic")
    ex.query.value = "党建"
    ex.window.value = 30
    ex.sections.value = ("三",)
    paths = click(ex, "csv")
    back = pd.read_csv(paths[0], encoding="utf-8-sig")
    assert (back["match"] == "党建").all() and len(back) == len(ex.result)
    m = sidecar(paths)["meta"]
    assert m["explorer"] == "KwicExplorer"
    assert (m["query"], m["regex"], m["window"], m["sections"]) == ("党建", False, 30, ["三"])


def test_export_of_empty_result(make: Callable[..., Any], tmp_path: Path) -> None:
    ex = make("kwic")
    ex.query.value = "不存在的词"
    ex.export_format.value = "csv"
    ex.export_button.click()
    no_error(ex)
    assert "没有可导出的结果" in ex.messages.value
    assert list(tmp_path.iterdir()) == []


# --- errors inside callbacks ------------------------------------------------------------------------
MODULE_OF = {
    "terms": "studykit.explorers.terms", "compare": "studykit.explorers.compare",
    "kwic": "studykit.explorers.concordance", "structure": "studykit.explorers.structure",
    "formulations": "studykit.explorers.patterns",
}
ERROR_CASES: list[tuple[str, str, str, Any]] = [
    ("terms", "term_frequencies", "top_n", 10),
    ("compare", "keyness", "min_count", 4),
    ("compare", "plot_term_heatmap", "heat_terms", 6),
    ("kwic", "kwic", "query", "党建"),
    ("structure", "_section_html", "picker", "三"),
    ("formulations", "plot_formulations", "kind", "numbered"),
]


@pytest.mark.parametrize(("kind", "target", "control", "value"), ERROR_CASES, ids=[f"{k}-{t}" for k, t, _, _ in ERROR_CASES])
def test_callback_errors_are_shown_and_logged(
    make: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    kind: str, target: str, control: str, value: Any,
) -> None:
    ex = make(kind)

    def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("爆炸了 boom-42")

    monkeypatch.setattr(importlib.import_module(MODULE_OF[kind]), target, boom)
    with caplog.at_level(logging.ERROR, logger="studykit"):
        getattr(ex, control).value = value  # must not raise
    assert "爆炸了 boom-42" in ex.messages.value
    assert "RuntimeError" in ex.messages.value and "出错了" in ex.messages.value
    assert "Traceback" in ex.messages.value  # the details are there too
    records = [r for r in caplog.records if r.name == "studykit" and r.levelno >= logging.ERROR]
    assert records and records[-1].exc_info is not None
    assert "爆炸了 boom-42" in str(records[-1].exc_info[1])
    monkeypatch.undo()
    getattr(ex, control).value = getattr(ex, control).value  # no change, no callback
    ex.export_button.click()  # the explorer still works: the next action clears the error
    assert "出错了" not in ex.messages.value


def test_export_error_is_shown(make: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
                               caplog: pytest.LogCaptureFixture) -> None:
    ex = make("terms")

    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("磁盘满了 disk full")

    monkeypatch.setattr(importlib.import_module("studykit.explorers.base"), "export", fail)
    with caplog.at_level(logging.ERROR, logger="studykit"):
        ex.export_button.click()
    assert "磁盘满了 disk full" in ex.messages.value
    assert any(r.name == "studykit" for r in caplog.records)


# --- dashboard and global state -------------------------------------------------------------------
def _jieba_state() -> tuple[Any, ...]:
    dt = jieba.dt
    return (dt, dt.initialized, dt.total, len(dt.FREQ) if dt.FREQ else 0, dict(dt.user_word_tag_tab),
            jieba.posseg.dt, len(jieba.posseg.dt.word_tag_tab))


@pytest.fixture(scope="module")
def baseline() -> tuple[dict[str, Any], tuple[Any, ...]]:
    """matplotlib's rcParams and jieba's default tokenizer before the dashboard is built."""
    return copy.deepcopy(dict(matplotlib.rcParams.items())), _jieba_state()


@pytest.fixture(scope="module")
def dash(
    baseline: Any, doc: Document, font: FontChoice, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    # Tokenizes again, with a fresh JiebaSegmenter (studykit's own jieba tokenizer).
    return E.explore(doc, folder=tmp_path_factory.mktemp("dash"), font=font)


def test_dashboard_tabs(dash: Any) -> None:
    assert isinstance(dash, E.Dashboard)
    assert len(dash.tabs.children) == 5
    assert tuple(dash.tabs.titles) == ("结构", "词频", "章节比较", "上下文", "提法")
    explorers = [dash.structure, dash.terms, dash.compare, dash.kwic, dash.formulations]
    assert list(dash.tabs.children) == [e.widget for e in explorers]
    for ex in explorers:
        no_error(ex)
    assert dash.terms.table is dash.compare.table is dash.kwic.table  # tokenized once
    assert "application/vnd.jupyter.widget-view+json" in dash._repr_mimebundle_()


@pytest.mark.parametrize("source", ["terms", "compare"])
def test_dashboard_pick_opens_kwic(dash: Any, source: str) -> None:
    dash.tabs.selected_index = 0
    dash.kwic.regex.value = True
    ex = getattr(dash, source)
    options = [v for _, v in ex.picker.options if v]
    term = options[1] if options[1] != dash.kwic.query.value else options[2]
    ex.picker.value = term
    no_error(ex)
    assert dash.kwic.query.value == term
    assert dash.kwic.regex.value is False
    assert dash.tabs.selected_index == dash.TABS.index("上下文") == 3
    no_error(dash.kwic)
    assert not dash.kwic.result.empty
    assert (dash.kwic.result["match"] == term).all()
    assert yticks(ax0(dash.kwic)) == [term]


def test_rcparams_and_jieba_unchanged(baseline: Any, dash: Any, make: Callable[..., Any]) -> None:
    terms = make("terms")
    terms.view.value = "cloud"
    terms.sections.value = ("三",)
    terms.export_format.value = "pdf"
    terms.export_button.click()
    kw = make("kwic")
    kw.query.value = "党建"
    kw.export_format.value = "svg"
    kw.export_button.click()
    make("structure").picker.value = "二"
    make("formulations").kind.value = "parallel"
    dash.compare.measure.value = "log_odds"
    dash.compare.heat_terms.value = 7
    dash.terms.pos.value = "verb"
    dash.terms.picker.value = dash.terms.result["term"].iloc[0]
    for ex in (terms, kw, dash.compare, dash.terms, dash.kwic):
        no_error(ex)
    rc, dt = baseline
    assert copy.deepcopy(dict(matplotlib.rcParams.items())) == rc
    assert _jieba_state() == dt
