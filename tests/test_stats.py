"""Tests for studykit.analysis (frequency, keyness, similarity, association): exact arithmetic on hand-made token tables, then the seed document."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from studykit.analysis.association import collocations, cooccurrence
from studykit.analysis.frequency import keywords, ngrams, repeated_phrases, term_frequencies
from studykit.analysis.keyness import keyness
from studykit.analysis.similarity import section_similarity
from studykit.errors import QueryError, SectionNotFoundError, StudykitError
from studykit.text.tokens import COLUMNS, select

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_1776dd67e002c30c.txt"

STOP = {"的", "和", "与", "了"}
FILLER = {"切实", "进一步"}
PUNCT = set("，。、,:：；“”")
COLLOCATION_COLUMNS = (
    "collocate", "count", "collocate_count", "expected", "association", "pmi", "g2", "log_dice",
    "delta_p", "delta_p_reverse",
)


def _kind(token: str) -> str:
    if all(ch in PUNCT for ch in token):
        return "punct"
    if token.isdigit():
        return "number"
    if token.isascii():
        return "latin"
    return "han"


def make_table(paragraphs: Sequence[tuple[str, str]], *, title: str | None = None) -> pd.DataFrame:
    """A token table following TOKEN_TABLE_SPEC.md, built by hand.

    ``paragraphs`` are ``(section path, text)``; tokens are separated by spaces, ``token/pos``
    sets the POS tag (default ``n``; punctuation gets ``x``), and ``。`` ends a sentence (so does
    the end of a paragraph). ``title`` is tokenised as the title line (section ``""``).
    """
    rows: list[dict[str, Any]] = []
    offset = 0
    sentence = 0

    def add(text: str, part: str, paragraph: int, section: str) -> None:
        nonlocal offset, sentence
        words = text.split()
        for i, word in enumerate(words):
            token, _, pos = word.partition("/")
            kind = _kind(token)
            rows.append(
                {
                    "token": token,
                    "pos": pos or ("x" if kind == "punct" else "n"),
                    "start": offset,
                    "end": offset + len(token),
                    "part": part,
                    "sentence": sentence,
                    "paragraph": paragraph,
                    "section": section,
                    "top": section.split("/")[0],
                    "section_title": "",
                    "is_stopword": token in STOP,
                    "is_filler": token in FILLER,
                    "kind": kind,
                }
            )
            offset += len(token)
            if token == "。" and i < len(words) - 1:
                sentence += 1
        sentence += 1

    if title is not None:
        add(title, "title", -1, "")
    for number, (section, text) in enumerate(paragraphs):
        add(text, "body", number, section)
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in ("start", "end", "sentence", "paragraph"):
        table[col] = table[col].astype("int64")
    table["is_stopword"] = table["is_stopword"].astype(bool)
    table["is_filler"] = table["is_filler"].astype(bool)
    paths = list(dict.fromkeys(section for section, _ in paragraphs))
    table.attrs["document"] = "test"
    table.attrs["sections"] = [
        {"path": p, "top": p.split("/")[0], "label": p.split("/")[-1], "title": "",
         "level": 0 if p == "0" else p.count("/") + 1, "start": 0, "end": 0}
        for p in paths
    ]
    table.attrs["top_sections"] = [p for p in paths if "/" not in p]
    return table


def records(frame: pd.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    return list(frame[list(columns)].itertuples(index=False, name=None))


# ---------------------------------------------------------------------------------------------
# term_frequencies


@pytest.fixture
def small() -> pd.DataFrame:
    return make_table(
        [
            ("一", "政协 党建 的 党 。 切实 加强 党建 ， 2020"),
            ("一/一", "政协 工作 与 履职"),
            ("二", "政协/j 履职/v 工作/vn 的 APP"),
        ],
        title="政协 党建",
    )


def test_counts_rates_and_range(small: pd.DataFrame) -> None:
    tf = term_frequencies(small)
    assert list(tf.columns) == ["term", "count", "rate", "range", "dp", "juilland_d"]
    got = {t: (c, r) for t, c, r in records(tf, "term", "count", "range")}
    # 政协: title + 一 + 一/一 + 二 = 4, in top-level sections 一 and 二 (the title is no section).
    assert got["政协"] == (4, 2)
    assert got["党建"] == (3, 1)
    assert got["党"] == (1, 1)  # a single character counts
    assert got["APP"] == (1, 1)  # latin is counted, 2020 (number) and punctuation are not
    assert "2020" not in got and "，" not in got and "。" not in got
    assert "的" not in got and "与" not in got  # stopwords are dropped by default
    assert got["切实"] == (1, 1)  # filler is kept by default
    # Denominator: han + latin tokens before stopword removal: title 2, 一 7, 一/一 4, 二 5.
    n = 2 + 7 + 4 + 5
    rate = dict(zip(tf["term"], tf["rate"], strict=True))
    assert rate["政协"] == pytest.approx(4 / n * 1000)
    # Sorted by count descending, then term.
    assert list(tf["count"]) == sorted(tf["count"], reverse=True)
    ties = tf[tf["count"] == 1]["term"].tolist()
    assert ties == sorted(ties)


def test_filters(small: pd.DataFrame) -> None:
    with_stop = term_frequencies(small, stopwords=False)
    assert dict(zip(with_stop["term"], with_stop["count"], strict=True))["的"] == 2
    # Switching stopwords or filler off does not change other terms' rates (same denominator).
    a = term_frequencies(small).set_index("term")["rate"]
    b = with_stop.set_index("term")["rate"]
    assert a["政协"] == b["政协"]
    assert "切实" not in set(term_frequencies(small, filler=True)["term"])
    assert "党" not in set(term_frequencies(small, min_len=2)["term"])
    numbers = term_frequencies(small, kinds=("han", "number"))
    assert "2020" in set(numbers["term"]) and "APP" not in set(numbers["term"])
    assert term_frequencies(small, top=2)["term"].tolist() == ["政协", "党建"]


def test_pos_prefixes() -> None:
    table = make_table([("一", "政协/j 人民/n 南宁/ns 工作/vn 履职/v 带头/vd 重大/a")])
    nouns = set(term_frequencies(table, pos="n")["term"])
    assert nouns == {"人民", "南宁"}  # "n" is a prefix: n, ns … but not vn
    assert set(term_frequencies(table, pos=["n", "vn", "j"])["term"]) == {"政协", "人民", "南宁", "工作"}
    assert set(term_frequencies(table, pos=["v"])["term"]) == {"工作", "履职", "带头"}
    assert len(term_frequencies(table, pos=None)) == 7


@pytest.mark.parametrize("by", ["section", "subsection", "paragraph"])
def test_groups_add_up_to_the_whole(small: pd.DataFrame, by: Any) -> None:
    whole = term_frequencies(small).set_index("term")["count"]
    grouped = term_frequencies(small, by=by)
    assert grouped.columns[0] == by
    assert list(grouped.columns[1:]) == ["term", "count", "rate", "range", "dp", "juilland_d"]
    summed = grouped.groupby("term")["count"].sum()
    pd.testing.assert_series_equal(summed.sort_index(), whole.sort_index(), check_names=False)


def test_groups_order_rates_and_top(small: pd.DataFrame) -> None:
    by_section = term_frequencies(small, by="section")
    assert list(dict.fromkeys(by_section["section"])) == ["", "一", "二"]  # document order
    one = by_section[by_section["section"] == "一"].set_index("term")
    # Section 一 (with 一/一): 7 + 4 = 11 han/latin tokens; 政协 twice.
    assert one.loc["政协", "count"] == 2
    assert one.loc["政协", "rate"] == pytest.approx(2 / 11 * 1000)
    sub = term_frequencies(small, by="subsection", top=1)
    assert records(sub, "subsection", "term") == [
        ("", "党建"), ("一", "党建"), ("一/一", "履职"), ("二", "APP"),
    ]
    para = term_frequencies(small, by="paragraph")
    assert para["paragraph"].dtype == np.int64
    assert list(dict.fromkeys(para["paragraph"])) == [-1, 0, 1, 2]


def test_selected_table(small: pd.DataFrame) -> None:
    body = select(small, parts=("body", "lead"))
    assert body.attrs["top_sections"] == ["一", "二"]
    tf = term_frequencies(body)
    assert dict(zip(tf["term"], tf["count"], strict=True))["政协"] == 3
    one = term_frequencies(select(small, sections="一"))
    grouped = term_frequencies(small, by="section")
    expected = grouped[grouped["section"] == "一"].drop(columns="section").reset_index(drop=True)
    pd.testing.assert_frame_equal(
        one.drop(columns=["range", "dp", "juilland_d"]),
        expected.drop(columns=["range", "dp", "juilland_d"]),
        check_dtype=False,
    )


def test_bad_options(small: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown by"):
        term_frequencies(small, by="chapter")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a token table"):
        term_frequencies(pd.DataFrame({"token": ["党"]}))


# ---------------------------------------------------------------------------------------------
# Empty input


def test_empty_input_keeps_columns(small: pd.DataFrame) -> None:
    empty = small.iloc[0:0]
    empty.attrs = dict(small.attrs)
    assert list(term_frequencies(empty).columns) == ["term", "count", "rate", "range", "dp", "juilland_d"]
    assert list(term_frequencies(empty, by="section").columns) == [
        "section", "term", "count", "rate", "range", "dp", "juilland_d",
    ]
    assert list(ngrams(empty).columns) == ["ngram", "tokens", "count", "range"]
    assert list(repeated_phrases(empty).columns) == ["phrase", "tokens", "n", "count", "range"]
    assert list(keyness(empty, "一").columns) == [
        "term", "target_count", "reference_count", "target_rate", "reference_rate",
        "statistic", "effect", "log_ratio_low", "log_ratio_high", "conservative_log_ratio",
        "p_value", "test", "p_adjusted", "significant", "g2",
    ]
    assert "g2" not in keyness(empty, "一", measure="log_odds").columns
    assert list(collocations(empty, "政协").columns) == list(COLLOCATION_COLUMNS)
    assert list(cooccurrence(empty).columns) == ["term_a", "term_b", "count"]
    assert section_similarity(empty).empty
    assert list(keywords(empty).columns) == ["term", "weight"]
    for frame in (term_frequencies(empty), ngrams(empty), collocations(empty, "政协")):
        assert len(frame) == 0


# ---------------------------------------------------------------------------------------------
# n-grams and repeated phrases


def test_ngrams_boundaries() -> None:
    table = make_table(
        [
            ("一", "政协 党建 。 政协 党建 ， 履职 工作"),
            ("二", "政协 党建 履职 工作 的 建设"),
        ]
    )
    bi = ngrams(table, 2, min_count=1)
    got = {g: (c, r) for g, c, r in records(bi, "ngram", "count", "range")}
    assert got["政协党建"] == (3, 2)
    assert got["履职工作"] == (2, 2)
    assert "党建政协" not in got  # 。 ends the sentence
    assert "党建履职" in got and got["党建履职"] == (1, 1)  # only in 二: ， breaks the gram in 一
    assert "工作的" not in got and "的建设" not in got  # begins or ends with a stopword
    assert bi.loc[bi["ngram"] == "政协党建", "tokens"].iloc[0] == ("政协", "党建")
    assert "工作的" in set(ngrams(table, 2, min_count=1, stopwords=False)["ngram"])
    assert "工作的建设" in set(ngrams(table, 3, min_count=1)["ngram"])  # inner stopword kept
    assert ngrams(table, 2)["ngram"].tolist() == ["政协党建", "履职工作"]  # min_count=2
    with pytest.raises(ValueError, match=r"n=5.*repeated_phrases"):
        ngrams(table, 5)


def test_ngrams_do_not_cross_gaps() -> None:
    table = make_table([("一", "甲 乙 丙 丁")])
    gapped = table.drop(index=1)  # 乙 removed: 甲 and 丙 were never neighbours
    assert set(ngrams(gapped, 2, min_count=1)["ngram"]) == {"丙丁"}


def test_repeated_phrases_drop_subsumed() -> None:
    table = make_table(
        [
            ("一", "广泛 凝聚 共识 。 广泛 凝聚 共识 。 凝聚 共识 力量"),
            ("二", "坚持 和 加强 。 坚持 和 加强"),
        ]
    )
    phrases = repeated_phrases(table)
    got = {p: (n, c) for p, n, c in records(phrases, "phrase", "n", "count")}
    assert got["广泛凝聚共识"] == (3, 2)
    assert got["凝聚共识"] == (2, 3)  # kept: it also occurs outside the longer phrase
    assert "广泛凝聚" not in got  # subsumed by 广泛凝聚共识 with the same count
    assert got["坚持和加强"] == (3, 2)
    assert "坚持和" not in got and "和加强" not in got
    assert list(phrases.columns) == ["phrase", "tokens", "n", "count", "range"]


# ---------------------------------------------------------------------------------------------
# keyness


@pytest.fixture
def two_sections() -> pd.DataFrame:
    # 一: 甲 甲 甲 乙 (c = 4 counted tokens); 二: 甲 乙 乙 乙 乙 丙 (d = 6).
    return make_table([("一", "甲 甲 甲 乙 。"), ("二", "甲 乙 乙 乙 乙 丙")], title=None)


def test_keyness_by_hand(two_sections: pd.DataFrame) -> None:
    k = keyness(two_sections, "一", "二", min_count=1).set_index("term")
    c, d = 4, 6
    # 甲: a = 3, b = 1. E1 = 4·4/10 = 1.6, E2 = 6·4/10 = 2.4.
    g2 = 2 * (3 * math.log(3 / 1.6) + 1 * math.log(1 / 2.4))
    assert k.loc["甲", "g2"] == pytest.approx(g2)
    assert k.loc["甲", "statistic"] == pytest.approx(g2)  # 3/4 > 1/6: positive
    assert k.loc["甲", "effect"] == pytest.approx(math.log2((3 / 4) / (1 / 6)))  # log2 4.5
    assert k.loc["甲", "target_rate"] == pytest.approx(3 / c * 1000)
    assert k.loc["甲", "reference_rate"] == pytest.approx(1 / d * 1000)
    # 乙: a = 1, b = 4; E1 = 4·5/10 = 2, E2 = 3; 1/4 < 4/6: negative.
    g2_yi = 2 * (1 * math.log(1 / 2) + 4 * math.log(4 / 3))
    assert k.loc["乙", "statistic"] == pytest.approx(-g2_yi)
    # 丙: a = 0 → 0.5 in the log ratio; G² = 2 · 1 · ln(1 / 0.6).
    assert k.loc["丙", "effect"] == pytest.approx(math.log2((0.5 / 4) / (1 / 6)))
    assert k.loc["丙", "statistic"] == pytest.approx(-2 * math.log(1 / 0.6))
    # Fisher (expected cells < 5) for [[3, 1], [1, 5]]: X ~ Hypergeom(N=10, K=4, n=4),
    # P(X=k) = C(4,k)·C(6,4−k)/C(10,4) = (15, 80, 90, 24, 1)/210 for k = 0..4; two-sided sums
    # the outcomes no more likely than the observed k = 3: (15 + 24 + 1)/210.
    assert k.loc["甲", "p_value"] == pytest.approx(40 / 210)
    assert list(k.reset_index()["term"]) == ["甲", "乙", "丙"]  # signed G²: 3.95, −0.92, −1.02


def test_log_odds_by_hand(two_sections: pd.DataFrame) -> None:
    k = keyness(two_sections, "一", "二", measure="log_odds", min_count=1, prior="document")
    k = k.set_index("term")
    # Prior = whole-table counts: α(甲) = 4, α0 = 10. With a = 3, b = 1, c = 4, d = 6:
    # δ = ln((3+4)/(4+10−3−4)) − ln((1+4)/(6+10−1−4)) = ln(7/7) − ln(5/11)
    # σ² = 1/(3+4) + 1/(1+4)
    delta = math.log(7 / 7) - math.log(5 / 11)
    z = delta / math.sqrt(1 / 7 + 1 / 5)
    assert k.loc["甲", "statistic"] == pytest.approx(z)
    # 丙: α = 1; δ = ln((0+1)/(4+10−0−1)) − ln((1+1)/(6+10−1−1)), σ² = 1/1 + 1/2.
    z_bing = (math.log(1 / 13) - math.log(2 / 14)) / math.sqrt(1 + 1 / 2)
    assert k.loc["丙", "statistic"] == pytest.approx(z_bing)
    lr = keyness(two_sections, "一", "二", measure="log_ratio", min_count=1).set_index("term")
    assert lr.loc["甲", "statistic"] == pytest.approx(math.log2(4.5))


def test_keyness_chi_square_branch() -> None:
    table = make_table(
        [("一", " ".join(["甲"] * 20 + ["乙"] * 20)), ("二", " ".join(["甲"] * 10 + ["乙"] * 30))]
    )
    k = keyness(table, "一").set_index("term")
    # Every expected cell is 15 or 25, so p comes from χ²(1) on G² (c = d = 40, E1 = E2 = 15).
    g2 = 2 * (20 * math.log(20 / 15) + 10 * math.log(10 / 15))
    assert k.loc["甲", "g2"] == pytest.approx(g2)
    assert k.loc["甲", "p_value"] == pytest.approx(float(chi2.sf(g2, 1)))


@pytest.mark.parametrize("measure", ["g2", "log_ratio", "log_odds"])
def test_keyness_is_antisymmetric(two_sections: pd.DataFrame, measure: Any) -> None:
    ab = keyness(two_sections, "一", "二", measure=measure, min_count=1).set_index("term")
    ba = keyness(two_sections, "二", "一", measure=measure, min_count=1).set_index("term")
    ba = ba.loc[ab.index]
    np.testing.assert_allclose(ab["statistic"], -ba["statistic"])
    np.testing.assert_allclose(ab["effect"], -ba["effect"])
    np.testing.assert_allclose(ab["p_value"], ba["p_value"])
    assert (ab["target_count"] == ba["reference_count"]).all()


def test_keyness_selections(two_sections: pd.DataFrame, small: pd.DataFrame) -> None:
    rest = keyness(two_sections, "一", min_count=1)
    explicit = keyness(two_sections, "一", "二", min_count=1)
    pd.testing.assert_frame_equal(rest, explicit)
    assert keyness(two_sections, "一", "二", min_count=2)["term"].tolist() == ["甲", "乙"]
    assert keyness(two_sections, "一", top=1, min_count=1)["term"].tolist() == ["甲"]
    with pytest.raises(QueryError, match="overlap"):
        keyness(two_sections, "一", "一")
    with pytest.raises(QueryError, match="overlap"):
        keyness(small, "一/一", ["一", "二"])  # 一 covers 一/一
    with pytest.raises(QueryError, match="no target"):
        keyness(two_sections, [])
    with pytest.raises(SectionNotFoundError, match="一 二"):
        keyness(two_sections, "五")
    assert issubclass(QueryError, StudykitError)
    # 一 covers everything with a section, and the rest is only the title: still a comparison.
    assert len(keyness(small, ["一", "二"], min_count=1)) > 0
    # A valid selection with no tokens in this (narrowed) table gives an empty frame.
    assert keyness(select(two_sections, sections="一"), "一").empty
    # Stopwords choose the rows listed, not the sizes: 甲's statistic is the same either way.
    with_stop = make_table([("一", "甲 甲 甲 乙 的 。"), ("二", "甲 乙 乙 乙 乙 丙 的")])
    a = keyness(with_stop, "一", min_count=1).set_index("term")
    b = keyness(with_stop, "一", min_count=1, stopwords=False).set_index("term")
    assert "的" not in a.index and "的" in b.index
    assert a.loc["甲", "statistic"] == b.loc["甲", "statistic"]


# ---------------------------------------------------------------------------------------------
# similarity


def test_similarity_by_hand() -> None:
    table = make_table([("一", "甲 甲 乙"), ("二", "甲 丙"), ("三", "丁 的")])
    sim = section_similarity(table)
    assert list(sim.index) == ["一", "二", "三"] and list(sim.columns) == ["一", "二", "三"]
    # N = 3. df: 甲 2, 乙 1, 丙 1, 丁 1. idf = ln((1+3)/(1+df)) + 1.
    i2 = math.log(4 / 3) + 1
    i1 = math.log(4 / 2) + 1
    one = (2 * i2, i1, 0.0)  # 甲 甲 乙
    two = (i2, 0.0, i1)  # 甲 丙
    cos = (one[0] * two[0]) / (math.hypot(*one) * math.hypot(*two))
    assert sim.loc["一", "二"] == pytest.approx(cos)
    assert sim.loc["一", "三"] == 0.0
    np.testing.assert_allclose(sim.to_numpy(), sim.to_numpy().T)
    np.testing.assert_allclose(np.diag(sim.to_numpy()), 1.0)


def test_similarity_levels_and_empty_sections(small: pd.DataFrame) -> None:
    sub = section_similarity(small, level="subsection")
    assert list(sub.index) == ["一", "一/一", "二"]  # the title is no section
    only_stop = make_table([("一", "甲 乙"), ("二", "的 了")])
    sim = section_similarity(only_stop)
    assert math.isnan(sim.loc["二", "二"]) and math.isnan(sim.loc["一", "二"])
    assert sim.loc["一", "一"] == 1.0


# ---------------------------------------------------------------------------------------------
# collocations


def test_collocations_by_hand() -> None:
    table = make_table([("一", "甲 乙 丙 丁 戊")])
    col = collocations(table, "丙", window=1, min_count=1).set_index("collocate")
    assert set(col.index) == {"乙", "丁"}
    # N' = 5 − 1 node token = 4 positions, W = 2 inside the window; for 乙: O11 = 1, f = 1.
    # E11 = W·f/N' = 0.5 → pmi = log2(1/0.5) = 1.
    assert col.loc["乙", "pmi"] == pytest.approx(1.0)
    # 2×2: O = [[1, 1], [0, 2]], row sums 2, 2, column sums 1, 3, E = [[0.5, 1.5], [0.5, 1.5]].
    g2 = 2 * (1 * math.log(1 / 0.5) + 1 * math.log(1 / 1.5) + 2 * math.log(2 / 1.5))
    assert col.loc["乙", "g2"] == pytest.approx(g2)
    assert col.loc["乙", "count"] == 1 and col.loc["乙", "collocate_count"] == 1


def test_collocation_windows_stay_in_paragraph() -> None:
    table = make_table([("一", "甲 乙 丙 丁"), ("一", "戊 己 庚 辛 丙"), ("二", "乙 ， 丙 的 壬")])
    col = collocations(table, "丙", window=2, min_count=1)
    # Punctuation takes no window place (乙 … 丙 in 二), stopwords take one but are not listed.
    assert set(col["collocate"]) == {"甲", "乙", "丁", "庚", "辛", "壬"}  # 戊 is in the next paragraph
    counts = dict(zip(col["collocate"], col["count"], strict=True))
    assert counts["乙"] == 2


def test_collocations_multi_token_term_and_misses() -> None:
    table = make_table(
        [("一", "推进 政协 党建 工作 。 政协 ， 党建 。 政协 党建 融合"), ("二", "政协 党建 融合")]
    )
    col = collocations(table, "政协党建", window=1, min_count=1)
    got = dict(zip(col["collocate"], col["count"], strict=True))
    # Three runs 政协+党建 (not the one broken by ，); their neighbours, window 1. The broken
    # 党建 neighbours the third run: 。 takes no window place and the paragraph goes on.
    assert got == {"推进": 1, "工作": 1, "融合": 2, "党建": 1}
    missing = collocations(table, "人民政协")
    assert missing.empty and list(missing.columns) == list(COLLOCATION_COLUMNS)
    assert collocations(table, "政协", min_count=5).empty
    with pytest.raises(QueryError):
        collocations(table, "  ")


# ---------------------------------------------------------------------------------------------
# co-occurrence


def test_cooccurrence_counts_units() -> None:
    table = make_table([("一", "甲 乙 丙 。 甲 乙 的 。 甲 丙 甲 。 甲"), ("二", "乙 丙")])
    pairs = cooccurrence(table)
    # Sentences {甲乙丙}, {甲乙(的)}, {甲丙}, {甲}, {乙丙}: every pair twice. Units per term:
    # 甲 4, 乙 3, 丙 3, so 甲 is term_a; the 乙/丙 tie goes to code-point order (丙 U+4E19 first).
    assert records(pairs, "term_a", "term_b", "count") == [
        ("丙", "乙", 2), ("甲", "丙", 2), ("甲", "乙", 2),
    ]
    by_paragraph = cooccurrence(table, unit="paragraph", min_count=1)
    assert records(by_paragraph, "term_a", "term_b", "count")[0] == ("丙", "乙", 2)
    only = cooccurrence(table, terms=["甲", "乙"])
    assert records(only, "term_a", "term_b", "count") == [("甲", "乙", 2)]
    assert len(cooccurrence(table, top=1)) == 1
    assert "的" not in set(cooccurrence(table, min_count=1)[["term_a", "term_b"]].stack())
    assert ("甲", "的", 1) in records(
        cooccurrence(table, stopwords=False, min_count=1, top=None), "term_a", "term_b", "count"
    )


# ---------------------------------------------------------------------------------------------
# purity


def test_stats_imports_no_drawing_stack() -> None:
    code = (
        "import sys, studykit.analysis.frequency, studykit.analysis.keyness, "
        "studykit.analysis.similarity, studykit.analysis.association; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'jieba') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_input_is_not_modified(small: pd.DataFrame) -> None:
    before = small.copy()
    attrs = dict(small.attrs)
    term_frequencies(small, by="section")
    keyness(small, "一", min_count=1)
    collocations(small, "政协")
    ngrams(small)
    pd.testing.assert_frame_equal(small, before)
    assert small.attrs == attrs


# ---------------------------------------------------------------------------------------------
# the seed document (needs the reader and the jieba segmenter)


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    pytest.importorskip("studykit.text.segment")
    pytest.importorskip("studykit.document.read")
    from studykit.document.parse import load
    from studykit.text.tokens import tokenize

    return tokenize(load(str(SEED)))


def test_seed_frequencies(seed: pd.DataFrame) -> None:
    tf = term_frequencies(seed).set_index("term")
    assert tf.loc["党", "count"] >= 10  # a single character counts
    assert tf.loc["政协", "count"] > tf.loc["人民政协", "count"]
    nouns = term_frequencies(seed, pos=["n", "j"])
    assert nouns["term"].iloc[0] == "政协"
    # With vn, 工作 (tagged vn) edges ahead: 政协 is second.
    assert term_frequencies(seed, pos=["n", "vn", "j"])["term"].head(2).tolist() == ["工作", "政协"]
    for by in ("section", "subsection", "paragraph"):
        summed = term_frequencies(seed, by=by).groupby("term")["count"].sum()
        pd.testing.assert_series_equal(
            summed.sort_index(), tf["count"].sort_index(), check_names=False
        )


def test_seed_keyness_and_similarity(seed: pd.DataFrame) -> None:
    three = keyness(seed, "三")
    assert three["term"].iloc[0] == "带头"  # 6 in 三, none elsewhere
    assert (three["statistic"].diff().dropna() <= 0).all()
    flipped = keyness(seed, "三", measure="log_odds")  # add-one prior: 6 against 0 still leads
    assert flipped["term"].head(3).tolist()[0] == "带头"
    one = keyness(seed, "一", measure="log_ratio").set_index("term")
    assert one.loc["人民政协", "effect"] > 1  # section 一 is about 人民政协 and 党的领导
    sim = section_similarity(seed)
    assert list(sim.index) == ["0", "一", "二", "三", "四"]
    np.testing.assert_allclose(sim.to_numpy(), sim.to_numpy().T)
    np.testing.assert_allclose(np.diag(sim.to_numpy()), 1.0)
    assert sim.loc["三", "四"] == sim.drop(index="三")["三"].max()  # 三 and 四 share 党建/履职


def test_seed_collocations_and_phrases(seed: pd.DataFrame) -> None:
    col = collocations(seed, "政协")
    assert not col.empty and "南宁市" in set(col["collocate"].head(3))
    assert not collocations(seed, "政协党建").empty  # 政协 + 党建 in the token stream
    assert collocations(seed, "量子计算").empty
    bigrams = ngrams(seed, 2)
    assert "政协党建" in set(bigrams["ngram"])
    assert "坚持和加强" in set(repeated_phrases(seed)["phrase"])
    pairs = cooccurrence(seed, top=5)
    assert set(records(pairs, "term_a", "term_b")[0]) == {"工作", "政协"}


def test_seed_keywords_leave_jieba_alone(seed: pd.DataFrame) -> None:
    import jieba
    import jieba.analyse

    initialized = jieba.dt.initialized
    freq_size = len(jieba.dt.FREQ)
    tfidf = keywords(seed, top=10)
    assert list(tfidf.columns) == ["term", "weight"] and len(tfidf) == 10
    assert {"政协", "党建"} <= set(tfidf["term"])
    textrank = keywords(seed, method="textrank", top=15)
    assert {"政协", "党建"} <= set(textrank["term"])  # tagged j: kept by TEXTRANK_POS
    assert (textrank["weight"].diff().dropna() <= 0).all()
    assert jieba.dt.initialized == initialized and len(jieba.dt.FREQ) == freq_size
    assert jieba.analyse.default_tfidf.tokenizer is jieba.dt
    assert jieba.analyse.default_textrank.tokenizer is jieba.posseg.dt


def test_seed_keywords_from_document() -> None:
    pytest.importorskip("studykit.text.segment")
    from studykit.document.parse import load
    from studykit.text.segment import JiebaSegmenter

    seg = JiebaSegmenter()
    out = keywords(load(str(SEED)), top=5, segmenter=seg)
    assert "政协" in set(out["term"])


def test_keywords_work_with_the_rjieba_backend_through_a_jieba_twin(small: pd.DataFrame) -> None:
    pytest.importorskip("studykit.text.segment")
    pytest.importorskip("rjieba")
    import jieba

    from studykit.text.segment import JiebaSegmenter

    seg = JiebaSegmenter(backend="rjieba")
    got = keywords(small, segmenter=seg)
    assert list(got.columns) == ["term", "weight"] and not got.empty
    assert seg.jieba_tokenizer() is not jieba.dt


def test_keywords_on_a_table_without_body() -> None:
    titles_only = make_table([("一", "政协 党建")])
    titles_only["part"] = "title"
    assert keywords(titles_only).empty
    with pytest.raises(ValueError, match="unknown method"):
        keywords(titles_only, method="lda")  # type: ignore[arg-type]


def test_unknown_pos_prefix_and_traditional_collocations() -> None:
    import studykit as sk
    from studykit.errors import QueryError

    doc = sk.parse_document(sk.read_source("標題\n\n政協黨組要加強領導。政協黨組書記要負總責，政協黨組成員要各負其責。\n"))
    table = sk.tokenize(doc)
    with pytest.raises(QueryError, match="noun"):
        sk.term_frequencies(table, pos="noun")
    assert not sk.term_frequencies(table, pos=["n", "v"]).empty
    got = sk.collocations(table, "政协党组", min_count=1)
    assert not got.empty


# ---------------------------------------------------------------------------------------------
# Keyness a reader can interpret: corrections, the test used, Williams, conservative log ratio,
# log-odds priors (checked against statsmodels, scipy and hand-worked numbers)


@pytest.fixture
def many_terms() -> pd.DataFrame:
    """Two sections with enough terms for a correction to matter: 甲 is strongly key to 一."""
    one = ["甲"] * 30 + ["乙"] * 12 + ["丙"] * 6 + [f"词{i}" for i in range(40)] + ["丁"] * 5
    one += ["戊"] * 7 + ["己"] * 6 + ["庚"] * 8  # raw p of a few per cent: FDR lets them go
    two = ["甲"] * 5 + ["乙"] * 14 + ["丙"] * 9 + [f"词{i}" for i in range(40)] * 2 + ["丁"] * 9
    two += ["戊"] * 1 + ["庚"] * 2
    return make_table([("一", " ".join(one)), ("二", " ".join(two))])


@pytest.mark.parametrize("correction", ["fdr_bh", "holm", "bonferroni"])
def test_keyness_correction_matches_statsmodels(many_terms: pd.DataFrame, correction: Any) -> None:
    from statsmodels.stats.multitest import multipletests

    k = keyness(many_terms, "一", "二", min_count=1, correction=correction)
    expected = multipletests(k["p_value"].to_numpy(), method=correction)[1]
    np.testing.assert_allclose(k["p_adjusted"], expected)
    assert (k["significant"] == (k["p_adjusted"] < 0.05)).all()
    assert (k["p_adjusted"] >= k["p_value"] - 1e-12).all()
    assert k.attrs["keyness"]["tested"] == len(k)
    # The family is every tested term: top keeps rows, it does not shrink the correction.
    head = keyness(many_terms, "一", "二", min_count=1, correction=correction, top=3)
    np.testing.assert_allclose(head["p_adjusted"], k["p_adjusted"].head(3))


def test_keyness_without_correction_and_alpha(many_terms: pd.DataFrame) -> None:
    raw = keyness(many_terms, "一", "二", min_count=1, correction=None)
    np.testing.assert_allclose(raw["p_adjusted"], raw["p_value"])
    corrected = keyness(many_terms, "一", "二", min_count=1)
    assert corrected["significant"].sum() < raw["significant"].sum()  # correction bites
    assert corrected.set_index("term").loc["甲", "significant"]  # 30 vs 5 survives it
    strict = keyness(many_terms, "一", "二", min_count=1, alpha=0.001)
    assert strict["significant"].sum() <= corrected["significant"].sum()


def test_keyness_says_which_test_gave_the_p_value() -> None:
    from scipy.stats import fisher_exact

    table = make_table(
        [("一", " ".join(["甲"] * 20 + ["乙"] * 20 + ["丙"] * 2)), ("二", " ".join(["甲"] * 10 + ["乙"] * 30))]
    )
    k = keyness(table, "一", min_count=1).set_index("term")
    assert k.loc["甲", "test"] == "g2" and k.loc["丙", "test"] == "fisher"  # small expected cells
    assert k.loc["甲", "p_value"] == pytest.approx(float(chi2.sf(k.loc["甲", "g2"], 1)))
    c, d = 42, 40
    assert k.loc["丙", "p_value"] == pytest.approx(fisher_exact([[2, c - 2], [0, d]])[1])
    forced = keyness(table, "一", min_count=1, test="fisher").set_index("term")
    assert set(forced["test"]) == {"fisher"}
    assert forced.loc["甲", "p_value"] == pytest.approx(fisher_exact([[20, c - 20], [10, d - 10]])[1])
    g2_only = keyness(table, "一", min_count=1, test="g2").set_index("term")
    assert g2_only.loc["丙", "p_value"] == pytest.approx(float(chi2.sf(g2_only.loc["丙", "g2"], 1)))
    with pytest.raises(QueryError, match="unknown test"):
        keyness(table, "一", test="t")  # type: ignore[arg-type]


def test_keyness_williams_correction_by_hand() -> None:
    table = make_table(
        [("一", " ".join(["甲"] * 20 + ["乙"] * 20)), ("二", " ".join(["甲"] * 10 + ["乙"] * 30))]
    )
    plain = keyness(table, "一").set_index("term")
    corrected = keyness(table, "一", williams=True).set_index("term")
    # 2×2 for 甲: rows c = d = 40, columns a+b = 30 and N−a−b = 50, N = 80:
    # q = 1 + (80/40 + 80/40 − 1)(80/30 + 80/50 − 1) / (6·80) = 1 + 3 · (3.2667) / 480
    q = 1 + (80 / 40 + 80 / 40 - 1) * (80 / 30 + 80 / 50 - 1) / (6 * 80)
    assert corrected.loc["甲", "g2"] == pytest.approx(plain.loc["甲", "g2"] / q)
    assert corrected.loc["甲", "p_value"] == pytest.approx(float(chi2.sf(plain.loc["甲", "g2"] / q, 1)))
    assert corrected.loc["甲", "g2"] < plain.loc["甲", "g2"]


def test_conservative_log_ratio_against_statsmodels() -> None:
    from statsmodels.stats.proportion import proportion_confint

    # 3 against 0 on 300 and 3,000 tokens: the plain log ratio calls it a huge effect.
    one = ["甲"] * 3 + ["乙"] * 297
    two = ["乙"] * 2900 + ["丙"] * 100
    table = make_table([("一", " ".join(one)), ("二", " ".join(two))])
    k = keyness(table, "一", measure="conservative_log_ratio", min_count=1).set_index("term")
    c, d = 300, 3000
    low, high = proportion_confint(3, 3, alpha=0.05, method="beta")
    assert k.loc["甲", "log_ratio_low"] == pytest.approx(math.log2(low / (1 - low) * d / c))
    assert k.loc["甲", "log_ratio_high"] == math.inf
    assert k.loc["甲", "conservative_log_ratio"] == k.loc["甲", "log_ratio_low"]
    assert k.loc["甲", "effect"] == pytest.approx(math.log2((3 / c) / (0.5 / d)))
    assert k.loc["甲", "conservative_log_ratio"] < k.loc["甲", "effect"] - 3  # far less striking
    # 乙: 297/300 against 2900/3000; the interval holds 0, so the conservative value is 0.
    low, high = proportion_confint(297, 297 + 2900, alpha=0.05, method="beta")
    assert k.loc["乙", "log_ratio_low"] == pytest.approx(math.log2(low / (1 - low) * d / c))
    assert k.loc["乙", "log_ratio_high"] == pytest.approx(math.log2(high / (1 - high) * d / c))
    assert k.loc["乙", "log_ratio_low"] < 0 < k.loc["乙", "log_ratio_high"]
    assert k.loc["乙", "conservative_log_ratio"] == 0
    # 丙 only in the reference: the bound nearest zero is the upper one, negative.
    assert k.loc["丙", "conservative_log_ratio"] == k.loc["丙", "log_ratio_high"] < 0
    assert list(k.index[:1]) == ["甲"]  # the ranking is by the conservative value


def test_log_odds_priors_by_hand(two_sections: pd.DataFrame) -> None:
    # 一: 甲 甲 甲 乙 (c = 4); 二: 甲 乙 乙 乙 乙 丙 (d = 6); vocabulary 甲 乙 丙 (3 terms).
    def z(a: float, b: float, alpha: float, alpha0: float, c: float = 4, d: float = 6) -> float:
        ya, yb = a + alpha, b + alpha
        delta = math.log(ya / (c + alpha0 - ya)) - math.log(yb / (d + alpha0 - yb))
        return delta / math.sqrt(1 / ya + 1 / yb)

    uniform = keyness(two_sections, "一", "二", measure="log_odds", min_count=1).set_index("term")
    assert uniform.loc["甲", "statistic"] == pytest.approx(z(3, 1, 1.0, 3.0))  # the default
    half = keyness(two_sections, "一", "二", measure="log_odds", min_count=1, prior=0.5)
    assert half.set_index("term").loc["乙", "statistic"] == pytest.approx(z(1, 4, 0.5, 1.5))
    # A reference corpus as counts: α = its count + 0.01; α0 sums them, 戊 (unseen here) too.
    ref = {"甲": 10, "乙": 20, "戊": 5}
    by_ref = keyness(two_sections, "一", "二", measure="log_odds", min_count=1, prior=ref)
    alpha0 = 10.01 + 20.01 + 0.01 + 5
    assert by_ref.set_index("term").loc["甲", "statistic"] == pytest.approx(z(3, 1, 10.01, alpha0))
    series = keyness(two_sections, "一", "二", measure="log_odds", min_count=1, prior=pd.Series(ref))
    np.testing.assert_allclose(series["statistic"], by_ref["statistic"])
    # Another token table works as a reference corpus.
    other = make_table([("一", " ".join(["甲"] * 10 + ["乙"] * 20 + ["戊"] * 5))])
    by_table = keyness(two_sections, "一", "二", measure="log_odds", min_count=1, prior=other)
    np.testing.assert_allclose(by_table["statistic"], by_ref["statistic"])
    with pytest.raises(QueryError, match="prior"):
        keyness(two_sections, "一", "二", measure="log_odds", prior="corpus")  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="prior"):
        keyness(two_sections, "一", "二", measure="log_odds", prior={"甲": -1})
    for bad in (-1, 0, float("nan"), float("inf")):  # a pseudo-count is a finite number > 0
        with pytest.raises(QueryError, match="invalid prior"):
            keyness(two_sections, "一", "二", measure="log_odds", prior=bad)

    class Reference:  # a corpus used as the reference: anything with a token table
        def tokens(self) -> pd.DataFrame:
            return other

    by_corpus = keyness(two_sections, "一", "二", measure="log_odds", min_count=1, prior=Reference())
    np.testing.assert_allclose(by_corpus["statistic"], by_ref["statistic"])


def test_seed_keyness_counts_before_and_after_correction(seed: pd.DataFrame) -> None:
    """The closing note's figures: key terms per section at p < .05, raw and FDR-corrected."""
    raw = {s: int(keyness(seed, s, correction=None)["significant"].sum()) for s in "一二三四"}
    fdr = {s: int(keyness(seed, s)["significant"].sum()) for s in "一二三四"}
    assert raw == {"一": 6, "二": 4, "三": 5, "四": 7}
    assert fdr == {"一": 1, "二": 0, "三": 0, "四": 0}


