"""Hostile exports (issue 12 items 8, 16–18) and the export-file rules of issue 11.

Each test names the item it pins. Sizes are small: enough to prove the rule, not to stress.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from studykit.analysis.concordance import dispersion_measures
from studykit.draw import export as ex
from studykit.draw.export import ZH_HEADERS, export, safe_stem, zh_headers
from studykit.errors import ExportError

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_1776dd67e002c30c.txt"


def _figure() -> Figure:
    fig = Figure(figsize=(2, 1.5))
    fig.subplots().bar([0, 1, 2], [3, 1, 2])
    return fig


def _table(k: int = 0) -> pd.DataFrame:
    return pd.DataFrame({"term": ["政协", "党建"], "count": [30 + k, 21], "rate": [0.3, 0.21]})


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "exports"


@pytest.fixture
def umask022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# --- issue 11: one stem per view, several formats in one call ---------------------------------


def test_one_stem_across_picture_and_table_formats_and_one_sidecar(out: Path) -> None:
    paths = export((_figure(), _table()), "报告-词频", formats=("png", "svg", "pdf", "csv"), folder=out)
    assert [p.name for p in paths] == [
        "报告-词频.png", "报告-词频.svg", "报告-词频.pdf", "报告-词频.csv", "报告-词频.json"
    ]
    sidecar = json.loads(paths[-1].read_text(encoding="utf-8"))
    assert sidecar["kind"] == "figure+table" and sidecar["shape"] == [2, 3] and sidecar["dpi"] == 200
    assert sidecar["files"] == [p.name for p in paths[:-1]]
    assert _names(out) == sorted(p.name for p in paths)
    # numbered only when the stem exists: any file of that stem counts, whatever its format
    again = export(_table(), "报告-词频", formats="xlsx", folder=out)
    assert [p.name for p in again] == ["报告-词频-2.xlsx", "报告-词频-2.json"]
    fresh = export(_figure(), "报告-词云", formats="png, svg", folder=out)
    assert [p.name for p in fresh] == ["报告-词云.png", "报告-词云.svg", "报告-词云.json"]


def test_mixed_exports_refuse_what_cannot_be_written(out: Path) -> None:
    with pytest.raises(ExportError, match="one picture and one table"):
        export((_figure(), _figure()), "x", folder=out)
    with pytest.raises(ExportError, match="cannot be exported as"):
        export((_figure(), _table()), "x", formats=("png", "gif"), folder=out)
    assert _names(out) == []


# --- issue 11: the usual permissions ------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_files_get_the_usual_permissions_under_the_umask(out: Path, umask022: None) -> None:
    paths = export((_figure(), _table()), "权限", formats=("png", "csv", "xlsx"), folder=out)
    assert {oct(p.stat().st_mode & 0o777) for p in paths} == {"0o644"}
    os.umask(0o027)
    paths = export(_table(), "权限", formats="csv", folder=out)
    assert {oct(p.stat().st_mode & 0o777) for p in paths} == {"0o640"}
    paths = export(_table(k=1), "权限", formats="csv", folder=out, overwrite=True)
    assert {oct(p.stat().st_mode & 0o777) for p in paths} == {"0o640"}


# --- issue 11 + items 8 and 18: any title becomes a safe, portable stem -------------------------


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("\ufeff推动政协党建\u200b与履职", "推动政协党建与履职"),  # BOM and zero-width space
        ("党建\u202e gpj.exe", "党建 gpj.exe"),  # a bidi override cannot disguise the name
        ("一/二\\三", "一_二_三"),
        ("控制\x00\x01\x1b字符\x7f", "控制字符"),
        ("换行\n\t标题\u3000\u2028结尾", "换行 标题 结尾"),
        ("CON", "CON_"),
        ("nul.报告", "nul_.报告"),
        ("com1 ", "com1_"),
        ("LPT9", "LPT9_"),
        ("结尾的点...", "结尾的点"),
        ("结尾空格   ", "结尾空格"),
        ("-选项", "选项"),
        ("词频.csv", "词频"),
        ("孤立\udc80代理\ud83d", "孤立代理"),  # item 8: lone surrogates never reach encode()
        ("\u200b\u200d", "导出"),
    ],
)
def test_titles_are_sanitised_not_refused(title: str, stem: str, out: Path) -> None:
    assert safe_stem(title) == stem
    paths = export(_table(), title, formats="csv", folder=out)
    assert [p.name for p in paths] == [f"{stem}.csv", f"{stem}.json"]
    sidecar = json.loads(paths[-1].read_text(encoding="utf-8"))
    assert sidecar["name"] == stem


def test_over_long_titles_are_cut_between_characters(out: Path) -> None:
    title = "推动政协党建与履职工作深度融合" * 20 + "e\u0301"
    stem = safe_stem(title)
    assert len(stem.encode()) <= 200 and title.startswith(stem)
    accented = "x" * 199 + "e\u0301\u0301"  # a base letter keeps its combining marks or goes
    assert safe_stem(accented) == "x" * 199
    paths = export(_table(), title, formats="csv", folder=out)
    assert paths[0].name == f"{stem}.csv"


_ANY_CHAR = st.one_of(
    st.characters(codec=None, exclude_categories=()),
    st.sampled_from(["/", "\\", ".", " ", ":", "\x00", "\ufeff", "\u200b", "\ud800", "\udfff", "~", "-"]),
)


@settings(max_examples=400, deadline=None)
@given(st.text(_ANY_CHAR, min_size=1, max_size=300))
def test_any_name_gives_a_safe_portable_stem(name: str) -> None:
    stem = safe_stem(name)
    assert stem and stem == safe_stem(stem)  # idempotent
    assert len(stem.encode("utf-8")) <= 200  # encodes: no surrogates left
    assert not set(stem) & set('/\\<>:"|?*')
    assert all(unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co", "Cn"} for c in stem)
    assert not stem.startswith((".", "-", " ")) and not stem.endswith((".", " "))
    first = stem.split(".")[0].rstrip(" ").upper()
    assert first not in {"CON", "PRN", "AUX", "NUL"} and not (
        first[:3] in {"COM", "LPT"} and len(first) == 4 and first[3] in "0123456789¹²³"
    )
    folder = Path("/exports")
    assert (folder / f"{stem}.png").parent == folder


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(_ANY_CHAR, min_size=1, max_size=60).filter(str.strip))
def test_any_name_exports_inside_the_folder(name: str, tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "out"  # hypothesis may draw a name twice
    paths = export(_table(), name, formats="csv", folder=folder)
    assert all(p.parent == folder.resolve() and p.is_file() for p in paths)
    assert _names(folder) == sorted(p.name for p in paths)


def test_tilde_folder_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """item 18: folder="~/x" writes into the home folder, not into a folder named "~"."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    paths = export(_table(), "词频", formats="csv", folder="~/报告")
    assert paths[0] == (tmp_path / "home" / "报告" / "词频.csv").resolve()
    assert not (tmp_path / "~").exists()


