"""The regression corpus: every document in tests/corpus/ parses as its expected outline says.

tests/corpus/ holds documents written for this project (fictional places and agencies, shapes
taken from real documents) with an expected outline beside each (format: docs/outline-json.md).
The test prints the per-document table that ``studykit outline --check tests/corpus`` prints and
fails when any document falls short of its expected outline.

When the shared development corpus exists (``../shared/corpus`` beside the repository, or
``STUDYKIT_SHARED_CORPUS``), its 54 real documents are scored against
``benchmarks/shared-expected/`` too, and none may fall below the level recorded there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studykit.cli.app import main
from studykit.document.scoring import check_folder, score_table

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SHARED = Path(os.environ.get("STUDYKIT_SHARED_CORPUS") or ROOT.parent / "shared" / "corpus")
SHARED_EXPECTED = ROOT / "benchmarks" / "shared-expected"
# Shared documents a careful reader outlines differently from the parser, with the reason.
SHARED_KNOWN = {
    "provincial-2026/浙江省.txt": "1.–10. livelihood projects under （九） are taken for headings",
}


def test_regression_corpus() -> None:
    scores = check_folder(CORPUS)
    table = score_table(scores)
    print(table)
    assert len(scores) >= 40
    failed = [s for s in scores if not s.ok]
    assert not failed, "documents below their expected outline:\n" + table


def test_every_shape_of_issue_8_has_documents() -> None:
    notes = " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.expected.json"))
    for shape in ("law", "list", "附件", "one a line", "gov.cn", "subtitle", "front matter",
                  "standalone", "line breaks were all stripped", "sentence or clause a line"):
        assert shape in notes, f"no document in tests/corpus covers {shape!r}"
    formats = {p.suffix for p in CORPUS.iterdir() if not p.name.endswith(".json")}
    assert {".txt", ".md", ".html"} <= formats


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"the shared corpus {SHARED} is not here (not part of a clone)")
def test_shared_corpus_does_not_regress() -> None:
    scores = check_folder(SHARED, expected_dir=SHARED_EXPECTED)
    print(score_table(scores))
    assert len(scores) == 54
    wrong = {s.name for s in scores if not s.reader_ok}
    assert wrong <= set(SHARED_KNOWN), f"no longer parsed as a reader would: {sorted(wrong - set(SHARED_KNOWN))}"


def test_outline_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("标题\n\n一、总体要求\n加强领导。\n二、主要任务\n推进改革。\n", encoding="utf-8")
    (folder / "a.expected.json").write_text(
        '{"title": "标题", "headings": [[1, "一", "总体要求"], [1, "二", "主要任务"]], "paragraphs": 2}',
        encoding="utf-8",
    )
    assert main(["outline", "--check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "a.txt" in out and "1 documents: 1 parse as a reader would" in out
    (folder / "a.expected.json").write_text('{"title": "别的标题", "headings": [[1, "一", "总体要求"]]}', encoding="utf-8")
    assert main(["outline", "--check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "title '标题' ≠ '别的标题'" in out and "1 extra heading(s)" in out
    assert main(["outline", "--check", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    (folder / "a.expected.json").write_text("{not json", encoding="utf-8")
    assert main(["outline", "--check", str(folder)]) == 2
    assert "cannot read the expected outline" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("expected", "says"),
    [
        ('{"title": ["x"]}', "'title' must be a string"),
        ('{"sections": 5}', "unknown key 'sections'"),
        ('{"note": "only a note"}', "checks nothing"),
        ('{"meta": {"date": 2024}}', "meta 'date' must be"),
        ('{"meta": {"dat": "2024-01-01"}}', "unknown meta key 'dat'"),
        ('{"headings": [[1, "一"]]}', "must be [level, label, title]"),
        ('{"headings": "一"}', "'headings' must be a list"),
        ('{"paragraphs": "2"}', "'paragraphs' must be"),
        ('{"paragraphs": [1]}', "'paragraphs' must be"),
        ('{"articles": true}', "'articles' must be a count"),
        ('{"snippets": [{"text": "加强", "in": "paragraph", "nth": 0}]}', "'nth' has the wrong type"),
        ('{"snippets": [{"txt": "加强"}]}', "non-empty 'text'"),
        ('{"traps": [{"text": "加强", "not": "heading"}]}', "unknown key 'not'"),
        ("[1, 2]", "JSON object"),
    ],
)
def test_outline_check_refuses_a_malformed_expected_outline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expected: str, says: str
) -> None:
    """Break finding 15d: a wrong expected file is one line and exit 2, never a traceback or a pass."""
    (tmp_path / "a.txt").write_text("标题\n\n一、总体要求\n加强领导。\n", encoding="utf-8")
    (tmp_path / "a.expected.json").write_text(expected, encoding="utf-8")
    assert main(["outline", "--check", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and says in captured.err
    assert "a.expected.json" in captured.err and "预期大纲" in captured.err
