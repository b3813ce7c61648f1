"""Score parsed documents against expected outlines: ``studykit outline --check DIR``.

A folder of documents to check holds, next to each input (``report.txt``, ``page.html``,
``law.md``), an expected outline ``report.expected.json``. The format is documented in
``docs/outline-json.md`` (section *Expected outlines*); in short::

    {"title": "2026年上海…",                      # exact, or a prefix when it ends with …
     "meta": {"date": "2026-02-03", "published": "2026-02-09"},   # only the keys given
     "headings": [[1, "一", "2025年工作回顾"], [2, "一", "全力促进…"]],   # every heading, in order
     "paragraphs": 57,                            # or [min, max]
     "articles": 78,                              # 第N条 units of a law
     "snippets": [{"text": "现在，我代表", "in": "paragraph", "section": "0"}],
     "traps": [{"text": "1.通过", "not_in": "heading"}]}

Headings are compared as sequences: ``(level, label, title)`` pairs are aligned by a longest
common subsequence, so one missing heading costs one, not everything after it. Precision,
recall and F1 are the usual ones over aligned headings (van Rijsbergen 1979). A document
passes when its title, every meta value, every heading (F1 = 1), the paragraph and article
counts, every snippet and every trap are as expected.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studykit.errors import SourceError

from .model import Document

EXPECTED_SUFFIX = ".expected.json"
"""Expected outlines sit next to their input: ``report.txt`` → ``report.expected.json``."""

INPUT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml")
_META_KEYS = ("date", "time", "published", "source", "author", "doc_number")
_SPACE = re.compile(r"\s+")

Heading = tuple[int, str | None, str | None]


@dataclass(frozen=True, slots=True)
class OutlineScore:
    """How one document's parse compares with its expected outline.

    ``title_ok``/``date_ok`` are None when the expected outline does not say; ``failures``
    lists every check that failed, one short line each.
    """

    name: str
    title: str | None
    title_ok: bool | None
    date: str | None
    date_ok: bool | None
    expected_headings: int
    found_headings: int
    matched_headings: int
    paragraphs: int
    articles: int
    chars: int
    seconds: float
    failures: tuple[str, ...] = field(default=())

    @property
    def precision(self) -> float:
        return self.matched_headings / self.found_headings if self.found_headings else 1.0

    @property
    def recall(self) -> float:
        return self.matched_headings / self.expected_headings if self.expected_headings else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def ok(self) -> bool:
        """Every check passed."""
        return not self.failures

    @property
    def reader_ok(self) -> bool:
        """Title, date and every heading as a careful reader would outline them."""
        return self.title_ok is not False and self.date_ok is not False and self.f1 == 1.0


def load_expected(path: str | Path) -> dict[str, Any]:
    """Read an expected outline, with a one-line error for a broken file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(
            f"无法读取预期大纲：{p} / cannot read the expected outline {p}: {exc}"
        ) from None
    problem = expected_problem(data)
    if problem is not None:
        raise SourceError(
            f"预期大纲格式错误：{p} / the expected outline {p} is wrong: {problem} "
            "(format: docs/outline-json.md, Expected outlines)"
        )
    checked: dict[str, Any] = data
    return checked


_STR = (str, type(None))
_TEXT_KEYS = ("title", "byline", "format", "encoding", "read_encoding", "note")
_SNIPPET_KEYS: dict[str, type | tuple[type, ...]] = {"text": str, "in": str, "nth": int, "section": _STR, "article": _STR,
                 "item": _STR, "lead": _STR, "kind": _STR}
