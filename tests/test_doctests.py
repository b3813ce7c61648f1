"""The docstring examples of the analysis layer (and the text helpers they rely on) run as
doctests, so the numbers they show are the numbers studykit computes today."""

from __future__ import annotations

import doctest
import importlib
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    "studykit.analysis",
    "studykit.analysis.frequency",
    "studykit.analysis.keyness",
    "studykit.analysis.similarity",
    "studykit.analysis.association",
    "studykit.analysis.concordance",
    "studykit.analysis.patterns",
    "studykit.analysis.vocabulary",
    "studykit.text.reading",
    "studykit.text.segment",
]


_TABLES: dict[str, Any] = {}


def _shared_tokenize(document: Any, segmenter: Any = None) -> Any:
    """tokenize, remembered per text for the default segmenter: the examples tokenize the seed
    again and again, and each new segmenter loads jieba's dictionary (about a second)."""
    from studykit.text.tokens import tokenize

    if segmenter is not None:
        return tokenize(document, segmenter)
    if document.text not in _TABLES:
        _TABLES[document.text] = tokenize(document)
    return _TABLES[document.text].copy()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import studykit

    monkeypatch.chdir(ROOT)  # examples load seeds/… relative to the repository
    monkeypatch.setattr(studykit, "tokenize", _shared_tokenize, raising=False)
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, name)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
    if os.environ.get("STUDYKIT_DOCTEST_STRICT"):
        assert result.attempted > 0
