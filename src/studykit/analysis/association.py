"""Association: collocations of a node term and co-occurrence of terms in one unit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from studykit.zh import simplified_shadow

from ._options import Count, Names, Text, checked
from ._table import (
    _COLLOCATION_COLUMNS,
    _COOC_COLUMNS,
    DEFAULT_KINDS,
    FloatArray,
    IntArray,
    Unit,
    _check_table,
    _codes,
    _counted,
    _empty,
    _kept,
    _literal,
    _positions,
    _sort,
    _units,
    _xlogx_ratio,
)

# ---------------------------------------------------------------------------------------------
# Collocations and co-occurrence


def _find_term(
    term: str, codes: IntArray, uniques: npt.NDArray[Any], tokens: npt.NDArray[Any],
    run_end: IntArray, positions: IntArray,
) -> tuple[IntArray, IntArray]:
    """Start and end (exclusive) of every occurrence of ``term``: a whole token, or a run of
    adjacent tokens of the same unit whose concatenation is ``term`` (政协党建 = 政协 + 党建)."""
    # Compare simplified forms, so 政协党组 finds 政協黨組 in a traditional document.
    term = simplified_shadow(term)
    simple = simplified_shadow("\n".join(map(str, uniques))).split("\n") if len(uniques) else []
    whole = np.array([u == term for u in simple], dtype=bool)
    starts = np.flatnonzero(whole[codes]) if len(uniques) else np.zeros(0, dtype=np.int64)
    ends = starts + 1
    prefix = np.array([len(u) < len(term) and term.startswith(u) for u in simple], dtype=bool)
    multi_s: list[int] = []
    multi_e: list[int] = []
    for i in np.flatnonzero(prefix[codes]) if len(uniques) else ():
        text, j = simple[codes[i]], int(i)
        while len(text) < len(term) and j + 1 < run_end[i] and positions[j + 1] == positions[j] + 1:
            j += 1
            text += simple[codes[j]]
        if text == term and (not multi_e or i >= multi_e[-1]):
            multi_s.append(int(i))
            multi_e.append(j + 1)
    if multi_s:
        starts = np.concatenate([starts, np.array(multi_s, dtype=np.int64)])
        ends = np.concatenate([ends, np.array(multi_e, dtype=np.int64)])
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
    return starts.astype(np.int64), ends.astype(np.int64)


def _g2_2x2(o11: FloatArray, o12: FloatArray, o21: FloatArray, o22: FloatArray) -> FloatArray:
    """Dunning's log-likelihood over all four cells: G² = 2 Σ O ln(O/E)."""
    n = o11 + o12 + o21 + o22
    r1, r2 = o11 + o12, o21 + o22
    k1, k2 = o11 + o21, o12 + o22
    with np.errstate(invalid="ignore", divide="ignore"):
        cells = [(o11, r1 * k1 / n), (o12, r1 * k2 / n), (o21, r2 * k1 / n), (o22, r2 * k2 / n)]
        total: FloatArray = np.zeros_like(n)
        for observed, expected in cells:
            total = total + _xlogx_ratio(observed, expected)
        return 2.0 * total


CollocationSort = Literal["g2", "log_dice", "pmi", "delta_p", "count"]


