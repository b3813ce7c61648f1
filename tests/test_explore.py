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
import io
import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import itertools

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
            return E.FormulationExplorer(doc, table=table, **common)
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
    assert [r[4] for r in ex.chart.image.regions] == ex.result["term"].tolist()  # one clickable bar each
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
        names = {"0": "导语"}  # the preamble is named, never "0"
        assert all(names.get(s, s) in ax.get_title() for s in kwargs["sections"])
        assert "0" not in ax.get_title()
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
        assert [r[4] for r in ex.chart.image.regions] == labels  # every bar can be clicked
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
        assert ex.result["chars"].tolist() == [sum(not c.isspace() for c in p.text) for p in paragraphs]
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
    assert ex.picker.value.count("data-pick=") == len(ex.result)
    ax = ax0(ex)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["导语", "一", "二", "三", "四"]
    figure = ex.chart.figure
    for kind in ("numbered", "quote", "parallel", "four_char_list", "*"):
        ex.kind.value = kind
        no_error(ex)
        expected = items if kind == "*" else items[items["kind"] == kind]
        pd.testing.assert_frame_equal(ex.result, expected.reset_index(drop=True))
        assert ex.picker.value.count("data-pick=") == len(ex.result)
        assert ex.chart.figure is figure and len(figure.axes) == 1
        # The chart follows the kind: its bars add up to the occurrences of that kind.
        bars = sum(p.get_height() for p in ax0(ex).patches)
        wanted = ("numbered", "parallel") if kind == "*" else (kind,)
        assert bars == expected[expected["kind"].isin(wanted)]["count"].sum()
    ex.min_count.value = 2
    pd.testing.assert_frame_equal(ex.result, items[items["count"] >= 2].reset_index(drop=True))
    assert ex.chart.figure is figure and len(figure.axes) == 1


def test_formulation_click_opens_contexts_inline(make: Callable[..., Any], doc: Document) -> None:
    ex = make("formulations")
    assert ex.kwic is None and ex.contexts.children == ()
    ex.kind.value = "numbered"
    first = ex.result.iloc[0]
    ex.picker.pick("0")
    no_error(ex)
    assert ex.kwic is not None and ex.kwic.widget in ex.contexts.children
    assert ex.kwic.query.value == first["text"] and ex.kwic.regex.value is False
    assert len(ex.kwic.result) == first["count"]
    assert (ex.kwic.result["match"] == first["text"]).all()
    # A quoted phrase is searched inside its quotation marks, so 「在线」 is not every 在线.
    ex.kind.value = "quote"
    rows = [i for i, t in enumerate(ex.result["text"]) if doc.text.count(t) > ex.result["count"].iloc[i]]
    assert rows, "the seed has a quoted phrase that also occurs unquoted"
    row, text = rows[0], ex.result["text"].iloc[rows[0]]
    ex.picker.pick(str(row))
    no_error(ex.kwic)
    assert ex.kwic.regex.value is True
    assert len(ex.kwic.result) == ex.result["count"].iloc[row] < doc.text.count(text)
    assert (ex.kwic.result["match"].str[1:-1] == text).all()


def test_formulation_nothing_matches(make: Callable[..., Any]) -> None:
    ex = make("formulations")
    columns = list(ex.result.columns)
    ex.kind.value = "quote"
    ex.min_count.value = 5
    no_error(ex)
    assert ex.result.empty and list(ex.result.columns) == columns
    assert "没有符合条件的提法" in ex.messages.value
    assert "data-pick" not in ex.picker.value


# --- export -----------------------------------------------------------------------------------------
def sidecar(paths: list[Path]) -> dict[str, Any]:
    (json_path,) = [p for p in paths if p.suffix == ".json"]
    data: dict[str, Any] = json.loads(json_path.read_text(encoding="utf-8"))
    return data


def tick(ex: Any, *formats: str) -> None:
    for fmt, box in ex.export_formats.items():
        box.value = fmt in formats


def click(ex: Any, fmt: str) -> list[Path]:
    tick(ex, fmt)
    ex.export_button.click()
    no_error(ex)
    paths: list[Path] = list(ex.last_export)
    assert [p.suffix for p in paths] == [f".{fmt}", ".json"]
    assert all(p.is_file() for p in paths)
    for p in paths:
        if p.suffix != ".json":
            assert f"data-lab-path='{html.escape(os.path.abspath(p), quote=True)}'" in ex.status.value
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

    assert first[0].stem == "推动政协党建与履职工作深度融合-词频-三-前10"  # document, view, selection
    ex.view.value = "cloud"
    ex.view.value = "bar"  # the same chart again: the same stem exists, so it is numbered
    second = click(ex, "png")
    assert second[0] != first[0] and second[0].stem == first[0].stem + "-2"
    assert first[0].read_bytes() == data  # not overwritten
    ex.top_n.value = 12  # another selection, another stem
    third = click(ex, "png")
    assert third[0].stem == "推动政协党建与履职工作深度融合-词频-三-前12"
    assert sidecar(third)["meta"]["top_n"] == 12
    assert sidecar(first)["meta"]["top_n"] == 10


