"""What changed between two versions of a text: sections matched, then sentences aligned.

:func:`compare_versions` takes two documents (this year's report and last year's, a draft and the
final text). Sections are paired first (by title similarity, or by content where a title was
reworded, keeping document order), then the sentences of each pair are aligned: identical runs
with :class:`difflib.SequenceMatcher`, and within a changed stretch each old sentence is paired
with the most similar new one (RapidFuzz's normalised Indel similarity) when they share at least
``threshold`` percent. What is left over was added or removed.
"""

from __future__ import annotations

import difflib
import html
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import pandas as pd

from studykit.analysis._options import Count, Real, _Flag, checked
from studykit.document.model import Document, Section
from studykit.errors import QueryError

Op = Literal["same", "changed", "added", "removed"]
CHANGE_COLUMNS = (
    "section_a", "section_b", "title", "op", "old", "new", "similarity",
    "old_start", "old_end", "new_start", "new_end",
)
TITLE_KEY = "标题"
"""Section key of the title block (title, subtitle, dateline, speaker lines)."""

_SPACE = re.compile(r"\s+")


class Change(NamedTuple):
    """One aligned sentence (or heading, or title line).

    ``op`` is ``same``, ``changed`` (an old sentence rewritten as a new one), ``added`` or
    ``removed``; ``section_a``/``section_b`` are the section paths in each version (empty where
    the section exists in one only; ``标题`` for the title block); ``similarity`` is 0–100;
    offsets point into each document's text (-1 where absent).
    """

    section_a: str
    section_b: str
    title: str
    op: Op
    old: str
    new: str
    similarity: float
    old_start: int
    old_end: int
    new_start: int
    new_end: int


class _Unit(NamedTuple):
    text: str
    key: str
    start: int
    end: int


