"""Charts: tested by their artists (labels, bands, bars, texts), never by pixels.

pytest runs with ``filterwarnings = error``, so a "Glyph … missing" warning from any Chinese text
drawn in a non-CJK font fails the test that draws it. Every test that builds a chart draws it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from studykit.draw import charts as sp
from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.errors import StudykitError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_1776dd67e002c30c.txt"

TITLES = {
    "0": "导语",
    "一": "自觉扛起党对人民政协领导的重大政治责任",
    "二": "坚持建言资政和凝聚共识双向发力",
    "三": "促进政协党建与履职工作共同提升",
    "四": "加强政协党建与履职融合的制度保障",
}


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def font() -> FontChoice:
    return find_cjk_font()


# --- hand-made frames with exactly the analyses' columns ------------------------------------------


def freqs_frame() -> pd.DataFrame:
    counts = {"党建": 21, "政协": 30, "履职": 12, "协商": 7, "人民政协": 9, "党组": 6, "委员": 4}
    rows = [(t, c, c / 1.5, 3) for t, c in counts.items()]  # deliberately not sorted
    return pd.DataFrame(rows, columns=["term", "count", "rate", "range"])


def by_section_frame() -> pd.DataFrame:
    rows = [
        ("0", "政协", 2), ("0", "党建", 1),
        ("一", "政协", 6), ("一", "党建", 1), ("一", "领导", 5),
        ("二", "政协", 5), ("二", "协商", 4), ("二", "凝聚共识", 3),
        ("三", "政协", 12), ("三", "党建", 6), ("三", "履职", 7),
        ("四", "政协", 11), ("四", "党建", 10), ("四", "履职", 12),
    ]
    frame = pd.DataFrame(rows, columns=["section", "term", "count"])
    frame["rate"] = frame["count"] * 2.5
    frame["range"] = 1
    return frame


def lengths_frame() -> pd.DataFrame:
    rows = [(s, "" if s == "0" else s, TITLES[s], p, c, c // 2)
            for s, p, c in [("0", 1, 96), ("一", 3, 521), ("二", 3, 482), ("三", 4, 975), ("四", 5, 751)]]
    return pd.DataFrame(rows, columns=["section", "label", "title", "paragraphs", "chars", "tokens"])


def sections_frame() -> pd.DataFrame:
    spans = [("0", 8, 59, 144, 240), ("一", 59, 326, 244, 777), ("二", 326, 589, 781, 1275),
             ("三", 589, 1087, 1279, 2270), ("四", 1087, 1506, 2274, 3045)]
    return pd.DataFrame(
        [(s, s, TITLES[s], a, b, c, d) for s, a, b, c, d in spans],
        columns=["section", "label", "title", "token_start", "token_end", "start", "end"],
    )


def hits_frame() -> pd.DataFrame:
    # Each hit's token_index is unique across terms, so a tick's x tells which term it belongs to.
    rows = [("政协", 12, "0"), ("政协", 65, "一"), ("政协", 700, "三"), ("政协", 1400, "四"),
            ("党建", 620, "三"), ("党建", 1300, "四"),
            ("履职", 130, "一"), ("履职", 1290, "四"), ("履职", 1295, "四")]
    frame = pd.DataFrame(
        [(t, i, i * 2 + 100, i * 2 + 102, s, s) for t, i, s in rows],
        columns=["term", "token_index", "offset", "end", "section", "top"],
    )
    frame.attrs["terms"] = ["政协", "党建", "履职"]
    return frame


def keyness_frame() -> pd.DataFrame:
    rows = [
        ("党组", 12, 3, 8.1, 0.9, 10.5, 3.1, 0.001),
        ("履职", 9, 1, 6.0, 0.3, 7.2, 4.3, 0.01),
        ("政协", 20, 18, 13.0, 5.5, 2.0, 1.2, 0.2),
        ("协商", 1, 14, 0.7, 4.3, -6.3, -2.6, 0.01),
        ("委员", 0, 9, 0.0, 2.7, -4.4, -5.0, 0.04),
        ("提案", 2, 3, 1.3, 0.9, -0.1, -0.1, 0.9),
    ]
    return pd.DataFrame(
        rows,
        columns=["term", "target_count", "reference_count", "target_rate", "reference_rate",
                 "statistic", "effect", "p_value"],
    )


def similarity_frame() -> pd.DataFrame:
    paths = ["0", "一", "二", "三"]
    values = np.array([[1.0, 0.3, 0.25, 0.4], [0.3, 1.0, 0.5, 0.45],
                       [0.25, 0.5, 1.0, 0.6], [0.4, 0.45, 0.6, 1.0]])
    return pd.DataFrame(values, index=paths, columns=paths)


def pairs_frame() -> pd.DataFrame:
    rows = [("政协", "党建", 9), ("政协", "履职", 7), ("党建", "履职", 5), ("政协", "协商", 4),
            ("协商", "委员", 3), ("党组", "党建", 2), ("委员", "提案", 1)]
    return pd.DataFrame(rows, columns=["term_a", "term_b", "count"])


def locations_frame() -> pd.DataFrame:
    rows = [("numbered", "四个意识", "一", 0, 300), ("numbered", "两个维护", "一", 0, 320),
            ("parallel", "…", "一/二", 1, 400), ("quote", "“…”", "一", 1, 450),
            ("parallel", "…", "三", 5, 1500), ("parallel", "…", "三", 6, 1600),
            ("numbered", "三个作用", "四", 8, 2500), ("four_char_list", "…", "二", 3, 900)]
    frame = pd.DataFrame(rows, columns=["kind", "text", "section", "paragraph", "start"])
    frame["end"] = frame["start"] + 4
    return frame


def render(ax: Axes) -> None:
    """Draw for real (text layout happens here, and with it any missing-glyph warning)."""
    fig = ax.get_figure(root=True)
    assert fig is not None
    fig.canvas.print_png(io.BytesIO())


def texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def caption(ax: Axes) -> str:
    found = [t for t in ax.texts if t.get_gid() == sp.CAPTION_GID]
    assert len(found) == 1, "expected exactly one caption"
    return found[0].get_text()


def uses_font(artist: Text, font: FontChoice) -> bool:
    return Path(str(artist.get_fontproperties().get_file())) == font.path


def bars_top_down(ax: Axes) -> list[tuple[str, float]]:
    """(tick label at the bar's y, bar width) for horizontal bars, top of the chart first."""
    ticks = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True))
    bars = [(p.get_y() + p.get_height() / 2, p.get_width()) for p in ax.patches]
    bottom, top = ax.get_ylim()
    bars.sort(key=lambda yb: yb[0], reverse=bool(top > bottom))  # top of the chart first
    return [(ticks[round(y)], w) for y, w in bars]


