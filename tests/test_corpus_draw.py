"""Corpus charts, tested by their artists; each is drawn to PNG (a missing CJK glyph warns, and
warnings are errors here)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

import studykit as sk
from studykit.draw import corpus_charts as cc

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "notebooks" / "data" / "青川市"
VERSIONS = ROOT / "notebooks" / "data" / "青川市-版本"
TERMS = ["高质量发展", "供给侧结构性改革", "新质生产力"]


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> sk.Corpus:
    return sk.load_corpus(SAMPLE, metadata=SAMPLE / "metadata.csv", cache=tmp_path_factory.mktemp("c"),
                          progress=False)


def draw(ax: Axes) -> None:
    fig = ax.get_figure(root=True)
    assert fig is not None
    fig.savefig(io.BytesIO(), format="png", dpi=60)


def labels(texts: list[matplotlib.text.Text]) -> list[str]:
    return [t.get_text() for t in texts]


def test_trend_lines_follow_the_data(corpus: sk.Corpus) -> None:
    before = dict(matplotlib.rcParams)
    trend = sk.trend(corpus, TERMS)
    ax = sk.plot_trend(trend)
    draw(ax)
    assert [line.get_label() for line in ax.lines] == TERMS
    assert labels(ax.get_xticklabels()) == [str(y) for y in range(2019, 2025)]
    new = ax.lines[2]
    assert new.get_ydata().tolist() == trend[trend["term"] == "新质生产力"]["rate"].tolist()
    assert ax.get_title() == "提法的变化趋势" and labels(ax.get_legend().get_texts()) == TERMS
    font = sk.find_cjk_font()
    assert Path(ax.title.get_fontproperties().get_file()).name == font.path.name
    assert dict(matplotlib.rcParams) == before
    _fig, given = plt.subplots()
    assert sk.plot_trend(trend, ax=given, value="count", terms=["新质生产力"]) is given
    assert given.lines[0].get_ydata().tolist() == [0, 0, 0, 0, 0, 2]


def test_trend_small_multiples_one_panel_per_term(corpus: sk.Corpus) -> None:
    axes = sk.plot_trends(sk.trend(corpus, TERMS), ncols=2, title="三个提法")
    draw(axes[0])
    assert [a.get_title() for a in axes] == TERMS and len(axes[0].figure.axes) == 3
    sizes = sk.trend(corpus, "脱贫攻坚", by="mayor")
    ax = sk.plot_trend(sizes)
    assert labels(ax.get_xticklabels()) == ["周敏", "林远"]


def test_group_sizes_show_when_they_differ(corpus: sk.Corpus) -> None:
    trend = sk.trend(corpus, "高质量发展", by="plan")
    ax = sk.plot_trend(trend)
    draw(ax)
    assert labels(ax.get_xticklabels()) == ["十三五\n2篇", "十四五\n4篇"]


def test_doc_term_heatmap_rows_and_cells(corpus: sk.Corpus) -> None:
    freqs = sk.term_frequencies(corpus, by="year")
    ax = sk.plot_doc_term_heatmap(freqs, terms=["脱贫攻坚", "共同富裕"], value="count")
    draw(ax)
    assert labels(ax.get_yticklabels()) == [str(y) for y in range(2019, 2025)]
    assert labels(ax.get_xticklabels()) == ["脱贫攻坚", "共同富裕"]
    image = ax.images[0].get_array()
    assert image[:, 1].tolist() == [0, 0, 0, 4, 1, 1]
    again = sk.plot_doc_term_heatmap(freqs, ax=ax, terms=5)
    assert len(again.child_axes) == 1  # the old colorbar was removed


def test_key_terms_panels(corpus: sk.Corpus) -> None:
    key = sk.key_terms(corpus, by="mayor", top=4)
    axes = sk.plot_key_terms(key, n=4, ncols=2)
    draw(axes[0])
    assert [a.get_title() for a in axes] == ["周敏", "林远"]
    first = key[key["mayor"] == "周敏"]["term"].tolist()
    assert labels(axes[0].get_yticklabels()) == first


def test_first_appearance_timeline(corpus: sk.Corpus) -> None:
    first = sk.first_appearance(corpus, terms=["新质生产力"])
    ax = sk.plot_first_appearance(first, n=5)
    draw(ax)
    shown = labels(ax.get_yticklabels())
    assert shown[-1] == "新质生产力" and len(shown) == 5  # asked-for terms always show
    assert shown[:4] == list(dict.fromkeys(first["term"]))[:4]
    assert labels(ax.get_xticklabels()) == [str(y) for y in range(2019, 2025)]


def test_document_map(corpus: sk.Corpus) -> None:
    sim = sk.document_similarity(corpus)
    ax = sk.plot_document_map(sim)
    draw(ax)
    assert sorted(t.get_text() for t in ax.texts) == corpus.ids
    assert len([ln for ln in ax.lines if ln.get_gid() == cc.NEIGHBOUR_GID]) == 6
    coords = cc._mds(1 - sim.to_numpy())
    d = np.linalg.norm(coords[:, None] - coords[None], axis=2)
    assert np.argsort(d[5])[1] == 4  # 2024's nearest on the map is 2023, as in the table
    with pytest.raises(sk.StudykitError, match="square"):
        sk.plot_document_map(pd.DataFrame(np.ones((2, 3))))


def test_version_summary() -> None:
    diff = sk.compare_versions(VERSIONS / "2024-征求意见稿.txt", VERSIONS / "2024-定稿.txt")
    ax = sk.plot_version_summary(diff.summary())
    draw(ax)
    names = labels(ax.get_yticklabels())
    assert names[0] == "标题" and names[1] == "导语" and any("着力扩大有效需求" in n for n in names)
    assert labels(ax.get_legend().get_texts()) == ["改写", "新增", "删去", "未变"]


def test_empty_results_say_so(corpus: sk.Corpus) -> None:
    trend = sk.trend(corpus, "不存在的提法")
    ax = sk.plot_trend(trend)
    draw(ax)
    assert any(t.get_gid() == cc.EMPTY_GID for t in ax.texts)


def test_dollar_signs_stay_text(tmp_path: Path) -> None:
    """``$`` in document ids, titles, group names and terms never switches matplotlib into math
    mode: an unbalanced one would raise at draw time, a balanced one would drop the dollars."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, name in enumerate(["US$5亿", "成本$x^2$", "$"]):
        (folder / f"{name}.txt").write_text(
            f"{name}报告\n\n一、总体要求\n\n坚持高质量发展，引进外资US$5亿元。推进共同富裕{i}。\n\n"
            "二、主要任务\n\n高质量发展是首要任务。\n", encoding="utf-8")
    (folder / "meta.csv").write_text("file,group\nUS$5亿.txt,甲$\n成本$x^2$.txt,$乙$\n$.txt,丙\n",
                                     encoding="utf-8")
    corpus = sk.load_corpus(folder, metadata=folder / "meta.csv", cache=tmp_path / "cache", progress=False)
    assert corpus.problems.empty and len(corpus) == 3
    terms = ["高质量发展", "US$5亿"]
    axes: list[Axes] = [
        sk.plot_trend(sk.trend(corpus, terms, by="group"), title="趋势$"),
        *sk.plot_trends(sk.trend(corpus, terms, by="group")),
        sk.plot_doc_term_heatmap(sk.term_frequencies(corpus, by="doc"), terms=5),
        *sk.plot_key_terms(sk.key_terms(corpus, by="group", top=3), n=3),
        sk.plot_first_appearance(sk.first_appearance(corpus, by="group", terms=terms), n=5),
        sk.plot_document_map(sk.document_similarity(corpus)),
    ]
    for ax in axes:
        draw(ax)
        fig = ax.get_figure(root=True)
        assert fig is not None
        for text in fig.findobj(matplotlib.text.Text):
            assert not text.get_parse_math() or "$" not in text.get_text(), text.get_text()
        plt.close(fig)


