"""Word clouds: deterministic, real Chinese glyphs, cached fonts without global patching."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import PIL.ImageFont
import pytest
import wordcloud.wordcloud
from matplotlib.figure import Figure
from wordcloud import WordCloud

from studykit.draw.cloud import CLOUD_PALETTE, _palette_color, make_wordcloud, plot_wordcloud
from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.errors import StudykitError

FREQS = {
    "政协": 30,
    "党建": 21,
    "履职": 12,
    "四个意识": 5,
    "两个维护": 5,
    "人民政协": 9,
    "协商": 7,
    "党组": 6,
    "委员": 4,
    "深度融合": 3,
}
DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _ink(cloud: WordCloud) -> np.ndarray:
    """Where something was drawn on the white background."""
    pixels = cloud.to_array()
    return np.any(pixels != 255, axis=-1)


def _single(word: str, font: FontChoice) -> np.ndarray:
    return _ink(make_wordcloud({word: 1}, font=font, width=300, height=150))


def test_same_inputs_same_picture() -> None:
    a = make_wordcloud(FREQS).to_array()
    b = make_wordcloud(dict(reversed(FREQS.items()))).to_array()
    assert a.shape == (400, 800, 3)
    assert np.array_equal(a, b)


def test_the_font_cache_does_not_change_the_picture() -> None:
    font = find_cjk_font()
    cached = make_wordcloud(FREQS, font=font)
    ordered = dict(sorted(FREQS.items(), key=lambda tw: (-tw[1], tw[0])))
    plain = WordCloud(  # the same layout canvas (800×400 laid out at 640×320, drawn at 1.25×)
        font_path=str(font.path), width=640, height=320, scale=1.25, random_state=0,
        background_color="white", prefer_horizontal=1.0, color_func=_palette_color,
    ).generate_from_frequencies(ordered)
    assert np.array_equal(cached.to_array(), plain.to_array())


def test_fonts_are_loaded_once_per_size_and_wordcloud_is_not_patched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[float] = []
    real = PIL.ImageFont.truetype

    def counting(*args: object, **kwargs: object) -> PIL.ImageFont.FreeTypeFont:
        calls.append(args[1] if len(args) > 1 else 0)  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(PIL.ImageFont, "truetype", counting)
    base = find_cjk_font()
    fresh = FontChoice(base.name, base.path, base.index, base.source)  # empty cache
    make_wordcloud(FREQS, font=fresh).to_image()
    assert len(calls) == len(set(calls))
    assert wordcloud.wordcloud.ImageFont is PIL.ImageFont


def test_data_frame_input_uses_term_and_count() -> None:
    table = pd.DataFrame(
        {
            "term": list(FREQS),
            "count": list(FREQS.values()),
            "rate": [1.0] * len(FREQS),
            "range": [1] * len(FREQS),
        }
    )
    from_table = make_wordcloud(table)
    assert from_table.words_ == make_wordcloud(FREQS).words_
    assert np.array_equal(from_table.to_array(), make_wordcloud(FREQS).to_array())


def test_data_frame_without_count_column_is_refused() -> None:
    with pytest.raises(StudykitError, match="count"):
        make_wordcloud(pd.DataFrame({"term": ["政协"], "n": [1]}))


@pytest.mark.parametrize("freqs", [{}, {"政协": 0}, {" ": 3}, {"党建": float("nan")}])
def test_nothing_to_draw(freqs: dict[str, float]) -> None:
    with pytest.raises(StudykitError, match="没有可绘制的词 / no terms to draw"):
        make_wordcloud(freqs)


def test_max_words() -> None:
    assert len(make_wordcloud(FREQS, max_words=3).layout_) == 3


def test_chinese_words_are_glyphs_not_boxes() -> None:
    # A font without Hanzi draws every character as the same box, so different words give
    # identical pictures; real glyphs make different words look different.
    cjk = find_cjk_font()
    dejavu = FontChoice("DejaVu Sans", DEJAVU, 0, "system")

    box_a, box_b = _single("政协", dejavu), _single("党建", dejavu)
    assert box_a.any()
    assert np.array_equal(box_a, box_b)  # the control: tofu is indistinguishable

    a, b = _single("政协", cjk), _single("党建", cjk)
    missing = _single("\ue000\ue000", cjk)  # private use: the CJK font's own missing glyph
    for other in (b, missing, box_a):
        differing = np.count_nonzero(a ^ other)
        assert differing > 0.3 * np.count_nonzero(a)


def test_plot_wordcloud_on_given_axes() -> None:
    cloud = make_wordcloud(FREQS)
    font = find_cjk_font()
    ax = Figure().subplots()
    assert plot_wordcloud(cloud, ax=ax, title="政协党建高频词", font=font) is ax
    assert len(ax.images) == 1
    assert np.array_equal(ax.images[0].get_array(), cloud.to_array())
    assert not ax.axison
    assert ax.get_title() == "政协党建高频词"
    assert Path(ax.title.get_fontproperties().get_file() or "") == font.path


def test_plot_wordcloud_makes_a_figure() -> None:
    before = plt.get_fignums()
    ax = plot_wordcloud(make_wordcloud(FREQS))
    try:
        assert ax.get_title() == ""
        assert len(ax.images) == 1
    finally:
        plt.close(ax.get_figure(root=True))  # type: ignore[arg-type]
    assert plt.get_fignums() == before


# --- what a reader sees: upright words, readable colours, a readable title ---------------------------
def _luminance(color: str) -> float:
    """Relative luminance (WCAG 2.x) of a ``#rrggbb`` colour."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_words_stay_upright_and_colours_read_on_white() -> None:
    many = {f"词语{i}": 100 - i for i in range(80)} | FREQS
    cloud = make_wordcloud(many, width=400, height=200)
    assert len(cloud.layout_) > 30
    assert all(orientation is None for *_, orientation, _ in cloud.layout_)  # never rotated
    used = {color for *_, color in cloud.layout_}
    assert used <= set(CLOUD_PALETTE) and len(used) > 3
    for color in CLOUD_PALETTE:  # WCAG contrast ratio against white, AA for text: at least 4.5
        assert (1.05) / (_luminance(color) + 0.05) >= 4.5, color
    # A term keeps its colour from cloud to cloud.
    again = make_wordcloud(dict(list(many.items())[::2]), width=400, height=200)
    colors = {w: c for (w, _), *_, c in cloud.layout_}
    assert all(colors[w] == c for (w, _), *_, c in again.layout_ if w in colors)
    # Rotation stays possible when asked for, and a colormap still wins over the palette.
    turned = make_wordcloud(many, width=400, height=200, prefer_horizontal=0.0)
    assert any(orientation is not None for *_, orientation, _ in turned.layout_)
    mapped = make_wordcloud(FREQS, colormap="viridis")
    assert not {c for *_, c in mapped.layout_} <= set(CLOUD_PALETTE)


def test_cloud_title_is_large_and_plain_text() -> None:
    ax = plot_wordcloud(make_wordcloud(FREQS), title="收入 US$5亿 与 $3 的词云")
    title = ax.title
    assert title.get_text() == "收入 US$5亿 与 $3 的词云"
    assert title.get_parse_math() is False  # a $ never starts math mode
    assert title.get_fontsize() >= 14
    fig = ax.get_figure()
    assert fig is not None
    fig.canvas.draw()  # draws without a mathtext error
    plt.close(fig)