_CHECKS = ("title", "meta", "byline", "format", "encoding", "headings", "paragraphs",
           "articles", "snippets", "traps")


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def expected_problem(data: Any) -> str | None:
    """What is wrong with an expected outline, in a few words; None when it is well formed.

    Every key must be one the format knows (a misspelt ``"heading"`` would check nothing), with
    a value of its type, and at least one key must check something.
    """
    if not isinstance(data, dict):
        return "it must hold a JSON object"
    unknown = sorted(set(data) - set(_TEXT_KEYS) - set(_CHECKS))
    if unknown:
        return f"unknown key {unknown[0]!r}; known: {', '.join(_CHECKS)}, note, read_encoding"
    if not any(k in data for k in _CHECKS):
        return "it checks nothing: give title, headings, paragraphs, snippets …"
    for key in _TEXT_KEYS:
        if key in data and not isinstance(data[key], _STR):
            return f"{key!r} must be a string or null, not {type(data[key]).__name__}"
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        return "'meta' must be an object"
    for key, value in meta.items():
        if key not in _META_KEYS:
            return f"unknown meta key {key!r}; known: {', '.join(_META_KEYS)}"
        if not isinstance(value, _STR):
            return f"meta {key!r} must be a string or null, not {type(value).__name__}"
    heads = data.get("headings", [])
    if not isinstance(heads, list):
        return "'headings' must be a list of [level, label, title]"
    for h in heads:
        if not (isinstance(h, list) and len(h) == 3 and _count(h[0]) and all(isinstance(x, _STR) for x in h[1:])):
            return f"heading {json.dumps(h, ensure_ascii=False)[:40]} must be [level, label, title]"
    paras = data.get("paragraphs", 0)
    if not (_count(paras) or (isinstance(paras, list) and len(paras) == 2 and all(map(_count, paras)))):
        return "'paragraphs' must be a count or [min, max]"
    if not _count(data.get("articles", 0)):
        return "'articles' must be a count"
    traps: dict[str, type | tuple[type, ...]] = {"text": str, "not_in": str}
    for key, fields in (("snippets", _SNIPPET_KEYS), ("traps", traps)):
        items = data.get(key, [])
        if not isinstance(items, list):
            return f"{key!r} must be a list of objects"
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"]:
                return f"each of {key!r} must be an object with a non-empty 'text'"
            for k, v in item.items():
                want = fields.get(k)
                if want is None:
                    return f"unknown key {k!r} in {key!r}; known: {', '.join(fields)}"
                if not isinstance(v, want) or (want is int and (not _count(v) or v == 0)):
                    return f"{key} {item['text'][:12]!r}: {k!r} has the wrong type"
    return None


def _norm(s: str | None) -> str:
    return _SPACE.sub("", s or "")


def text_matches(expected: str | None, actual: str | None) -> bool:
    """Exact match after removing whitespace, or a prefix match when ``expected`` ends with …."""
    if expected is None or actual is None:
        return expected is None and actual is None
    e, a = _norm(expected), _norm(actual)
    if e.endswith("…"):
        return a.startswith(e[:-1])
    return a == e


def _heading_matches(e: Sequence[Any], a: Heading) -> bool:
    return int(e[0]) == a[0] and (e[1] or None) == (a[1] or None) and text_matches(e[2], a[2])


