"""Helpers and output schemas shared by the analyses of the token table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from studykit.errors import QueryError

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

GroupBy = Literal["section", "subsection", "paragraph"]
Measure = Literal["g2", "log_ratio", "log_odds", "conservative_log_ratio"]
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

_TF_COLUMNS: Mapping[str, str] = MappingProxyType({
    "term": "str", "count": "int64", "rate": "float64", "range": "int64", "dp": "float64",
    "juilland_d": "float64",
})
_NGRAM_COLUMNS: Mapping[str, str] = MappingProxyType(
    {"ngram": "str", "tokens": "object", "count": "int64", "range": "int64"}
)
_PHRASE_COLUMNS: Mapping[str, str] = MappingProxyType({
    "phrase": "str", "tokens": "object", "n": "int64", "count": "int64", "range": "int64",
})
_KEYNESS_COLUMNS: Mapping[str, str] = MappingProxyType({
    "term": "str", "target_count": "int64", "reference_count": "int64",
    "target_rate": "float64", "reference_rate": "float64", "statistic": "float64",
    "effect": "float64", "log_ratio_low": "float64", "log_ratio_high": "float64",
    "conservative_log_ratio": "float64", "p_value": "float64", "test": "str",
    "p_adjusted": "float64", "significant": "bool",
})
_COLLOCATION_COLUMNS: Mapping[str, str] = MappingProxyType({
    "collocate": "str", "count": "int64", "collocate_count": "int64", "expected": "float64",
    "association": "str", "pmi": "float64", "g2": "float64", "log_dice": "float64",
    "delta_p": "float64", "delta_p_reverse": "float64",
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
            "make one with studykit.text.tokens.tokenize(document)"
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
            raise QueryError("表中没有词性列 / the table has no 'pos' column: tokenize with POS tags to use pos=")
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


def _dispersions(
    term_codes: IntArray, section_codes: IntArray, counted_sections: IntArray, n_terms: int
) -> tuple[FloatArray, FloatArray]:
    """Gries' DP (normalised) and Juilland's D of every term over the top-level sections.

    ``term_codes``/``section_codes`` are the kept rows; ``counted_sections`` the section codes of
    every counted row (the part sizes). Title rows (code -1) belong to no part. Only the
    (term, section) pairs that occur are visited, so the cost is linear in the table however
    many sections there are. A term with no occurrence in a section part gets NaN; with fewer
    than two parts both measures are NaN.
    """
    sizes_all = counted_sections[counted_sections >= 0]
    if len(sizes_all) == 0:
        nan = np.full(n_terms, np.nan)
        return nan, nan.copy()
    sizes = np.bincount(sizes_all, minlength=int(sizes_all.max()) + 1).astype(np.float64)
    return _dispersion_by_parts(term_codes, section_codes, sizes, n_terms)


def _dispersion_by_parts(
    term_codes: IntArray, part_codes: IntArray, sizes: FloatArray, n_terms: int
) -> tuple[FloatArray, FloatArray]:
    """DP (normalised) and Juilland's D from occurrences (term, part) and the parts' sizes."""
    nan = np.full(n_terms, np.nan)
    section_codes = part_codes
    n_parts = len(sizes)
    present = sizes > 0
    k = int(present.sum())
    if k < 2:
        return nan, nan.copy()
    share = sizes / sizes.sum()
    ok = section_codes >= 0
    pair, freq = np.unique(term_codes[ok] * n_parts + section_codes[ok], return_counts=True)
    t, part = pair // n_parts, pair % n_parts
    total = np.bincount(t, weights=freq, minlength=n_terms)
    v = freq / total[t]
    s = share[part]
    # DP = ½ Σ_i |v_i − s_i|; parts without the term add s_i, i.e. 1 − Σ_{occurring} s_i.
    dp = 0.5 * (np.bincount(t, weights=np.abs(v - s), minlength=n_terms)
                + 1.0 - np.bincount(t, weights=s, minlength=n_terms))
    dp_norm = dp / (1.0 - share[present].min())
    # Juilland's D over the relative frequencies p_i = f_i / size_i of the k parts.
    p = freq / sizes[part]
    mean = np.bincount(t, weights=p, minlength=n_terms) / k
    var = np.maximum(np.bincount(t, weights=p * p, minlength=n_terms) / k - mean**2, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = 1.0 - (np.sqrt(var) / mean) / np.sqrt(k - 1)
    seen = total > 0
    return np.where(seen, np.clip(dp_norm, 0.0, 1.0), np.nan), np.where(seen, d, np.nan)


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
        raise QueryError(f"未知的 {name} / unknown {name} {value!r}: use one of {', '.join(map(repr, allowed))}")


def _xlogx_ratio(observed: FloatArray, expected: FloatArray) -> FloatArray:
    """``O · ln(O / E)`` with ``0 · ln 0 = 0``."""
    out = np.zeros_like(observed, dtype=np.float64)
    pos = observed > 0
    out[pos] = observed[pos] * np.log(observed[pos] / expected[pos])
    return out


