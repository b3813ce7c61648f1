"""Counting statistics on the token table: frequencies, n-grams, keyness, similarity, collocations.

Every function here is pure: a token table (from :func:`studykit.tokens.tokenize`, possibly
narrowed by :func:`studykit.tokens.select`) goes in, a :class:`pandas.DataFrame` with documented
columns comes out. Nothing is printed, plotted, written or cached. An empty table gives an empty
frame with the same columns.

Conventions shared by all functions
-----------------------------------
- **Counted tokens.** Only tokens whose ``kind`` is in ``kinds`` (default ``("han", "latin")``)
  are counted; punctuation and numbers are left out. Whitespace is never a token.
- **Filters.** ``stopwords=True`` *drops* stopwords (的, 了, 和 …, column ``is_stopword``);
  ``filler=True`` *drops* political filler (切实, 进一步, 不断 …, column ``is_filler``), which
  is kept by default. ``pos`` keeps tokens whose jieba tag *starts with* one of the given
  prefixes: ``"n"`` keeps n, nr, ns, nt, nz (not vn); ``"v"`` keeps v, vd, vn.
- **Rates** are per 1,000 counted tokens, and the denominator is the number of counted tokens
  *before* stopword, filler, POS and length filters. A term's rate therefore does not change
  when you switch the stopword or filler filters, and rates from different settings compare.
- **range** is the number of top-level sections (column ``top``: ``0`` the preamble, ``一``,
  ``二`` …) a term occurs in; title tokens belong to no section.
- **Sections.** Labels are resolved with :func:`studykit.tokens.resolve_sections`, so ``三``
  covers ``三/一`` and an unknown label raises :class:`~studykit.errors.SectionNotFoundError`
  listing the valid ones.

>>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))        # doctest: +SKIP
>>> term_frequencies(table, pos=["n", "vn", "j"], top=2)            # doctest: +SKIP
  term  count  rate  range
0   工作     37  30.2      5
1   政协     33  26.9      4
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from .errors import QueryError
from .model import Document
from .tokens import resolve_sections
from .zh import simplified_shadow

if TYPE_CHECKING:
    from .segment import JiebaSegmenter

__all__ = [
    "collocations",
    "cooccurrence",
    "keyness",
    "keywords",
    "ngrams",
    "repeated_phrases",
    "section_similarity",
    "term_frequencies",
]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

GroupBy = Literal["section", "subsection", "paragraph"]
Measure = Literal["g2", "log_ratio", "log_odds"]
Unit = Literal["sentence", "paragraph"]
Level = Literal["section", "subsection"]
KeywordMethod = Literal["tfidf", "textrank"]

DEFAULT_KINDS: tuple[str, ...] = ("han", "latin")
"""Token kinds counted by default: Chinese words and Latin/alphanumeric words (APP, 5G)."""

TEXTRANK_POS: tuple[str, ...] = ("n", "nr", "ns", "nt", "nz", "vn", "v", "j")
"""jieba tags kept by :func:`keywords` with ``method="textrank"``. jieba tags 政协 and 党建 as
``j`` (abbreviation), so its own default (n, ns, vn, v) would drop them."""

_REQUIRED = ("token", "kind", "is_stopword", "is_filler")
_GROUP_COLUMN: Mapping[str, str] = MappingProxyType(
    {"section": "top", "subsection": "section", "paragraph": "paragraph"}
)


# ---------------------------------------------------------------------------------------------
# Output schemas (read-only): an empty input still gives these columns with these dtypes.

_TF_COLUMNS: Mapping[str, str] = MappingProxyType(
    {"term": "str", "count": "int64", "rate": "float64", "range": "int64"}
)
_NGRAM_COLUMNS: Mapping[str, str] = MappingProxyType(
    {"ngram": "str", "tokens": "object", "count": "int64", "range": "int64"}
)
_PHRASE_COLUMNS: Mapping[str, str] = MappingProxyType({
    "phrase": "str", "tokens": "object", "n": "int64", "count": "int64", "range": "int64",
})
_KEYNESS_COLUMNS: Mapping[str, str] = MappingProxyType({
    "term": "str", "target_count": "int64", "reference_count": "int64",
    "target_rate": "float64", "reference_rate": "float64", "statistic": "float64",
    "effect": "float64", "p_value": "float64",
})
_COLLOCATION_COLUMNS: Mapping[str, str] = MappingProxyType({
    "collocate": "str", "count": "int64", "collocate_count": "int64",
    "pmi": "float64", "g2": "float64",
})
_COOC_COLUMNS: Mapping[str, str] = MappingProxyType(
    {"term_a": "str", "term_b": "str", "count": "int64"}
)
_KEYWORD_COLUMNS: Mapping[str, str] = MappingProxyType({"term": "str", "weight": "float64"})


def _empty(columns: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=cast(Any, d)) for c, d in columns.items()})


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _check_table(table: pd.DataFrame, extra: Iterable[str] = ()) -> None:
    missing = [c for c in (*_REQUIRED, *extra) if c not in table.columns]
    if missing:
        raise QueryError(
            f"not a token table: column {missing[0]!r} is missing; "
            "make one with studykit.tokens.tokenize(document)"
        )


def _prefixes(pos: Sequence[str] | str | None) -> tuple[str, ...]:
    if pos is None:
        return ()
    return (pos,) if isinstance(pos, str) else tuple(pos)


def _codes(values: pd.Series[Any]) -> tuple[IntArray, npt.NDArray[Any]]:
    """Integer codes (first-appearance order) and the unique values."""
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=object)


def _counted(table: pd.DataFrame, kinds: Sequence[str]) -> BoolArray:
    return cast(BoolArray, table["kind"].isin(list(kinds)).to_numpy(dtype=bool))


def _kept(
    table: pd.DataFrame,
    counted: BoolArray,
    *,
    stopwords: bool,
    filler: bool,
    pos: Sequence[str] | str | None = None,
    min_len: int = 1,
    codes: IntArray | None = None,
    uniques: npt.NDArray[Any] | None = None,
) -> BoolArray:
    """Counted tokens that pass the stopword, filler, POS and length filters."""
    keep = counted.copy()
    if stopwords:
        keep &= ~table["is_stopword"].to_numpy(dtype=bool)
    if filler:
        keep &= ~table["is_filler"].to_numpy(dtype=bool)
    prefixes = _prefixes(pos)
    if prefixes:
        unknown = [p for p in prefixes if not any(tag.startswith(p) for tag in JIEBA_TAGS)]
        if unknown:
            raise QueryError(
                f"未知词性「{unknown[0]}」 / unknown POS tag {unknown[0]!r}: use jieba tag prefixes such as "
                "n (名词), v (动词), vn, j, a, d"
            )
        if "pos" not in table.columns:
            raise QueryError("the table has no 'pos' column: tokenize with POS tags to use pos=")
        pcodes, tags = _codes(table["pos"])
        ok = np.array([isinstance(t, str) and t.startswith(prefixes) for t in tags], dtype=bool)
        keep &= ok[pcodes] if len(tags) else np.zeros(len(table), dtype=bool)
    if min_len > 1:
        if codes is None or uniques is None:
            codes, uniques = _codes(table["token"])
        lengths = np.array([len(u) for u in uniques], dtype=np.int64)
        keep &= lengths[codes] >= min_len if len(uniques) else np.zeros(len(table), dtype=bool)
    return keep


def _sections_of(table: pd.DataFrame) -> IntArray:
    """Codes of the top-level section of every row; -1 for title rows (empty ``top``)."""
    if "top" not in table.columns:
        return np.full(len(table), -1, dtype=np.int64)
    codes, uniques = _codes(table["top"])
    empty = np.array([u == "" for u in uniques], dtype=bool)
    if empty.any():
        codes = np.where(empty[codes], -1, codes)
    return codes


def _range(term_codes: IntArray, section_codes: IntArray, n_terms: int) -> IntArray:
    """Number of distinct (non-title) top-level sections each term occurs in."""
    ok = section_codes >= 0
    width = int(section_codes.max()) + 1 if ok.any() else 1
    pairs = np.unique(term_codes[ok] * width + section_codes[ok])
    return np.bincount(pairs // width, minlength=n_terms).astype(np.int64)


def _units(table: pd.DataFrame, unit: Unit) -> IntArray:
    """Unit number of every row. Title and heading rows (paragraph -1) form one unit per line."""
    sentence = table["sentence"].to_numpy(dtype=np.int64)
    if unit == "sentence":
        return sentence
    paragraph = table["paragraph"].to_numpy(dtype=np.int64)
    return np.where(paragraph >= 0, paragraph, -1 - sentence)


def _positions(table: pd.DataFrame) -> IntArray:
    """Token positions: the table's integer index (kept by ``select``) or, failing that, 0..n-1."""
    index = table.index
    if pd.api.types.is_integer_dtype(index.dtype):
        return np.asarray(index, dtype=np.int64)
    return np.arange(len(table), dtype=np.int64)