def test_term_export_csv(make: Callable[..., Any]) -> None:
    ex = make("terms")
    ex.pos.value = "noun"
    paths = click(ex, "csv")
    raw = paths[0].read_bytes()
    assert raw.startswith(BOM)
    back = pd.read_csv(paths[0], encoding="utf-8-sig")
    assert list(back.columns)[:4] == ["词语", "次数", "每千词", "分布章节数"]  # Chinese headers for people
    assert not set(back.columns) & set(ex.result.columns)  # every column named in Chinese
    assert back["词语"].tolist() == ex.result["term"].tolist()
    assert back["次数"].tolist() == ex.result["count"].tolist()
    meta = sidecar(paths)
    assert meta["kind"] == "table" and meta["shape"] == list(ex.result.shape)
    assert meta["meta"]["pos"] == "noun"


def test_term_export_cloud(make: Callable[..., Any]) -> None:
    ex = make("terms")
    ex.view.value = "cloud"
    paths = click(ex, "png")
    assert paths[0].read_bytes().startswith(PNG_MAGIC)
    meta = sidecar(paths)
    # The PNG is the figure, title included, exactly like the SVG and PDF (not the bare cloud).
    assert meta["kind"] == "figure" and meta["meta"]["view"] == "cloud"
    svg = click(ex, "svg")
    assert sidecar(svg)["kind"] == "figure"


@pytest.mark.parametrize("kind", ["terms", "compare", "kwic", "structure", "formulations"])
def test_every_explorer_exports_png_and_csv(make: Callable[..., Any], kind: str) -> None:
    ex = make(kind)
    pic = click(ex, "png")
    assert pic[0].read_bytes().startswith(PNG_MAGIC)
    table = click(ex, "csv")
    assert table[0].read_bytes().startswith(BOM)
    back = pd.read_csv(table[0], encoding="utf-8-sig")
    headers = importlib.import_module("studykit.draw.export").ZH_HEADERS
    assert len(back) == len(ex.result) and list(back.columns) == [headers.get(c, c) for c in ex.result.columns]
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
    assert (back["检索词"] == "党建").all() and len(back) == len(ex.result)
    m = sidecar(paths)["meta"]
    assert m["explorer"] == "KwicExplorer"
    assert (m["query"], m["regex"], m["window"], m["sections"]) == ("党建", False, 30, ["三"])


def test_export_of_empty_result(make: Callable[..., Any], tmp_path: Path) -> None:
    ex = make("kwic")
    ex.query.value = "不存在的词"
    tick(ex, "csv")
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
def test_dashboard_click_opens_kwic(dash: Any, source: str) -> None:
    dash.tabs.selected_index = 0
    dash.kwic.regex.value = True
    ex = getattr(dash, source)
    options = [r[4] for r in ex.chart.image.regions]
    term = options[1] if options[1] != dash.kwic.query.value else options[2]
    ex.chart.image.pick(term)  # a click on the bar
    no_error(ex)
    assert ex.kwic is None and ex.contexts.children == ()  # not inline: the dashboard's KWIC tab
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
    terms.export(["pdf"])
    kw = make("kwic")
    kw.query.value = "党建"
    kw.export(["svg"])
    make("structure").picker.value = "二"
    make("formulations").kind.value = "parallel"
    dash.compare.measure.value = "log_odds"
    dash.compare.heat_terms.value = 7
    dash.terms.pos.value = "verb"
    dash.terms.chart.image.pick(dash.terms.result["term"].iloc[0])
    dash.formulations.picker.pick("0")
    for ex in (terms, kw, dash.compare, dash.terms, dash.kwic):
        no_error(ex)
    rc, dt = baseline
    assert copy.deepcopy(dict(matplotlib.rcParams.items())) == rc
    assert _jieba_state() == dt


# --- charts that fit -------------------------------------------------------------------------------
def png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return im.size


