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
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd

from studykit.analysis._table import DEFAULT_KINDS, Measure
from studykit.analysis.concordance import KwicHit, KwicResult, kwic
from studykit.analysis.keyness import _keyness_stats, _p_values
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

FREQUENCY_COLUMNS = ("term", "count", "rate", "documents", "dp")
TREND_COLUMNS = ("term", "count", "rate", "documents", "group_documents", "tokens")
KEYNESS_COLUMNS = (
    "term", "target_count", "reference_count", "target_rate", "reference_rate", "statistic", "effect", "p_value",
)
KEY_TERM_COLUMNS = KEYNESS_COLUMNS
FIRST_COLUMNS = ("term", "kind", "first", "last", "documents", "group_documents", "share", "count")


def _check_top(top: int | None) -> None:
    if top is not None and top < 0:
        raise QueryError(f"top must be a positive number or None, not {top}")


def _groups_frame(corpus: Corpus, by: str) -> tuple[pd.DataFrame, list[Any], list[str]]:
    """``(doc, gid)`` for every document with a group, the groups in order, and the documents
    left out for having no value."""
    values, order = corpus.groups(by)
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
    frequency); ``dp``, Gries's deviation of proportions across the documents (Gries 2008,
    "Dispersions and adjusted frequencies in corpora", *IJCL* 13(4)): with s_i the share of the
    corpus's counted tokens in document i and v_i the share of the term's occurrences there,
    DP = ½ Σ|v_i − s_i|: 0 when the term is spread as the text is, towards 1 when it sits in one
    document. ``documents`` and ``dp`` describe the term in the whole corpus, like ``range`` in
    :func:`studykit.term_frequencies`. With ``by``, the group column comes first and ``top``
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
        total AS (SELECT coalesce(sum(n), 0) AS big_n FROM sizes),
        tot AS (SELECT token, sum(c)::DOUBLE AS f, count(*)::BIGINT AS df FROM dc GROUP BY token),
        dp AS (SELECT dc.token, 0.5 * (sum(abs(dc.c / tot.f - s.n / total.big_n)) + 1 - sum(s.n / total.big_n)) AS dp
               FROM dc JOIN tot USING (token) JOIN sizes s USING (doc) CROSS JOIN total GROUP BY dc.token)
    """
    limit = f"LIMIT {int(top)}" if top is not None else ""
    if by is None:
        frame = db.df(common + f"""
            SELECT tot.token AS term, tot.f::BIGINT AS count, tot.f * 1000.0 / total.big_n AS rate,
                   tot.df AS documents, dp.dp AS dp
            FROM tot JOIN dp USING (token) CROSS JOIN total ORDER BY count DESC, term {limit}""")
        out = _typed_freqs(frame, [])
        out = out.sort_values(["count", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
        out.attrs["documents"] = len(corpus)
        return out
    groups, order, missing = _groups_frame(corpus, by)
    qualify = f"QUALIFY row_number() OVER (PARTITION BY g.gid ORDER BY g.count DESC, g.token) <= {int(top)}" if top is not None else ""
    with db.registered("_groups", groups):
        frame = db.df(common + f""",
            g AS (SELECT gid, token, sum(c)::BIGINT AS count FROM dc JOIN _groups USING (doc) GROUP BY gid, token),
            gs AS (SELECT gid, sum(n) AS n FROM sizes JOIN _groups USING (doc) GROUP BY gid)
            SELECT g.gid, g.token AS term, g.count, g.count * 1000.0 / gs.n AS rate, tot.df AS documents, dp.dp
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
        "dp": frame["dp"].to_numpy(dtype=np.float64) if len(frame) else np.array([], dtype=np.float64),
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
) -> pd.DataFrame:
    """Which terms some documents use more (or less) than the rest of the corpus or than others.

    ``target`` and ``reference`` name documents (a document id, ``"province=浙江省"``,
    ``"year >= 2020"``, a list of ids, ``{"year": [2021, 2022]}``); ``reference="rest"`` is every
    other document of the corpus. The measures, columns and order are those of
    :func:`studykit.keyness` (G² after Rayson & Garside 2000, log ratio after Hardie 2014,
    log-odds with an informative Dirichlet prior after Monroe, Colaresi & Quinn 2008, whose prior
    here is the whole corpus's counts; ``p_value`` by Fisher's exact test where an expected cell
    is below 5, else χ²), with a, b the term's counts in the target and reference documents and
    c, d their counted tokens. ``attrs`` names the ``target`` and ``reference`` documents.

    >>> sk.keyness(corpus, target="2024", top=5)                          # doctest: +SKIP
    >>> sk.keyness(corpus, target="mayor=周敏", reference="mayor=林远")    # doctest: +SKIP
    """
    if measure not in ("g2", "log_ratio", "log_odds"):
        raise QueryError(f"unknown measure {measure!r}: use one of 'g2', 'log_ratio', 'log_odds'")
    _check_top(top)
    columns = [*KEYNESS_COLUMNS, *(["g2"] if measure == "g2" else [])]
    t_docs, r_docs = _sides(corpus, target, reference)
    counted, kept = term_filter(kinds=kinds, stopwords=stopwords, filler=filler, pos=pos, min_len=1)
    sides = pd.DataFrame({"doc": [*t_docs, *r_docs], "side": [1] * len(t_docs) + [2] * len(r_docs)})
    db = corpus.db
    with db.registered("_sides", sides):
        sizes = db.df(f"""SELECT side, count(*)::BIGINT AS n FROM tokens JOIN _sides USING (doc)
                          WHERE {counted} GROUP BY side""")
        counts = db.df(f"""
            WITH ab AS (
                SELECT token, sum(CASE WHEN side = 1 AND {kept} THEN 1 ELSE 0 END)::BIGINT AS a,
                       sum(CASE WHEN side = 2 AND {kept} THEN 1 ELSE 0 END)::BIGINT AS b
                FROM tokens JOIN _sides USING (doc) WHERE {counted} GROUP BY token),
            prior AS (SELECT token, count(*)::BIGINT AS p FROM tokens WHERE {counted} GROUP BY token)
            SELECT ab.token AS term, a, b, prior.p FROM ab JOIN prior USING (token)
            WHERE a + b >= {max(int(min_count), 1)}""")
        prior_total = int(db.df(f"SELECT count(*)::BIGINT AS n FROM tokens WHERE {counted}")["n"].iloc[0])
    n_of = dict(zip(sizes["side"], sizes["n"], strict=True))
    c, d = int(n_of.get(1, 0)), int(n_of.get(2, 0))
    if c == 0 or d == 0 or counts.empty:
        out = pd.DataFrame({col: pd.Series([], dtype="str" if col == "term" else "int64" if "count" in col else "float64")
                            for col in columns})
    else:
        out = _keyness_frame(counts, c, d, prior_total, measure)
        out = out[columns]
    out = out.sort_values(["statistic", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    if top is not None:
        out = out.head(top)
    out.attrs.update({"target": t_docs, "reference": r_docs, "measure": measure})
    return out


def _keyness_frame(
    counts: pd.DataFrame, c: int, d: int, prior_total: int, measure: str, *, p_values: bool = True
) -> pd.DataFrame:
    """Keyness columns from counts ``a``, ``b`` and prior ``p`` per term; ``p_values=False``
    leaves ``p_value`` NaN (fill it with :func:`_fill_p_values` for the rows kept)."""
    a_int = counts["a"].to_numpy(dtype=np.int64)
    b_int = counts["b"].to_numpy(dtype=np.int64)
    a = a_int.astype(np.float64)
    b = b_int.astype(np.float64)
    stats = _keyness_stats(a, b, float(c), float(d), counts["p"].to_numpy(dtype=np.float64), float(prior_total))
    p_value = _p_values(a_int, b_int, c, d, stats["g2"]) if p_values else np.full(len(a), np.nan)
    by_measure = {"g2": stats["signed_g2"], "log_ratio": stats["effect"], "log_odds": stats["z"]}
    return pd.DataFrame({
        "term": counts["term"].astype(str).to_numpy(),
        "target_count": a_int,
        "reference_count": b_int,
        "target_rate": a / c * 1000.0,
        "reference_rate": b / d * 1000.0,
        "statistic": by_measure[measure],
        "effect": stats["effect"],
        "p_value": p_value,
        "g2": stats["g2"],
    })


def _fill_p_values(frame: pd.DataFrame, c: int, d: int) -> pd.DataFrame:
    """The p-values of the rows kept (Fisher's exact test per row is the costly part)."""
    if len(frame):
        frame = frame.copy()
        frame["p_value"] = _p_values(frame["target_count"].to_numpy(dtype=np.int64),
                                     frame["reference_count"].to_numpy(dtype=np.int64), c, d,
                                     frame["g2"].to_numpy(dtype=np.float64))
    return frame


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
) -> pd.DataFrame:
    """Each group's most distinctive terms: the keyness of every document (or group) against the
    rest of the corpus, in one pass.

    For each group, a and c are the term's count and the counted tokens in the group, b and d
    those of all other documents; the statistics are those of :func:`corpus_keyness`. Columns:
    the group column (named after ``by``), then those of :func:`corpus_keyness`; the ``top``
    terms the group overuses most (positive statistic) per group, strongest first.

    >>> sk.key_terms(provinces, by="province", top=5)                     # doctest: +SKIP
    """
    if measure not in ("g2", "log_ratio", "log_odds"):
        raise QueryError(f"unknown measure {measure!r}: use one of 'g2', 'log_ratio', 'log_odds'")
    _check_top(top)
    counted, kept = term_filter(kinds=kinds, stopwords=stopwords, filler=filler, pos=pos, min_len=1)
    groups, order, missing = _groups_frame(corpus, by)
    db = corpus.db
    with db.registered("_groups", groups):
        sizes = db.df(f"SELECT gid, count(*)::BIGINT AS n FROM tokens JOIN _groups USING (doc) WHERE {counted} GROUP BY gid")
        counts = db.df(f"""
            WITH g AS (SELECT gid, token, count(*)::BIGINT AS a FROM tokens JOIN _groups USING (doc)
                       WHERE {kept} GROUP BY gid, token),
            tot AS (SELECT token, sum(a)::BIGINT AS f FROM g GROUP BY token),
            prior AS (SELECT token, count(*)::BIGINT AS p FROM tokens JOIN _groups USING (doc)
                      WHERE {counted} GROUP BY token)
            SELECT g.gid, g.token AS term, g.a, tot.f - g.a AS b, prior.p
            FROM g JOIN tot USING (token) JOIN prior USING (token) WHERE tot.f >= {max(int(min_count), 1)}""")
    n_of = dict(zip(sizes["gid"], sizes["n"], strict=True))
    big_n = int(sum(n_of.values()))
    frames = []
    for gid, part in counts.groupby("gid", sort=True):
        c = int(n_of.get(gid, 0))
        d = big_n - c
        if c == 0 or d == 0:
            continue
        frame = _keyness_frame(part.reset_index(drop=True), c, d, big_n, measure, p_values=False)
        frame = frame[frame["statistic"] > 0]
        frame = frame.sort_values(["statistic", "term"], ascending=[False, True], kind="mergesort").head(top)
        frame = _fill_p_values(frame, c, d)
        frame.insert(0, "_gid", int(str(gid)))
        frames.append(frame)
    cols = [*KEYNESS_COLUMNS, *(["g2"] if measure == "g2" else [])]
    if frames:
        out = pd.concat(frames, ignore_index=True)
        group_values = _group_column(order, out["_gid"])
        out = out.drop(columns="_gid")[cols]
        out.insert(0, by, group_values.to_numpy())
    else:
        out = pd.DataFrame({by: pd.Series([], dtype=object), **{c: pd.Series([], dtype="float64") for c in cols}})
    out.attrs.update({"groups": list(order), "missing": missing, "by": by, "measure": measure})
    return out


# ---------------------------------------------------------------------------------------------
# Character-level counts: trend and first appearance


def _term_list(terms: str | Sequence[str]) -> list[str]:
    wanted = [terms] if isinstance(terms, str) else [str(t) for t in terms]
    wanted = list(dict.fromkeys(t.strip() for t in wanted if t and t.strip()))
    if not wanted:
        raise QueryError("没有给出词语 / no terms given: name at least one, e.g. 高质量发展")
    return wanted


def _char_counts(
    corpus: Corpus, terms: list[str], *, regex: bool, include_title: bool
) -> pd.DataFrame:
    """``(doc, term_id, count)``: occurrences of each term in each document's headings and
    paragraphs (and title lines with ``include_title``), found in the simplified text as KWIC
    finds them (non-overlapping, left to right)."""
    if regex:
        for t in terms:
            try:
                re.compile(t)
            except re.error as exc:
                raise QueryError(f"无效的正则表达式「{t}」 / invalid regular expression {t}: {exc}") from None
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


def _token_sizes(corpus: Corpus, kinds: Sequence[str], include_title: bool) -> pd.Series[Any]:
    counted, _ = term_filter(kinds=kinds, stopwords=False, filler=False, pos=None, min_len=1)
    title = "" if include_title else "AND part <> 'title'"
    sizes = corpus.db.df(f"SELECT doc, count(*)::BIGINT AS n FROM tokens WHERE {counted} {title} GROUP BY doc")
    return pd.Series(sizes["n"].to_numpy(dtype=np.int64), index=sizes["doc"].astype(str))


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
    run by DuckDB's RE2 engine). ``rate`` = count / tokens × 1000, where ``tokens`` is the
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
    groups, order, missing = _groups_frame(corpus, by)
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
    groups, order, missing = _groups_frame(corpus, by)
    gid_of = dict(zip(groups["doc"], groups["gid"], strict=True))
    per_doc: dict[tuple[str, str], dict[str, int]] = {}
    if kinds:
        forms = corpus.formulations()
        forms = forms[forms["kind"].isin(list(kinds))]
        summed = forms.groupby(["doc", "kind", "text"], sort=False, as_index=False)["count"].sum()
        for doc, kind, text, c in summed[["doc", "kind", "text", "count"]].itertuples(index=False):
            per_doc.setdefault((str(text), str(kind)), {})[str(doc)] = int(c)
    if terms:
        wanted = _term_list(terms)
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
        lines = [
            f"  {d}  {h.left:>{self.window}} [{h.match}] {h.right}  ({h.section} {h.section_title})"
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


def corpus_kwic(
    corpus: Corpus,
    query: str,
    *,
    window: int = 20,
    sections: str | Sequence[str] | None = None,
    regex: bool = False,
    unit: Literal["char", "token"] = "char",
    include_title: bool = False,
    limit: int | None = None,
) -> CorpusKwicResult:
    """Every occurrence of ``query`` in every document, each hit labelled with its document and
    section, in corpus order.

    The options are those of :func:`studykit.kwic`; ``sections`` names labels looked up in each
    document (documents without them contribute nothing; naming a label no document has raises
    ``SectionNotFoundError``), and a :meth:`Corpus.select` selection of sections or parts is
    respected. ``limit`` stops after that many hits. Documents are read from their files only
    where the cached text contains the query (for plain queries), so a search over a large corpus
    parses few documents.

    >>> sk.kwic(corpus, "新质生产力", window=10).to_frame()[["doc", "left", "match", "right"]]  # doctest: +SKIP
    """
    if not query or not query.strip():
        raise QueryError("查询为空 / empty query: give a word, phrase or pattern such as 党建")
    if limit is not None and limit < 0:
        raise QueryError(f"limit must be 0 or more, not {limit}")
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
    for doc in candidates:
        source: Any = corpus.document(doc) if unit == "char" else _doc_tokens(corpus, doc)
        try:
            found_hits = kwic(source, query, window=window, sections=sections, regex=regex, unit=unit,
                              include_title=include_title)
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
    return CorpusKwicResult(tuple(hits), query, unit, window, tuple(docs), fields, tuple(values))


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

