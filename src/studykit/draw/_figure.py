"""What every studykit chart does the same way: resolve the CJK font once per call, take the
caller's Axes or make a constrained-layout figure, lay out small multiples, say "nothing to show",
check the columns of the DataFrame it was given, and keep every label as text (a ``$`` in a title,
a document id or a group name never starts matplotlib's math mode).

Private to :mod:`studykit.draw`; :mod:`~studykit.draw.charts` (one document) and
:mod:`~studykit.draw.corpus_charts` (a corpus) both build on it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple, ParamSpec, TypeVar

import numpy as np
import pandas as pd
from matplotlib.text import Text

from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.errors import StudykitError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colorbar import Colorbar
    from matplotlib.figure import Figure, FigureBase
    from matplotlib.font_manager import FontProperties

EMPTY_GID = "studykit-empty"
"""gid of the note drawn on an Axes when there is nothing to show (``未找到…``)."""

COLORBAR_KEY = "_studykit_colorbar"
"""Attribute of an Axes holding the colorbar a chart added, so a redraw can remove it."""

P = ParamSpec("P")
R = TypeVar("R")


class Fonts(NamedTuple):
    """One call's FontProperties, each a copy of the cached face with a size from rcParams."""

    title: FontProperties
    label: FontProperties
    tick: FontProperties
    note: FontProperties


def fonts_for(font: FontChoice | None) -> Fonts:
    """The chosen (or found) CJK face at the title, label, tick and note sizes of rcParams."""
    import matplotlib

    choice = font or find_cjk_font()
    rc = matplotlib.rcParams
    sizes = (rc["axes.titlesize"], rc["axes.labelsize"], rc["ytick.labelsize"], "small")
    props = []
    for size in sizes:
        fp = choice.props()
        fp.set_size(size)
        props.append(fp)
    return Fonts(*props)


def axes_for(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    """The given Axes (its figure gets constrained layout if it has no engine) or a new one."""
    if ax is None:
        import matplotlib.pyplot as plt  # only here, so importing studykit picks no backend

        _, new = plt.subplots(figsize=figsize, layout="constrained")
        return new
    fig = ax.get_figure(root=True)
    if fig is not None and fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")
    return ax


def grid(
    count: int, ncols: int, fig: FigureBase | None, panel: tuple[float, float]
) -> tuple[FigureBase, list[Axes]]:
    """``count`` Axes in rows of ``ncols`` on ``fig`` (cleared) or a new constrained figure."""
    ncols = max(1, min(int(ncols), max(count, 1)))
    nrows = max(1, math.ceil(count / ncols))
    if fig is None:
        import matplotlib.pyplot as plt  # only here, so importing studykit picks no backend

        new: Figure = plt.figure(figsize=(panel[0] * ncols, panel[1] * nrows), layout="constrained")
        fig = new
    else:
        fig.clear()
        root = fig.get_figure(root=True)
        if root is not None and root.get_layout_engine() is None:
            root.set_layout_engine("constrained")
    cells = fig.subplots(nrows, ncols, squeeze=False)
    axes: list[Axes] = list(cells.ravel())
    for extra in axes[count:]:
        extra.remove()
    return fig, axes[:count]


def require(frame: object, columns: Iterable[str], what: str) -> None:
    """Refuse anything but a DataFrame with ``columns``, in one bilingual line. ``what`` names
    the table in both languages: ``"提法表 / formulation locations"``."""
    zh, _, en = what.partition(" / ")
    en = en or zh
    if not isinstance(frame, pd.DataFrame):
        raise StudykitError(
            f"需要{zh} / expected a {en} table (a DataFrame), not {type(frame).__name__}: pass the "
            "DataFrame the matching studykit analysis returned"
        )
    missing = list(dict.fromkeys(c for c in columns if c not in frame.columns))
    if missing:
        raise StudykitError(
            f"{zh}缺少列 {missing} / the {en} table lacks columns {missing}: pass the DataFrame "
            "the matching studykit analysis returned"
        )


def note(ax: Axes, text: str, fonts: Fonts) -> None:
    """A grey centred note (gid :data:`EMPTY_GID`): there is nothing to draw, and why."""
    ax.text(
        0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center",
        fontproperties=fonts.label, color="0.4", gid=EMPTY_GID, parse_math=False,
    )


def remove_old_colorbar(ax: Axes) -> None:
    """Remove the colorbar an earlier call added to ``ax`` (kept under :data:`COLORBAR_KEY`)."""
    old: Colorbar | None = vars(ax).pop(COLORBAR_KEY, None)
    if old is None:
        return
    if old.ax in ax.child_axes:  # ax.clear() already dropped it otherwise
        old.ax.remove()
    old.mappable.colorbar = None


def as_text(draw: Callable[P, R]) -> Callable[P, R]:
    """Decorate a plot function so every text of the figures it returns is plain text.

    Titles, tick labels, annotations and legend entries come from documents and metadata, where
    ``US$5亿`` or ``$x^2$`` are ordinary characters; matplotlib would read a balanced pair of
    ``$`` as math. Setting ``parse_math=False`` on each :class:`~matplotlib.text.Text` after
    drawing covers the labels matplotlib creates for us (legends, tick labels) too.
    """

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        result = draw(*args, **kwargs)
        axes = list(result) if isinstance(result, (list, tuple, np.ndarray)) else [result]
        figures = {id(f): f for a in axes if (f := getattr(a, "figure", None)) is not None}
        for fig in figures.values():
            for text in fig.findobj(Text):
                text.set_parse_math(False)
        return result

    return wrapper