class _Part(NamedTuple):
    path: str
    level: int
    title: str
    units: list[_Unit]


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """The result of :func:`compare_versions`: every aligned sentence, in reading order.

    ``to_frame()`` is the table (``section_a, section_b, title, op, old, new, similarity``
    and offsets), ``summary()`` counts changes per section, ``to_text()`` marks changes as
    ``[-deleted-]{+inserted+}``, ``to_html()`` is a side-by-side page with deletions and
    additions marked; in a notebook the diff shows itself side by side.
    """

    changes: tuple[Change, ...]
    old_name: str
    new_name: str

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def to_frame(self, *, changes_only: bool = False) -> pd.DataFrame:
        rows = [c for c in self.changes if not changes_only or c.op != "same"]
        frame = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
        return frame.astype({"similarity": "float64", "old_start": "int64", "old_end": "int64",
                             "new_start": "int64", "new_end": "int64"})

    def summary(self) -> pd.DataFrame:
        """Per section pair: ``section_a``, ``section_b``, ``title``, and how many sentences are
        ``same``, ``changed``, ``added`` and ``removed``, in reading order."""
        frame = self.to_frame()
        cols = ["section_a", "section_b", "title", "same", "changed", "added", "removed"]
        if frame.empty:
            return pd.DataFrame({c: pd.Series([], dtype="int64" if c in cols[3:] else object) for c in cols})
        frame["_order"] = range(len(frame))
        counts = frame.pivot_table(index=["section_a", "section_b", "title"], columns="op", values="_order",
                                   aggfunc="count", fill_value=0, sort=False)
        first = frame.groupby(["section_a", "section_b", "title"], sort=False)["_order"].min()
        counts = counts.reindex(columns=["same", "changed", "added", "removed"], fill_value=0)
        counts["_first"] = first
        out = counts.sort_values("_first").drop(columns="_first").reset_index()
        out.columns.name = None
        return out.astype({c: "int64" for c in cols[3:]})

    @property
    def counts(self) -> dict[str, int]:
        """How many sentences are same, changed, added, removed."""
        out = {"same": 0, "changed": 0, "added": 0, "removed": 0}
        for c in self.changes:
            out[c.op] += 1
        return out

    def __repr__(self) -> str:
        n = self.counts
        return (f"VersionDiff({self.old_name!r} → {self.new_name!r}: {n['changed']} changed, "
                f"{n['added']} added, {n['removed']} removed, {n['same']} same)")

    def to_text(self, *, context: bool = False) -> str:
        """A plain-text diff: a line per section pair, then ``- old``, ``+ new`` and ``~`` lines
        with ``[-deleted-]{+inserted+}`` marks (``context=True`` also prints unchanged lines)."""
        lines = [f"--- {self.old_name}", f"+++ {self.new_name}"]
        current = None
        for c in self.changes:
            if c.op == "same" and not context:
                continue
            head = (c.section_a, c.section_b, c.title)
            if head != current:
                current = head
                where = c.section_b or c.section_a
                moved = f" (旧 {c.section_a})" if c.section_a and c.section_b and c.section_a != c.section_b else ""
                lines.append(f"== {where} {c.title}{moved}".rstrip())
            if c.op == "same":
                lines.append(f"  {c.new}")
            elif c.op == "added":
                lines.append(f"+ {c.new}")
            elif c.op == "removed":
                lines.append(f"- {c.old}")
            else:
                lines.append(f"~ {_inline_text(c.old, c.new)}")
        n = self.counts
        lines.append(f"({n['changed']} changed, {n['added']} added, {n['removed']} removed, {n['same']} same)")
        return "\n".join(lines)

    @checked(context=Count(0, none=True), page=_Flag())
    def to_html(self, *, context: int | None = None, page: bool = True) -> str:
        """Side by side: the old version left, the new right; deletions struck through in red,
        additions underlined in green. ``context`` collapses runs of unchanged sentences longer than
        twice that many; ``page=False`` gives a fragment to embed."""
        esc = html.escape
        n = self.counts
        rows: list[str] = []
        current = None
        same_run: list[Change] = []

        def flush() -> None:
            if not same_run:
                return
            if context is not None and len(same_run) > 2 * context + 1:
                for c in same_run[:context]:
                    rows.append(_same_row(c))
                hidden = len(same_run) - 2 * context
                rows.append(f"<tr class='sk-skip'><td colspan='2'>… {hidden} 句相同 / {hidden} unchanged …</td></tr>")
                for c in same_run[len(same_run) - context:]:
                    rows.append(_same_row(c))
            else:
                rows.extend(_same_row(c) for c in same_run)
            same_run.clear()

        for c in self.changes:
            head = (c.section_a, c.section_b, c.title)
            if head != current:
                flush()
                current = head
                rows.append(f"<tr class='sk-sec'><td colspan='2'>{esc(_section_heading(c))}</td></tr>")
            if c.op == "same":
                same_run.append(c)
                continue
            flush()
            if c.op == "removed":
                rows.append(f"<tr class='sk-removed'><td><del>{esc(c.old)}</del></td><td></td></tr>")
            elif c.op == "added":
                rows.append(f"<tr class='sk-added'><td></td><td><ins>{esc(c.new)}</ins></td></tr>")
            else:
                old, new = _inline_html(c.old, c.new)
                rows.append(f"<tr class='sk-changed'><td>{old}</td><td>{new}</td></tr>")
        flush()
        summary = (f"改写 {n['changed']} 句，新增 {n['added']} 句，删去 {n['removed']} 句，"
                   f"未变 {n['same']} 句 / {n['changed']} changed, {n['added']} added, "
                   f"{n['removed']} removed, {n['same']} same")
        body = (
            f"<div class='studykit-diff'>{_CSS}<div class='sk-summary'>{esc(summary)}</div>"
            "<table><colgroup><col style='width:50%'><col style='width:50%'></colgroup>"
            f"<thead><tr><th>旧版 / old: {esc(self.old_name)}</th><th>新版 / new: {esc(self.new_name)}</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
        if not page:
            return body
        title = esc(f"{self.old_name} → {self.new_name}")
        return (f"<!DOCTYPE html>\n<html lang='zh'><head><meta charset='utf-8'><title>{title}</title></head>"
                f"<body>{body}</body></html>\n")

    def _repr_html_(self) -> str:
        return self.to_html(context=2, page=False)


_CSS = """<style>
.studykit-diff table{border-collapse:collapse;width:100%;table-layout:fixed}
.studykit-diff table td,.studykit-diff table th{border-bottom:1px solid #eee;padding:3px 6px;vertical-align:top;text-align:left!important}
.studykit-diff .sk-sec td{background:#f2f4f7;font-weight:bold}
.studykit-diff .sk-same td{color:#666}
.studykit-diff table .sk-skip td{color:#999;text-align:center!important;font-style:italic}
.studykit-diff del{background:#fbdada;color:#8b0000;text-decoration:line-through}
.studykit-diff ins{background:#d6f5d6;color:#0a5a0a;text-decoration:underline}
.studykit-diff .sk-summary{margin:4px 0 8px 0}
</style>"""


def _same_row(c: Change) -> str:
    return f"<tr class='sk-same'><td>{html.escape(c.old)}</td><td>{html.escape(c.new)}</td></tr>"


def _section_heading(c: Change) -> str:
    if c.section_a and c.section_b:
        where = c.section_b if c.section_a == c.section_b else f"{c.section_a} → {c.section_b}"
        shown = _show(where)
        return shown if c.title in ("", shown) else f"{shown} {c.title}"
    if c.section_b:
        return f"{_show(c.section_b)} {c.title}（新增章节 / new section）"
    return f"{_show(c.section_a)} {c.title}（删去章节 / removed section）"


def _show(path: str) -> str:
    return "导语" if path == "0" else path


EXACT_CELLS = 40_000
"""Above this many old × new items (sentences of a changed stretch, or sections), alignment
switches from scoring every pair to scoring candidates that share character pairs."""

EXACT_CHAR_PAIRS = 1_000_000
"""Above this many character pairs (a changed middle of about 1,000 × 1,000 characters), the
similarity of two sentences is estimated and their inline marking works clause by clause."""

_CLAUSE = re.compile(r"(?<=[，。；：！？、,;:!?\n])")


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by halving (slices compare in C: O(n log n), not a Python loop)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _trimmed(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix (not overlapping the prefix)."""
    p = _common_prefix(a, b)
    s = _common_prefix(a[p:][::-1], b[p:][::-1])
    return p, s


def _opcodes(old: str, new: str) -> Sequence[tuple[str, int, int, int, int]]:
    """Character-level edit opcodes (as :meth:`difflib.SequenceMatcher.get_opcodes`). The common
    prefix and suffix are cut first; a changed middle of more than :data:`EXACT_CHAR_PAIRS`
    character pairs is compared clause by clause (cut after ，。； and the like), and a changed clause run
    that is still that large is marked as one replacement, so a 400,000-character line stays fast."""
    p, s = _trimmed(old, new)
    mid_a, mid_b = old[p : len(old) - s], new[p : len(new) - s]
    out: list[tuple[str, int, int, int, int]] = [("equal", 0, p, 0, p)] if p else []
    out += [(op, i1 + p, i2 + p, j1 + p, j2 + p) for op, i1, i2, j1, j2 in _middle_opcodes(mid_a, mid_b)]
    if s:
        out.append(("equal", len(old) - s, len(old), len(new) - s, len(new)))
    return out


def _middle_opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    if not a and not b:
        return []
    if not a or not b:
        return [("delete" if a else "insert", 0, len(a), 0, len(b))]
    if len(a) * len(b) <= EXACT_CHAR_PAIRS:
        return list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    ca, cb = [c for c in _CLAUSE.split(a) if c], [c for c in _CLAUSE.split(b) if c]
    if len(ca) == 1 and len(cb) == 1:
        return [("replace", 0, len(a), 0, len(b))]
    starts_a = [0]
    for c in ca:
        starts_a.append(starts_a[-1] + len(c))
    starts_b = [0]
    for c in cb:
        starts_b.append(starts_b[-1] + len(c))
    out: list[tuple[str, int, int, int, int]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ca, cb, autojunk=False).get_opcodes():
        x1, x2, y1, y2 = starts_a[i1], starts_a[i2], starts_b[j1], starts_b[j2]
        if op == "equal":
            out.append(("equal", x1, x2, y1, y2))
        else:
            out += [(o, k1 + x1, k2 + x1, l1 + y1, l2 + y1) for o, k1, k2, l1, l2 in _middle_opcodes(a[x1:x2], b[y1:y2])]
    return out


def _inline_text(old: str, new: str) -> str:
    out = []
    for op, i1, i2, j1, j2 in _opcodes(old, new):
        if op == "equal":
            out.append(old[i1:i2])
            continue
        if i2 > i1:
            out.append(f"[-{old[i1:i2]}-]")
        if j2 > j1:
            out.append(f"{{+{new[j1:j2]}+}}")
    return "".join(out)


def _inline_html(old: str, new: str) -> tuple[str, str]:
    esc = html.escape
    left, right = [], []
    for op, i1, i2, j1, j2 in _opcodes(old, new):
        if op == "equal":
            left.append(esc(old[i1:i2]))
            right.append(esc(new[j1:j2]))
            continue
        if i2 > i1:
            left.append(f"<del>{esc(old[i1:i2])}</del>")
        if j2 > j1:
            right.append(f"<ins>{esc(new[j1:j2])}</ins>")
    return "".join(left), "".join(right)


# --- reading each version ------------------------------------------------------------------------


def _norm(text: str) -> str:
    return _SPACE.sub("", text)


def _parts(doc: Document) -> list[_Part]:
    """The title block, then every section (its heading and its own paragraphs' sentences)."""
    text = doc.text
    parts: list[_Part] = []
    title_units = [
        _Unit(t.text.strip(), _norm(t.text), t.start, t.end)
        for t in doc.title_block if t.kind in ("title", "subtitle", "dateline", "speaker") and t.text.strip()
    ]
    if title_units:
        parts.append(_Part(TITLE_KEY, -1, "", title_units))
    for sec in doc.walk():
        units: list[_Unit] = []
        if sec.heading is not None:
            h = sec.heading
            units.append(_Unit(h.text.strip(), _norm(h.text), h.start, h.end))
        for p in sec.paragraphs:
            for s in p.sentences:
                raw = text[s.start : s.end]
                if raw.strip():
                    units.append(_Unit(raw.strip(), _norm(raw), s.start, s.end))
        parts.append(_Part(sec.path, sec.level, _title(sec), units))
    return parts


def _title(sec: Section) -> str:
    return "导语" if sec.level == 0 else (sec.title or "")


def _title_key(title: str) -> str:
    return re.sub(r"[0-9０-９]+年?|[“”\"'‘’《》（）()、，,\s]", "", title)


# --- pairing -------------------------------------------------------------------------------------


def _bigrams(text: str) -> Counter[str]:
    return Counter(text[k : k + 2] for k in range(len(text) - 1))


def _similarity(a: str, b: str) -> float:
    """Normalised Indel similarity, 0–100 (RapidFuzz ``fuzz.ratio``: 2·LCS / (|a| + |b|)).

    Exact LCS costs |a|·|b|/64 steps (over a minute for two unrelated 400,000-character lines),
    so when the strings, their common prefix and suffix cut, still differ in more than
    :data:`EXACT_CHAR_PAIRS` character pairs, the LCS of the middles is estimated by the
    character pairs (bigrams) they share, capped by the shorter middle."""
    from rapidfuzz import fuzz

    if not a and not b:
        return 100.0
    p, s = _trimmed(a, b)
    mid_a, mid_b = a[p : len(a) - s], b[p : len(b) - s]
    if len(mid_a) * len(mid_b) <= EXACT_CHAR_PAIRS:
        return float(fuzz.ratio(a, b))
    shared = sum((_bigrams(mid_a) & _bigrams(mid_b)).values())
    lcs = p + s + min(shared, len(mid_a), len(mid_b))
    return 100.0 * 2 * lcs / (len(a) + len(b))


def _part_score(a: _Part, b: _Part) -> float:
    if a.path == TITLE_KEY or b.path == TITLE_KEY:
        return 100.0 if a.path == b.path else 0.0
    if a.level == 0 or b.level == 0:
        return 100.0 if a.level == b.level else 0.0
    title = _similarity(_title_key(a.title), _title_key(b.title))
    body_a = "".join(u.key for u in a.units[1:])[:3000]
    body_b = "".join(u.key for u in b.units[1:])[:3000]
    content = _similarity(body_a, body_b) if body_a and body_b else 0.0
    score = max(title, content)
    if a.path == b.path:
        score += 5
    if a.level != b.level:
        score -= 20
    return score


Aligned = list[tuple[int | None, int | None, float]]


def _align(
    n: int, m: int, score: Any, threshold: float,
    candidates: Callable[[], Iterable[tuple[int, int]]] | None = None,
) -> Aligned:
    """Order-keeping alignment maximising the summed score of pairs scoring ≥ threshold:
    ``(i, j, score)`` for pairs, ``(i, None, 0)`` and ``(None, j, 0)`` for the rest.

    Up to :data:`EXACT_CELLS` pairs every pair is scored (dynamic programming over the full
    table). Beyond, only the pairs ``candidates()`` proposes are scored, and the best chain
    through them is found in O(P log P) (:func:`_chain`), so time and memory grow with the
    candidates, not with n × m."""
    if n * m > EXACT_CELLS and candidates is not None:
        scored = [(i, j, sc) for i, j in set(candidates()) if (sc := score(i, j)) >= threshold]
        return _chain(n, m, scored)
    scores = [[score(i, j) for j in range(m)] for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            s = scores[i][j]
            take = s + below[j + 1] if s >= threshold else -1.0
            row[j] = max(below[j], row[j + 1], take)
    out: list[tuple[int | None, int | None, float]] = []
    i = j = 0
    while i < n and j < m:
        s = scores[i][j]
        if s >= threshold and best[i][j] == s + best[i + 1][j + 1]:
            out.append((i, j, s))
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            out.append((i, None, 0.0))
            i += 1
        else:
            out.append((None, j, 0.0))
            j += 1
    out += [(k, None, 0.0) for k in range(i, n)]
    out += [(None, k, 0.0) for k in range(j, m)]
    return out


def _chain(n: int, m: int, pairs: list[tuple[int, int, float]]) -> Aligned:
    """The chain of ``pairs`` (strictly increasing in both i and j) with the largest summed score
    (a heaviest increasing subsequence: a Fenwick tree of prefix maxima over j), and every item
    left out as removed (old) or added (new), in reading order."""
    size = m + 1
    tree_value = [0.0] * (size + 1)
    tree_at = [-1] * (size + 1)

    def best_before(j: int) -> tuple[float, int]:  # max over pairs ending at j' < j
        value, at = 0.0, -1
        k = j  # Fenwick index j covers j' ≤ j - 1 (0-based j' + 1 ≤ j)
        while k > 0:
            if tree_value[k] > value:
                value, at = tree_value[k], tree_at[k]
            k -= k & -k
        return value, at

    def record(j: int, value: float, at: int) -> None:
        k = j + 1
        while k <= size:
            if value > tree_value[k]:
                tree_value[k], tree_at[k] = value, at
            k += k & -k

    pairs = sorted(pairs)
    total = [0.0] * len(pairs)
    back = [-1] * len(pairs)
    start = 0
    while start < len(pairs):  # all pairs of one i are scored before any is recorded
        end = start
        while end < len(pairs) and pairs[end][0] == pairs[start][0]:
            end += 1
        for k in range(start, end):
            value, at = best_before(pairs[k][1])
            total[k], back[k] = value + pairs[k][2], at
        for k in range(start, end):
            record(pairs[k][1], total[k], k)
        start = end
    chain: list[int] = []
    k = max(range(len(pairs)), key=lambda x: total[x], default=-1)
    while k >= 0:
        chain.append(k)
        k = back[k]
    out: Aligned = []
    i = j = 0
    for k in reversed(chain):
        pi, pj, sc = pairs[k]
        out += [(x, None, 0.0) for x in range(i, pi)]
        out += [(None, y, 0.0) for y in range(j, pj)]
        out.append((pi, pj, sc))
        i, j = pi + 1, pj + 1
    out += [(x, None, 0.0) for x in range(i, n)]
    out += [(None, y, 0.0) for y in range(j, m)]
    return out


COMMON_PAIR = 24
"""A character pair (bigram) found in more new sentences than this names no candidates: it is as
common as 发展 and says little about which sentence a rewrite came from."""

CANDIDATES = 8
"""New sentences scored for each old sentence of a large changed stretch: those sharing the most
uncommon character pairs with it."""


def _sentence_candidates(olds: list[_Unit], news: list[_Unit]) -> Iterator[tuple[int, int]]:
    """For each old sentence, the new ones sharing the most uncommon character pairs with it
    (at most :data:`CANDIDATES`), found through an index of the new sentences' pairs."""
    index: dict[str, list[int]] = {}
    for j, u in enumerate(news):
        for bigram in set(u.key[k : k + 2] for k in range(len(u.key) - 1)) or {u.key}:
            index.setdefault(bigram, []).append(j)
    for i, u in enumerate(olds):
        shared: Counter[int] = Counter()
        for bigram in set(u.key[k : k + 2] for k in range(len(u.key) - 1)) or {u.key}:
            hits = index.get(bigram, ())
            if len(hits) <= COMMON_PAIR:
                shared.update(hits)
        for j, _count in shared.most_common(CANDIDATES):
            yield i, j


def _section_candidates(parts_a: list[_Part], parts_b: list[_Part]) -> Iterator[tuple[int, int]]:
    """Sections worth scoring when there are very many: the same path, the same title (numbers
    left out), and those near the same relative position."""
    n, m = len(parts_a), len(parts_b)
    by_path = {p.path: j for j, p in enumerate(parts_b)}
    by_title: dict[str, list[int]] = {}
    for j, p in enumerate(parts_b):
        by_title.setdefault(_title_key(p.title), []).append(j)
    for i, p in enumerate(parts_a):
        if p.path in by_path:
            yield i, by_path[p.path]
        for j in by_title.get(_title_key(p.title), [])[:COMMON_PAIR]:
            yield i, j
        centre = round(i * m / n) if n else 0
        for j in range(max(0, centre - 8), min(m, centre + 9)):
            yield i, j


EXACT_SENTENCE_PAIRS = 4_000_000
"""Above this many sentence pairs in a changed middle, difflib's junk heuristic is on (sentences
repeated throughout, such as a refrain, no longer anchor matches): quadratic time is the price of
exactness, and a refrain repeated 10,000 times would otherwise take minutes."""


def _key_opcodes(ka: list[str], kb: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Sentence-level opcodes: the common prefix and suffix are cut first (two versions mostly
    agree), then :class:`difflib.SequenceMatcher` aligns the middle."""
    p = 0
    while p < len(ka) and p < len(kb) and ka[p] == kb[p]:
        p += 1
    q = 0
    while q < len(ka) - p and q < len(kb) - p and ka[-1 - q] == kb[-1 - q]:
        q += 1
    ma, mb = ka[p : len(ka) - q], kb[p : len(kb) - q]
    out: list[tuple[str, int, int, int, int]] = [("equal", 0, p, 0, p)] if p else []
    if ma or mb:
        junk = len(ma) * len(mb) > EXACT_SENTENCE_PAIRS
        out += [(op, i1 + p, i2 + p, j1 + p, j2 + p)
                for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ma, mb, autojunk=junk).get_opcodes()]
    if q:
        out.append(("equal", len(ka) - q, len(ka), len(kb) - q, len(kb)))
    return out


def _sentence_changes(a: list[_Unit], b: list[_Unit], threshold: float) -> list[tuple[Op, _Unit | None, _Unit | None, float]]:
    out: list[tuple[Op, _Unit | None, _Unit | None, float]] = []
    for op, i1, i2, j1, j2 in _key_opcodes([u.key for u in a], [u.key for u in b]):
        if op == "equal":
            out += [("same", a[i], b[j], 100.0) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        def score(x: int, y: int, olds: list[_Unit] = olds, news: list[_Unit] = news) -> float:
            return _similarity(olds[x].key, news[y].key)

        def candidates(olds: list[_Unit] = olds, news: list[_Unit] = news) -> Iterator[tuple[int, int]]:
            return _sentence_candidates(olds, news)

        for i, j, s in _align(len(olds), len(news), score, threshold, candidates):
            if i is not None and j is not None:
                out.append(("same" if olds[i].key == news[j].key else "changed", olds[i], news[j], s))
            elif i is not None:
                out.append(("removed", olds[i], None, 0.0))
            elif j is not None:
                out.append(("added", None, news[j], 0.0))
    return out


def _as_document(doc: Document | str | os.PathLike[str]) -> Document:
    if isinstance(doc, Document):
        return doc
    if isinstance(doc, str | os.PathLike):
        from studykit.document.parse import load

        return load(doc)
    raise QueryError(f"需要文档或文件路径 / expected a Document or a path, not {type(doc).__name__}: use sk.load(path)")


@checked(threshold=Real(0.0, 100.0, closed=True), section_threshold=Real(0.0, 100.0, closed=True))
def compare_versions(
    old: Document | str | os.PathLike[str],
    new: Document | str | os.PathLike[str],
    *,
    threshold: float = 60.0,
    section_threshold: float = 55.0,
) -> VersionDiff:
    """What was added, removed and changed between two versions of a text.

    Sections are paired in document order by the similarity of their titles (numbers and years
    left out, so 2022年工作回顾 pairs with 2023年工作回顾) or, where a title was reworded, of their
    text (RapidFuzz ratio ≥ ``section_threshold``); where the section trees match this pairs each
    section with itself. Within each pair the sentences (and the heading) are aligned: unchanged
    runs by :class:`difflib.SequenceMatcher`, then each remaining old sentence with the most
    similar new one (normalised Indel similarity ≥ ``threshold`` percent, order kept) as
    ``changed``; the rest are ``added`` or ``removed``. Sections found in one version only have all
    their sentences added or removed. Whitespace never counts as a change.

    ``old`` and ``new`` are Documents or anything :func:`studykit.load` reads.

    >>> diff = compare_versions("2024-征求意见稿.txt", "2024-定稿.txt")   # doctest: +SKIP
    >>> diff.summary()                                                    # doctest: +SKIP
    >>> diff                                                              # doctest: +SKIP  (side by side)
    """
    doc_a, doc_b = _as_document(old), _as_document(new)
    parts_a, parts_b = _parts(doc_a), _parts(doc_b)
    pairs = _align(len(parts_a), len(parts_b), lambda i, j: _part_score(parts_a[i], parts_b[j]), section_threshold,
                   lambda: _section_candidates(parts_a, parts_b))
    changes: list[Change] = []
    for i, j, _score in pairs:
        pa = parts_a[i] if i is not None else None
        pb = parts_b[j] if j is not None else None
        either = pb if pb is not None else pa
        title = either.title if either is not None else ""
        if pa is not None and pb is not None and pa.title != pb.title and pa.title and pb.title:
            title = f"{pa.title} → {pb.title}"
        sec_a = pa.path if pa is not None else ""
        sec_b = pb.path if pb is not None else ""
        units = _sentence_changes(pa.units if pa else [], pb.units if pb else [], threshold)
        for op, ua, ub, sim in units:
            changes.append(Change(
                sec_a, sec_b, title, op, ua.text if ua else "", ub.text if ub else "", round(sim, 1),
                ua.start if ua else -1, ua.end if ua else -1, ub.start if ub else -1, ub.end if ub else -1,
            ))
    return VersionDiff(tuple(changes), _name(doc_a), _name(doc_b))


def _name(doc: Document) -> str:
    return doc.source.name if doc.source.name and not doc.source.name.startswith("<") else (doc.title or "文档")


def version_changes(diffs: Sequence[VersionDiff]) -> pd.DataFrame:
    """Counts of a series of diffs (year by year): ``old``, ``new``, ``same``, ``changed``,
    ``added``, ``removed``, one row per diff."""
    rows = [{"old": d.old_name, "new": d.new_name, **d.counts} for d in diffs]
    return pd.DataFrame(rows, columns=["old", "new", "same", "changed", "added", "removed"])