def test_bars_cloud_bars_restores_the_chart(make: Callable[..., Any]) -> None:
    ex = make("terms")
    before = png_size(ex.chart.image.value)
    ax = ax0(ex)
    box = ax.get_position()
    ex.view.value = "cloud"
    no_error(ex)
    assert ax0(ex).get_aspect() == 1.0 and png_size(ex.chart.image.value)[0] == before[0]
    ex.view.value = "bar"
    no_error(ex)
    ax = ax0(ex)
    assert ax.get_aspect() == "auto" and ax.axison  # nothing of the cloud's view is left
    assert png_size(ex.chart.image.value) == before  # same size and aspect as the first bars
    after = ax.get_position()
    assert after.width == pytest.approx(box.width, abs=0.02) and after.width > 0.7  # not a narrow column
    paths = ex.export(["png"])  # and the export is the same readable chart
    w, h = png_size(paths[0].read_bytes())
    assert w / h == pytest.approx(before[0] / before[1], rel=0.15)


def test_sixty_bars_grow_the_figure_and_never_overlap(make: Callable[..., Any]) -> None:
    ex = make("terms")
    ex.top_n.value = 60
    no_error(ex)
    fig = ex.chart.figure
    assert fig.get_figheight() == pytest.approx(studykit.draw.charts.bar_figure_height(60))
    width, height = png_size(ex.chart.image.value)
    assert height > 1000 and width == 750
    renderer = fig.canvas.get_renderer()
    labels = sorted((t.get_window_extent(renderer) for t in ax0(ex).get_yticklabels()), key=lambda b: b.y0)
    assert len(labels) == 60
    assert all(a.y1 <= b.y0 + 0.01 for a, b in itertools.pairwise(labels))
    title = ax0(ex).title.get_window_extent(renderer)
    assert title.y1 <= fig.bbox.height and ax0(ex).get_title()
    ex.top_n.value = 10  # and back: the figure shrinks again
    assert fig.get_figheight() == pytest.approx(studykit.draw.charts.bar_figure_height(10))


def test_sliders_fill_their_column(make: Callable[..., Any]) -> None:
    ex = make("terms")
    assert ex.min_len.layout.width == "95%" and ex.min_len.layout.min_width == "300px"
    assert ex.top_n.layout.width == "100%"  # above the chart, as wide as it
    right = ex.widget.children[1].children[1]
    assert right.children[0] is ex.top_n and right.children[1] is ex.chart.box


def test_similarity_chart_has_short_labels_and_a_caption(make: Callable[..., Any]) -> None:
    ex = make("compare")
    ax = ex.similarity_chart.figure.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["导语", "一", "二", "三", "四"]
    note = [t.get_text() for t in ax.texts if t.get_gid() == "studykit-caption"]
    assert note and "三：促进政协党建与履职工作共同提升" in note[0]


# --- views that link -------------------------------------------------------------------------------
def test_click_a_bar_opens_its_contexts_inline(make: Callable[..., Any], doc: Document) -> None:
    ex = make("terms")
    keys = [r[4] for r in ex.chart.image.regions]
    assert keys == ex.result["term"].tolist()
    for x0, y0, x1, y1, *_ in ex.chart.image.regions:
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
    ys = [r[1] for r in ex.chart.image.regions]
    assert ys == sorted(ys)  # top to bottom, like the bars
    ex.chart.image.pick("党建")
    no_error(ex)
    assert ex.kwic is not None and ex.kwic.widget in ex.contexts.children
    assert ex.kwic.query.value == "党建"
    assert len(ex.kwic.result) == len(kwic(doc, "党建"))
    ex.close_contexts()
    assert ex.contexts.children == ()
    ex.chart.image.pick("履职")  # the same inline explorer comes back with the new query
    assert ex.kwic.widget in ex.contexts.children and ex.kwic.query.value == "履职"


def test_click_a_word_of_the_cloud(make: Callable[..., Any]) -> None:
    ex = make("terms")
    ex.view.value = "cloud"
    regions = ex.chart.image.regions
    assert {r[4] for r in regions} == {w for (w, _), *_ in ex.cloud.layout_}
    biggest = ex.cloud.layout_[0][0][0]
    ex.chart.image.pick(biggest)
    no_error(ex)
    assert ex.kwic is not None and ex.kwic.query.value == biggest and not ex.kwic.result.empty


def test_click_a_keyness_bar(make: Callable[..., Any]) -> None:
    ex = make("compare")
    keys = [r[4] for r in ex.chart.image.regions]
    assert keys == yticks(ax0(ex)) and keys
    ex.chart.image.pick(keys[-1])  # a term key to the reference
    no_error(ex)
    assert ex.kwic is not None and ex.kwic.query.value == keys[-1] and not ex.kwic.result.empty


