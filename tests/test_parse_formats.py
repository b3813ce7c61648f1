"""Laws and articles, Markdown and front matter, gov.cn pages, closing blocks, the JSON additions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lossless import assert_lossless

from studykit.analysis.concordance import kwic
from studykit.document.model import Document
from studykit.document.outline import outline_dict, outline_text
from studykit.document.parse import load, parse_document
from studykit.document.read import read_source
from studykit.errors import SectionNotFoundError, StudykitError
from studykit.text.tokens import select, tokenize

CORPUS = Path(__file__).resolve().parent / "corpus"


# --- laws -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def law() -> Document:
    return load(CORPUS / "04-law-chapters.txt")


def test_articles_are_units_under_chapters(law: Document) -> None:
    assert [a.label for a in law.articles] == [f"第{n}条" for n in "一二三四五六七"]
    fourth = law.article("第四条")
    assert (fourth.number, fourth.section) == (4, "第二章/第一节")
    assert [p.item for p in fourth.paragraphs] == [None, "（一）", "（二）", None]
    assert law.article("4") == fourth
    with pytest.raises(SectionNotFoundError, match="no article 第九条: choose one of 第一条"):
        law.article("第九条")
    assert "第一章 总则  (6 段，第一条—第三条)" in outline_text(law).splitlines()


def test_articles_in_the_token_table_and_kwic(law: Document) -> None:
    table = tokenize(law)
    assert "article" in table.columns
    third = select(table, articles="第三条")
    assert set(third["article"]) == {"第三条"} and "".join(third["token"]).startswith("第三条")
    assert select(table, articles=["3", "第五条"])["article"].unique().tolist() == ["第三条", "第五条"]
    span = law.article("第四条")
    hits = kwic(select(table, articles="第四条"), "数据").to_frame()
    assert len(hits) == 4 and all(span.start <= s < span.end for s in hits["start"])
    assert (table.loc[table["part"] == "heading", "article"] == "").all()
    with pytest.raises(SectionNotFoundError, match="no article 第八条"):
        select(table, articles="第八条")


@pytest.mark.parametrize(
    "note",
    [
        "（2020年5月6日甲市人大常委会会议通过，2020年7月1日乙省人大常委会会议批准）",
        "（2018年3月2日甲市人大常委会会议通过　根据2021年9月8日甲市人大常委会会议修正）",
        "（2015年1月9日甲市人大常委会会议通过　根据2019年4月2日甲市人大常委会《关于修改〈甲市若干条例〉的决定》"
        "第一次修正　根据2022年6月1日甲市人大常委会会议第二次修正）",
    ],
)
def test_a_law_history_note_is_the_dateline(note: str) -> None:
    """Parser finding 1: adopted, approved, amended — however many dates — is one dateline."""
    doc = parse_document(read_source(f"甲市物业管理条例\n\n{note}\n\n第一条　为了规范物业管理，制定本条例。\n"
                                     "第二条　本条例自公布之日起施行。\n"))
    assert doc.title == "甲市物业管理条例" and doc.meta.date is not None
    assert [t.kind for t in doc.title_block] == ["title", "dateline"]
    assert [a.label for a in doc.articles] == ["第一条", "第二条"]


def test_an_article_keeps_each_line_as_a_paragraph() -> None:
    doc = load(CORPUS / "63-city-regulation-history.txt")
    assert [len(a.paragraphs) for a in doc.articles] == [1, 1, 3, 4, 2, 1, 1]
    assert all(p.lead is None for a in doc.articles for p in a.paragraphs)


def test_a_bold_article_number_is_no_lead_and_reads_as_a_number() -> None:
    doc = load(CORPUS / "64-regulation-bold-markdown.md")
    assert_lossless(doc)
    assert [a.number for a in doc.articles] == [1, 2, 3, 4, 5]
    assert all(p.lead is None or "**" not in p.lead for p in doc.paragraphs)
    bold = parse_document(read_source("# 标题\n\n## 一、要求\n\n**一是要选好团队。**团队是关键，要公开选聘。\n", format="markdown"))
    assert bold.paragraphs[0].lead == "一是要选好团队。"


def test_an_inserted_article_is_an_article_of_its_own() -> None:
    doc = load(CORPUS / "87-regulation-inserted-articles.txt")
    assert_lossless(doc)
    assert [(a.label, a.number) for a in doc.articles] == [
        ("第一条", 1), ("第二条", 2), ("第二条之一", 2), ("第三条", 3), ("第三条之一", 3),
        ("第三条之二", 3), ("第四条", 4),
    ]
    assert doc.article("3").label == "第三条" and doc.article("第三条之二").number == 3


def test_an_address_to_the_audience_is_no_lead() -> None:
    doc = parse_document(read_source("标题\n\n各位代表！过去一年，我们攻坚克难，全市经济稳中向好，民生持续改善。\n"))
    assert doc.paragraphs[0].lead is None


# --- Markdown and front matter -----------------------------------------------------------------------
def test_the_bold_closing_a_runin_heading_is_markup() -> None:
    doc = load(CORPUS / "91-markdown-bold-runin-points.md")
    assert_lossless(doc)
    point = doc.sections[1].children[0]
    assert point.title == "推进农村厕所改造" and point.paragraphs[0].text.startswith("新改建")
    assert point.heading is not None
    span = (point.heading.end, point.paragraphs[0].start)
    assert doc.text[span[0] : span[1]] == "**"
    assert any(b.kind == "markup" and (b.start, b.end) == span for b in doc.boilerplate)


def test_markdown_markup_is_boilerplate_and_offsets_stay_lossless() -> None:
    doc = load(CORPUS / "27-front-matter-yaml.md")
    assert_lossless(doc)
    assert doc.source.format == "markdown"
    markup = [b.text for b in doc.boilerplate if b.kind == "markup"]
    assert markup[0].startswith("<!--") and markup.count("## ") == 3 and markup.count("### ") == 2
    assert doc.title_block[0].text.startswith("---\ntitle:") and doc.title_block[0].kind == "meta"


@pytest.mark.parametrize(
    ("text", "fmt", "title"),
    [
        ("---\ntitle: 标题甲\ndate: 2024-01-02\n---\n正文一段。\n", "markdown", "标题甲"),
        ("+++\ntitle = \"标题乙\"\n+++\n正文一段。\n", "markdown", "标题乙"),
        ("---\n: : 不是 YAML [\n---\n正文一段。\n", "text", None),  # does not parse: plain text
        ("---\n\n正文一段。\n", "text", None),  # a rule, not front matter
    ],
)
def test_front_matter_only_when_it_parses(text: str, fmt: str, title: str | None) -> None:
    doc = parse_document(read_source(text))
    assert doc.source.format == fmt
    if title:
        assert doc.title == title
    assert_lossless(doc)


MD_PIECES = st.sampled_from(
    ["# 标题", "## 第一章 总则", "### 一、要求", "<!-- 注释 -->", "第一条 内容。", "（一）事项；", "1. 列表项",
     "- 条目", "---", "+++", "title: x", "正文一句。", "", "　", "## ", "#", "<!--", "-->", "===", "*强调*",
     "**第一条**　内容。", "**一是要。**正文。", "**", "## **二、要求**", "a: &x [1]", "b: *x",
     "**一、**", "总体要求", "关于做好2025年重点工作", "# 的通知", "附件：", "-", "结语", "**壹、**", "【要求，目标】"]
)


@pytest.mark.parametrize("text", ["**一、**\n总体要求\n\n正文内容很多。", "关于做好2025年重点工作\n# 的通知\n\n正文。",
                                  "附件：\n-\n结语"])
def test_markup_inside_a_joined_heading_or_title_is_that_elements_text(text: str) -> None:
    """A heading or title joined over two lines takes the markup of the joined line (``**``,
    ``# ``, ``-``) as its own text: the markup is not also a boilerplate element (found by the
    hostile red team)."""
    doc = parse_document(read_source(text.encode(), name="x.md"))
    assert_lossless(doc)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MD_PIECES, max_size=20), st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_markdown_is_lossless_on_anything(parts: list[str], nl: str) -> None:
    try:
        doc = parse_document(read_source(nl.join(parts) + nl, format="markdown"))
    except StudykitError:
        return
    assert_lossless(doc)


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
def test_bold_run_on_a_joined_line_stays_paragraph_text(nl: str) -> None:
    """Two lines of one Markdown paragraph, the second opening with ``**…**``: the ``**`` cut off
    that line is text of the joined paragraph, not a markup element inside it (found by the
    property test below)."""
    doc = parse_document(read_source(f"正文一句。{nl}**一是要。**正文。{nl}", format="markdown"))
    assert_lossless(doc)
    assert [p.text for p in doc.paragraphs] == [f"正文一句。{nl}**一是要。**正文。"]
    assert not any(b.kind == "markup" for b in doc.boilerplate)


# --- gov.cn pages and closing blocks ---------------------------------------------------------------------
def test_govcn_page_meta_title_and_closing() -> None:
    doc = load(CORPUS / "19-govcn-notice.html")
    assert_lossless(doc)
    data = outline_dict(doc)
    assert data["meta"]["doc_number"] == "东政办发〔2024〕12号" and data["meta"]["published"] == "2024-03-25"
    assert [c["kind"] for c in data["closing"]] == ["signature", "date", "note"]
    assert not any("索引号" in p.text or "此件" in p.text for p in doc.paragraphs)
    assert doc.title is not None and "\n" not in doc.title  # two centred lines joined


def test_json_additions_are_additive() -> None:
    data = outline_dict(load(CORPUS / "12-notice-attachments.txt"))
    assert {"title_block", "closing", "articles"} <= set(data)
    assert data["articles"] == []
    first = data["sections"][0]
    assert first["path"] == "0" and {"article", "item"} <= set(first["paragraphs"][0])
    law = outline_dict(load(CORPUS / "06-law-articles-only.md"))
    assert law["format"] == "markdown" and [a["label"] for a in law["articles"]] == ["第一条", "第二条", "第三条", "第四条"]
    assert [s["level"] for s in law["sections"]] == [0]
