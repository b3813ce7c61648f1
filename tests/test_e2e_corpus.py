"""Real JupyterLab in headless Chromium: the corpus explorer switches view and opens a term's KWIC
across the corpus. Server, browser and page helpers come from ``e2e_lab.py``. The notebook here is
the explorer cell of ``07-corpus`` alone (the whole notebook runs in ``test_notebooks``), so the
browser test stays short."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from e2e_lab import (
    Lab,
    browser,
    chart_src,
    kernel,
    lab,
    open_notebook,
    project,
    require_chromium,
    run_all,
    wait_change,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
require_chromium()
__all__ = ["browser", "lab", "project"]  # fixtures used by the test below

EXPLORER = ".sk-corpus-explorer"
CELL = """import studykit as sk

corpus = sk.load_corpus("data/青川市", metadata="data/青川市/metadata.csv")
ex = sk.CorpusExplorer(corpus, terms=["高质量发展", "脱贫攻坚", "新质生产力"])
ex"""


def test_corpus_explorer_in_chromium(browser: Any, lab: Lab, project: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, project / "notebooks" / "corpus-explorer.ipynb")
    page = browser.new_page()
    try:
        open_notebook(page, lab, "corpus-explorer.ipynb")
        run_all(page)
        css = f"{EXPLORER} .sk-chart"
        first = chart_src(page, css)
        page.wait_for_function(
            "css => { const i = document.querySelector(css + ' img'); return i && i.complete && i.naturalWidth > 100; }",
            arg=css, timeout=60_000,
        )
        # Switch the view to keyness with its toggle button: the one figure is redrawn.
        page.click(f"{EXPLORER} .sk-view button:has-text('关键词')")
        wait_change(page, css, first)
        check = (
            "import json\n"
            "exp = sk.keyness(corpus, target=ex.target.value)\n"
            "print(json.dumps({'view': ex.view.value, 'target': ex.target.value,"
            " 'same': exp['term'].tolist() == ex.result['term'].tolist(), 'rows': len(ex.result),"
            " 'pick': [v for _, v in ex.picker.options][1:3]}, ensure_ascii=False))"
        )
        state = json.loads(kernel(page, check).strip().splitlines()[-1])
        assert state["view"] == "keyness" and state["target"] == "year=2024"
        assert state["same"] and state["rows"] > 0
        # Pick a term: its KWIC across the corpus appears, each hit with its document.
        term = state["pick"][0]
        page.select_option(f"{EXPLORER} .sk-picker select", label=term)
        page.wait_for_function(
            "t => [...document.querySelectorAll('.sk-corpus-kwic mark')].some(m => m.textContent === t)",
            arg=term, timeout=60_000,
        )
        got = json.loads(kernel(page, "import json; print(json.dumps({'docs': sorted(set(ex.kwic_table['doc'])),"
                                      " 'match': sorted(set(ex.kwic_table['match']))}, ensure_ascii=False))").strip())
        assert got["match"] == [term] and "2024" in got["docs"]
        rows = page.locator(".sk-corpus-kwic tbody tr").count()
        assert rows == int(kernel(page, "print(len(ex.kwic_table))").strip())
    except Exception:
        page.screenshot(path=str(lab.base / "corpus-explorer-failure.png"), full_page=True)
        print(f"screenshot and server log saved in {lab.base}")
        raise
    finally:
        page.close()
