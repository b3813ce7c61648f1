"""Hostile input for the parser (issue 12, items 5, 8 and 21): line separators, huge heading
numbers, URLs in headings. Each test also checks that parsing stays lossless."""

from __future__ import annotations

from lossless import assert_lossless

from studykit.document.model import Document, Source
from studykit.document.parse import parse_document


def _doc(text: str) -> Document:
    return parse_document(Source(text, "<hostile>", "utf-8"))


def test_line_and_paragraph_separators_are_line_breaks() -> None:
    """Item 5: U+2028 (line separator) and U+2029 (paragraph separator) break lines, losslessly."""
    text = ("关于加强基层治理的意见\u2029一、总体要求\u2028坚持党的领导。加强组织建设。\u2029"
            "二、主要任务\u2028健全网格化管理。\u2029完善服务体系。\u2029")
    doc = _doc(text)
    assert_lossless(doc)
    assert doc.title == "关于加强基层治理的意见"
    assert [(s.label, s.title) for s in doc.walk()] == [("一", "总体要求"), ("二", "主要任务")]
    assert [p.text for p in doc.paragraphs] == ["坚持党的领导。加强组织建设。", "健全网格化管理。", "完善服务体系。"]
    assert doc.paragraphs[0].lead == "坚持党的领导。"


def test_a_heading_number_of_thousands_of_digits_is_text_not_a_crash() -> None:
    """Item 8 (first half): numbers past Python's 4,300-digit int() limit are never converted."""
    huge = "9" * 5000
    text = f"标题\n\n第{huge}章 总则\n正文一。\n\n{huge}、要求\n正文二。\n\n（{huge}）措施\n\n{'一' * 5000}、条目\n"
    doc = _doc(text)
    assert_lossless(doc)
    assert [s.level for s in doc.walk()] == [0]
    assert sum(len(p.text) for p in doc.paragraphs) > 20000


def test_a_colon_inside_a_url_does_not_cut_a_heading() -> None:
    """Item 21: 一、详见http://… keeps its whole URL in the heading title."""
    url = "http://www.example.gov.cn/zhengce/2024-05/20/content_12345.htm"
    doc = _doc(f"关于公开征求意见的通知\n\n一、详见{url}\n请于5月底前反馈意见。\n二、联系方式：010-12345678\n")
    assert_lossless(doc)
    sections = list(doc.walk())
    assert sections[0].title == f"详见{url}"
    assert sections[0].heading is not None and sections[0].heading.text == f"一、详见{url}"
    # An ordinary colon still ends a heading.
    assert sections[1].title == "联系方式" and sections[1].paragraphs[0].text == "010-12345678"