def _sort(frame: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    return frame.sort_values(by, ascending=ascending, kind="mergesort").reset_index(drop=True)


JIEBA_TAGS = frozenset(
    ["a", "ad", "ag", "al", "an", "b", "bl", "c", "cc", "d", "df", "dg", "e", "eng", "f", "g", "h", "i", "j", "k", "l", "m", "mg", "mq", "n", "ng", "nl", "nr", "nr1", "nr2", "nrf", "nrfg", "nrj", "nrt", "ns", "nsf", "nt", "nz", "o", "p", "pba", "pbei", "q", "qt", "qv", "r", "rg", "rr", "rz", "rzs", "rzt", "rzv", "ry", "rys", "ryt", "ryv", "s", "t", "tg", "u", "ud", "udeng", "ude1", "ude2", "ude3", "udh", "ug", "uguo", "uj", "ul", "ule", "ulian", "uls", "usuo", "uv", "uyy", "uz", "uzhe", "uzhi", "v", "vd", "vf", "vg", "vi", "vl", "vn", "vq", "vshi", "vx", "vyou", "w", "x", "y", "yg", "z", "zg"]
)
"""POS tags of jieba (ICTCLAS-style); a ``pos=`` prefix must start at least one of them."""


def _literal(name: str, value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed:
        raise QueryError(f"unknown {name} {value!r}: use one of {', '.join(map(repr, allowed))}")


def _xlogx_ratio(observed: FloatArray, expected: FloatArray) -> FloatArray:
    """``O · ln(O / E)`` with ``0 · ln 0 = 0``."""
    out = np.zeros_like(observed, dtype=np.float64)
    pos = observed > 0
    out[pos] = observed[pos] * np.log(observed[pos] / expected[pos])
    return out


# ---------------------------------------------------------------------------------------------
# Frequencies


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
    frequencies in corpora", *IJCL* 13(4)). Rows are sorted by count (descending), then term.

    With ``by``, the result is long: the group column comes first, named after ``by``:
    ``section`` (the top-level path, column ``top``), ``subsection`` (the full path, column
    ``section``) or ``paragraph`` (the paragraph number). Groups are in document order and
    ``top`` applies within each group. Title tokens form the group ``""`` and, with
    ``by="paragraph"``, title and heading tokens the group ``-1``, so the groups' counts add up
    to the whole table's; leave them out with ``select(table, parts=("body", "lead"))``.

    >>> term_frequencies(table, top=2)                 # doctest: +SKIP
      term  count  rate  range
    0   工作     37  30.2      5
    1   政协     33  26.9      4
    >>> body = select(table, parts=("body", "lead"))               # doctest: +SKIP
    >>> term_frequencies(body, by="section", top=1)                # doctest: +SKIP
      section  term  count  rate  range
    0       0    重要      3  65.2      3
    1       一  人民政协      7  31.2      3
    ...
    """
    _literal("by", by, (None, "section", "subsection", "paragraph"))
    if top is not None and top < 0:
        raise QueryError(f"top must be a positive number or None, not {top}")
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
    ranges = _range(codes[keep], _sections_of(table)[keep], n_terms)

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

    >>> ngrams(table, 2).head(1)   # doctest: +SKIP
      ngram    tokens  count  range
    0  履职工作  (履职, 工作)      5      3
    """
    if not 2 <= n <= 4:
        raise QueryError(f"n must be 2, 3 or 4, not {n}: use repeated_phrases for longer sequences")
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

    >>> repeated_phrases(table).head(1)   # doctest: +SKIP
      phrase       tokens  n  count  range
    0  党建与履职  (党建, 与, 履职)  3      5      2
    """
    if not 2 <= min_n <= max_n:
        raise QueryError(f"need 2 <= min_n <= max_n, got min_n={min_n}, max_n={max_n}")
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
    :func:`studykit.tokens.select`). Unknown labels raise ``SectionNotFoundError``; an empty list
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


# ---------------------------------------------------------------------------------------------
# Similarity


def section_similarity(
    table: pd.DataFrame,
    *,
    level: Level = "section",
    stopwords: bool = True,
    filler: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> pd.DataFrame:
    """How alike the sections are in vocabulary: cosine similarity of TF-IDF vectors.

    Each section (``level="section"``: top-level sections, the preamble ``0`` included;
    ``"subsection"``: every section path) is a document. tf = raw count of the term in the
    section; idf = ln((1 + N) / (1 + df)) + 1 with N sections and df the number containing the
    term (the "smooth" idf of scikit-learn's ``TfidfTransformer``; Salton & Buckley 1988, "Term-
    weighting approaches in automatic text retrieval", *IP&M* 24(5)); each vector is
    L2-normalised and the similarity is their dot product (cosine; Manning, Raghavan & Schütze
    2008, *Introduction to Information Retrieval*, §6.3).

    Returns a square frame, index and columns the section paths in document order, values in
    [0, 1], symmetric, diagonal 1. Title tokens belong to no section and are left out. A section
    whose tokens are all filtered away has no vector: its row and column are NaN.

    >>> section_similarity(table).loc["三", "四"].round(3)   # doctest: +SKIP
    0.438
    """
    _literal("level", level, ("section", "subsection"))
    if len(table) == 0:
        return pd.DataFrame(dtype=np.float64)
    column = "top" if level == "section" else "section"
    _check_table(table, [column])
    gcodes, groups = _codes(table[column])
    labelled = np.array([g != "" for g in groups], dtype=bool)
    keep = _kept(table, _counted(table, kinds), stopwords=stopwords, filler=filler)
    keep &= labelled[gcodes] if len(groups) else keep
    order = _document_order([str(g) for g in groups if g != ""], table, level)
    if not order:
        return pd.DataFrame(dtype=np.float64)
    row_of = {g: i for i, g in enumerate(order)}
    remap = np.array([row_of.get(str(g), -1) for g in groups], dtype=np.int64)
    rows = remap[gcodes[keep]]
    codes, _ = _codes(table["token"])
    terms, cols = np.unique(codes[keep], return_inverse=True)
    m, v = len(order), len(terms)
    if v == 0:
        eye = np.full((m, m), np.nan)
        return pd.DataFrame(eye, index=pd.Index(order), columns=pd.Index(order))
    tf = np.zeros((m, v), dtype=np.float64)
    np.add.at(tf, (rows, np.asarray(cols).reshape(-1)), 1.0)
    df = (tf > 0).sum(axis=0)
    idf = np.log((1.0 + m) / (1.0 + df)) + 1.0
    weights = tf * idf
    norms = np.linalg.norm(weights, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = weights / norms[:, None]
    sim = np.clip(unit @ unit.T, 0.0, 1.0)
    has = norms > 0
    sim[~has, :] = np.nan
    sim[:, ~has] = np.nan
    np.fill_diagonal(sim, np.where(has, 1.0, np.nan))
    return pd.DataFrame(sim, index=pd.Index(order), columns=pd.Index(order))


def _document_order(present: list[str], table: pd.DataFrame, level: Level) -> list[str]:
    key = "top_sections" if level == "section" else "sections"
    known = table.attrs.get(key) or []
    listed = [s["path"] if isinstance(s, dict) else str(s) for s in known]
    ordered = [p for p in listed if p in present]
    return ordered + [p for p in present if p not in ordered]


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


def collocations(
    table: pd.DataFrame,
    term: str,
    *,
    window: int = 5,
    min_count: int = 2,
    stopwords: bool = True,
    filler: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
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
    O12 = W − O11, O21 = f − O11, O22 = N' − W − O21.

    - ``pmi`` = log2(O11 / E11), E11 = W·f/N' (pointwise mutual information, Church & Hanks
      1990, "Word association norms, mutual information, and lexicography", *CL* 16(1); with the
      window size in the expectation as in Evert 2008, "Corpora and collocations").
    - ``g2`` = 2 Σ O ln(O/E) over the four cells (log-likelihood, Dunning 1993, "Accurate methods
      for the statistics of surprise and coincidence", *CL* 19(1)). Unsigned; ``pmi < 0`` marks
      a word that appears *less* often near the term than elsewhere.

    Columns: ``collocate``, ``count``, ``collocate_count``, ``pmi``, ``g2``; ``count >=
    min_count``; sorted by g2 (descending), then count, then collocate. A term that does not
    occur gives an empty frame with these columns.

    >>> collocations(table, "政协", window=3).head(1)   # doctest: +SKIP
      collocate  count  collocate_count  pmi     g2
    0       南宁市      4                4  2.7  15.03
    """
    if not term or not term.strip():
        raise QueryError("没有检索词 / empty term: give a word such as 政协")
    if window < 1:
        raise QueryError(f"window must be at least 1, not {window}")
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
    chosen = np.flatnonzero(co >= max(min_count, 1))
    if len(chosen) == 0:
        return _empty(_COLLOCATION_COLUMNS)
    o11 = co[chosen].astype(np.float64)
    f = freq[chosen].astype(np.float64)
    o12 = big_w - o11
    o21 = f - o11
    o22 = n_prime - big_w - o21
    out = pd.DataFrame(
        {
            "collocate": pd.Series(uniques[chosen], dtype="str"),
            "count": co[chosen].astype(np.int64),
            "collocate_count": freq[chosen].astype(np.int64),
            "pmi": np.log2(o11 * n_prime / (big_w * f)),
            "g2": _g2_2x2(o11, o12, o21, o22),
        }
    )
    return _sort(out, ["g2", "count", "collocate"], [False, False, True])


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

    >>> cooccurrence(table, unit="paragraph", top=1)   # doctest: +SKIP
      term_a term_b  count
    0     工作     政协     15
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
    sentence a line; titles and headings are left out) or a :class:`~studykit.model.Document`
    (its paragraphs). The text is segmented again by ``segmenter`` (a new
    :class:`~studykit.segment.JiebaSegmenter` with the jieba backend when None); jieba's global
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

    >>> keywords(table, method="textrank", top=2)   # doctest: +SKIP
      term  weight
    0   工作   1.000
    1   政协   0.914
    """
    _literal("method", method, ("tfidf", "textrank"))
    text = _body_text(source)
    if not text.strip() or top == 0:
        return _empty(_KEYWORD_COLUMNS)
    if segmenter is None:
        from .segment import JiebaSegmenter

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