def test_keyness_chart_fades_what_is_not_significant(many_terms: pd.DataFrame) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from studykit.draw.charts import plot_keyness

    k = keyness(many_terms, "一", "二", min_count=1)
    fig, ax = plt.subplots()
    plot_keyness(k, ax=ax, n=5)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    flags = k.set_index("term")["significant"]
    alphas = {lab: to_rgba(bar.get_facecolor())[3] for lab, bar in zip(labels, ax.containers[0], strict=True)}
    assert len(alphas) >= 5
    for term, alpha in alphas.items():
        assert (alpha > 0.9) == bool(flags[term]), (term, alpha)
    assert "不显著" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    plt.close(fig)


# ---------------------------------------------------------------------------------------------
# Dispersion: DP and Juilland's D


def test_dp_and_juilland_by_hand() -> None:
    # Parts: 一 has 4 counted tokens, 二 has 6, 三 has 10 (s = 0.2, 0.3, 0.5).
    table = make_table([
        ("一", "甲 甲 乙 丙"), ("二", "甲 乙 丙 丙 丙 丙"), ("三", "乙 乙 乙 乙 丙 丙 丙 丙 丙 丁"),
    ])
    tf = term_frequencies(table).set_index("term")
    s = np.array([0.2, 0.3, 0.5])
    sizes = np.array([4, 6, 10])

    def dp(counts: list[int]) -> float:
        v = np.array(counts) / sum(counts)
        return float(0.5 * np.abs(v - s).sum() / (1 - s.min()))

    def juilland(counts: list[int]) -> float:
        p = np.array(counts) / sizes
        return float(1 - (p.std() / p.mean()) / math.sqrt(len(p) - 1))

    for term, counts in {"甲": [2, 1, 0], "乙": [1, 1, 4], "丙": [1, 4, 5], "丁": [0, 0, 1]}.items():
        assert tf.loc[term, "dp"] == pytest.approx(dp(counts)), term
        assert tf.loc[term, "juilland_d"] == pytest.approx(juilland(counts)), term
    assert tf.loc["丁", "juilland_d"] == pytest.approx(0.0)  # all in one part
    even = make_table([("一", "甲 乙"), ("二", "甲 乙")])
    assert term_frequencies(even).set_index("term").loc["甲", "dp"] == pytest.approx(0.0)
    assert term_frequencies(even).set_index("term").loc["甲", "juilland_d"] == pytest.approx(1.0)
    one_part = make_table([("一", "甲 乙")])
    assert term_frequencies(one_part)["dp"].isna().all()  # fewer than two parts