# --- item 16: all or nothing, and concurrent exporters each get a number ------------------------


def test_a_conflict_while_publishing_leaves_no_orphan(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another export takes the sidecar name between the free-name check and publishing: this
    export's PNG, already linked, is taken back and everything moves to the next number."""
    out.mkdir()
    real = ex._stem_taken
    calls = {"n": 0}

    def blind_once(base: Path, stem: str) -> bool:
        calls["n"] += 1
        if calls["n"] == 1:
            (base / f"{stem}.json").write_text("{}", encoding="utf-8")  # the rival's sidecar
            return False
        return real(base, stem)

    monkeypatch.setattr(ex, "_stem_taken", blind_once)
    paths = export(_figure(), "图", formats="png", folder=out)
    assert [p.name for p in paths] == ["图-2.png", "图-2.json"]
    assert _names(out) == ["图-2.json", "图-2.png", "图.json"]  # no orphan 图.png


def test_a_failure_while_publishing_takes_everything_back(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.link
    calls = {"n": 0}

    def failing(src: Any, dst: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(5, "Input/output error")
        real(src, dst, **kwargs)

    monkeypatch.setattr(os, "link", failing)
    with pytest.raises(ExportError, match="Input/output error"):
        export(_figure(), "图", formats=("png", "svg"), folder=out)
    assert _names(out) == []


def test_without_hard_links_publishing_still_never_clobbers(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: Any, dst: Any, **kwargs: Any) -> None:
        raise OSError(1, "Operation not permitted")  # FAT and some network shares

    monkeypatch.setattr(os, "link", no_links)
    first = export(_table(), "表", folder=out)
    second = export(_table(k=1), "表", folder=out)
    assert [p.name for p in first] == ["表.csv", "表.xlsx", "表.json"]
    assert [p.name for p in second] == ["表-2.csv", "表-2.xlsx", "表-2.json"]
    assert pd.read_csv(first[0], encoding="utf-8-sig")["count"].tolist() == [30, 21]
    assert _names(out) == sorted(p.name for p in first + second)


def _race(out: Path, jobs: list[tuple[Any, str]], monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """Run exports in threads that all finish writing before any of them publishes."""
    barrier = threading.Barrier(len(jobs), timeout=60)
    real = ex._publish_all

    def together(*args: Any, **kwargs: Any) -> list[Path]:
        barrier.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(ex, "_publish_all", together)
    results: list[list[Path] | BaseException] = [[] for _ in jobs]

    def run(i: int, obj: Any, formats: str) -> None:
        try:
            results[i] = export(obj, "同名", formats=formats, folder=out, meta={"job": i})
        except BaseException as exc:  # reported below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return [r for r in results if isinstance(r, list)]


def _check_consistent(out: Path, results: list[list[Path]]) -> None:
    stems = [paths[0].stem for paths in results]
    assert len(set(stems)) == len(results)  # everyone got their own stem
    for i, paths in enumerate(results):
        sidecar = json.loads(paths[-1].read_text(encoding="utf-8"))
        assert sidecar["meta"] == {"job": i} and sidecar["files"] == [p.name for p in paths[:-1]]
    listed = {p.name for paths in results for p in paths}
    assert set(_names(out)) == listed  # no orphans, no partial files


def test_twenty_concurrent_exporters_each_get_their_own_name(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = _race(out, [(_table(k), "csv") for k in range(20)], monkeypatch)
    _check_consistent(out, results)
    assert sorted(p[0].name for p in results) == sorted(
        ["同名.csv"] + [f"同名-{n}.csv" for n in range(2, 21)]
    )
    for k, paths in enumerate(results):
        assert pd.read_csv(paths[0], encoding="utf-8-sig")["count"].tolist() == [30 + k, 21]


def test_a_figure_and_a_table_at_the_same_moment_leave_no_orphan(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = _race(out, [(_figure(), "png"), (_table(), "csv,xlsx")], monkeypatch)
    _check_consistent(out, results)


# --- item 17: partial files of killed exports are cleaned -----------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_parts_of_a_killed_export_are_cleaned_by_the_next_export(out: Path) -> None:
    child = textwrap.dedent(
        """
        import sys, time
        import pandas as pd
        from studykit.draw.export import export

        def slow(self, path, **kwargs):
            with open(path, "w") as fh:
                fh.write("x" * 100_000)
            print("writing", flush=True)
            time.sleep(120)

        pd.DataFrame.to_csv = slow
        export(pd.DataFrame({"a": [1]}), "killed", formats=["csv", "xlsx"], folder=sys.argv[1])
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", child, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()
    left = [n for n in _names(out) if n.endswith(".part")]
    assert len(left) == 3  # csv, xlsx and the sidecar, hidden, never published
    paths = export(_table(), "next", formats="csv", folder=out)
    assert _names(out) == sorted(p.name for p in paths)


def test_only_provably_stale_parts_are_removed(out: Path) -> None:
    out.mkdir()
    host, now = ex._HOST, time.time()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(30)
    files = {
        f".studykit-{host}-{dead.pid}-aa11.part": now,  # a process of this host that has ended
        f".studykit-{host}-{os.getppid()}-bb22.part": now,  # alive: an export in progress
        f".studykit-{host}-{os.getppid()}-cc33.part": now - 2 * ex.STALE_PART_SECONDS,  # too old
        f".studykit-0badc0de-{dead.pid}-dd44.part": now,  # another host's process: cannot tell
        ".ab12c_x9.part": now - 2 * ex.STALE_PART_SECONDS,  # tempfile name of older versions
        ".abcd1234.part": now,  # the same, recent
        "notes.part": now - 2 * ex.STALE_PART_SECONDS,  # not ours
        ".studykit-notes.part": now - 2 * ex.STALE_PART_SECONDS,  # not our pattern
    }
    for name, mtime in files.items():
        (out / name).write_text("x", encoding="utf-8")
        os.utime(out / name, (mtime, mtime))
    (out / f".studykit-{host}-{dead.pid}-ee55.part").symlink_to(out / "notes.part")
    removed = ex._clean_stale_parts(out)
    assert sorted(removed) == sorted(
        [f".studykit-{host}-{dead.pid}-aa11.part", f".studykit-{host}-{os.getppid()}-cc33.part",
         ".ab12c_x9.part"]
    )
    assert (out / "notes.part").exists() and (out / f".studykit-{host}-{dead.pid}-ee55.part").is_symlink()


# --- tables: Chinese headers and cells that break spreadsheets ----------------------------------


@pytest.fixture(scope="module")
def analysis_frames() -> dict[str, pd.DataFrame]:
    import studykit as sk

    doc = sk.load(SEED)
    table = sk.tokenize(doc)
    forms = sk.formulations(doc)
    return {
        "tokenize": table,
        "term_frequencies": sk.term_frequencies(table, by="section"),
        "ngrams": sk.ngrams(table),
        "repeated_phrases": sk.repeated_phrases(table),
        "keywords": sk.keywords(table),
        "keyness": sk.keyness(table, "一"),
        "collocations": sk.collocations(table, "政协"),
        "cooccurrence": sk.cooccurrence(table),
        "kwic": sk.kwic(doc, "党建").to_frame(),
        "dispersion": sk.dispersion(table, ["党建"]),
        "dispersion_sections": sk.dispersion_sections(table),
        "formulations": forms.to_frame(),
        "formulation_locations": forms.locations_frame(),
        "section_lengths": sk.section_lengths(doc, table),
        "suggest_terms": sk.suggest_terms(table),
        "dispersion_measures": dispersion_measures(sk.dispersion(table, ["党建"]), sk.dispersion_sections(table)),
    }


def test_chinese_headers_cover_every_analysis(analysis_frames: dict[str, pd.DataFrame]) -> None:
    chinese = {*ZH_HEADERS.values(), "词数", "分词"}
    for name, frame in analysis_frames.items():
        renamed = zh_headers(frame)
        assert set(renamed.columns) <= chinese, (name, set(renamed.columns) - chinese)
        assert renamed.columns.is_unique and list(frame.columns) != list(renamed.columns)
    assert zh_headers(analysis_frames["section_lengths"])["词数"].dtype.kind == "i"
    assert "分词" in zh_headers(analysis_frames["ngrams"]).columns


def test_chinese_headers_in_csv_and_xlsx_keep_the_frame(out: Path, analysis_frames: dict[str, pd.DataFrame]) -> None:
    frame = analysis_frames["term_frequencies"]
    before = frame.copy()
    chinese = [ZH_HEADERS[c] for c in frame.columns]
    assert chinese[:5] == ["章节", "词语", "次数", "每千词", "分布章节数"]
    csv, xlsx, sidecar = export(frame, "词频", headers="zh", folder=out)
    assert csv.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(chinese)
    book = openpyxl.load_workbook(xlsx, read_only=True)
    try:
        assert [c.value for c in next(book.active.iter_rows(max_row=1))] == chinese
    finally:
        book.close()
    assert json.loads(sidecar.read_text(encoding="utf-8"))["columns"]["词语"] == "term"
    pd.testing.assert_frame_equal(frame, before)  # the English names stay for code
    custom = export(frame, "词频", headers={"rate": "频率‰"}, formats="csv", folder=out)[0]
    assert custom.read_text(encoding="utf-8-sig").startswith("章节,词语,次数,频率‰,分布章节数")


def test_hostile_cells_survive_csv_and_xlsx(out: Path) -> None:
    frame = pd.DataFrame({  # object dtype: pandas' Arrow-backed strings cannot hold a lone surrogate
        "match": pd.Series(["=1+1", "@SUM(A1)", "垂直\x0b制表", "孤立\udc80", "正常"], dtype=object),
        "tokens": [("政协", "党建"), None, float("nan"), float("inf"), ["a"]],
    })
    csv, xlsx, _ = export(frame, "单元格", folder=out)
    read = pd.read_csv(csv, encoding="utf-8-sig")
    assert read["match"].tolist() == ["=1+1", "@SUM(A1)", "垂直\x0b制表", "孤立\ufffd", "正常"]
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"  # text, never a formula
    assert sheet["A4"].value == "垂直\u240b制表"  # a visible ␋ where XLSX cannot hold \x0b
    assert sheet["A5"].value == "孤立\ufffd"
    assert sheet["B2"].value == "('政协', '党建')" and sheet["B3"].value is None
    assert sheet["B5"].value == "inf"


def test_surrogates_in_meta_keep_the_sidecar_valid_json(out: Path) -> None:
    paths = export(_table(), "元数据", formats="csv", folder=out, meta={"document": "标题\udc80"})
    assert json.loads(paths[-1].read_text(encoding="ascii"))["meta"]["document"] == "标题\udc80"


@pytest.mark.parametrize("dpi", [0, -5, 10_000, 2.5, True, "200"])
def test_bad_dpi_is_one_line(dpi: Any, out: Path) -> None:
    with pytest.raises(ExportError, match="dpi"):
        export(_figure(), "x", dpi=dpi, folder=out)
    assert _names(out) == []


# --- found by red-teaming these fixes -------------------------------------------------------------


def test_bad_options_are_one_line_errors(out: Path) -> None:
    with pytest.raises(ExportError, match="overwrite must be True or False"):
        export(_table(), "x", folder=out, overwrite="yes")  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="meta must be a mapping"):
        export(_table(), "x", folder=out, meta=[1, 2])  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="headers must be"):
        export(_table(), "x", folder=out, headers="fr")  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="formats must be a list"):
        export(_table(), "x", folder=out, formats=5)  # type: ignore[arg-type]
    big = Figure(figsize=(1000, 1000))
    with pytest.raises(ExportError, match="pixels at dpi=1200"):
        export(big, "x", formats="png", dpi=1200, folder=out)
    assert _names(out) == []


def test_overwriting_a_folder_takes_everything_back(out: Path) -> None:
    export(_table(), "d", formats="xlsx", folder=out)
    (out / "d.csv").mkdir()
    with pytest.raises(ExportError, match="Is a directory"):
        export(_table(k=5), "d", formats=("xlsx", "csv"), folder=out, overwrite=True)
    assert _names(out) == ["d.csv", "d.json", "d.xlsx"]  # the old xlsx and sidecar are back
    assert openpyxl.load_workbook(out / "d.xlsx").active["B2"].value == 30


# --- red team round 2, finding 15e: an export folder that is itself a symlink --------------------


def test_a_symlinked_export_folder_is_followed_but_never_a_symlink_inside_it(tmp_path: Path) -> None:
    real = tmp_path / "data" / "exports"
    real.mkdir(parents=True)
    link = tmp_path / "exports"
    link.symlink_to(real, target_is_directory=True)
    paths = export(_table(), "词频", formats=["csv"], folder=link)
    assert [p.name for p in paths] == ["词频.csv", "词频.json"]
    assert all(p.parent == real and p.is_file() and not p.is_symlink() for p in paths)
    assert _names(real) == ["词频.csv", "词频.json"] and link.is_symlink()
    outside = tmp_path / "outside.csv"
    outside.write_text("keep me", encoding="utf-8")
    (real / "x.csv").symlink_to(outside)  # inside the followed folder: still never followed
    with pytest.raises(ExportError, match="outside"):
        export(_table(), "x", formats=["csv"], folder=link, overwrite=True)
    assert outside.read_text(encoding="utf-8") == "keep me"
    below = export(_table(), "表", formats=["csv"], folder=link / "sub")  # below the link: followed too
    assert all(p.parent == real / "sub" for p in below)


@pytest.mark.parametrize("dangling", ["exports", "exports/sub"])
def test_a_dangling_symlinked_export_folder_is_refused_and_nothing_created(tmp_path: Path, dangling: str) -> None:
    (tmp_path / "exports").symlink_to(tmp_path / "gone" / "exports", target_is_directory=True)
    with pytest.raises(ExportError) as err:
        export(_table(), "词频", folder=tmp_path / dangling)
    message = str(err.value)
    assert "\n" not in message and "symlink" in message and "导出文件夹" in message
    assert not (tmp_path / "gone").exists()
