"""Analyses across the documents of a corpus: pure functions, a :class:`Corpus` in, a DataFrame out.

Counting runs out of core in DuckDB over the corpus's Parquet files (see
:mod:`studykit.corpus.query`); only the counts come back to Python. The conventions of the
single-document analyses hold (:mod:`studykit.analysis`): counted tokens are those of ``kinds``
(Chinese and Latin words by default), rates are per 1,000 counted tokens *before* the stopword,
filler, POS and length filters, and ``stopwords=True`` drops stopwords from what is listed.

``by`` groups documents: ``"doc"`` (each document alone) or a field of ``corpus.docs`` (``year``,
``province``, any metadata column). Groups come in order (documents in corpus order, values
sorted); documents without a value for ``by`` are left out and named in ``attrs["missing"]``.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast, overload

import numpy as np
import pandas as pd

from studykit.analysis._options import Count, Names, Real, _Flag, checked, text_problem
from studykit.analysis._table import _KEYNESS_COLUMNS, DEFAULT_KINDS, FloatArray, Measure
from studykit.analysis.concordance import (
    MAX_WINDOW,
    REGEX_TIMEOUT,
    KwicHit,
    KwicResult,
    SearchBudget,
    Sort,
    _compile,
    kwic,
)
from studykit.analysis.keyness import (
    PRIOR_FLOOR,
    UNIFORM_PRIOR,
    Correction,
    Prior,
    Test,
    check_pseudo_count,
    keyness_from_counts,
)
from studykit.errors import QueryError, SectionNotFoundError
from studykit.zh import simplified_shadow

from .query import term_filter

if TYPE_CHECKING:
    from .collection import Corpus, DocSpec

__all__ = [
    "FREQUENCY_COLUMNS",
    "KEY_TERM_COLUMNS",
    "TREND_COLUMNS",
    "CorpusKwicResult",
    "corpus_keyness",
    "corpus_kwic",
    "corpus_term_frequencies",
    "document_similarity",
    "first_appearance",
    "key_terms",
    "trend",
]

FREQUENCY_COLUMNS = ("term", "count", "rate", "documents", "dp", "juilland_d")
TREND_COLUMNS = ("term", "count", "rate", "documents", "group_documents", "tokens")
KEYNESS_COLUMNS = tuple(_KEYNESS_COLUMNS)
KEY_TERM_COLUMNS = KEYNESS_COLUMNS
FIRST_COLUMNS = ("term", "kind", "first", "last", "documents", "group_documents", "share", "count")


def _check_top(top: int | None) -> None:
    if top is not None and top < 0:
        raise QueryError(f"选项 top 的值无效 / invalid top={top}: give a whole number from 0 up or None")


def _groups_frame(corpus: Corpus, by: str, columns: Sequence[str] = ()) -> tuple[pd.DataFrame, list[Any], list[str]]:
    """``(doc, gid)`` for every document with a group, the groups in order, and the documents
    left out for having no value. ``columns`` are the result's other columns: a field named like
    one of them (a metadata column ``term`` for 届次) cannot name the group column, and is refused
    rather than overwritten."""
    values, order = corpus.groups(by)
    if by in columns:
        raise QueryError(
            f"字段名「{by}」与结果列重名 / cannot group by {by!r}: the result has its own {by!r} column "
            f"({' '.join(columns)}); rename the field, e.g. metadata=table.rename(columns={{{by!r}: '{by}_'}})"
        )
    gid = {g: i for i, g in enumerate(order)}
    frame = pd.DataFrame({"doc": [str(d) for d in values.index], "gid": [gid[v] for v in values]})
    missing = [d for d in corpus.ids if d not in set(frame["doc"])]
    return frame.astype({"gid": "int64"}), order, missing


def _group_column(order: list[Any], gids: Any) -> pd.Series[Any]:
    values = np.asarray(order, dtype=object)[np.asarray(gids, dtype=np.int64)]
    series = pd.Series(values, dtype=object)
    if len(order) and all(isinstance(v, int | np.integer) for v in order):
        return series.astype("int64")
    return series.astype(str) if all(isinstance(v, str) for v in order) else series


# ---------------------------------------------------------------------------------------------
# Term frequencies


@checked(top=Count(0, none=True), min_len=Count(1))
def corpus_term_frequencies(
    corpus: Corpus,
    *,
    by: str | None = None,
    top: int | None = None,
    min_len: int = 1,
    pos: Sequence[str] | str | None = None,
    stopwords: bool = True,
    filler: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> pd.DataFrame:
    """How often each term occurs across the corpus, overall or per document or group.

    Columns: ``term``; ``count``; ``rate`` per 1,000 counted tokens of the group (or corpus);
    ``documents``, the number of documents of the corpus the term occurs in (its document
    frequency, the corpus's ``range``); ``dp`` and ``juilland_d``, the dispersion measures of
    :func:`studykit.term_frequencies` with the documents as the parts: with s_i document i's share
    of the corpus's counted tokens and v_i the share of the term's occurrences there, Gries' DP =
    ½ Σ|v_i − s_i| normalised by 1 − min s_i (Gries 2008, "Dispersions and adjusted frequencies in
    corpora", *IJCL* 13(4); Lijffijt & Gries 2012): 0 = spread as the text is, 1 = all in the
    smallest document; Juilland's D = 1 − V/√(n−1), V the coefficient of variation of the term's
    relative frequencies over the n documents: 1 = even. Both are NaN for a corpus of one
    document. ``documents``, ``dp`` and ``juilland_d`` describe the term in the whole corpus, like
    ``range`` in :func:`studykit.term_frequencies`. With ``by``, the group column comes first and ``top``
    applies within each group. Rows are sorted by group, count (descending) and term.

    >>> sk.term_frequencies(corpus, by="year", top=3)            # doctest: +SKIP
       year  term  count   rate  documents    dp
    0  2019  发展     24  25.1          6  0.07
    """
    _check_top(top)
    counted, kept = term_filter(kinds=kinds, stopwords=stopwords, filler=filler, pos=pos, min_len=min_len)
    db = corpus.db
    common = f"""
        WITH base AS (SELECT doc, token, pos, is_stopword, is_filler, kind FROM tokens WHERE {counted}),
        sizes AS (SELECT doc, count(*)::DOUBLE AS n FROM base GROUP BY doc),
        dc AS (SELECT doc, token, count(*)::BIGINT AS c FROM base WHERE {kept} GROUP BY doc, token),
        total AS (SELECT coalesce(sum(n), 0) AS big_n, count(*) AS k, min(n) AS min_n FROM sizes),
        tot AS (SELECT token, sum(c)::DOUBLE AS f, count(*)::BIGINT AS df FROM dc GROUP BY token),
        parts AS (SELECT dc.token, sum(abs(dc.c / tot.f - s.n / total.big_n)) AS gap, sum(s.n / total.big_n) AS seen,
                         sum(dc.c / s.n) / total.k AS mean_p, sum((dc.c / s.n) * (dc.c / s.n)) / total.k AS mean_p2
                  FROM dc JOIN tot USING (token) JOIN sizes s USING (doc) CROSS JOIN total
                  GROUP BY dc.token, total.k, total.big_n),
        dp AS (SELECT parts.token,
                      CASE WHEN total.k < 2 THEN NULL ELSE least(greatest(
                          0.5 * (gap + 1 - seen) / (1 - total.min_n / total.big_n), 0), 1) END AS dp,
                      CASE WHEN total.k < 2 THEN NULL ELSE
                          1 - (sqrt(greatest(mean_p2 - mean_p * mean_p, 0)) / mean_p) / sqrt(total.k - 1) END AS juilland_d
               FROM parts CROSS JOIN total)
    """
    limit = f"LIMIT {int(top)}" if top is not None else ""
    if by is None:
        frame = db.df(common + f"""
            SELECT tot.token AS term, tot.f::BIGINT AS count, tot.f * 1000.0 / total.big_n AS rate,
                   tot.df AS documents, dp.dp AS dp, dp.juilland_d AS juilland_d
            FROM tot JOIN dp USING (token) CROSS JOIN total ORDER BY count DESC, term {limit}""")
        out = _typed_freqs(frame, [])
        out = out.sort_values(["count", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
        out.attrs["documents"] = len(corpus)
        return out
    groups, order, missing = _groups_frame(corpus, by, FREQUENCY_COLUMNS)
    qualify = f"QUALIFY row_number() OVER (PARTITION BY g.gid ORDER BY g.count DESC, g.token) <= {int(top)}" if top is not None else ""
    with db.registered("_groups", groups):
        frame = db.df(common + f""",
            g AS (SELECT gid, token, sum(c)::BIGINT AS count FROM dc JOIN _groups USING (doc) GROUP BY gid, token),
            gs AS (SELECT gid, sum(n) AS n FROM sizes JOIN _groups USING (doc) GROUP BY gid)
            SELECT g.gid, g.token AS term, g.count, g.count * 1000.0 / gs.n AS rate, tot.df AS documents, dp.dp,
                   dp.juilland_d
            FROM g JOIN gs USING (gid) JOIN tot USING (token) JOIN dp USING (token) {qualify}""")
    frame = frame.sort_values(["gid", "count", "term"], ascending=[True, False, True], kind="mergesort")
    out = _typed_freqs(frame, [])
    out.insert(0, by, _group_column(order, frame["gid"]).to_numpy())
    if by != "doc" and pd.api.types.is_integer_dtype(pd.Series(order, dtype=object).infer_objects()):
        out[by] = out[by].astype("int64")
    out.attrs.update({"groups": list(order), "missing": missing, "by": by})
    return out.reset_index(drop=True)


def _typed_freqs(frame: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({
        "term": frame["term"].astype(str).to_numpy() if len(frame) else np.array([], dtype=object),
        "count": frame["count"].to_numpy(dtype=np.int64) if len(frame) else np.array([], dtype=np.int64),
        "rate": frame["rate"].to_numpy(dtype=np.float64) if len(frame) else np.array([], dtype=np.float64),
        "documents": frame["documents"].to_numpy(dtype=np.int64) if len(frame) else np.array([], dtype=np.int64),
        "dp": frame["dp"].to_numpy(dtype=np.float64, na_value=np.nan) if len(frame) else np.array([], dtype=np.float64),
        "juilland_d": frame["juilland_d"].to_numpy(dtype=np.float64, na_value=np.nan) if len(frame)
        else np.array([], dtype=np.float64),
    })
    out["term"] = out["term"].astype(str)
    return out


# ---------------------------------------------------------------------------------------------
# Keyness


def _sides(corpus: Corpus, target: DocSpec, reference: DocSpec) -> tuple[list[str], list[str]]:
    t_docs = corpus.resolve(target, what="target")
    if isinstance(reference, str) and reference == "rest":
        r_docs = [d for d in corpus.ids if d not in set(t_docs)]
        if not r_docs:
            raise QueryError(
                "目标包含全部文档 / the target covers every document: nothing is left to compare with; "
                "choose fewer documents or a reference"
            )
    else:
        r_docs = corpus.resolve(reference, what="reference")
        both = [d for d in t_docs if d in set(r_docs)]
        if both:
            raise QueryError(
                f"目标与参照重叠 / target and reference overlap in {' '.join(both[:5])}: "
                "choose different documents, or use reference='rest'"
            )
    return t_docs, r_docs


@checked(min_count=Count(1), top=Count(0, none=True), alpha=Real(0.0, 1.0))
def corpus_keyness(
    corpus: Corpus,
    target: DocSpec,
    reference: DocSpec = "rest",
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
    """Which terms some documents use more (or less) than the rest of the corpus or than others.

    ``target`` and ``reference`` name documents (a document id, ``"province=浙江省"``,
    ``"year >= 2020"``, a list of ids, ``{"year": [2021, 2022]}``); ``reference="rest"`` is every
    other document of the corpus. a, b are the term's counts in the target and reference
    documents, c, d their counted tokens; the measures (G², log ratio, conservative log ratio,
    log-odds with a Dirichlet ``prior``), the tests (``test``, ``williams``), the multiple-testing
    ``correction`` and the columns are exactly those of :func:`studykit.keyness`, with "the
    table" read as the corpus (its vocabulary for ``prior="uniform"``, its counts for
    ``"document"``). ``attrs`` names the ``target`` and ``reference`` documents.

    >>> sk.keyness(corpus, target="2024", top=5)                          # doctest: +SKIP
    >>> sk.keyness(corpus, target="mayor=周敏", reference="mayor=林远")    # doctest: +SKIP
    """
    _check_keyness_options(measure, correction, test, min_count, top)
    t_docs, r_docs = _sides(corpus, target, reference)
    counted, kept = term_filter(kinds=kinds, stopwords=stopwords, filler=filler, pos=pos, min_len=1)
    sides = pd.DataFrame({"doc": [*t_docs, *r_docs], "side": [1] * len(t_docs) + [2] * len(r_docs)})
    db = corpus.db
    with db.registered("_sides", sides):
        sizes = db.df(f"""SELECT side, count(*)::BIGINT AS n FROM tokens JOIN _sides USING (doc)
                          WHERE {counted} GROUP BY side""")
        counts = db.df(f"""
            SELECT token AS term, sum(CASE WHEN side = 1 THEN 1 ELSE 0 END)::BIGINT AS a,
                   sum(CASE WHEN side = 2 THEN 1 ELSE 0 END)::BIGINT AS b
            FROM tokens JOIN _sides USING (doc) WHERE {kept} GROUP BY token
            HAVING a + b >= {max(int(min_count), 1)}""")
    n_of = dict(zip(sizes["side"], sizes["n"], strict=True))
    c, d = int(n_of.get(1, 0)), int(n_of.get(2, 0))
    if c == 0 or d == 0 or counts.empty:
        out = _empty_keyness(measure)
    else:
        alpha_w, alpha0 = _prior(corpus, prior, counts["term"], counted, kinds, measure)
        out = keyness_from_counts(counts["term"].astype(str), counts["a"], counts["b"], c, d, measure=measure, prior=(alpha_w, alpha0),
                             correction=correction, alpha=alpha, test=test, williams=williams)
    out.attrs["keyness"] = {
        "measure": measure, "correction": correction, "alpha": alpha, "test": test, "williams": williams,
        "tested": len(out), "significant": int(out["significant"].sum()) if len(out) else 0,
    }
    if top is not None:
        out = out.head(top)
    out.attrs.update({"target": t_docs, "reference": r_docs, "measure": measure})
    return out


def _check_keyness_options(measure: str, correction: str | None, test: str, min_count: int, top: int | None) -> None:
    if measure not in ("g2", "log_ratio", "log_odds", "conservative_log_ratio"):
        raise QueryError(f"未知的度量 / unknown measure {measure!r}: use one of 'g2', 'log_ratio', 'log_odds', 'conservative_log_ratio'")
    if correction not in ("fdr_bh", "holm", "bonferroni", None):
        raise QueryError(f"未知的校正方法 / unknown correction {correction!r}: use 'fdr_bh', 'holm', 'bonferroni' or None")
    if test not in ("auto", "g2", "fisher"):
        raise QueryError(f"未知的检验 / unknown test {test!r}: use 'auto', 'g2' or 'fisher'")
    if min_count < 1:
        raise QueryError(f"min_count 须不小于 1 / min_count must be 1 or more, not {min_count}")
    _check_top(top)


def _empty_keyness(measure: str) -> pd.DataFrame:
    columns = dict(_KEYNESS_COLUMNS)
    if measure == "g2":
        columns["g2"] = "float64"
    return pd.DataFrame({col: pd.Series([], dtype=cast(Any, dtype)) for col, dtype in columns.items()})


def _prior(
    corpus: Corpus, prior: Prior, terms: pd.Series[Any], counted: str, kinds: Sequence[str], measure: str
) -> tuple[FloatArray, float]:
    """α_w for ``terms`` and α0, as :func:`studykit.keyness` computes them, over the corpus."""
    n = len(terms)
    if measure != "log_odds":
        return np.zeros(n), 0.0
    db = corpus.db
    if isinstance(prior, str):
        if prior not in ("document", "uniform"):
            raise QueryError(f"未知的先验 / unknown prior {prior!r}: use 'document', 'uniform', a number, a mapping or a token table")
        if prior == "document":
            whole = db.df(f"SELECT token, count(*)::DOUBLE AS n FROM tokens WHERE {counted} GROUP BY token")
            by_term = dict(zip(whole["token"].astype(str), whole["n"], strict=True))
            return np.array([by_term.get(str(t), 0.0) for t in terms], dtype=np.float64), float(whole["n"].sum())
        vocab = int(db.df(f"SELECT count(DISTINCT token) AS v FROM tokens WHERE {counted}")["v"].iloc[0])
        return np.full(n, UNIFORM_PRIOR), UNIFORM_PRIOR * vocab
    if isinstance(prior, int | float) and not isinstance(prior, bool):
        check_pseudo_count(prior)
        vocab = int(db.df(f"SELECT count(DISTINCT token) AS v FROM tokens WHERE {counted}")["v"].iloc[0])
        return np.full(n, float(prior)), float(prior) * vocab
    if isinstance(prior, pd.DataFrame):
        if "token" not in prior.columns or "kind" not in prior.columns:
            raise QueryError("先验词表缺少列 / a token-table prior needs token and kind columns: pass sk.tokenize(...) of the reference")
        ref = prior.loc[prior["kind"].isin(list(kinds)), "token"].astype(str).value_counts()
        mapping: dict[str, float] = {str(k): float(v) for k, v in ref.items()}
    elif isinstance(prior, pd.Series | Mapping):
        try:
            mapping = {str(k): float(v) for k, v in prior.items()}
        except (TypeError, ValueError):
            raise QueryError("无效的先验 / invalid prior: every count in the mapping must be a number") from None
    else:
        raise QueryError(
            f"无效的先验 / invalid prior {type(prior).__name__}: use 'document', 'uniform', a "
            "pseudo-count such as 0.5, a mapping of term counts or a token table"
        )
    bad = [k for k, v in mapping.items() if not np.isfinite(v) or v < 0]
    if bad:
        raise QueryError(f"无效的先验 / invalid prior count for {bad[0]!r}: counts must be finite and >= 0")
    vocab_terms = set(db.df(f"SELECT DISTINCT token FROM tokens WHERE {counted}")["token"].astype(str))
    alpha0 = sum(mapping.get(t, 0.0) + PRIOR_FLOOR for t in vocab_terms) + sum(
        v for k, v in mapping.items() if k not in vocab_terms)
    return np.array([mapping.get(str(t), 0.0) + PRIOR_FLOOR for t in terms], dtype=np.float64), float(alpha0)


@checked(top=Count(1), min_count=Count(1), alpha=Real(0.0, 1.0))
def key_terms(
    corpus: Corpus,
    *,
    by: str = "doc",
    top: int = 10,
    measure: Measure = "g2",
    min_count: int = 3,
    stopwords: bool = True,
    filler: bool = False,
    pos: Sequence[str] | str | None = None,
    kinds: Sequence[str] = DEFAULT_KINDS,
    correction: Correction | None = "fdr_bh",
    alpha: float = 0.05,
    test: Test = "g2",
    williams: bool = False,
    prior: Prior = "uniform",
) -> pd.DataFrame:
    """Each group's most distinctive terms: the keyness of every document (or group) against the
    rest of the corpus, in one pass.

    For each group, a and c are the term's count and the counted tokens in the group, b and d
    those of all other documents; the statistics and columns are those of
    :func:`corpus_keyness`, preceded by the group column (named after ``by``): the ``top`` terms
    each group overuses most (positive statistic), strongest first. ``correction`` runs over every
    term tested in the group. ``test`` is ``"g2"`` by default (the χ² tail of G²): with many
    groups, Fisher's exact test for every small count (``test="auto"``, as ``sk.keyness``) takes
    seconds per group.

    >>> sk.key_terms(provinces, by="province", top=5)                     # doctest: +SKIP
    """
    _check_keyness_options(measure, correction, test, min_count, top)
    counted, kept = term_filter(kinds=kinds, stopwords=stopwords, filler=filler, pos=pos, min_len=1)
    groups, order, missing = _groups_frame(corpus, by, (*_KEYNESS_COLUMNS, "g2"))
    db = corpus.db
    with db.registered("_groups", groups):
        sizes = db.df(f"SELECT gid, count(*)::BIGINT AS n FROM tokens JOIN _groups USING (doc) WHERE {counted} GROUP BY gid")
        counts = db.df(f"""
            WITH g AS (SELECT gid, token, count(*)::BIGINT AS a FROM tokens JOIN _groups USING (doc)
                       WHERE {kept} GROUP BY gid, token),
            tot AS (SELECT token, sum(a)::BIGINT AS f FROM g GROUP BY token)
            SELECT g.gid, g.token AS term, g.a, tot.f
            FROM g JOIN tot USING (token) WHERE tot.f >= {max(int(min_count), 1)}""")
    n_of = dict(zip(sizes["gid"], sizes["n"], strict=True))
    big_n = int(sum(n_of.values()))
    # Every term tested in every group (a = 0 where the group lacks it), as keyness against the
    # rest tests them, so the correction runs over the same family.
    codes, vocab = pd.factorize(counts["term"].astype(str))
    totals = np.zeros(len(vocab), dtype=np.int64)
    totals[codes] = counts["f"].to_numpy(dtype=np.int64)
    terms = pd.Series(np.asarray(vocab, dtype=object))
    alpha_w, alpha0 = _prior(corpus, prior, terms, counted, kinds, measure)
    gids = counts["gid"].to_numpy(dtype=np.int64)
    a_of = counts["a"].to_numpy(dtype=np.int64)
    frames = []
    for gid in sorted(set(gids.tolist())):
        c = int(n_of.get(gid, 0))
        d = big_n - c
        if c == 0 or d == 0:
            continue
        a = np.zeros(len(vocab), dtype=np.int64)
        mine = gids == gid
        a[codes[mine]] = a_of[mine]
        part = pd.DataFrame({"term": terms, "a": a, "b": totals - a})
        frame = keyness_from_counts(part["term"].astype(str), part["a"], part["b"], c, d, measure=measure, prior=(alpha_w, alpha0),
                               correction=correction, alpha=alpha, test=test, williams=williams)
        frame = frame[frame["statistic"] > 0].head(top).copy()
        frame.insert(0, "_gid", gid)
        frames.append(frame)
    cols = [*_KEYNESS_COLUMNS, *(["g2"] if measure == "g2" else [])]
    if frames:
        out = pd.concat(frames, ignore_index=True)
        group_values = _group_column(order, out["_gid"])
        out = out.drop(columns="_gid")[cols]
        out.insert(0, by, group_values.to_numpy())
    else:
        out = _empty_keyness(measure)
        out.insert(0, by, pd.Series([], dtype=object))
    out.attrs.update({"groups": list(order), "missing": missing, "by": by, "measure": measure})
    return out


# ---------------------------------------------------------------------------------------------
# Character-level counts: trend and first appearance


def _term_list(terms: str | Sequence[str] | None) -> list[str]:
    """The terms, stripped and without repeats; none at all, or one that is not text (a lone
    surrogate, a number), raises the ``QueryError`` that :func:`studykit.kwic` gives."""
    if terms is None or not isinstance(terms, str | Sequence | set | frozenset):
        got = "None" if terms is None else type(terms).__name__
        raise QueryError(f"没有给出词语 / no terms given ({got}): name at least one, e.g. ['高质量发展']")
    given = [terms] if isinstance(terms, str) else list(terms)
    for t in given:
        problem = text_problem(t)
        if problem is not None and isinstance(t, str) and not t.strip():
            continue  # blank entries are skipped
        if problem is not None:
            raise QueryError(f"查询无效 / invalid query {t!r}: {problem}")
    wanted = list(dict.fromkeys(str(t).strip() for t in given if str(t).strip()))
    if not wanted:
        raise QueryError("没有给出词语 / no terms given: name at least one, e.g. 高质量发展")
    return wanted


def _char_counts(
    corpus: Corpus, terms: list[str], *, regex: bool, include_title: bool
) -> pd.DataFrame:
    """``(doc, term_id, count)``: occurrences of each term in each document's headings and
    paragraphs (and title lines with ``include_title``), found in the simplified text as KWIC
    finds them (non-overlapping, left to right). Plain terms are counted in DuckDB; regular
    expressions by KWIC's own matcher (Python's ``regex`` module on the same reading view), so
    ``\\d`` takes full-width digits, ``\\s`` the ideographic space, lookbehinds work and
    empty matches count nothing, exactly as in :func:`studykit.kwic`."""
    if regex:
        return _regex_counts(corpus, terms, include_title=include_title)
    shadows = [simplified_shadow(t) for t in terms]
    query_terms = pd.DataFrame({"term_id": np.arange(len(terms), dtype=np.int64), "t": shadows})
    where = "TRUE" if include_title else "u.kind <> 'title'"
    count = ("len(regexp_extract_all(u.s, q.t))" if regex
             else "(strlen(u.s) - strlen(replace(u.s, q.t, ''))) // strlen(q.t)")
    prefilter = "" if regex else "AND contains(u.s, q.t)"
    db = corpus.db
    with db.registered("_terms", query_terms):
        return db.df(f"""SELECT u.doc, q.term_id, sum({count})::BIGINT AS count
                         FROM units u CROSS JOIN _terms q WHERE {where} {prefilter}
                         GROUP BY u.doc, q.term_id""")


REGEX_CHARS = 5_000_000
"""Characters of corpus text per ``REGEX_TIMEOUT`` seconds of regular-expression time in
:func:`trend` (simple patterns run at 30 M characters a second and more, so the allowance is
several times what an ordinary pattern needs)."""


def _regex_counts(corpus: Corpus, terms: list[str], *, include_title: bool) -> pd.DataFrame:
    """Counts of regular expressions by KWIC's matcher. Each term has one time budget for the
    whole corpus, KWIC's ``REGEX_TIMEOUT`` seconds per :data:`REGEX_CHARS` characters of text
    (at least ``REGEX_TIMEOUT``), so a catastrophic pattern stops with KWIC's ``QueryError``
    while an ordinary one is never cut short on a large corpus."""
    chars = int(corpus.docs["chars"].sum()) if len(corpus.docs) else 0
    seconds = REGEX_TIMEOUT * max(1.0, chars / REGEX_CHARS)
    matchers = [_compile(t, regex=True, budget=SearchBudget(seconds)) for t in terms]
    where = "TRUE" if include_title else "kind <> 'title'"
    counts: dict[tuple[str, int], int] = {}
    for batch in corpus.db.batches(f"SELECT doc, s FROM units WHERE {where}"):
        for doc, text in batch:
            if not text:
                continue
            for k, matcher in enumerate(matchers):
                n = len(matcher.spans(text))
                if n:
                    counts[(doc, k)] = counts.get((doc, k), 0) + n
    return pd.DataFrame({"doc": [d for d, _ in counts], "term_id": [k for _, k in counts],
                         "count": list(counts.values())}).astype({"term_id": "int64", "count": "int64"})


def _token_sizes(corpus: Corpus, kinds: Sequence[str], include_title: bool) -> pd.Series[Any]:
    counted, _ = term_filter(kinds=kinds, stopwords=False, filler=False, pos=None, min_len=1)
    title = "" if include_title else "AND part <> 'title'"
    sizes = corpus.db.df(f"SELECT doc, count(*)::BIGINT AS n FROM tokens WHERE {counted} {title} GROUP BY doc")
    return pd.Series(sizes["n"].to_numpy(dtype=np.int64), index=sizes["doc"].astype(str))


@checked(regex=_Flag())
def trend(
    corpus: Corpus,
    terms: str | Sequence[str],
    *,
    by: str = "year",
    regex: bool = False,
    include_title: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> pd.DataFrame:
    """How often each term occurs per group (per year by default): counts, rates per 1,000
    tokens and how many documents use it.

    Terms are counted in the characters of headings and paragraphs, as :func:`studykit.kwic`
    finds them, so a phrase such as 高质量发展 counts whether or not the segmenter keeps it whole,
    and traditional text is found through its simplified form (``regex=True`` takes patterns,
    run by KWIC's matcher, Python's ``regex`` module, so they count exactly what
    :func:`studykit.kwic` finds). ``rate`` = count / tokens × 1000, where ``tokens`` is the
    group's counted tokens (``kinds``, titles left out like the search). Every group appears
    for every term, with 0 where the term is absent, so a trend line has no gaps.

    Columns: the group column (named after ``by``), ``term``, ``count``, ``rate``,
    ``documents`` (the group's documents that use the term), ``group_documents`` (documents in
    the group) and ``tokens``. Rows are sorted by term (in the order given), then group.

    >>> sk.trend(corpus, ["高质量发展", "供给侧结构性改革"], by="year")    # doctest: +SKIP
       year     term  count  rate  documents  group_documents  tokens
    0  2019  高质量发展      1  0.5          1                1    2064
    """
    wanted = _term_list(terms)
    groups, order, missing = _groups_frame(corpus, by, TREND_COLUMNS)
    counts = _char_counts(corpus, wanted, regex=regex, include_title=include_title)
    sizes = _token_sizes(corpus, kinds, include_title)
    gid_of = dict(zip(groups["doc"], groups["gid"], strict=True))
    n_groups = len(order)
    tokens = np.zeros(n_groups, dtype=np.int64)
    docs_in = np.zeros(n_groups, dtype=np.int64)
    for doc, gid in gid_of.items():
        tokens[gid] += int(sizes.get(doc, 0))
        docs_in[gid] += 1
    count = np.zeros((len(wanted), n_groups), dtype=np.int64)
    using = np.zeros((len(wanted), n_groups), dtype=np.int64)
    for doc, term_id, c in counts[["doc", "term_id", "count"]].itertuples(index=False):
        gid = gid_of.get(str(doc))
        if gid is None or int(c) <= 0:
            continue
        count[int(term_id), gid] += int(c)
        using[int(term_id), gid] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(tokens > 0, count * 1000.0 / np.maximum(tokens, 1), np.nan)
    term_idx = np.repeat(np.arange(len(wanted)), n_groups)
    gids = np.tile(np.arange(n_groups), len(wanted))
    out = pd.DataFrame({
        by: _group_column(order, gids).to_numpy() if n_groups else np.array([], dtype=object),
        "term": pd.Series(np.asarray(wanted, dtype=object)[term_idx], dtype=object).astype(str).to_numpy(),
        "count": count.reshape(-1),
        "rate": rate.reshape(-1).astype(np.float64),
        "documents": using.reshape(-1),
        "group_documents": docs_in[gids] if n_groups else np.array([], dtype=np.int64),
        "tokens": tokens[gids] if n_groups else np.array([], dtype=np.int64),
    })
    out.attrs.update({"terms": wanted, "groups": list(order), "missing": missing, "by": by})
    return out


@checked(min_documents=Count(1))
@checked(kinds=Names(none=True))
def first_appearance(
    corpus: Corpus,
    *,
    by: str = "year",
    kinds: Sequence[str] | None = ("numbered",),
    terms: Sequence[str] | None = None,
    min_documents: int = 1,
) -> pd.DataFrame:
    """When formulations and terms first appear, and how they spread across documents.

    Items are the formulations that :func:`studykit.formulations` found in each document when the
    corpus was built (``kinds``: ``numbered`` by default; also ``quote``, ``parallel``,
    ``four_char_list``; ``None`` for none) and the given ``terms`` (counted at character level, as
    in :func:`trend`, kind ``term``). Items used by fewer than ``min_documents`` documents are left
    out.

    Long format, one row per item and group: ``term``, ``kind``, ``first`` and ``last`` (the first
    and last group where it occurs), the group column (named after ``by``), ``documents`` (the
    group's documents using it), ``group_documents``, ``share`` (documents / group_documents) and
    ``count``. Items are ordered by first appearance, then by how many documents use them.

    >>> sk.first_appearance(corpus, terms=["新质生产力"])                 # doctest: +SKIP
    """
    wanted = _term_list(terms) if terms is not None and len(terms) else []
    groups, order, missing = _groups_frame(corpus, by, FIRST_COLUMNS)
    gid_of = dict(zip(groups["doc"], groups["gid"], strict=True))
    per_doc: dict[tuple[str, str], dict[str, int]] = {}
    if isinstance(kinds, str):
        kinds = [kinds]  # one kind named alone
    if kinds:
        forms = corpus.formulations()
        forms = forms[forms["kind"].isin(list(kinds))]
        summed = forms.groupby(["doc", "kind", "text"], sort=False, as_index=False)["count"].sum()
        for doc, kind, text, c in summed[["doc", "kind", "text", "count"]].itertuples(index=False):
            per_doc.setdefault((str(text), str(kind)), {})[str(doc)] = int(c)
    if wanted:
        counts = _char_counts(corpus, wanted, regex=False, include_title=False)
        for doc, term_id, c in counts[["doc", "term_id", "count"]].itertuples(index=False):
            if int(c) > 0:
                per_doc.setdefault((wanted[int(term_id)], "term"), {})[str(doc)] = int(c)
    n_groups = len(order)
    docs_in = np.bincount(groups["gid"].to_numpy(dtype=np.int64), minlength=n_groups) if n_groups else np.zeros(0, np.int64)
    items = []
    for (text, kind), docs in per_doc.items():
        count = np.zeros(n_groups, dtype=np.int64)
        using = np.zeros(n_groups, dtype=np.int64)
        for doc, c in docs.items():
            gid = gid_of.get(doc)
            if gid is not None:
                count[gid] += c
                using[gid] += 1
        if using.sum() < max(min_documents, 1):
            continue
        present = np.flatnonzero(using)
        items.append((int(present[0]), -int(using.sum()), text, kind, int(present[-1]), count, using))
    items.sort(key=lambda it: (it[0], it[1], it[2]))
    rows = []
    for first, _neg, text, kind, last, count, using in items:
        for gid in range(n_groups):
            rows.append((text, kind, order[first], order[last], order[gid], int(using[gid]), int(docs_in[gid]),
                         float(using[gid] / docs_in[gid]) if docs_in[gid] else np.nan, int(count[gid])))
    cols = ["term", "kind", "first", "last", by, "documents", "group_documents", "share", "count"]
    out = pd.DataFrame(rows, columns=cols)
    out = out.astype({"documents": "int64", "group_documents": "int64", "share": "float64", "count": "int64"})
    out.attrs.update({"groups": list(order), "missing": missing, "by": by})
    return out


# ---------------------------------------------------------------------------------------------
# Similarity


@checked(min_len=Count(1))
def document_similarity(
    corpus: Corpus,
    *,
    by: str = "doc",
    stopwords: bool = True,
    filler: bool = False,
    pos: Sequence[str] | str | None = None,
    min_len: int = 1,
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> pd.DataFrame:
    """How alike the documents (or groups) are in vocabulary: cosine similarity of TF-IDF vectors.

    Each document (or group, with ``by``) is a vector of term counts (the kept terms: stopwords
    out by default); idf = ln((1 + N) / (1 + df)) + 1 with N documents and df those containing the
    term (the smooth idf of :func:`studykit.section_similarity`; Salton & Buckley 1988); vectors
    are L2-normalised and the similarity is their dot product (Manning, Raghavan & Schütze 2008,
    §6.3). Returns a square frame indexed by document ids (or group values) in corpus order,
    values in [0, 1], diagonal 1.

    >>> sim = sk.document_similarity(corpus)                           # doctest: +SKIP
    >>> sim.loc["2023"].drop("2023").idxmax()                          # doctest: +SKIP
    '2024'
    """
    from scipy import sparse

    _, kept = term_filter(kinds=kinds, stopwords=stopwords, filler=filler, pos=pos, min_len=min_len)
    groups, order, _missing = _groups_frame(corpus, by)
    labels = [str(g) if by == "doc" else g for g in order]
    with corpus.db.registered("_groups", groups):
        counts = corpus.db.df(f"""SELECT gid, token, count(*)::BIGINT AS c FROM tokens JOIN _groups USING (doc)
                                  WHERE {kept} GROUP BY gid, token""")
    m = len(order)
    if m == 0:
        return pd.DataFrame(dtype=np.float64)
    codes, vocab = pd.factorize(counts["token"])
    tf = sparse.csr_matrix(
        (counts["c"].to_numpy(dtype=np.float64), (counts["gid"].to_numpy(dtype=np.int64), codes)),
        shape=(m, max(len(vocab), 1)),
    )
    df = np.asarray((tf > 0).sum(axis=0)).reshape(-1)
    idf = np.log((1.0 + m) / (1.0 + df)) + 1.0
    weights = tf.multiply(idf.reshape(1, -1)).tocsr()
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).reshape(-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = sparse.diags(np.where(norms > 0, 1.0 / norms, 0.0)) @ weights
    sim = np.clip((unit @ unit.T).toarray(), 0.0, 1.0)
    has = norms > 0
    sim[~has, :] = np.nan
    sim[:, ~has] = np.nan
    np.fill_diagonal(sim, np.where(has, 1.0, np.nan))
    index = pd.Index(labels, dtype=object, name=by)
    return pd.DataFrame(sim, index=index, columns=pd.Index(labels, dtype=object))


# ---------------------------------------------------------------------------------------------
# KWIC across the corpus


@dataclass(frozen=True, slots=True)
class CorpusKwicResult(KwicResult):
    """KWIC hits across a corpus: a :class:`~studykit.analysis.concordance.KwicResult` whose hits
    each carry their document. ``to_frame()`` starts with ``doc`` and the document fields, then
    the KWIC columns (``left``, ``match``, ``right``, ``section``, ``section_title``, …)."""

    docs: tuple[str, ...] = ()
    field_names: tuple[str, ...] = ()
    field_values: tuple[tuple[Any, ...], ...] = ()

    @overload
    def __getitem__(self, index: int) -> KwicHit: ...
    @overload
    def __getitem__(self, index: slice) -> CorpusKwicResult: ...
    def __getitem__(self, index: int | slice) -> KwicHit | CorpusKwicResult:
        if isinstance(index, slice):
            return CorpusKwicResult(self.hits[index], self.query, self.unit, self.window, self.docs[index],
                                    self.field_names, self.field_values[index])
        return self.hits[index]

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[KwicHit]:
        return iter(self.hits)

    def to_frame(self) -> pd.DataFrame:
        """``doc``, the document fields, then ``left, match, right, section, section_title,
        paragraph, sentence, start, end``; ``attrs["query"]`` holds the query."""
        frame = KwicResult.to_frame(self)
        front = pd.DataFrame({"doc": pd.Series(self.docs, dtype=object).astype(str)})
        for i, name in enumerate(self.field_names):
            front[name] = pd.Series([v[i] for v in self.field_values], dtype=object)
        out = pd.concat([front, frame.reset_index(drop=True)], axis=1)
        out.attrs["query"] = self.query
        return out

    def counts(self) -> pd.DataFrame:
        """Hits per document: ``doc``, ``hits``, in corpus order."""
        docs = pd.Series(self.docs, dtype=object)
        out = docs.value_counts(sort=False).rename_axis("doc").reset_index(name="hits")
        return out.astype({"hits": "int64"})

    def __repr__(self) -> str:
        head = f"CorpusKwicResult({self.query!r}, {len(self.hits)} hits in {len(set(self.docs))} documents)"
        width = max((len(h.left) for h in self.hits[:20]), default=0)  # the contexts shown, not the window
        lines = [
            f"  {d}  {h.left:>{width}} [{h.match}] {h.right}  ({h.section} {h.section_title})"
            for d, h in zip(self.docs[:20], self.hits[:20], strict=True)
        ]
        if len(self.hits) > 20:
            lines.append(f"  … {len(self.hits) - 20} more")
        return "\n".join([head, *lines])

    def _repr_html_(self) -> str:
        esc = html.escape
        caption = f"「{esc(self.query)}」: {len(self.hits)} 处 / hits, {len(set(self.docs))} 篇文档 / documents"
        if not self.hits:
            return f"<div class='studykit-kwic'>{caption} — 没有找到 / not found</div>"
        rows = []
        for i, (d, h) in enumerate(zip(self.docs[:500], self.hits[:500], strict=True)):
            section = "标题" if not h.section else ("导语" if h.section == "0" else f"{h.section} {h.section_title}".strip())
            rows.append(
                "<tr>"
                f"<td style='text-align:right;color:#888'>{i + 1}</td>"
                f"<td style='text-align:left;white-space:nowrap'>{esc(d)}</td>"
                f"<td style='text-align:right;white-space:nowrap'>{esc(h.left)}</td>"
                f"<td style='text-align:center;white-space:nowrap'><mark>{esc(h.match)}</mark></td>"
                f"<td style='text-align:left;white-space:nowrap'>{esc(h.right)}</td>"
                f"<td style='text-align:left;color:#555'>{esc(section)}</td></tr>"
            )
        more = len(self.hits) - 500
        if more > 0:
            rows.append(f"<tr><td colspan='6' style='color:#888'>… {more} more / 还有 {more} 处</td></tr>")
        return (
            "<table class='studykit-kwic studykit-corpus-kwic'>"
            f"<caption style='text-align:left'>{caption}</caption>"
            "<thead><tr><th>#</th><th style='text-align:left'>文档 / doc</th>"
            "<th style='text-align:right'>左 / left</th><th>关键词 / match</th>"
            "<th style='text-align:left'>右 / right</th><th style='text-align:left'>章节 / section</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )


@checked(window=Count(0, MAX_WINDOW, hint="for more, read the whole paragraph (its index is in the result)"))
def corpus_kwic(
    corpus: Corpus,
    query: str,
    *,
    window: int = 20,
    sections: str | Sequence[str] | None = None,
    regex: bool = False,
    unit: Literal["char", "token"] = "char",
    include_title: bool = False,
    overlapping: bool = False,
    sort: Sort = "position",
    timeout: float = REGEX_TIMEOUT,
    limit: int | None = None,
) -> CorpusKwicResult:
    """Every occurrence of ``query`` in every document, each hit labelled with its document and
    section, in corpus order (or sorted across the corpus with ``sort``).

    The options are those of :func:`studykit.kwic`; ``sections`` names labels looked up in each
    document (documents without them contribute nothing; naming a label no document has raises
    ``SectionNotFoundError``), and a :meth:`Corpus.select` selection of sections or parts is
    respected. ``limit`` stops after that many hits in corpus order (then ``sort`` applies).
    Documents are read from their files only where the cached text contains the query (for plain
    queries), so a search over a large corpus parses few documents.

    >>> sk.kwic(corpus, "新质生产力", window=10).to_frame()[["doc", "left", "match", "right"]]  # doctest: +SKIP
    """
    if not query or not query.strip():
        raise QueryError("查询为空 / empty query: give a word, phrase or pattern such as 党建")
    if limit is not None and limit < 0:
        raise QueryError(f"limit 须不小于 0 / limit must be 0 or more, not {limit}")
    candidates = corpus.ids
    if not regex:
        where = "TRUE" if include_title else "kind <> 'title'"
        found = corpus.db.df(f"SELECT DISTINCT doc FROM units WHERE {where} AND contains(s, ?)",
                             [simplified_shadow(query)])
        hit_docs = set(found["doc"].astype(str))
        candidates = [d for d in candidates if d in hit_docs]
    from .collection import _allowed_tops

    allowed = _allowed_tops(corpus._sections)
    parts = corpus._parts
    hits: list[KwicHit] = []
    docs: list[str] = []
    values: list[tuple[Any, ...]] = []
    fields = tuple(f for f in corpus.fields if f != "doc")
    field_rows = corpus.docs.set_index(corpus.docs["doc"].astype(str))
    section_errors: list[SectionNotFoundError] = []
    budget = SearchBudget(timeout)  # one regex time limit for the whole corpus, not per document
    for doc in candidates:
        source: Any = corpus.document(doc) if unit == "char" else _doc_tokens(corpus, doc)
        try:
            found_hits = kwic(source, query, window=window, sections=sections, regex=regex, unit=unit,
                              include_title=include_title, overlapping=overlapping, budget=budget)
        except SectionNotFoundError as exc:
            section_errors.append(exc)
            continue
        row = tuple(field_rows.loc[doc, f] for f in fields)
        for h in found_hits:
            top = h.section.split("/")[0]
            if allowed is not None and top not in allowed.get(doc, set()):
                continue
            if parts is not None and _hit_part(h) not in {("paragraph" if p in ("body", "lead") else p) for p in parts}:
                continue
            hits.append(h)
            docs.append(doc)
            values.append(row)
            if limit is not None and len(hits) >= limit:
                break
        if limit is not None and len(hits) >= limit:
            break
    if sections is not None and section_errors and len(section_errors) == len(candidates) and candidates:
        raise SectionNotFoundError(
            f"没有文档有章节「{sections}」 / no document has section {sections}: choose labels such as 一 二 三"
        )
    if sort != "position":
        if sort not in ("left", "right", "match"):
            raise QueryError(f"未知的排序方式 / unknown sort {sort!r}: choose 'position', 'left', 'right' or 'match'")
        order = sorted(range(len(hits)), key=lambda i: _sort_key(hits[i], sort))
        hits, docs, values = [hits[i] for i in order], [docs[i] for i in order], [values[i] for i in order]
    return CorpusKwicResult(tuple(hits), query, unit, window, tuple(docs), fields, tuple(values))


def _sort_key(hit: KwicHit, sort: str) -> str:
    """The sort keys of :func:`studykit.kwic` (AntConc's 1L / 1R): the left context read
    backwards, the right context, or the match; ties keep corpus order."""
    return hit.left[::-1] if sort == "left" else hit.right if sort == "right" else hit.match


def _hit_part(h: KwicHit) -> str:
    if not h.section:
        return "title"
    return "heading" if h.paragraph < 0 else "paragraph"


def _doc_tokens(corpus: Corpus, doc: str) -> pd.DataFrame:
    """One document's stored token table, with its section list (for token-mode KWIC)."""
    import pyarrow.parquet as pq

    key = corpus._row(doc)["key"]
    frame: pd.DataFrame = pq.read_table(corpus.store.tokens_path(str(key))).to_pandas()
    sections = corpus.record(doc).get("sections", [])
    frame.attrs["sections"] = sections
    frame.attrs["top_sections"] = [s["path"] for s in sections if "/" not in s["path"]]
    return frame

