"""The bulk tokenizer path (JiebaSegmenter.token_codes behind studykit.tokenize): the same tokens
as the per-token API, whether the text is cut in one call or piece by piece."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import studykit.text.segment as segment
from studykit.document.parse import parse_document
from studykit.document.read import read_source
from studykit.text.segment import JiebaSegmenter, TokenCodes
from studykit.text.tokens import tokenize

MIXED = st.text(
    alphabet=st.sampled_from(
        list("政协党建履职黨組書記與為們人民四个意识一二三〇的了高质量发展")
        + list("abcXYZ019.%-+#&_@")
        + list(",:;!?。、，“”（）《》…")
        + [" ", "\n", "\n", "\r", "\t", "\u3000", "\u00a0", "😀", "\U00020000", "é"]
    ),
    max_size=80,
)


@pytest.fixture(scope="module", params=["jieba", "rjieba"])
def seg(request: pytest.FixtureRequest) -> JiebaSegmenter:
    if request.param == "rjieba":
        pytest.importorskip("rjieba")
    return JiebaSegmenter(backend=request.param)


def _rows(codes: TokenCodes) -> list[tuple[str, str | None, int, int, str]]:
    pos = codes.pos_vocab
    return [
        (codes.vocab[c], None if pos is None or codes.pos_codes is None else pos[codes.pos_codes[i]],
         int(codes.start[i]), int(codes.end[i]), codes.kinds[c])
        for i, c in enumerate(codes.codes.tolist())
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(text=MIXED, pos=st.booleans())
def test_token_codes_are_the_per_token_tokens(seg: JiebaSegmenter, text: str, pos: bool) -> None:
    got = _rows(seg.token_codes(text, pos=pos))
    want = [tuple(t) for t in seg.tokens(text, pos=pos, keep_space=True)]
    assert got == want
    assert all(text[s:e] == w for w, _, s, e, _ in got)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(text=MIXED, size=st.integers(1, 12))
@example(text="政协\r\n党建\r\n\r\n履职 data\nset 2024\n年", size=1)
@example(text="政协\r\n党建\r\n\r\n履职 data\nset 2024\n年", size=3)
def test_pieces_cut_after_line_ends_give_the_words_of_one_cut(
    seg: JiebaSegmenter, text: str, size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _rows(seg.token_codes(text))
    with monkeypatch.context() as m:
        m.setattr(segment, "_PIECE", size)  # a piece ends at the first line end after `size`
        assert _rows(seg.token_codes(text)) == whole


def test_pieces_cover_the_text_and_end_after_line_ends() -> None:
    text = "一二三\n四五\n\n六七八九十\r\n末"
    pieces = list(segment._line_pieces(text, 2))
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(text[b - 1] == "\n" for _, b in pieces[:-1])
    assert list(segment._line_pieces("", 4)) == []
    assert list(segment._line_pieces("没有换行", 2)) == [(0, 4)]


def test_a_dropped_stretch_becomes_a_token_tagged_x(monkeypatch: pytest.MonkeyPatch) -> None:
    seg = JiebaSegmenter()
    engine = seg._ensure()
    source = "一、总则\n\n推动政协党建与履职工作深度融合。\n"
    doc = parse_document(read_source(source.encode()))
    real_cut = engine.cut

    def lossy_cut(s: str) -> list[str]:
        return [w for w in real_cut(s) if w != "党建"]  # the backend loses 党建

    monkeypatch.setattr(engine, "cut", lossy_cut)
    table = tokenize(doc, seg)
    row = table[table.token == "党建"].iloc[0]
    assert row.pos == "x"
    assert doc.text[row.start : row.end] == "党建"
    assert list(table.token) == [doc.text[s:e] for s, e in zip(table.start, table.end, strict=True)]


def test_jieba_posseg_table_is_the_one_posseg_reads_itself() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
        import jieba.posseg

    reference = jieba.Tokenizer()  # private; posseg only reads its dictionary file
    want = dict(jieba.posseg.POSTokenizer(reference).word_tag_tab)
    want["数实融合"] = "nz"
    seg = JiebaSegmenter(backend="jieba", domain=False, user_words=["数实融合 5 nz"])
    seg.tag("数实融合")
    assert seg._ensure()._posseg().word_tag_tab == want  # type: ignore[attr-defined]
