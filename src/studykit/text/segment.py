"""Word segmentation: a private jieba tokenizer with studykit's domain dictionary.

``JiebaSegmenter`` owns its own ``jieba.Tokenizer()`` and never touches jieba's global default
tokenizer (``jieba.dt``), so two segmenters with different dictionaries can live side by side::

    seg = JiebaSegmenter()
    seg.cut("政协党组书记履行抓党建第一责任人职责")
    # ['政协党组书记', '履行', '抓', '党建', '第一责任人', '职责']

Traditional text is segmented through its simplified shadow (same length, one character for one),
so 政協黨組 splits like 政协党组, while every token keeps the original characters and offsets.

Speed, measured on the seed repeated to 5 MB: ``tokens(text, pos=False)`` runs at about 0.8× the
speed of a bare ``jieba.lcut``; ``pos=True`` goes through ``jieba.posseg`` and is 5–8× slower.
``backend="rjieba"`` (``pip install studykit[fast]``) gives the same Chinese tokens about 5× faster
than ``jieba.lcut`` with ``tokens`` and 8× with :meth:`JiebaSegmenter.token_columns`, and tags at
about 3.5× ``jieba.lcut`` speed. :func:`studykit.tokenize` (the whole table, tags included, through
:meth:`JiebaSegmenter.token_codes`) runs at 0.8–1.0× ``jieba.lcut`` with jieba and 7–9× with rjieba
(``python benchmarks/run.py tokenize``).
"""

from __future__ import annotations

import logging
import marshal
import os
import re
import stat
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import cache, partial
from importlib import resources
from itertools import accumulate, compress, pairwise, repeat
from os import PathLike
from pathlib import Path
from types import MethodType
from typing import Any, Literal, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from studykit._gc import gc_paused
from studykit.errors import QueryError, SourceNotFoundError
from studykit.zh import HAN, simplified_shadow

__all__ = [
    "NEVER_STOPWORDS",
    "Backend",
    "DictEntry",
    "JiebaSegmenter",
    "Kind",
    "Token",
    "TokenColumns",
    "default_cache_dir",
    "load_domain_dict",
    "load_filler",
    "load_stopwords",
]

Backend = Literal["auto", "jieba", "rjieba"]
Kind = Literal["han", "latin", "number", "punct", "space"]

NEVER_STOPWORDS: frozenset[str] = frozenset(
    {"人民", "坚持", "加强", "重要", "全面", "发展", "建设", "改革", "创新", "领导", "政治", "群众"}
)
"""Content words that :func:`load_stopwords` never returns, whatever stopwordsiso ships."""


class Token(NamedTuple):
    """One token with character offsets into the text that was segmented.

    ``text[start:end] == token.text`` always holds, also for traditional input. ``pos`` is the
    jieba POS tag (``"n"``, ``"v"``, ``"nt"``, ``"x"`` …) or ``None`` when tagging was off.
    ``kind`` is ``"han"`` (contains a Han character: 党建), ``"latin"`` (letters or letters with
    digits, any script but Han: APP, 5G), ``"number"`` (2020, 3.5%), ``"space"`` or ``"punct"``
    (everything else: ，。、“ -).
    """

    text: str
    pos: str | None
    start: int
    end: int
    kind: Kind


class TokenColumns(NamedTuple):
    """Tokens as parallel lists (column form of :class:`Token`); ``pos`` is ``None`` untagged."""

    text: list[str]
    pos: list[str] | None
    start: list[int]
    end: list[int]
    kind: list[Kind]


class TokenCodes(NamedTuple):
    """Whitespace-inclusive tokens of a long text as codes into its vocabulary, for bulk use.

    ``vocab`` holds each distinct word once (original characters, in order of first appearance)
    and ``kinds`` its kind; token ``i`` is ``vocab[codes[i]]`` at ``start[i]:end[i]``, tagged
    ``pos_vocab[pos_codes[i]]`` (both ``None`` untagged). One string per distinct word, not one
    per token: a 5 MB document has about a million tokens and 20,000 distinct words.
    """

    vocab: list[str]
    kinds: list[Kind]
    codes: npt.NDArray[np.intp]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    pos_vocab: list[str] | None
    pos_codes: npt.NDArray[np.intp] | None


class DictEntry(NamedTuple):
    """One dictionary line: ``政协党组 500 nt``. ``freq``/``tag`` are ``None`` when omitted."""

    word: str
    freq: int | None
    tag: str | None


# ---------------------------------------------------------------------------------------------
# Package data: static, so caching the loaders is safe (no document ever keys these caches).

_DICT_LINE = re.compile(r"^(.+?)(?: ([0-9]+))?(?: ([a-z]+))?$")  # jieba's own user-dict syntax


def _data_lines(name: str) -> list[str]:
    text = resources.files("studykit.text").joinpath("data", name).read_text(encoding="utf-8")
    return _content_lines(text.splitlines())


def _content_lines(lines: Iterable[str]) -> list[str]:
    out = []
    for raw in lines:
        line = raw.strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _parse_entry(line: str) -> DictEntry:
    m = _DICT_LINE.match(line.strip())
    if m is None:  # pragma: no cover - the pattern matches any non-empty line
        raise ValueError(f"bad dictionary line: {line!r}")
    word, freq, tag = m.groups()
    if freq is not None and int(freq) == 0:
        # jieba answers freq 0 with finalseg.add_force_split, a module-level table shared by
        # every tokenizer: refuse it rather than leak into jieba's global state.
        raise ValueError(
            f"词频不能为 0 / frequency 0 for {word!r}: leave the frequency out or give a positive one"
        )
    return DictEntry(word, int(freq) if freq is not None else None, tag)