def test_reader_pane_shows_the_whole_paragraph(make: Callable[..., Any], doc: Document) -> None:
    ex = make("kwic", query="协商")
    assert "点击" in ex.reader.value and ex.reading is None
    rows = ex.results.value.count("data-pick=")
    assert rows == len(ex.result) > 1
    hit = ex.result.iloc[1]
    ex.results.pick("1")
    no_error(ex)
    assert ex.reading == 1
    paragraph = doc.paragraphs[int(hit["paragraph"])]
    reader = ex.reader.value
    plain = re.sub(r"<[^>]+>", "", reader.split("<div class='sk-reader'>")[1])
    assert html.escape(paragraph.text) in html.escape(html.unescape(plain))  # the whole paragraph
    sec = doc.section(str(hit["section"]).split("/")[0])
    assert html.escape(f"{sec.label} {sec.title}") in reader  # its section path
    assert "<mark>协商</mark>" in reader  # the hit clicked, highlighted
    assert reader.count("<mark") == paragraph.text.count("协商")  # other hits in it marked too
    ex.query.value = "党建"  # a new search resets the pane
    assert ex.reading is None


def test_structure_highlights_a_term_and_lengths_agree(make: Callable[..., Any], doc: Document) -> None:
    ex = make("structure")
    ex.picker.value = "三"
    ex.highlight.value = "党建"
    no_error(ex)
    sec = doc.section("三")
    body = "".join(p.text for p in sec.all_paragraphs())
    n = body.count("党建") + sum(s.heading.text.count("党建") for s in sec.walk() if s.heading)
    assert ex.text.value.count("<mark class='sk-hit'>党建</mark>") == n
    assert f"<b>{n}</b>" in ex.text.value
    ex.highlight.value = "不存在"
    assert "没有「不存在」" in ex.text.value and "<mark" not in ex.text.value
    # The list, the tree and the chart give each section the same length (headings included).
    bars = dict(zip(yticks(ax0(ex)), (p.get_width() for p in ax0(ex).patches), strict=True))
    for (label, path), top in zip(ex.picker.options, doc.walk(), strict=True):
        chars = ex.sizes[path]
        assert label.endswith(f"· {chars} 字")
        assert f"{chars} 字</span>" in ex.tree.value
        if top.level <= 1:
            shown = [v for k, v in bars.items() if k.startswith(section_name(top))]
            assert shown == [chars]
    assert ex.lengths["chars"].tolist() == [ex.sizes[s.path] for s in doc.sections]
    ex.chart.image.pick("二")  # clicking a bar opens that section
    assert ex.picker.value == "二" and html.escape(doc.section("二").display) in ex.text.value


def section_name(sec: Any) -> str:
    return "导语" if sec.level == 0 else str(sec.label)


NOTICE = """关于开展基层协商试点工作的通知

各乡镇人民政府，各有关单位：
为推进基层协商民主建设，现就有关事项通知如下。

一、工作目标
到年底，形成一批可复制的基层协商经验。

二、主要任务
（一）健全协商平台。推动协商议事室建设全覆盖，每月开展一次协商活动。
（二）丰富协商形式。开展线上线下相结合的协商活动，方便群众参与协商。
（三）规范协商程序。明确议题提出、协商讨论、成果运用的程序。
（四）加强成果运用。协商成果按程序报送，及时向群众反馈落实情况。
（五）强化队伍建设。培训协商骨干，提高协商议事能力。

三、保障措施
各单位要加强组织领导，落实经费保障，确保试点取得实效。
"""


@pytest.fixture(scope="module")
def notice() -> Document:
    return studykit.parse_document(studykit.read_source(NOTICE))


def test_filters_offer_subsections_with_their_own_markers(notice: Document, font: FontChoice,
                                                          tmp_path: Path) -> None:
    table = tokenize(notice)
    ex = E.TermExplorer(notice, table=table, folder=tmp_path, font=font)
    labels = {v: k for k, v in ex.sections.options}
    assert [labels[f"二/{n}"].strip()[:3] for n in "一二三四五"] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert labels["二"].startswith("二 ") and labels["二/一"].startswith("　（一）")
    ex.sections.value = ("二/二",)
    no_error(ex)
    pd.testing.assert_frame_equal(ex.result, expected_terms(table, sections=["二/二"]))
    assert "二（二）" in ax0(ex).get_title()  # not confused with section 二
    cmp = E.CompareExplorer(notice, table=table, folder=tmp_path, font=font)
    cmp.target.value = ("二/一",)
    cmp.reference_mode.value = "chosen"
    cmp.reference.value = ("二/二", "二/三")
    no_error(cmp)
    pd.testing.assert_frame_equal(cmp.result, keyness(table, ["二/一"], ["二/二", "二/三"]))
    assert "二（一）对二（二）、二（三）" in cmp.export_name.value
    kw = E.KwicExplorer(notice, "协商", table=table, folder=tmp_path, font=font)
    kw.sections.value = ("二/五",)
    assert len(kw.result) == len(kwic(notice, "协商", sections="二/五")) > 0


