"""Real JupyterLab in headless Chromium: run a notebook, move widgets, see the chart change.

The server, browser and page helpers are in ``e2e_lab.py``, shared with the other browser tests.
Besides the controls, these tests click where a person clicks: a bar of the chart (at its place
in the picture), a concordance line, the export button with three formats ticked, a dashboard
bar, the paste box. Each test saves a screenshot of what it ended on next to the server log
(and into ``$STUDYKIT_SCREENSHOTS`` when that is set).
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def lab_page(browser: Any, lab: Lab, failure: str) -> Iterator[Any]:
    """A new page; on failure a full screenshot is saved next to the server log."""
    page = browser.new_page()
    try:
        yield page
    except Exception:
        page.screenshot(path=str(lab.base / failure), full_page=True)
        print(f"screenshot and server log saved in {lab.base}")
        raise
    finally:
        page.close()


def test_term_frequency_notebook_in_chromium(browser: Any, lab: Lab) -> None:
    with lab_page(browser, lab, "02-term-frequency-failure.png") as page:
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
        # The slider may still be syncing its last step, and ipykernel 7 may run this check while
        # the explorer is still redrawing for it (widget messages are not serialised with
        # execute requests), so poll until the settings and the result agree, or time out.
        for _ in range(60):
            state = json.loads(kernel(page, check).strip().splitlines()[-1])
            if state["top_n"] == default_top + 3 and state["same"]:
                break
            time.sleep(0.25)
        assert state["top_n"] == default_top + 3
        assert state["sections"] == [key]
        assert state["same"] and state["rows"] > 0, state

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
        check_fits_links_exports(page, lab)


def test_kwic_notebook_in_chromium(browser: Any, lab: Lab) -> None:
    with lab_page(browser, lab, "04-kwic-failure.png") as page:
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
        check_reader(page, lab)


# --- issue 11: charts that fit, views that link, exports, your own document ------------------------
def shot(page: Any, lab: Lab, name: str, css: str | None = None) -> Path:
    """A screenshot of the page (or of one explorer), kept with the server log."""
    path = lab.base / f"{name}.png"
    if css:
        # JupyterLab scrolls inside its panel: a tall window shows the whole explorer at once.
        size = page.viewport_size
        page.set_viewport_size({"width": 1400, "height": 2600})
        try:
            element = page.locator(css).first
            element.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            element.screenshot(path=str(path))
        finally:
            page.set_viewport_size(size)
    else:
        page.screenshot(path=str(path), full_page=False)
    extra = os.environ.get("STUDYKIT_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        (Path(extra) / path.name).write_bytes(path.read_bytes())
    return path


def natural_size(page: Any, css: str) -> tuple[int, int]:
    w, h = page.eval_on_selector(f"{css} img", "e => [e.naturalWidth, e.naturalHeight]")
    return int(w), int(h)


def shown_size(page: Any, css: str) -> tuple[float, float]:
    box = page.locator(f"{css} img").bounding_box()
    return float(box["width"]), float(box["height"])


def click_region(page: Any, css: str, key: str) -> None:
    """Click the chart's picture where ``key`` is drawn (the region box the kernel computed)."""
    img = page.locator(f"{css} img")
    img.scroll_into_view_if_needed()
    region = page.locator(f"{css} .sk-region[data-key={json.dumps(key, ensure_ascii=False)}]")
    region.wait_for(state="attached", timeout=30_000)
    box = img.bounding_box()
    x0, y0, x1, y1 = (float(region.evaluate(f"e => parseFloat(e.style.{k})")) / 100 for k in ("left", "top", "width", "height"))
    page.mouse.click(box["x"] + (x0 + x1 / 2) * box["width"], box["y"] + (y0 + y1 / 2) * box["height"])


def wait_idle(page: Any) -> None:
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
        timeout=60_000, polling=200,
    )