@cache
def load_domain_dict() -> tuple[DictEntry, ...]:
    """studykit's political and policy vocabulary (``data/domain_dict.txt``), in file order.

    >>> [e for e in load_domain_dict() if e.word == "四个意识"]
    [DictEntry(word='四个意识', freq=500, tag='nz')]
    """
    return tuple(_parse_entry(line) for line in _data_lines("domain_dict.txt"))


@cache
def _s2t() -> Callable[[str], str] | None:
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency
        return None
    conv = opencc.OpenCC("s2t")
    return conv.convert  # type: ignore[no-any-return]


def _with_traditional(words: Iterable[str]) -> frozenset[str]:
    """The words plus their traditional forms, so 們 and 進一步 are recognised too."""
    words = set(words)
    to_trad = _s2t()
    if to_trad is not None and words:
        ordered = sorted(words)
        converted = to_trad("\n".join(ordered)).split("\n")
        if len(converted) == len(ordered):
            words.update(converted)
    return frozenset(words)


@cache
def load_stopwords() -> frozenset[str]:
    """Stopwords: stopwordsiso's ``zh`` list (MIT) plus ``data/stopwords_extra.txt``.

    Minus ``NEVER_STOPWORDS`` (人民 坚持 加强 重要 全面 …), with traditional forms added.
    stopwordsiso's 一切 stays a stopword: like 所有 and 全部 it is a determiner.

    >>> "的" in load_stopwords(), "人民" in load_stopwords()
    (True, False)
    """
    import stopwordsiso

    words = set(stopwordsiso.stopwords("zh")) | set(_data_lines("stopwords_extra.txt"))
    return _with_traditional(words - NEVER_STOPWORDS) - NEVER_STOPWORDS


@cache
def load_filler() -> frozenset[str]:
    """Political filler words (切实 进一步 不断 做到 …) from ``data/filler.txt``.

    A separate list from stopwords, for users who want to hide stock phrasing. 坚持 and 全面 are
    not filler: they carry formulations such as 坚持党的领导 and 四个全面.
    """
    return _with_traditional(_data_lines("filler.txt"))


def default_cache_dir() -> Path:
    """Where studykit caches files: ``$STUDYKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/studykit``,
    else ``~/.cache/studykit``. Nothing is created here; the caller creates it on first use."""
    env = os.environ.get("STUDYKIT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "studykit"


# ---------------------------------------------------------------------------------------------
# Token kinds

_SPACE: Kind = "space"
_HAN_ANY = re.compile(f"[{HAN}〇]")
_NUMBER = re.compile(r"[0-9０-９]+(?:[.,．][0-9０-９]+)*[%％]?")


def _kind(word: str) -> Kind:
    if "\u4e00" <= word[0] <= "\u9fff" or _HAN_ANY.search(word):  # the common case first
        return "han"
    if word.isspace():
        return "space"
    if _NUMBER.fullmatch(word):
        return "number"
    if any(c.isalnum() for c in word):
        return "latin"
    return "punct"


# tuple.__new__ through partial builds the NamedTuple in C, without a Python frame per token.
_make_token: Callable[[tuple[str, str | None, int, int, Kind]], Token] = partial(
    tuple.__new__, Token
)


def _align(words: list[str], shadow: str) -> tuple[list[str], list[int]]:
    """Re-synchronise tokens with the text when the segmenter dropped or changed characters.

    Returns the words (with any skipped stretch of text inserted as its own word) and the index of
    the original word each output word came from (-1 for inserted stretches).
    """
    out: list[str] = []
    origin: list[int] = []
    at = 0
    for i, w in enumerate(words):
        if not w:
            continue
        found = at if shadow.startswith(w, at) else shadow.find(w, at)
        if found < 0:
            continue  # a token that is not in the text at all: nothing to point at
        if found > at:
            out.append(shadow[at:found])
            origin.append(-1)
        out.append(w)
        origin.append(i)
        at = found + len(w)
    if at < len(shadow):
        out.append(shadow[at:])
        origin.append(-1)
    return out, origin


# ---------------------------------------------------------------------------------------------
# Backends


class _Engine(Protocol):
    name: str

    def add(self, entry: DictEntry) -> None: ...

    def cut(self, text: str) -> list[str]: ...

    def tag(self, text: str) -> tuple[list[str], list[str]]: ...

    def tags_for(self, words: Iterable[str]) -> dict[str, str]: ...


_JIEBA_WARNINGS: tuple[tuple[str, type[Warning]], ...] = (
    ("", SyntaxWarning),  # invalid escape sequences in jieba's regexes (Python 3.12+)
    ("invalid escape sequence", DeprecationWarning),  # the same on Python 3.11
    ("pkg_resources is deprecated", UserWarning),  # jieba._compat imports pkg_resources
    ("", ResourceWarning),  # jieba leaves package resource streams to the garbage collector
)


@contextmanager
def _jieba_warnings_silenced() -> Iterator[None]:
    with warnings.catch_warnings():
        for message, category in _JIEBA_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=category)
        yield


@contextmanager
def _jieba_logger_quiet() -> Iterator[None]:
    """Raise jieba's own logger to WARNING for the block, then put its level back.

    Only the ``jieba`` logger is touched (jieba sets it to DEBUG and attaches a stderr handler on
    import); the root logger and every other logger stay as they are. The change is visible to
    other threads while the dictionary loads, which at worst hides their jieba debug lines.
    """
    logger = logging.getLogger("jieba")
    old = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(old)


_CACHE_LOG = logging.getLogger("studykit")
_CACHE_WARNED: set[str] = set()  # cache paths already warned about in this process
_STALE_TEMP_SECONDS = 3600
_MAX_CACHE_BYTES = 64 * 1024 * 1024  # jieba 0.42's cache is 9.3 MB
_STALE_TEMP = re.compile(r"\.jieba-.*\.tmp|tmp[a-z0-9_]{8}")  # ours, and jieba's own