def test_tables_name_the_preamble_and_the_title(doc: Document) -> None:
    base = importlib.import_module("studykit.explorers.base")
    frame = pd.DataFrame({"section": ["", "0", "三"], "section_title": ["", "导语", "促进"],
                          "term": ["推动", "重要", "党建"], "count": [1, 3, 5]})
    shown = base.readable_table(frame, doc)
    assert shown["章节"].tolist() == ["标题", "导语", "三"]
    assert shown["章节标题"].tolist() == ["标题", "导语", "促进"]
    assert list(shown.columns) == ["章节", "章节标题", "词语", "次数"]
    assert frame["section"].tolist() == ["", "0", "三"]  # the code's frame is unchanged


def test_a_word_only_in_the_title_has_range_zero() -> None:
    # analysis/__init__: "range is the number of top-level sections a term occurs in; title tokens
    # belong to no section". 示范区 occurs only in the title.
    doc = studykit.parse_document(studykit.read_source("建设协商示范区的意见\n\n一、总体要求\n加强协商。\n\n二、主要任务\n推进协商。\n"))
    freqs = term_frequencies(tokenize(doc))
    row = freqs[freqs["term"].str.contains("示范")]
    assert not row.empty and (row["range"] == 0).all()
    assert freqs.loc[freqs["term"] == "协商", "range"].item() == 2


# --- exports ---------------------------------------------------------------------------------------
def test_one_click_writes_several_formats_under_one_stem(make: Callable[..., Any], tmp_path: Path) -> None:
    ex = make("terms")
    ex.sections.value = ("三",)
    tick(ex, "png", "svg", "pdf", "csv")
    ex.export_button.click()
    no_error(ex)
    paths = ex.last_export
    stem = "推动政协党建与履职工作深度融合-词频-三-前20"
    assert [p.name for p in paths] == [f"{stem}.{s}" for s in ("png", "svg", "pdf", "csv", "json")]
    assert all(p.is_file() for p in paths)
    meta = sidecar(paths)  # one sidecar, shared, listing every file
    assert meta["files"] == [f"{stem}.{s}" for s in ("png", "svg", "pdf", "csv")]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    assert paths[1].read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert paths[2].read_bytes().startswith(b"%PDF")
    again = ex.export(["png", "csv"])  # that stem exists: the whole export is numbered
    assert [p.name for p in again] == [f"{stem}-2.png", f"{stem}-2.csv", f"{stem}-2.json"]
    links = re.findall(r"data-lab-path='([^']+)'", ex.status.value)  # links to the files just written
    assert links == [os.path.abspath(p) for p in again[:2]]


def test_stem_follows_the_view_and_can_be_edited(make: Callable[..., Any], tmp_path: Path) -> None:
    ex = make("terms")
    assert ex.export_name.value == "推动政协党建与履职工作深度融合-词频-全部章节-前20"
    ex.view.value = "cloud"
    assert ex.export_name.value.endswith("-词云")
    ex.export_name.value = "我的 图/1"
    ex.sections.value = ("二",)  # the user's own name is kept
    assert ex.export_name.value == "我的 图/1"
    (png, _json) = ex.export(["png"])
    assert png.name == "我的 图_1.png" and png.parent == tmp_path  # sanitised, not refused
    ex.export_name.value = ""  # cleared: it follows the selection again
    ex.sections.value = ("三",)
    assert ex.export_name.value == "推动政协党建与履职工作深度融合-词频-三-前20-词云"
    cmp = make("compare")
    cmp.measure.value = "log_ratio"
    assert cmp.export_name.value.endswith("关键性-一对其余章节-对数比")
    kw = make("kwic", query="党建")
    assert kw.export_name.value.endswith("上下文-党建")


@pytest.mark.parametrize("title", ["\ufeff推动/政协\u200b党建", "..", "a\\b:c*?", "\u200d"])
def test_export_works_whatever_the_title(title: str, font: FontChoice, tmp_path: Path) -> None:
    doc = studykit.parse_document(studykit.read_source(f"{title}\n\n一、总体要求\n加强协商，推进协商。\n"))
    ex = E.KwicExplorer(doc, "协商", folder=tmp_path, font=font)
    paths = ex.export(["csv", "png"])
    no_error(ex)
    assert paths and all(p.parent == tmp_path and p.is_file() for p in paths)
    for p in paths:
        assert not set(p.stem) & set('/\\:*?"<>|\ufeff\u200b\u200d') and not p.name.startswith(".")