# --- one call per public function, for the shared checks --------------------------------------------

PLOTTERS: dict[str, Callable[[Axes, FontChoice | None], Axes]] = {
    "top_terms": lambda ax, f: sp.plot_top_terms(freqs_frame(), ax=ax, font=f),
    "section_lengths": lambda ax, f: sp.plot_section_lengths(lengths_frame(), ax=ax, font=f),
    "term_heatmap": lambda ax, f: sp.plot_term_heatmap(by_section_frame(), ax=ax, font=f, terms=4),
    "keyness": lambda ax, f: sp.plot_keyness(keyness_frame(), ax=ax, font=f, n=3),
    "similarity": lambda ax, f: sp.plot_similarity(similarity_frame(), ax=ax, font=f),
    "dispersion": lambda ax, f: sp.plot_dispersion(hits_frame(), sections_frame(), ax=ax, font=f),
    "cooccurrence": lambda ax, f: sp.plot_cooccurrence(pairs_frame(), ax=ax, font=f),
    "formulations": lambda ax, f: sp.plot_formulations(locations_frame(), ax=ax, font=f),
}


@pytest.mark.parametrize("name", sorted(PLOTTERS))
def test_ax_is_honoured_and_title_set(name: str, font: FontChoice) -> None:
    fig, ax = plt.subplots()
    out = PLOTTERS[name](ax, font)
    assert out is ax
    assert fig.axes == [ax]  # nothing else added to the figure (colorbars live inside ax)
    assert ax.get_title()
    assert uses_font(ax.title, font)
    render(ax)


@pytest.mark.parametrize("name", sorted(PLOTTERS))
def test_every_text_artist_with_chinese_uses_the_cjk_font(name: str, font: FontChoice) -> None:
    _fig, ax = plt.subplots()
    PLOTTERS[name](ax, font)
    render(ax)
    legend = ax.get_legend()
    artists: list[Text] = [
        ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts,
        *ax.get_xticklabels(), *ax.get_yticklabels(),
        *(legend.get_texts() if legend is not None else []),
        *(t for child in ax.child_axes for t in child.yaxis.label.findobj(Text)),
    ]
    chinese = [a for a in artists if any("\u4e00" <= ch <= "\u9fff" for ch in a.get_text())]
    assert chinese, "expected some Chinese text"
    for artist in chinese:
        assert uses_font(artist, font), f"{artist.get_text()!r} is not drawn in the CJK font"


