"""The corpus explorer without a kernel: set a control, check ``ex.result``, the chart, the KWIC."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest

import studykit as sk

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "notebooks" / "data" / "青川市"


@pytest.fixture(scope="module")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> sk.CorpusExplorer:
    corpus = sk.load_corpus(SAMPLE, metadata=SAMPLE / "metadata.csv", cache=tmp_path_factory.mktemp("c"),
                            progress=False)
    return sk.CorpusExplorer(corpus, terms=["高质量发展", "脱贫攻坚"], folder=tmp_path_factory.mktemp("exports"))


def png(ex: sk.CorpusExplorer) -> bytes:
    value = bytes(ex.chart.image.value)
    assert value.startswith(b"\x89PNG")
    return value


def test_views_compute_and_redraw_one_figure(explorer: sk.CorpusExplorer) -> None:
    ex = explorer
    figure = ex.figure
    assert ex.view.value == "trend" and ex.by.value == "year"
    assert ex.result["term"].drop_duplicates().tolist() == ["高质量发展", "脱贫攻坚"]
    first = png(ex)
    ex.terms.value = "新质生产力，共同富裕"
    assert ex.result["term"].drop_duplicates().tolist() == ["新质生产力", "共同富裕"] and png(ex) != first
    ex.view.value = "keyness"
    assert ex.target.value == "year=2024" and ex.result.attrs["target"] == ["2024"]
    assert ex.target.layout.display == "" and ex.terms.layout.display == "none"
    ex.by.value = "mayor"
    assert ex.target.value == "mayor=林远" and ex.result.attrs["target"] == ["2019", "2020", "2021"]
    ex.target.value = "mayor=周敏"
    assert ex.result["term"].iloc[0] == "共同富裕"
    ex.by.value = "year"
    ex.view.value = "heatmap"
    assert ex.result["year"].nunique() == 6 and ex.result["term"].nunique() == ex.top_n.value
    ex.view.value = "first"
    assert {"新质生产力", "两个确立"} <= set(ex.result["term"])
    ex.view.value = "similarity"
    assert ex.result.shape == (6, 7)
    ex.view.value = "versions"
    assert (ex.old.value, ex.new.value) == ("2023", "2024") and "<del>" in ex.details.value
    assert set(ex.result["op"]) <= {"changed", "added", "removed"} and ex.diff is not None
    assert ex.figure is figure and ex.messages.value == ""


def test_choosing_documents_narrows_every_view(explorer: sk.CorpusExplorer) -> None:
    ex = explorer
    ex.view.value = "trend"
    ex.terms.value = "高质量发展"
    ex.documents.value = ("2019", "2020", "2021")
    assert ex.result["year"].tolist() == [2019, 2020, 2021]
    ex.view.value = "keyness"
    assert [v for _, v in ex.target.options] == ["year=2019", "year=2020", "year=2021"]
    assert ex.result.attrs["reference"] == ["2019", "2020"]
    ex.documents.value = ()
    assert "no document chosen" in ex.messages.value
    ex.documents.value = tuple(ex.corpus.ids)
    assert ex.messages.value == "" and len(ex.result.attrs["reference"]) == 5
    ex.view.value = "trend"


def test_errors_show_in_place(explorer: sk.CorpusExplorer) -> None:
    ex = explorer
    ex.view.value = "versions"
    ex.new.value = ex.old.value
    assert "same document" in ex.messages.value and ex.result.empty
    ex.new.value = "2024"
    ex.view.value = "trend"
    ex.terms.value = " "
    assert "type one or more terms" in ex.messages.value
    ex.terms.value = "高质量发展"
    assert ex.messages.value == "" and len(ex.result) == 6


def test_pick_a_term_for_kwic_across_the_corpus(explorer: sk.CorpusExplorer) -> None:
    ex = explorer
    ex.view.value = "trend"
    ex.terms.value = "高质量发展 新质生产力"
    ex.picker.value = "新质生产力"
    assert ex.kwic_table["doc"].tolist() == ["2024", "2024"] and "新质生产力" in ex.kwic_view.value
    ex.window.value = 5
    assert ex.kwic_table["left"].str.len().max() <= 5
    ex.picker.value = ""
    assert ex.kwic_table.empty and ex.kwic_view.value == ""


def test_export_writes_the_chart_and_the_table(explorer: sk.CorpusExplorer) -> None:
    ex = explorer
    ex.view.value = "trend"
    assert ex.export_name.value == "青川市-语料库-趋势"
    for fmt, box in ex.export_formats.items():
        box.value = fmt in ("png", "csv")
    ex.export_button.click()
    written = {p.suffix: p for p in ex.last_export}
    assert set(written) == {".png", ".csv", ".json"} and written[".png"].stat().st_size > 1000
    assert written[".csv"].stem == written[".png"].stem == "青川市-语料库-趋势"
    assert written[".csv"].read_text(encoding="utf-8-sig").startswith("年份,词语,次数")
    meta = json.loads(written[".json"].read_text(encoding="utf-8"))
    assert meta["meta"]["view"] == "trend" and meta["meta"]["corpus"] == "青川市" and len(meta["files"]) == 2
    assert "exported" in ex.status.value


LOOK_ALIKE = {
    "甲.txt": "关于加强基层治理的意见\n一、总体要求\n加强党的领导，推进基层治理，落实责任。坚持人民至上，推进基层治理。\n"
              "二、重点工作\n完善协商民主，加强队伍建设，推进乡村振兴。乡村振兴要落实责任。\n",
    "乙.txt": "关于加强基层治理的意见\n一、总体要求\n加强党的领导，推进基层治理，落实责任。坚持人民至上，推进数字政府。\n"
              "二、重点工作\n完善协商民主，加强数字政府建设，推进数字政府。数字政府要落实责任。\n",
    "丙.txt": "关于加强基层治理的意见\n一、总体要求\n加强党的领导，推进基层治理，落实责任。坚持人民至上，推进基层治理。\n"
              "二、重点工作\n完善协商民主，加强队伍建设，推进绿色发展。绿色发展要落实责任。\n",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> sk.CorpusExplorer:
    folder = tmp_path_factory.mktemp("texts")
    for name, text in LOOK_ALIKE.items():
        (folder / name).write_text(text, encoding="utf-8")
    corpus = sk.load_corpus(folder, cache=tmp_path_factory.mktemp("cache"), progress=False)
    return sk.CorpusExplorer(corpus, terms=["基层治理"], folder=tmp_path_factory.mktemp("exports"))


def test_corpus_exports_have_chinese_headers_like_every_explorer(small: sk.CorpusExplorer, tmp_path: Path) -> None:
    ex = small
    ex.view.value = "keyness"
    assert ex.messages.value == "" and not ex.result.empty
    (csv, _meta) = ex.export(["csv"])
    header = csv.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("词语,目标次数,参照次数,") and "target_count" not in header
    doc = sk.load(text=LOOK_ALIKE["乙.txt"])
    compare = sk.CompareExplorer(doc, folder=tmp_path)
    (other, _) = compare.export(["csv"])
    assert other.read_text(encoding="utf-8-sig").splitlines()[0].split(",")[:3] == header.split(",")[:3]
    ex.view.value = "trend"
    (trend, _) = ex.export(["csv"])
    assert trend.read_text(encoding="utf-8-sig").splitlines()[0].startswith("文档,词语,次数,每千词")


def test_corpus_keyness_says_how_many_terms_are_significant(small: sk.CorpusExplorer) -> None:
    ex = small
    ex.view.value = "keyness"
    info = ex.result.attrs["keyness"]
    assert f"显著 <b>{info['significant']}</b> / {info['tested']} 个词" in ex.significance.value
    ex.view.value = "trend"
    assert ex.significance.value == ""
