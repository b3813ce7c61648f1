"""Tests for studykit.text.segment: dictionary, offsets, backends, stopwords and global state."""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studykit.errors import QueryError, SourceNotFoundError
from studykit.text.segment import (
    NEVER_STOPWORDS,
    JiebaSegmenter,
    Token,
    default_cache_dir,
    load_domain_dict,
    load_filler,
    load_stopwords,
)
from studykit.zh import simplified_shadow

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_1776dd67e002c30c.txt"

REQUIRED_TERMS = [
    "习近平新时代中国特色社会主义思想", "人民政协", "政协党组", "党组书记", "党建", "履职",
    "建言资政", "凝聚共识", "四个意识", "四个自信", "两个维护", "两个确立", "三个作用", "一岗双责",
    "专门协商机构", "协商民主", "粤港澳大湾区", "脱贫攻坚战", "智慧政协", "统一战线",
    "四个全面", "五位一体", "高质量发展", "新发展理念", "共同富裕", "乡村振兴",
    "全过程人民民主", "供给侧结构性改革",
]  # fmt: skip

# Sentences copied from the seed (广西日报 2020-12-16), with tokens each must contain and tokens
# it must not contain (a neighbour glued on or a term torn apart).
SEED_SENTENCES: list[tuple[str, list[str], list[str]]] = [
    ("政协党组书记履行抓党建第一责任人职责", ["政协党组书记", "党建", "第一责任人"], ["政协党组"]),
    ("作者:广西省南宁市政协党组书记、主席 杜伟", ["南宁市", "政协党组书记", "主席"], ["书记"]),
    (
        "建立完善以政协党组理论学习中心组学习为引领",
        ["政协党组", "理论学习中心组"],
        ["政协", "党组"],
    ),
    (
        "坚持把学习习近平新时代中国特色社会主义思想作为重大政治任务",
        ["习近平新时代中国特色社会主义思想"],
        ["习近平", "思想"],
    ),
    (
        "引导广大政协委员切实增强“四个意识”、坚定“四个自信”、做到“两个维护”",
        ["政协委员", "四个意识", "四个自信", "两个维护"],
        ["四个", "两个"],
    ),
    ("二、坚持建言资政和凝聚共识双向发力", ["建言资政", "凝聚共识"], ["建言", "资政"]),
    ("立足发挥专门协商机构作用,自觉融入大局", ["专门协商机构"], ["协商"]),
    (
        "全面对接融入粤港澳大湾区发展、助力打赢脱贫攻坚战等大事要事开展建言资政",
        ["粤港澳大湾区", "脱贫攻坚战", "建言资政"],
        ["大湾", "攻坚战"],
    ),
    # 政协党组 must not steal 党组 from 党组织.
    ("充分发挥政协党组织“三个作用”", ["政协", "党组织", "三个作用"], ["政协党组"]),
    ("形成政协党组织有部署、政协组织有落实", ["政协", "党组织"], ["政协党组", "织"]),
    ("党组织的其他成员履行“一岗双责”", ["党组织", "一岗双责"], []),
    ("开通智慧政协APP线上学习平台", ["智慧政协", "APP"], []),
    ("人民政协要通过有效工作,努力成为坚持和加强党对各项工作领导的重要阵地", ["人民政协"], []),
    # Without 市政协党组 the HMM glues 先由市 together.
    ("都先由市政协党组进行研究决定", ["都", "先", "由", "市政协党组"], ["先由市"]),
    ("政协党组是同级党委在政协设立的领导机构", ["政协党组", "党委"], []),
    ("推动政协党建与履职工作深度融合", ["政协", "党建", "履职"], []),
    ("南宁市政协创建了政协党组成员联系市政协领导班子党外副主席", ["政协党组成员"], []),
    ("充分发挥政协党组在政协工作中的领导核心作用", ["政协党组", "领导核心作用"], []),
    ("把党建融入政协履职尽责全过程", ["党建", "履职尽责"], []),
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("studykit-cache")


@pytest.fixture(scope="module")
def seg(cache: Path) -> JiebaSegmenter:
    return JiebaSegmenter(cache_dir=cache)


@pytest.fixture(scope="module")
def plain(cache: Path) -> JiebaSegmenter:
    """jieba without studykit's dictionary: the baseline the dictionary is judged against."""
    return JiebaSegmenter(cache_dir=cache, domain=False)


@pytest.fixture(scope="module")
def fast() -> JiebaSegmenter:
    pytest.importorskip("rjieba")
    return JiebaSegmenter(backend="rjieba")


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


# -- laziness and imports --------------------------------------------------------------------


def test_importing_segment_does_not_import_jieba() -> None:
    code = "import sys, studykit.text.segment; print('jieba' in sys.modules, 'rjieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_construction_is_cheap_and_lazy(tmp_path: Path) -> None:
    s = JiebaSegmenter(cache_dir=tmp_path / "c", words=["同心书屋"])
    assert s._engine is None
    assert not (tmp_path / "c").exists()
    assert "not loaded" in repr(s)


def test_import_and_first_use_quiet_under_warnings_as_errors(tmp_path: Path) -> None:
    # A fresh pycache prefix makes Python compile jieba from source, so its invalid escape
    # sequences warn; -W error turns any warning that escapes studykit into a failure.
    code = (
        "import studykit.text.segment as s; from pathlib import Path; "
        f"g = s.JiebaSegmenter(cache_dir=Path({str(tmp_path / 'c')!r})); "
        "print(g.cut('推动政协党建')); print(g.tag('党建')[0][1])"
    )
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "pyc")}
    out = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["['推动', '政协', '党建']", "j"]
    assert "Building prefix dict" not in out.stderr
    assert out.stderr == ""


