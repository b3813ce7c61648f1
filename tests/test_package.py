"""Package-wide invariants: no global side effects, layering, a flat public face."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import studykit


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
    # Public names resolve to the functions whatever was imported first.
    for first in ("sk.FormulationExplorer", "__import__('studykit.explorers.terms')",
                  "__import__('studykit.analysis.concordance')"):
        code = (f"import studykit as sk; {first}; doc = sk.parse_document('标题\\n\\n一、总体要求\\n加强党建。推进工作。'); "
                "print(len(sk.kwic(doc, '党建')), len(sk.formulations(doc)) >= 0, callable(sk.explore))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.split() == ["1", "True", "True"], out.stderr


SRC = Path(__file__).resolve().parents[1] / "src" / "studykit"

# The layers of DESIGN.md's data flow, top to bottom. A module imports studykit modules only from its
# own layer or the layers above it; ``errors`` and ``zh`` are shared by all.
LAYERS = ("document", "text", "analysis", "corpus", "draw", "explorers", "cli")
SHARED = {"studykit.errors", "studykit.zh", "studykit._gc"}
DRAWING = {"matplotlib", "ipywidgets", "wordcloud", "IPython", "networkx"}


def _layer(module: str) -> int:
    parts = module.split(".")
    if module in SHARED or len(parts) < 2:
        return -1
    return LAYERS.index(parts[1])


def _imports(path: Path) -> list[str]:
    package = "studykit." + ".".join(path.relative_to(SRC).with_suffix("").parts[:-1])
    mods: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            mods += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            mods.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = package.rstrip(".").split(".")
            base = base[: len(base) - (node.level - 1)]
            mods.append(".".join([*base, node.module] if node.module else base))
    return mods


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("").parts
        if len(rel) > 1:
            out.append(("studykit." + ".".join(rel), path))
    return out


def test_layers_import_only_layers_above() -> None:
    assert {m.split(".")[1] for m, _ in _modules()} <= set(LAYERS)
    for name, path in _modules():
        own = _layer(name)
        for m in _imports(path):
            if m.startswith("studykit."):  # the root itself is lazy and light (``__version__``)
                assert _layer(m) <= own, f"{name} (layer {LAYERS[own]}) imports {m} from a layer below"


def test_analysis_layers_never_import_drawing_or_widgets() -> None:
    for name, path in _modules():
        if _layer(name) > LAYERS.index("corpus"):
            continue
        for m in _imports(path):
            assert m.split(".")[0] not in DRAWING, f"{name} imports {m}"


def test_no_module_shares_a_public_name() -> None:
    """``sk.kwic`` is a function, so no module or folder directly under studykit is called kwic."""
    top = {p.stem for p in SRC.iterdir() if p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())}
    assert top.isdisjoint(studykit.__all__), top & set(studykit.__all__)


def test_the_garbage_collector_is_left_as_it_was() -> None:
    """Parsing and formulations pause the cyclic collector while they run (their objects form
    no cycles) and leave it as they found it: on, off, or after an error."""
    import gc

    import studykit as sk
    from studykit._gc import gc_paused

    text = "标题\n\n一、总体要求\n\n坚持“两个确立”，做到“两个维护”。\n"
    assert gc.isenabled()
    doc = sk.load(text=text)
    sk.formulations(doc)
    assert gc.isenabled()
    gc.disable()
    try:
        sk.formulations(sk.load(text=text))
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
    with pytest.raises(sk.StudykitError):
        sk.formulations(doc, min_count=0)
    assert gc.isenabled()