def _prefix_dict(tok: Any, path: Path) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary, from studykit's cache when it holds a good one, else built
    (about 0.4 s) and cached. A cache that cannot be written costs time, never correctness:
    one warning line per process, and no temporary file left behind."""
    try:
        # Without blocking, and only a regular file of sane size: a FIFO or a device put in the
        # cache's place must not hang or exhaust the process.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISREG(st.st_mode) and st.st_size <= _MAX_CACHE_BYTES:
                freq, total = marshal.load(fh)
                if isinstance(freq, dict) and isinstance(total, int) and freq:
                    return freq, total
    except (OSError, EOFError, ValueError, TypeError):
        pass
    freq, total = tok.gen_pfdict(tok.get_dict_file())
    _write_cache(path, (freq, total))
    return freq, total


def _write_cache(path: Path, value: tuple[dict[str, int], int]) -> None:
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale_temps(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(value, fh)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        if str(path) not in _CACHE_WARNED:
            _CACHE_WARNED.add(str(path))
            reason = " ".join((exc.strerror or str(exc)).split())
            _CACHE_LOG.warning(
                "studykit: 无法写入分词词典缓存 / cannot write jieba's dictionary cache %s (%s): "
                "segmentation works, each start takes about 0.3 s longer; set "
                "STUDYKIT_CACHE_DIR to a writable folder",
                path, reason,
            )
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


def _clean_stale_temps(folder: Path) -> None:
    """Temporary cache files of processes killed while writing, over an hour old."""
    now = time.time()
    with suppress(OSError):
        for entry in os.scandir(folder):
            if _STALE_TEMP.fullmatch(entry.name):
                with suppress(OSError):
                    st = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(st.st_mode) and now - st.st_mtime > _STALE_TEMP_SECONDS:
                        os.unlink(entry.path)


def _hmm_cut(buf: str) -> Iterator[str]:
    """``jieba.finalseg.cut`` with a linear Viterbi: the same words for every input."""
    from jieba import finalseg

    for block in finalseg.re_han.split(buf):
        if not block:
            continue
        if finalseg.re_han.match(block):
            route = _viterbi(block, finalseg)
            begin = nexti = 0
            for i, state in enumerate(route):
                word = ""
                if state == "B":
                    begin = i
                elif state == "E":
                    word, nexti = block[begin : i + 1], i + 1
                elif state == "S":
                    word, nexti = block[i], i + 1
                if word:
                    if word in finalseg.Force_Split_Words:
                        yield from word
                    else:
                        yield word
            if nexti < len(block):
                rest = block[nexti:]
                if rest in finalseg.Force_Split_Words:
                    yield from rest
                else:
                    yield rest
        else:
            yield from (x for x in finalseg.re_skip.split(block) if x)


def _viterbi(obs: str, hmm: Any) -> list[str]:
    """The state path jieba.finalseg.viterbi finds, kept as back-pointers instead of copied
    lists (linear in ``obs``); same sums in the same order, same tie-breaks."""
    start_p, trans_p, emit_p, prev_status = hmm.start_P, hmm.trans_P, hmm.emit_P, hmm.PrevStatus
    floor = hmm.MIN_FLOAT
    v = {y: start_p[y] + emit_p[y].get(obs[0], floor) for y in "BMES"}
    back: list[dict[str, str]] = []
    for char in obs[1:]:
        nv: dict[str, float] = {}
        ptr: dict[str, str] = {}
        for y in "BMES":
            em_p = emit_p[y].get(char, floor)
            prob, state = max([(v[y0] + trans_p[y0].get(y, floor) + em_p, y0) for y0 in prev_status[y]])
            nv[y], ptr[y] = prob, state
        v = nv
        back.append(ptr)
    _, state = max((v[y], y) for y in "ES")
    route = [state]
    for ptr in reversed(back):
        state = ptr[state]
        route.append(state)
    route.reverse()
    return route


@cache
def _pos_reverse_transitions() -> dict[Any, tuple[Any, ...]]:
    """For each posseg state, the states with a transition into it."""
    from jieba.posseg import trans_P

    into: dict[Any, list[Any]] = {}
    for before, after in trans_P.items():
        for state in after:
            into.setdefault(state, []).append(before)
    return {state: tuple(froms) for state, froms in into.items()}


def _pos_viterbi(obs: str, states: Any, start_p: Any, trans_p: Any, emit_p: Any) -> list[Any]:
    """The route ``jieba.posseg.viterbi.viterbi`` finds, summed in the same order with the same
    tie-breaks, but looking only at transitions that exist: a state without one scores -inf
    there, so it can win only where no state has one, as in jieba."""
    floor, never = -3.14e100, float("-inf")
    all_states = trans_p.keys()
    into = _pos_reverse_transitions()
    v = {y: start_p[y] + emit_p[y].get(obs[0], floor) for y in states.get(obs[0], all_states)}
    back: list[dict[Any, Any]] = []
    for char in obs[1:]:
        prev_states = [x for x in v if len(trans_p[x]) > 0]
        prev = set(prev_states)
        expect_next = {y for x in prev_states for y in trans_p[x]}
        obs_states = set(states.get(char, all_states)) & expect_next
        if not obs_states:
            obs_states = expect_next if expect_next else set(all_states)
        nv: dict[Any, float] = {}
        ptr: dict[Any, Any] = {}
        for y in obs_states:
            em_p = emit_p[y].get(char, floor)
            best: tuple[float, Any] | None = None
            for y0 in into.get(y, ()):
                if y0 in prev:
                    cand = (v[y0] + trans_p[y0][y] + em_p, y0)
                    if best is None or cand > best:
                        best = cand
            if best is None:  # no way in: every candidate is -inf and the largest state wins
                best = (never, max(prev_states))
            nv[y], ptr[y] = best
        v = nv
        back.append(ptr)
    _, state = max((p, y) for y, p in v.items())
    route = [state]
    for ptr in reversed(back):
        state = ptr[state]
        route.append(state)
    route.reverse()
    return route


def _pos_cut_sparse(pos: Any, sentence: str) -> Iterator[Any]:
    """jieba.posseg.POSTokenizer.__cut (jieba 0.42.1, MIT licence) over :func:`_pos_viterbi`."""
    from jieba.posseg import char_state_tab_P, emit_P, pair, start_P, trans_P

    pos_list = _pos_viterbi(sentence, char_state_tab_P, start_P, trans_P, emit_P)
    begin, nexti = 0, 0
    for i, char in enumerate(sentence):
        state = pos_list[i][0]
        if state == "B":
            begin = i
        elif state == "E":
            yield pair(sentence[begin : i + 1], pos_list[i][1])
            nexti = i + 1
        elif state == "S":
            yield pair(char, pos_list[i][1])
            nexti = i + 1
    if nexti < len(sentence):
        yield pair(sentence[nexti:], pos_list[nexti][1])


def _cut_dag_linear(tok: Any, sentence: str) -> Iterator[str]:
    """jieba.Tokenizer.__cut_DAG (jieba 0.42.1, MIT licence) with :func:`_hmm_cut` in place of
    ``finalseg.cut``; everything else as jieba does it."""
    dag = tok.get_DAG(sentence)
    route: dict[int, tuple[float, int]] = {}
    tok.calc(sentence, dag, route)
    x = 0
    buf = ""
    n = len(sentence)
    while x < n:
        y = route[x][1] + 1
        l_word = sentence[x:y]
        if y - x == 1:
            buf += l_word
        else:
            if buf:
                if len(buf) == 1:
                    yield buf
                elif not tok.FREQ.get(buf):
                    yield from _hmm_cut(buf)
                else:
                    yield from buf
                buf = ""
            yield l_word
        x = y
    if buf:
        if len(buf) == 1:
            yield buf
        elif not tok.FREQ.get(buf):
            yield from _hmm_cut(buf)
        else:
            yield from buf


def _tag_words(
    words: list[str],
    get: Callable[[str], str | None],
    oov: dict[str, str],
    tag_alone: Callable[[list[str]], list[str]],
) -> tuple[list[str], list[str]]:
    """``words`` and their tags (see :func:`_tag_distinct`), one per word."""
    tag_of = _tag_distinct(set(words), get, oov, tag_alone)
    # Tag each distinct word once, then map: no Python code runs per token.
    return words, list(map(tag_of.__getitem__, words))


def _tag_distinct(
    distinct: Iterable[str],
    get: Callable[[str], str | None],
    oov: dict[str, str],
    tag_alone: Callable[[list[str]], list[str]],
) -> dict[str, str]:
    """The tag of each of the ``distinct`` words: from a word-tag lookup ``get``; words it lacks
    are tagged once each, Han words by ``tag_alone`` (all new ones in one call) and others by
    their characters, and remembered in ``oov``."""
    distinct = list(distinct)
    unknown = [w for w in distinct if not get(w) and w not in oov]
    han = [w for w in unknown if _HAN_CHAR.search(w)]
    if han:
        oov.update(zip(han, tag_alone(han), strict=True))
    for w in unknown:
        if w not in oov:
            oov[w] = _non_han_tag(w)
    return {w: get(w) or oov[w] for w in distinct}


def _non_han_tag(word: str) -> str:
    """jieba.posseg's tags for words without Han characters: numbers m, letters eng, else x."""
    if any(c.isdigit() for c in word):
        return "m"
    return "eng" if any(c.isalpha() for c in word) else "x"


