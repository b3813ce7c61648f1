"""Sections with the same role across documents: the 工作回顾 and 工作安排 parts of every report.

:func:`align_sections` gives each top-level section of each document a role, by the similarity of
its title to the other documents' titles (or to examples you give), so a role can be studied as a
group: ``corpus.select(sections=roles[roles.role == "工作回顾"])``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from studykit.analysis._options import Real, checked
from studykit.errors import QueryError

if TYPE_CHECKING:
    from .collection import Corpus

PREAMBLE_ROLE = "导语"
ROLE_COLUMNS = ("doc", "section", "label", "title", "role", "score")

_NOISE = re.compile(r"[0-9０-９〇○零一二三四五六七八九]{4}年?|[0-9０-９]+年?|(?:今|明|本|当)年(?:度)?"
                    r"|[“”\"'‘’《》〈〉（）()【】\[\]、，,。：:\s]")


def title_key(title: str) -> str:
    """A title without years (also 今年, 明年), numbers, quotes and punctuation, and without the
    的 or 和 a year leaves in front: ``2023年工作回顾`` → ``工作回顾``, ``2011年的工作`` → ``工作``,
    ``2025年和“十四五”时期工作回顾`` → ``十四五时期工作回顾``."""
    return _NOISE.sub("", title).lstrip("的和及与暨")


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)} or set(key)


def _score(a: str, b: str) -> float:
    """How alike two title keys are, 0–100: the share of the shorter title's character bigrams
    found in the longer (an overlap coefficient), so 工作回顾 matches 过去五年工作回顾 fully while
    工作安排 and 重点工作 share a third. A title of fewer than four characters (``工作``, left of
    ``2011年的工作``) is too generic to be contained: it is scored by the share of both titles'
    bigrams (Jaccard), so it never pulls every title holding 工作 into one role."""
    if not a or not b:
        return 0.0
    x, y = _bigrams(a), _bigrams(b)
    if min(len(x), len(y)) < 3:
        return 100.0 * len(x & y) / len(x | y)
    return 100.0 * len(x & y) / min(len(x), len(y))


@checked(threshold=Real(0.0, 100.0, closed=True))
def align_sections(
    corpus: Corpus,
    roles: Mapping[str, str | Sequence[str]] | None = None,
    *,
    threshold: float = 70.0,
) -> pd.DataFrame:
    """Give every top-level section of every document a role shared across documents.

    Titles are compared without years and numbers (``2022年工作回顾`` and ``过去五年工作回顾`` both
    hold ``工作回顾``) by the share of the shorter title's character bigrams that the longer one
    has (0–100; the overlap coefficient of Szymkiewicz–Simpson). With ``roles`` (``{role: example title
    or list of examples}``), each section takes the role whose example matches best, if it scores
    at least ``threshold``. Without, roles are found: sections are taken in corpus order and each
    joins the role whose titles it matches best, if at least ``threshold``, or starts a new one;
    a role is named after its most common title (the shorter on a tie). The untitled preamble is always 导语; sections matching no role get
    an empty role.

    Columns: ``doc``, ``section`` (top-level path), ``label``, ``title``, ``role``, ``score``.

    >>> roles = align_sections(corpus)                                          # doctest: +SKIP
    >>> roles.pivot(index="doc", columns="role", values="section")              # doctest: +SKIP
    >>> align_sections(corpus, {"工作回顾": "工作回顾", "工作安排": ["工作安排", "重点工作", "主要任务"]})  # doctest: +SKIP
    """
    sections = corpus.sections()
    tops = sections[~sections["section"].str.contains("/", regex=False)].reset_index(drop=True)
    examples: dict[str, list[str]] | None = None
    if roles is not None:
        if not isinstance(roles, Mapping) or not all(
            isinstance(ex, str) or (isinstance(ex, Sequence) and all(isinstance(e, str) for e in ex))
            for ex in roles.values()
        ):
            raise QueryError("roles 应为 {角色: 示例标题} / roles must map each role to an example title or a list "
                             "of titles, e.g. {'工作回顾': '工作回顾'}")
        examples = {str(r): [title_key(e) for e in ([ex] if isinstance(ex, str) else list(ex))] for r, ex in roles.items()}
        if not examples or not all(examples.values()):
            raise QueryError("roles 需要示例标题 / each role needs at least one example title, e.g. {'工作回顾': '工作回顾'}")
    found: list[tuple[str, list[str]]] = []  # first title, member title keys (found roles)
    out_roles: list[str] = []
    scores: list[float] = []
    for level, title in zip(tops["level"], tops["title"], strict=True):
        if int(level) == 0:
            out_roles.append(PREAMBLE_ROLE)
            scores.append(100.0)
            continue
        key = title_key(str(title))
        if examples is not None:
            best, best_score = "", 0.0
            for role, keys in examples.items():
                s = max(_score(key, k) for k in keys)
                if s > best_score:
                    best, best_score = role, s
            out_roles.append(best if best_score >= threshold else "")
            scores.append(best_score)
            continue
        best_i, best_score = -1, 0.0
        for i, (_name, members) in enumerate(found):
            s = max(_score(key, m) for m in dict.fromkeys(members))
            if s > best_score:
                best_i, best_score = i, s
        if best_i >= 0 and best_score >= threshold:
            found[best_i][1].append(key)
            out_roles.append(str(best_i))
            scores.append(best_score)
        else:
            found.append((str(title), [key]))
            out_roles.append(str(len(found) - 1))
            scores.append(100.0)
    if examples is None:
        names = [_role_name(members, fallback) for fallback, members in found]
        out_roles = [names[int(r)] if r.isdigit() else r for r in out_roles]
    frame = pd.DataFrame({
        "doc": tops["doc"].astype(str), "section": tops["section"].astype(str), "label": tops["label"].astype(str),
        "title": tops["title"].astype(str), "role": out_roles, "score": pd.Series(scores, dtype="float64"),
    })
    return frame[list(ROLE_COLUMNS)]


def _role_name(members: list[str], fallback: str) -> str:
    keys = [m for m in members if m]
    if not keys:
        return fallback
    counts = {k: keys.count(k) for k in keys}
    return min(counts, key=lambda k: (-counts[k], len(k), k))
