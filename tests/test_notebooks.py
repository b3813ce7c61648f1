"""Every notebook runs top to bottom in a real kernel, and each .ipynb matches its .py pair.

The jupytext pairs live in ``notebooks/py/`` (pyproject's ``[tool.jupytext]``), so JupyterLab's
file browser shows only the notebooks.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
EXPECTED = [
    "00-index", "01-structure", "02-term-frequency", "03-section-comparison",
    "04-keyword-in-context", "05-formulations", "06-your-own-document", "07-corpus",
]
pytestmark = pytest.mark.notebooks


def test_all_notebooks_present() -> None:
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


def test_py_twins_are_out_of_the_file_browsers_way() -> None:
    assert not list((ROOT / "notebooks").glob("*.py"))  # nothing next to the notebooks
    twins = sorted(p.stem for p in (ROOT / "notebooks" / "py").glob("*.py"))
    assert twins == [p.stem for p in NOTEBOOKS]
    import tomllib

    from jupytext.paired_paths import paired_paths

    formats = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["jupytext"]["formats"]
    paths = [p for p, _ in paired_paths("notebooks/02-term-frequency.ipynb", "ipynb", formats)]
    assert paths == ["notebooks/02-term-frequency.ipynb", "notebooks/py/02-term-frequency.py"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_pair_in_sync_and_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit without outputs"
    paired = jupytext.read(path.parent / "py" / f"{path.stem}.py")
    ours = [(c.cell_type, c.source.strip()) for c in nb.cells]
    theirs = [(c.cell_type, c.source.strip()) for c in paired.cells]
    assert ours == theirs, f"{path.name} and py/{path.stem}.py differ: run `jupytext --sync {path}`"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and code[0].source.strip().startswith("import studykit as sk")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of notebooks/ and seeds/ so executing never writes into the checkout."""
    base = tmp_path_factory.mktemp("nbrun")
    shutil.copytree(ROOT / "notebooks", base / "notebooks", ignore=shutil.ignore_patterns("exports", ".ipynb_checkpoints"))
    shutil.copytree(ROOT / "seeds", base / "seeds")
    return base / "notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_without_error(path: Path, workdir: Path, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(workdir / path.name, as_version=4)
    env_backup = dict(os.environ)
    os.environ.pop("MPLBACKEND", None)  # kernels must show charts inline
    os.environ["MPLCONFIGDIR"] = str(tmp_path / "mpl")
    os.environ["IPYTHONDIR"] = str(tmp_path / "ipython")
    try:
        client = NotebookClient(
            nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}},
            store_widget_state=True,
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"
    ]
    assert not errors, "\n".join(f"{e.ename}: {e.evalue}" for e in errors)
    if path.stem not in ("00-index",):
        state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
        models = state.get("state", {})
        names = {m.get("model_name") for m in models.values()}
        assert "VBoxModel" in names or "TabModel" in names, "the explorers' widget state was not saved"
