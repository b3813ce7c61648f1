"""Export: safe names, no clobbering, atomic writes, sidecars, and Chinese that survives each format."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
import openpyxl
import pandas as pd
import pypdf
import pytest
from fontTools.ttLib import TTFont
from matplotlib.figure import Figure
from PIL import Image

import studykit
from studykit.draw.cloud import make_wordcloud
from studykit.draw.export import export
from studykit.draw.fonts import find_cjk_font
from studykit.errors import ExportError

TITLE = "推动政协党建与履职工作深度融合"
LABELS = ["政协", "党建", "履职", "四个意识"]


def _chart() -> Figure:
    props = find_cjk_font().props()
    fig = Figure()
    ax = fig.subplots()
    ax.bar(range(len(LABELS)), [30, 21, 12, 5])
    ax.set_xticks(range(len(LABELS)), LABELS, fontproperties=props)
    ax.set_title(TITLE, fontproperties=props)
    return fig


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "term": LABELS,
            "count": [30, 21, 12, 5],
            "rate": [0.3, 0.21, 0.12, 0.05],
            "range": [4, 4, 3, 2],
        }
    )


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "exports"


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("../x", "_x"),
        ("/abs/x", "_abs_x"),
        ("a/b", "a_b"),
        ("a\\b", "a_b"),
        ("x\x00y", "xy"),
        ("x\ny", "x y"),
        ("x\x1by", "xy"),
        ("..", "导出"),
        (".", "导出"),
        (".hidden", "hidden"),
        ("a:b", "a_b"),
        ("x" * 201, "x" * 200),
    ],
)
def test_unsafe_names_are_made_safe_inside_the_folder(
    name: str, stem: str, tmp_path: Path, out: Path
) -> None:
    paths = export(_table(), name, formats=["csv"], folder=out)
    assert [p.name for p in paths] == [f"{stem}.csv", f"{stem}.json"]
    assert _listing(tmp_path) == ["exports"] and _listing(out) == [f"{stem}.csv", f"{stem}.json"]
    assert json.loads(paths[-1].read_text(encoding="utf-8"))["requested_name"] == name


@pytest.mark.parametrize("name", ["", "   ", "\n\t"])
def test_empty_names_are_refused_and_nothing_is_written(name: str, tmp_path: Path, out: Path) -> None:
    with pytest.raises(ExportError, match="file name"):
        export(_table(), name, folder=out)
    assert _listing(tmp_path) == []


def test_chinese_name_and_default_formats(out: Path) -> None:
    paths = export(_chart(), "政协党建-词频", folder=out)
    assert [p.name for p in paths] == [
        "政协党建-词频.png",
        "政协党建-词频.svg",
        "政协党建-词频.pdf",
        "政协党建-词频.json",
    ]
    assert all(p.parent == out.resolve() and p.stat().st_size > 0 for p in paths)
    assert _listing(out) == sorted(p.name for p in paths)  # no temporary files left


def test_nothing_is_written_outside_the_folder(tmp_path: Path, out: Path) -> None:
    export(_chart(), "chart", folder=out)
    export(_table(), "table", folder=out)
    assert _listing(tmp_path) == ["exports"]


def test_symlink_out_of_the_folder_is_not_followed(tmp_path: Path, out: Path) -> None:
    out.mkdir()
    outside = tmp_path / "outside.csv"
    outside.write_text("keep me", encoding="utf-8")
    (out / "x.csv").symlink_to(outside)
    with pytest.raises(ExportError, match="outside"):
        export(_table(), "x", formats=["csv"], folder=out, overwrite=True)
    assert [p.name for p in export(_table(), "x", formats=["csv"], folder=out)] == [
        "x-2.csv",
        "x-2.json",
    ]
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_collisions_get_one_number_for_every_file_of_an_export(out: Path) -> None:
    first = export(_table(), "词频", folder=out)
    second = export(_table(), "词频", folder=out)
    (out / "词频-3.json").write_text("{}", encoding="utf-8")  # only the sidecar is taken
    third = export(_table(), "词频", folder=out)
    assert [p.name for p in first] == ["词频.csv", "词频.xlsx", "词频.json"]
    assert [p.name for p in second] == ["词频-2.csv", "词频-2.xlsx", "词频-2.json"]
    assert [p.name for p in third] == ["词频-4.csv", "词频-4.xlsx", "词频-4.json"]
    assert json.loads(second[-1].read_text(encoding="utf-8"))["name"] == "词频-2"


def test_overwrite_replaces(out: Path) -> None:
    export(_table(), "词频", formats=["csv"], folder=out)
    changed = _table().assign(count=[1, 2, 3, 4])
    paths = export(changed, "词频", formats=["csv"], folder=out, overwrite=True)
    assert [p.name for p in paths] == ["词频.csv", "词频.json"]
    assert _listing(out) == ["词频.csv", "词频.json"]
    assert pd.read_csv(paths[0], encoding="utf-8-sig")["count"].tolist() == [1, 2, 3, 4]


def test_failed_figure_write_leaves_nothing(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fig = _chart()
    real = fig.savefig

    def flaky(fname: Any, *, format: str, **kwargs: Any) -> None:
        if format == "svg":
            Path(fname).write_bytes(b"<svg half")
            raise OSError("disk full")
        real(fname, format=format, **kwargs)

    monkeypatch.setattr(fig, "savefig", flaky)
    with pytest.raises(ExportError, match="disk full"):
        export(fig, "chart", folder=out)
    assert _listing(out) == []


def test_failed_table_write_leaves_nothing(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: pd.DataFrame, path: Any, **kwargs: Any) -> None:
        Path(path).write_text("term,cou", encoding="utf-8")
        raise RuntimeError("boom")

    export(_table(), "kept", formats=["csv"], folder=out)
    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(ExportError, match="boom"):  # any writer failure becomes one clear line
        export(_table(), "词频", folder=out)
    assert _listing(out) == ["kept.csv", "kept.json"]


def test_sidecar(out: Path) -> None:
    meta = {
        "document": TITLE,
        "sections": ["一", "二"],
        "filters": {"pos": ["n", "vn"], "min_count": 2},
        "measure": "count",
    }
    paths = export(_table(), "词频", folder=out, meta=meta)
    sidecar = json.loads(paths[-1].read_text(encoding="utf-8"))
    assert sidecar["meta"] == meta
    assert sidecar["kind"] == "table"
    assert sidecar["files"] == ["词频.csv", "词频.xlsx"]
    assert sidecar["studykit_version"] == studykit.__version__
    assert sidecar["shape"] == [4, 4]
    assert datetime.fromisoformat(sidecar["created"]).tzinfo is not None
    assert TITLE in paths[-1].read_text(encoding="utf-8")  # readable, not \\u escapes


def test_csv_has_a_bom_and_round_trips(out: Path) -> None:
    csv = export(_table(), "词频", formats=["csv"], folder=out)[0]
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf" + b"term,count")
    pd.testing.assert_frame_equal(pd.read_csv(csv, encoding="utf-8-sig"), _table())


def test_xlsx_keeps_chinese(out: Path) -> None:
    xlsx = export(_table(), "词频", formats=["xlsx"], folder=out)[0]
    pd.testing.assert_frame_equal(pd.read_excel(xlsx), _table())
    workbook = openpyxl.load_workbook(xlsx, read_only=True)
    try:
        assert workbook.active["A2"].value == "政协"
    finally:
        workbook.close()


def test_named_index_is_kept(out: Path) -> None:
    table = _table().set_index("term")
    csv = export(table, "t", formats=["csv"], folder=out)[0]
    assert pd.read_csv(csv, encoding="utf-8-sig", index_col="term").index.tolist() == LABELS


@pytest.mark.parametrize(
    ("obj", "formats"),
    [(_table, ["png"]), (_chart, ["csv"]), (_chart, ["gif"]), (_table, [])],
)
def test_format_mismatch_is_refused(obj: Any, formats: list[str], out: Path) -> None:
    with pytest.raises(ExportError, match="cannot be exported"):
        export(obj(), "x", formats=formats, folder=out)
    assert _listing(out) == []


def test_unknown_object_is_refused(out: Path) -> None:
    with pytest.raises(ExportError, match="cannot export a dict"):
        export({"a": 1}, "x", folder=out)  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="cannot export a int"):
        export([1, 2], "x", folder=out)  # type: ignore[list-item]
    with pytest.raises(ExportError, match="nothing to export"):
        export([], "x", folder=out)


def test_pdf_shows_the_chinese_title(out: Path) -> None:
    font = find_cjk_font()
    pdf = export(_chart(), "chart", formats=["pdf"], folder=out)[0]
    page = pypdf.PdfReader(pdf).pages[0]
    text = page.extract_text()
    assert TITLE in text
    assert all(label in text for label in LABELS)

    # Extraction only proves the ToUnicode map. The glyphs themselves: the text is set in a
    # Type 3 font made from the CJK font, and every distinct Hanzi has its own, distinct
    # drawing procedure (missing glyphs would all share the one .notdef box).
    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as tt:
        ps_name = tt["name"].getDebugName(6)
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    cjk = [f for f in fonts if str(f["/BaseFont"]).endswith("+" + ps_name)]
    assert len(cjk) == 1
    assert cjk[0]["/Subtype"] == "/Type3"
    procs = cjk[0]["/CharProcs"]
    hanzi = set(TITLE + "".join(LABELS))
    drawings = {procs[name].get_object().get_data() for name in procs}
    assert len(procs) >= len(hanzi)
    assert len(drawings) == len(procs)
    assert all(len(d) > 50 for d in drawings)
    assert "/.notdef" not in procs and "/uni00000000" not in procs


def test_svg_text_is_paths_and_png_is_valid(out: Path) -> None:
    png, svg, _ = export(_chart(), "chart", formats=["png", "svg"], dpi=50, folder=out)
    content = svg.read_text(encoding="utf-8")
    assert "<text" not in content and "<path" in content
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert image.size[0] < 400  # dpi=50 honoured (6.4 in wide at most)


def test_axes_exports_its_figure(out: Path) -> None:
    ax = _chart().axes[0]
    assert [p.suffix for p in export(ax, "ax", folder=out)] == [".png", ".svg", ".pdf", ".json"]


def test_wordcloud_exports(out: Path) -> None:
    cloud = make_wordcloud({"政协": 30, "党建": 21, "履职": 12}, width=400, height=200)
    png, svg, pdf, sidecar = export(cloud, "词云", folder=out)
    with Image.open(png) as image:
        assert image.size == (400, 200)
    content = svg.read_text(encoding="utf-8")
    assert ">政协</text>" in content and "@font-face" in content
    assert len(pypdf.PdfReader(pdf).pages) == 1
    assert json.loads(sidecar.read_text(encoding="utf-8"))["kind"] == "wordcloud"


def test_rcparams_unchanged(out: Path) -> None:
    before = copy.deepcopy(dict(matplotlib.rcParams))
    export(_chart(), "chart", folder=out)
    export(make_wordcloud({"政协": 3}, width=200, height=100), "cloud", folder=out)
    assert copy.deepcopy(dict(matplotlib.rcParams)) == before


def test_folder_is_created_and_cwd_untouched(tmp_path: Path) -> None:
    cwd = os.getcwd()
    nested = tmp_path / "a" / "报告"
    assert export(_table(), "t", formats=["csv"], folder=nested)[0].parent == nested.resolve()
    assert os.getcwd() == cwd


def test_bad_folder_and_name_type_are_one_line_errors(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    blocker = out / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="export folder"):
        export(_table(), "t", folder=blocker / "sub")
    with pytest.raises(ExportError, match="string"):
        export(_table(), None, folder=out)  # type: ignore[arg-type]
    huge = pd.DataFrame({"term": ["长" * 40_000], "count": [1]})
    with pytest.raises(ExportError, match="csv"):  # over Excel's 32,767 characters a cell
        export(huge, "bad", formats=["xlsx"], folder=out)
    assert not any(p.name.startswith("bad") or p.name.startswith(".") for p in out.iterdir())


@pytest.mark.skipif(shutil.which("mutool") is None, reason="MuPDF's mutool is not installed (.ci/run installs it)")
def test_pdf_renders_chinese_in_mupdf(out: Path, tmp_path: Path) -> None:
    """MuPDF is the viewer that drops Type 42 CFF fonts: render the page with it and look.

    The same chart is exported with and without its Chinese title; in MuPDF's rendering the
    title must add real ink (with Type 42 it adds none: the glyphs are silently skipped)."""
    with_title = _chart()
    without = _chart()
    without.axes[0].set_title("")
    inks: list[int] = []
    for fig, name in ((with_title, "titled"), (without, "untitled")):
        pdf = export(fig, name, formats=["pdf"], folder=out)[0]
        png = tmp_path / f"{name}.png"
        subprocess.run(["mutool", "draw", "-q", "-r", "100", "-o", str(png), str(pdf)], check=True)
        with Image.open(png) as image:
            inks.append(int((np.asarray(image.convert("L")) < 128).sum()))
    # The pages differ in height (tight bounding boxes), so compare the amount of ink.
    assert inks[0] - inks[1] > 300, "MuPDF drew no title glyphs"
    text = subprocess.run(["mutool", "draw", "-q", "-F", "txt", str(out / "titled.pdf")],
                          capture_output=True, text=True, check=True).stdout
    assert TITLE in text.replace("\n", "").replace(" ", "")
