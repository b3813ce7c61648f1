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
