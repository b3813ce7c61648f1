"""Hostile command lines (issue 12 items 6, 7, 20): one line on stderr, exit 2, never a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studykit.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_1776dd67e002c30c.txt"
BODY = "推动政协党建与履职工作深度融合。坚持党的领导，加强理论武装，凝聚思想共识。" * 5


def studykit(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
             cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "studykit", *args], input=stdin, capture_output=True, check=False,
        timeout=120, env=env, cwd=cwd,
    )


def one_error_line(proc: subprocess.CompletedProcess[bytes]) -> str:
    err = proc.stderr.decode("utf-8").strip()
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert proc.stdout == b""
    return err


@pytest.mark.parametrize(
    "args",
    [
        ("terms", "reports/missing.pdf"),
        ("outline", "no_such_report.docx"),
        ("kwic", "missing.txt", "党建"),
        ("compare", "政府工作报告", "--target", "一"),
        ("formulations", "报告 2024"),
    ],
)
def test_item6_a_missing_path_fails_with_one_line_whatever_its_extension(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(list(args)) == 2
    out = capsys.readouterr()
    assert out.out == "" and len(out.err.strip().splitlines()) == 1
    assert args[1] in out.err and "no such file" in out.err
    assert "text=" not in out.err  # no API advice on the command line


def test_item6_as_a_process_exits_2_without_traceback(tmp_path: Path) -> None:
    err = one_error_line(studykit("terms", "reports/missing.pdf", cwd=tmp_path))
    assert "reports/missing.pdf" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.timeout(120)
def test_item7_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    err = one_error_line(studykit("outline", str(fifo)))
    assert "FIFO" in err


def _broken_gbk(tmp_path: Path) -> Path:
    raw = BODY.encode("gb18030")
    path = tmp_path / "broken.txt"
    path.write_bytes(raw[:40] + b"\xff" + raw[40:])
    return path


@pytest.mark.parametrize(
    "command", [("terms",), ("kwic", "党建"), ("compare", "--target", "0"), ("formulations",), ("outline",)]
)
def test_item20_every_command_takes_encoding_and_errors(
    command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(_broken_gbk(tmp_path))
    name, *rest = command
    assert main([name, path, *rest]) == 2
    err = capsys.readouterr().err
    assert "--errors replace" in err and 'errors="replace"' not in err
    assert main([name, path, *rest, "--errors", "replace", "--format", "json"]) == 0
    out = capsys.readouterr()
    assert out.err == "" and json.loads(out.out) is not None
    good = tmp_path / "gbk.txt"
    good.write_bytes(BODY.encode("gb18030"))
    assert main([name, str(good), *rest, "--encoding", "utf-8"]) == 2
    assert "--encoding gb18030" in capsys.readouterr().err
    assert main([name, str(good), *rest, "--encoding", "gb18030"]) == 0


def test_item20_max_bytes_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["terms", str(SEED), "--max-bytes", "1000"]) == 2
    assert "--max-bytes " in capsys.readouterr().err


def test_standard_input_is_read_with_a_dash() -> None:
    proc = studykit("terms", "-", "--top", "3", "--format", "json", stdin=SEED.read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert [r["term"] for r in json.loads(proc.stdout)][:2] == ["工作", "政协"]
    assert "no such file" not in studykit("outline", "-", stdin=b"").stderr.decode()


def test_output_survives_a_terminal_that_cannot_show_chinese() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    proc = studykit("terms", str(SEED), "--top", "2", env=env)
    assert proc.returncode == 0 and "工作".encode() in proc.stdout
    err = one_error_line(studykit("terms", "缺失.txt", env=env))
    assert "no such file" in err and ("缺失.txt" in err or "\\u7f3a\\u5931.txt" in err)


@pytest.mark.skipif(os.name == "nt", reason="POSIX pipes")
def test_a_closed_pipe_is_not_a_traceback() -> None:
    """`| true` has left before studykit writes: the write meets a closed pipe."""
    proc = subprocess.run(
        f"{sys.executable} -m studykit outline {SEED} --format json | true",
        shell=True, capture_output=True, check=False, timeout=120,
    )
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr, proc.stderr


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="no /dev/stdin")
def test_a_pipe_named_as_a_file_points_to_the_dash() -> None:
    err = one_error_line(studykit("terms", "/dev/stdin", stdin=SEED.read_bytes()))
    assert "pass - as PATH" in err


@pytest.mark.skipif(not Path("/dev/full").exists() or os.name == "nt", reason="no /dev/full")
@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
def test_output_that_cannot_be_written_is_one_line(redirect: str) -> None:
    proc = subprocess.run(
        f"{sys.executable} -m studykit outline {SEED} {redirect}",
        shell=True, capture_output=True, check=False, timeout=120,
    )
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "cannot write the output" in err


def test_a_query_the_terminal_could_not_decode_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    query = b"\xff\xfe".decode("utf-8", "surrogateescape")  # how Python hands such argv bytes over
    assert main(["kwic", str(SEED), query]) == 2
    err = capsys.readouterr().err
    assert "not valid UTF-8" in err and len(err.strip().splitlines()) == 1