def test_key_terms_fade_bars_that_are_not_significant(corpus: sk.Corpus) -> None:
    key = sk.key_terms(corpus, by="year", top=6)
    flags = key["significant"].astype(bool)
    assert (~flags).any()
    axes = sk.plot_key_terms(key, n=6)
    alphas = {}
    for ax, (_group, part) in zip(axes, key.groupby("year", sort=False), strict=False):
        ordered = part.sort_values(["statistic", "term"], ascending=[False, True])
        for bar, significant in zip(ax.patches, ordered["significant"].astype(bool), strict=True):
            alphas.setdefault(bool(significant), set()).add(round(bar.get_facecolor()[3], 1))
    assert alphas[False] == {0.3}
    assert alphas.get(True, {1.0}) == {1.0}
    fig = axes[0].get_figure(root=True)
    note = fig._supxlabel.get_text()
    assert note.startswith("浅色条：校正后不显著") and f"显著 {int(flags.sum())} / {len(key)}" in note


def test_plot_trends_draws_at_most_max_panels_and_says_so() -> None:
    c = sk.load_corpus(ROOT / "notebooks" / "data" / "青川市", cache=False, progress=False)
    terms = sk.term_frequencies(c, top=cc.MAX_PANELS + 6)["term"].tolist()
    axes = sk.plot_trends(sk.trend(c, terms))
    fig = axes[0].figure
    assert len(axes) == cc.MAX_PANELS and f"共 {len(terms)} 个词" in fig._suptitle.get_text()
    plt.close(fig)
    with pytest.raises(sk.StudykitError, match="no group column"):
        sk.plot_doc_term_heatmap(sk.term_frequencies(c, top=5))
