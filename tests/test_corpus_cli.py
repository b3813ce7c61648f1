"""``studykit corpus build|terms|trend|compare`` and ``studykit diff``: output and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studykit.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "notebooks" / "data" / "青川市"
VERSIONS = ROOT / "notebooks" / "data" / "青川市-版本"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("cli-cache"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_then_query_from_the_cache(capsys: pytest.CaptureFixture[str], cache: str) -> None:
    code, out, _ = run(capsys, "corpus", "build", str(SAMPLE), "--metadata", str(SAMPLE / "metadata.csv"),
                       "--cache", cache)
    assert code == 0 and "6 篇文档 / documents" in out and "built 6" in out and "year mayor plan" in out
    code, out, _ = run(capsys, "corpus", "build", str(SAMPLE), "--cache", cache)
    assert code == 0 and "built 0" in out
    code, out, _ = run(capsys, "corpus", "terms", str(SAMPLE), "--by", "year", "--top", "2", "--min-len", "2",
                       "--cache", cache, "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 12 and set(rows[0]) == {"year", "term", "count", "rate", "documents", "dp", "juilland_d"}
    code, out, _ = run(capsys, "corpus", "trend", str(SAMPLE), "高质量发展", "新质生产力", "--cache", cache,
                       "--format", "csv")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0] == "year,term,count,rate,documents,group_documents,tokens" and len(lines) == 13
    assert lines[-1].startswith("2024,新质生产力,2,")
    code, out, _ = run(capsys, "corpus", "compare", str(SAMPLE), "--metadata", str(SAMPLE / "metadata.csv"),
                       "--target", "mayor=周敏", "--reference", "mayor=林远", "--top", "3", "--cache", cache)
    assert code == 0 and out.splitlines()[1].split()[0] == "共同富裕"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["corpus", "terms", "/no/such/folder"], "no folder or file"),
        (["corpus", "trend", str(SAMPLE), "发展", "--by", "province"], "cannot group by 'province'"),
        (["corpus", "compare", str(SAMPLE), "--target", "1999"], "no document"),
        (["corpus", "build", str(SAMPLE), "--scheduler", "gpu"], "unknown scheduler"),
        (["diff", str(VERSIONS / "2024-定稿.txt"), "nothere.txt"], "nothere.txt"),
    ],
)
def test_errors_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], cache: str, argv: list[str],
                                        message: str) -> None:
    extra = ["--cache", cache] if argv[0] == "corpus" else []
    code, out, err = run(capsys, *argv, *extra)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("studykit: ") and message in err and " / " in err


def test_diff_formats(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = str(VERSIONS / "2024-征求意见稿.txt"), str(VERSIONS / "2024-定稿.txt")
    code, out, _ = run(capsys, "diff", old, new)
    assert code == 0 and out.startswith("--- 2024-征求意见稿.txt\n+++ 2024-定稿.txt\n")
    assert "- 疫情防控平稳转段，群众就医用药需求得到较好保障。" in out and "+ （三）着力扩大有效需求" in out
    assert "~ 地区生产总值增长6.[-1-]{+2+}%" in out
    code, out, _ = run(capsys, "diff", old, new, "--format", "json")
    data = json.loads(out)
    assert data["counts"]["added"] == 3 and {c["op"] for c in data["changes"]} == {"changed", "added", "removed"}
    code, out, _ = run(capsys, "diff", old, new, "--format", "html")
    assert out.startswith("<!DOCTYPE html>") and "<del>" in out and "<ins>" in out and "charset='utf-8'" in out


def test_prune_says_what_it_removed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    assert run(capsys, "corpus", "build", str(SAMPLE), "--cache", cache)[0] == 0
    code, out, _ = run(capsys, "corpus", "prune", "--cache", cache, "--dry-run")
    assert code == 0 and out.startswith("可清理 0 个缓存条目") and "keeping 6" in out
    code, out, _ = run(capsys, "corpus", "prune", "--cache", cache, "--days", "0")
    assert code == 0 and "removed 6 entries" in out and "kept 0" in out
    with pytest.raises(SystemExit) as exit_:
        main(["corpus", "prune", "--days", "soon"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "give a number of days" in err and "须是" in err
