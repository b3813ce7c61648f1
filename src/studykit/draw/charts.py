"""Charts of studykit's analyses, drawn in a Chinese font on the Axes you give.

Every ``plot_*`` function takes the DataFrame an analysis returned, draws on ``ax`` (or on a new
figure when ``ax`` is ``None``) and returns the Axes::

    freqs = sk.term_frequencies(table, top=20)
    ax = sk.plot_top_terms(freqs, title="政协党建高频词")

Rules every function follows (and ``tests/test_plot.py`` checks):

* The CJK font is resolved once (``font or find_cjk_font()``) and passed to every text artist
  as ``fontproperties``: titles, axis labels, category tick labels, annotations, legends,
  colorbar labels and captions. Numeric tick labels keep matplotlib's default font.
* Nothing global changes: nothing is shown, saved or styled globally, the backend is never
  switched, and ``matplotlib.rcParams`` is never assigned. pyplot is imported only to create a figure
  when no ``ax`` is given.
* No per-call ``tight_layout``. A new figure uses the constrained layout engine; a figure you
  pass keeps its engine, and gets constrained layout only when it has none.
* Redrawing is cheap: ``ax.clear()`` then call the function again with ``ax=ax``. Functions
  with a colorbar draw it in an inset of ``ax`` (so the figure gains no Axes) and remove their
  previous colorbar on that ``ax`` first.

Where section titles are shortened on an axis (``一 自觉扛起党对…``), the full titles are attached
below the axes as a caption (an annotation with gid ``studykit-caption``), see
:func:`section_caption`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox, blended_transform_factory, offset_copy

from studykit.analysis._options import Count, CountOrTexts, checked
from studykit.draw._figure import COLORBAR_KEY, EMPTY_GID
from studykit.draw._figure import Fonts as _Fonts
from studykit.draw._figure import axes_for as _axes
from studykit.draw._figure import fonts_for as _fonts
from studykit.draw._figure import grid as _grid
from studykit.draw._figure import note as _note
from studykit.draw._figure import remove_old_colorbar as _remove_old_colorbar
from studykit.draw._figure import require as _require
from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.errors import StudykitError
from studykit.zh import cn_to_int

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import FigureBase
    from matplotlib.image import AxesImage

    from studykit.analysis.patterns import FormulationResult

__all__ = [
    "BAND_GID",
    "CAPTION_GID",
    "EMPTY_GID",
    "KIND_COLORS",
    "NODE_LABEL_GID",
    "SECTION_LABEL_GID",
    "bar_figure_height",
    "plot_cooccurrence",
    "plot_dispersion",
    "plot_formulations",
    "plot_keyness",
    "plot_section_clouds",
    "plot_section_lengths",
    "plot_section_top_terms",
    "plot_similarity",
    "plot_term_heatmap",
    "plot_top_terms",
    "section_caption",
    "short_title",
]

CAPTION_GID = "studykit-caption"
"""gid of the caption annotation that lists full section titles below an Axes."""
BAND_GID = "studykit-section-band"
"""gid of the shaded section bands in :func:`plot_dispersion`."""
SECTION_LABEL_GID = "studykit-section-label"
"""gid of the section labels (导语, 一, 二 …) above :func:`plot_dispersion`."""
NODE_LABEL_GID = "studykit-node-label"
"""gid of the node labels in :func:`plot_cooccurrence`."""

PREAMBLE = "0"
PREAMBLE_NAME = "导语"
NOT_FOUND = "未找到"
KIND_NAMES: dict[str, str] = {
    "numbered": "数字提法",
    "parallel": "排比",
    "quote": "引号短语",
    "four_char_list": "四字短语",
}
VALUE_NAMES: dict[str, str] = {
    "count": "次数",
    "rate": "每千词",
    "chars": "字数",
    "tokens": "词数",
    "paragraphs": "段落数",
}

KIND_COLORS: dict[str, str] = {
    "numbered": "#c0392b",
    "parallel": "#2f6fa8",
    "quote": "#3d7a2a",
    "four_char_list": "#7b4fa3",
}
"""One colour per formulation kind, the same in every chart and list that shows kinds."""

_BAR_COLOR = "#3b6ea5"
_TARGET_COLOR = "#c0392b"
_REFERENCE_COLOR = "#2f6fa8"
_FADE = "4d"  # alpha 0.3 appended to a colour: a keyness bar that is not significant
_BAND_COLORS = ("#e9edf2", "#d5dde6")
_CAPTION_LINE = 40  # characters per caption line before wrapping
_TRAILING = "，,、。．.；;：:！!？?…—－-（(「『“‘《〈 \u3000和与及并或的"
_CLAUSE_BREAKS = "，,、；;：:"


# --- fonts and small helpers ---------------------------------------------------------------------


_BAR_PITCH = 0.18  # inches per bar: a 10-point label (11.6 pt line box) plus a gap
_BAR_FRAME = 1.0  # inches for the title, the x axis and its label


def bar_figure_height(n_bars: int, *, minimum: float = 4.5) -> float:
    """Figure height in inches for a horizontal bar chart of ``n_bars`` bars: at least
    ``minimum``, and 0.18 in per bar plus an inch for the title and x axis, so that the
    category labels (10 pt) never overlap however many bars there are (60 bars: 11.8 in).

    >>> bar_figure_height(20), bar_figure_height(60)
    (4.6, 11.8)
    """
    return round(max(float(minimum), _BAR_FRAME + _BAR_PITCH * max(int(n_bars), 0)), 2)


def _section_name(path: str, label: str | None = None) -> str:
    """``导语`` for the preamble, ``标题`` for the title's own group (path ``""``), else the
    section's label (or its path)."""
    if path == PREAMBLE or (not path and label == PREAMBLE):
        return PREAMBLE_NAME
    if not path and not label:
        return "标题"
    return label or path


def _section_titles(frame: pd.DataFrame) -> dict[str, str]:
    """Section path → title from ``frame.attrs["sections"]`` when an analysis kept them."""
    out: dict[str, str] = {}
    for s in frame.attrs.get("sections", []) or []:
        if isinstance(s, Mapping) and "path" in s:
            out[str(s["path"])] = str(s.get("title") or "")
    return out


