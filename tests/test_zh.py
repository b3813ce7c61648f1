"""simplified_shadow: the same answer as converting each distinct character with OpenCC, cheaper."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studykit.zh import simplified_shadow

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_1776dd67e002c30c.txt"
SHARED = next((p / "shared" / "corpus" for p in ROOT.parents if (p / "shared" / "corpus").is_dir()), None)
_T2S = opencc.OpenCC("t2s")


def reference_shadow(text: str) -> str:
    """How simplified_shadow worked before it was made faster: every distinct character above
    U+2E7F converted by OpenCC t2s (joined by line breaks), kept when it gives one character."""
    chars = sorted({c for c in set(text) if ord(c) > 0x2E7F})
    if not chars:
        return text
    converted = _T2S.convert("\n".join(chars)).split("\n")
    table = {ord(a): b for a, b in zip(chars, converted, strict=False) if len(b) == 1 and a != b}
    return text.translate(table) if table else text


def same(text: str) -> None:
    out = simplified_shadow(text)
    assert len(out) == len(text)
    assert out == reference_shadow(text)


TRADITIONAL = (
    "各級黨組織要引導黨員幹部增強“四個意識”、堅定“四個自信”、做到“兩個維護”，"
    "堅持把政協黨建工作與履職工作同謀劃、同部署、同落實。鬱鬱蔥蔥的臺灣、乾隆年間的著作。"
)


def test_seed_is_unchanged() -> None:
    text = SEED.read_text(encoding="utf-8")
    same(text)
    assert simplified_shadow(text) is text  # simplified already: returned after one scan


def test_traditional_text() -> None:
    same(TRADITIONAL)
    assert simplified_shadow("政協黨建") == "政协党建"
    same(TRADITIONAL * 200 + "\n" + "简体的段落。" * 500)


def test_every_character_the_table_covers() -> None:
    """Every code point from U+2E80 to U+FFFF (no surrogates) at once, and each on its own for a
    sample: the table built once gives what converting the characters present gave."""
    chars = "".join(chr(i) for i in range(0x2E00, 0x10000) if not 0xD800 <= i <= 0xDFFF)
    same(chars)
    for i in range(0x2E80, 0x10000, 97):
        if not 0xD800 <= i <= 0xDFFF:
            same(chr(i) + "黨")


def test_characters_beyond_the_basic_plane() -> None:
    converted = [chr(i) for i in range(0x20000, 0x2A6E0) if len(_T2S.convert(chr(i))) == 1
                 and _T2S.convert(chr(i)) != chr(i)][:40]
    assert converted  # OpenCC converts some extension-B characters
    text = "".join(converted) + "𠀀𪚥政協😀"
    same(text)
    same("只有擴展區的字：" + "".join(converted))


def test_lone_surrogates_pass_through() -> None:
    """A lone surrogate (possible in a Python string, never in decoded text) stays as it is; the
    old way failed on it, since OpenCC encodes to UTF-8."""
    assert simplified_shadow("政協\ud800黨") == "政协\ud800党"
    assert simplified_shadow("简体\udfff") == "简体\udfff"


HAN_MIX = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(list("黨協國們個發進會經濟與為學體權說單區對應稱這")),
        st.characters(min_codepoint=0x2E80, max_codepoint=0xFFFF, exclude_categories=["Cs"]),
        st.characters(min_codepoint=0x20000, max_codepoint=0x2FFFF),
        st.sampled_from(list("，。、；：“”「」\n 　abc123")),
    ),
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(text=HAN_MIX)
def test_same_as_converting_each_character(text: str) -> None:
    same(text)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=100))
def test_same_on_any_text(text: str) -> None:
    same(text)


@pytest.mark.skipif(SHARED is None, reason="../shared/corpus is absent (only the team's machines have it)")
def test_real_documents() -> None:
    assert SHARED is not None
    paths = sorted(SHARED.glob("*/*.txt")) + sorted(SHARED.glob("laws/*.md"))
    assert len(paths) >= 50
    for path in paths:
        same(path.read_text(encoding="utf-8"))
