"""KWIC and dispersion: every context of a term, where it falls, and offsets that slice the source."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from studykit.analysis.concordance import (
    DISPERSION_COLUMNS,
    DISPERSION_SECTION_COLUMNS,
    KWIC_COLUMNS,
    KwicHit,
    KwicResult,
    SearchBudget,
    dispersion,
    dispersion_sections,
    kwic,
    to_frame,
)
from studykit.document.model import Document, Source
from studykit.document.parse import parse_document
from studykit.errors import QueryError, SectionNotFoundError

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_1776dd67e002c30c.txt"

SMALL = """\
欢迎访问示例网站 网址:www.example.org
推动政协党建工作
时间:2021-03-01 来源: 示例日报 作者:张三

政协党建是政协工作的重要内容。我们要抓好党建,全面从严治党。

一、加强党建引领

坚持党建引领。党建工作要落到实处,
做到党建与业务深度融合。

二、完善制度

健全制度机制。全面从严治党永远在路上。

版权所有:示例网站 京ICP备00000000号
"""


def doc_of(text: str) -> Document:
    return parse_document(Source(text, "<t>", "utf-8"))


@pytest.fixture(scope="module")
def seed() -> Document:
    return doc_of(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def small() -> Document:
    return doc_of(SMALL)


@pytest.fixture(scope="module")
def seed_table(seed: Document) -> pd.DataFrame:
    pytest.importorskip("studykit.text.segment")
    from studykit.text.tokens import tokenize

    return tokenize(seed)


def expected_count(doc: Document, term: str) -> int:
    n = sum(p.text.count(term) for p in doc.paragraphs)
    return n + sum(s.heading.text.count(term) for s in doc.walk() if s.heading)


def assert_well_formed(doc: Document, hits: KwicResult) -> None:
    text = doc.text
    starts = [h.start for h in hits]
    assert starts == sorted(starts)
    spans = [(s.start, s.end) for s in doc.walk() for s in ([s.heading] if s.heading else [])]
    spans += [(p.start, p.end) for p in doc.paragraphs]
    for h in hits:
        assert text[h.start : h.end] == h.match
        unit = [(s, e) for s, e in spans if s <= h.start and h.end <= e]
        assert len(unit) == 1, "a hit lies in exactly one paragraph or heading"
        s, e = unit[0]
        assert text[s : h.start].replace("\n", " ").endswith(h.left)
        assert text[h.end : e].replace("\n", " ").startswith(h.right)


# --- the seed ------------------------------------------------------------------------------------


def test_seed_finds_every_dangjian_including_inside_longer_words(seed: Document) -> None:
    hits = kwic(seed, "党建")
    assert len(hits) == expected_count(seed, "党建") == 21
    assert any(seed.text[h.start - 2 : h.start] == "政协" for h in hits)  # inside 政协党建
    assert any(seed.text[h.end : h.end + 2] == "引领" for h in hits)  # inside 党建引领
    assert_well_formed(seed, hits)


def test_seed_never_searches_boilerplate_meta_or_title(seed: Document) -> None:
    assert len(kwic(seed, "ICP")) == 0
    assert len(kwic(seed, "广西日报")) == 0  # only in the meta line
    assert len(kwic(seed, "杜伟")) == 0  # only in the meta line and the byline
    title = seed.title_block[0]
    assert all(not (title.start <= h.start < title.end) for h in kwic(seed, "党建"))
    with_title = kwic(seed, "党建", include_title=True)
    assert len(with_title) == 22
    assert with_title[0].start == title.start + 4 and with_title[0].section == ""


def test_window_cuts_at_paragraph_boundaries(seed: Document) -> None:
    hits = kwic(seed, "党建", window=10_000)
    paragraphs = {p.start: p for p in seed.paragraphs}
    for h in hits:
        if h.paragraph >= 0:
            para = next(p for p in paragraphs.values() if p.start <= h.start < p.end)
            assert h.left + h.match + h.right == para.text.replace("\n", " ")
    short = kwic(seed, "党建", window=3)
    assert all(len(h.left) <= 3 and len(h.right) <= 3 for h in short)


def test_sections_filter(seed: Document) -> None:
    only_three = kwic(seed, "党建", sections="三")
    assert len(only_three) == 8
    assert {h.section for h in only_three} == {"三"}
    assert {h.section_title for h in only_three} == {"促进政协党建与履职工作共同提升"}
    both = kwic(seed, "党建", sections=["三", "四、"])
    assert len(both) == 21
    assert len(kwic(seed, "习近平", sections="导语")) == 1


def test_unknown_section_lists_the_valid_ones(seed: Document) -> None:
    with pytest.raises(SectionNotFoundError) as err:
        kwic(seed, "党建", sections="五")
    message = str(err.value)
    assert "五" in message and "\n" not in message
    assert re.search(r"一 二 三 四", message)


def test_invalid_regex_gives_one_bilingual_line(seed: Document) -> None:
    with pytest.raises(QueryError) as err:
        kwic(seed, "(", regex=True)
    message = str(err.value)
    assert message.startswith("无效的正则表达式「(」 / invalid regular expression (: ")
    assert "\n" not in message


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_is_refused(seed: Document, query: str) -> None:
    with pytest.raises(QueryError):
        kwic(seed, query)


def test_not_found_gives_an_empty_frame_with_the_columns(seed: Document) -> None:
    hits = kwic(seed, "量子计算")
    assert len(hits) == 0
    frame = hits.to_frame()
    assert list(frame.columns) == list(KWIC_COLUMNS)
    assert frame.empty
    assert frame["start"].dtype == "int64"
    assert "没有找到" in hits._repr_html_()


def test_regex_finds_the_three_parallel_clauses_in_section_four(seed: Document) -> None:
    hits = kwic(seed, r"哪里有.{1,6}哪里就有", regex=True)
    assert [h.match for h in hits] == ["哪里有政协委员哪里就有", "哪里有党员哪里就有", "哪里有党的组织哪里就有"]
    assert {h.section for h in hits} == {"四"}
    assert len({h.sentence for h in hits}) == 1  # one sentence, one paragraph
    assert_well_formed(seed, hits)


def test_frame_and_html(seed: Document) -> None:
    hits = kwic(seed, "党建", window=5)
    frame = hits.to_frame()
    assert list(frame.columns) == list(KWIC_COLUMNS) == list(KwicHit._fields)
    assert len(frame) == len(hits)
    assert frame.attrs["query"] == "党建"
    assert frame.equals(to_frame(hits))
    page = hits._repr_html_()
    assert page.count("<mark>党建</mark>") == len(hits)
    assert "促进政协党建与履职工作共同提升" in page  # the section is named
    assert isinstance(hits[0], KwicHit) and isinstance(hits[:2], KwicResult)
    assert "党建" in repr(hits)


def test_html_is_escaped() -> None:
    doc = doc_of("标题在此\n\n甲<b>乙</b>&丙,坚持<党建>引领不动摇。\n")
    hits = kwic(doc, "<党建>")
    assert len(hits) == 1
    page = hits._repr_html_()
    assert "<mark>&lt;党建&gt;</mark>" in page
    assert "<b>" not in page and "&lt;b&gt;" in page


# --- small documents -----------------------------------------------------------------------------


def test_small_document_numbers_and_offsets(small: Document) -> None:
    hits = kwic(small, "党建")
    assert len(hits) == expected_count(small, "党建")
    assert_well_formed(small, hits)
    heading = [h for h in hits if h.paragraph == -1]
    assert [h.section for h in heading] == ["一"]
    # newlines inside a paragraph are shown as spaces
    spanning = [h for h in kwic(small, "落到实处", window=30)]
    assert len(spanning) == 1 and "\n" not in spanning[0].right


def test_phrase_the_segmenter_would_split(small: Document) -> None:
    hits = kwic(small, "全面从严治党")
    assert [h.section for h in hits] == ["0", "二"]


def test_empty_matches_are_skipped(small: Document) -> None:
    hits = kwic(small, "党*", regex=True)
    assert hits and all(h.match for h in hits)


def test_traditional_text_found_by_simplified_query() -> None:
    pytest.importorskip("opencc")
    doc = doc_of("推動政協黨建工作\n\n政協黨建是政協工作的重要內容。要抓好黨建。\n")
    hits = kwic(doc, "党建")
    assert [h.match for h in hits] == ["黨建", "黨建"]
    assert all(doc.text[h.start : h.end] == h.match for h in hits)
    assert len(kwic(doc, "黨建")) == 2


def test_search_counts_every_hit_in_a_big_document() -> None:
    # Speed is measured by `make bench`; tests assert no timings.
    para = "坚持党建引领,推动政协党建与履职工作深度融合,全面从严治党永远在路上。" * 3
    body = "\n\n".join(f"{para}第{i}段。" for i in range(9000))
    doc = doc_of("标题\n\n" + body)
    assert len(doc.text) > 1_000_000 // 2
    hits = kwic(doc, "党建")
    assert len(hits) == 9000 * 6


# --- token tables --------------------------------------------------------------------------------


def test_table_gives_the_same_hits_as_the_document(seed: Document, seed_table: pd.DataFrame) -> None:
    from_doc = kwic(seed, "党建", window=12).to_frame()
    from_table = kwic(seed_table, "党建", window=12).to_frame()
    pd.testing.assert_frame_equal(from_doc, from_table)


def test_paragraph_and_sentence_numbers_agree_with_the_table(
    seed: Document, seed_table: pd.DataFrame
) -> None:
    for h in kwic(seed, "政协"):
        row = seed_table[(seed_table.start <= h.start) & (seed_table.end > h.start)].iloc[0]
        assert (row.sentence, row.paragraph, row.section) == (h.sentence, h.paragraph, h.section)


def test_token_mode_matches_whole_tokens(seed: Document, seed_table: pd.DataFrame) -> None:
    hits = kwic(seed_table, "党建", unit="token", window=2)
    body = seed_table[seed_table.part != "title"]
    assert len(hits) == int((body.token == "党建").sum())
    assert len(hits) < len(kwic(seed_table, "党建"))  # 党建引领 is one token
    starts = set(seed_table.start)
    for h in hits:
        assert seed.text[h.start : h.end] == "党建" and h.start in starts
    assert [h.start for h in kwic(seed, "党建", unit="token")] == [h.start for h in hits]


def test_token_mode_matches_runs_of_tokens(seed: Document, seed_table: pd.DataFrame) -> None:
    hits = kwic(seed_table, "政协党建", unit="token", window=1)
    assert len(hits) >= 2
    for h in hits:
        inside = seed_table[(seed_table.start >= h.start) & (seed_table.end <= h.end)]
        assert "".join(inside.token) == "政协党建" and len(inside) >= 2
        assert len(seed_table[(seed_table.end > h.start - 1) & (seed_table.end <= h.start)]) <= 1


def test_token_mode_regex_matches_single_tokens(seed_table: pd.DataFrame) -> None:
    hits = kwic(seed_table, r"党建.+", unit="token", regex=True)
    assert {h.match for h in hits} == {"党建引领", "党建工作"}


def test_table_sections_filter_and_errors(seed_table: pd.DataFrame) -> None:
    assert {h.section for h in kwic(seed_table, "党建", sections="三")} == {"三"}
    with pytest.raises(SectionNotFoundError, match="一 二 三 四"):
        kwic(seed_table, "党建", sections="五")


# --- dispersion ----------------------------------------------------------------------------------


def test_dispersion_positions(seed: Document, seed_table: pd.DataFrame) -> None:
    frame = dispersion(seed_table, ["党建", "履职", "量子计算"])
    assert list(frame.columns) == list(DISPERSION_COLUMNS)
    assert list(dict.fromkeys(frame.term)) == ["党建", "履职"]
    dj = frame[frame.term == "党建"]
    assert len(dj) == 21
    assert dj.token_index.is_monotonic_increasing and dj.offset.is_monotonic_increasing
    for row in frame.itertuples():
        tok = seed_table.loc[row.token_index]
        assert tok.start <= row.offset < tok.end  # the token that holds the hit
        assert seed.text[row.offset : row.end] == row.term
        assert row.section == tok.section and row.top == tok.top
    assert frame.attrs["terms"] == ["党建", "履职", "量子计算"]
    assert frame.attrs["n_tokens"] == len(seed_table)
    with_doc = dispersion(seed_table, ["党建", "履职"], document=seed)
    pd.testing.assert_frame_equal(frame, with_doc, check_like=False)


def test_dispersion_not_found_is_empty_with_columns(seed_table: pd.DataFrame) -> None:
    frame = dispersion(seed_table, "量子计算")
    assert frame.empty and list(frame.columns) == list(DISPERSION_COLUMNS)
    with pytest.raises(QueryError):
        dispersion(seed_table, [""])


def test_dispersion_sections_cover_the_table(seed_table: pd.DataFrame) -> None:
    spans = dispersion_sections(seed_table)
    assert list(spans.columns) == list(DISPERSION_SECTION_COLUMNS)
    assert list(spans.section) == ["0", "一", "二", "三", "四"]
    assert spans.title.iloc[0] == "导语"
    title_tokens = int((seed_table.part == "title").sum())
    assert spans.token_start.iloc[0] == title_tokens
    assert (spans.token_start.iloc[1:].to_numpy() == spans.token_end.iloc[:-1].to_numpy()).all()
    assert spans.token_end.iloc[-1] == len(seed_table)
    without_attrs = seed_table.copy()
    without_attrs.attrs = {}
    pd.testing.assert_frame_equal(
        dispersion_sections(without_attrs)[["section", "token_start", "token_end"]],
        spans[["section", "token_start", "token_end"]],
    )


# --- overlapping matches, sorting by neighbour, time limits -------------------------------------


def test_overlapping_matches(small: Document) -> None:
    doc = doc_of("标题\n\n一、总体要求\n\n大家哈哈哈哈地笑了。\n")
    assert len(kwic(doc, "哈哈")) == 2
    over = kwic(doc, "哈哈", overlapping=True)
    at = doc.text.index("哈")
    assert [h.start for h in over] == [at, at + 1, at + 2]
    assert all(doc.text[h.start : h.end] == "哈哈" for h in over)
    assert len(kwic(doc, "哈+", regex=True, overlapping=True)) > 1


def test_overlapping_token_runs() -> None:
    from studykit.text.tokens import tokenize

    doc = doc_of("标题\n\n一、总体要求\n\n政协政协政协工作。\n")
    table = tokenize(doc)
    words = table["token"].tolist()
    if words.count("政协") == 3:  # the segmenter keeps each 政协 whole
        assert len(kwic(table, "政协政协", unit="token")) == 1
        assert len(kwic(table, "政协政协", unit="token", overlapping=True)) == 2


def test_sort_by_left_or_right_neighbour(seed: Document) -> None:
    hits = kwic(seed, "党建", window=6)
    by_right = kwic(seed, "党建", window=6, sort="right")
    by_left = kwic(seed, "党建", window=6, sort="left")
    assert sorted(hits.hits) == sorted(by_right.hits) == sorted(by_left.hits)
    assert [h.right for h in by_right] == sorted(h.right for h in hits)
    assert [h.left[::-1] for h in by_left] == sorted(h.left[::-1] for h in hits)
    assert [h.match for h in kwic(seed, r"党.", regex=True, sort="match")] == sorted(
        h.match for h in kwic(seed, r"党.", regex=True)
    )
    with pytest.raises(QueryError, match="unknown sort"):
        kwic(seed, "党建", sort="middle")  # type: ignore[arg-type]


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"(a|aa)+b"])
def test_catastrophic_regex_stops_with_a_clear_error(pattern: str) -> None:
    doc = doc_of("标题\n\n一、总体要求\n\n" + "a" * 3000 + "\n")
    with pytest.raises(QueryError, match=r"longer than 0\.2 s"):
        kwic(doc, pattern, regex=True, timeout=0.2)


# Each paragraph alone takes a few hundredths of a second on this pattern (exponential
# backtracking before the digit fails), far under the limit; forty of them used to run forty
# times that with no error because the limit was per paragraph.
SLOW_PARAGRAPHS = "标题\n\n" + "\n\n".join("发展" * 17 + "x" for _ in range(40)) + "\n"


def test_regex_time_limit_is_one_budget_for_the_whole_search() -> None:
    doc = doc_of(SLOW_PARAGRAPHS)
    with pytest.raises(QueryError, match=r"longer than 0\.3 s in all"):
        kwic(doc, r"^(发展|发|展)*\d", regex=True, timeout=0.3)


def test_a_shared_budget_accumulates_across_calls_and_stops_when_spent(seed: Document) -> None:
    budget = SearchBudget(30.0)
    kwic(seed, r"党.", regex=True, budget=budget)
    first = budget.spent
    kwic(seed, r"党.", regex=True, unit="token", budget=budget)
    assert 0 < first < budget.spent
    budget.spent = budget.seconds  # used up: the next search stops before it starts
    with pytest.raises(QueryError, match=r"longer than 30 s in all"):
        kwic(seed, r"党.", regex=True, budget=budget)
    assert len(kwic(seed, "党建", budget=budget)) > 0  # a plain query cannot backtrack: no limit
    with pytest.raises(QueryError, match="SearchBudget"):
        kwic(seed, "党建", budget=2.0)  # type: ignore[arg-type]


def test_corpus_kwic_shares_one_budget_over_its_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import studykit as sk
    from studykit.corpus import analyses

    for year in (2021, 2022, 2023):
        (tmp_path / f"{year}.txt").write_text(
            f"{year}年报告\n\n一、总体要求\n\n坚持发展{year}年。\n", encoding="utf-8"
        )
    corpus = sk.load_corpus(tmp_path, cache=tmp_path / "cache", progress=False)
    budgets: list[SearchBudget | None] = []

    def recording(*args: object, budget: SearchBudget | None = None, **kwargs: object) -> KwicResult:
        budgets.append(budget)
        return kwic(*args, budget=budget, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analyses, "kwic", recording)
    assert len(sk.kwic(corpus, r"发展\d+", regex=True, timeout=7)) == 3
    assert len(budgets) == 3 and budgets[0] is budgets[1] is budgets[2]
    assert budgets[0] is not None and budgets[0].seconds == 7 and budgets[0].spent > 0


# --- hard wraps ----------------------------------------------------------------------------------

WRAPPED = (
    "测试标题\n\n一、总体要求\n\n"
    "今年以来我们坚持稳中求进工作总基调，着力推动经济社会实现高质量\n发展，全面推进乡村振兴，持续做好各项"
    "工作任务的落实，坚定不移推进乡村振\n兴战略，把各项工作做实做细做好。\n\n"
    "二、主要任务\n\n坚持以高质量发展为主题，推动高质量发展取得新成效。\n"
)


@pytest.fixture(scope="module")
def wrapped() -> Document:
    return doc_of(WRAPPED)


def test_wrapped_paragraph_is_one_paragraph(wrapped: Document) -> None:
    assert "高质量\n发展" in wrapped.paragraphs[0].text


def test_kwic_finds_a_term_cut_by_a_hard_wrap(wrapped: Document) -> None:
    hits = kwic(wrapped, "高质量发展", window=4)
    assert len(hits) == 3
    first = hits[0]
    assert first.match == "高质量发展"
    assert wrapped.text[first.start : first.end] == "高质量\n发展"  # the source span, break included
    assert first.right == "，全面推"
    assert "\n" not in first.left + first.right
    assert len(kwic(wrapped, "乡村振兴")) == 2
    assert len(kwic(wrapped, "振兴战略")) == 1


def test_token_table_and_token_kwic_read_through_wraps(wrapped: Document) -> None:
    from studykit.analysis.frequency import term_frequencies
    from studykit.text.reading import read
    from studykit.text.tokens import tokenize

    table = tokenize(wrapped)
    text = wrapped.text
    for token, start, end in zip(table["token"], table["start"], table["end"], strict=True):
        assert read(text[start:end]) == token  # the invariant, with wraps read through
        if "\n" not in text[start:end]:
            assert text[start:end] == token
    spanning = table[[("\n" in text[s:e]) for s, e in zip(table["start"], table["end"], strict=True)]]
    assert set(spanning["token"]) == {"高质量发展", "乡村振兴战略"}
    counts = term_frequencies(table).set_index("term")["count"]
    assert counts["高质量发展"] == 3
    token_hits = kwic(table, "高质量发展", unit="token")
    assert len(token_hits) == 3 and token_hits[0].match == "高质量发展"
    doc_hits = kwic(wrapped, "高质量发展", unit="token")
    assert [(h.start, h.end) for h in doc_hits] == [(h.start, h.end) for h in token_hits]
    found = dispersion(table, ["高质量发展", "乡村振兴"], document=wrapped)
    assert found["term"].value_counts().to_dict() == {"高质量发展": 3, "乡村振兴": 2}
    assert dispersion(table, ["高质量发展"])["offset"].tolist() == found["offset"].head(3).tolist()


def test_wraps_between_latin_words_and_paragraph_breaks_stay() -> None:
    from studykit.text.reading import read, reading_view

    assert read("open data\nset") == "open data\nset"
    assert read("高质量\r\n  发展") == "高质量发展"
    text = "段落一。\n\n段落二高质量\n发展"
    view = reading_view(text, [(0, 4), (6, len(text))])
    assert view.text == "段落一。\n\n段落二高质量发展"
    assert [text[view.to_source(i)] for i in range(len(view.text))] == list(view.text)
    assert view.source_span(9, 14) == (9, 15)
