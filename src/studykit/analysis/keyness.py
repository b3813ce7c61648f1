"""Keyness: which terms a set of sections uses more than a reference (G², log ratio, log-odds)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from studykit.errors import QueryError
from studykit.text.tokens import resolve_sections

from ._options import Count, Names, Real, _Flag, checked
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


Correction = Literal["fdr_bh", "holm", "bonferroni"]
Test = Literal["auto", "g2", "fisher"]
class TokenSource(Protocol):
    """Anything with a token table, such as a :class:`~studykit.Corpus` used as a reference prior."""

    def tokens(self) -> pd.DataFrame: ...


Prior = Literal["document", "uniform"] | float | Mapping[str, float] | pd.Series | pd.DataFrame | TokenSource

UNIFORM_PRIOR = 1.0
"""The pseudo-count per term of ``prior="uniform"``: add-one, a flat Dirichlet(1) prior."""

PRIOR_FLOOR = 0.01  # pseudo-count of a term that a reference-corpus prior does not know


def _williams_q(row: FloatArray, c: float, d: float) -> FloatArray:
    """Williams' (1976) correction factor for the 2×2 table with row sums c, d and column sums
    a+b, N−a−b: q = 1 + (N/c + N/d − 1)(N/(a+b) + N/(N−a−b) − 1) / (6N)."""
    n = c + d
    other = np.maximum(n - row, 1e-300)
    q: FloatArray = 1.0 + (n / c + n / d - 1.0) * (n / row + n / other - 1.0) / (6.0 * n)
    return q


def _g2_two_cell(a: FloatArray, b: FloatArray, c: float, d: float) -> FloatArray:
    total = c + d
    e1 = c * (a + b) / total
    e2 = d * (a + b) / total
    g2: FloatArray = 2.0 * (_xlogx_ratio(a, e1) + _xlogx_ratio(b, e2))
    return g2


def _log_ratio_interval(
    a: FloatArray, b: FloatArray, c: float, d: float, level: float
) -> tuple[FloatArray, FloatArray]:
    """Exact interval for log2 of the ratio of rates (a/c)/(b/d).

    Given a + b occurrences, a is binomial with p = c·r/(c·r + d), r the ratio of rates; the
    Clopper-Pearson interval for p (Clopper & Pearson 1934) maps to r = p/(1−p) · d/c. A zero
    count gives an infinite bound on its side, never a made-up 0.5."""
    from scipy.stats import beta

    tail = (1.0 - level) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        p_low = np.where(a > 0, beta.ppf(tail, a, b + 1.0), 0.0)
        p_high = np.where(b > 0, beta.ppf(1.0 - tail, a + 1.0, b), 1.0)
        low = np.log2(p_low / (1.0 - p_low) * d / c)
        high = np.log2(p_high / (1.0 - p_high) * d / c)
    return cast(FloatArray, low), cast(FloatArray, high)


def check_pseudo_count(prior: float) -> None:
    """A log-odds prior given as one number must be a finite pseudo-count above 0."""
    if not np.isfinite(prior) or prior <= 0:
        raise QueryError(
            f"无效的先验 / invalid prior {prior!r}: a pseudo-count must be a finite number > 0, such as 0.01 or 1"
        )


def _prior_counts(
    prior: Prior, table: pd.DataFrame, codes: IntArray, uniques: np.ndarray, counted: BoolArray,
    chosen: IntArray,
) -> tuple[FloatArray, float]:
    """α_w for the chosen terms and α0 (the sum of α over the vocabulary)."""
    n_terms = len(uniques)
    vocab = np.bincount(codes[counted], minlength=n_terms) > 0
    if isinstance(prior, str):
        _literal("prior", prior, ("document", "uniform"))
        if prior == "document":
            whole = np.bincount(codes[counted], minlength=n_terms).astype(np.float64)
            return whole[chosen], float(counted.sum())
        return np.full(len(chosen), UNIFORM_PRIOR), UNIFORM_PRIOR * float(vocab.sum())
    if isinstance(prior, int | float | np.number) and not isinstance(prior, bool | np.bool_):
        check_pseudo_count(prior)
        return np.full(len(chosen), float(prior)), float(prior) * float(vocab.sum())
    if not isinstance(prior, pd.DataFrame | pd.Series | Mapping) and callable(getattr(prior, "tokens", None)):
        prior = cast(Any, prior).tokens()  # a reference corpus (studykit.Corpus): its token table
    if isinstance(prior, pd.DataFrame):
        _check_table(prior)
        ref_counted = _counted(prior, tuple(str(k) for k in pd.unique(table["kind"][counted])))
        counts = prior.loc[ref_counted, "token"].astype(str).value_counts()
        mapping: Mapping[str, float] = {str(k): float(v) for k, v in counts.items()}
    elif isinstance(prior, pd.Series | Mapping):
        mapping = {str(k): float(v) for k, v in prior.items()}
    else:
        raise QueryError(
            f"无效的先验 / invalid prior {type(prior).__name__}: use 'document', 'uniform', a "
            "pseudo-count such as 0.5, a mapping of term counts, a token table or a reference corpus"
        )
    bad = [k for k, v in mapping.items() if not np.isfinite(v) or v < 0]
    if bad:
        raise QueryError(f"无效的先验 / invalid prior count for {bad[0]!r}: counts must be finite and >= 0")
    alpha = np.array([mapping.get(str(u), 0.0) + PRIOR_FLOOR for u in uniques], dtype=np.float64)
    inside = set(map(str, uniques))
    extra = sum(v for k, v in mapping.items() if k not in inside)  # reference-only terms
    alpha0 = float(alpha[vocab].sum()) + extra
    return alpha[chosen], alpha0


@checked(
    min_count=Count(minimum=1), top=Count(none=True),
    alpha=Real(0.0, 1.0), pos=Names(), kinds=Names(none=False), williams=_Flag(),
    stopwords=_Flag(), filler=_Flag(),
)
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
    correction: Correction | None = "fdr_bh",
    alpha: float = 0.05,
    test: Test = "auto",
    williams: bool = False,
    prior: Prior = "uniform",
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
    terms are listed, not the statistics), N = c + d.

    Measures (the ``statistic`` column; rows are sorted by it, descending):

    - ``g2``: log-likelihood in the two-cell form of Rayson & Garside 2000 ("Comparing corpora
      using frequency profiling", *Workshop on Comparing Corpora*, ACL): E1 = c(a+b)/N,
      E2 = d(a+b)/N, G² = 2 (a ln(a/E1) + b ln(b/E2)) with 0 ln 0 = 0, signed + when a/c > b/d
      (overused in the target), − otherwise; column ``g2`` is unsigned. With ``williams=True``
      G² is divided by Williams' q = 1 + (N/c + N/d − 1)(N/(a+b) + N/(N−a−b) − 1)/(6N)
      (Williams 1976, "Improved likelihood ratio tests for complete contingency tables",
      *Biometrika* 63(1); quanteda's default), which makes small counts less striking.
    - ``log_ratio``: Hardie 2014 ("Log Ratio – an informal introduction", CASS, Lancaster):
      log2((a/c) / (b/d)), a zero count replaced by 0.5. This is always the ``effect`` column:
      +1 means twice as frequent in the target.
    - ``conservative_log_ratio``: the bound of the exact (1 − ``alpha``) confidence interval of
      the log ratio nearest to zero, 0 when the interval holds 0 (Hardie's and Evert's
      "conservative LR" in CQPweb). Given a + b, a is binomial with p = c·r/(c·r + d) for the
      ratio of rates r; the Clopper-Pearson interval of p gives ``log_ratio_low`` and
      ``log_ratio_high``. 3 against 0 on 300 tokens has a wide interval and a small
      conservative value, where the plain log ratio calls it the strongest effect.
    - ``log_odds``: log-odds ratio with a Dirichlet prior, as a z-score (Monroe, Colaresi &
      Quinn 2008, "Fightin' Words", *Political Analysis* 16(4), eqs. 16–22):
      δ = ln((a+α_w)/(c+α0−a−α_w)) − ln((b+α_w)/(d+α0−b−α_w)), σ² ≈ 1/(a+α_w) + 1/(b+α_w),
      statistic = δ/σ. ``prior`` sets α_w (α0 is their sum over the table's vocabulary):
      ``"uniform"`` (default) gives every term :data:`UNIFORM_PRIOR` = 1 pseudo-count (a flat
      Dirichlet(1), add-one smoothing of both sides). It answers "what does the target say
      more than the reference" without pulling every term towards the whole document, and a
      term absent from one side (带头: 6 against 0) is not ruled out by its zero, as it is with
      the paper's near-zero uninformative prior (pass ``prior=0.01`` for that). A number gives
      every term that many pseudo-counts: larger shrinks rare terms harder. ``"document"`` uses
      the whole table's counts, target included (the paper's informative prior, α0 = N): a
      prior as strong as the data, which shrinks every z towards 0, so on a short document
      almost no term reaches |z| > 1.96. A mapping or Series of term counts, or another token
      table, or a :class:`~studykit.Corpus` (its token table), uses that *reference corpus*'
      counts (+0.01 for terms it lacks), which suits a comparison against a genre.

    Testing. ``p_value`` (the same for every measure) tests the 2×2 table [[a, c−a], [b, d−b]];
    column ``test`` says how: ``"fisher"`` (Fisher's exact test, two-sided) or ``"g2"`` (the χ²
    tail, 1 df, of G², Williams-corrected with ``williams=True``). ``test="auto"`` uses Fisher
    when an expected cell is below 5 and G² otherwise; ``"g2"`` or ``"fisher"`` forces one.
    Hundreds of terms are tested at once, so ``p_adjusted`` corrects ``p_value`` over every row
    tested (before ``top``) with ``correction``: ``"fdr_bh"`` (default; Benjamini & Hochberg 1995,
    false discovery rate), ``"holm"`` (Holm 1979, family-wise), ``"bonferroni"``, or None (no
    correction; ``p_adjusted == p_value``), computed by statsmodels' ``multipletests``.
    ``significant`` is ``p_adjusted < alpha``; charts fade the rows where it is False.

    ``min_count`` applies to a + b. ``top`` keeps that many rows. Swapping target and reference
    flips the sign of ``statistic``, ``effect`` and the interval.

    Columns: ``term``, ``target_count``, ``reference_count``, ``target_rate``,
    ``reference_rate`` (per 1,000 tokens), ``statistic``, ``effect``, ``log_ratio_low``,
    ``log_ratio_high``, ``conservative_log_ratio``, ``p_value``, ``test``, ``p_adjusted``,
    ``significant``, and for ``measure="g2"`` also ``g2``.

    >>> from studykit import load, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> k = keyness(table, "三")
    >>> k.loc[:1, ["term", "target_count", "reference_count", "statistic", "test", "p_adjusted"]].round(3)
      term  target_count  reference_count  statistic    test  p_adjusted
    0   带头             6                0     13.323  fisher       0.102
    1   阵地             6                2      5.924  fisher       0.706
    >>> int((k["p_value"] < 0.05).sum()), int(k["significant"].sum())   # raw p, then FDR-corrected
    (5, 0)
    """
    if hasattr(table, "_studykit_corpus"):  # a Corpus: documents against documents (studykit.corpus)
        return cast(pd.DataFrame, getattr(table, "keyness")(  # noqa: B009
            target, reference, measure=measure, min_count=min_count, stopwords=stopwords, filler=filler, pos=pos,
            kinds=kinds, top=top, correction=correction, alpha=alpha, test=test, williams=williams, prior=prior))
    _literal("measure", measure, ("g2", "log_ratio", "log_odds", "conservative_log_ratio"))
    _literal("correction", correction, ("fdr_bh", "holm", "bonferroni", None))
    _literal("test", test, ("auto", "g2", "fisher"))
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
    chosen = np.flatnonzero(a_all + b_all >= min_count)
    if len(chosen) == 0:
        return _empty(columns)
    alpha_w: FloatArray | float = 0.0
    alpha0 = 0.0
    if measure == "log_odds":
        alpha_w, alpha0 = _prior_counts(prior, table, codes, uniques, counted, chosen)
    out = keyness_from_counts(
        uniques[chosen], a_all[chosen], b_all[chosen], c, d, measure=measure, prior=(alpha_w, alpha0),
        correction=correction, alpha=alpha, test=test, williams=williams,
    )
    out.attrs["keyness"] = {
        "measure": measure, "correction": correction, "alpha": alpha, "test": test,
        "williams": williams, "tested": len(out), "significant": int(out["significant"].sum()),
    }
    return out.head(top) if top is not None else out