def _aligned(expected: Sequence[Sequence[Any]], found: Sequence[Heading]) -> list[tuple[int, int]]:
    """Longest common subsequence of expected and found headings, as index pairs."""
    n, m = len(expected), len(found)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if _heading_matches(expected[i], found[j]):
                table[i][j] = table[i + 1][j + 1] + 1
            else:
                table[i][j] = max(table[i + 1][j], table[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if _heading_matches(expected[i], found[j]) and table[i][j] == table[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i += 1
            j += 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def headings_of(doc: Document) -> list[Heading]:
    """Every titled section as ``(level, label, title)``, in document order."""
    return [(s.level, s.label, s.title) for s in doc.walk() if s.level > 0]


def _show(h: Sequence[Any]) -> str:
    title = str(h[2] or "")
    return f"[{h[0]}] {h[1] or '-'} {title[:12]}"


def score_outline(
    doc: Document, expected: dict[str, Any], *, name: str = "", seconds: float = 0.0
) -> OutlineScore:
    """Compare ``doc`` with an expected outline (see the module docstring)."""
    fails: list[str] = []
    title_ok: bool | None = None
    if "title" in expected:
        title_ok = text_matches(expected["title"], doc.title)
        if not title_ok:
            fails.append(f"title {doc.title!r:.40} ≠ {expected['title']!r}")
    meta = expected.get("meta") or {}
    date_ok: bool | None = None
    for key in _META_KEYS:
        if key not in meta:
            continue
        got = getattr(doc.meta, key, None)
        good = text_matches(meta[key], got) if meta[key] is not None else got is None
        if key == "date":
            date_ok = good
        if not good:
            fails.append(f"meta.{key} {got!r} ≠ {meta[key]!r}")
    for key in ("byline", "format", "encoding"):
        if key in expected:
            got = doc.byline if key == "byline" else getattr(doc.source, key)
            if not text_matches(expected[key], got):
                fails.append(f"{key} {got!r} ≠ {expected[key]!r}")
    found = headings_of(doc)
    want = expected.get("headings")
    matched = 0
    if want is not None:
        pairs = _aligned(want, found)
        matched = len(pairs)
        hit_e = {i for i, _ in pairs}
        hit_f = {j for _, j in pairs}
        missing = [_show(h) for i, h in enumerate(want) if i not in hit_e]
        extra = [_show(h) for j, h in enumerate(found) if j not in hit_f]
        if missing:
            fails.append(f"missing {len(missing)} heading(s): " + "; ".join(missing[:3]))
        if extra:
            fails.append(f"{len(extra)} extra heading(s): " + "; ".join(extra[:3]))
    paragraphs = len(doc.paragraphs)
    if "paragraphs" in expected:
        lo, hi = _range(expected["paragraphs"])
        if not lo <= paragraphs <= hi:
            fails.append(f"{paragraphs} paragraphs, expected {expected['paragraphs']}")
    articles = len(doc.articles)
    if "articles" in expected and articles != int(expected["articles"]):
        fails.append(f"{articles} articles, expected {expected['articles']}")
    fails += _check_snippets(doc, expected.get("snippets") or [])
    fails += _check_traps(doc, expected.get("traps") or [])
    return OutlineScore(
        name=name,
        title=doc.title,
        title_ok=title_ok,
        date=doc.meta.date,
        date_ok=date_ok,
        expected_headings=len(want) if want is not None else 0,
        found_headings=len(found) if want is not None else 0,
        matched_headings=matched,
        paragraphs=paragraphs,
        articles=articles,
        chars=len(doc.text),
        seconds=seconds,
        failures=tuple(fails),
    )


def _range(value: Any) -> tuple[int, int]:
    if isinstance(value, list | tuple):
        return int(value[0]), int(value[1])
    return int(value), int(value)


def _elements(doc: Document) -> list[tuple[str, int, int, dict[str, Any]]]:
    """Every element with its kind and facts a snippet may ask about."""
    out: list[tuple[str, int, int, dict[str, Any]]] = []
    out += [("boilerplate", b.start, b.end, {"kind": b.kind}) for b in doc.boilerplate]
    for t in doc.title_block:
        out.append(("title" if t.kind in ("title", "subtitle") else "meta", t.start, t.end,
                    {"kind": t.kind}))
    out += [("closing", c.start, c.end, {"kind": c.kind}) for c in doc.closing]
    for sec in doc.walk():
        if sec.heading is not None:
            out.append(("heading", sec.heading.start, sec.heading.end, {"section": sec.path}))
        for p in sec.paragraphs:
            facts = {"section": sec.path, "lead": p.lead, "article": p.article, "item": p.item}
            out.append(("paragraph", p.start, p.end, facts))
    return out


def _check_snippets(doc: Document, snippets: Iterable[dict[str, Any]]) -> list[str]:
    fails: list[str] = []
    snippets = list(snippets)
    elements = _elements(doc) if snippets else []
    for snip in snippets:
        text = str(snip["text"])
        where = -1
        for _ in range(int(snip.get("nth", 1))):
            where = doc.text.find(text, where + 1)
        label = f"snippet {text[:12]!r}"
        if where < 0:
            fails.append(f"{label} not in the text")
            continue
        hits = [e for e in elements if e[1] <= where and where + len(text) <= e[2]]
        if not hits:
            fails.append(f"{label} belongs to no single element")
            continue
        kind, _, _, facts = hits[0]
        want_kind = snip.get("in")
        if want_kind and kind != want_kind and facts.get("kind") != want_kind:
            fails.append(f"{label} is in a {kind}, expected {want_kind}")
            continue
        for key in ("section", "article", "item", "lead", "kind"):
            if key in snip and facts.get(key) != snip[key]:
                fails.append(f"{label}: {key} {facts.get(key)!r} ≠ {snip[key]!r}")
    return fails


def _check_traps(doc: Document, traps: Iterable[dict[str, Any]]) -> list[str]:
    fails: list[str] = []
    traps = list(traps)
    elements = _elements(doc) if traps else []
    for trap in traps:
        text = str(trap["text"])
        banned = trap.get("not_in", "heading")
        where = doc.text.find(text)
        if where < 0:
            fails.append(f"trap {text[:12]!r} not in the text")
            continue
        for kind, s, e, facts in elements:
            if s <= where < e and (kind == banned or facts.get("kind") == banned):
                fails.append(f"trap {text[:12]!r} became {banned}")
    return fails


def find_inputs(folder: str | Path) -> list[Path]:
    """Documents under ``folder`` (recursively), without the expected outlines, sorted."""
    root = Path(folder)
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith(".")
    )


def expected_path(doc_path: Path, folder: Path, expected_dir: Path | None = None) -> Path:
    """Where the expected outline of ``doc_path`` lives: beside it, or mirrored under
    ``expected_dir`` (``provincial/上海.txt`` → ``EXPECTED/provincial/上海.json``)."""
    if expected_dir is None:
        return doc_path.with_name(doc_path.stem + EXPECTED_SUFFIX)
    rel = doc_path.relative_to(folder)
    return (expected_dir / rel).with_suffix(".json")


def check_folder(
    folder: str | Path, *, expected_dir: str | Path | None = None
) -> list[OutlineScore]:
    """Parse every document under ``folder`` that has an expected outline and score it."""
    from .parse import load

    root = Path(folder)
    if not root.is_dir():
        raise SourceError(
            f"找不到文件夹：{root} / no such folder: {root}: give a folder of documents with "
            f"expected outlines (NAME{EXPECTED_SUFFIX} beside each)"
        )
    exp_root = Path(expected_dir) if expected_dir is not None else None
    scores: list[OutlineScore] = []
    for path in find_inputs(root):
        exp = expected_path(path, root, exp_root)
        if not exp.is_file():
            continue
        t0 = time.perf_counter()
        doc = load(path, encoding=load_expected(exp).get("read_encoding"))
        seconds = time.perf_counter() - t0
        name = str(path.relative_to(root))
        scores.append(score_outline(doc, load_expected(exp), name=name, seconds=seconds))
    if not scores:
        raise SourceError(
            f"没有可检查的文档：{root} / nothing to check in {root}: put NAME{EXPECTED_SUFFIX} "
            "beside each document (see docs/outline-json.md)"
        )
    return scores


def _mark(ok: bool | None) -> str:
    return "-" if ok is None else ("✓" if ok else "✗")


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _fit(s: str, width: int) -> str:
    """``s`` cut from the left and padded to ``width`` display columns (CJK counts two)."""
    if _width(s) > width:
        while _width("…" + s) > width:
            s = s[1:]
        s = "…" + s
    return s + " " * (width - _width(s))


def score_table(scores: Sequence[OutlineScore], *, width: int = 36) -> str:
    """A per-document table with a summary: title, date, heading P/R/F1, paragraphs, and
    whether the document parses as a reader would (``reader``: title, date, headings) and
    passes every check of its expected outline (``all``)."""
    head = f"{_fit('document', width)} title date     P     R    F1  heads   paras reader all  what is wrong"
    lines = [head, "-" * _width(head)]
    for s in scores:
        lines.append(
            f"{_fit(s.name, width)} {_mark(s.title_ok):^5} {_mark(s.date_ok):^4} "
            f"{s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f} {s.found_headings:>3}/{s.expected_headings:<3}"
            f" {s.paragraphs:>6} {_mark(s.reader_ok):^6} {_mark(s.ok):^3}  {' | '.join(s.failures)}"
        )
    n = len(scores)
    if n:
        mean_f1 = sum(s.f1 for s in scores) / n
        titles = sum(1 for s in scores if s.title_ok)
        dates = sum(1 for s in scores if s.date_ok)
        lines.append("-" * _width(head))
        lines.append(
            f"{n} documents: {sum(1 for s in scores if s.reader_ok)} parse as a reader would "
            f"(title, date, headings), {sum(1 for s in scores if s.ok)} pass every check; "
            f"titles {titles}/{n}, dates {dates}/{n}, mean heading F1 {mean_f1:.3f}"
        )
    return "\n".join(lines)


__all__ = [
    "EXPECTED_SUFFIX",
    "OutlineScore",
    "check_folder",
    "expected_path",
    "expected_problem",
    "find_inputs",
    "headings_of",
    "load_expected",
    "score_outline",
    "score_table",
    "text_matches",
]
