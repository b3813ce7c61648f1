"""Frequencies, n-grams, repeated phrases and keywords on the token table.

Conventions shared by every analysis are in :mod:`studykit.analysis`.
"""


from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from studykit.document.model import Document
from studykit.errors import QueryError

if TYPE_CHECKING:
    from studykit.text.segment import JiebaSegmenter

from ._options import Count, Names, checked
from ._table import (
    _GROUP_COLUMN,
    _KEYWORD_COLUMNS,
    _NGRAM_COLUMNS,
    _PHRASE_COLUMNS,
    _TF_COLUMNS,
    DEFAULT_KINDS,
    TEXTRANK_POS,
    BoolArray,
    GroupBy,
    IntArray,
    KeywordMethod,
    Unit,
    _check_table,
    _codes,
    _counted,
    _dispersions,
    _empty,
    _kept,
    _literal,
    _positions,
    _range,
    _sections_of,
    _sort,
    _units,
)

# ---------------------------------------------------------------------------------------------
# Frequencies


@checked(top=Count(none=True), min_len=Count(minimum=1), pos=Names(), kinds=Names(none=False))
def term_frequencies(
    table: pd.DataFrame,
    *,
    by: GroupBy | None = None,
    top: int | None = None,
    min_len: int = 1,
    pos: Sequence[str] | str | None = None,
    stopwords: bool = True,
    filler: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> pd.DataFrame:
    """How often each term occurs, in the whole table or per section or paragraph.

    Options: ``stopwords=True`` drops stopwords; ``filler=True`` drops political filler (kept by
    default); ``pos`` keeps tags starting with the given prefixes (名词 ≈ ``["n", "vn", "j"]``,
    动词 ≈ ``["v"]``, which also keeps vn and vd); ``min_len`` is the shortest term in characters
    (1 keeps single characters such as 党); ``kinds`` are the token kinds counted.

    Columns: ``term``; ``count``; ``rate`` = count / N × 1000, where N is the number of tokens of
    the counted ``kinds`` in the same group *before* the stopword, filler, POS and length filters
    (a relative frequency per 1,000 tokens; Biber, Conrad & Reppen 1998, *Corpus Linguistics*,
    ch. 9, on normalised frequencies); ``range`` = the number of top-level sections of the whole
    table the term occurs in (a simple dispersion measure; Gries 2008, "Dispersions and adjusted
    frequencies in corpora", *IJCL* 13(4)). Range saturates quickly (a report's frequent terms
    are in every section), so two graded dispersion measures over the same top-level sections
    (the parts; title tokens belong to none) follow, with s_i = part i's share of the counted
    tokens and v_i = the share of the term's occurrences that fall in part i:

    - ``dp``: Gries' deviation of proportions, DP = ½ Σ|v_i − s_i|, normalised by 1 − min s_i
      (Gries 2008; Lijffijt & Gries 2012, "Correction to Stefan Th. Gries' 'Dispersions and
      adjusted frequencies in corpora'", *IJCL* 17(1)): 0 = spread exactly like the text,
      1 = all in the smallest part. Lower is more even.
    - ``juilland_d``: Juilland's D = 1 − V/√(n−1), V the coefficient of variation (population
      SD / mean) of the term's relative frequencies f_i/size_i over the n parts (Juilland &
      Chang-Rodríguez 1964; Gries 2008): 1 = perfectly even, 0 = all in one part. Higher is
      more even.

    Both are NaN when the table has fewer than two parts or the term occurs only in the title.
    Rows are sorted by count (descending), then term.

    With ``by``, the result is long: the group column comes first, named after ``by``:
    ``section`` (the top-level path, column ``top``), ``subsection`` (the full path, column
    ``section``) or ``paragraph`` (the paragraph number). Groups are in document order and
    ``top`` applies within each group. Title tokens form the group ``""`` and, with
    ``by="paragraph"``, title and heading tokens the group ``-1``, so the groups' counts add up
    to the whole table's; leave them out with ``select(table, parts=("body", "lead"))``.

    >>> from studykit import load, select, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> term_frequencies(table, top=3).round(3)
      term  count    rate  range     dp  juilland_d
    0   工作     37  30.478      5  0.129       0.874
    1   政协     33  27.183      4  0.111       0.724
    2   履职     23  18.946      4  0.276       0.538
    >>> body = select(table, parts=("body", "lead"))
    >>> term_frequencies(body, by="section", top=1)[["section", "term", "count", "dp"]].round(3)
      section  term  count     dp
    0       0    重要      3  0.467
    1       一  人民政协      6  0.583
    2       二    工作      7  0.147
    3       三    政协     11  0.090
    4       四    工作     13  0.147
    """
    if hasattr(table, "_studykit_corpus"):  # a Corpus: counts across its documents (studykit.corpus)
        return cast(pd.DataFrame, getattr(table, "term_frequencies")(  # noqa: B009
            by=by, top=top, min_len=min_len, pos=pos, stopwords=stopwords, filler=filler, kinds=kinds))
    _literal("by", by, (None, "section", "subsection", "paragraph"))
    group_col = _GROUP_COLUMN[by] if by is not None else None
    columns = dict(_TF_COLUMNS)
    if by is not None:
        columns = {by: "int64" if by == "paragraph" else "str", **columns}
    if len(table) == 0:
        return _empty(columns)
    _check_table(table, [group_col] if group_col else [])

    codes, uniques = _codes(table["token"])
    counted = _counted(table, kinds)
    keep = _kept(
        table, counted, stopwords=stopwords, filler=filler, pos=pos, min_len=min_len,
        codes=codes, uniques=uniques,
    )
    n_terms = len(uniques)
    sections = _sections_of(table)
    ranges = _range(codes[keep], sections[keep], n_terms)
    dp, juilland = _dispersions(codes[keep], sections[keep], sections[counted], n_terms)

    if by is None or group_col is None:
        counts = np.bincount(codes[keep], minlength=n_terms)
        present = np.flatnonzero(counts)
        denom = max(int(counted.sum()), 1)
        out = pd.DataFrame(
            {
                "term": pd.Series(uniques[present], dtype="str"),
                "count": counts[present].astype(np.int64),
                "rate": counts[present] / denom * 1000.0,
                "range": ranges[present],
                "dp": dp[present],
                "juilland_d": juilland[present],
            }
        )
        out = _sort(out, ["count", "term"], [False, True])
        return out.head(top) if top is not None else out

    gcodes, groups = _codes(table[group_col])  # first appearance = document order
    sizes = np.bincount(gcodes[counted], minlength=len(groups))
    key = gcodes[keep] * n_terms + codes[keep]
    pair, counts = np.unique(key, return_counts=True)
    g, t = pair // n_terms, pair % n_terms
    out = pd.DataFrame(
        {
            "_order": g,
            by: groups[g],
            "term": pd.Series(uniques[t], dtype="str"),
            "count": counts.astype(np.int64),
            "rate": counts / np.maximum(sizes[g], 1) * 1000.0,
            "range": ranges[t],
            "dp": dp[t],
            "juilland_d": juilland[t],
        }
    )
    out[by] = out[by].astype("int64" if by == "paragraph" else "str")
    out = _sort(out, ["_order", "count", "term"], [True, False, True])
    if top is not None:
        out = out[out.groupby("_order").cumcount() < top]
    return out.drop(columns="_order").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# N-grams and repeated phrases


def _links(table: pd.DataFrame, within: Unit) -> BoolArray:
    """``links[i]``: rows i and i+1 are neighbouring non-punctuation tokens of the same unit."""
    n = len(table)
    if n < 2:
        return np.zeros(max(n - 1, 0), dtype=bool)
    word = table["kind"].to_numpy() != "punct"
    units = _units(table, within)
    positions = _positions(table)
    return cast(
        BoolArray,
        word[:-1] & word[1:] & (units[:-1] == units[1:]) & (np.diff(positions) == 1),
    )


def _gram_counts(
    codes: IntArray, links: BoolArray, n: int, start_ok: BoolArray | None = None
) -> tuple[IntArray, IntArray, IntArray]:
    """Count n-grams: returns (gram id per valid start, start rows, count per gram id)."""
    total = len(codes)
    if total < n:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    run = np.concatenate([[0], np.cumsum(links, dtype=np.int64)])
    starts = np.arange(total - n + 1, dtype=np.int64)
    valid = run[starts + n - 1] - run[starts] == n - 1
    if start_ok is not None:
        valid &= start_ok[: total - n + 1]
    starts = starts[valid]
    width = int(codes.max()) + 1 if total else 1
    key = codes[starts]
    for k in range(1, n):
        # Re-factorise after each step so the combined key never overflows int64.
        key, _ = pd.factorize(key * width + codes[starts + k])
        key = key.astype(np.int64, copy=False)
    counts = np.bincount(key).astype(np.int64) if len(key) else np.zeros(0, dtype=np.int64)
    return key, starts, counts


def _gram_frame(
    tokens: npt.NDArray[Any],
    key: IntArray,
    starts: IntArray,
    counts: IntArray,
    sections: IntArray,
    n: int,
    min_count: int,
) -> pd.DataFrame:
    """One row per gram with ``count >= min_count``: tokens, count, range."""
    wanted = np.flatnonzero(counts >= min_count)
    if len(wanted) == 0:
        return pd.DataFrame({"tokens": [], "count": [], "range": []})
    first = _first_start(key, starts)
    ranges = _range(key, sections[starts], len(counts))
    grams = [tuple(tokens[s : s + n]) for s in first[wanted]]
    return pd.DataFrame({"tokens": grams, "count": counts[wanted], "range": ranges[wanted]})


@checked(
    n=Count(minimum=2, maximum=4, hint="use repeated_phrases for longer sequences"),
    min_count=Count(minimum=1),
)
def ngrams(
    table: pd.DataFrame,
    n: int = 2,
    *,
    min_count: int = 2,
    stopwords: bool = True,
    within: Unit = "sentence",
) -> pd.DataFrame:
    """Sequences of ``n`` consecutive tokens (2 ≤ n ≤ 4) and how often they occur.

    A gram never crosses a sentence boundary (or a paragraph boundary with
    ``within="paragraph"``), never contains punctuation (a comma or 、 breaks it), and never
    spans rows that were not next to each other in the document. Numbers and Latin words can be
    part of a gram. ``stopwords=True`` drops grams that *begin or end* with a stopword (的 …, 和 …);
    a stopword inside a gram is kept, as in 坚持/和/加强.

    Columns: ``ngram`` (the tokens joined without spaces, as Chinese is written), ``tokens`` (the
    tuple of tokens), ``count`` (occurrences, ``>= min_count``), ``range`` (top-level sections
    it occurs in). Sorted by count (descending), then ngram. Counting contiguous n-grams is the
    "lexical bundles" method of Biber, Johansson, Leech, Conrad & Finegan 1999, *Longman Grammar
    of Spoken and Written English*, ch. 13.

    >>> from studykit import load, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> ngrams(table, 2).head(2)
      ngram    tokens  count  range
    0  履职工作  (履职, 工作)      5      3
    1  政协工作  (政协, 工作)      5      3
    """
    if not 2 <= n <= 4:
        raise QueryError(f"n 只能是 2、3 或 4 / n must be 2, 3 or 4, not {n}: use repeated_phrases for longer sequences")
    _literal("within", within, ("sentence", "paragraph"))
    if len(table) == 0:
        return _empty(_NGRAM_COLUMNS)
    _check_table(table, ["sentence", "paragraph"])
    codes, _ = _codes(table["token"])
    tokens = table["token"].to_numpy(dtype=object)
    links = _links(table, within)
    start_ok = _edge_ok(table, codes, n) if stopwords else None
    key, starts, counts = _gram_counts(codes, links, n, start_ok)
    frame = _gram_frame(tokens, key, starts, counts, _sections_of(table), n, min_count)
    if len(frame) == 0:
        return _empty(_NGRAM_COLUMNS)
    out = pd.DataFrame(
        {
            "ngram": pd.Series(["".join(t) for t in frame["tokens"]], dtype="str"),
            "tokens": frame["tokens"],
            "count": frame["count"].astype(np.int64),
            "range": frame["range"].astype(np.int64),
        }
    )
    return _sort(out, ["count", "ngram"], [False, True])


def _first_start(key: IntArray, starts: IntArray) -> IntArray:
    """The earliest start of every gram id. ``key`` comes from ``pd.factorize`` over ascending
    ``starts``, so ids are numbered in order of first appearance: id k first occurs where the
    running maximum of the ids first reaches k."""
    if len(key) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(len(key), dtype=bool)
    new[0] = True
    new[1:] = key[1:] > np.maximum.accumulate(key)[:-1]
    return starts[new]


def _edge_ok(table: pd.DataFrame, codes: IntArray, n: int) -> BoolArray:
    """Starts whose gram of length n neither begins nor ends with a stopword."""
    stop = table["is_stopword"].to_numpy(dtype=bool)
    ok = ~stop
    ok_end = np.zeros(len(codes), dtype=bool)
    ok_end[: len(codes) - n + 1] = ~stop[n - 1 :]
    return ok & ok_end


@checked(min_n=Count(minimum=2), max_n=Count(minimum=2), min_count=Count(minimum=1))
def repeated_phrases(
    table: pd.DataFrame,
    *,
    min_n: int = 2,
    max_n: int = 6,
    min_count: int = 2,
    stopwords: bool = True,
    within: Unit = "sentence",
) -> pd.DataFrame:
    """Multi-token phrases that recur: the document's stock formulations.

    All n-grams with ``min_n <= n <= max_n`` tokens occurring at least ``min_count`` times (same
    boundary rules as :func:`ngrams`), minus every phrase that is *subsumed*: contained in a
    longer recurring phrase with the same count, so 凝聚/共识 disappears when every occurrence is
    inside 广泛/凝聚/共识. (If a phrase has the same count as a longer one containing it, it also
    has the same count as the one-token extension on that side, so checking n+1-grams suffices.)
    ``stopwords=True`` drops phrases that begin or end with a stopword after subsumption.
    This is the "lexical bundles" / "recurrent word combinations" idea (Biber et al. 1999;
    Altenberg 1998) with the maximal-repeat filter of suffix-array phrase finders (Yamamoto &
    Church 2001, "Using suffix arrays to compute term frequency and document frequency").

    Columns: ``phrase`` (tokens joined without spaces), ``tokens``, ``n`` (number of tokens),
    ``count``, ``range``. Sorted by count (descending), then n (descending), then phrase.

    >>> from studykit import load, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> repeated_phrases(table).head(2)
      phrase       tokens  n  count  range
    0  党建与履职  (党建, 与, 履职)  3      5      2
    1   履职工作     (履职, 工作)  2      5      3
    """
    if not 2 <= min_n <= max_n:
        raise QueryError(f"min_n、max_n 无效 / need 2 <= min_n <= max_n, got min_n={min_n}, max_n={max_n}")
    _literal("within", within, ("sentence", "paragraph"))
    if len(table) == 0:
        return _empty(_PHRASE_COLUMNS)
    _check_table(table, ["sentence", "paragraph"])
    codes, _ = _codes(table["token"])
    tokens = table["token"].to_numpy(dtype=object)
    links = _links(table, within)
    sections = _sections_of(table)
    stop = table["is_stopword"].to_numpy(dtype=bool) if stopwords else np.zeros(len(table), bool)
    total = len(codes)
    # Gram ids per start position for each length; -1 where no gram of that length starts.
    levels: dict[int, tuple[IntArray, IntArray, IntArray]] = {}
    for n in range(min_n, max_n + 2):
        key, starts, counts = _gram_counts(codes, links, n)
        at = np.full(total + 1, -1, dtype=np.int64)
        at[starts] = key
        levels[n] = (at, starts, counts)
        if not (counts >= min_count).any():
            break
    frames: list[pd.DataFrame] = []
    for n in range(min_n, max_n + 1):
        if n not in levels:
            break
        at, starts, counts = levels[n]
        keep = counts >= min_count
        if n + 1 in levels:
            # An (n+1)-gram's prefix starts where it starts, its suffix one token later.
            longer_at, longer_starts, longer_counts = levels[n + 1]
            first = _first_start(longer_at[longer_starts], longer_starts)
            for part in (at[first], at[first + 1]):
                same = counts[part] == longer_counts
                keep[part[same]] = False
        first = _first_start(at[starts], starts)
        keep &= ~stop[first] & ~stop[first + n - 1]
        chosen = np.flatnonzero(keep)
        if len(chosen) == 0:
            continue
        ranges = _range(at[starts], sections[starts], len(counts))
        grams = [tuple(tokens[s : s + n]) for s in first[chosen]]
        frames.append(
            pd.DataFrame(
                {
                    "phrase": pd.Series(["".join(g) for g in grams], dtype="str"),
                    "tokens": pd.Series(grams, dtype=object),
                    "n": np.full(len(chosen), n, dtype=np.int64),
                    "count": counts[chosen],
                    "range": ranges[chosen],
                }
            )
        )
    if not frames:
        return _empty(_PHRASE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return _sort(out, ["count", "n", "phrase"], [False, False, True])


# ---------------------------------------------------------------------------------------------
# Keywords with jieba.analyse


def _body_text(source: pd.DataFrame | Document) -> str:
    if isinstance(source, Document):
        return "\n".join(p.text for p in source.paragraphs)
    if len(source) == 0:
        return ""
    _check_table(source, ["part", "sentence"])
    body = source[source["part"].isin(["body", "lead"]).to_numpy(dtype=bool)]
    if len(body) == 0:
        return ""
    tokens = body["token"].to_numpy(dtype=object)
    sentence = body["sentence"].to_numpy(dtype=np.int64)
    last = np.append(sentence[1:] != sentence[:-1], True)
    pieces = np.where(last, tokens + "\n", tokens)
    return "".join(pieces.tolist())


def _jieba_tokenizers(segmenter: JiebaSegmenter) -> tuple[Any, Any]:
    """The segmenter's private ``jieba.Tokenizer`` and a ``POSTokenizer`` on top of it."""
    return segmenter.jieba_tokenizer(), segmenter.jieba_pos_tokenizer()


@checked(top=Count(none=True), pos=Names())
def keywords(
    source: pd.DataFrame | Document,
    *,
    method: KeywordMethod = "tfidf",
    top: int | None = 20,
    segmenter: JiebaSegmenter | None = None,
    pos: Sequence[str] | None = None,
    stopwords: bool = True,
    filler: bool = False,
) -> pd.DataFrame:
    """Keywords by jieba's TF-IDF or TextRank, run on a *private* jieba tokenizer.

    ``source`` is a token table (its body and lead sentences are joined back into text, one
    sentence a line; titles and headings are left out) or a :class:`~studykit.document.model.Document`
    (its paragraphs). The text is segmented again by ``segmenter`` (a new
    :class:`~studykit.text.segment.JiebaSegmenter` with the jieba backend when None); jieba's global
    default tokenizer is never used or changed.

    - ``tfidf``: weight = tf(w) · idf(w) / Σ tf, with jieba's bundled IDF table (unknown words
      get its median idf) — ``jieba.analyse.TFIDF.extract_tags`` (Sparck Jones 1972, "A
      statistical interpretation of term specificity", *J. Documentation* 28(1)).
    - ``textrank``: PageRank (d = 0.85, 10 iterations) on the graph of words co-occurring within
      5 tokens, weights scaled to (0, 1] — ``jieba.analyse.TextRank`` (Mihalcea & Tarau 2004,
      "TextRank: bringing order into texts", *EMNLP*).

    ``pos`` lists jieba tags to keep, matched *exactly* as jieba does (not as prefixes); the
    default is no filter for tfidf and :data:`TEXTRANK_POS` for textrank, which keeps ``j``,
    ``nz``, ``nt`` and ``vn`` so 政协 and 党建 survive. jieba never returns one-character words
    here; count 党 with :func:`term_frequencies`. ``stopwords=True``/``filler=True`` add the
    segmenter's stopword/filler lists to jieba's own small stop list. Segmenting costs about what
    tokenising did (POS tagging for textrank or a ``pos`` filter is ~6× slower than plain cutting).

    Columns: ``term``, ``weight``; sorted by weight (descending), then term.

    >>> from studykit import load, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> keywords(table, method="textrank", top=2).round(3)
      term  weight
    0   工作   1.000
    1   政协   0.914
    """
    _literal("method", method, ("tfidf", "textrank"))
    text = _body_text(source)
    if not text.strip() or top == 0:
        return _empty(_KEYWORD_COLUMNS)
    if segmenter is None:
        from studykit.text.segment import JiebaSegmenter

        segmenter = JiebaSegmenter(backend="jieba")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SyntaxWarning)
        warnings.filterwarnings("ignore", "invalid escape sequence", DeprecationWarning)
        warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
        warnings.filterwarnings("ignore", category=ResourceWarning)
        import jieba.analyse

        tok, postok = _jieba_tokenizers(segmenter)
        stop: set[str] = set()
        if stopwords:
            stop |= set(segmenter.stopwords)
        if filler:
            stop |= set(segmenter.filler)
        pairs: list[tuple[str, float]]
        if method == "tfidf":
            extractor = jieba.analyse.TFIDF()  # reads jieba's IDF table (~0.4 s)
            extractor.tokenizer = tok
            extractor.postokenizer = postok
            extractor.stop_words = set(extractor.stop_words) | stop
            allow_pos = tuple(pos or ())
            pairs = extractor.extract_tags(text, topK=None, withWeight=True, allowPOS=allow_pos)
        else:
            ranker = jieba.analyse.TextRank()
            ranker.tokenizer = ranker.postokenizer = postok
            ranker.stop_words = set(ranker.stop_words) | stop
            allow = tuple(pos) if pos else TEXTRANK_POS
            ranker.pos_filt = frozenset(allow)
            pairs = ranker.textrank(text, topK=None, withWeight=True, allowPOS=allow)
    if not pairs:
        return _empty(_KEYWORD_COLUMNS)
    out = pd.DataFrame(
        {
            "term": pd.Series([str(w) for w, _ in pairs], dtype="str"),
            "weight": np.array([float(x) for _, x in pairs], dtype=np.float64),
        }
    )
    out = _sort(out, ["weight", "term"], [False, True])
    return out.head(top) if top is not None else out

