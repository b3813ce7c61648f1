"""Charts of a corpus: trends over time, documents × terms, key terms per document, first
appearances, and a map of which documents are closest.

The conventions of :mod:`studykit.draw.charts` hold: each function takes the DataFrame a corpus
analysis returned, draws on ``ax`` (or a new constrained-layout figure; small multiples take a
``fig``) and returns the Axes; the CJK font is resolved once and passed to every text artist;
nothing global changes (no ``rcParams`` assignment, no ``show``, no ``savefig``). Titles and
labels are Chinese. To redraw in place: ``ax.clear()`` and call again with ``ax=ax``.

>>> ax = plot_trend(sk.trend(corpus, ["高质量发展", "脱贫攻坚"]))             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from studykit.analysis._options import Count, CountOrTexts, Text, checked
from studykit.draw._figure import COLORBAR_KEY, EMPTY_GID, as_text
from studykit.draw._figure import axes_for as _axes
from studykit.draw._figure import fonts_for as _fonts
from studykit.draw._figure import grid as _grid
from studykit.draw._figure import note as _note
from studykit.draw._figure import remove_old_colorbar as _remove_old_colorbar
from studykit.draw._figure import require as _require
from studykit.draw.charts import KIND_NAMES as _DOCUMENT_KIND_NAMES
from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.errors import StudykitError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import FigureBase

__all__ = [
    "EMPTY_GID",
    "plot_doc_term_heatmap",
    "plot_document_map",
    "plot_first_appearance",
    "plot_key_terms",
    "plot_trend",
    "plot_trends",
    "plot_version_summary",
]

NEIGHBOUR_GID = "studykit-neighbour"
"""gid of the lines joining each document to its closest one in :func:`plot_document_map`."""

VALUE_NAMES = {"count": "次数", "rate": "每千词", "documents": "文档数", "share": "文档占比"}
# One set of names for formulation kinds everywhere (single-document charts, explorers, corpus charts).
KIND_NAMES: dict[str, str] = {**_DOCUMENT_KIND_NAMES, "term": "词语"}
_KNOWN = ("term", "count", "rate", "documents", "dp", "juilland_d", "range", "group_documents", "tokens", "chars")
MAX_PANELS = 24
""":func:`plot_trends` draws at most this many terms, one panel each (the first ones given)."""
_PALETTE = ("#c0392b", "#2f6fa8", "#27864a", "#8e44ad", "#d68910", "#17a2b8", "#6c757d", "#b03a8c")
_FADE = "4d"  # alpha 0.3 appended to a colour: a bar that is not significant (as in plot_keyness)


def _group_column(frame: pd.DataFrame) -> str:
    """The grouping column of a corpus analysis: ``attrs["by"]`` or the first unknown column."""
    by = frame.attrs.get("by")
    if isinstance(by, str) and by in frame.columns:
        return by
    for col in frame.columns:
        if col not in _KNOWN and col not in ("kind", "first", "last", "share"):
            return str(col)
    raise StudykitError("表中没有分组列 / the table has no group column: pass a result computed with by=...")


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _short(text: str, n: int = 10) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --- trends --------------------------------------------------------------------------------------


@as_text
@checked(terms=Text(many=True, none=True))
def plot_trend(
    trend: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    terms: Sequence[str] | None = None,
    value: Literal["rate", "count", "documents"] = "rate",
    title: str | None = None,
) -> Axes:
    """Each term's rate (or count) per group as a line, groups in order along x.

    ``trend`` is :func:`studykit.trend`'s table. A group's tick label carries its number of
    documents (``2019\\n3篇``) when groups differ in size, since a rate from one document is
    noisier than a rate from ten. Terms keep the order given (``terms`` picks and orders them).

    >>> ax = plot_trend(sk.trend(corpus, ["高质量发展", "脱贫攻坚"]), title="提法的消长")  # doctest: +SKIP
    """
    fonts = _fonts(font)
    _require(trend, ("term", value, "group_documents"), "趋势表 / trend")
    by = _group_column(trend)
    order = list(trend.attrs.get("groups") or pd.unique(trend[by]).tolist())
    wanted = list(terms) if terms is not None else list(dict.fromkeys(trend["term"].astype(str)))
    ax = _axes(ax)
    x = np.arange(len(order))
    position = {g: i for i, g in enumerate(order)}
    for k, term in enumerate(wanted):
        part = trend[trend["term"].astype(str) == term]
        xs = np.array([position[g] for g in part[by] if g in position], dtype=float)
        ys = part[value].to_numpy(dtype=float)[: len(xs)]
        sort = np.argsort(xs)
        ax.plot(xs[sort], ys[sort], marker="o", linewidth=1.8, markersize=4, color=_PALETTE[k % len(_PALETTE)],
                label=term)
    sizes = trend.drop_duplicates(by).set_index(by)["group_documents"].reindex(order).fillna(0).astype(int)
    ticks = [_label(g) for g in order]
    if len(set(sizes.tolist())) > 1:
        ticks = [f"{t}\n{n}篇" for t, n in zip(ticks, sizes.tolist(), strict=True)]
    ax.set_xticks(x, ticks, fontproperties=fonts.tick)
    if len(order) > 12:
        for lbl in ax.get_xticklabels():
            lbl.set_rotation(45)
            lbl.set_horizontalalignment("right")
    ax.set_ylabel(VALUE_NAMES[value], fontproperties=fonts.label)
    ax.set_xlabel("年份" if by == "year" else by, fontproperties=fonts.label)
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="0.9")
    if wanted and len(wanted) > 1:
        ax.legend(prop=fonts.note, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if not wanted or not len(order) or not trend[value].fillna(0).to_numpy(dtype=float).any():
        _note(ax, "未找到", fonts)
    ax.set_title(title if title is not None else "提法的变化趋势", fontproperties=fonts.title)
    return ax


@as_text
@checked(ncols=Count(1))
def plot_trends(
    trend: pd.DataFrame,
    *,
    fig: FigureBase | None = None,
    font: FontChoice | None = None,
    ncols: int = 3,
    value: Literal["rate", "count", "documents"] = "rate",
    sharey: bool = False,
    title: str | None = None,
) -> npt.NDArray[np.object_]:
    """Small multiples: one panel per term (in the order given), each a :func:`plot_trend` line.

    ``fig`` (a Figure or SubFigure) is cleared and reused; by default a new figure is made.
    ``sharey`` puts every panel on one scale. Returns the Axes in term order.

    >>> axes = plot_trends(sk.trend(corpus, ["高质量发展", "供给侧结构性改革", "新质生产力"]))  # doctest: +SKIP
    """
    fonts = _fonts(font)
    choice = font or find_cjk_font()
    _require(trend, ("term", value), "趋势表 / trend")
    every = list(dict.fromkeys(trend["term"].astype(str)))
    terms = every[:MAX_PANELS]  # 200 panels would be an unreadable 88-inch figure
    fig, axes = _grid(len(terms), ncols, fig, (3.4, 2.6))
    top = float(trend[value].max()) if len(trend) and sharey else None
    for k, (ax, term) in enumerate(zip(axes, terms, strict=True)):
        plot_trend(trend, ax=ax, font=choice, terms=[term], value=value, title=term)
        ax.lines[0].set_color(_PALETTE[k % len(_PALETTE)])
        if top is not None and top > 0:
            ax.set_ylim(0, top * 1.08)
    if len(every) > len(terms):
        title = f"{title or ''}（共 {len(every)} 个词，显示前 {len(terms)} 个）".lstrip()
    if title:
        fig.suptitle(title, fontproperties=fonts.title)
    return np.array(axes, dtype=object)


# --- documents × terms ---------------------------------------------------------------------------


@as_text
@checked(terms=CountOrTexts())
def plot_doc_term_heatmap(
    freqs: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    terms: int | Sequence[str] = 12,
    value: Literal["rate", "count"] = "rate",
    title: str | None = None,
) -> Axes:
    """A documents (or groups) × terms heatmap, each cell annotated, with a colorbar.

    ``freqs`` is ``sk.term_frequencies(corpus, by="doc")`` (or ``by=`` any field), computed
    without ``top=`` so that a 0 means the term is absent, not just outside a group's top. ``terms`` is
    a number (the top terms by total count) or the terms to show, in order; a term absent from a
    group counts 0. Rows follow the groups' order. The colorbar lives in an inset of ``ax`` and
    the previous one on the same ``ax`` is removed on redraw.

    >>> ax = plot_doc_term_heatmap(sk.term_frequencies(corpus, by="year", top=30), terms=10)  # doctest: +SKIP
    """
    fonts = _fonts(font)
    _require(freqs, ("term", "count", value), "分组词频表 / per-document frequency")
    by = _group_column(freqs)
    data = freqs.assign(term=freqs["term"].astype(str))
    if isinstance(terms, int):
        totals = data.groupby("term", sort=False)["count"].sum().reset_index()
        totals = totals.sort_values(["count", "term"], ascending=[False, True], kind="stable")
        chosen = totals["term"].head(max(terms, 0)).tolist()
    else:
        chosen = list(dict.fromkeys(str(t) for t in ([terms] if isinstance(terms, str) else terms)))
    rows = list(freqs.attrs.get("groups") or pd.unique(data[by]).tolist())
    table = data.pivot_table(index=by, columns="term", values=value, aggfunc="sum", sort=False)
    table = table.reindex(index=rows, columns=chosen).fillna(0.0)
    values = table.to_numpy(dtype=float)
    ax = _axes(ax)
    _remove_old_colorbar(ax)
    norm = Normalize(vmin=0.0)
    image = ax.imshow(values, cmap="YlOrRd", norm=norm, aspect="auto", interpolation="nearest")
    if values.size and values.size <= 400:
        norm.autoscale_None(values)
        colors = colormaps["YlOrRd"](norm(values))
        luminance = colors[..., :3] @ np.array([0.299, 0.587, 0.114])
        for (i, j), v in np.ndenumerate(values):
            text = f"{v:.1f}" if value == "rate" else f"{int(v)}"
            ax.text(j, i, text, ha="center", va="center", fontproperties=fonts.note,
                    color="white" if luminance[i, j] < 0.5 else "black")
    cax = ax.inset_axes((1.03, 0.0, 0.035, 1.0))
    fig = ax.get_figure(root=False)
    assert fig is not None
    bar = fig.colorbar(image, cax=cax)
    bar.set_label(VALUE_NAMES[value], fontproperties=fonts.label)
    vars(ax)[COLORBAR_KEY] = bar
    ax.set_xticks(range(len(chosen)), chosen, fontproperties=fonts.tick)
    for lbl in ax.get_xticklabels():
        lbl.set_rotation(45)
        lbl.set_horizontalalignment("right")
        lbl.set_rotation_mode("anchor")
    ax.set_yticks(range(len(rows)), [_short(_label(r), 12) for r in rows], fontproperties=fonts.tick)
    ax.set_ylabel("文档" if by == "doc" else ("年份" if by == "year" else by), fontproperties=fonts.label)
    if values.size == 0:
        _note(ax, "未找到", fonts)
    ax.set_title(title if title is not None else "各文档高频词分布", fontproperties=fonts.title)
    return ax


# --- key terms -----------------------------------------------------------------------------------


@as_text
@checked(n=Count(1), ncols=Count(1))
def plot_key_terms(
    key_terms: pd.DataFrame,
    *,
    fig: FigureBase | None = None,
    font: FontChoice | None = None,
    n: int = 8,
    ncols: int = 4,
    groups: Sequence[Any] | None = None,
    title: str | None = None,
) -> npt.NDArray[np.object_]:
    """Small multiples: each document's (or group's) most distinctive terms against the rest of
    the corpus, as bars of the keyness statistic with the counts ``group : rest`` written on them.

    ``key_terms`` is :func:`studykit.key_terms`' table; ``groups`` picks and orders the panels.
    Returns the Axes in group order. For one document against the rest with the terms it uses
    less as well, draw ``sk.plot_keyness(sk.keyness(corpus, target=doc))``.

    >>> axes = plot_key_terms(sk.key_terms(corpus, by="province", top=8), ncols=4)  # doctest: +SKIP
    """
    fonts = _fonts(font)
    _require(key_terms, ("term", "statistic", "target_count", "reference_count"), "关键词表 / key terms")
    by = _group_column(key_terms)
    order = list(groups) if groups is not None else list(key_terms.attrs.get("groups") or pd.unique(key_terms[by]).tolist())
    flagged = "significant" in key_terms.columns
    fig, axes = _grid(len(order), ncols, fig, (3.0, 0.55 + 0.26 * max(n, 1)))
    for k, (ax, group) in enumerate(zip(axes, order, strict=True)):
        part = key_terms[key_terms[by] == group].sort_values(["statistic", "term"], ascending=[False, True]).head(n)
        y = np.arange(len(part))
        widths = part["statistic"].to_numpy(dtype=float)
        color = _PALETTE[k % len(_PALETTE)]
        weak = ~part["significant"].astype(bool).to_numpy() if flagged else np.zeros(len(part), bool)
        # Pale: not significant after the multiple-testing correction, as in plot_keyness.
        ax.barh(y, widths, color=[color + (_FADE if w else "") for w in weak], height=0.7)
        ax.set_yticks(y, part["term"].astype(str).tolist(), fontproperties=fonts.tick)
        ax.set_ylim(max(len(part), 1) - 0.5, -0.5)
        for yi, w, a, b in zip(y, widths, part["target_count"], part["reference_count"], strict=True):
            ax.text(float(w), float(yi), f" {int(a)}:{int(b)}", va="center", ha="left", fontproperties=fonts.note,
                    color="0.3").set_in_layout(False)
        ax.margins(x=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize="small")
        if part.empty:
            _note(ax, "未找到", fonts)
        ax.set_title(_short(_label(group), 14), fontproperties=fonts.label)
    if title is None:
        title = "各文档的特色词（对其余文档的关键性）"
    if title:
        fig.suptitle(title, fontproperties=fonts.title)
    if flagged and len(key_terms):
        shown = int(key_terms["significant"].astype(bool).sum())
        fig.supxlabel(f"浅色条：校正后不显著（显著 {shown} / {len(key_terms)} 个词） / pale bars: not significant after "
                      "the multiple-testing correction", fontproperties=fonts.note, color="0.3")
    return np.array(axes, dtype=object)


# --- first appearance ----------------------------------------------------------------------------


@as_text
@checked(n=Count(1))
def plot_first_appearance(
    first: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    n: int = 25,
    title: str | None = None,
) -> Axes:
    """A timeline of when formulations first appear and how they spread.

    One row per item (earliest first appearance at the top), one column per group: a dot where
    the item occurs, its area proportional to the share of the group's documents using it, its
    colour the item's kind (数字提法, 词语 …); a thin line runs from first to last appearance and
    the first appearance is ringed. ``first`` is :func:`studykit.first_appearance`' table; ``n``
    keeps the first ``n`` items in its order, and always every item of kind ``term`` (the words
    asked for).

    >>> ax = plot_first_appearance(sk.first_appearance(corpus, terms=["新质生产力"]))  # doctest: +SKIP
    """
    fonts = _fonts(font)
    _require(first, ("term", "kind", "first", "last", "documents", "share"), "首次出现表 / first appearance")
    by = _group_column(first)
    order = list(first.attrs.get("groups") or pd.unique(first[by]).tolist())
    every = list(dict.fromkeys(zip(first["term"].astype(str), first["kind"].astype(str), strict=True)))
    terms = [it for it in every if it[1] == "term"]  # the words the user asked for always show
    room = max(n - len(terms), 0)
    kept = set(terms) | {it for it in every if it[1] != "term"}.intersection(
        [it for it in every if it[1] != "term"][:room])
    items = [it for it in every if it in kept]
    position = {g: i for i, g in enumerate(order)}
    ax = _axes(ax, figsize=(max(6.0, 0.6 * len(order) + 3), max(2.5, 0.3 * len(items) + 1.2)))
    kinds = list(dict.fromkeys(k for _, k in items))
    color_of = {k: _PALETTE[i % len(_PALETTE)] for i, k in enumerate(kinds)}
    for row, (term, kind) in enumerate(items):
        part = first[(first["term"].astype(str) == term) & (first["kind"].astype(str) == kind)]
        present = part[part["documents"] > 0]
        xs = np.array([position[g] for g in present[by]], dtype=float)
        if not len(xs):
            continue
        ax.plot([xs.min(), xs.max()], [row, row], color=color_of[kind], linewidth=1.0, alpha=0.5)
        shares = present["share"].to_numpy(dtype=float)
        ax.scatter(xs, np.full(len(xs), row), s=25 + 140 * np.nan_to_num(shares), color=color_of[kind], zorder=3)
        start = position[part["first"].iloc[0]] if part["first"].iloc[0] in position else xs.min()
        ax.scatter([start], [row], s=25 + 140 * float(np.nan_to_num(shares[0])) + 60, facecolors="none",
                   edgecolors="black", linewidths=1.0, zorder=4)
    ax.set_yticks(range(len(items)), [_short(t, 12) for t, _ in items], fontproperties=fonts.tick)
    ax.set_ylim(len(items) - 0.5 if items else 0.5, -0.5)
    ax.set_xticks(range(len(order)), [_label(g) for g in order], fontproperties=fonts.tick)
    if len(order) > 12:
        for lbl in ax.get_xticklabels():
            lbl.set_rotation(45)
            lbl.set_horizontalalignment("right")
    ax.set_xlim(-0.6, max(len(order), 1) - 0.4)
    ax.set_xlabel("年份" if by == "year" else by, fontproperties=fonts.label)
    ax.grid(axis="x", color="0.92")
    ax.spines[["top", "right"]].set_visible(False)
    handles: list[Any] = [Patch(color=color_of[k], label=KIND_NAMES.get(k, k)) for k in kinds]
    handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="none", markeredgecolor="black",
                          label="首次出现"))
    if items:
        ax.legend(handles=handles, prop=fonts.note, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        _note(ax, "未找到", fonts)
    ax.set_title(title if title is not None else "提法首次出现与扩散", fontproperties=fonts.title)
    return ax


# --- similarity map ------------------------------------------------------------------------------


def _mds(distance: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Classical (Torgerson) multidimensional scaling to two dimensions: double-centre the squared
    distances, B = −½ J D² J, and take the top two eigenvectors scaled by √eigenvalue (Torgerson
    1952, *Psychometrika* 17(4)). Deterministic: each axis's sign puts its largest loading positive."""
    m = distance.shape[0]
    if m == 1:
        return np.zeros((1, 2))
    j = np.eye(m) - np.full((m, m), 1.0 / m)
    b = -0.5 * j @ (distance**2) @ j
    values, vectors = np.linalg.eigh(b)
    top = np.argsort(values)[::-1][:2]
    coords: npt.NDArray[np.float64] = vectors[:, top] * np.sqrt(np.clip(values[top], 0.0, None))
    if coords.shape[1] < 2:
        coords = np.hstack([coords, np.zeros((m, 2 - coords.shape[1]))])
    for k in range(2):
        if coords[np.argmax(np.abs(coords[:, k])), k] < 0:
            coords[:, k] = -coords[:, k]
    return coords


