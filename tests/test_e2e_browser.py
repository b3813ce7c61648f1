"""Real JupyterLab in headless Chromium: run a notebook, move widgets, see the chart change.

The server, browser and page helpers are in ``e2e_lab.py``, shared with the other browser tests.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

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
__all__ = ["browser", "lab", "project"]  # fixtures used by the tests below


def test_term_frequency_notebook_in_chromium(browser: Any, lab: Lab) -> None:
    page = browser.new_page()
    try:
        open_notebook(page, lab, "02-term-frequency.ipynb")
        run_all(page)
        css = ".sk-term-explorer .sk-chart"
        first = chart_src(page, css)
        page.wait_for_function(
            "css => { const i = document.querySelector(css + ' img'); return i && i.complete && i.naturalWidth > 100; }",
            arg=css, timeout=60_000,
        )

        # Choose a single section in the section filter.
        label, key = json.loads(kernel(page, "import json; print(json.dumps(list(ex.sections.options[2])))"))
        default_top = int(kernel(page, "print(ex.top_n.value)"))
        page.select_option(".sk-term-explorer .sk-sections select", label=label)
        second = wait_change(page, css, first)
        # Move the top-N slider with the keyboard.
        page.click(".sk-term-explorer .sk-top-n .noUi-handle")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        wait_change(page, css, second)
        page.wait_for_function(
            "css => !document.querySelector(css).closest('.jp-Cell')?.querySelector('.jp-InputPrompt')?.textContent.includes('*')",
            arg=css, timeout=30_000,
        )
        # The kernel-side result matches the new settings, recomputed independently here.
        check = (
            "import json\n"
            f"exp = sk.term_frequencies(sk.select(table, sections=[{key!r}]), top=ex.top_n.value)\n"
            "print(json.dumps({'top_n': ex.top_n.value, 'sections': list(ex.sections.value),"
            " 'rows': len(ex.result), 'same': exp['term'].tolist() == ex.result['term'].tolist()"
            " and exp['count'].tolist() == ex.result['count'].tolist()}))"
        )
        for _ in range(20):  # the slider may still be syncing its last step
            state = json.loads(kernel(page, check).strip().splitlines()[-1])
            if state["top_n"] == default_top + 3:
                break
            time.sleep(0.25)
        assert state["top_n"] == default_top + 3
        assert state["sections"] == [key]
        assert state["same"] and state["rows"] > 0

        # Export: the status line names the file, and the PNG opens.
        page.click(".sk-term-explorer .sk-export button")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.sk-term-explorer .sk-status')].some(e => e.textContent.includes('.png'))",
            timeout=60_000,
        )
        files = json.loads(kernel(page, "import json; print(json.dumps([str(p) for p in ex.last_export]))").strip())
        png = [Path(f) for f in files if f.endswith(".png")]
        assert png and png[0].exists() and png[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        from PIL import Image

        with Image.open(png[0]) as im:
            assert im.size[0] > 100 and im.size[1] > 100
    except Exception:
        page.screenshot(path=str(lab.base / "02-term-frequency-failure.png"), full_page=True)
        print(f"screenshot and server log saved in {lab.base}")
        raise
    finally:
        page.close()


def test_kwic_notebook_in_chromium(browser: Any, lab: Lab) -> None:
    page = browser.new_page()
    try:
        open_notebook(page, lab, "04-keyword-in-context.ipynb")
        run_all(page)
        css = ".sk-kwic-explorer .sk-chart"
        first = chart_src(page, css)
        box = page.locator(".sk-kwic-explorer .sk-query input")
        box.click()
        box.fill("协商")
        box.press("Enter")
        wait_change(page, css, first)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.sk-kwic-explorer mark')].some(m => m.textContent === '协商')",
            timeout=60_000,
        )
        got = json.loads(kernel(page, "import json; print(json.dumps({'q': ex.query.value, 'n': len(ex.result), 'm': sorted(set(ex.result['match']))}))").strip())
        assert got["q"] == "协商" and got["n"] > 0 and got["m"] == ["协商"]
        page.click(".sk-kwic-explorer .sk-export button")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.sk-kwic-explorer .sk-status')].some(e => e.textContent.includes('.csv'))",
            timeout=60_000,
        )
        files = json.loads(kernel(page, "import json; print(json.dumps([str(p) for p in ex.last_export]))").strip())
        csv = [Path(f) for f in files if f.endswith(".csv")]
        assert csv and csv[0].read_bytes().startswith(b"\xef\xbb\xbf")
    except Exception:
        page.screenshot(path=str(lab.base / "04-kwic-failure.png"), full_page=True)
        print(f"screenshot and server log saved in {lab.base}")
        raise
    finally:
        page.close()