def _section_order(frame: pd.DataFrame, column: str = "section") -> list[str]:
    """Sections in document order: ``attrs["top_sections"]`` when present, else first seen."""
    seen = [str(s) for s in pd.unique(frame[column].astype(str))]
    known = [str(s) for s in frame.attrs.get("top_sections", []) or []]
    ordered = [s for s in known if s in seen]
    rest = [s for s in seen if s not in ordered]
    numbers = [cn_to_int(s.split("/")[0]) for s in rest]
    if not ordered and all(n is not None for n in numbers):  # 0 (导语), 一, 二 … 十一
        rest = [s for _, s in sorted(zip(numbers, rest, strict=True), key=lambda p: p[0] or 0)]
    return ordered + rest


def _set_title(ax: Axes, title: str, fonts: _Fonts, **kwargs: Any) -> None:
    ax.set_title(title, fontproperties=fonts.title, parse_math=False, **kwargs)


def _fmt(value: float) -> str:
    """Counts as integers, rates with up to two decimals."""
    if math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _value_labels(
    ax: Axes,
    xs: Iterable[float],
    ys: Iterable[float],
    labels: Iterable[str],
    fonts: _Fonts,
    *,
    vertical: bool = False,
) -> None:
    """Write ``labels`` just past each bar's end: right of ``x`` (left of it for a negative bar)
    or, with ``vertical``, above ``y``.

    Plain texts sharing offset transforms and left out of layout (margins keep them inside the
    axes): noticeably cheaper to draw than ``ax.bar_label``'s annotations.
    """
    fig = ax.get_figure(root=True)
    assert fig is not None
    if vertical:
        up = offset_copy(ax.transData, fig=fig, y=2, units="points")
        for x, y, text in zip(xs, ys, labels, strict=True):
            ax.text(x, y, text, transform=up, ha="center", va="bottom",
                    fontproperties=fonts.note, gid=_VALUE_GID).set_in_layout(False)
        return
    right = offset_copy(ax.transData, fig=fig, x=2, units="points")
    left = offset_copy(ax.transData, fig=fig, x=-2, units="points")
    for x, y, text in zip(xs, ys, labels, strict=True):
        t = ax.text(x, y, text, transform=right if x >= 0 else left, va="center",
                    ha="left" if x >= 0 else "right", fontproperties=fonts.note, gid=_VALUE_GID)
        t.set_in_layout(False)


_VALUE_GID = "studykit-value"


# --- titles and captions -------------------------------------------------------------------------