_HAN_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class _JiebaEngine:
    name = "jieba"

    def __init__(self, cache_dir: Path) -> None:
        with _jieba_warnings_silenced():
            import jieba

        tok = jieba.Tokenizer()
        with _jieba_warnings_silenced(), _jieba_logger_quiet():
            # studykit loads and writes the prefix-dictionary cache itself: jieba would fall back
            # to the shared temp directory, log a traceback when the cache cannot be written and
            # leave its 9 MB temporary file behind on every start.
            tok.FREQ, tok.total = _prefix_dict(tok, cache_dir / f"jieba-{jieba.__version__}.cache")
            tok.initialized = True
        # jieba's HMM for runs of characters the dictionary does not join copies its whole path
        # at every character (quadratic: 40k characters take seconds, 2M never finish). This
        # tokenizer's own runs go through a linear Viterbi with the same tables and tie-breaks.
        tok._Tokenizer__cut_DAG = MethodType(_cut_dag_linear, tok)
        self._tok: Any = tok
        self._pos: Any = None  # posseg.POSTokenizer, built on the first tag() call
        self._oov: dict[str, str] = {}  # tags of words outside the dictionary, found once

    def add(self, entry: DictEntry) -> None:
        self._tok.add_word(entry.word, entry.freq, entry.tag)

    def cut(self, text: str) -> list[str]:
        return self._tok.lcut(text)  # type: ignore[no-any-return]

    def _posseg(self) -> Any:
        if self._pos is None:
            with _jieba_warnings_silenced():
                import jieba.posseg

            if self._tok.dictionary == jieba.DEFAULT_DICT:
                # POSTokenizer.__init__ reads jieba's dictionary into a word-tag table of its own
                # (34 MB, a string per word and tag); a copy of the table studykit reads once per
                # process from the same file (rjieba and formulations use it too) shares its
                # strings (8 MB). Otherwise what __init__ does.
                self._pos = object.__new__(jieba.posseg.POSTokenizer)
                self._pos.tokenizer = self._tok
                self._pos.word_tag_tab = dict(_jieba_tag_table())
            else:  # pragma: no cover - studykit's tokenizers always use jieba's dictionary
                self._pos = jieba.posseg.POSTokenizer(self._tok)
            # posseg's Viterbi tries all 256 states against all 256 for every character it does
            # not know: the same path, found over the transitions that exist (about 20 a state).
            self._pos._POSTokenizer__cut = MethodType(_pos_cut_sparse, self._pos)
            with _jieba_warnings_silenced(), _jieba_logger_quiet():
                self._pos.makesure_userdict_loaded()
        return self._pos

    def tag(self, text: str) -> tuple[list[str], list[str]]:
        """``jieba.lcut``'s words tagged from posseg's word-tag table.

        Dictionary words get the tag jieba.posseg gives them; a word the dictionary lacks (found
        by the HMM) is tagged by posseg on its own and remembered. This keeps segmentation
        identical to :meth:`cut` and runs near ``lcut`` speed, where ``posseg.lcut`` over the
        whole text is 5–8× slower.
        """
        return _tag_words(self._tok.lcut(text), self._tag_table().get, self._oov, self._tag_alone)

    def tags_for(self, words: Iterable[str]) -> dict[str, str]:
        """The tag :meth:`tag` gives each of the distinct ``words``."""
        return _tag_distinct(words, self._tag_table().get, self._oov, self._tag_alone)

    def _tag_table(self) -> dict[str, str]:
        pos = self._posseg()
        table: dict[str, str] = pos.word_tag_tab
        if self._tok.user_word_tag_tab:  # words added after the tag table was built
            pos.makesure_userdict_loaded()
        return table

    def _tag_alone(self, words: list[str]) -> list[str]:
        """posseg's tag of each word on its own: the last pair's (the head of a compound comes
        last). All words go through posseg in one call, one line each: a run of characters the
        dictionary does not know yields thousands of such words, and a call each costs 0.3 ms."""
        pos = self._posseg()
        tags: list[str] = []
        current = "x"
        for pair in pos.lcut("\n".join(words)):
            if pair.word == "\n":
                tags.append(current)
                current = "x"
            else:
                current = str(pair.flag)
        tags.append(current)
        if len(tags) != len(words):  # a word that posseg split at a line break: one by one
            tags = [str(p[-1].flag) if (p := pos.lcut(w)) else "x" for w in words]
        return tags