def check_fits_links_exports(page: Any, lab: Lab) -> None:
    """Bars -> cloud -> bars keeps the chart; a click on a bar opens its contexts; one export
    writes PNG, SVG and PDF under one stem with links into JupyterLab."""
    css = ".sk-term-explorer .sk-chart"
    first = chart_src(page, css)
    page.wait_for_function(
        "css => { const i = document.querySelector(css + ' img'); return i && i.complete && i.naturalWidth > 100; }",
        arg=css, timeout=60_000,
    )
    bars_png, bars_shown = natural_size(page, css), shown_size(page, css)
    assert bars_png[0] > bars_png[1] and bars_shown[0] > 400  # a wide, readable chart
    shot(page, lab, "02-terms-bars", ".sk-term-explorer")

    # Bars -> cloud -> bars: the chart comes back exactly as wide and tall as it was.
    page.click(".sk-term-explorer .sk-view button:has-text('词云')")
    cloud = wait_change(page, css, first)
    page.wait_for_function("css => document.querySelector(css + ' img').naturalWidth > 100", arg=css)
    assert len(page.locator(f"{css} .sk-region").all()) > 5  # the words are clickable
    shot(page, lab, "02-terms-cloud", ".sk-term-explorer")
    page.click(".sk-term-explorer .sk-view button:has-text('条形图')")
    wait_change(page, css, cloud)
    loaded = "css => { const i = document.querySelector(css + ' img'); return [i.complete, i.naturalWidth, i.naturalHeight]; }"
    for _ in range(120):  # the new PNG loads from a blob URL
        state = page.evaluate(loaded, css)
        if state[0] and state[1] > 0:
            break
        page.wait_for_timeout(250)
    assert (state[1], state[2]) == bars_png, (state, bars_png)
    again = shown_size(page, css)
    assert again[0] == pytest.approx(bars_shown[0], rel=0.02) and again[1] == pytest.approx(bars_shown[1], rel=0.02)
    state = json.loads(kernel(page, "import json; a = ex.figure.axes[0]; print(json.dumps([str(a.get_aspect()), a.get_position().width]))").strip())
    assert state[0] == "auto" and state[1] > 0.7

    # A click on the second bar opens that term's contexts below the chart.
    term = json.loads(kernel(page, "import json; print(json.dumps(ex.result['term'].iloc[1]))").strip())
    click_region(page, css, term)
    page.wait_for_selector(".sk-term-explorer .sk-contexts .sk-kwic-explorer", timeout=60_000)
    page.wait_for_function(
        "t => [...document.querySelectorAll('.sk-term-explorer .sk-contexts mark')].some(m => m.textContent === t)",
        arg=term, timeout=60_000,
    )
    got = json.loads(kernel(page, "import json; print(json.dumps([ex.kwic.query.value, len(ex.kwic.result)]))").strip())
    # The contexts stay within the sections the chart counted (the section picked above).
    expected = json.loads(kernel(
        page,
        "import json; sel = list(ex.sections.value); "
        f"print(json.dumps(len(sk.kwic(doc, {term!r}, sections=None if '*' in sel else sel))))",
    ).strip())
    everywhere = json.loads(kernel(page, f"import json; print(json.dumps(len(sk.kwic(doc, {term!r}))))").strip())
    assert got == [term, expected] and 0 < expected <= everywhere
    shot(page, lab, "02-terms-contexts", ".sk-term-explorer")

    # One click writes PNG, SVG and PDF under one stem; the status line links to each file.
    for fmt in ("png", "svg", "pdf"):
        box = page.locator(f".sk-term-explorer .sk-export .sk-format-{fmt} input").first
        if not box.is_checked():
            box.check()
    wait_idle(page)
    page.locator(".sk-term-explorer .sk-export button:has-text('导出')").first.click()
    page.wait_for_function(
        "() => document.querySelectorAll('.sk-term-explorer .sk-status a.sk-file').length === 3",
        timeout=60_000,
    )
    files = json.loads(kernel(page, "import json, os; print(json.dumps([os.path.abspath(p) for p in ex.last_export]))").strip())
    paths = [Path(f) for f in files]
    assert sorted(p.suffix for p in paths) == [".json", ".pdf", ".png", ".svg"]
    assert len({p.stem for p in paths}) == 1 and "词频" in paths[0].stem
    assert all(p.is_file() for p in paths)
    assert paths[0].parent.name == "exports"
    hrefs = page.eval_on_selector_all(".sk-term-explorer .sk-status a.sk-file", "as => as.map(a => a.href)")
    for href, path in zip(hrefs, [p for p in paths if p.suffix != ".json"], strict=True):
        rel = urllib.parse.unquote(urllib.parse.urlparse(href).path)
        assert rel == f"/lab/tree/exports/{path.name}"  # opens the file in JupyterLab
        req = urllib.request.Request(f"{lab.url}/files/exports/{urllib.parse.quote(path.name)}",
                                     headers={"Authorization": f"token {lab.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.read() == path.read_bytes()
    assert next(p for p in paths if p.suffix == ".pdf").read_bytes()[:4] == b"%PDF"
    assert next(p for p in paths if p.suffix == ".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shot(page, lab, "02-terms-export", ".sk-term-explorer .sk-export")


def check_reader(page: Any, lab: Lab) -> None:
    """A click on a concordance line shows its whole paragraph with the hit marked."""
    rows = page.locator(".sk-kwic-explorer .sk-kwic-results tr[data-pick]")
    rows.first.wait_for(timeout=60_000)
    assert rows.count() > 3
    rows.nth(2).click()
    page.wait_for_function(
        "() => { const r = document.querySelector('.sk-kwic-explorer .sk-reader .sk-path'); return r && r.textContent.includes('第 3 处'); }",
        timeout=60_000,
    )
    reader = page.locator(".sk-kwic-explorer .sk-reader").first
    query = json.loads(kernel(page, "import json; print(json.dumps(ex.query.value))").strip())
    assert reader.locator("mark:not(.sk-other)").first.text_content() == query
    expected = json.loads(kernel(page, "import json; h = ex.result.iloc[2]; print(json.dumps(doc.paragraphs[int(h['paragraph'])].text if h['paragraph'] >= 0 else ''))").strip())
    text = reader.locator("p").first.text_content()
    assert expected and text == expected  # the whole paragraph, not a window around the hit
    assert "sk-picked" in (rows.nth(2).get_attribute("class") or "")
    shot(page, lab, "04-kwic-reader", ".sk-kwic-explorer")


def test_dashboard_click_opens_the_kwic_tab_in_chromium(browser: Any, lab: Lab) -> None:
    with lab_page(browser, lab, "05-dashboard-failure.png") as page:
        open_notebook(page, lab, "05-formulations.ipynb")
        run_all(page)
        shot(page, lab, "05-formulations", ".sk-formulation-explorer")
        dash = ".sk-dashboard"
        shot(page, lab, "05-dashboard-structure", dash)
        page.locator(f"{dash} .lm-TabBar-tab:has-text('章节比较')").first.click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.sk-dashboard .sk-compare-explorer .sk-chart img')].every(i => i.complete && i.naturalWidth > 100)",
            timeout=60_000,
        )
        shot(page, lab, "05-dashboard-compare", dash)
        page.locator(f"{dash} .lm-TabBar-tab:has-text('词频')").first.click()
        css = f"{dash} .sk-term-explorer .sk-chart"
        page.wait_for_selector(f"{css} img", state="visible", timeout=60_000)
        shot(page, lab, "05-dashboard-terms", dash)
        click_region(page, css, "履职")
        page.wait_for_function(
            "() => { const t = document.querySelector('.sk-dashboard .lm-TabBar-tab.lm-mod-current'); return t && t.textContent.includes('上下文'); }",
            timeout=60_000,
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('.sk-dashboard .sk-kwic-explorer .sk-query input')].some(i => i.value === '履职')",
            timeout=60_000,
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('.sk-dashboard .sk-kwic-explorer mark')].some(m => m.textContent === '履职')",
            timeout=60_000,
        )
        shot(page, lab, "05-dashboard-kwic", dash)