# -- the domain dictionary --------------------------------------------------------------------


@pytest.mark.parametrize("term", REQUIRED_TERMS)
def test_required_terms_stay_whole(seg: JiebaSegmenter, term: str) -> None:
    assert seg.cut(term) == [term]


def test_plain_jieba_breaks_most_required_terms(plain: JiebaSegmenter) -> None:
    broken = [t for t in REQUIRED_TERMS if plain.cut(t) != [t]]
    assert len(broken) > len(REQUIRED_TERMS) // 2  # the dictionary is doing real work


def test_every_dictionary_entry_stays_whole(seg: JiebaSegmenter) -> None:
    assert [e.word for e in load_domain_dict() if seg.cut(e.word) != [e.word]] == []


def test_dictionary_file_is_clean() -> None:
    entries = load_domain_dict()
    words = [e.word for e in entries]
    assert len(entries) >= 300
    assert len(set(words)) == len(words)
    assert all(e.freq is not None and e.freq >= 500 for e in entries)
    assert all(e.tag for e in entries)
    assert all(not w.isascii() and " " not in w for w in words)


@pytest.mark.parametrize(("sentence", "present", "absent"), SEED_SENTENCES)
def test_seed_sentences(
    seg: JiebaSegmenter, sentence: str, present: list[str], absent: list[str]
) -> None:
    words = seg.cut(sentence)
    assert sentence in SEED.read_text(encoding="utf-8")
    for w in present:
        assert w in words, (w, words)
    for w in absent:
        assert w not in words, (w, words)