def test_dp_is_the_same_per_group(small: pd.DataFrame) -> None:
    whole = term_frequencies(small).set_index("term")
    grouped = term_frequencies(small, by="section")
    for term, dp in zip(grouped["term"], grouped["dp"], strict=True):
        assert dp == pytest.approx(whole.loc[term, "dp"], nan_ok=True)


# ---------------------------------------------------------------------------------------------
# Collocations: logDice, ΔP, the sign of association


def test_collocation_measures_by_hand() -> None:
    table = make_table([("一", "甲 乙 丙 丁 戊 乙 己 庚 辛 壬")])
    col = collocations(table, "丙", window=1, min_count=1, repulsion=True).set_index("collocate")
    # N' = 9, W = 2 (乙, 丁); 乙: O11 = 1, f = 2 → O12 = 1, O21 = 1, O22 = 9 − 2 − 1 = 6.
    assert col.loc["乙", "expected"] == pytest.approx(2 * 2 / 9)
    assert col.loc["乙", "association"] == "attraction"
    assert col.loc["乙", "log_dice"] == pytest.approx(14 + math.log2(2 * 1 / (1 + 2)))
    assert col.loc["乙", "delta_p"] == pytest.approx(1 / 2 - 1 / 7)
    assert col.loc["乙", "delta_p_reverse"] == pytest.approx(1 / 2 - 1 / 7)
    assert col.loc["丁", "delta_p"] == pytest.approx(1 / 2 - 0 / 7)
    assert col.loc["丁", "delta_p_reverse"] == pytest.approx(1 / 1 - 1 / 8)