@cache
def _jieba_tag_table() -> dict[str, str]:
    """Word → POS tag from jieba's own dictionary (the one rjieba embeds too); read once."""
    with _jieba_warnings_silenced():
        import jieba

    table: dict[str, str] = {}
    tags: dict[str, str] = {}  # one string per tag, not one per word: 6 MB less
    with open(Path(jieba.__file__).with_name("dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3:
                table[parts[0]] = tags.setdefault(parts[2], parts[2])
    return table


class _RjiebaEngine:
    name = "rjieba"

    def __init__(self) -> None:
        import rjieba

        self._r: Any = rjieba.Jieba()
        self._user_tags: dict[str, str] = {}
        self._oov: dict[str, str] = {}

    def add(self, entry: DictEntry) -> None:
        self._r.add_word(entry.word, entry.freq, entry.tag)
        if entry.tag:
            self._user_tags[entry.word] = entry.tag

    def cut(self, text: str) -> list[str]:
        return self._r.cut(text)  # type: ignore[no-any-return]

    def tag(self, text: str) -> tuple[list[str], list[str]]:
        """``cut``'s words tagged from jieba's word-tag table, as the jieba engine does.

        rjieba's own ``tag`` returns a tuple per token, which costs more than the segmentation;
        words outside the table are tagged by ``rjieba.tag`` one by one and remembered.
        """
        return _tag_words(self._r.cut(text), self._tag_of, self._oov, self._tag_alone)

    def tags_for(self, words: Iterable[str]) -> dict[str, str]:
        """The tag :meth:`tag` gives each of the distinct ``words``."""
        return _tag_distinct(words, self._tag_of, self._oov, self._tag_alone)

    def _tag_of(self, word: str) -> str | None:
        """The user's tag, else jieba's dictionary tag (no merged copy of the 350k-word table)."""
        return self._user_tags.get(word) or _jieba_tag_table().get(word)

    def _tag_alone(self, words: list[str]) -> list[str]:
        tags = []
        for word in words:
            pairs = self._r.tag(word)
            # rjieba tags a user word added without a tag as "", where jieba.posseg says "x".
            tags.append(str(pairs[-1][1] if pairs else "") or "x")
        return tags


def _rjieba_available() -> bool:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------------------------------------


class JiebaSegmenter:
    """Segment Chinese text with a private jieba tokenizer and studykit's domain dictionary.

    Constructing is cheap; the dictionary loads on first use (about 0.7 s for jieba, 0.1 s for
    rjieba). jieba's prefix-dictionary cache goes to ``cache_dir`` (default
    :func:`default_cache_dir`), never the shared temp directory.

    - ``backend``: ``"jieba"`` (reference), ``"rjieba"`` (fast Rust port, same dictionary and
      frequencies, same Chinese tokens; ASCII runs such as dates and URLs stay whole), or
      ``"auto"`` (rjieba when importable, else jieba).
    - ``user_words``: your own words, as a list (``["数实融合", "投资于人 500 nz"]``) or the path
      of a UTF-8 file with one entry a line, in jieba's user-dictionary syntax
      ``word [freq] [tag]``; :func:`studykit.suggest_terms` proposes candidates. Without a
      frequency the backend picks one that keeps the word whole. ``words``/``user_dict`` are the
      same, split by type. ``domain=False`` leaves out studykit's own dictionary.
    - ``stopwords``/``filler``: replace :func:`load_stopwords` / :func:`load_filler`.

    >>> seg = JiebaSegmenter()
    >>> seg.cut("增强“四个意识”")
    ['增强', '“', '四个意识', '”']
    >>> JiebaSegmenter(user_words=["数实融合"]).cut("推动数实融合")
    ['推动', '数实融合']
    """

    def __init__(
        self,
        *,
        backend: Backend = "jieba",
        words: Iterable[str] | None = None,
        user_dict: str | PathLike[str] | None = None,
        domain: bool = True,
        stopwords: Iterable[str] | None = None,
        filler: Iterable[str] | None = None,
        cache_dir: Path | None = None,
        user_words: Iterable[str] | str | PathLike[str] | None = None,
    ) -> None:
        if backend not in ("auto", "jieba", "rjieba"):
            raise QueryError(f"没有分词器「{backend}」 / unknown backend {backend!r}: use 'auto', 'jieba' or 'rjieba'")
        self.requested_backend: Backend = backend
        self.cache_dir: Path = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.stopwords: frozenset[str] = (
            load_stopwords() if stopwords is None else frozenset(stopwords)
        )
        self.filler: frozenset[str] = load_filler() if filler is None else frozenset(filler)
        self.domain = domain
        self._entries: list[DictEntry] = list(load_domain_dict()) if domain else []
        if user_dict is not None:
            self._entries.extend(_read_user_dict(user_dict))
        if words is not None:
            self._entries.extend(_entries_from_words(words))
        if user_words is not None:
            self._entries.extend(_user_entries(user_words))
        self._engine: _Engine | None = None
        self._jieba_twin: _JiebaEngine | None = None  # for jieba.analyse under the rjieba backend
        self._lock = threading.Lock()
        self._shadow = _ShadowTable()
        self._kinds = _KindTable()

    def __repr__(self) -> str:
        state = self._engine.name if self._engine is not None else "not loaded"
        return (
            f"JiebaSegmenter(backend={self.requested_backend!r}, {state}, "
            f"{len(self._entries)} dictionary entries)"
        )

    # -- set-up --------------------------------------------------------------------------------

    @property
    def backend(self) -> Literal["jieba", "rjieba"]:
        """The backend in use (``"auto"`` resolved); loads the dictionary if needed."""
        name = self._ensure().name
        return "rjieba" if name == "rjieba" else "jieba"

    def _ensure(self) -> _Engine:
        engine = self._engine
        if engine is not None:
            return engine
        with self._lock:
            if self._engine is None:
                use_rjieba = self.requested_backend == "rjieba" or (
                    self.requested_backend == "auto" and _rjieba_available()
                )
                new: _Engine = _RjiebaEngine() if use_rjieba else _JiebaEngine(self.cache_dir)
                for entry in self._entries:
                    new.add(entry)
                self._engine = new
            return self._engine

    def jieba_tokenizer(self) -> Any:
        """The private ``jieba.Tokenizer`` with this segmenter's dictionary, for jieba's own tools
        (``jieba.analyse``). With the rjieba backend a jieba twin is built once with the same
        entries; jieba's global default tokenizer is never used."""
        engine = self._ensure()
        if isinstance(engine, _JiebaEngine):
            return engine._tok
        with self._lock:
            if self._jieba_twin is None:
                twin = _JiebaEngine(self.cache_dir)
                for entry in self._entries:
                    twin.add(entry)
                self._jieba_twin = twin
            return self._jieba_twin._tok

    def jieba_pos_tokenizer(self) -> Any:
        """A ``jieba.posseg.POSTokenizer`` over :meth:`jieba_tokenizer`."""
        engine = self._ensure()
        jieba_engine = engine if isinstance(engine, _JiebaEngine) else None
        if jieba_engine is None:
            self.jieba_tokenizer()
            jieba_engine = self._jieba_twin
        assert jieba_engine is not None
        return jieba_engine._posseg()

    def add_words(self, words: Iterable[str] | str | PathLike[str]) -> None:
        """Add words: a list (``["智慧政协", "同心书屋 5 nz"]``) or a user-dictionary file path.

        A ``str`` is a path, as in ``jieba.load_userdict``; wrap a single word in a list.
        """
        if isinstance(words, str | PathLike):
            entries = _read_user_dict(words)
        else:
            entries = _entries_from_words(words)
        with self._lock:
            self._entries.extend(entries)
            if self._engine is not None:
                for entry in entries:
                    self._engine.add(entry)

    # -- segmentation --------------------------------------------------------------------------

    def _words(self, shadow: str, pos: bool) -> tuple[list[str], list[str] | None]:
        """Words and tags of the simplified ``shadow``, re-synchronised if a backend drops text."""
        engine = self._ensure()
        tags: list[str] | None = None
        if pos:
            words, tags = engine.tag(shadow)
        else:
            words = engine.cut(shadow)
        if "".join(words) != shadow:
            words, origin = _align(words, shadow)
            if tags is not None:
                tags = [tags[i] if i >= 0 else "x" for i in origin]
        return words, tags

    def _segment(
        self, text: str, pos: bool
    ) -> tuple[list[str], list[str] | None, list[int], list[int]]:
        """Words (original characters), tags, starts and ends, whitespace included."""
        shadow = self._shadow(text)
        words, tags = self._words(shadow, pos)
        ends = list(accumulate(map(len, words)))
        starts = [0, *ends]
        starts.pop()
        if shadow is not text:
            words = [text[s:e] for s, e in zip(starts, ends, strict=True)]
        return words, tags, starts, ends

    def cut(self, text: str) -> list[str]:
        """Words of ``text``, whitespace included, joining back to ``text``.

        >>> JiebaSegmenter().cut("政協黨建")  # traditional in, traditional out
        ['政協', '黨建']
        """
        shadow = self._shadow(text)
        words = self._ensure().cut(shadow)
        if "".join(words) != shadow:
            words, _ = _align(words, shadow)
        if shadow is text:
            return words
        ends = list(accumulate(map(len, words)))
        return [text[s:e] for s, e in zip([0, *ends[:-1]], ends, strict=True)]

    def tag(self, text: str) -> list[tuple[str, str]]:
        """``(word, POS tag)`` pairs, whitespace included: ``[('推动', 'v'), ('党建', 'j')]``."""
        words, tags, _, _ = self._segment(text, pos=True)
        return list(zip(words, tags or [], strict=True))

    def tokens(self, text: str, *, pos: bool = True, keep_space: bool = False) -> list[Token]:
        """Tokens with offsets, POS tag and kind. Whitespace tokens are dropped unless
        ``keep_space``; punctuation and numbers are kept and flagged by ``kind``.

        ``pos=False`` is the fast path (about ``jieba.lcut`` speed). With the jieba backend
        ``pos=True`` runs ``jieba.posseg``, 5–8× slower; use ``backend="rjieba"`` for speed.
        For millions of tokens :meth:`token_columns` is faster still: it builds no tuples.
        The cyclic garbage collector is paused while the list is built (the tuples hold only
        strings and ints, so there is nothing for it to find) and restored afterwards.

        >>> seg = JiebaSegmenter()
        >>> [(t.text, t.start, t.end, t.kind) for t in seg.tokens("党建,2020", pos=False)]
        [('党建', 0, 2, 'han'), (',', 2, 3, 'punct'), ('2020', 3, 7, 'number')]
        """
        words, tags, starts, ends = self._segment(text, pos)
        has_space = self._kinds.learn(words)
        kind_of = self._kinds.kinds
        kinds = map(kind_of.__getitem__, words)
        # Iterators all the way down: no per-token Python code runs in this method.
        rows = zip(
            words,
            repeat(None) if tags is None else tags,
            starts,
            ends,
            kinds,
            strict=False,  # repeat(None) is endless; the other four have equal length
        )
        # Millions of NamedTuples make the cyclic GC rescan the heap again and again (tuple
        # subclasses are never untracked), which triples the cost of building the list.
        with gc_paused():
            if keep_space or not has_space:
                return list(map(_make_token, rows))
            keep = map(_SPACE.__ne__, map(kind_of.__getitem__, words))
            return list(compress(map(_make_token, rows), keep))

    def token_columns(
        self, text: str, *, pos: bool = True, keep_space: bool = False
    ) -> TokenColumns:
        """The same as :meth:`tokens`, one list per field, for ``pd.DataFrame(cols._asdict())``.

        >>> JiebaSegmenter().token_columns("党建。", pos=False).kind
        ['han', 'punct']
        """
        words, tags, starts, ends = self._segment(text, pos)
        has_space = self._kinds.learn(words)
        kinds = list(map(self._kinds.kinds.__getitem__, words))
        if not keep_space and has_space:
            keep = list(map(_SPACE.__ne__, kinds))
            words = list(compress(words, keep))
            starts = list(compress(starts, keep))
            ends = list(compress(ends, keep))
            kinds = list(compress(kinds, keep))
            if tags is not None:
                tags = list(compress(tags, keep))
        return TokenColumns(words, tags, starts, ends, kinds)

    def token_codes(self, text: str, *, pos: bool = True) -> TokenCodes:
        """All tokens of a long text, whitespace included, as codes into the text's vocabulary.

        The bulk path behind :func:`studykit.tokenize`. The text is cut a quarter of a million
        characters at a time, always just after a line end (no backend joins across one, so the
        words are those of one call over the whole text), and each piece's words are replaced by
        their index into the distinct words at once: a million tokens never exist as a million
        strings together. Lengths, kinds and tags are then found once per distinct word, so no
        Python code runs per token.
        """
        shadow = self._shadow(text)
        engine = self._ensure()
        index: dict[str, int] = {}
        parts: list[npt.NDArray[np.intp]] = []
        skipped: list[npt.NDArray[np.intp]] = []  # tokens the backend left out, tagged x
        count = 0
        for a, b in _line_pieces(shadow, _PIECE):
            piece = shadow[a:b]
            words = engine.cut(piece)
            if "".join(words) != piece:  # the backend dropped or changed characters
                words, origin = _align(words, piece)
                skipped.append(np.flatnonzero(np.asarray(origin, dtype=np.intp) < 0) + count)
            if shadow is not text:  # the original characters, one for one with the shadow's
                bounds = pairwise(accumulate(map(len, words), initial=a))
                words = [text[i:j] for i, j in bounds]
            parts.append(_encode(words, index))
            count += len(words)
            del words
        vocab = list(index)
        del index
        codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
        del parts
        lengths = np.fromiter(map(len, vocab), dtype=np.int64, count=len(vocab))[codes]
        end = np.cumsum(lengths)
        start = end - lengths
        del lengths
        self._kinds.learn(vocab)
        kinds = list(map(self._kinds.kinds.__getitem__, vocab))
        pos_vocab: list[str] | None = None
        pos_codes: npt.NDArray[np.intp] | None = None
        if pos:
            table = self._shadow.table
            shadows = vocab if shadow is text else [w.translate(table) for w in vocab]
            tag_of = engine.tags_for(shadows)
            pos_vocab, tag_codes = _factorize(list(map(tag_of.__getitem__, shadows)))
            pos_codes = tag_codes[codes]
            if skipped:
                if "x" not in pos_vocab:
                    pos_vocab.append("x")
                pos_codes[np.concatenate(skipped)] = pos_vocab.index("x")
        return TokenCodes(vocab, kinds, codes, start, end, pos_vocab, pos_codes)

    # -- word lists ----------------------------------------------------------------------------

    def is_stopword(self, token: str) -> bool:
        """Whether ``token`` is a stopword (的, 了, 和 …; also 們, 這). 人民 and 坚持 never are."""
        return token in self.stopwords

    def is_filler(self, token: str) -> bool:
        """Whether ``token`` is political filler (切实, 进一步, 不断 …; also 進一步)."""
        return token in self.filler

    # -- identity and transport ----------------------------------------------------------------

    def fingerprint(self) -> str:
        """A hash of everything that decides the token table: the backend (``"auto"`` resolved
        without loading a dictionary), the dictionary entries in order, stopwords and filler.
        Two segmenters with the same fingerprint give the same tokens; caches key on it."""
        import hashlib

        backend = self.requested_backend
        if backend == "auto":
            backend = "rjieba" if _rjieba_available() else "jieba"
        h = hashlib.blake2b(digest_size=16)
        for part in (backend, *map(repr, self._entries), "\0", *sorted(self.stopwords), "\0",
                     *sorted(self.filler)):
            h.update(part.encode("utf-8", "surrogatepass") + b"\n")
        return h.hexdigest()

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the settings, not the loaded engine or the lock, so a segmenter can be sent to
        worker processes (a corpus build); the dictionary loads again on first use there."""
        state = dict(self.__dict__)
        state.update(_engine=None, _jieba_twin=None, _lock=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


_PIECE = 1 << 18  # characters token_codes cuts at a time (about 50,000 tokens)


def _line_pieces(text: str, size: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces of ``text`` of at least ``size`` characters, each
    ending just after a line end (the last one at the end of the text)."""
    at = 0
    while at < len(text):
        cut = text.find("\n", at + size - 1)
        end = len(text) if cut < 0 else cut + 1
        yield at, end
        at = end


def _encode(words: list[str], index: dict[str, int]) -> npt.NDArray[np.intp]:
    """Each word's code in ``index``, adding the new words in order of first appearance."""
    new = [w for w in dict.fromkeys(words) if w not in index]
    index.update(zip(new, range(len(index), len(index) + len(new)), strict=True))
    return np.fromiter(map(index.__getitem__, words), dtype=np.intp, count=len(words))


def _factorize(values: list[str]) -> tuple[list[str], npt.NDArray[np.intp]]:
    """The distinct values in order of first appearance, and each value's index among them."""
    index = dict.fromkeys(values)
    distinct = list(index)
    index = dict(zip(distinct, range(len(distinct)), strict=True))
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=len(values))
    return distinct, codes


class _KindTable:
    """Token kinds, remembered per distinct word (a few tens of thousands at most).

    Classifying each distinct word once keeps per-call overhead low when a caller segments a
    document sentence by sentence.
    """

    def __init__(self) -> None:
        self.kinds: dict[str, Kind] = {}
        self.spaces: set[str] = set()

    def learn(self, words: list[str]) -> bool:
        """Classify the new words among ``words``; return whether any of them is whitespace."""
        distinct = set(words)
        kinds = self.kinds
        for w in distinct.difference(kinds):
            kind = kinds[w] = _kind(w)
            if kind == "space":
                self.spaces.add(w)
        return not distinct.isdisjoint(self.spaces)


class _ShadowTable:
    """:func:`studykit.zh.simplified_shadow`, remembered character by character.

    ``simplified_shadow`` converts each distinct character on its own, so its answer for a
    character never depends on the text around it. Remembering those answers makes a call on one
    short sentence cost a set difference instead of a round trip through OpenCC. The table grows
    with the number of distinct characters seen (a few thousand), never with the texts.
    """

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.changing: set[str] = set()
        self.table: dict[int, str] = {}

    def __call__(self, text: str) -> str:
        if not isinstance(text, str):
            raise TypeError(f"expected str, got {type(text).__name__}: decode bytes first")
        chars = _distinct_chars(text)
        new = chars - self.seen
        if new:
            ordered = "".join(sorted(new))
            for a, b in zip(ordered, simplified_shadow(ordered), strict=True):
                if a != b:
                    self.table[ord(a)] = b
                    self.changing.add(a)
            self.seen |= new
        if chars.isdisjoint(self.changing):
            return text
        return text.translate(self.table)


def _distinct_chars(text: str) -> set[str]:
    """``set(text)``; for a long text counted by code point in numpy (a 5 MB document: 10 ms
    instead of 60, since iterating a str makes an object per CJK character)."""
    if len(text) < 1 << 16:
        return set(text)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return set(map(chr, np.flatnonzero(np.bincount(points)).tolist()))


def _entries_from_words(words: Iterable[str], name: str = "words") -> list[DictEntry]:
    if isinstance(words, str):
        raise TypeError(
            f"选项 {name} 应为词语列表 / {name} must be a list of words, not the string {words!r}: "
            f"use [{words!r}]"
        )
    items = list(words) if isinstance(words, Iterable) and not isinstance(words, bytes) else None
    bad = [words] if items is None else [
        w for w in items if not isinstance(w, str) or any(c in w for c in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")
    ]  # a line break inside a word: one entry is one line of jieba's dictionary syntax
    if bad:
        shown = repr(bad[0])
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise QueryError(
            f"选项 {name} 的值无效 / invalid {name}: {shown} is not a word; give words as strings "
            f"(['数实融合', '投资于人 500 nz']) or the path of a dictionary file"
        )
    return [_parse_entry(w) for w in _content_lines(items or [])]


def _user_entries(words: Iterable[str] | str | PathLike[str]) -> list[DictEntry]:
    """``user_words``: a path (a ``str`` or ``PathLike``) or a list of entries."""
    if isinstance(words, str | PathLike):
        return _read_user_dict(words)
    return _entries_from_words(words, "user_words")


def _read_user_dict(path: str | PathLike[str]) -> list[DictEntry]:
    p = Path(path)
    if not p.is_file():
        raise SourceNotFoundError(
            f"没有找到词典文件 / no dictionary file {str(p)!r}: give a path to a UTF-8 file "
            f"with one word a line, or pass words as a list, e.g. add_words(['党建'])"
        )
    return [
        _parse_entry(line)
        for line in _content_lines(p.read_text(encoding="utf-8-sig").splitlines())
    ]
