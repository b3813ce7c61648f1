"""The command line: the outline contract, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studykit.cli import main

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_1776dd67e002c30c.txt"


def test_outline_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outline", str(SEED), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # The contract only grows: every field of the first version is there, unchanged.
    assert set(data) >= {"title", "meta", "byline", "encoding", "format", "boilerplate", "sections"}
    assert data["title"] == "推动政协党建与履职工作深度融合"
    assert data["meta"].items() >= {"date": "2020-12-16", "time": "10:20:27", "source": "广西日报", "author": "杜伟"}.items()
    assert data["format"] == "text" and data["encoding"] == "utf-8"
    text = SEED.read_text(encoding="utf-8")
    for b in data["boilerplate"]:
        assert text[b["start"] : b["end"]] == b["text"]
    secs = data["sections"]
    assert [s["level"] for s in secs] == [0, 1, 1, 1, 1]
    assert [s["label"] for s in secs] == [None, "一", "二", "三", "四"]
    paras = [p for s in secs for p in s["paragraphs"]]
    assert len(paras) == 16 and sum(1 for p in paras if p["lead"]) == 11
    for p in paras:
        assert text[p["start"] : p["end"]] == p["text"] and p["sentences"] >= 1
    assert all(set(s) >= {"level", "label", "title", "start", "end", "paragraphs", "children"} for s in secs)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_outline_text_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outline", str(SEED), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "推动政协党建与履职工作深度融合" in out and "四 加强政协党建与履职融合的制度保障" in out
    if fmt == "markdown":
        assert out.startswith("# 推动政协党建") and "## 一 " in out and "- 加强党对政协工作的全面领导" in out


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        (lambda d: d / "missing.txt", "missing.txt"),
        (lambda d: d, str(Path("x")).strip("x") or "/"),
        (lambda d: _write(d / "empty.txt", b"  \n\t\n"), "empty.txt"),
        (lambda d: _write(d / "bin.dat", bytes(range(256)) * 20), "bin.dat"),
    ],
)
def test_bad_input_is_one_line_without_traceback(tmp_path: Path, setup, needle: str) -> None:  # type: ignore[no-untyped-def]
    path = setup(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "studykit", "outline", str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1 and needle in err
    assert "/" in err or "：" in err


def test_bad_encoding_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "gbk.txt", "政协党建与履职工作深度融合".encode("gb18030"))
    assert main(["outline", str(path), "--encoding", "utf-8"]) == 2
    assert "gbk.txt" in capsys.readouterr().err
    assert main(["outline", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["encoding"] == "gb18030"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_an_argument_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["terms"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1 and "usage" not in err
    assert err.startswith("studykit terms: 参数有误 / ") and "--help" in err
