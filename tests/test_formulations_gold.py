"""Formulations against the marked gold set in tests/gold (see tests/gold/README.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from studykit.analysis.patterns import formulations
from studykit.document.model import Source
from studykit.document.parse import parse_document

GOLD = Path(__file__).resolve().parent / "gold"
TAGS = {"N": "numbered", "P": "parallel", "Q": "quote", "L": "four_char_list"}
THRESHOLDS = {"numbered": (0.85, 0.90), "parallel": (0.75, 0.85)}  # recall, precision
_TAG = re.compile(r"<(/?)([NPQL])>")


@dataclass(frozen=True)
class Gold:
    name: str
    text: str
    spans: dict[str, list[tuple[int, int]]]


def parse_gold(path: Path) -> Gold:
    """Strip the tags; return the text and the spans of each kind."""
    raw = path.read_text(encoding="utf-8")
    out: list[str] = []
    spans: dict[str, list[tuple[int, int]]] = {k: [] for k in TAGS.values()}
    stack: list[tuple[str, int]] = []
    at = 0
    length = 0
    for m in _TAG.finditer(raw):
        out.append(raw[at : m.start()])
        length += m.start() - at
        at = m.end()
        closing, tag = m.group(1) == "/", m.group(2)
        if closing:
            open_tag, start = stack.pop()
            assert open_tag == tag, f"{path.name}: </{tag}> closes <{open_tag}>"
            spans[TAGS[tag]].append((start, length))
        else:
            stack.append((tag, length))
    out.append(raw[at:])
    assert not stack, f"{path.name}: unclosed <{stack[-1][0]}>"
    return Gold(path.name, "".join(out), spans)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _matches(kind: str, found: tuple[int, int], gold: tuple[int, int]) -> bool:
    inter = _overlap(found, gold)
    if kind != "parallel":
        return inter > 0
    union = max(found[1], gold[1]) - min(found[0], gold[0])
    return inter >= 0.8 * union


def score(golds: list[Gold]) -> dict[str, dict[str, float]]:
    """Occurrence-level true positives, found and gold counts per kind, over the documents."""
    totals = {k: {"tp_found": 0, "found": 0, "tp_gold": 0, "gold": 0} for k in TAGS.values()}
    for g in golds:
        doc = parse_document(Source(g.text, g.name, "utf-8"))
        result = formulations(doc)
        for kind in TAGS.values():
            found = [(loc.start, loc.end) for f in result if f.kind == kind for loc in f.locations]
            gold = g.spans[kind]
            t = totals[kind]
            t["found"] += len(found)
            t["gold"] += len(gold)
            t["tp_found"] += sum(any(_matches(kind, f, s) for s in gold) for f in found)
            t["tp_gold"] += sum(any(_matches(kind, f, s) for f in found) for s in gold)
    return {
        k: {
            "precision": t["tp_found"] / t["found"] if t["found"] else 1.0,
            "recall": t["tp_gold"] / t["gold"] if t["gold"] else 1.0,
            "found": t["found"],
            "gold": t["gold"],
        }
        for k, t in totals.items()
    }


def misses(golds: list[Gold], kind: str) -> tuple[list[str], list[str]]:
    """Texts of gold spans not found and of found spans not in the gold (for debugging)."""
    missed: list[str] = []
    extra: list[str] = []
    for g in golds:
        result = formulations(parse_document(Source(g.text, g.name, "utf-8")))
        found = [(loc.start, loc.end) for f in result if f.kind == kind for loc in f.locations]
        missed += [g.text[s:e] for s, e in g.spans[kind] if not any(_matches(kind, f, (s, e)) for f in found)]
        extra += [g.text[s:e] for s, e in found if not any(_matches(kind, (s, e), x) for x in g.spans[kind])]
    return missed, extra


def tuning_set() -> list[Gold]:
    return [parse_gold(p) for p in sorted(GOLD.glob("*.txt"))]


def heldout_set() -> list[Gold]:
    return [parse_gold(p) for p in sorted((GOLD / "heldout").glob("*.txt"))]


def test_gold_files_parse() -> None:
    golds = tuning_set() + heldout_set()
    assert len(golds) >= 5
    for g in golds:
        assert "<" not in g.text and ">" not in g.text
        assert g.spans["numbered"] and g.spans["parallel"]


@pytest.mark.parametrize("kind", sorted(THRESHOLDS))
def test_gold_precision_and_recall(kind: str) -> None:
    scores = score(tuning_set())[kind]
    recall, precision = THRESHOLDS[kind]
    missed, extra = misses(tuning_set(), kind)
    assert scores["recall"] >= recall, f"{kind} recall {scores['recall']:.2f}; missed {missed}"
    assert scores["precision"] >= precision, f"{kind} precision {scores['precision']:.2f}; extra {extra}"


@pytest.mark.parametrize("kind", sorted(THRESHOLDS))
def test_heldout_document_meets_the_same_bar(kind: str) -> None:
    """The held-out document was written before any tuning and scored once at the end (numbered
    100% / 100%, 排比 89% / 89%); this keeps later changes from sliding below the bar."""
    scores = score(heldout_set())[kind]
    recall, precision = THRESHOLDS[kind]
    assert scores["recall"] >= recall and scores["precision"] >= precision, scores


if __name__ == "__main__":  # python tests/test_formulations_gold.py [heldout]
    import sys

    sets = {"tuning": tuning_set()} if "heldout" not in sys.argv else {"heldout": heldout_set()}
    for name, golds in sets.items():
        for kind, s in score(golds).items():
            print(f"{name:8} {kind:15} precision {s['precision']:.2f}  recall {s['recall']:.2f}"
                  f"  (found {s['found']}, gold {s['gold']})")
        if "-v" in sys.argv:
            for kind in TAGS.values():
                m, e = misses(golds, kind)
                print(kind, "MISSED:", m)
                print(kind, "EXTRA:", e)
