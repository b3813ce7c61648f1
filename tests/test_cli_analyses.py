"""The analyses from the command line: terms, kwic, compare, formulations in table/csv/json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studykit.cli import main

SEED = str(Path(__file__).resolve().parents[1] / "seeds" / "000_1776dd67e002c30c.txt")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_terms_json_and_by_section(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "terms", SEED, "--top", "5", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 5 and {"term", "count", "rate", "range"} <= set(rows[0])
    code, out, _ = run(capsys, "terms", SEED, "--by", "section", "--top", "3", "--format", "csv")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("section,term,count")
    assert {line.split(",")[0] for line in lines[1:]} >= {"一", "二", "三", "四"}


def test_kwic_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kwic", SEED, "党建", "--window", "8")
    assert code == 0 and "党建" in out and "match" in out
    code, out, _ = run(capsys, "kwic", SEED, "不存在的词")
    assert code == 0 and "no results" in out


def test_compare_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", SEED, "--target", "三", "--measure", "log_ratio", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows and rows[0]["statistic"] >= rows[-1]["statistic"]
    code, _, err = run(capsys, "compare", SEED, "--target", "五")
    assert code == 2 and "没有找到章节「五」" in err and "一 二 三 四" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "kwic", SEED, "(", "--regex")
    assert code == 2 and "无效的正则表达式" in err


def test_formulations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "formulations", SEED, "--format", "json")
    texts = {r["text"] for r in json.loads(out)}
    assert code == 0 and {"四个意识", "两个维护"} <= texts


def test_negative_numbers_are_refused_by_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as err:
        main(["terms", SEED, "--top", "-1"])
    assert err.value.code == 2 and "must be 1 or more" in capsys.readouterr().err
    with pytest.raises(SystemExit) as err:
        main(["kwic", SEED, "党建", "--window", "1.5"])
    message = capsys.readouterr().err
    assert err.value.code == 2 and "--window: 须是正整数 / must be a whole number" in message
    with pytest.raises(SystemExit) as err:
        main(["kwic", SEED, "党建", "--regex", "--timeout", "nan"])
    assert err.value.code == 2 and "--timeout" in capsys.readouterr().err


def test_text_tables_name_sections_as_the_document_does(capsys: pytest.CaptureFixture[str]) -> None:
    """The table format is for people: 标题, 导语 and the document's markers, not paths; csv and
    json keep the paths for code."""
    code, out, _ = run(capsys, "terms", SEED, "--by", "section", "--top", "40")
    first = {line.split()[0] for line in out.strip().splitlines()[1:]}
    assert code == 0 and {"标题", "导语", "一", "四"} <= first and "0" not in first
    code, out, _ = run(capsys, "kwic", SEED, "政协", "--window", "4")
    assert code == 0 and "导语" in out
    code, out, _ = run(capsys, "kwic", SEED, "(?<=人民)政协", "--regex", "--timeout", "5", "--format", "csv")
    assert code == 0 and ",0," in out  # csv keeps the preamble's path


def test_formulation_sections_read_as_markers() -> None:
    import studykit as sk

    doc = sk.load(text="通知\n\n要求增强“四个意识”。\n\n一、总体要求\n坚定“四个自信”，增强“四个意识”。\n")
    frame = sk.formulations(doc).to_frame().set_index("text")
    assert frame.loc["四个意识", "sections"] == "0 一"
    shown = sk.readable_table(sk.formulations(doc).to_frame(), doc).set_index("内容")
    assert shown.loc["四个意识", "所在章节"] == "导语 一"