def test_your_own_document_in_chromium(browser: Any, lab: Lab) -> None:
    with lab_page(browser, lab, "06-loader-failure.png") as page:
        open_notebook(page, lab, "06-your-own-document.ipynb")
        run_all(page)
        page.locator(".sk-dashboard").first.wait_for(timeout=60_000)  # sk.explore on 你的文件.txt
        shot(page, lab, "06-structure", ".sk-dashboard")
        pasted = "基层协商的几点做法\n\n一、搭建平台\n建设协商议事室。\n\n二、丰富形式\n开展线上协商。\n"
        box = page.locator(".sk-loader .sk-paste textarea")
        box.click()
        box.fill(pasted)
        wait_idle(page)
        page.locator(".sk-loader .sk-paste-button button, .sk-loader button.sk-paste-button").first.click()
        page.wait_for_function(
            "() => { const s = document.querySelector('.sk-loader .sk-loaded'); return s && s.textContent.includes('基层协商的几点做法'); }",
            timeout=90_000,
        )
        page.locator(".sk-loader .sk-dashboard").first.wait_for(timeout=60_000)
        upload = lab.base / "上传-gbk.txt"
        upload.write_bytes("上传的通知\n\n一、总体要求\n加强协商。\n".encode("gb18030"))
        # ipywidgets' FileUpload opens the browser's file chooser from a detached <input>.
        with page.expect_file_chooser() as chooser:
            page.locator(".sk-loader .sk-upload").first.click()
        chooser.value.set_files(str(upload))
        page.wait_for_function(
            "() => { const s = document.querySelector('.sk-loader .sk-loaded'); return s && s.textContent.includes('上传的通知') && s.textContent.includes('gb18030'); }",
            timeout=90_000,
        )
        shot(page, lab, "06-loader", ".sk-loader")


def test_structure_highlight_in_chromium(browser: Any, lab: Lab) -> None:
    notebook, css = "01-structure.ipynb", ".sk-structure-explorer"
    with lab_page(browser, lab, "01-structure-failure.png") as page:
        open_notebook(page, lab, notebook)
        run_all(page)
        page.locator(f"{css} .sk-chart img").first.wait_for(timeout=60_000)
        page.wait_for_function(
            "css => [...document.querySelectorAll(css + ' .sk-chart img')].every(i => i.complete && i.naturalWidth > 100)",
            arg=css, timeout=60_000,
        )
        # Read section 三 with 党建 highlighted: every occurrence marked, and counted.
        page.select_option(f"{css} .sk-picker select", index=3)
        page.wait_for_function("() => document.querySelector('.sk-structure-explorer .sk-section-text h4')"
                               "?.textContent.startsWith('三')", timeout=60_000)
        field = page.locator(f"{css} .sk-highlight input")
        field.click()
        field.fill("党建")
        field.press("Enter")
        page.wait_for_function("() => document.querySelectorAll('.sk-structure-explorer mark.sk-hit').length > 0",
                               timeout=60_000)
        marks = page.locator(f"{css} mark.sk-hit").count()
        assert f"出现 {marks} 次" in page.locator(f"{css} .sk-found").first.text_content()
        shot(page, lab, notebook.split(".")[0], css)