def keyness_from_counts(
    terms: Sequence[str] | npt.NDArray[Any] | pd.Series[Any],
    target_counts: Sequence[int] | IntArray | pd.Series[Any],
    reference_counts: Sequence[int] | IntArray | pd.Series[Any],
    target_size: int,
    reference_size: int,
    *,
    measure: Measure = "g2",
    prior: tuple[FloatArray | float, float] = (UNIFORM_PRIOR, 0.0),
    correction: Correction | None = "fdr_bh",
    alpha: float = 0.05,
    test: Test = "auto",
    williams: bool = False,
) -> pd.DataFrame:
    """The keyness table of :func:`keyness` from counts alone: term ``i`` occurs
    ``target_counts[i]`` times in a target of ``target_size`` counted tokens and
    ``reference_counts[i]`` times in a reference of ``reference_size``. The formulas, tests,
    correction and columns are those of :func:`keyness` (read its docstring); rows are sorted by
    ``statistic``. ``prior`` is ``(α_w, α0)`` for ``measure="log_odds"``: α_w per term (or one
    number for all) and their sum over the vocabulary (0 means ``len(terms) · α_w``).

    Use it for counts from anywhere: a corpus's documents (studykit.corpus does), or two word
    lists counted elsewhere.

    >>> keyness_from_counts(["带头", "工作"], [6, 10], [0, 40], 500, 3000).loc[:, ["term", "statistic", "test"]].round(2)
      term  statistic    test
    0   带头      23.35  fisher
    1   工作       1.21      g2
    """
    _literal("measure", measure, ("g2", "log_ratio", "log_odds", "conservative_log_ratio"))
    _literal("correction", correction, ("fdr_bh", "holm", "bonferroni", None))
    _literal("test", test, ("auto", "g2", "fisher"))
    a_int = np.asarray(target_counts, dtype=np.int64)
    b_int = np.asarray(reference_counts, dtype=np.int64)
    names = np.asarray(terms, dtype=object)
    if not (len(names) == len(a_int) == len(b_int)):
        raise QueryError("各列长度不一致 / terms, target_counts and reference_counts must have the same length")
    c, d = int(target_size), int(reference_size)
    if c <= 0 or d <= 0:
        raise QueryError("词数须为正数 / target_size and reference_size must be positive token counts")
    a = a_int.astype(np.float64)
    b = b_int.astype(np.float64)
    g2 = _g2_two_cell(a, b, float(c), float(d))
    if williams:
        g2 = g2 / _williams_q(a + b, float(c), float(d))
    direction = np.sign(a / c - b / d)
    a0 = np.where(a > 0, a, 0.5)
    b0 = np.where(b > 0, b, 0.5)
    effect = np.log2((a0 / c) / (b0 / d))
    low, high = _log_ratio_interval(a, b, float(c), float(d), 1.0 - alpha)
    conservative = np.where(low > 0, low, np.where(high < 0, high, 0.0))
    statistic: FloatArray
    if measure == "g2":
        statistic = direction * g2
    elif measure == "log_ratio":
        statistic = effect
    elif measure == "conservative_log_ratio":
        statistic = conservative
    else:
        alpha_w = np.broadcast_to(np.asarray(prior[0], dtype=np.float64), a.shape)
        alpha0 = float(prior[1]) or float(alpha_w.sum())
        ya, yb = a + alpha_w, b + alpha_w
        delta = np.log(ya / (c + alpha0 - ya)) - np.log(yb / (d + alpha0 - yb))
        statistic = delta / np.sqrt(1.0 / ya + 1.0 / yb)
    p_value, used = _p_values(a_int, b_int, c, d, g2, test)
    p_adjusted = _adjust(p_value, correction)
    out = pd.DataFrame(
        {
            "term": pd.Series(names, dtype="str"),
            "target_count": a_int,
            "reference_count": b_int,
            "target_rate": a / c * 1000.0,
            "reference_rate": b / d * 1000.0,
            "statistic": statistic,
            "effect": effect,
            "log_ratio_low": low,
            "log_ratio_high": high,
            "conservative_log_ratio": conservative,
            "p_value": p_value,
            "test": pd.Series(used, dtype="str"),
            "p_adjusted": p_adjusted,
            "significant": p_adjusted < alpha,
        }
    )
    if measure == "g2":
        out["g2"] = g2
    return _sort(out, ["statistic", "effect", "term"], [False, False, True])


def _adjust(p: FloatArray, correction: Correction | None) -> FloatArray:
    if correction is None or len(p) == 0:
        return p.copy()
    from statsmodels.stats.multitest import multipletests

    return cast(FloatArray, np.asarray(multipletests(p, method=correction)[1], dtype=np.float64))


def _p_values(
    a: IntArray, b: IntArray, c: int, d: int, g2: FloatArray, test: Test
) -> tuple[FloatArray, npt.NDArray[np.str_]]:
    from scipy.stats import chi2

    total = c + d
    row = (a + b).astype(np.float64)
    # Smallest expected cell of [[a, c-a], [b, d-b]]: the term's column or the other column.
    expected_min = np.minimum(
        np.minimum(row * c, row * d), np.minimum((total - row) * c, (total - row) * d)
    ) / total
    p = np.asarray(chi2.sf(g2, 1), dtype=np.float64)
    small = expected_min < 5 if test == "auto" else np.full(len(a), test == "fisher")
    if small.any():
        p[small] = _fisher_p(a[small], b[small], c, d)
    return p, np.where(small, "fisher", "g2")
