"""The README stands alone: every command line in it runs as written, it links nowhere outside the
project, and the files it names exist. ``make lab`` warns when there is no Chinese system font."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    """``studykit …`` lines of the README's sh blocks and inline code, as written."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    lines = [ln.split(" #")[0].strip() for b in blocks for ln in b.splitlines()]  # as sh reads a comment
    inline = re.findall(r"`(\.venv/bin/studykit [^`]+)`", README)
    found = [ln for ln in lines if ln.startswith((".venv/bin/studykit ", "studykit "))] + inline
    return list(dict.fromkeys(found))


COMMANDS = _commands()


def test_the_readme_has_command_examples() -> None:
    assert len(COMMANDS) >= 6
    for verb in ("outline", "terms", "kwic", "compare", "formulations"):
        assert any(f"studykit {verb} " in c for c in COMMANDS), verb


@pytest.mark.parametrize("command", COMMANDS)
def test_every_cli_example_runs_as_written(command: str) -> None:
    args = command.split()
    # `.venv/bin/studykit` is this environment's entry point: run it through this interpreter.
    proc = subprocess.run([sys.executable, "-m", "studykit", *args[1:]], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()


def test_no_links_outside_the_project() -> None:
    assert not re.search(r"https?://", README)
    assert "../" not in README
    for target in re.findall(r"\]\(([^)]+)\)", README):
        assert (ROOT / target).exists(), target


@pytest.mark.parametrize("path", ["docs/outline-json.md", "benchmarks/README.md", "notebooks/你的文件.txt",
                                  "notebooks/py", "src/studykit/explorers/clickable.py"])
def test_files_the_readme_names_exist(path: str) -> None:
    assert path in README or Path(path).name in README
    assert (ROOT / path).exists()


def test_no_test_count_that_can_go_stale() -> None:
    assert not re.search(r"\b\d{3,} tests\b", README)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("fonts", "warned"), [("", True), ("/usr/share/fonts/x.ttc: Noto Sans CJK SC\n", False)])
def test_make_lab_warns_without_a_chinese_font(tmp_path: Path, fonts: str, warned: bool) -> None:
    fake = tmp_path / "fc-list"
    fake.write_text(f"#!/bin/sh\nprintf '{fonts}'\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(["make", "-s", "fontcheck"], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 0
    assert ("fonts-noto-cjk" in proc.stdout) is warned