# Look-alikes of real report sentences (fictional places): general policy words jieba cuts
# (补短/板, 八八/战略, 强富/美高, 统一/大/市场, 可/支配/收入, 长株/潭) stay whole, neighbours untouched.
POLICY_SENTENCES: list[tuple[str, list[str], list[str]]] = [
    ("东川省城乡居民人均可支配收入增长5%", ["人均", "可支配收入"], ["支配", "收入"]),
    ("坚持补短板、锻长板，加快融入全国统一大市场", ["补短板", "锻长板", "全国统一大市场"], ["补短", "板"]),
    ("主动融入统一大市场建设", ["融入", "统一大市场", "建设"], ["统一", "大"]),
    ("坚持以“八八战略”为总纲领", ["以", "八八战略", "为"], ["八八", "战略"]),
    ("奋力推进“强富美高”新青禾建设", ["强富美高"], ["强富", "美高"]),
    ("深化长株潭、呼包鄂、哈大齐区域协作，对标京津冀", ["长株潭", "呼包鄂", "哈大齐", "京津冀"], ["长株"]),
    ("全力稳外贸稳外资扩内需，增强群众获得感", ["稳外贸", "稳外资", "扩内需", "获得感"], ["外贸"]),
    ("一般公共预算收入增长3%，地区生产总值突破万亿元", ["一般公共预算", "收入", "地区生产总值"], ["一般"]),
    ("用好专项债券，办好民生实事，建设保障性住房和好房子",
     ["专项债券", "民生实事", "保障性住房", "好房子"], ["房子"]),
]


def assert_cut(seg: JiebaSegmenter, sentence: str, present: list[str], absent: list[str]) -> None:
    """``sentence`` is cut with every word of ``present`` whole and none of ``absent`` alone."""
    words = seg.cut(sentence)
    for w in present:
        assert w in words, (w, words)
    for w in absent:
        assert w not in words, (w, words)


@pytest.mark.parametrize(("sentence", "present", "absent"), POLICY_SENTENCES)
def test_policy_sentences(
    seg: JiebaSegmenter, sentence: str, present: list[str], absent: list[str]
) -> None:
    assert_cut(seg, sentence, present, absent)


def test_dictionary_changes_only_its_own_words(
    seg: JiebaSegmenter, plain: JiebaSegmenter, seed_text: str
) -> None:
    """Every boundary the dictionary removes lies inside a dictionary word, and every boundary it
    adds is the edge of one: no neighbour on the seed is glued or torn by accident."""
    domain = {e.word for e in load_domain_dict()}
    for line in filter(None, seed_text.splitlines()):
        before, after = plain.tokens(line, pos=False), seg.tokens(line, pos=False)
        cuts_before = {t.end for t in before}
        cuts_after = {t.end for t in after}
        for cut in cuts_before - cuts_after:
            (holder,) = [t for t in after if t.start < cut < t.end]
            assert holder.text in domain, (line, holder)
        for cut in cuts_after - cuts_before:
            edges = [t for t in after if cut in (t.start, t.end) and t.text in domain]
            assert edges, (line, cut)


def test_tags_come_from_the_dictionary(seg: JiebaSegmenter) -> None:
    assert dict(seg.tag("人民政协坚定四个自信")) == {
        "人民政协": "nt",
        "坚定": "a",
        "四个自信": "nz",
    }


# -- tokens and offsets ------------------------------------------------------------------------


def test_tokens_offsets_and_kinds_on_the_seed(seg: JiebaSegmenter, seed_text: str) -> None:
    toks = seg.tokens(seed_text)
    assert all(isinstance(t, Token) for t in toks)
    assert all(seed_text[t.start : t.end] == t.text for t in toks)
    assert all(t.kind != "space" for t in toks)
    assert all(t.pos for t in toks)
    kinds = {t.text: t.kind for t in toks}
    assert kinds["党建"] == "han"
    assert kinds["2020"] == "number"
    assert kinds["APP"] == "latin"
    assert kinds[","] == kinds["。"] == kinds["“"] == kinds[":"] == "punct"
    spaced = seg.tokens(seed_text, keep_space=True)
    assert "".join(t.text for t in spaced) == seed_text
    assert [t for t in spaced if t.kind != "space"] == toks


def test_fast_path_has_no_tags_but_the_same_words(seg: JiebaSegmenter, seed_text: str) -> None:
    fast = seg.tokens(seed_text, pos=False)
    assert all(t.pos is None for t in fast)
    assert "".join(seg.cut(seed_text)) == seed_text
    cols = seg.token_columns(seed_text, pos=False, keep_space=True)
    assert cols.text == seg.cut(seed_text)
    assert cols.pos is None
    assert cols.start[0] == 0 and cols.end[-1] == len(seed_text)
    for pos in (False, True):
        cols = seg.token_columns(seed_text, pos=pos)
        tags = cols.pos or [None] * len(cols.text)
        rows = list(zip(cols.text, tags, cols.start, cols.end, cols.kind, strict=True))
        assert rows == [tuple(t) for t in seg.tokens(seed_text, pos=pos)]