@pytest.mark.parametrize("name", sorted(PLOTTERS))
def test_rcparams_unchanged(name: str) -> None:
    before = dict(matplotlib.rcParams)
    ax = PLOTTERS[name](None, None)  # type: ignore[arg-type]  # new figure, default font
    render(ax)
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize("name", sorted(PLOTTERS))
def test_new_figure_uses_constrained_layout(name: str) -> None:
    ax = PLOTTERS[name](None, None)  # type: ignore[arg-type]
    fig = ax.get_figure(root=True)
    assert fig is not None
    assert type(fig.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    render(ax)


def test_given_figure_keeps_its_layout_engine() -> None:
    fig, ax = plt.subplots(layout="tight")
    engine = fig.get_layout_engine()
    sp.plot_top_terms(freqs_frame(), ax=ax)
    assert fig.get_layout_engine() is engine
    plain, ax2 = plt.subplots()
    assert plain.get_layout_engine() is None
    sp.plot_top_terms(freqs_frame(), ax=ax2)
    assert type(plain.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    render(ax2)


def test_small_multiples_leave_rcparams_alone() -> None:
    before = dict(matplotlib.rcParams)
    render(sp.plot_section_top_terms(by_section_frame(), n=3)[0])
    render(sp.plot_section_clouds(by_section_frame(), width=200, height=120)[0])
    assert sp.short_title("一", TITLES["一"])
    assert sp.section_caption(lengths_frame())
    assert dict(matplotlib.rcParams) == before


def test_chinese_without_the_font_would_warn() -> None:
    """The negative control: the strict warning filter really catches missing glyphs."""
    fig, ax = plt.subplots()
    ax.set_title("政协党建", fontproperties={"family": "DejaVu Sans"})
    with pytest.warns(UserWarning, match="missing from font"):
        fig.canvas.print_png(io.BytesIO())


# --- top terms -----------------------------------------------------------------------------------


def test_top_terms_tick_labels_follow_bar_heights(font: FontChoice) -> None:
    ax = sp.plot_top_terms(freqs_frame(), font=font, title="政协党建高频词")
    render(ax)
    order = bars_top_down(ax)
    assert [t for t, _ in order] == ["政协", "党建", "履职", "人民政协", "协商", "党组", "委员"]
    widths = [w for _, w in order]
    assert widths == sorted(widths, reverse=True)
    assert ax.get_title() == "政协党建高频词"
    assert ax.get_xlabel() == "次数"


def test_top_terms_labels_each_bar_with_its_count() -> None:
    ax = sp.plot_top_terms(freqs_frame(), n=3)
    assert [t.get_text() for t in ax.texts] == ["30", "21", "12"]
    assert ax.get_title() == "高频词"
    render(ax)


def test_top_terms_rate_mapping_and_ties() -> None:
    ax = sp.plot_top_terms(freqs_frame(), value="rate", n=2)
    assert [t for t, _ in bars_top_down(ax)] == ["政协", "党建"]
    assert ax.get_xlabel() == "每千词"
    assert [t.get_text() for t in ax.texts] == ["20", "14"]
    tied = sp.plot_top_terms({"乙": 2, "甲": 2, "丙": 5})
    assert [t for t, _ in bars_top_down(tied)] == ["丙", "乙", "甲"]  # ties by term, stable
    with pytest.raises(StudykitError):
        sp.plot_top_terms({"甲": 1}, value="rate")
    with pytest.raises(StudykitError, match="term"):
        sp.plot_top_terms(pd.DataFrame({"word": ["甲"], "count": [1]}))


def test_top_terms_redraw_into_cleared_axes() -> None:
    fig, ax = plt.subplots(layout="constrained")
    for n in (5, 3, 7):
        ax.clear()
        sp.plot_top_terms(freqs_frame(), ax=ax, n=n)
        render(ax)
        assert len(ax.patches) == n
        assert fig.axes == [ax]


def test_top_terms_empty_shows_note() -> None:
    ax = sp.plot_top_terms(freqs_frame().iloc[:0])
    assert "未找到" in texts(ax)
    render(ax)


# --- section lengths, short titles, captions ------------------------------------------------------


def test_short_title() -> None:
    assert sp.short_title("一", TITLES["一"]) == "一 自觉扛起党对…"
    assert sp.short_title("二", "坚持建言资政。") == "二 坚持建言资政"
    assert sp.short_title("三", "促进政协党建") == "三 促进政协党建"
    assert sp.short_title("0", "导语") == "导语"
    assert sp.short_title("", "导语") == "导语"
    assert sp.short_title("四", "加强政协党建与履职融合的制度保障", max_chars=13) == "四 加强政协党建与履职融合…"
    # a dangling connective or punctuation is not left before the ellipsis
    assert sp.short_title("五", "坚持和加强党的全面领导", max_chars=5) == "五 坚持…"
    assert sp.short_title("六", "学思践悟，知行合一", max_chars=9) == "六 学思践悟…"
    # a long label still leaves a little of the title
    assert sp.short_title("第一部分", "加强政协党建", max_chars=8) == "第一部分 加强政…"
    for label, title in TITLES.items():
        assert len(sp.short_title(label, title).replace(" ", "")) <= 8


def test_section_caption_lists_full_titles() -> None:
    text = sp.section_caption(lengths_frame())
    assert text.startswith("一：自觉扛起党对人民政协领导的重大政治责任；二：坚持建言资政和凝聚共识双向发力；")
    assert "导语" not in text
    assert sp.section_caption([("一", "甲"), ("二", "乙")]) == "一：甲；二：乙"
    wrapped = sp.section_caption(lengths_frame(), width=40)
    assert "\n" in wrapped
    assert wrapped.replace("\n", "；") == text


def test_section_lengths_labels_and_caption(font: FontChoice) -> None:
    ax = sp.plot_section_lengths(lengths_frame(), font=font)
    render(ax)
    order = bars_top_down(ax)
    assert [t for t, _ in order] == ["导语", "一 自觉扛起党对…", "二 坚持建言资政…",
                                      "三 促进政协党建…", "四 加强政协党建…"]
    assert [w for _, w in order] == [96, 521, 482, 975, 751]
    full = caption(ax).replace("\n", "")
    for label, title in TITLES.items():
        if label != "0":
            assert f"{label}：{title}" in full
    cap = next(t for t in ax.texts if t.get_gid() == sp.CAPTION_GID)
    assert uses_font(cap, font)
    fig = ax.get_figure(root=True)
    assert fig is not None
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    assert cap.get_window_extent(renderer).y1 < ax.xaxis.label.get_window_extent(renderer).y0
    assert ax.get_xlabel() == "字数"
    assert sp.plot_section_lengths(lengths_frame(), value="tokens").get_xlabel() == "词数"


# --- heatmaps ------------------------------------------------------------------------------------


def test_term_heatmap_picks_top_terms_and_annotates_cells() -> None:
    ax = sp.plot_term_heatmap(by_section_frame(), terms=3)
    render(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["政协", "履职", "党建"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["导语", "一", "二", "三", "四"]
    cells = [t for t in ax.texts if t.get_gid() != sp.CAPTION_GID]
    assert len(cells) == 5 * 3
    assert [t.get_text() for t in cells[:3]] == ["2", "0", "1"]  # 导语: 政协 2, 履职 0, 党建 1
    assert ax.get_title() == "各部分高频词分布"
    (cax,) = ax.child_axes
    assert cax.get_ylabel() == "次数"


def test_term_heatmap_named_terms_and_document_order() -> None:
    frame = by_section_frame().sample(frac=1.0, random_state=3)  # shuffled rows
    ax = sp.plot_term_heatmap(frame, terms=["履职", "没有的词"], value="rate")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["履职", "没有的词"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["导语", "一", "二", "三", "四"]
    assert ax.child_axes[0].get_ylabel() == "每千词"
    render(ax)


def test_term_heatmap_uses_section_titles_from_attrs() -> None:
    frame = by_section_frame()
    frame.attrs["sections"] = [{"path": p, "title": t} for p, t in TITLES.items()]
    frame.attrs["top_sections"] = list(TITLES)
    ax = sp.plot_term_heatmap(frame, terms=2)
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["导语", "一 自觉扛起党对…"]
    assert TITLES["四"] in caption(ax)
    render(ax)


@pytest.mark.parametrize("clear", [True, False])
def test_heatmap_redraw_does_not_leak_colorbars(clear: bool) -> None:
    fig, ax = plt.subplots(layout="constrained")
    for _ in range(3):
        if clear:
            ax.clear()
        sp.plot_term_heatmap(by_section_frame(), ax=ax, terms=3)
        render(ax)
        assert fig.axes == [ax]
        assert len(ax.child_axes) == 1
    sp.plot_similarity(similarity_frame(), ax=ax)
    assert len(ax.child_axes) == 1
    render(ax)


def test_similarity_annotates_values_and_uses_labels() -> None:
    ax = sp.plot_similarity(similarity_frame(), labels={"一": "一 政治责任"})
    render(ax)
    assert len(ax.texts) == 16
    assert ax.texts[1].get_text() == "0.30"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["导语", "一 政治责任", "二", "三"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["导语", "一 政治责任", "二", "三"]
    assert ax.child_axes[0].get_ylabel() == "相似度"
    with pytest.raises(StudykitError, match="square"):
        sp.plot_similarity(similarity_frame().iloc[:2])


# --- keyness -------------------------------------------------------------------------------------


def test_keyness_bars_are_signed_and_counted() -> None:
    ax = sp.plot_keyness(keyness_frame(), n=2, target="第一部分", reference="其余部分")
    render(ax)
    order = bars_top_down(ax)
    assert order == [("党组", 10.5), ("履职", 7.2), ("委员", -4.4), ("协商", -6.3)]
    colors = {round(p.get_width(), 1): p.get_facecolor() for p in ax.patches}
    assert colors[10.5] == colors[7.2] != colors[-6.3] == colors[-4.4]
    notes = texts(ax)
    assert notes == ["12 : 3", "9 : 1", "0 : 9", "1 : 14"]
    # counts sit at the bar's end, outside it, on the bar's side of zero
    for note, (_, width) in zip(ax.texts, order, strict=True):
        x, _ = note.get_position()
        assert x == width
        assert note.get_horizontalalignment() == ("left" if width > 0 else "right")
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["第一部分", "其余部分"]
    assert "第一部分" in ax.get_title()


def test_keyness_unsigned_statistic_takes_the_sign_of_effect() -> None:
    frame = keyness_frame().assign(statistic=lambda f: f["statistic"].abs())
    ax = sp.plot_keyness(frame, n=1)
    assert bars_top_down(ax) == [("党组", 10.5), ("协商", -6.3)]
    render(ax)


def test_keyness_n_limits_each_side() -> None:
    ax = sp.plot_keyness(keyness_frame(), n=15)
    assert len(ax.patches) == 6
    assert [w > 0 for _, w in bars_top_down(ax)] == [True, True, True, False, False, False]
    render(ax)


# --- dispersion ----------------------------------------------------------------------------------


def _ticks(ax: Axes) -> list[tuple[float, float]]:
    """(x, y centre) of every tick mark the dispersion plot drew."""
    out = []
    for coll in ax.collections:
        if isinstance(coll, LineCollection):
            for seg in coll.get_segments():
                out.append((float(seg[0][0]), float((seg[0][1] + seg[1][1]) / 2)))
    return out


@pytest.mark.parametrize("x", ["token", "char"])
def test_dispersion_row_labels_match_their_rows(x: str, font: FontChoice) -> None:
    hits = hits_frame()
    ax = sp.plot_dispersion(hits, sections_frame(), x=x, font=font)  # type: ignore[arg-type]
    render(ax)
    column = "token_index" if x == "token" else "offset"
    term_at = dict(zip(hits[column].astype(float), hits["term"], strict=True))
    labels = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True))
    ticks = _ticks(ax)
    assert len(ticks) == len(hits)
    for tx, ty in ticks:
        assert labels[round(ty)] == term_at[tx]
    # the first term is at the top of the plot
    assert [t.get_text() for t in ax.get_yticklabels()] == ["政协", "党建", "履职"]
    bottom, top = ax.get_ylim()
    assert top < bottom and round(top + 0.5) == 0
    assert ax.get_xlabel() == ("词序" if x == "token" else "字符位置")


def test_dispersion_shades_the_real_sections() -> None:
    sections = sections_frame()
    ax = sp.plot_dispersion(hits_frame(), sections)
    render(ax)
    bands = [p for p in ax.patches if p.get_gid() == sp.BAND_GID]
    assert len(bands) == len(sections)
    spans = sorted((round(b.get_x()), round(b.get_x() + b.get_width())) for b in bands)
    assert spans == list(zip(sections["token_start"], sections["token_end"], strict=True))
    assert len({tuple(b.get_facecolor()) for b in bands}) == 2  # alternating
    labels = [t.get_text() for t in ax.texts if t.get_gid() == sp.SECTION_LABEL_GID]
    assert labels == ["导语", "一", "二", "三", "四"]
    assert TITLES["三"] in caption(ax).replace("\n", "")


def test_dispersion_terms_argument_keeps_empty_rows_in_order() -> None:
    ax = sp.plot_dispersion(hits_frame(), sections_frame(), terms=["履职", "不在文中", "政协"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["履职", "不在文中", "政协"]
    ys = {round(y) for _, y in _ticks(ax)}
    assert ys == {0, 2}
    render(ax)


def test_dispersion_without_hits_still_draws_sections() -> None:
    sections = sections_frame()
    ax = sp.plot_dispersion(hits_frame().iloc[:0], sections, terms=["五年规划"])
    render(ax)
    assert len([p for p in ax.patches if p.get_gid() == sp.BAND_GID]) == len(sections)
    assert "未找到" in texts(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["五年规划"]
    bare = hits_frame().iloc[:0]
    bare.attrs = {}
    ax2 = sp.plot_dispersion(bare, sections)
    assert "未找到" in texts(ax2)
    render(ax2)


# --- co-occurrence -------------------------------------------------------------------------------


def _node_positions(ax: Axes) -> dict[str, tuple[float, float]]:
    return {
        t.get_text(): tuple(map(float, t.get_position()))  # type: ignore[misc]
        for t in ax.texts if t.get_gid() == sp.NODE_LABEL_GID
    }


def test_cooccurrence_layout_is_deterministic() -> None:
    a = _node_positions(sp.plot_cooccurrence(pairs_frame(), seed=3))
    b = _node_positions(sp.plot_cooccurrence(pairs_frame().iloc[::-1], seed=3))
    assert a == b
    assert set(a) == {"政协", "党建", "履职", "协商", "委员", "党组", "提案"}
    c = _node_positions(sp.plot_cooccurrence(pairs_frame(), seed=4))
    assert c != a


def test_cooccurrence_top_sizes_and_widths() -> None:
    ax = sp.plot_cooccurrence(pairs_frame(), top=3)
    render(ax)
    assert set(_node_positions(ax)) == {"政协", "党建", "履职"}
    (edges,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    widths = list(edges.get_linewidths())
    assert len(widths) == 3 and widths[0] == max(widths)
    (nodes,) = [c for c in ax.collections if not isinstance(c, LineCollection)]
    sizes = dict(zip(_node_positions(ax), nodes.get_sizes(), strict=True))
    assert sizes["政协"] == max(sizes.values())  # 9 + 7 is the strongest node
    empty = sp.plot_cooccurrence(pairs_frame().iloc[:0])
    assert "未找到" in texts(empty)
    render(empty)


# --- formulations --------------------------------------------------------------------------------


def test_formulations_counts_per_section_and_kind() -> None:
    ax = sp.plot_formulations(locations_frame())
    render(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["一", "二", "三", "四"]
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["数字提法", "排比"]
    heights = [p.get_height() for p in ax.patches]
    # numbered per section, then parallel per section (一/二 counts under 一; 二 holds only a
    # four-character list, which is not drawn, but keeps its slot)
    assert heights == [2, 0, 0, 1, 1, 0, 2, 0]
    assert ax.get_ylabel() == "次数"


def test_formulations_take_the_result_itself_and_refuse_other_tables_in_one_line() -> None:
    import studykit as sk

    doc = sk.load(text="标题\n\n一、总体要求\n\n增强“四个意识”，坚定“四个自信”，做到“两个维护”。\n")
    ax = sp.plot_formulations(sk.formulations(doc))  # not only its locations_frame()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["一"]
    render(ax)
    with pytest.raises(StudykitError) as exc:
        sp.plot_formulations(sk.formulations(doc).to_frame())  # the summary table has no section
    assert str(exc.value).startswith("提法表缺少列 ['section'] / the formulation locations table lacks")
    with pytest.raises(StudykitError, match=r"^需要词频表 / expected a frequency table \(a DataFrame\), not str"):
        sp.plot_top_terms("政协")  # type: ignore[arg-type]
    with pytest.raises(StudykitError) as exc:
        sp.plot_term_heatmap(sk.tokenize(doc))
    assert "['term', 'count']" in str(exc.value) and "'count', 'count'" not in str(exc.value)
    bars = sp.plot_top_terms(pd.Series({"政协": 3, "党建": 2}))  # a Series maps term → count
    assert [t.get_text() for t in bars.get_yticklabels()] == ["政协", "党建"]


def test_formulations_fixed_sections_and_all_kinds() -> None:
    ax = sp.plot_formulations(
        locations_frame(), sections=["0", "一", "二", "三", "四"],
        kinds=("numbered", "parallel", "quote", "four_char_list"),
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["导语", "一", "二", "三", "四"]
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["数字提法", "排比", "引号短语", "四字短语"]
    assert len(ax.patches) == 20
    render(ax)


# --- small multiples -----------------------------------------------------------------------------


def test_section_top_terms_small_multiples(font: FontChoice) -> None:
    axes = sp.plot_section_top_terms(by_section_frame(), n=2, ncols=2, titles=TITLES, font=font)
    assert isinstance(axes, np.ndarray) and len(axes) == 5
    assert [ax.get_title() for ax in axes] == ["导语", "一 自觉扛起党对人民政协…", "二 坚持建言资政和凝聚共…",
                                                "三 促进政协党建与履职工…", "四 加强政协党建与履职融…"]
    assert [t.get_text() for t in axes[3].get_yticklabels()] == ["政协", "履职"]
    fig = axes[0].get_figure(root=True)
    assert isinstance(fig, Figure) and len(fig.axes) == 5  # the sixth grid cell is removed
    again = sp.plot_section_top_terms(by_section_frame(), n=2, ncols=2, fig=fig)
    assert len(fig.axes) == 5 and again[0].get_title() == "导语"
    render(again[0])


def test_section_clouds_small_multiples(font: FontChoice) -> None:
    frame = by_section_frame()
    frame.attrs["sections"] = [{"path": p, "title": t} for p, t in TITLES.items()]
    fig = plt.figure(layout="constrained")
    axes = sp.plot_section_clouds(frame, font=font, fig=fig, width=200, height=120, title="各部分词云")
    assert len(axes) == 5 and len(fig.axes) == 5
    assert axes[1].get_title() == "一 自觉扛起党对人民政协领导的重…"
    assert all(len(ax.images) == 1 for ax in axes)
    assert fig.get_suptitle() == "各部分词云"
    render(axes[0])


def test_section_clouds_empty_section_shows_note() -> None:
    frame = pd.concat([by_section_frame(), pd.DataFrame(
        [{"section": "五", "term": "空", "count": 0, "rate": 0.0, "range": 0}])])
    axes = sp.plot_section_clouds(frame, width=160, height=100)
    assert len(axes) == 6
    assert "未找到" in texts(axes[-1])
    render(axes[0])


# --- performance-minded behaviour (timings live in benchmarks/bench_plot.py) ------------------------


def test_the_font_is_resolved_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real = sp.find_cjk_font

    def counting() -> FontChoice:
        calls.append(1)
        return real()

    from studykit.draw import _figure

    monkeypatch.setattr(_figure, "find_cjk_font", counting)  # where every chart resolves it
    font = find_cjk_font()
    sp.plot_top_terms(freqs_frame(), font=font)
    assert calls == []
    sp.plot_top_terms(freqs_frame())
    assert len(calls) == 1


# --- the seed, through the real analyses ----------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[Any, pd.DataFrame]:
    from studykit.document.parse import load
    from studykit.text.tokens import tokenize

    doc = load(str(SEED))
    return doc, tokenize(doc)


def test_seed_dispersion(seed: tuple[Any, pd.DataFrame]) -> None:
    kwic = pytest.importorskip("studykit.analysis.concordance")
    _, table = seed
    hits = kwic.dispersion(table, ["政协", "党建", "履职", "不存在的词"])
    sections = kwic.dispersion_sections(table)
    ax = sp.plot_dispersion(hits, sections)
    render(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["政协", "党建", "履职", "不存在的词"]
    labels = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True))
    by_x = hits.groupby("token_index")["term"].agg(set)
    for tx, ty in _ticks(ax):
        assert labels[round(ty)] in by_x[int(tx)]
    assert len([p for p in ax.patches if p.get_gid() == sp.BAND_GID]) == len(sections)


def test_seed_section_lengths(seed: tuple[Any, pd.DataFrame]) -> None:
    tokens = pytest.importorskip("studykit.text.tokens")
    if not hasattr(tokens, "section_lengths"):
        pytest.skip("tokens.section_lengths not written yet")
    doc, table = seed
    ax = sp.plot_section_lengths(tokens.section_lengths(doc, table), value="tokens")
    render(ax)
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["导语", "一 自觉扛起党对…"]
    assert TITLES["一"] in caption(ax)


def test_seed_frequencies(seed: tuple[Any, pd.DataFrame]) -> None:
    stats = pytest.importorskip("studykit")
    _, table = seed
    freqs = stats.term_frequencies(table)
    ax = sp.plot_top_terms(freqs, n=10)
    order = bars_top_down(ax)
    assert [w for _, w in order] == sorted((w for _, w in order), reverse=True)
    by_section = stats.term_frequencies(table, by="section")
    render(sp.plot_term_heatmap(by_section, terms=8))
    render(sp.plot_section_top_terms(by_section, n=5)[0])


def test_seed_similarity_and_cooccurrence(seed: tuple[Any, pd.DataFrame]) -> None:
    stats = pytest.importorskip("studykit")
    _, table = seed
    render(sp.plot_similarity(stats.section_similarity(table)))
    pairs = stats.cooccurrence(table)
    first = _node_positions(sp.plot_cooccurrence(pairs, top=20))
    assert first == _node_positions(sp.plot_cooccurrence(pairs, top=20))


def test_seed_formulations(seed: tuple[Any, pd.DataFrame]) -> None:
    formulations = pytest.importorskip("studykit.analysis.patterns")
    doc, _ = seed
    locations = formulations.formulations(doc).locations_frame()
    ax = sp.plot_formulations(locations)
    render(ax)
    assert sum(p.get_height() for p in ax.patches) == int(
        locations["kind"].isin(["numbered", "parallel"]).sum()
    )


def test_seed_keyness(seed: tuple[Any, pd.DataFrame]) -> None:
    stats = pytest.importorskip("studykit")
    _, table = seed
    key = stats.keyness(table, "一", "rest", min_count=1)
    ax = sp.plot_keyness(key, n=5, target="第一部分", reference="其余部分")
    render(ax)
    shown = dict(bars_top_down(ax))
    rows = key.set_index("term")
    for note, (term, width) in zip(ax.texts, bars_top_down(ax), strict=True):
        assert note.get_text() == f"{rows.at[term, 'target_count']} : {rows.at[term, 'reference_count']}"
        assert (width > 0) == (rows.at[term, "effect"] > 0)
    assert shown


# --- charts that fit (issue 11) ------------------------------------------------------------------


def _no_overlap(labels: list[Text], renderer: Any) -> None:
    boxes = sorted((t.get_window_extent(renderer) for t in labels if t.get_text()), key=lambda b: b.y0)
    assert len(boxes) > 1
    for lower, upper in itertools.pairwise(boxes):
        assert lower.y1 <= upper.y0 + 0.01, "tick labels overlap"


@pytest.mark.parametrize("n", [20, 40, 60])
def test_top_terms_figure_grows_with_the_bars_and_labels_never_overlap(n: int, font: FontChoice) -> None:
    freqs = pd.DataFrame({"term": [f"词语{i:02d}" for i in range(n)], "count": list(range(n, 0, -1))})
    ax = sp.plot_top_terms(freqs, font=font, title="高频词 · 全部章节")
    fig = ax.get_figure(root=True)
    assert fig is not None
    assert fig.get_figheight() == pytest.approx(sp.bar_figure_height(n))
    assert sp.bar_figure_height(60) > sp.bar_figure_height(20) >= 4.5
    render(ax)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    _no_overlap(ax.get_yticklabels(), renderer)
    title = ax.title.get_window_extent(renderer)
    assert title.y0 >= 0 and title.y1 <= fig.bbox.height  # the title stays inside the figure


def test_keyness_figure_grows_with_the_bars(font: FontChoice) -> None:
    rows = [(f"词{i:02d}", 30 - i, i, 0.0, 0.0, float(30 - 2 * i), float(15 - i)) for i in range(30)]
    frame = pd.DataFrame(rows, columns=["term", "target_count", "reference_count", "target_rate",
                                        "reference_rate", "statistic", "effect"])
    ax = sp.plot_keyness(frame, font=font, n=15)
    fig = ax.get_figure(root=True)
    shown = len(ax.get_yticklabels())
    assert shown == 29  # 15 key to the target, 14 to the reference (one term has statistic 0)
    assert fig is not None and fig.get_figheight() == pytest.approx(sp.bar_figure_height(shown))
    render(ax)
    _no_overlap(ax.get_yticklabels(), fig.canvas.get_renderer())  # type: ignore[attr-defined]


def test_formulation_colours_follow_the_kind_and_empty_slots_stay_unlabelled() -> None:
    colors: dict[str, set[tuple[float, ...]]] = {}
    for kinds in [("numbered", "parallel"), ("parallel",), ("quote", "numbered"), ("four_char_list",)]:
        ax = sp.plot_formulations(locations_frame(), sections=["0", "一", "二", "三", "四"], kinds=kinds)
        render(ax)
        for container, kind in zip(ax.containers, kinds, strict=True):
            colors.setdefault(kind, set()).update(tuple(p.get_facecolor()) for p in container)
        values = [t.get_text() for t in ax.texts if t.get_gid() == "studykit-value"]
        assert "0" not in values  # an empty slot gets no "0"
        heights = [p.get_height() for p in ax.patches]
        assert len(values) == sum(h > 0 for h in heights)
    assert all(len(c) == 1 for c in colors.values())  # one colour per kind, whatever else is shown
    assert len({next(iter(c)) for c in colors.values()}) == 4
    assert set(sp.KIND_COLORS) == {"numbered", "parallel", "quote", "four_char_list"}


def test_similarity_short_labels_with_full_titles_in_a_caption() -> None:
    labels = {"0": "导语", "一": "一", "二": "二", "三": "（三）"}
    ax = sp.plot_similarity(similarity_frame(), labels=labels, titles=TITLES)
    render(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["导语", "一", "二", "（三）"]
    text = caption(ax)
    assert "一：自觉扛起党对人民政协领导的重大政治责任" in text and "（三）：促进政协党建与履职工作共同提升" in text
    assert "导语：" not in text


DOLLAR = "收入US$5亿，比上年增长$3"  # balanced: would be math; and a lone $ below


@pytest.mark.parametrize("name", sorted(PLOTTERS))
def test_dollar_signs_in_titles_and_labels_stay_text(name: str, tmp_path: Path) -> None:
    from studykit.draw.export import export

    fig, ax = plt.subplots()
    PLOTTERS[name](ax, None)
    ax.set_title("")  # titles come from the plot call below; labels from the data
    calls: dict[str, Callable[[], Axes]] = {
        "top_terms": lambda: sp.plot_top_terms({"US$5亿": 3, "$": 2}, title=DOLLAR),
        "section_lengths": lambda: sp.plot_section_lengths(
            lengths_frame().assign(title=[DOLLAR, "美元$", "一个 $ 号", "$$", "二"]), title=DOLLAR),
        "term_heatmap": lambda: sp.plot_term_heatmap(by_section_frame(), terms=4, title=DOLLAR),
        "keyness": lambda: sp.plot_keyness(keyness_frame(), n=3, target="US$5亿", reference="$", title=DOLLAR),
        "similarity": lambda: sp.plot_similarity(similarity_frame(), labels={"一": "$一$"},
                                                 titles={"一": DOLLAR}, title=DOLLAR),
        "dispersion": lambda: sp.plot_dispersion(hits_frame(), sections_frame().assign(title=DOLLAR),
                                                 terms=["$5", "党建"], title=DOLLAR),
        "cooccurrence": lambda: sp.plot_cooccurrence(
            pairs_frame().assign(term_a=lambda f: f["term_a"] + "$"), title=DOLLAR),
        "formulations": lambda: sp.plot_formulations(locations_frame(), title=DOLLAR),
    }
    plt.close(fig)
    ax = calls[name]()
    render(ax)
    dollars = [t for t in ax.findobj(Text) if "$" in t.get_text()]
    assert dollars and all(t.get_parse_math() is False for t in dollars)
    assert ax.get_title() == DOLLAR
    exported = export(ax, "dollar", formats=("png", "svg", "pdf"), folder=tmp_path)
    assert len(exported) == 4


# --- labels that fit ------------------------------------------------------------------------------


def _overlapping(fig: Figure, labels: list[Text]) -> int:
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = sorted((t.get_window_extent(renderer) for t in labels if t.get_text()), key=lambda b: b.y0)
    return sum(1 for a, b in itertools.pairwise(boxes) if b.y0 < a.y1 - 0.5)


def many_terms(n: int) -> pd.DataFrame:
    return pd.DataFrame({"term": [f"词语{i:02d}" for i in range(n)], "count": range(n, 0, -1),
                         "rate": range(n, 0, -1), "range": 1})


def test_top_terms_on_a_small_axes_shrink_their_labels(font: FontChoice) -> None:
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    sp.plot_top_terms(many_terms(30), ax=ax, font=font)
    fig.canvas.draw()
    labels = ax.get_yticklabels()
    assert len(labels) == 30 and labels[0].get_fontsize() < 10
    assert _overlapping(fig, labels) == 0
    big = plt.figure(figsize=(7.5, sp.bar_figure_height(30))).add_subplot()
    sp.plot_top_terms(many_terms(30), ax=big, font=font)  # a figure sized for them keeps 10 pt
    assert big.get_yticklabels()[0].get_fontsize() == 10


def test_top_terms_warn_when_even_small_labels_cannot_fit(font: FontChoice) -> None:
    _fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    with pytest.warns(UserWarning, match="60 bars do not fit"):
        sp.plot_top_terms(many_terms(60), ax=ax, font=font)


def test_a_very_long_term_is_cut_with_an_ellipsis(font: FontChoice) -> None:
    frame = freqs_frame()
    frame.loc[0, "term"] = "长" * 300
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    sp.plot_top_terms(frame, ax=ax, font=font)
    fig.canvas.draw()
    long = next(t for t in ax.get_yticklabels() if t.get_text().startswith("长"))
    assert long.get_text() == "长" * (sp.MAX_LABEL - 1) + "…"
    assert long.get_window_extent(fig.canvas.get_renderer()).x0 >= 0  # type: ignore[attr-defined]


def forty_sections() -> pd.DataFrame:
    rows = [(str(i), t, (i * k) % 7 + 1) for i in range(1, 41) for k, t in enumerate(["政协", "党建", "履职"])]
    frame = pd.DataFrame(rows, columns=["section", "term", "count"])
    return frame.assign(rate=frame["count"] * 2.0, range=1)


def test_heatmap_of_forty_sections_grows_or_thins_its_row_labels(font: FontChoice) -> None:
    ax = sp.plot_term_heatmap(forty_sections(), font=font)
    fig = ax.get_figure(root=True)
    assert fig is not None and 4.5 < fig.get_figheight() <= 12
    fig.canvas.draw()
    assert len(ax.get_yticklabels()) == 40 and _overlapping(fig, ax.get_yticklabels()) == 0
    small, ax2 = plt.subplots(figsize=(8, 4.5), layout="constrained")
    sp.plot_term_heatmap(forty_sections(), ax=ax2, font=font)
    small.canvas.draw()
    shown = ax2.get_yticklabels()
    assert 10 <= len(shown) < 40 and shown[0].get_text() == "1"
    assert _overlapping(small, shown) == 0


@pytest.mark.parametrize(("draw", "frame", "option", "value"), [
    ("plot_top_terms", freqs_frame, "n", -3),
    ("plot_top_terms", freqs_frame, "n", float("nan")),
    ("plot_top_terms", freqs_frame, "n", 2.5),
    ("plot_term_heatmap", by_section_frame, "terms", 2.5),
    ("plot_term_heatmap", by_section_frame, "terms", -1),
    ("plot_term_heatmap", by_section_frame, "terms", True),
    ("plot_keyness", None, "n", 0),
])
def test_plot_options_are_checked(draw: str, frame: Callable[[], pd.DataFrame] | None, option: str, value: Any,
                                  font: FontChoice) -> None:
    from studykit.errors import QueryError

    data = frame() if frame is not None else pd.DataFrame(columns=["term", "target_count", "reference_count",
                                                                     "statistic"])
    with pytest.raises(QueryError, match=f"^选项 {option} 的值无效 / invalid {option}=") as err:
        getattr(sp, draw)(data, font=font, **{option: value})
    assert "\n" not in str(err.value)


def test_heatmap_terms_as_one_word_or_a_numpy_count(font: FontChoice) -> None:
    ax = sp.plot_term_heatmap(by_section_frame(), font=font, terms="党建")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["党建"]
    ax = sp.plot_top_terms(freqs_frame(), font=font, n=np.int64(2))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["政协", "党建"]
