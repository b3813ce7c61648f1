"""Keyness: which terms a set of sections uses more than a reference (G², log ratio, log-odds)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import pandas as pd

from studykit.errors import QueryError
from studykit.text.tokens import resolve_sections

from ._table import (
    _KEYNESS_COLUMNS,
    DEFAULT_KINDS,
    BoolArray,
    FloatArray,
    IntArray,
    Measure,
    _check_table,
    _codes,
    _counted,
    _empty,
    _kept,
    _literal,
    _sort,
    _xlogx_ratio,
)

# ---------------------------------------------------------------------------------------------
# Keyness


def _section_mask(
    table: pd.DataFrame, labels: str | Sequence[str], what: str
) -> tuple[BoolArray, list[str]]:
    wanted = [labels] if isinstance(labels, str) else list(labels)
    if not wanted:
        raise QueryError(
            f"没有选择章节 / no {what} sections chosen: give a label such as 三 or a list of labels"
        )
    paths = resolve_sections(table, wanted)
    return cast(BoolArray, table["section"].isin(paths).to_numpy(dtype=bool)), paths


def _fisher_p(a: IntArray, b: IntArray, c: int, d: int) -> FloatArray:
    """Two-sided Fisher exact p for each [[a, c-a], [b, d-b]], computed once per distinct (a, b)."""
    from scipy.stats import fisher_exact

    out = np.empty(len(a), dtype=np.float64)
    pairs, inverse = np.unique(np.stack([a, b], axis=1), axis=0, return_inverse=True)
    values = np.array(
        [
            float(fisher_exact([[int(x), c - int(x)], [int(y), d - int(y)]])[1])
            for x, y in pairs
        ],
        dtype=np.float64,
    )
    out[:] = values[np.asarray(inverse).reshape(-1)]
    return out


def _keyness_stats(
    a: FloatArray, b: FloatArray, c: float, d: float, prior: FloatArray, prior_total: float
) -> dict[str, FloatArray]:
    """G² (two cells), log ratio and prior-smoothed log-odds z for counts a (target), b (ref)."""
    total = c + d
    e1 = c * (a + b) / total
    e2 = d * (a + b) / total
    g2 = 2.0 * (_xlogx_ratio(a, e1) + _xlogx_ratio(b, e2))
    sign = np.sign(a / c - b / d)
    a0 = np.where(a > 0, a, 0.5)
    b0 = np.where(b > 0, b, 0.5)
    effect = np.log2((a0 / c) / (b0 / d))
    ya, yb = a + prior, b + prior
    delta = np.log(ya / (c + prior_total - ya)) - np.log(yb / (d + prior_total - yb))
    z = delta / np.sqrt(1.0 / ya + 1.0 / yb)
    return {"g2": g2, "signed_g2": sign * g2, "effect": effect, "z": z}


def keyness(
    table: pd.DataFrame,
    target: str | Sequence[str],
    reference: str | Sequence[str] = "rest",
    *,
    measure: Measure = "g2",
    min_count: int = 3,
    stopwords: bool = True,
    filler: bool = False,
    pos: Sequence[str] | str | None = None,
    kinds: Sequence[str] = DEFAULT_KINDS,
    top: int | None = None,
) -> pd.DataFrame:
    """Which terms a part of the document uses more (or less) than another part.

    ``target`` and ``reference`` are section labels (``三``, ``一/二``, ``三、``; a top-level label
    includes its subsections) or lists of them; ``reference="rest"`` means every row of the table
    outside the target (the title and headings too, unless the table was narrowed with
    :func:`studykit.text.tokens.select`). Unknown labels raise ``SectionNotFoundError``; an empty list
    of labels or a target that overlaps the reference raises ``QueryError``. When either side has
    no counted tokens (for example in a table already narrowed by ``select``), the result is an
    empty frame.

    Let a, b be the term's counts in target and reference and c, d the sides' sizes: counted
    tokens of ``kinds`` *before* the stopword/filler/POS filters (so the filters choose which
    terms are listed, not the statistics).

    - ``g2``: log-likelihood in the two-cell form of Rayson & Garside 2000 ("Comparing corpora
      using frequency profiling", *Workshop on Comparing Corpora*, ACL): E1 = c(a+b)/(c+d),
      E2 = d(a+b)/(c+d), G² = 2 (a ln(a/E1) + b ln(b/E2)) with 0 ln 0 = 0. The ``statistic`` is
      G² signed + when a/c > b/d (overused in the target), − otherwise; column ``g2`` is unsigned.
    - ``log_ratio``: Hardie 2014 ("Log Ratio – an informal introduction", CASS, Lancaster):
      log2((a/c) / (b/d)), with a zero count replaced by 0.5. This is always the ``effect``
      column, whatever the measure: +1 means twice as frequent in the target.
    - ``log_odds``: log-odds ratio with an informative Dirichlet prior, as a z-score (Monroe,
      Colaresi & Quinn 2008, "Fightin' Words", *Political Analysis* 16(4), eqs. 16–22). The prior
      is the whole table's counts used directly: α_w = the term's count among the table's counted
      tokens, α0 = their number. δ = ln((a+α_w)/(c+α0−a−α_w)) − ln((b+α_w)/(d+α0−b−α_w)),
      σ² ≈ 1/(a+α_w) + 1/(b+α_w), statistic = δ/σ.

    ``p_value`` (the same for every measure) tests the 2×2 table [[a, c−a], [b, d−b]]: Fisher's
    exact test (two-sided) when any expected cell is below 5, else the χ² (1 df) tail of G².
    ``min_count`` applies to a + b. Rows are sorted by ``statistic`` (descending), so the top
    rows are what the target overuses; ``top`` keeps that many. Swapping target and reference
    flips the sign of ``statistic`` and ``effect``.

    Columns: ``term``, ``target_count``, ``reference_count``, ``target_rate``,
    ``reference_rate`` (per 1,000 tokens), ``statistic``, ``effect``, ``p_value``, and for
    ``measure="g2"`` also ``g2``.

    >>> keyness(table, "三").loc[0, ["term", "target_count", "reference_count", "statistic"]]
    ... # doctest: +SKIP
    term                  带头
    target_count           6
    reference_count        0
    statistic         13.381
    >>> keyness(table, ["一", "二"], "四", measure="log_ratio")   # doctest: +SKIP
    """
    if hasattr(table, "_studykit_corpus"):  # a Corpus: documents against documents (studykit.corpus)
        return cast(pd.DataFrame, getattr(table, "keyness")(  # noqa: B009
            target, reference, measure=measure, min_count=min_count, stopwords=stopwords, filler=filler, pos=pos, kinds=kinds, top=top))
    _literal("measure", measure, ("g2", "log_ratio", "log_odds"))
    columns = dict(_KEYNESS_COLUMNS)
    if measure == "g2":
        columns["g2"] = "float64"
    if len(table) == 0:
        return _empty(columns)
    _check_table(table, ["section"])

    in_target, target_paths = _section_mask(table, target, "target")
    if isinstance(reference, str) and reference == "rest":
        in_reference = ~in_target
    else:
        in_reference, reference_paths = _section_mask(table, reference, "reference")
        both = [p for p in target_paths if p in reference_paths]
        if both:
            raise QueryError(
                f"目标与参照重叠 / target and reference overlap in {' '.join(both)}: "
                "choose different sections, or use reference='rest'"
            )

    codes, uniques = _codes(table["token"])
    counted = _counted(table, kinds)
    c = int((counted & in_target).sum())
    d = int((counted & in_reference).sum())
    if c == 0 or d == 0:
        return _empty(columns)
    keep = _kept(table, counted, stopwords=stopwords, filler=filler, pos=pos)
    n_terms = len(uniques)
    a_all = np.bincount(codes[keep & in_target], minlength=n_terms)
    b_all = np.bincount(codes[keep & in_reference], minlength=n_terms)
    chosen = np.flatnonzero(a_all + b_all >= max(min_count, 1))
    if len(chosen) == 0:
        return _empty(columns)
    prior_all = np.bincount(codes[counted], minlength=n_terms)
    a = a_all[chosen].astype(np.float64)
    b = b_all[chosen].astype(np.float64)
    stats = _keyness_stats(a, b, float(c), float(d), prior_all[chosen].astype(np.float64),
                           float(counted.sum()))
    p_value = _p_values(a_all[chosen], b_all[chosen], c, d, stats["g2"])
    by_measure = {"g2": stats["signed_g2"], "log_ratio": stats["effect"], "log_odds": stats["z"]}
    statistic = by_measure[measure]
    out = pd.DataFrame(
        {
            "term": pd.Series(uniques[chosen], dtype="str"),
            "target_count": a_all[chosen].astype(np.int64),
            "reference_count": b_all[chosen].astype(np.int64),
            "target_rate": a / c * 1000.0,
            "reference_rate": b / d * 1000.0,
            "statistic": statistic,
            "effect": stats["effect"],
            "p_value": p_value,
        }
    )
    if measure == "g2":
        out["g2"] = stats["g2"]
    out = _sort(out, ["statistic", "term"], [False, True])
    return out.head(top) if top is not None else out


def _p_values(a: IntArray, b: IntArray, c: int, d: int, g2: FloatArray) -> FloatArray:
    from scipy.stats import chi2

    total = c + d
    row = (a + b).astype(np.float64)
    # Smallest expected cell of [[a, c-a], [b, d-b]]: the term's column or the other column.
    expected_min = np.minimum(
        np.minimum(row * c, row * d), np.minimum((total - row) * c, (total - row) * d)
    ) / total
    p = np.asarray(chi2.sf(g2, 1), dtype=np.float64)
    small = expected_min < 5
    if small.any():
        p[small] = _fisher_p(a[small], b[small], c, d)
    return p