def test_numbers_and_punctuation_are_kept_and_flagged(seg: JiebaSegmenter) -> None:
    toks = seg.tokens("时间:2020-12-16 10:20:27 来源: 广西日报,增长3.5%!")
    got = [(t.text, t.kind) for t in toks]
    assert ("2020", "number") in got
    assert ("-", "punct") in got
    assert ("3.5%", "number") in got  # jieba.lcut keeps the ASCII run whole
    assert ("!", "punct") in got
    assert ("广西", "han") in got


def test_traditional_text_segments_like_simplified(seg: JiebaSegmenter, seed_text: str) -> None:
    import opencc

    trad = opencc.OpenCC("s2t").convert(seed_text)
    assert len(trad) == len(seed_text) and trad != seed_text
    simp = seg.tokens(seed_text, pos=False)
    toks = seg.tokens(trad, pos=False)
    assert [(t.start, t.end) for t in toks] == [(t.start, t.end) for t in simp]
    assert all(trad[t.start : t.end] == t.text for t in toks)
    assert seg.cut("政協黨組書記履行抓黨建第一責任人職責") == [
        "政協黨組書記", "履行", "抓", "黨建", "第一責任人", "職責",
    ]  # fmt: skip
    assert seg.tag("智慧政協") == [("智慧政協", "nz")]


def test_empty_text_and_wrong_type(seg: JiebaSegmenter) -> None:
    assert seg.cut("") == []
    assert seg.tokens("") == []
    assert seg.tag("") == []
    with pytest.raises(TypeError, match="decode"):
        seg.cut(b"\xe5\x85\x9a")  # type: ignore[arg-type]