@as_text
def plot_document_map(
    sim: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    labels: Mapping[Any, str] | None = None,
    colors: Mapping[Any, str] | None = None,
    title: str | None = None,
) -> Axes:
    """A map of the documents: closer points use more alike vocabulary.

    ``sim`` is :func:`studykit.document_similarity`' square table. Points are placed by classical
    multidimensional scaling of the distances 1 − similarity, each labelled with its document
    (``labels`` maps ids to other text) and joined by a grey line to the document it is most like.
    ``colors`` maps ids to colours (for instance one per year or region).

    >>> ax = plot_document_map(sk.document_similarity(corpus))                # doctest: +SKIP
    """
    fonts = _fonts(font)
    values = sim.to_numpy(dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise StudykitError(
            f"相似度表须为方阵 / the similarity table must be square, got shape {values.shape}: "
            "pass document_similarity's result"
        )
    ax = _axes(ax, figsize=(7, 5.5))
    ids = list(sim.index)
    if not ids:
        _note(ax, "未找到", fonts)
        ax.set_title(title if title is not None else "文档相似度地图", fontproperties=fonts.title)
        return ax
    filled = np.where(np.isfinite(values), values, 0.0)
    np.fill_diagonal(filled, 1.0)
    coords = _mds(np.clip(1.0 - (filled + filled.T) / 2.0, 0.0, 1.0))
    others = filled.copy()
    np.fill_diagonal(others, -np.inf)
    for i in range(len(ids)):
        if len(ids) < 2:
            break
        k = int(np.argmax(others[i]))
        ax.plot(coords[[i, k], 0], coords[[i, k], 1], color="0.75", linewidth=0.9, zorder=1, gid=NEIGHBOUR_GID)
    point_colors = [(colors or {}).get(d, "#2f6fa8") for d in ids]
    ax.scatter(coords[:, 0], coords[:, 1], s=36, c=point_colors, zorder=3)
    names = labels or {}
    for (x, y), d in zip(coords, ids, strict=True):
        ax.annotate(_short(str(names.get(d, d)), 12), (x, y), xytext=(4, 3), textcoords="offset points",
                    fontproperties=fonts.note)
    span = float(np.ptp(coords)) or 1.0
    ax.margins(0.12)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(f"越近越相似（{len(ids)} 篇，距离 = 1 − 余弦相似度，跨度 {span:.2f}）", fontproperties=fonts.note)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_color("0.85")
    ax.set_title(title if title is not None else "文档相似度地图", fontproperties=fonts.title)
    return ax


@as_text
def plot_version_summary(
    summary: pd.DataFrame,
    *,
    ax: Axes | None = None,
    font: FontChoice | None = None,
    title: str | None = None,
) -> Axes:
    """Stacked horizontal bars per section pair: sentences changed, added and removed between two
    versions (and, faint, unchanged). ``summary`` is ``compare_versions(a, b).summary()``."""
    fonts = _fonts(font)
    _require(summary, ("section_a", "section_b", "title", "same", "changed", "added", "removed"), "版本差异表 / version diff")
    ax = _axes(ax)
    names = []
    for a, b, t in summary[["section_a", "section_b", "title"]].itertuples(index=False):
        where = b or a
        where = "导语" if where == "0" else where
        names.append(_short(where if t in ("", where) else f"{where} {t}", 16))
    y = np.arange(len(summary))
    left = np.zeros(len(summary))
    colors = {"changed": "#d68910", "added": "#27864a", "removed": "#c0392b", "same": "#d5dde6"}
    labels = {"changed": "改写", "added": "新增", "removed": "删去", "same": "未变"}
    for op in ("changed", "added", "removed", "same"):
        widths = summary[op].to_numpy(dtype=float)
        ax.barh(y, widths, left=left, color=colors[op], height=0.7, label=labels[op])
        left += widths
    ax.set_yticks(y, names, fontproperties=fonts.tick)
    ax.set_ylim(max(len(summary), 1) - 0.5, -0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("句数", fontproperties=fonts.label)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(prop=fonts.note, frameon=False, loc="lower right")
    if summary.empty:
        _note(ax, "未找到", fonts)
    ax.set_title(title if title is not None else "两版之间的修改", fontproperties=fonts.title)
    return ax
