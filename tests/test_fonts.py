"""CJK font resolution: coverage, fallback, .ttc faces, no glyph warnings, no rcParams changes."""

from __future__ import annotations

import copy
import io
import warnings
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import pytest
from fontTools.ttLib import TTCollection, TTFont
from matplotlib import font_manager
from matplotlib.figure import Figure

from studykit.draw import fonts
from studykit.draw.fonts import FontChoice, find_cjk_font, font_rc
from studykit.errors import FontError

TITLES = ("推动政协党建与履职工作深度融合", "四个意识两个维护")
DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _rc_snapshot() -> dict[str, Any]:
    return copy.deepcopy(dict(matplotlib.rcParams))


def _bar_chart(**text_kw: Any) -> Figure:
    fig = Figure()
    ax = fig.subplots()
    labels = ["政协", "党建", "履职", "四个意识"]
    ax.bar(range(4), [30, 21, 12, 5])
    ax.set_xticks(range(4), labels, **text_kw)
    ax.set_title(TITLES[0], **text_kw)
    ax.set_ylabel("次数", **text_kw)
    return fig


def _glyph_warnings(fig: Figure) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_every_title_character_is_in_the_cmap() -> None:
    font = find_cjk_font()
    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as tt:
        cmap = tt.getBestCmap()
    missing = [ch for title in TITLES for ch in title if ord(ch) not in cmap]
    assert missing == []


def test_repeated_calls_return_the_cached_choice() -> None:
    assert find_cjk_font() is find_cjk_font()


def test_chinese_chart_draws_without_glyph_warnings() -> None:
    props = find_cjk_font().props()
    assert _glyph_warnings(_bar_chart(fontproperties=props)) == []


def test_the_warning_check_detects_missing_glyphs() -> None:
    # Control: DejaVu Sans has no Hanzi, so the same chart must warn.
    props = font_manager.FontProperties(fname=DEJAVU)
    assert _glyph_warnings(_bar_chart(fontproperties=props))


def test_font_rc_makes_the_font_the_default_inside_rc_context() -> None:
    font = find_cjk_font()
    with matplotlib.rc_context(font_rc(font)):
        found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
        assert Path(found).resolve() == font.path.resolve()
        assert _glyph_warnings(_bar_chart()) == []


def test_rcparams_unchanged() -> None:
    before = _rc_snapshot()
    font = find_cjk_font()
    font_rc(font)
    font.props()
    with matplotlib.rc_context(font_rc(font)):
        _glyph_warnings(_bar_chart())
    _glyph_warnings(_bar_chart(fontproperties=font.props()))
    assert _rc_snapshot() == before


def test_props_returns_independent_copies() -> None:
    font = find_cjk_font()
    a = font.props(size=20)
    assert a.get_size() == 20
    assert font.props().get_size() != 20
    assert Path(a.get_file() or "").resolve() == font.path.resolve()


def test_falls_back_to_the_bundled_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    choice = fonts._resolve_uncached(None)
    assert choice.source == "bundled"
    assert choice.name == "Noto Sans SC"


def test_prefers_a_system_font_and_skips_one_without_chinese() -> None:
    bundled = fonts._bundled()
    assert bundled is not None
    entries = [
        font_manager.FontEntry(fname=str(DEJAVU), name="SimHei"),  # misnamed, lacks Hanzi
        font_manager.FontEntry(fname=str(bundled.path), name="Noto Sans CJK SC", weight=700),
        font_manager.FontEntry(fname=str(bundled.path), name="Noto Sans CJK SC", weight=400),
    ]
    choice = fonts._from_entries(entries, fonts.PREFERRED_FAMILIES)
    assert choice == FontChoice("Noto Sans CJK SC", bundled.path, 0, "system")


def test_no_font_at_all_raises_font_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(fonts, "_bundled", lambda: None)
    with pytest.raises(FontError, match="没有找到中文字体 / no CJK font found"):
        fonts._resolve_uncached(None)


def test_unknown_preferred_font_raises() -> None:
    with pytest.raises(FontError, match="not found or has no Chinese"):
        find_cjk_font(prefer="No Such Font 不存在")
    with pytest.raises(FontError):
        find_cjk_font(prefer=str(DEJAVU))


def test_preferred_font_file() -> None:
    bundled = fonts._bundled()
    assert bundled is not None
    choice = find_cjk_font(prefer=str(bundled.path))
    assert (choice.path, choice.index) == (bundled.path, 0)


@pytest.fixture
def ttc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A collection whose face 0 lacks Hanzi and face 1 is Noto Sans SC, like Noto CJK's JP/SC."""
    monkeypatch.setenv("STUDYKIT_CACHE_DIR", str(tmp_path / "cache"))
    bundled = fonts._bundled()
    assert bundled is not None
    collection = TTCollection()
    collection.fonts = [TTFont(str(DEJAVU), lazy=True), TTFont(str(bundled.path), lazy=True)]
    path = tmp_path / "fake-cjk.ttc"
    collection.save(str(path))
    return path


def test_ttc_uses_the_chinese_face_and_extracts_it_once(ttc: Path, tmp_path: Path) -> None:
    entries = [
        font_manager.FontEntry(fname=str(ttc), index=0, name="DejaVu Sans"),
        font_manager.FontEntry(fname=str(ttc), index=1, name="Noto Sans CJK SC"),
    ]
    choice = fonts._from_entries(entries, fonts.PREFERRED_FAMILIES)
    assert choice is not None
    assert choice.index == 1
    single = choice.single_face_path()
    assert single.parent == tmp_path / "cache"
    with TTFont(str(single), lazy=True) as tt:  # face 0 of the new file covers the titles
        cmap = tt.getBestCmap()
    assert all(ord(ch) in cmap for ch in TITLES[0])
    mtime = single.stat().st_mtime_ns
    assert choice.single_face_path() == single
    assert single.stat().st_mtime_ns == mtime
    assert [p.name for p in single.parent.iterdir()] == [single.name]  # no temp files left
    assert _glyph_warnings(_bar_chart(fontproperties=choice.props())) == []


def test_preferred_collection_file_uses_its_sc_face(ttc: Path) -> None:
    choice = fonts._from_file(ttc)
    assert choice is not None
    assert (choice.name, choice.index) == ("Noto Sans SC", 1)
