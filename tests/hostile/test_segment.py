"""Hostile segmentation (issue 12 items 12, 13, 19): linear HMM, linear section ranges, a cache
that may fail. Linear time itself is shown by `make bench` (group "hostile"), never asserted."""

from __future__ import annotations

import itertools
import logging
import marshal
import os
import random
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import studykit as sk
from studykit.text import segment as sg
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import _finish_section_ranges

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_1776dd67e002c30c.txt"
# ../shared/corpus next to the repository (or next to the worktrees folder that holds it)
CORPUS = next((p for p in (ROOT.parent / "shared" / "corpus", ROOT.parents[1] / "shared" / "corpus")
               if p.is_dir()), ROOT.parent / "shared" / "corpus")


@pytest.fixture(scope="module")
def seg() -> JiebaSegmenter:
    return JiebaSegmenter()


@pytest.fixture(scope="module")
def reference(seg: JiebaSegmenter) -> Any:
    """jieba's own tokenizer, HMM untouched, with the same dictionary entries."""
    with sg._jieba_warnings_silenced():
        import jieba

    tok = jieba.Tokenizer()
    engine = seg._ensure()
    assert isinstance(engine, sg._JiebaEngine)
    tok.FREQ, tok.total, tok.initialized = dict(engine._tok.FREQ), engine._tok.total, True
    tok.user_word_tag_tab = dict(engine._tok.user_word_tag_tab)
    return tok


def _rare(n: int, freq: dict[str, int], seed: int = 0) -> str:
    """Han characters outside the dictionary: they join into no word, so jieba hands the whole
    run to its HMM."""
    rare = [chr(c) for c in range(0x4E00, 0x9FA5) if chr(c) not in freq]
    rng = random.Random(seed)
    return "".join(rng.choice(rare) for _ in range(n))


# --- item 12: jieba's HMM in linear time, the same tokens ---------------------------------------


def test_item12_tokens_on_the_seed_are_unchanged(seg: JiebaSegmenter, reference: Any) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert seg._ensure()._tok.lcut(text) == reference.lcut(text)  # type: ignore[attr-defined]
    assert "".join(seg.cut(text)) == text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here (a clone without the team's corpus)")
def test_item12_tokens_on_the_real_corpus_are_unchanged(seg: JiebaSegmenter, reference: Any) -> None:
    files = sorted(CORPUS.rglob("*.txt"))[::8] + sorted(CORPUS.rglob("*.md"))[:2]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert seg._ensure()._tok.lcut(text) == reference.lcut(text), path.name  # type: ignore[attr-defined]


_PIECES = st.sampled_from(
    [*"之乎者也兮矣焉哉曰歟龘靐齉爩麤鬱㐀𠀀", "政协", "党建", "，", "。", " ", "2020", "APP", "5G", "%", "\n", "3.5"]
)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_PIECES, max_size=120).map("".join))
def test_item12_the_linear_hmm_cuts_exactly_like_jiebas(text: str, seg: JiebaSegmenter, reference: Any) -> None:
    assert seg._ensure()._tok.lcut(text) == reference.lcut(text)  # type: ignore[attr-defined]


def test_item12_a_long_run_jieba_cannot_join_is_segmented_whole(seg: JiebaSegmenter, reference: Any) -> None:
    run = _rare(3_000, reference.FREQ)
    words = seg._ensure()._tok.lcut(run)  # type: ignore[attr-defined]
    assert words == reference.lcut(run)  # jieba's own quadratic HMM is still quick at 3,000
    long = _rare(30_000, reference.FREQ, seed=1)
    doc = sk.load(text=f"标题\n\n一、总体要求\n\n{long}。")
    table = sk.tokenize(doc, seg)
    assert "".join(table.loc[table["part"] == "body", "token"]) == long + "。"
    assert all(doc.text[s:e] == t for s, e, t in zip(table["start"], table["end"], table["token"], strict=True))


def test_item12_tags_on_the_seed_are_unchanged(seg: JiebaSegmenter, reference: Any) -> None:
    with sg._jieba_warnings_silenced():
        import jieba.posseg

    text = SEED.read_text(encoding="utf-8")
    theirs = jieba.posseg.POSTokenizer(reference)
    theirs.makesure_userdict_loaded()
    words, tags = zip(*seg.tag(text), strict=True)
    for word, tag in set(zip(words, tags, strict=True)):
        if word.strip() and word not in theirs.word_tag_tab and sg._HAN_CHAR.search(word):
            assert tag == theirs.lcut(word)[-1].flag, word  # tagged alone, in one batch


_STATES_TEXT = st.text(st.sampled_from([*"政协党建履职之乎龘靐齉爩鬱㐀王喆堃的了", "a", "1"]), min_size=1, max_size=10)