@checked(
    term=Text(), window=Count(minimum=1), min_count=Count(minimum=1), kinds=Names(none=False),
    top=Count(none=True),
)
def collocations(
    table: pd.DataFrame,
    term: str,
    *,
    window: int = 5,
    min_count: int = 2,
    stopwords: bool = True,
    filler: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
    sort: CollocationSort = "g2",
    repulsion: bool = True,
    top: int | None = None,
) -> pd.DataFrame:
    """Words that keep company with ``term``, within ``window`` tokens either side.

    Windows are counted in tokens of ``kinds`` (punctuation and numbers take no place) and stay
    inside one paragraph (a title or heading line is its own unit). ``term`` is a token, or a
    run of adjacent tokens whose concatenation equals it (政协党建 matches 政协 + 党建). Stopwords (with
    ``stopwords=True``) and filler (with ``filler=True``) still take window places but are not
    reported. Overlapping windows are merged, so each token is counted at most once.

    The 2×2 table for a collocate w, over all counted positions except the term's own tokens
    (N'): O11 = occurrences of w inside the windows (``count``), W = positions inside the
    windows, f = occurrences of w outside the term's tokens (``collocate_count``);
    O12 = W − O11, O21 = f − O11, O22 = N' − W − O21; E11 = W·f/N' (``expected``).

    - ``association``: ``"attraction"`` when O11 > E11 (w is more frequent near the term than
      elsewhere), ``"repulsion"`` when O11 < E11, ``"none"`` when equal.
    - ``pmi`` = log2(O11 / E11) (pointwise mutual information, Church & Hanks 1990, "Word
      association norms, mutual information, and lexicography", *CL* 16(1); with the window
      size in the expectation as in Evert 2008, "Corpora and collocations"). Negative for
      repulsion.
    - ``g2`` = ±2 Σ O ln(O/E) over the four cells (log-likelihood, Dunning 1993, "Accurate
      methods for the statistics of surprise and coincidence", *CL* 19(1)), *signed*: + for
      attraction, − for repulsion, so ranking by it puts repelled words at the bottom.
    - ``log_dice`` = 14 + log2(2·O11 / (f_node + f)), f_node the number of occurrences of the
      term (Rychlý 2008, "A lexicographer-friendly association score", *RASLAN*): at most 14,
      independent of the size of the text; +1 means twice the relative co-occurrence.
    - ``delta_p`` = O11/(O11+O12) − O21/(O21+O22): how much more likely w is inside the window
      than outside (ΔP(w | near term)); ``delta_p_reverse`` = O11/(O11+O21) − O12/(O12+O22):
      how much more likely a window position is to hold w than any other word (Ellis 2006;
      Gries 2013, "50-something years of work on collocations", *IJCL* 18(1)). Directional and
      signed, in [−1, 1].

    ``sort`` chooses the ranking score (descending): ``"g2"`` (signed, default), ``"log_dice"``,
    ``"pmi"``, ``"delta_p"`` or ``"count"``; ties go to the higher count, then the collocate.
    ``repulsion=False`` drops repelled words. ``count >= min_count``; ``top`` keeps that many.

    Columns: ``collocate``, ``count``, ``collocate_count``, ``expected``, ``association``,
    ``pmi``, ``g2``, ``log_dice``, ``delta_p``, ``delta_p_reverse``. A term that does not occur
    gives an empty frame with these columns.

    >>> from studykit import load, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> c = collocations(table, "政协", window=3)
    >>> c.loc[:1, ["collocate", "count", "collocate_count", "association", "g2", "log_dice"]].round(2)
      collocate  count  collocate_count association     g2  log_dice
    0       南宁市      4                4  attraction  14.95     11.79
    1       近年来      3                3  attraction  11.20     11.42
    """
    _literal("sort", sort, ("g2", "log_dice", "pmi", "delta_p", "count"))
    term = term.strip()
    if len(table) == 0:
        return _empty(_COLLOCATION_COLUMNS)
    _check_table(table, ["sentence", "paragraph"])
    counted = _counted(table, kinds)
    sub = table[counted]
    m = len(sub)
    if m == 0:
        return _empty(_COLLOCATION_COLUMNS)
    codes, uniques = _codes(sub["token"])
    tokens = sub["token"].to_numpy(dtype=object)
    positions = _positions(table)[counted]
    units = _units(sub, "paragraph")
    # A run is a stretch of consecutive rows of one unit; windows never leave their run.
    new_run = np.ones(m, dtype=bool)
    new_run[1:] = units[1:] != units[:-1]
    run_id = np.cumsum(new_run) - 1
    run_starts = np.flatnonzero(new_run)
    run_ends = np.append(run_starts[1:], m)
    run_start, run_end = run_starts[run_id], run_ends[run_id]

    node_s, node_e = _find_term(term, codes, uniques, tokens, run_end, positions)
    if len(node_s) == 0:
        return _empty(_COLLOCATION_COLUMNS)
    cover = np.zeros(m + 1, dtype=np.int64)
    np.add.at(cover, np.maximum(run_start[node_s], node_s - window), 1)
    np.add.at(cover, np.minimum(run_end[node_s], node_e + window), -1)
    node = np.zeros(m + 1, dtype=np.int64)
    np.add.at(node, node_s, 1)
    np.add.at(node, node_e, -1)
    is_node = np.cumsum(node)[:m] > 0
    in_window = (np.cumsum(cover)[:m] > 0) & ~is_node
    big_w = int(in_window.sum())
    n_prime = m - int(is_node.sum())
    if big_w == 0 or n_prime == 0:
        return _empty(_COLLOCATION_COLUMNS)
    keep = _kept(sub, np.ones(m, dtype=bool), stopwords=stopwords, filler=filler)
    co = np.bincount(codes[in_window & keep], minlength=len(uniques))
    freq = np.bincount(codes[~is_node & keep], minlength=len(uniques))
    chosen = np.flatnonzero(co >= min_count)
    if len(chosen) == 0:
        return _empty(_COLLOCATION_COLUMNS)
    o11 = co[chosen].astype(np.float64)
    f = freq[chosen].astype(np.float64)
    o12 = big_w - o11
    o21 = f - o11
    o22 = n_prime - big_w - o21
    e11 = big_w * f / n_prime
    sign = np.sign(o11 - e11)
    with np.errstate(invalid="ignore", divide="ignore"):
        outside = np.where(o21 + o22 > 0, o21 / (o21 + o22), 0.0)
        other = np.where(o12 + o22 > 0, o12 / (o12 + o22), 0.0)
    out = pd.DataFrame(
        {
            "collocate": pd.Series(uniques[chosen], dtype="str"),
            "count": co[chosen].astype(np.int64),
            "collocate_count": freq[chosen].astype(np.int64),
            "expected": e11,
            "association": pd.Series(
                np.where(sign > 0, "attraction", np.where(sign < 0, "repulsion", "none")),
                dtype="str",
            ),
            "pmi": np.log2(o11 / e11),
            "g2": sign * _g2_2x2(o11, o12, o21, o22),
            "log_dice": 14.0 + np.log2(2.0 * o11 / (len(node_s) + f)),
            "delta_p": o11 / big_w - outside,
            "delta_p_reverse": o11 / f - other,
        }
    )
    if not repulsion:
        out = out[out["association"] != "repulsion"]
    out = _sort(out, [sort, "count", "collocate"], [False, False, True])
    return out.head(top) if top is not None else out