MIXED = st.text(
    alphabet=st.sampled_from(
        list("政协党建履职黨組書記與為們人民四个意识一二三〇的了")
        + list("abcXYZ019.%-+#&_@")
        + list(",:;!?。、，“”（）《》…")
        + [" ", "\n", "\r", "\t", "\u3000", "\u00a0", "😀", "\U00020000", "é"]
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MIXED, pos=st.booleans())
def test_offsets_always_point_back_into_the_text(seg: JiebaSegmenter, text: str, pos: bool) -> None:
    toks = seg.tokens(text, pos=pos, keep_space=True)
    assert "".join(t.text for t in toks) == text
    at = 0
    for t in toks:
        assert t.start == at and text[t.start : t.end] == t.text and t.text
        at = t.end
    assert "".join(seg.cut(text)) == text
    assert all(t.kind != "space" for t in seg.tokens(text, pos=pos))


@settings(max_examples=60, deadline=None)
@given(text=MIXED)
def test_remembered_shadow_equals_simplified_shadow(seg: JiebaSegmenter, text: str) -> None:
    assert seg._shadow(text) == simplified_shadow(text)
    assert seg._shadow(text + "政協黨") == simplified_shadow(text + "政協黨")


def test_dropped_characters_are_resynchronised(
    seg: JiebaSegmenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = seg._ensure()
    text = "政协党建 与履职"

    def lossy_cut(s: str) -> list[str]:
        return ["政协", "党建", "与", "履职"]  # the space is gone

    def lossy_tag(s: str) -> tuple[list[str], list[str]]:
        return ["政协", "建", "与", "履职"], ["j", "v", "p", "v"]  # 党 and the space are gone

    monkeypatch.setattr(engine, "cut", lossy_cut)
    monkeypatch.setattr(engine, "tag", lossy_tag)
    assert seg.cut(text) == ["政协", "党建", " ", "与", "履职"]
    toks = seg.tokens(text, keep_space=True)
    assert [(t.text, t.pos) for t in toks] == [
        ("政协", "j"), ("党", "x"), ("建", "v"), (" ", "x"), ("与", "p"), ("履职", "v"),
    ]  # fmt: skip
    assert all(text[t.start : t.end] == t.text for t in toks)


# -- backends -------------------------------------------------------------------------------


def test_rjieba_gives_the_same_chinese_tokens(
    seg: JiebaSegmenter, plain: JiebaSegmenter, fast: JiebaSegmenter, seed_text: str
) -> None:
    def han(s: JiebaSegmenter) -> list[tuple[str, int]]:
        return [(t.text, t.start) for t in s.tokens(seed_text, pos=False) if t.kind == "han"]

    assert fast.backend == "rjieba"
    assert han(fast) == han(seg)
    fast_plain = JiebaSegmenter(backend="rjieba", domain=False)
    assert han(fast_plain) == han(plain)
    assert all(seed_text[t.start : t.end] == t.text for t in fast.tokens(seed_text))
    tags = dict(fast.tag(seed_text))
    assert tags["政协党组"] == "nt" and tags["四个意识"] == "nz"


def test_rjieba_user_words_match_jieba(cache: Path) -> None:
    pytest.importorskip("rjieba")
    words = ["同心书屋", "书香政协阵地 800 nz"]
    a = JiebaSegmenter(words=words, cache_dir=cache)
    b = JiebaSegmenter(backend="rjieba", words=words)
    text = "创建集学习交流于一体的“同心书屋”,建设书香政协阵地"
    assert a.cut(text) == b.cut(text)
    assert "同心书屋" in b.cut(text)
    assert dict(b.tag(text))["同心书屋"] == "x"  # no tag given: jieba's "x", not rjieba's ""


def test_auto_prefers_rjieba() -> None:
    pytest.importorskip("rjieba")
    assert JiebaSegmenter(backend="auto").backend == "rjieba"


def test_auto_falls_back_to_jieba(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba now raises ImportError
    s = JiebaSegmenter(backend="auto", cache_dir=cache)
    assert s.backend == "jieba"
    assert s.cut("增强四个意识") == ["增强", "四个意识"]


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        JiebaSegmenter(backend="pkuseg")  # type: ignore[arg-type]


# -- adding words -----------------------------------------------------------------------------


def test_add_words_before_and_after_loading(tmp_path: Path) -> None:
    s = JiebaSegmenter(cache_dir=tmp_path, words=["同心书屋"])
    s.add_words(["书香阵地 nz"])  # queued: nothing loaded yet
    assert s._engine is None
    assert s.cut("同心书屋和书香阵地") == ["同心书屋", "和", "书香阵地"]
    s.add_words(["工会之家 600 n"])  # applied at once
    assert s.tag("工会之家阵地")[0] == ("工会之家", "n")


def test_add_words_from_a_user_dictionary_file(tmp_path: Path) -> None:
    path = tmp_path / "user.txt"
    path.write_text("\ufeff# 注释\n\n同心书屋 5 nz\n书香阵地\n", encoding="utf-8")
    s = JiebaSegmenter(cache_dir=tmp_path, user_dict=path)
    assert dict(s.tag("建设同心书屋和书香阵地")) == {
        "建设": "vn", "同心书屋": "nz", "和": "c", "书香阵地": "x",
    }  # fmt: skip
    t = JiebaSegmenter(cache_dir=tmp_path, domain=False)
    t.add_words(str(path))
    assert "同心书屋" in t.cut("同心书屋")


def test_add_words_errors(tmp_path: Path) -> None:
    s = JiebaSegmenter(cache_dir=tmp_path)
    with pytest.raises(SourceNotFoundError, match="add_words"):
        s.add_words("同心书屋")  # a str is a path, as in jieba.load_userdict
    with pytest.raises(TypeError, match="list of words"):
        JiebaSegmenter(words="同心书屋")
    with pytest.raises(ValueError, match="frequency 0"):
        JiebaSegmenter(words=["同心书屋 0"])
    with pytest.raises(ValueError, match="frequency 0"):
        s.add_words(["同心书屋 0 nz"])


@pytest.mark.parametrize("bad", [[123], ["党建", None], [b"x"], 5, b"xx", ["乡村\n振兴"], ["高质量\u2028发展"]])
def test_user_words_must_be_strings(bad: object) -> None:
    """A word that is not a string is refused up front, in one bilingual line (it used to fail
    with an AttributeError from deep inside the parser)."""
    with pytest.raises(QueryError, match=r"^选项 user_words 的值无效 / invalid user_words: .* is not a word"):
        JiebaSegmenter(user_words=bad)  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="invalid words"):
        JiebaSegmenter().add_words(bad)  # type: ignore[arg-type]


# -- global state and the cache ---------------------------------------------------------------


def test_jieba_global_state_is_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jieba
    import jieba.finalseg
    import jieba.posseg

    systemp = tmp_path / "systemp"
    systemp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(systemp))
    logger = logging.getLogger("jieba")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    logger.addHandler(handler)
    try:
        level = logger.level
        initialized = jieba.dt.initialized
        freq_size = len(jieba.dt.FREQ)
        forced = set(jieba.finalseg.Force_Split_Words)
        posseg_tags = len(jieba.posseg.dt.word_tag_tab)

        s = JiebaSegmenter(cache_dir=tmp_path / "cache", words=["同心书屋 5 nz"])
        s.add_words(["书香阵地"])
        assert "同心书屋" in s.cut("同心书屋和书香阵地")
        assert s.tag("政协党组")[0] == ("政协党组", "nt")
        s.tokens("政协党组书记")

        assert jieba.dt.initialized is initialized
        assert len(jieba.dt.FREQ) == freq_size
        assert not {"政协党组", "同心书屋", "书香阵地"} & set(jieba.dt.FREQ)
        assert set(jieba.finalseg.Force_Split_Words) == forced
        assert len(jieba.posseg.dt.word_tag_tab) == posseg_tags
        assert logger.level == level
        assert gc.isenabled()
        assert not [r for r in records if "prefix dict" in r.getMessage()]
        assert list(systemp.iterdir()) == []  # nothing in the shared temp directory
        assert (tmp_path / "cache" / f"jieba-{jieba.__version__}.cache").is_file()
    finally:
        logger.removeHandler(handler)


def test_unwritable_cache_dir_builds_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    systemp = tmp_path / "systemp"
    systemp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(systemp))
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    s = JiebaSegmenter(cache_dir=blocker / "cache")
    assert s.cut("四个意识") == ["四个意识"]
    assert list(systemp.iterdir()) == []


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("STUDYKIT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "studykit"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "studykit"
    monkeypatch.setenv("STUDYKIT_CACHE_DIR", str(tmp_path / "sk"))
    assert default_cache_dir() == tmp_path / "sk"
    assert JiebaSegmenter().cache_dir == tmp_path / "sk"
    assert JiebaSegmenter(cache_dir=tmp_path / "arg").cache_dir == tmp_path / "arg"


# -- stopwords and filler ---------------------------------------------------------------------


def test_stopwords() -> None:
    import stopwordsiso

    stop = load_stopwords()
    assert isinstance(stop, frozenset) and load_stopwords() is stop
    assert set("的了和与及等在是对把被将也都而并") <= stop
    for w in ["人民", "坚持", "加强", "重要", "全面"]:
        assert w not in stop
    assert NEVER_STOPWORDS.isdisjoint(stop)
    assert set(stopwordsiso.stopwords("zh")) - NEVER_STOPWORDS <= stop
    assert "一切" in stop  # a determiner like 所有 and 全部: kept as a stopword on purpose
    assert {"們", "這", "與"} <= stop  # traditional forms
    assert [e.word for e in load_domain_dict() if e.word in stop] == []


def test_filler() -> None:
    filler = load_filler()
    assert isinstance(filler, frozenset)
    wanted = ["切实", "进一步", "不断", "做到", "着力", "大力", "积极", "认真"]
    wanted += ["努力", "坚决", "扎实", "全力", "持续", "深入"]
    assert set(wanted) <= filler
    assert "坚持" not in filler and "全面" not in filler
    assert "進一步" in filler
    assert filler.isdisjoint(NEVER_STOPWORDS)
    assert [e.word for e in load_domain_dict() if e.word in filler] == []


def test_segmenter_word_lists(seg: JiebaSegmenter, seed_text: str) -> None:
    assert seg.is_stopword("的") and not seg.is_stopword("人民")
    assert seg.is_filler("切实") and not seg.is_filler("坚持")
    words = [t.text for t in seg.tokens(seed_text, pos=False) if t.kind == "han"]
    dropped = sum(seg.is_stopword(w) for w in words) / len(words)
    assert 0.1 < dropped < 0.4
    assert sum(seg.is_filler(w) for w in words) > 10
    custom = JiebaSegmenter(stopwords=["党"], filler=[])
    assert custom.is_stopword("党") and not custom.is_stopword("的")
    assert not custom.is_filler("切实")


# -- newer vocabulary and the user's own words ------------------------------------------------------

# Sentences written for these tests (policy look-alikes), each with tokens it must contain and
# tokens it must not contain: the new entries stay whole and glue no neighbour on.
NEW_TERM_SENTENCES: list[tuple[str, list[str], list[str]]] = [
    ("科学编制“十五五”规划纲要", ["十五五", "编制"], ["十五", "五"]),
    ("回顾“十三五”时期的发展成就", ["十三五", "时期"], ["十三"]),
    ("大力发展新质生产力，培育未来产业", ["新质生产力", "未来产业"], ["新质", "未来"]),
    ("抓好“两重”建设和“两新”工作", ["两重", "两新", "建设", "工作"], ["重建"]),
    ("深入学习运用“千万工程”经验", ["千万工程", "经验"], ["千万"]),
    ("新增专精特新中小企业一百家", ["专精特新", "中小企业"], ["专精", "特新"]),
    ("完善基层协商议事机制", ["协商议事", "机制"], ["议事机制"]),
    ("做好五篇大文章，建好四好农村路", ["五篇大文章", "四好农村路"], ["大", "路"]),
    ("发展低空经济和银发经济", ["低空经济", "银发经济"], ["低空"]),
    ("激发经营主体活力，建设全国统一大市场", ["经营主体", "全国统一大市场"], ["主体活力"]),
    ("建设宜居宜业和美乡村", ["宜居宜业和美乡村"], ["和", "美"]),
]


@pytest.mark.parametrize(("sentence", "present", "absent"), NEW_TERM_SENTENCES)
def test_newer_terms_stay_whole(
    seg: JiebaSegmenter, sentence: str, present: list[str], absent: list[str]
) -> None:
    assert_cut(seg, sentence, present, absent)


def test_user_words_as_a_list_or_a_file(tmp_path: Path, cache: Path) -> None:
    pytest.importorskip("rjieba")  # the same entries reach either backend; rjieba loads in 0.1 s
    sentence = "推动数实融合和投资于人"
    assert "数实融合" not in JiebaSegmenter(backend="rjieba", domain=False).cut(sentence)
    listed = JiebaSegmenter(cache_dir=cache, user_words=["数实融合", "投资于人 500 l"])
    assert listed.cut(sentence) == ["推动", "数实融合", "和", "投资于人"]
    path = tmp_path / "words.txt"
    path.write_text("# 我的词\n数实融合\n投资于人 500 l\n", encoding="utf-8")
    assert JiebaSegmenter(backend="rjieba", user_words=path).cut(sentence) == listed.cut(sentence)
    assert JiebaSegmenter(backend="rjieba", user_words=str(path)).cut(sentence) == listed.cut(sentence)
    with pytest.raises(SourceNotFoundError, match="no dictionary file"):
        JiebaSegmenter(cache_dir=cache, user_words=tmp_path / "missing.txt")