def short_title(label: str | None, title: str | None, max_chars: int = 8) -> str:
    """A section's label and title, shortened to about ``max_chars`` characters, for tick labels.

    ``max_chars`` counts the label and the title together (not the space between them) and
    includes the ``…``; a title always keeps at least two characters. A title that does not fit
    is cut at a clause break (``，、；：``) when one falls in the second half of the room,
    otherwise where the room ends; trailing punctuation and dangling connectives (和、与、及、的)
    are dropped before ``…`` is added. A title that fits loses only trailing punctuation. The
    preamble (label ``0``, or no label and title ``导语``) becomes ``导语``.

    >>> short_title("一", "自觉扛起党对人民政协领导的重大政治责任")
    '一 自觉扛起党对…'
    >>> short_title("二", "坚持建言资政。")
    '二 坚持建言资政'
    >>> short_title("0", "导语")
    '导语'
    """
    label = (label or "").strip()
    title = (title or "").strip()
    if label == PREAMBLE or (not label and title in ("", PREAMBLE_NAME)):
        return PREAMBLE_NAME
    room = max(int(max_chars) - len(label), 3)  # for the title, ellipsis included
    if len(title) > room:
        head = title[: room - 1]
        breaks = [i for i, ch in enumerate(head) if ch in _CLAUSE_BREAKS and i >= room // 2]
        if breaks:
            head = head[: breaks[0]]
        head = head.rstrip(_TRAILING) or title[: room - 1]
        title = head + "…"
    else:
        title = title.rstrip(_TRAILING) or title
    return f"{label} {title}".strip()


def _pairs(sections: pd.DataFrame | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    if isinstance(sections, pd.DataFrame):
        _require(sections, ("title",), "章节表 / sections")
        labels = sections["label"] if "label" in sections.columns else sections["section"]
        paths = sections["section"] if "section" in sections.columns else labels
        return [
            (_section_name(str(p), str(lab) if pd.notna(lab) else None), str(t or ""))
            for p, lab, t in zip(paths, labels, sections["title"], strict=True)
        ]
    return [(str(label), str(title or "")) for label, title in sections]


def section_caption(
    sections: pd.DataFrame | Iterable[tuple[str, str]], *, width: int | None = None
) -> str:
    """The full section titles, ``label：title`` joined by ``；``, for a caption under a chart.

    ``sections`` is a table with ``label`` (or ``section``) and ``title`` columns, such as
    ``section_lengths`` or ``dispersion_sections`` return, or ``(label, title)`` pairs. The
    preamble (导语) and untitled sections are left out. ``width`` wraps the caption onto lines of
    about that many characters, breaking only between sections.

    >>> section_caption([("一", "自觉扛起党对人民政协领导的重大政治责任"), ("二", "坚持建言资政和凝聚共识双向发力")])
    '一：自觉扛起党对人民政协领导的重大政治责任；二：坚持建言资政和凝聚共识双向发力'
    """
    items = [
        f"{label}：{title}" if label else title
        for label, title in _pairs(sections)
        if title and title != PREAMBLE_NAME and label != PREAMBLE_NAME
    ]
    if width is None:
        return "；".join(items)
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 1 + len(item) <= width:
            lines[-1] += "；" + item
        else:
            lines.append(item)
    return "\n".join(lines)


def _caption(ax: Axes, caption: str, fonts: _Fonts) -> None:
    """Put ``caption`` under the x axis (below its tick labels and label), inside ``ax.texts``."""
    if not caption:
        return

    def below_x_axis(renderer: RendererBase) -> Bbox:
        box = ax.bbox
        axis = ax.xaxis.get_tightbbox(renderer) if ax.xaxis.get_visible() else None
        y0 = box.y0 if axis is None else min(box.y0, axis.y0)
        return Bbox.from_extents(box.x0, y0, box.x1, box.y1)

    ax.annotate(
        caption, xy=(0, 0), xycoords=below_x_axis, xytext=(0, -4), textcoords="offset points",
        ha="left", va="top", fontproperties=fonts.note, color="0.3", gid=CAPTION_GID,
        annotation_clip=False, parse_math=False,
    )


# --- bars ----------------------------------------------------------------------------------------


@checked(n=Count(1, none=True))
def plot_top_terms(
    freqs: pd.DataFrame | Mapping[str, float],
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    value: Literal["count", "rate"] = "count",
    n: int | None = None,
    title: str | None = None,
    color: str | None = None,
) -> Axes:
    """Horizontal bars of the most frequent terms, the largest at the top, each labelled.

    ``freqs`` is ``term_frequencies``' table (``term``, ``count``, ``rate``, ``range``) or a
    ``{term: count}`` mapping. ``value`` picks the bar length (``rate`` is per thousand tokens);
    ``n`` keeps the top ``n`` (default: every row given; the analysis already chose how many).
    Ties are ordered by term, so the chart is deterministic. A new figure grows with the number
    of bars (:func:`bar_figure_height`), so labels never overlap; on an ``ax`` you give, size
    its figure the same way. To update a chart in place: ``ax.clear(); plot_top_terms(freqs,
    ax=ax)``.

    >>> ax = plot_top_terms({"政协": 30, "党建": 21, "履职": 12}, title="高频词")  # doctest: +SKIP
    >>> [t.get_text() for t in ax.get_yticklabels()]  # doctest: +SKIP
    ['政协', '党建', '履职']
    """
    fonts = _fonts(font)
    if isinstance(freqs, pd.DataFrame):
        _require(freqs, ("term", value), "词频表 / frequency")
        data = pd.DataFrame({"term": freqs["term"].astype(str), "v": freqs[value].astype(float)})
    elif not isinstance(freqs, Mapping | pd.Series):
        _require(freqs, ("term", value), "词频表 / frequency")  # refuses it in one line
        raise AssertionError  # pragma: no cover - _require raised
    else:
        pairs = list(freqs.items())  # a mapping or a Series: term → count
        data = pd.DataFrame({"term": [str(k) for k, _ in pairs], "v": [float(v) for _, v in pairs]})
        if value != "count":
            raise StudykitError(
                "映射只含次数 / a mapping holds counts only: pass term_frequencies' table for rate"
            )
    data = data.sort_values(["v", "term"], ascending=[False, True], kind="stable")
    data = data if n is None else data.head(n)
    given = ax is not None
    ax = _axes(ax, (7.5, bar_figure_height(len(data))))
    if given:  # the user's Axes may be too small for this many labels: smaller labels that fit
        fonts = _fit_bar_fonts(ax, len(data), fonts)
    y = np.arange(len(data))
    widths = data["v"].to_numpy()
    labels = [short_label(t) for t in data["term"]]
    title = title if title is not None else "高频词"
    if _update_top_terms(ax, labels, widths, value, title, fonts):
        return ax
    if _top_terms_bars(ax) is not None:  # a chart of another length: start afresh
        ax.clear()
    ax.barh(y, widths, color=color or _BAR_COLOR, height=0.7, label=_TOP_TERMS)
    ax.set_yticks(y, labels, fontproperties=fonts.tick, parse_math=False)
    ax.set_ylim(max(len(data), 1) - 0.5, -0.5)  # first (largest) bar at the top
    _value_labels(ax, widths, y, [_fmt(float(v)) for v in widths], fonts)
    ax.margins(x=0.12)
    ax.set_xlabel(VALUE_NAMES[value], fontproperties=fonts.label)
    ax.spines[["top", "right"]].set_visible(False)
    if data.empty:
        _note(ax, NOT_FOUND, fonts)
    _set_title(ax, title, fonts)
    return ax


MAX_LABEL = 20
"""Characters of a bar label before it is cut with an ellipsis (a 300-character token would
push the bars off the figure)."""
_MIN_LABEL_POINTS = 5.0


def short_label(text: object, max_chars: int = MAX_LABEL) -> str:
    """``text`` as a category label: at most ``max_chars`` characters, the last one ``…`` when
    it was cut.

    >>> short_label("坚持和完善中国共产党领导的多党合作和政治协商制度", 10)
    '坚持和完善中国共产…'
    """
    s = str(text)
    return s if len(s) <= max_chars else s[: max(max_chars - 1, 1)] + "…"


def _fit_bar_fonts(ax: Axes, n_bars: int, fonts: _Fonts) -> _Fonts:
    """Tick and value-label fonts small enough for ``n_bars`` bar labels to stand apart on an
    Axes the caller sized (a figure at least :func:`bar_figure_height` tall keeps the sizes).
    Below 5 points nothing is readable: a warning says to make the figure taller."""
    fig = ax.get_figure(root=True)
    if fig is None or n_bars <= 0 or fig.get_figheight() >= bar_figure_height(n_bars) - 0.01:
        return fonts
    # The Axes' share of the figure (constrained layout will give it about this much or more).
    height_pt = ax.get_position().height * fig.get_figheight() * 72
    fit = height_pt / n_bars / 1.16  # a line box is 1.16 font sizes
    size = float(fonts.tick.get_size_in_points())
    if fit >= size:
        return fonts
    if fit < _MIN_LABEL_POINTS:
        warnings.warn(
            f"{n_bars} 个条形放不下 / {n_bars} bars do not fit on this Axes: make its figure "
            f"{bar_figure_height(n_bars)} in tall (bar_figure_height) or pass a smaller n",
            UserWarning, stacklevel=3,
        )
    tick, note = fonts.tick.copy(), fonts.note.copy()
    tick.set_size(max(fit, _MIN_LABEL_POINTS))
    note.set_size(min(max(fit, _MIN_LABEL_POINTS), float(note.get_size_in_points())))
    return fonts._replace(tick=tick, note=note)


_TOP_TERMS = "_studykit_top_terms"  # container labels; the leading _ keeps them out of legends
_KEYNESS = "_studykit_keyness"


def _bars_of(ax: Axes, label: str) -> Any:
    return next((c for c in ax.containers if c.get_label() == label), None)


def _top_terms_bars(ax: Axes) -> Any:
    return _bars_of(ax, _TOP_TERMS)


def _update_hbars(
    ax: Axes, label: str, terms: list[str], widths: Any, texts: list[str], fonts: _Fonts,
    colors: list[str] | None = None,
) -> bool:
    """Redraw an existing horizontal bar chart of the same length in place: bar widths (and
    colours), tick labels and value labels, with no artists rebuilt. False when it cannot."""
    bars = _bars_of(ax, label)
    labels = [t for t in ax.texts if t.get_gid() == _VALUE_GID]
    if bars is None or len(bars) != len(terms) or len(labels) != len(terms) or not terms:
        return False
    fig = ax.get_figure(root=True)
    assert fig is not None
    right = offset_copy(ax.transData, fig=fig, x=2, units="points")
    left = offset_copy(ax.transData, fig=fig, x=-2, units="points")
    for k, (rect, value_label, w, text) in enumerate(zip(bars, labels, widths, texts, strict=True)):
        rect.set_width(float(w))
        if colors is not None:
            rect.set_facecolor(colors[k])
        value_label.set_x(float(w))
        value_label.set_text(text)
        value_label.set_transform(right if w >= 0 else left)
        value_label.set_horizontalalignment("left" if w >= 0 else "right")
    ax.yaxis.set_ticks(np.arange(len(terms)), terms, fontproperties=fonts.tick, parse_math=False)
    return True


def _update_top_terms(
    ax: Axes, terms: list[str], widths: Any, value: str, title: str, fonts: _Fonts
) -> bool:
    """Update an existing top-terms chart of the same length in place (see ``_update_hbars``)."""
    if not _update_hbars(ax, _TOP_TERMS, terms, widths, [_fmt(float(w)) for w in widths], fonts):
        return False
    ax.set_xlim(0, float(max(widths)) * 1.12 if len(widths) and max(widths) > 0 else 1)
    ax.set_xlabel(VALUE_NAMES[value], fontproperties=fonts.label)
    _set_title(ax, title, fonts)
    return True


@checked(max_chars=Count(1))
def plot_section_lengths(
    lengths: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    value: Literal["chars", "tokens", "paragraphs"] = "chars",
    title: str | None = None,
    max_chars: int = 8,
) -> Axes:
    """Bars of each top-level section's size, in document order from the top.

    ``lengths`` is ``tokens.section_lengths``' table (``section``, ``label``, ``title``,
    ``paragraphs``, ``chars`` and, with a token table, ``tokens``). Bars are labelled with the
    section label and a short title (``一 自觉扛起党对…``, the preamble as ``导语``); the full
    titles are listed in a caption under the axes.

    >>> ax = plot_section_lengths(section_lengths(doc), value="chars")  # doctest: +SKIP
    """
    fonts = _fonts(font)
    _require(lengths, ("section", "title", value), "篇幅表 / section lengths")
    labels = lengths["label"] if "label" in lengths.columns else lengths["section"]
    names = [
        short_title(_section_name(str(p), str(lab)), str(t), max_chars)
        if _section_name(str(p), str(lab)) != PREAMBLE_NAME
        else PREAMBLE_NAME
        for p, lab, t in zip(lengths["section"], labels, lengths["title"], strict=True)
    ]
    values = lengths[value].astype(float).to_numpy()
    ax = _axes(ax)
    y = np.arange(len(values))
    ax.barh(y, values, color=_BAR_COLOR, height=0.65)
    ax.set_yticks(y, names, fontproperties=fonts.tick, parse_math=False)
    ax.set_ylim(max(len(values), 1) - 0.5, -0.5)
    _value_labels(ax, values, y, [_fmt(float(v)) for v in values], fonts)
    ax.margins(x=0.12)
    ax.set_xlabel(VALUE_NAMES[value], fontproperties=fonts.label)
    ax.set_ylabel("章节", fontproperties=fonts.label)
    ax.spines[["top", "right"]].set_visible(False)
    if len(values) == 0:
        _note(ax, NOT_FOUND, fonts)
    _set_title(ax, title if title is not None else "各部分篇幅", fonts)
    _caption(ax, section_caption(lengths, width=_CAPTION_LINE), fonts)
    return ax


# --- heatmaps ------------------------------------------------------------------------------------


_MAX_ANNOTATED_CELLS = 400


def _heatmap(
    ax: Axes,
    values: npt.NDArray[np.float64],
    fonts: _Fonts,
    *,
    cmap: str,
    bar_label: str,
    vmin: float | None = None,
    vmax: float | None = None,
    fmt: Callable[[float], str] = _fmt,
) -> AxesImage:
    """Annotated image plus a colorbar in an inset of ``ax`` (no new figure Axes)."""
    _remove_old_colorbar(ax)
    norm = Normalize(vmin=vmin, vmax=vmax)
    image = ax.imshow(values, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    ax.grid(False)
    if values.size and values.size <= _MAX_ANNOTATED_CELLS:  # beyond that, numbers are unreadable
        norm.autoscale_None(values)
        colors = colormaps[cmap](norm(values))
        luminance = colors[..., :3] @ np.array([0.299, 0.587, 0.114])
        for (i, j), v in np.ndenumerate(values):
            ax.text(
                j, i, fmt(float(v)), ha="center", va="center", fontproperties=fonts.note,
                color="white" if luminance[i, j] < 0.5 else "black",
            )
    cax = ax.inset_axes((1.03, 0.0, 0.035, 1.0))
    fig = ax.get_figure(root=False)
    assert fig is not None
    bar = fig.colorbar(image, cax=cax)
    bar.set_label(bar_label, fontproperties=fonts.label)
    vars(ax)[COLORBAR_KEY] = bar
    return image


_HEAT_ROW = 0.22
_HEAT_MAX_HEIGHT = 12.0


def _thin_row_labels(ax: Axes, fonts: _Fonts) -> None:
    """Keep every k-th row label when all of them would overlap on this Axes (a 40-row heatmap
    on a small figure labels every second or third row; the cells stay)."""
    fig = ax.get_figure(root=True)
    ticks = list(ax.get_yticks())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    if fig is None or len(ticks) < 2:
        return
    height_pt = ax.get_position().height * fig.get_figheight() * 72
    need = float(fonts.tick.get_size_in_points()) * 1.2 * len(ticks)
    step = math.ceil(need / max(height_pt, 1.0))
    if step > 1:
        ax.set_yticks(ticks[::step], labels[::step], fontproperties=fonts.tick, parse_math=False)


def _heat_label(path: str, titles: Mapping[str, str], max_chars: int = 8) -> str:
    name = _section_name(path)
    if name == PREAMBLE_NAME or path not in titles:
        return name
    return short_title(name, titles[path], max_chars)


@checked(terms=CountOrTexts())
def plot_term_heatmap(
    freqs_by_section: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    terms: int | Sequence[str] = 15,
    value: Literal["count", "rate"] = "count",
    title: str | None = None,
) -> Axes:
    """A sections × terms heatmap with every cell annotated and a colorbar.

    ``freqs_by_section`` is ``term_frequencies(table, by="section")``' long table (``section``,
    ``term``, ``count``, ``rate``, ``range``). ``terms`` is a number (the top terms by total
    count) or the terms to show, in order; a term absent from a section counts 0. Rows follow
    the document (``attrs["top_sections"]`` when present); the preamble is 导语.

    Redrawing: pass a fresh ``ax``, or ``ax.clear()`` and call again. The colorbar lives in an
    inset of ``ax`` and the previous one on the same ``ax`` is removed, so the figure never
    collects stale colorbar Axes.

    >>> ax = plot_term_heatmap(term_frequencies(table, by="section"), terms=["政协", "党建"])  # doctest: +SKIP
    """
    fonts = _fonts(font)
    _require(freqs_by_section, ("section", "term", "count", value), "分节词频表 / per-section frequency")
    data = freqs_by_section.assign(
        section=freqs_by_section["section"].astype(str), term=freqs_by_section["term"].astype(str)
    )
    if isinstance(terms, int):
        totals = data.groupby("term")["count"].sum().reset_index()
        totals = totals.sort_values(["count", "term"], ascending=[False, True], kind="stable")
        chosen = totals["term"].head(max(terms, 0)).tolist()
    else:
        chosen = list(dict.fromkeys(str(t) for t in ([terms] if isinstance(terms, str) else terms)))
    rows = _section_order(data)
    table = data.pivot_table(index="section", columns="term", values=value, aggfunc="sum")
    table = table.reindex(index=rows, columns=chosen).fillna(0.0)
    values = table.to_numpy(dtype=float)
    # A new figure grows with its rows (0.22 in each, 40 rows: 11.2 in), up to 12 in.
    ax = _axes(ax, (8.0, min(max(4.5, 2.4 + _HEAT_ROW * len(rows)), _HEAT_MAX_HEIGHT)))
    titles = _section_titles(freqs_by_section)
    _heatmap(ax, values, fonts, cmap="YlOrRd", bar_label=VALUE_NAMES[value], vmin=0.0)
    ax.set_xticks(range(len(chosen)), chosen, fontproperties=fonts.tick, parse_math=False)
    for lbl in ax.get_xticklabels():
        lbl.set_rotation(45)
        lbl.set_horizontalalignment("right")
        lbl.set_rotation_mode("anchor")
    ax.set_yticks(range(len(rows)), [_heat_label(r, titles) for r in rows], fontproperties=fonts.tick, parse_math=False)
    _thin_row_labels(ax, fonts)
    ax.set_ylabel("章节", fontproperties=fonts.label)
    if values.size == 0:
        _note(ax, NOT_FOUND, fonts)
    _set_title(ax, title if title is not None else "各部分高频词分布", fonts)
    if titles:
        _caption(ax, section_caption([(_section_name(r), titles.get(r, "")) for r in rows],
                                     width=_CAPTION_LINE), fonts)
    return ax


def plot_similarity(
    sim: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    labels: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Axes:
    """A section × section similarity heatmap with each value written in its cell.

    ``sim`` is ``section_similarity``' square table, indexed and labelled by section paths.
    ``labels`` maps a path to the text shown (default: the path, 导语 for ``0``); keep them short
    (``一``, ``（一）``) and give ``titles`` (path → full title) to list the full titles in a
    caption under the chart. The colour scale spans 0–1 unless values fall outside it.

    >>> ax = plot_similarity(section_similarity(table), labels={"一": "一 政治责任"})  # doctest: +SKIP
    """
    fonts = _fonts(font)
    values = sim.to_numpy(dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise StudykitError(
            f"相似度表须为方阵 / the similarity table must be square, got shape {values.shape}: "
            "pass section_similarity's result"
        )
    finite = values[np.isfinite(values)]
    vmin = min(0.0, float(finite.min())) if finite.size else 0.0
    vmax = max(1.0, float(finite.max())) if finite.size else 1.0
    ax = _axes(ax)
    _heatmap(
        ax, values, fonts, cmap="Blues", bar_label="相似度", vmin=vmin, vmax=vmax,
        fmt=lambda v: f"{v:.2f}",
    )
    mapping = dict(labels or {})
    rows = [mapping.get(str(p), _section_name(str(p))) for p in sim.index]
    cols = [mapping.get(str(p), _section_name(str(p))) for p in sim.columns]
    ax.set_xticks(range(len(cols)), cols, fontproperties=fonts.tick, parse_math=False)
    ax.set_yticks(range(len(rows)), rows, fontproperties=fonts.tick, parse_math=False)
    _thin_row_labels(ax, fonts)
    ax.set_xlabel("章节", fontproperties=fonts.label)
    ax.set_ylabel("章节", fontproperties=fonts.label)
    _set_title(ax, title if title is not None else "章节相似度", fonts)
    if titles:
        pairs = [(mapping.get(str(p), _section_name(str(p))), titles.get(str(p), "")) for p in sim.index]
        _caption(ax, section_caption(pairs, width=_CAPTION_LINE), fonts)
    return ax


# --- keyness -------------------------------------------------------------------------------------


@checked(n=Count(1))
def plot_keyness(
    keyness_df: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    n: int = 15,
    target: str = "目标",
    reference: str = "参照",
    title: str | None = None,
) -> Axes:
    """Diverging bars: terms key to the target (right, one colour) and to the reference (left).

    ``keyness_df`` is ``keyness``' table (``term``, ``target_count``, ``reference_count``, …,
    ``statistic``, ``effect``). The top ``n`` terms on each side are shown, strongest at the
    outer ends (target at the top, reference at the bottom). Bars point the way of
    ``statistic`` when it is signed; an unsigned statistic (G² ≥ 0) takes the sign of
    ``effect``. Each bar carries its raw counts, ``target : reference`` (``12 : 3``), and the
    legend names both sides. When the table has keyness' ``significant`` column, bars of terms
    that are not significant after the multiple-testing correction are drawn pale and the legend
    says so, so the chart and the flag tell one story.

    >>> ax = plot_keyness(keyness(table, "一", "二"), target="第一部分", reference="第二部分")  # doctest: +SKIP
    """
    fonts = _fonts(font)
    _require(keyness_df, ("term", "target_count", "reference_count", "statistic"), "关键词表 / keyness")
    stat = keyness_df["statistic"].astype(float)
    if (stat < 0).any() or "effect" not in keyness_df.columns:
        signed = stat
    else:
        signed = stat.abs() * np.where(keyness_df["effect"].astype(float) < 0, -1.0, 1.0)
    data = keyness_df.assign(_signed=signed.to_numpy(), term=keyness_df["term"].astype(str))
    data = data[np.isfinite(data["_signed"])]
    k = max(int(n), 0)
    pos = data[data["_signed"] > 0].sort_values(["_signed", "term"], ascending=[False, True])
    neg = data[data["_signed"] < 0].sort_values(["_signed", "term"], ascending=[False, True])
    shown = pd.concat([pos.head(k), neg.tail(k)])
    ax = _axes(ax, (7.5, bar_figure_height(len(shown))))
    y = np.arange(len(shown))
    widths = shown["_signed"].to_numpy()
    has_flag = "significant" in shown.columns
    weak = ~shown["significant"].astype(bool).to_numpy() if has_flag else np.zeros(len(shown), bool)
    colors = [(_TARGET_COLOR if w > 0 else _REFERENCE_COLOR) + (_FADE if f else "")
              for w, f in zip(widths, weak, strict=True)]
    counts = zip(shown["target_count"], shown["reference_count"], strict=True)
    texts = [f"{_fmt(float(tc))} : {_fmt(float(rc))}" for tc, rc in counts]
    reach = float(np.abs(widths).max()) if len(widths) else 1.0
    title = title if title is not None else f"关键词：{target} 对 {reference}"
    legend = ax.get_legend()
    if legend is not None and _update_hbars(ax, _KEYNESS, shown["term"].tolist(), widths, texts, fonts, colors):
        for text, name in zip(legend.get_texts(), (target, reference), strict=False):
            text.set_text(name)
            text.set_parse_math(False)
    else:
        if _bars_of(ax, _KEYNESS) is not None:  # a chart of another length: start afresh
            ax.clear()
        ax.barh(y, widths, color=colors, height=0.7, label=_KEYNESS)
        ax.set_yticks(y, shown["term"].tolist(), fontproperties=fonts.tick, parse_math=False)
        ax.set_ylim(max(len(shown), 1) - 0.5, -0.5)
        ax.axvline(0, color="0.3", linewidth=0.8)
        _value_labels(ax, widths, y, texts, fonts)
        handles = [Patch(color=_TARGET_COLOR, label=target), Patch(color=_REFERENCE_COLOR, label=reference)]
        if has_flag:
            handles.append(Patch(color="#888888" + _FADE, label="浅色：校正后不显著"))
        legend = ax.legend(handles=handles, prop=fonts.note, loc="lower right", frameon=False)
        for text in legend.get_texts():
            text.set_parse_math(False)
        ax.spines[["top", "right"]].set_visible(False)
        if shown.empty:
            _note(ax, NOT_FOUND, fonts)
    ax.set_xlim(-1.35 * reach if (widths < 0).any() else 0, 1.35 * reach if (widths > 0).any() or not len(widths) else 0)
    ax.set_xlabel(f"关键性（→ {target}　← {reference}）", fontproperties=fonts.label, parse_math=False)
    _set_title(ax, title, fonts)
    return ax


# --- dispersion ----------------------------------------------------------------------------------


def plot_dispersion(
    hits: pd.DataFrame,
    sections: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    terms: Sequence[str] | None = None,
    x: Literal["token", "char"] = "token",
    title: str | None = None,
    order: Literal["given", "dp"] = "given",
) -> Axes:
    """A dispersion plot: one row per term, a tick per occurrence, the real sections as bands.

    ``hits`` is ``kwic.dispersion``' table (``term``, ``token_index``, ``offset``, …) and
    ``sections`` is ``kwic.dispersion_sections``' (``section``, ``label``, ``title``,
    ``token_start``/``token_end``, ``start``/``end``). ``x`` places ticks by token position or
    by character offset. Row ``i`` sits at ``y = i`` with tick label ``terms[i]``; the first
    term is at the top (the y axis runs downwards). ``terms`` defaults to ``hits.attrs["terms"]``
    or the order terms appear in ``hits``; a term with no hits keeps its empty row. Sections
    are shaded in alternating bands labelled 导语, 一, 二 … at the top, with the full titles in a
    caption. With no hits at all the bands are still drawn, with the note 未找到.
    ``order="dp"`` sorts the rows by Gries' DP over the sections (most evenly spread first,
    :func:`studykit.analysis.concordance.dispersion_measures`) and adds each term's DP to its
    label; it needs the token columns.

    >>> ax = plot_dispersion(dispersion(table, ["政协", "党建"]), dispersion_sections(table))  # doctest: +SKIP
    """
    fonts = _fonts(font)
    _require(hits, ("term", "token_index" if x == "token" else "offset"), "分布表 / dispersion")
    lo_col, hi_col = ("token_start", "token_end") if x == "token" else ("start", "end")
    _require(sections, ("section", lo_col, hi_col), "章节表 / dispersion sections")
    pos_col = "token_index" if x == "token" else "offset"
    if terms is None:
        terms = list(hits.attrs.get("terms") or pd.unique(hits["term"].astype(str)))
    rows = [str(t) for t in dict.fromkeys(terms)]
    names = rows
    if order == "dp":
        from studykit.analysis.concordance import dispersion_measures

        measured = dispersion_measures(hits, sections)
        dp = dict(zip(measured["term"], measured["dp"], strict=True))
        rows = sorted(rows, key=lambda t: (np.isnan(dp.get(t, np.nan)), dp.get(t, np.inf)))
        names = [f"{t}（DP {dp[t]:.2f}）" if np.isfinite(dp.get(t, np.nan)) else t for t in rows]
    ax = _axes(ax)
    label_pos = blended_transform_factory(ax.transData, ax.transAxes)
    labels = sections["label"] if "label" in sections.columns else sections["section"]
    for k, (path, label, lo, hi) in enumerate(
        zip(sections["section"], labels, sections[lo_col], sections[hi_col], strict=True)
    ):
        ax.axvspan(
            float(lo), float(hi), color=_BAND_COLORS[k % 2], zorder=0, linewidth=0, gid=BAND_GID
        )
        ax.annotate(
            _section_name(str(path), str(label)), xy=((float(lo) + float(hi)) / 2, 1.0),
            xycoords=label_pos, xytext=(0, 2), textcoords="offset points", ha="center",
            va="bottom", fontproperties=fonts.note, gid=SECTION_LABEL_GID, annotation_clip=False,
            parse_math=False,
        )
    cmap = colormaps["tab10"]
    hit_terms = hits["term"].astype(str).to_numpy()
    positions = hits[pos_col].astype(float).to_numpy()
    for i, term in enumerate(rows):
        xs = positions[hit_terms == term]
        if len(xs):
            ax.vlines(xs, i - 0.38, i + 0.38, colors=[cmap(i % 10)], linewidth=1.2, label=term)
    ax.tick_params(axis="y", length=0)  # before the labels: on a reused Axes it resets their font
    ax.set_yticks(range(len(rows)), names, fontproperties=fonts.tick, parse_math=False)
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    edges = [*sections[lo_col].astype(float), *sections[hi_col].astype(float), *positions]
    if edges:
        ax.set_xlim(min(edges), max(edges))
    ax.set_xlabel("词序" if x == "token" else "字符位置", fontproperties=fonts.label)
    if not len(hits):
        _note(ax, NOT_FOUND, fonts)
    _set_title(ax, title if title is not None else "词语分布", fonts, pad=16)
    if "title" in sections.columns:
        _caption(ax, section_caption(sections, width=_CAPTION_LINE), fonts)
    return ax


# --- co-occurrence network -----------------------------------------------------------------------


@checked(top=Count(1))
def plot_cooccurrence(
    pairs: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    top: int = 30,
    seed: int = 0,
    title: str | None = None,
) -> Axes:
    """A co-occurrence network of the ``top`` strongest term pairs.

    ``pairs`` is ``cooccurrence``' table (``term_a``, ``term_b``, ``count``). The layout is
    networkx's ``spring_layout`` with a fixed ``seed``, so the same pairs always give the same
    picture. Node area grows with the node's summed pair counts, edge width with the pair's
    count. Labels are drawn with ``ax.text`` in the CJK font (networkx's own label drawing only
    takes a family name).

    >>> ax = plot_cooccurrence(cooccurrence(table), top=20, seed=1)  # doctest: +SKIP
    """
    import networkx as nx

    fonts = _fonts(font)
    _require(pairs, ("term_a", "term_b", "count"), "共现表 / co-occurrence")
    data = pd.DataFrame(
        {"a": pairs["term_a"].astype(str), "b": pairs["term_b"].astype(str),
         "count": pairs["count"].astype(float)}
    )
    data = data[(data["a"] != data["b"]) & (data["count"] > 0)]
    data = data.sort_values(["count", "a", "b"], ascending=[False, True, True], kind="stable")
    data = data.head(max(int(top), 0))
    ax = _axes(ax)
    ax.set_axis_off()
    _set_title(ax, title if title is not None else "共现网络", fonts)
    if data.empty:
        _note(ax, NOT_FOUND, fonts)
        return ax
    graph = nx.Graph()
    graph.add_nodes_from(sorted(set(data["a"]) | set(data["b"])))
    for a, b, c in zip(data["a"], data["b"], data["count"], strict=True):
        w = graph[a][b]["count"] + c if graph.has_edge(a, b) else c
        graph.add_edge(a, b, count=w)
    layout: dict[str, npt.NDArray[np.float64]] = nx.spring_layout(graph, seed=seed, weight="count")
    nodes = list(graph.nodes)
    xy = np.array([layout[v] for v in nodes], dtype=float)
    strength = np.array([graph.degree(v, weight="count") for v in nodes], dtype=float)
    edges = list(graph.edges(data="count"))
    counts = np.array([c for _, _, c in edges], dtype=float)
    ax.add_collection(
        LineCollection(
            [(layout[a], layout[b]) for a, b, _ in edges],
            linewidths=0.6 + 4.0 * counts / counts.max(), colors="0.55", alpha=0.7, zorder=1,
        )
    )
    ax.scatter(
        xy[:, 0], xy[:, 1], s=120 + 1200 * strength / strength.max(), color="#f4c77d",
        edgecolors="#b7862e", linewidths=0.8, zorder=2,
    )
    for (px, py), name in zip(xy, nodes, strict=True):
        ax.text(
            px, py, name, ha="center", va="center", fontproperties=fonts.tick, zorder=3,
            gid=NODE_LABEL_GID, parse_math=False,
        )
    ax.set_xlim(xy[:, 0].min() - 0.2, xy[:, 0].max() + 0.2)
    ax.set_ylim(xy[:, 1].min() - 0.2, xy[:, 1].max() + 0.2)
    return ax


# --- formulations --------------------------------------------------------------------------------


def plot_formulations(
    locations: pd.DataFrame | FormulationResult,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    kinds: Sequence[str] = ("numbered", "parallel"),
    sections: Sequence[str] | None = None,
    title: str | None = None,
) -> Axes:
    """Grouped bars: how many formulations of each kind every top-level section holds.

    ``locations`` is ``formulations(doc)`` or its ``locations_frame()`` (one row per occurrence: ``kind``,
    ``text``, ``section`` path, ``paragraph``, ``start``, ``end``). ``kinds`` picks the groups,
    named in the legend 数字提法 (numbered), 排比 (parallel), 引号短语 (quote), 四字短语
    (four_char_list), each always in its colour from :data:`KIND_COLORS`; bars are labelled
    with their counts, empty slots are not. ``sections`` fixes the top-level sections shown and their order (so
    sections without any formulation still get a slot); by default, the sections that occur,
    in document order.

    >>> ax = plot_formulations(formulations(doc).locations_frame())  # doctest: +SKIP
    """
    fonts = _fonts(font)
    if not isinstance(locations, pd.DataFrame) and callable(getattr(locations, "locations_frame", None)):
        locations = locations.locations_frame()  # formulations(doc) itself
    _require(locations, ("kind", "section"), "提法表 / formulation locations")
    assert isinstance(locations, pd.DataFrame)
    data = locations.assign(top=locations["section"].astype(str).str.split("/").str[0])
    if "start" in data.columns:
        data = data.sort_values("start", kind="stable")
    order = [str(s) for s in sections] if sections is not None else _section_order(data, "top")
    wanted = list(dict.fromkeys(kinds))
    counts = (
        data[data["kind"].isin(wanted)].groupby(["top", "kind"]).size()
        .unstack(fill_value=0).reindex(index=order, columns=wanted, fill_value=0)
    )
    ax = _axes(ax)
    x = np.arange(len(order))
    width = 0.8 / max(len(wanted), 1)
    for k, kind in enumerate(wanted):
        xs = x + (k - (len(wanted) - 1) / 2) * width
        heights = counts[kind].to_numpy()
        ax.bar(xs, heights, width, label=KIND_NAMES.get(kind, kind), color=KIND_COLORS.get(kind, _BAR_COLOR))
        drawn = heights > 0  # an empty slot stays empty: no "0" on the axis
        _value_labels(ax, xs[drawn], heights[drawn], [_fmt(float(h)) for h in heights[drawn]], fonts,
                      vertical=True)
    names = [_section_name(s) for s in order]
    ax.set_xticks(x, names, fontproperties=fonts.tick, parse_math=False)
    if _too_wide(ax, names, fonts):  # side by side they would overlap: stand them up
        for lbl in ax.get_xticklabels():
            lbl.set_rotation(90)
    ax.set_xlabel("章节", fontproperties=fonts.label)
    ax.set_ylabel("次数", fontproperties=fonts.label)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(y=0.12)
    ax.spines[["top", "right"]].set_visible(False)
    if wanted:
        ax.legend(prop=fonts.note, frameon=False)
    if not len(order) or not counts.to_numpy().any():
        ax.set_ylim(0, 1)  # nothing to count: a 0-1 axis, not matplotlib's ±0.06 around zero
        _note(ax, NOT_FOUND, fonts)
    _set_title(ax, title if title is not None else "提法与排比分布", fonts)
    return ax


def _too_wide(ax: Axes, labels: Sequence[str], fonts: _Fonts) -> bool:
    """Whether ``labels``, written side by side under the x axis, need more room than the axes
    has (a CJK character is about one font size wide; a gap of one character between labels)."""
    fig = ax.get_figure(root=True)
    if fig is None or not labels:
        return False
    size_in = float(fonts.tick.get_size_in_points()) / 72
    width_in = ax.get_position().width * fig.get_figwidth()
    return len(labels) * size_in * (max(len(s) for s in labels) + 1) > width_in


# --- small multiples -----------------------------------------------------------------------------


def _panel_titles(
    frame: pd.DataFrame, order: Sequence[str], titles: Mapping[str, str] | None, max_chars: int
) -> list[str]:
    known = {**_section_titles(frame), **(titles or {})}
    return [
        _section_name(s) if _section_name(s) == PREAMBLE_NAME or not known.get(s)
        else short_title(_section_name(s), known[s], max_chars)
        for s in order
    ]


@checked(ncols=Count(1))
def plot_section_clouds(
    freqs_by_section: pd.DataFrame,
    *,
    font: FontChoice | None = None,
    ncols: int = 3,
    fig: FigureBase | None = None,
    width: int = 400,
    height: int = 240,
    titles: Mapping[str, str] | None = None,
    title: str | None = None,
) -> npt.NDArray[np.object_]:
    """One word cloud per section, as small multiples; returns the Axes in section order.

    Clouds are built with :func:`studykit.draw.cloud.make_wordcloud` from the ``count`` column of
    ``term_frequencies(table, by="section")``. Panel titles are the section labels with their
    titles (from ``titles``, a path → title mapping, or the table's ``attrs["sections"]``).
    ``fig`` (a Figure or SubFigure) is cleared and reused; by default a new figure is made.
    A section with nothing to draw shows 未找到.

    >>> axes = plot_section_clouds(term_frequencies(table, by="section"), ncols=2)  # doctest: +SKIP
    """
    from studykit.draw.cloud import make_wordcloud, plot_wordcloud

    choice = font or find_cjk_font()
    fonts = _fonts(choice)
    _require(freqs_by_section, ("section", "term", "count"), "分节词频表 / per-section frequency")
    data = freqs_by_section.assign(section=freqs_by_section["section"].astype(str))
    order = _section_order(data)
    names = _panel_titles(freqs_by_section, order, titles, 16)
    fig, axes = _grid(len(order), ncols, fig, (width / 100, height / 100 + 0.45))
    for ax, section, name in zip(axes, order, names, strict=True):
        group = data[data["section"] == section][["term", "count"]]
        try:
            cloud = make_wordcloud(group, font=choice, width=width, height=height)
        except StudykitError:
            ax.set_axis_off()
            _note(ax, NOT_FOUND, fonts)
            _set_title(ax, name, fonts)
            continue
        plot_wordcloud(cloud, ax=ax)
        _set_title(ax, name, fonts)
    if title:
        fig.suptitle(title, fontproperties=fonts.title, parse_math=False)
    return np.array(axes, dtype=object)


@checked(n=Count(1), ncols=Count(1))
def plot_section_top_terms(
    freqs_by_section: pd.DataFrame,
    *,
    n: int = 8,
    font: FontChoice | None = None,
    ncols: int = 3,
    fig: FigureBase | None = None,
    value: Literal["count", "rate"] = "count",
    titles: Mapping[str, str] | None = None,
    title: str | None = None,
) -> npt.NDArray[np.object_]:
    """Each section's top ``n`` terms as small multiples of :func:`plot_top_terms`.

    Takes ``term_frequencies(table, by="section")``' long table; returns the Axes in section
    order. Panel titles and ``fig`` behave as in :func:`plot_section_clouds`.

    >>> axes = plot_section_top_terms(term_frequencies(table, by="section"), n=5)  # doctest: +SKIP
    """
    choice = font or find_cjk_font()
    fonts = _fonts(choice)
    _require(freqs_by_section, ("section", "term", value), "分节词频表 / per-section frequency")
    data = freqs_by_section.assign(section=freqs_by_section["section"].astype(str))
    order = _section_order(data)
    names = _panel_titles(freqs_by_section, order, titles, 12)
    fig, axes = _grid(len(order), ncols, fig, (3.2, 0.5 + 0.28 * max(n, 1)))
    for ax, section, name in zip(axes, order, names, strict=True):
        group = data[data["section"] == section]
        plot_top_terms(group, ax=ax, font=choice, value=value, n=n, title=name)
    if title:
        fig.suptitle(title, fontproperties=fonts.title, parse_math=False)
    return np.array(axes, dtype=object)