# --- your own document -----------------------------------------------------------------------------
def test_loader_paste_and_upload(font: FontChoice, tmp_path: Path) -> None:
    import datetime

    loader = E.DocumentLoader(folder=tmp_path, font=font)
    loader.paste_button.click()
    assert "粘贴框是空的" in loader.messages.value and loader.dashboard is None
    loader.paste.value = NOTICE
    loader.paste_button.click()
    assert loader.messages.value == "", loader.messages.value
    assert loader.document is not None and loader.document.title == "关于开展基层协商试点工作的通知"
    assert loader.dashboard is not None and loader.output.children == (loader.dashboard.tabs,)
    assert "已打开" in loader.summary.value
    loader.paste.value = "notes.txt"  # a line that looks like a file name is still pasted text
    loader.paste_button.click()
    assert loader.document.source.name == "粘贴的文本" and loader.document.text == "notes.txt"
    data = NOTICE.encode("gb18030")
    upload = {"name": "通知-gbk.txt", "type": "text/plain", "size": len(data), "content": memoryview(data),
              "last_modified": datetime.datetime.now(datetime.UTC)}
    loader.upload.value = (upload,)
    assert loader.messages.value == "", loader.messages.value
    assert loader.document.source.name == "通知-gbk.txt" and loader.document.source.encoding == "gb18030"
    assert [s.path for s in loader.document.walk()] == [s.path for s in
                                                       studykit.parse_document(studykit.read_source(NOTICE)).walk()]
    bad = {**upload, "name": "图片.txt", "content": memoryview(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)}
    loader.upload.value = (bad,)
    assert "图片.txt" in loader.messages.value and "出错了" not in loader.messages.value