@settings(max_examples=120, deadline=None)
@given(text=_STATES_TEXT)
def test_item12_the_sparse_posseg_viterbi_finds_jiebas_route(text: str) -> None:
    with sg._jieba_warnings_silenced():
        from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P
        from jieba.posseg.viterbi import viterbi

    expected = viterbi(text, char_state_tab_P, start_P, trans_P, emit_P)[1]
    assert sg._pos_viterbi(text, char_state_tab_P, start_P, trans_P, emit_P) == expected


# --- item 13: section ranges in one pass --------------------------------------------------------


def _ranges_by_definition(sections: list[dict[str, Any]], n_tokens: int) -> list[int]:
    ends = []
    for i, sec in enumerate(sections):
        later = [s for s in sections[i + 1 :] if s["level"] <= sec["level"] or sec["level"] == 0]
        ends.append(later[0]["token_start"] if later else n_tokens)
    return ends


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=25))
def test_item13_section_ranges_match_their_definition(levels: list[int]) -> None:
    sections = [{"level": lv, "token_start": 3 * i} for i, lv in enumerate(levels)]
    expected = _ranges_by_definition(sections, 1_000)
    _finish_section_ranges(sections, 1_000)
    assert [s["token_end"] for s in sections] == expected


def test_item13_many_sections_tokenize(seg: JiebaSegmenter) -> None:
    text = "标题\n\n" + "".join(f"第{i}章 章名\n\n正文。\n\n" for i in range(1, 3_001))
    table = sk.tokenize(sk.parse_document(text), seg)
    sections = table.attrs["sections"]
    assert len(sections) == 3_000
    assert all(a["token_end"] == b["token_start"] for a, b in itertools.pairwise(sections))


# --- item 19: a cache that cannot be written --------------------------------------------------


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sg, "_CACHE_WARNED", set())


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "studykit" and r.levelno == logging.WARNING]


def test_item19_a_directory_in_place_of_the_cache_warns_once_and_leaves_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, fresh_warnings: None
) -> None:
    with sg._jieba_warnings_silenced():
        import jieba

    (tmp_path / f"jieba-{jieba.__version__}.cache").mkdir()
    caplog.set_level(logging.WARNING, logger="studykit")
    for _ in range(2):
        seg = JiebaSegmenter(cache_dir=tmp_path)
        assert seg.cut("政协党建") == ["政协", "党建"]
    messages = _warnings(caplog)
    assert len(messages) == 1 and "\n" not in messages[0]
    assert "cannot write jieba's dictionary cache" in messages[0] and "STUDYKIT_CACHE_DIR" in messages[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"jieba-{jieba.__version__}.cache"]
    assert not [r for r in caplog.records if r.name == "jieba"]  # no traceback logged by jieba


def test_item19_a_full_disk_leaves_no_temporary_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, fresh_warnings: None
) -> None:
    def full(value: Any, fh: Any) -> None:
        fh.write(b"x" * 100_000)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(marshal, "dump", full)
    caplog.set_level(logging.WARNING, logger="studykit")
    assert JiebaSegmenter(cache_dir=tmp_path).cut("党建") == ["党建"]
    assert list(tmp_path.iterdir()) == []
    assert "No space left on device" in _warnings(caplog)[0]


def test_item19_a_file_in_place_of_the_cache_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, fresh_warnings: None
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder", encoding="utf-8")
    caplog.set_level(logging.WARNING, logger="studykit")
    assert JiebaSegmenter(cache_dir=blocker).cut("党建") == ["党建"]
    assert len(_warnings(caplog)) == 1 and blocker.read_text(encoding="utf-8") == "not a folder"


def test_item19_a_corrupt_cache_is_rebuilt_and_stale_temporaries_go(tmp_path: Path) -> None:
    with sg._jieba_warnings_silenced():
        import jieba

    cache = tmp_path / f"jieba-{jieba.__version__}.cache"
    cache.write_bytes(b"\x00garbage")
    old = time.time() - 2 * sg._STALE_TEMP_SECONDS
    for name in (".jieba-abc.tmp", "tmpabcd1234"):
        (tmp_path / name).write_bytes(b"x" * 1000)
        os.utime(tmp_path / name, (old, old))
    (tmp_path / ".jieba-new.tmp").write_bytes(b"x")  # maybe another process writing right now
    assert JiebaSegmenter(cache_dir=tmp_path).cut("党建") == ["党建"]
    freq, total = marshal.loads(cache.read_bytes())
    assert freq["党建"] > 0 and total > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".jieba-new.tmp", cache.name]


# --- found by red-teaming these fixes -------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.timeout(60)
def test_a_fifo_in_place_of_the_cache_does_not_hang(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, fresh_warnings: None
) -> None:
    with sg._jieba_warnings_silenced():
        import jieba

    os.mkfifo(tmp_path / f"jieba-{jieba.__version__}.cache")
    caplog.set_level(logging.WARNING, logger="studykit")
    assert JiebaSegmenter(cache_dir=tmp_path).cut("政协党建") == ["政协", "党建"]  # rebuilt, replaced
    assert (tmp_path / f"jieba-{jieba.__version__}.cache").is_file()