def test_collocations_rank_by_a_signed_score() -> None:
    # 甲 is everywhere except next to 丙: repelled. 乙 always sits next to 丙: attracted.
    text = " 。 ".join(["乙 丙 乙"] * 3 + ["甲 甲 甲 甲 甲 丁"] * 6 + ["丙 甲"])
    table = make_table([("一", text)])
    col = collocations(table, "丙", window=1, min_count=1)
    assert col["association"].iloc[0] == "attraction"
    rep = col.set_index("collocate")
    assert rep.loc["甲", "association"] == "repulsion"
    assert rep.loc["甲", "g2"] < 0 and rep.loc["甲", "pmi"] < 0 and rep.loc["甲", "delta_p"] < 0
    assert col["collocate"].iloc[-1] == "甲"  # negatives no longer mix into the top
    assert list(col["g2"]) == sorted(col["g2"], reverse=True)
    assert "甲" not in set(collocations(table, "丙", window=1, min_count=1, repulsion=False)["collocate"])
    by_dice = collocations(table, "丙", window=1, min_count=1, sort="log_dice")
    assert list(by_dice["log_dice"]) == sorted(by_dice["log_dice"], reverse=True)
    assert len(collocations(table, "丙", window=1, min_count=1, top=2)) == 2


# ---------------------------------------------------------------------------------------------
# suggest_terms