@checked(
    unit=Names(none=False), top=Count(none=True), min_count=Count(minimum=1),
    kinds=Names(none=False), terms=Text(many=True, none=True),
)
def cooccurrence(
    table: pd.DataFrame,
    *,
    unit: Unit = "sentence",
    top: int | None = 50,
    min_count: int = 2,
    stopwords: bool = True,
    filler: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
    terms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Pairs of terms that appear in the same sentence (or paragraph), for a co-occurrence network.

    ``count`` is the number of units containing both terms (document co-occurrence frequency,
    the edge weight of a co-word network; Callon, Courtial, Turner & Bauin 1983, "From
    translations to problematic networks", *Social Science Information* 22(2)). A title or
    heading line is a unit of its own when ``unit="paragraph"``. With ``terms``, only those
    terms are considered (both members of every pair come from the list). The two terms of a
    pair are distinct; ``term_a`` is the one found in more units (ties: code-point order).

    Columns: ``term_a``, ``term_b``, ``count`` (``>= min_count``). Sorted by count (descending),
    then term_a, term_b; ``top`` keeps that many pairs (None: all).

    >>> from studykit import load, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> cooccurrence(table, unit="paragraph", top=2)
      term_a term_b  count
    0     工作     政协     15
    1     政协     履职     11
    """
    _literal("unit", unit, ("sentence", "paragraph"))
    if len(table) == 0:
        return _empty(_COOC_COLUMNS)
    _check_table(table, ["sentence", "paragraph"])
    keep = _kept(table, _counted(table, kinds), stopwords=stopwords, filler=filler)
    if terms is not None:
        keep &= table["token"].isin(list(terms)).to_numpy(dtype=bool)
    if not keep.any():
        return _empty(_COOC_COLUMNS)
    codes, uniques = _codes(table["token"][keep])
    ucodes, _ = _codes(pd.Series(_units(table, unit)[keep]))
    width = len(uniques)
    pairs = np.unique(ucodes * width + codes)
    pu, pt = pairs // width, pairs % width
    df = np.bincount(pt, minlength=width)
    # A pair can only reach min_count if both terms are in at least min_count units.
    frequent = df >= max(min_count, 1)
    rank_order = sorted(np.flatnonzero(frequent).tolist(), key=lambda t: (-df[t], str(uniques[t])))
    if len(rank_order) < 2:
        return _empty(_COOC_COLUMNS)
    rank = np.full(width, -1, dtype=np.int64)
    rank[np.array(rank_order, dtype=np.int64)] = np.arange(len(rank_order))
    sel = rank[pt] >= 0
    from scipy import sparse

    n_units = int(pu.max()) + 1
    incidence = sparse.csr_matrix(
        (np.ones(int(sel.sum()), dtype=np.int64), (pu[sel], rank[pt[sel]])),
        shape=(n_units, len(rank_order)),
    )
    both = sparse.triu(incidence.T @ incidence, k=1).tocoo()
    ok = both.data >= max(min_count, 1)
    if not ok.any():
        return _empty(_COOC_COLUMNS)
    names = uniques[np.array(rank_order, dtype=np.int64)]
    out = pd.DataFrame(
        {
            "term_a": pd.Series(names[both.row[ok]], dtype="str"),
            "term_b": pd.Series(names[both.col[ok]], dtype="str"),
            "count": both.data[ok].astype(np.int64),
        }
    )
    out = _sort(out, ["count", "term_a", "term_b"], [False, True, True])
    return out.head(top) if top is not None else out


