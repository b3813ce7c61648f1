"""Vocabulary that keeps up: dictionary entries proposed from a document's own text.

The segmenter's dictionary always lags behind policy language (新质生产力, 两重, 千万工程 …). A term
it does not know is cut into pieces, and every count, keyness score and collocation then sees the
pieces. :func:`suggest_terms` finds such terms in a token table, ranked, for the reader to accept::

    table = sk.tokenize(doc)
    sk.suggest_terms(table).head(10)
    seg = sk.JiebaSegmenter(user_words=["数实融合", "投资于人"])   # accept some, then tokenize again
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from studykit.errors import QueryError

from ._options import Count, Real, checked
from ._table import _check_table

SUGGESTION_COLUMNS = ("term", "count", "quoted", "tokens", "cohesion", "score")

_QUOTE_OPEN = frozenset("“「『\"")
_QUOTE_CLOSE = frozenset("”」』\"")
_LABEL_CHARS = frozenset("+＋-－·")
_FUNCTION_TAGS = frozenset("pcurmqyeo")  # prepositions, conjunctions, particles, pronouns …


@runtime_checkable
class _HasTokens(Protocol):
    def tokens(self) -> pd.DataFrame: ...


def _table_of(source: pd.DataFrame | Any) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    if isinstance(source, _HasTokens) or callable(getattr(source, "tokens", None)):
        table = source.tokens()
        if isinstance(table, pd.DataFrame):
            return table
    raise QueryError(
        f"无法读取词表 / cannot read tokens from {type(source).__name__}: pass a token table "
        "(studykit.tokenize(doc)) or a corpus with a .tokens() method"
    )


def _unit_keys(table: pd.DataFrame) -> np.ndarray:
    """One key per row: rows with equal keys are in the same sentence of the same document."""
    sentence = table["sentence"].to_numpy(dtype=np.int64)
    if "doc" in table.columns:
        doc, _ = pd.factorize(table["doc"])
        keys: np.ndarray = np.asarray(doc, dtype=np.int64) * (int(sentence.max(initial=0)) + 1)
        return np.asarray(keys + sentence, dtype=np.int64)
    return np.asarray(sentence, dtype=np.int64)


@checked(min_count=Count(minimum=1), max_chars=Count(minimum=2), top=Count(none=True),
         min_cohesion=Real(0.0, 1.0, closed=True))
def suggest_terms(
    source: pd.DataFrame | Any,
    *,
    min_count: int = 2,
    max_chars: int = 8,
    min_cohesion: float = 0.5,
    top: int | None = 50,
) -> pd.DataFrame:
    """Proposed dictionary entries: terms the segmenter cuts into pieces, ranked.

    ``source`` is a token table, or anything with a ``.tokens()`` method returning one (a
    corpus; rows of different documents, column ``doc``, are never joined). Two kinds of
    evidence are collected, over runs of 2–4 adjacent Han tokens inside one sentence with nothing
    between them (no space, no punctuation), of at most ``max_chars`` characters, that contain no
    stopword (except a one-character one that makes a dictionary word with its neighbour:
    统一|大|市场, 可|支配|收入), neither start nor end inside a longer word of the dictionary or on
    a stray character (可|支配收入, 二十|届历次), span no clause (a verb after a noun: 人民政协|得到,
    政府|提供有益) and are no word of the dictionary already:

    - **quoted labels**: the whole content of a pair of quotation marks that the segmenter split
      (“两重” → 两/重, “数实融合” → 数实/融合); ``+`` and digits may join the pieces (“1+10+N”);
    - **repeated phrases**: a run that occurs at least ``min_count`` times *and* holds together:
      ``cohesion`` = count / the count of its rarest piece, the share of that piece's
      occurrences that fall inside the phrase (a lexical-cohesion filter in the spirit of the
      "minimum sensitivity" of Pedersen 1998 and of Justeson & Katz 1995's repeated noun
      phrases). 低空+经济 in a report that never says 经济 otherwise has cohesion 1; 推进+经济 does
      not.

    A phrase that is also contained in a longer proposal with the same count is left out (the
    longer one is the term). Columns: ``term`` (the pieces joined), ``count`` (occurrences),
    ``quoted`` (how many of them were quoted), ``tokens`` (the pieces, a tuple), ``cohesion``,
    ``score`` = count × cohesion, doubled when the term was ever quoted (a quoted label is a
    label by the author's own marking). Sorted by score, then count, then term; ``top`` keeps
    that many (None: all). Nothing is added anywhere: pass the terms you accept to
    ``JiebaSegmenter(user_words=[...])``.

    >>> from studykit import load, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> suggest_terms(table, top=3)[["term", "count", "quoted", "cohesion"]]
        term  count  quoted  cohesion
    0  南宁市政协      4       0       1.0
    1   深度融合      3       0       1.0
    2   同向发力      2       0       1.0
    """
    table = _table_of(source)
    if len(table) == 0:
        return _empty()
    _check_table(table, ["sentence", "start", "end"])
    tokens = table["token"].astype(str).to_numpy(dtype=object)
    kind = table["kind"].astype(str).to_numpy(dtype=object)
    stop = table["is_stopword"].to_numpy(dtype=bool)
    if "is_filler" in table.columns:
        stop = stop | table["is_filler"].to_numpy(dtype=bool)
    if "pos" in table.columns:
        pos = table["pos"].astype(str).to_numpy(dtype=object)
    else:
        pos = np.array([_tags().get(t, "x") for t in tokens], dtype=object)
    function = np.array([p[:1] in _FUNCTION_TAGS for p in pos], dtype=bool)
    stop = stop | function
    first_ok = np.array([p != "v" for p in pos], dtype=bool)  # 成为|坚持: a predicate
    starts = table["start"].to_numpy(dtype=np.int64)
    ends = table["end"].to_numpy(dtype=np.int64)
    units = _unit_keys(table)
    n = len(tokens)
    han = kind == "han"
    # link[i]: rows i and i+1 touch (no gap) inside one sentence.
    link = np.zeros(max(n - 1, 0), dtype=bool)
    if n > 1:
        link = (units[1:] == units[:-1]) & (starts[1:] == ends[:-1])
    piece_count = Counter(tokens[han].tolist())
    start_ok, end_ok, inner_ok, clause = _boundaries(tokens, pos, han, stop, link)
    # a one-character edge that joins the run opens it whatever its own tag (可|支配收入)
    first_ok |= start_ok & np.array([len(t) == 1 for t in tokens], dtype=bool)
    known = _tags()

    phrases: Counter[tuple[str, ...]] = Counter()
    for size in (2, 3, 4):
        if n < size:
            break
        last = size - 1
        good = start_ok[: n - last] & first_ok[: n - last] & end_ok[last:]
        for k in range(1, size):
            good &= link[k - 1 : n - size + k] & ~clause[k : n - last + k]
            if k < last:
                good &= inner_ok[k : n - last + k]
        for i in np.flatnonzero(good).tolist():
            gram = tuple(tokens[i : i + size])
            if sum(map(len, gram)) <= max_chars and "".join(gram) not in known:
                phrases[gram] += 1  # a word the dictionary has is no new term (更|多)

    quoted = _quoted_labels(tokens, kind, link, max_chars)
    rows = []
    for gram in phrases.keys() | quoted.keys():
        q = quoted.get(gram, 0)
        count = max(phrases.get(gram, 0), q)  # a quoted run is also counted as a phrase
        if q == 0 and count < min_count:
            continue
        rarest = min(piece_count.get(p, 0) for p in gram if p in piece_count) if any(
            p in piece_count for p in gram) else count
        cohesion = min(1.0, count / max(rarest, 1))
        if q == 0 and cohesion < min_cohesion:
            continue
        score = count * cohesion * (2.0 if q else 1.0)
        rows.append(("".join(gram), count, q, gram, cohesion, score))
    out = pd.DataFrame(rows, columns=list(SUGGESTION_COLUMNS))
    if out.empty:
        return _empty()
    out = _drop_subsumed(out)
    out = out.sort_values(["score", "count", "term"], ascending=[False, False, True], kind="mergesort")
    out = out.reset_index(drop=True)
    out["count"] = out["count"].astype(np.int64)
    out["quoted"] = out["quoted"].astype(np.int64)
    return out.head(top) if top is not None else out


def _tags() -> dict[str, str]:
    """jieba's dictionary, word → part of speech (read once per process)."""
    from studykit.text.segment import _jieba_tag_table

    return _jieba_tag_table()


_NOUN_TAGS = ("n", "nr", "ns", "nt", "nz", "j")


def _boundaries(
    tokens: np.ndarray, pos: np.ndarray, han: np.ndarray, stop: np.ndarray, link: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where a candidate may start, end and pass through, and where a clause begins.

    A candidate is a term, so it neither starts nor ends inside a longer word of the dictionary
    (可|支配收入: 可支配; 中国|特色社会主义思想: 中国特色; 全国统一|大市场: 一大) nor on a single
    character that belongs to no side for sure (二十|届历次, 和|美乡村): a one-character edge
    token must make a longer dictionary word with the token inside the run than with the one
    outside (人均|可|支配: 可支配 beats 均可). Inside a run a one-character stopword may stand when
    it makes a dictionary word with a neighbour (统一|大|市场), so 统一大市场 and 可支配收入 are
    considered. A verb right after a noun starts a clause (人民政协|得到, 政府|提供有益), which no
    term spans."""
    n = len(tokens)
    words = _tags()
    ok = han & ~stop
    before = np.zeros(n, dtype=bool)  # touches a Han token on its left
    if n > 1:
        before[1:] = link & han[:-1]

    def straddle(left: str, right: str) -> int:
        """The longest dictionary word made of the end of ``left`` and the start of ``right``
        (0: none); two characters count only when one side is a single character."""
        best = 0
        for x in (1, 2):
            for y in (1, 2, 3):
                word = left[-x:] + right[:y]
                if x <= len(left) and y <= len(right) and len(word) > best and word in words:
                    best = len(word)
        return best if best >= 3 or (best == 2 and min(len(left), len(right)) == 1) else 0

    # joined[i]: the word tokens i-1 and i make across their boundary (0: none or no contact)
    joined = np.zeros(n + 1, dtype=np.int64)
    for i in np.flatnonzero(before).tolist():
        joined[i] = straddle(tokens[i - 1], tokens[i])
    start_ok = ok & (joined[:n] == 0)
    end_ok = ok & (joined[1:] == 0)
    inner_ok = ok.copy()
    single = np.array([len(t) == 1 for t in tokens], dtype=bool) & han
    for i in np.flatnonzero(single).tolist():
        left, right = int(joined[i]), int(joined[i + 1])
        # a stopword edge only inside a word of three characters or more (可支配, not 五年|来)
        start_ok[i] = right > left and (ok[i] or right >= 3)
        end_ok[i] = left > right and (ok[i] or left >= 3)
        inner_ok[i] = ok[i] or left > 0 or right > 0
    clause = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(before).tolist():
        if pos[i] == "v" and pos[i - 1] in _NOUN_TAGS:
            clause[i] = True
    return start_ok, end_ok, inner_ok, clause


def _quoted_labels(
    tokens: np.ndarray, kind: np.ndarray, link: np.ndarray, max_chars: int
) -> Counter[tuple[str, ...]]:
    """Token runs that are the whole content of a pair of quotation marks, split in two or more."""
    out: Counter[tuple[str, ...]] = Counter()
    n = len(tokens)
    i = 0
    while i < n:
        if tokens[i] in _QUOTE_OPEN:
            j = i + 1
            while j < n and tokens[j] not in _QUOTE_CLOSE and j - i <= 6:
                j += 1
            inside = list(range(i + 1, j))
            if (
                j < n and tokens[j] in _QUOTE_CLOSE and len(inside) >= 2
                and all(kind[k] in ("han", "number", "latin") or tokens[k] in _LABEL_CHARS
                        for k in inside)
                and all(link[k] for k in range(i + 1, j - 1))
                and any(kind[k] == "han" or tokens[k] in _LABEL_CHARS for k in inside)
                and sum(len(tokens[k]) for k in inside) <= max_chars
            ):
                out[tuple(tokens[k] for k in inside)] += 1
            i = j
        i += 1
    return out


def _drop_subsumed(frame: pd.DataFrame) -> pd.DataFrame:
    """Leave out a proposal contained in a longer one that occurs as often. Each term is short
    (at most ``max_chars``), so its substrings are enumerated rather than every pair compared."""
    count_of = dict(zip(frame["term"], frame["count"], strict=True))
    dropped: set[str] = set()
    for term, count in count_of.items():
        for size in range(2, len(term)):
            for i in range(len(term) - size + 1):
                part = term[i : i + size]
                if count_of.get(part, -1) <= count and part in count_of:
                    dropped.add(part)
    return frame[~frame["term"].isin(dropped)]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "term": pd.Series([], dtype="str"), "count": pd.Series([], dtype="int64"),
        "quoted": pd.Series([], dtype="int64"), "tokens": pd.Series([], dtype=object),
        "cohesion": pd.Series([], dtype="float64"), "score": pd.Series([], dtype="float64"),
    })