def test_concurrent_widget_messages_do_not_share_the_figure(make: Callable[..., Any]) -> None:
    """ipykernel 7 can run widget callbacks on several threads: an export (savefig at 200 dpi)
    and a redraw must not interleave on the one figure, or the preview comes out at 200 dpi."""
    import threading

    ex = make("terms")
    sizes: list[tuple[int, int]] = []
    seen = threading.Lock()

    def exports() -> None:
        for _ in range(3):
            ex._call(lambda: ex.export(["png", "pdf"]))

    def redraws() -> None:
        for n in (21, 22, 23, 24, 25, 26):
            ex.top_n.value = n
            with seen:
                sizes.append(png_size(ex.chart.image.value))

    threads = [threading.Thread(target=exports), threading.Thread(target=redraws)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    no_error(ex)
    assert sizes and all(w == 750 for w, _ in sizes)
    assert png_size(ex.chart.image.value)[0] == 750 and ex.figure.dpi == 100


UPLOAD_MD = "# 协商试点报告\n\n## 总体要求\n\n推进基层协商。\n\n## 主要任务\n\n完善协商制度。\n"
UPLOAD_BIG5 = "關於開展基層協商試點工作的通知\n\n一、總體要求\n\n推進基層協商，完善協商制度，提高協商質量。\n"
UPLOAD_HTML = ("<html><head><title>协商试点</title></head><body><article><h1>协商试点报告</h1>"
               "<p>一、总体要求</p><p>推进基层协商，完善协商制度，提高协商质量。</p></article></body></html>")


def test_loader_reads_an_upload_as_its_file_name_says(font: FontChoice, tmp_path: Path) -> None:
    """An uploaded file gives the document sk.load gives for a file of that name: .md as
    Markdown, .html as a page, .txt as text, in whatever encoding it came."""
    import datetime

    loader = E.DocumentLoader(folder=tmp_path, font=font)
    data = UPLOAD_MD.encode("gb18030")
    loader.upload.value = ({"name": "报告.md", "type": "text/markdown", "size": len(data),
                            "content": memoryview(data), "last_modified": datetime.datetime.now(datetime.UTC)},)
    assert loader.messages.value == "", loader.messages.value
    assert loader.document is not None and loader.document.source.format == "markdown"
    assert loader.document.title == "协商试点报告"
    assert [s.title for s in loader.document.walk() if s.level > 0] == ["总体要求", "主要任务"]
    for name, text, codec in [("报告.md", UPLOAD_MD, "gb18030"), ("报告.markdown", UPLOAD_MD, "utf-8"),
                              ("页面.html", UPLOAD_HTML, "utf-8"), ("页面.HTM", UPLOAD_HTML, "gb18030"),
                              ("报告.txt", UPLOAD_MD, "utf-8"), ("通知.txt", UPLOAD_BIG5, "big5"),
                              ("无后缀", UPLOAD_HTML, "utf-8")]:
        (tmp_path / name).write_bytes(text.encode(codec))
        loaded = load(tmp_path / name)
        uploaded = studykit.parse_document(studykit.read_source(
            text.encode(codec), name=name, format=E.explorers.loader.upload_format(name)))
        assert (uploaded.source.format, uploaded.source.encoding, uploaded.title, uploaded.text) == (
            loaded.source.format, loaded.source.encoding, loaded.title, loaded.text), name
        assert [(s.path, s.title) for s in uploaded.walk()] == [(s.path, s.title) for s in loaded.walk()], name


def test_loader_paste_with_lone_surrogates_is_read_with_a_warning(font: FontChoice, tmp_path: Path) -> None:
    loader = E.DocumentLoader(folder=tmp_path, font=font)
    loader.paste.value = "一、总体要求\n推进\ud800发展。\n\n二、主要任务\n改革\udfff开放。\n"
    loader.paste_button.click()
    assert "出错了" not in loader.messages.value and "2 lone surrogate" in loader.messages.value
    assert loader.document is not None and loader.document.text.count("\ufffd") == 2
    assert [s.label for s in loader.document.walk() if s.level > 0] == ["一", "二"]


NO_FORMULATIONS = "一、总体要求\n加强领导，推进工作。\n\n二、工作安排\n落实责任。\n"


def test_formulations_of_a_document_without_any(font: FontChoice, tmp_path: Path) -> None:
    short = load(text=NO_FORMULATIONS)
    ex = E.FormulationExplorer(short, folder=tmp_path, font=font)
    assert "缺少列" not in ex.messages.value
    assert "没有符合条件的提法" in ex.messages.value
    assert ex.result.empty
    ax = ax0(ex)
    assert all(bar.get_height() == 0 for bar in ax.patches)  # an empty chart, one slot per section
    assert [t.get_text() for t in ax.get_xticklabels()] == ["一", "二"]
    assert ax.get_ylim() == (0.0, 1.0)
    with pytest.raises(studykit.StudykitError, match="没有可导出的结果"):
        ex.export(["csv"])
    assert [p.suffix for p in ex.export(["png"])] == [".png", ".json"]  # the chart still exports
    dash = E.explore(short, folder=tmp_path, font=font)
    assert "没有符合条件的提法" in dash.formulations.messages.value


def test_a_click_keeps_the_chosen_sections(make: Callable[..., Any], doc: Document, table: pd.DataFrame) -> None:
    ex = make("terms")
    ex.sections.value = ("一",)
    counted = int(ex.result.set_index("term").loc["党", "count"])
    assert counted < len(select(table, sections=["一"]))
    ex.chart.image.pick("党")
    no_error(ex)
    assert ex.kwic is not None and ex.kwic.sections.value == ("一",)
    within = kwic(doc, "党", sections=["一"])
    assert len(ex.kwic.result) == len(within) < len(kwic(doc, "党"))
    assert set(ex.kwic.result["section"].str.split("/").str[0]) == {"一"}
    assert f"所选章节（一）中共 <b>{len(within)}</b> 处，全文 {len(kwic(doc, '党'))} 处" in ex.kwic.count.value
    assert f"单独成词的「党」有 {counted} 个" in ex.kwic.count.value  # the bar's count, same sections
    assert ax0(ex.kwic).get_title() == "「党」在所选章节（一）中的分布"
    ex.sections.value = (studykit.explorers.base.ALL,)
    ex.chart.image.pick("党")  # the whole document again
    assert ex.kwic.sections.value == ("*",) and len(ex.kwic.result) == len(kwic(doc, "党"))


def test_a_keyness_click_keeps_target_and_reference(make: Callable[..., Any], doc: Document) -> None:
    ex = make("compare")
    ex.reference_mode.value = "chosen"
    ex.reference.value = ("三",)
    term = next(r[4] for r in ex.chart.image.regions)
    ex.chart.image.pick(term)
    no_error(ex)
    assert ex.kwic is not None and ex.kwic.sections.value == (*ex.target.value, "三")
    assert len(ex.kwic.result) == len(kwic(doc, term, sections=[*ex.target.value, "三"]))


def test_dashboard_click_keeps_the_chosen_sections(dash: Any, doc: Document) -> None:
    dash.terms.sections.value = ("一",)
    dash.terms.chart.image.pick("党")
    assert dash.kwic.sections.value == ("一",)
    assert len(dash.kwic.result) == len(kwic(doc, "党", sections=["一"]))
    dash.terms.sections.value = ("*",)
    dash.formulations.pick("0")  # a formulation searches the whole document
    assert dash.kwic.sections.value == ("*",)


def many_sections(n: int) -> str:
    """A document of ``n`` top-level chapters (第1章 … 第n章), a short paragraph each."""
    words = ["加强领导", "推进工作", "落实责任", "改革创新", "协商民主", "人民政协"]
    return "关于若干问题的意见\n" + "".join(
        f"第{i}章 标题{i}\n{words[i % 6]}，{words[(i + 1) % 6]}，{words[(i * 5) % 6]}。\n\n" for i in range(1, n + 1)
    )


@pytest.fixture(scope="module")
def huge() -> Document:
    return load(text=many_sections(300))


def test_charts_stay_bounded_with_many_sections(huge: Document, font: FontChoice, tmp_path: Path) -> None:
    assert len(huge.sections) == 300
    dash = E.explore(huge, folder=tmp_path, font=font)
    for ex in (dash.structure, dash.terms, dash.compare, dash.kwic, dash.formulations):
        no_error(ex)
    for chart in (dash.structure.chart, dash.compare.similarity_chart, dash.compare.heatmap_chart,
                  dash.formulations.chart):
        width, height = chart.figure.get_size_inches()
        assert width <= 15 and height <= 14 and chart.image.value.startswith(PNG_MAGIC)
    bars = yticks(ax0(dash.structure))
    assert len(bars) == 40 and bars[0].startswith("第1章")
    assert "（前 40 部分，共 300 部分）" in ax0(dash.structure).get_title()
    assert len(dash.structure.chart.image.regions) == 40
    sim = dash.compare.similarity_chart.figure.axes[0]
    assert len(sim.get_yticklabels()) == 24 and "（前 24 部分，共 300 部分）" in sim.get_title()
    assert dash.compare.similarity.shape == (300, 300)  # the data stays whole
    heat = dash.compare.heatmap_chart.figure.axes[0]
    assert len(heat.get_yticklabels()) == 40 and "共 300 部分" in heat.get_title()
    form = ax0(dash.formulations)
    assert len(form.get_xticklabels()) <= 30


def test_a_missing_section_lists_ten_names_and_how_many_more(huge: Document) -> None:
    with pytest.raises(studykit.SectionNotFoundError) as err:
        select(tokenize(huge), sections=["第九千章"])
    message = str(err.value)
    assert "\n" not in message and len(message) < 200
    assert message.endswith("第10章 … and 290 more")


@pytest.mark.parametrize(("formats", "suffixes"), [
    ("png", [".png"]), ("png,svg", [".png", ".svg"]), ("PNG; csv", [".png", ".csv"]), ([".png"], [".png"]),
])
def test_export_takes_one_format_string_like_sk_export(make: Callable[..., Any], formats: Any,
                                                        suffixes: list[str]) -> None:
    ex = make("terms")
    written = ex.export(formats)
    assert [p.suffix for p in written] == [*suffixes, ".json"]
    assert all(p.is_file() for p in written)


def test_export_names_an_unknown_format(make: Callable[..., Any]) -> None:
    ex = make("terms")
    with pytest.raises(studykit.StudykitError, match=r"unknown format \['gif'\]"):
        ex.export("png,gif")


NESTED = ("一、总体要求\n加强领导，推进工作。\n\n二、重点工作\n（一）加强党建\n推进党建。\n\n落实责任。\n\n"
          "（二）完善制度\n完善制度。\n\n健全机制。\n\n落实制度。\n")


def test_pasted_text_without_a_title_exports_as_text(font: FontChoice, tmp_path: Path) -> None:
    ex = E.TermExplorer(load(text=NESTED), folder=tmp_path, font=font)
    assert ex.default_name().startswith("文本-词频-")
    assert all(p.name.startswith("文本-") for p in ex.export("png"))


def test_structure_tree_counts_the_paragraphs_of_subsections(font: FontChoice, tmp_path: Path) -> None:
    ex = E.StructureExplorer(load(text=NESTED), folder=tmp_path, font=font)
    assert "二 重点工作 <span style='color:#888'>5 段（含子节） · " in ex.tree.value
    ex.picker.value = "二"
    assert len(ex.result) == 5


def test_structure_export_keeps_the_chart_and_the_section_apart(font: FontChoice, tmp_path: Path) -> None:
    ex = E.StructureExplorer(load(text=NESTED), folder=tmp_path, font=font)
    ex.picker.value = "二"
    names = [p.name for p in ex.export("png,csv")]
    assert names == ["文本-结构-各部分篇幅.png", "文本-结构-各部分篇幅.json", "文本-结构-二.csv", "文本-结构-二.json"]
    assert ex.last_export == [tmp_path / n for n in names]
    ex.export_name.value = "我的导出"  # a name of one's own keeps both under it
    assert [p.name for p in ex.export(["png", "csv"])] == ["我的导出.png", "我的导出.csv", "我的导出.json"]


def test_an_error_while_building_the_comparison_stays_visible(
    make: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("相似度坏了 boom-7")

    monkeypatch.setattr(importlib.import_module("studykit.explorers.compare"), "plot_similarity", boom)
    ex = make("compare")  # the heatmap drawn after the similarity must not clear its error
    assert "相似度坏了 boom-7" in ex.messages.value
