"""Word clouds from studykit's own frequencies, drawn in a Chinese font.

>>> cloud = make_wordcloud({"政协": 30, "党建": 21, "履职": 12})  # doctest: +SKIP
>>> plot_wordcloud(cloud, title="政协党建高频词")  # doctest: +SKIP

Clouds are always built with ``generate_from_frequencies`` from counted terms, never by joining
tokens with spaces (which would let wordcloud re-split and re-count Chinese text its own way).
"""

from __future__ import annotations

import math
import types
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
import wordcloud.wordcloud as _wc
from PIL import ImageFont
from wordcloud import WordCloud

from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.errors import StudykitError

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

__all__ = ["CLOUD_PALETTE", "make_wordcloud", "plot_wordcloud"]

CLOUD_PALETTE = (
    "#1f4e79",  # dark blue
    "#b03a2e",  # brick red
    "#2e6b30",  # forest green
    "#6c3483",  # purple
    "#a04000",  # burnt orange
    "#0e6655",  # teal
    "#34495e",  # slate
    "#8e2c5a",  # plum
)
"""Word colours of a cloud: each has a contrast ratio of at least 4.5:1 on white (WCAG 2.x,
level AA for text), so no word fades into the background the way viridis' pale yellow does."""


def _palette_color(word: str, *_args: Any, **_kwargs: Any) -> str:
    """A colour per word from :data:`CLOUD_PALETTE`, chosen by a stable hash of the word, so a
    term keeps its colour in every cloud and every session (``hash()`` is salted per process)."""
    return CLOUD_PALETTE[zlib.crc32(word.encode("utf-8")) % len(CLOUD_PALETTE)]

_LAYOUT_SCALE = 1.25
_NO_TERMS = "没有可绘制的词 / no terms to draw: loosen the filters"


class _FontFile(str):
    """A font path that also carries its :class:`FontChoice`, whose PIL fonts are cached."""

    choice: FontChoice

    def __new__(cls, path: str, choice: FontChoice) -> _FontFile:
        self = super().__new__(cls, path)
        self.choice = choice
        return self


