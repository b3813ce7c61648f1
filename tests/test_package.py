"""Package-wide invariants: no global side effects, layering, a flat public face."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import studykit

SRC = Path(__file__).resolve().parents[1] / "src" / "studykit"


def test_import_changes_nothing() -> None:
    code = r"""
import os, sys, logging
cwd = os.getcwd()
import matplotlib
before = dict(matplotlib.rcParams)
import jieba
dt = jieba.dt
init = jieba.dt.initialized
level = logging.getLogger("jieba").level
import studykit as sk
assert os.getcwd() == cwd
assert dict(matplotlib.rcParams) == before
assert jieba.dt is dt and jieba.dt.initialized == init
assert logging.getLogger("jieba").level == level
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_import_is_light() -> None:
    code = "import sys, studykit; print(sorted(m for m in ('pandas','matplotlib','jieba','ipywidgets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_public_name_resolves() -> None:
    missing = [n for n in studykit.__all__ if not hasattr(studykit, n)]
    assert missing == []
    # Names shared by a module and its function resolve to the function, in any import order.
    for first in ("sk.FormulationExplorer", "__import__('studykit.explore').explore.TermExplorer",
                  "__import__('studykit.kwic').kwic.KwicResult"):
        code = (f"import studykit as sk; {first}; doc = sk.parse_document('标题\\n\\n一、总体要求\\n加强党建。推进工作。'); "
                "print(len(sk.kwic(doc, '党建')), len(sk.formulations(doc)) >= 0, callable(sk.explore))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.split() == ["1", "True", "True"], out.stderr


ANALYSE = ("read", "parse", "model", "zh", "segment", "tokens", "stats", "kwic", "formulations", "outline", "errors")
DRAWING = {"matplotlib", "ipywidgets", "wordcloud", "IPython", "networkx"}


def test_analysis_layer_never_imports_drawing_or_widgets() -> None:
    for name in ANALYSE:
        path = SRC / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods: list[str] = []
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                mods = [node.module]
            elif isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                mods = ["studykit." + node.module]
            for m in mods:
                assert m.split(".")[0] not in DRAWING, f"{name}.py imports {m}"
                assert m not in {"studykit.plot", "studykit.cloud", "studykit.explore", "studykit.fonts", "studykit.export"}, f"{name}.py imports {m}"
