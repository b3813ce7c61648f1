"""Hostile input for the parser (issue 12, items 5, 8 and 21): line separators, huge heading
numbers, URLs in headings; front matter built to exhaust memory or recursion. Each test also checks that parsing stays lossless."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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


# --- front matter built to hurt (break finding 1, 15e) ---------------------------------------------
def _bomb(levels: int) -> str:
    """A YAML "billion laughs": each level lists nine aliases of the one below, 9**levels items."""
    lines = ["---", 'l0: &l0 ["哈哈哈哈","哈哈哈哈","哈哈哈哈","哈哈哈哈","哈哈哈哈","哈哈哈哈","哈哈哈哈","哈哈哈哈","哈哈哈哈"]']
    lines += [f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    lines += [f"title: [*l{levels - 1}]", "---", "", "一、总体要求", "加强领导。", ""]
    return "\n".join(lines)


def _md(text: str) -> Document:
    from studykit.document.read import read_source

    return parse_document(read_source(text, format="markdown"))


@pytest.mark.parametrize("levels", [2, 9, 30])
def test_yaml_aliases_in_front_matter_are_refused_with_one_line(levels: int) -> None:
    doc = _md(_bomb(levels))
    assert_lossless(doc)
    assert doc.title is None or len(doc.title) < 100
    assert len(doc.source.notes) == 1 and "\n" not in doc.source.notes[0]
    assert "YAML 别名" in doc.source.notes[0] and "aliases" in doc.source.notes[0]
    kept = [b for b in doc.boilerplate if b.kind == "markup"]
    assert kept[0].text == "---" and kept[1].text.startswith("l0: &l0") and kept[-1].text == "---"
    assert [(s.label, s.title) for s in doc.walk()] == [("一", "总体要求")]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("title: x\nv: " + "[" * 5000 + "]" * 5000, "嵌套"),  # PyYAML recursion
        ("title: x\nv:\n" + "".join(" " * k + f"k{k}:\n" for k in range(1, 60)), "嵌套"),
        ("title = \"x\"\nv = " + "[" * 900 + "]" * 900, "嵌套"),  # TOML
        ("title: x\nv: \"" + "长" * 70_000 + "\"", "KB"),
    ],
)
def test_deep_or_huge_front_matter_is_not_read(body: str, why: str) -> None:
    fence = "+++" if " = " in body.split("\n", 1)[0] else "---"
    doc = _md(f"{fence}\n{body}\n{fence}\n\n正文一段。\n")
    assert_lossless(doc)
    assert len(doc.source.notes) == 1 and why in doc.source.notes[0]
    assert doc.title != "x"


def test_declared_values_are_text_within_limits() -> None:
    doc = _md('---\ntitle: ["东川省", "2024年工作要点"]\nauthor: [张三, 李四]\nsource: {a: 1}\n'
              "keywords: x\ndate: 2024-03-01\nsummary: y\n---\n\n正文一段。\n")
    assert doc.title == "东川省 2024年工作要点" and doc.meta.author == "张三、李四"
    assert doc.meta.date == "2024-03-01" and "[" not in doc.title
    assert any("source" in n for n in doc.source.notes)  # a table is not text: noted, not used
    long = _md("---\ntitle: " + "题" * 3000 + "\n---\n\n正文。\n")
    assert long.title != "题" * 3000 and "过长" in long.source.notes[0]


def test_cli_outline_prints_the_note_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from studykit.cli.app import main

    path = tmp_path / "bomb.md"
    path.write_text(_bomb(9), encoding="utf-8")
    assert main(["outline", "--format", "json", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "aliases" in err
    assert json.loads(out)["notes"] == [err.removeprefix("studykit: ").rstrip("\n")]