class _CachingImageFont:
    """Stands in for ``PIL.ImageFont`` inside wordcloud's drawing methods.

    wordcloud calls ``ImageFont.truetype(self.font_path, size)`` for every placement it tries
    (about 750 times for 200 words), re-reading the font file each time. For a ``_FontFile`` this
    returns the font cached on its ``FontChoice`` instead.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(ImageFont, name)

    @staticmethod
    def truetype(font: Any, size: float = 10, *args: Any, **kwargs: Any) -> Any:
        if isinstance(font, _FontFile) and not args and not kwargs:
            return font.choice.pil_font(int(size))
        return ImageFont.truetype(font, size, *args, **kwargs)


def _with_cached_fonts(cls: type[Any]) -> type[Any]:
    """Rebind the methods that load fonts to globals where ``ImageFont`` is the caching proxy.

    Unlike patching ``wordcloud.wordcloud.ImageFont``, this changes no module state: plain
    ``WordCloud`` objects and other threads are unaffected.
    """
    namespace = {**vars(_wc), "ImageFont": _CachingImageFont()}
    for name in ("generate_from_frequencies", "to_image", "to_svg"):
        func = getattr(WordCloud, name)
        rebound = types.FunctionType(
            func.__code__, namespace, func.__name__, func.__defaults__, func.__closure__
        )
        rebound.__kwdefaults__ = func.__kwdefaults__
        rebound.__doc__ = func.__doc__
        setattr(cls, name, rebound)
    return cls


@_with_cached_fonts
class _CachedFontWordCloud(WordCloud):  # type: ignore[misc]
    """A ``WordCloud`` that reuses one PIL font object per size."""


def _frequencies(freqs: Mapping[str, float] | pd.DataFrame) -> dict[str, float]:
    """Positive, finite weights per non-blank term, ordered by weight then term."""
    if isinstance(freqs, pd.DataFrame):
        missing = {"term", "count"} - set(freqs.columns)
        if missing:
            raise StudykitError(
                f"频率表缺少列 {sorted(missing)} / frequency table lacks columns "
                f"{sorted(missing)}: pass a table with columns term and count"
            )
        grouped = freqs.groupby(freqs["term"].astype(str))["count"].sum()
        items = [(str(k), float(v)) for k, v in grouped.items()]
    else:
        items = [(str(k), float(v)) for k, v in freqs.items()]
    kept = {t: w for t, w in items if t.strip() and math.isfinite(w) and w > 0}
    if not kept:
        raise StudykitError(_NO_TERMS)
    return dict(sorted(kept.items(), key=lambda tw: (-tw[1], tw[0])))


def make_wordcloud(
    freqs: Mapping[str, float] | pd.DataFrame,
    *,
    font: FontChoice | None = None,
    width: int = 800,
    height: int = 400,
    mask: np.ndarray[Any, Any] | None = None,
    colormap: str | None = None,
    random_state: int = 0,
    max_words: int = 200,
    background_color: str | None = "white",
    prefer_horizontal: float = 1.0,
) -> WordCloud:
    """Lay out a word cloud of ``freqs`` in a Chinese font and return the ``WordCloud``.

    ``freqs`` maps term to weight, or is a frequency table with columns ``term`` and ``count``
    (as studykit's frequency functions return; ``rate`` and ``range`` are ignored). Terms with a
    weight that is not positive are dropped. The same inputs give the same picture: ties are
    broken by term and the layout is seeded with ``random_state``. Raises ``StudykitError``
    when nothing is left to draw.

    Chinese words stay upright: ``prefer_horizontal=1.0`` never rotates a word (one that does
    not fit is drawn smaller instead); lower it to allow vertical words. Words are coloured from
    :data:`CLOUD_PALETTE` (dark enough to read on white, one colour per word) unless you pass a
    matplotlib ``colormap`` name.

    >>> cloud = make_wordcloud({"政协": 30, "党建": 21, "四个意识": 5})  # doctest: +SKIP
    >>> cloud.to_image().size  # doctest: +SKIP
    (800, 400)
    """
    weights = _frequencies(freqs)
    font = font or find_cjk_font()
    # Lay out on a canvas 1.25× smaller and draw at full size (wordcloud's ``scale``): the layout
    # search grows with canvas area, so this saves about a third of the time, and every word
    # still fits. Only where the output size comes out exact; a mask fixes its own canvas.
    scale = _LAYOUT_SCALE
    small_w, small_h = round(width / scale), round(height / scale)
    if mask is not None or int(small_w * scale) != width or int(small_h * scale) != height:
        scale, small_w, small_h = 1.0, width, height
    cloud = _CachedFontWordCloud(
        font_path=_FontFile(str(font.single_face_path()), font),
        width=small_w,
        height=small_h,
        scale=scale,
        mask=mask,
        colormap=colormap,
        color_func=None if colormap else _palette_color,
        prefer_horizontal=prefer_horizontal,
        random_state=random_state,
        max_words=max_words,
        background_color=background_color,
    )
    cloud.generate_from_frequencies(weights)
    return cloud


def plot_wordcloud(
    cloud: WordCloud,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    font: FontChoice | None = None,
) -> Axes:
    """Show ``cloud`` on ``ax`` (a new figure when ``None``) without axes, and return the Axes.

    ``title`` is drawn in the CJK font, ``x-large`` (14.4 pt at matplotlib's default 10 pt), so it
    reads well above large words, and as text (a ``$`` in it never starts math mode).

    >>> ax = plot_wordcloud(make_wordcloud({"政协": 3, "党建": 2}), title="高频词")  # doctest: +SKIP
    """
    image = cloud.to_array()
    if ax is None:
        import matplotlib.pyplot as plt  # only here, so importing studykit picks no backend

        height, width = image.shape[:2]
        _, ax = plt.subplots(figsize=(8, 8 * height / width), layout="constrained")
    ax.imshow(image, interpolation="bilinear")
    ax.set_axis_off()
    if title:
        props = (font or find_cjk_font()).props()
        props.set_size("x-large")
        ax.set_title(title, fontproperties=props, parse_math=False, pad=8)
    return ax