def test_suggest_terms_proposes_terms_not_fragments() -> None:
    """No candidate starts or ends inside a longer word or on a stray character (支配收入,
    届历次) or spans a clause (人民政协得到, 政府提供有益); a one-character stopword inside a term
    does not stop it from being proposed (可支配收入, 统一大市场)."""
    from studykit.analysis.vocabulary import suggest_terms
    from studykit.document.model import Source
    from studykit.document.parse import parse_document
    from studykit.text.segment import JiebaSegmenter
    from studykit.text.tokens import tokenize

    text = "东川省文件\n\n一、总体要求\n\n" + (
        "全省居民人均可支配收入增长5%，农村居民人均可支配收入达到2万元。"
        "深入贯彻党的二十大和二十届历次全会精神。"
        "青禾市主动融入统一大市场建设，服务统一大市场。"
        "各项部署在人民政协得到落实。为政府提供有益参考。"
    ) * 2 + "\n"
    doc = parse_document(Source(text, "<t>", "utf-8"))
    table = tokenize(doc, JiebaSegmenter(domain=False))
    got = set(suggest_terms(table, top=None)["term"])
    assert {"可支配收入", "统一大市场"} <= got
    assert not {"支配收入", "届历次", "人民政协得到", "政府提供有益"} & got


def test_suggest_terms_finds_split_labels_and_cohesive_phrases() -> None:
    from studykit.analysis.vocabulary import suggest_terms
    from studykit.document.model import Source
    from studykit.document.parse import parse_document
    from studykit.text.tokens import tokenize

    doc = parse_document(Source(
        "测试标题\n\n一、总体要求\n\n推动“科创飞地”，坚持科创飞地，深化科创飞地。"
        "实施“1+10+N”政策体系，完善“1+10+N”政策体系。\n\n"
        "二、主要任务\n\n大力推进科创飞地，坚持推进改革，推进创新，推进开放，推进发展。\n",
        "<t>", "utf-8",
    ))
    table = tokenize(doc)
    assert "科创飞地" not in set(table["token"])  # the segmenter splits it
    got = suggest_terms(table, top=None).set_index("term")
    assert got.loc["科创飞地", "count"] == 4 and got.loc["科创飞地", "quoted"] == 1
    assert got.loc["科创飞地", "cohesion"] == pytest.approx(1.0)
    assert "1+10+N" in got.index and got.loc["1+10+N", "quoted"] == 2
    assert got.index[0] == "科创飞地"  # the most evidence ranks first
    assert not any(t.startswith("推进") for t in got.index)  # a plain verb opens no term
    assert list(got.columns) == ["count", "quoted", "tokens", "cohesion", "score"]
    # A corpus: anything with .tokens(); documents are never joined.

    class Corpus:
        def tokens(self) -> pd.DataFrame:
            return pd.concat([table.assign(doc="a"), table.assign(doc="b")], ignore_index=True)

    both = suggest_terms(Corpus(), top=None).set_index("term")
    assert both.loc["科创飞地", "count"] == 8
    with pytest.raises(QueryError, match="tokens"):
        suggest_terms(object())
    assert suggest_terms(table.iloc[0:0]).empty
    # Accepting a proposal: the term is whole afterwards.
    from studykit.text.segment import JiebaSegmenter

    again = tokenize(doc, JiebaSegmenter(user_words=list(got.index[:1])))
    assert (again["token"] == "科创飞地").sum() == 4


@pytest.mark.parametrize("measure", ["g2", "log_ratio", "conservative_log_ratio", "log_odds"])
def test_keyness_from_counts_is_keyness(seed: pd.DataFrame, measure: Any) -> None:
    """The counts-only core gives the table version's rows when fed the same counts and prior."""
    from studykit.analysis.keyness import keyness_from_counts

    full = keyness(seed, "三", measure=measure, min_count=2, prior=1.0)
    counted = seed[seed["kind"].isin(["han", "latin"])]
    in_target = counted["top"].astype(str) == "三"
    c, d = int(in_target.sum()), int((~in_target).sum())
    vocab = counted["token"].nunique()
    again = keyness_from_counts(full["term"], full["target_count"], full["reference_count"], c, d,
                                measure=measure, prior=(1.0, float(vocab)))
    pd.testing.assert_frame_equal(full.reset_index(drop=True), again, check_exact=False, rtol=1e-12)
