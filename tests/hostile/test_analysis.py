"""Hostile input to the analyses (issue 12, items 9, 10 and 15): no hang, one clear error per bad
option, linear time."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import studykit as sk
from studykit.analysis import patterns
from studykit.document.model import Document, Source
from studykit.document.parse import parse_document
from studykit.errors import QueryError
from studykit.zh import simplified_shadow


def doc_of(text: str) -> Document:
    return parse_document(Source(text, "<hostile>", "utf-8"))


@pytest.fixture(scope="module")
def doc() -> Document:
    return doc_of(
        "测试标题\n\n一、总体要求\n\n坚持党建引领，推动政协党建与履职深度融合，增强“四个意识”。\n\n"
        "二、主要任务\n\n抓党建促履职，抓履职强党建，以党建引领履职。\n"
    )


@pytest.fixture(scope="module")
def table(doc: Document) -> pd.DataFrame:
    return sk.tokenize(doc)


# --- item 9: a catastrophic KWIC regex stops with a clear error ----------------------------------


def test_item9_catastrophic_regex_is_stopped_not_hung() -> None:
    doc = doc_of("标题\n\n一、总体要求\n\n" + "a" * 5000 + "\n\n" + "党建" * 10 + "\n")
    with pytest.raises(QueryError) as err:
        sk.kwic(doc, r"(a|aa)+b", regex=True, timeout=0.3)
    message = str(err.value)
    assert "\n" not in message and "检索超时" in message and "(a|aa)+b" in message
    assert len(sk.kwic(doc, r"(.*)*x", regex=True)) == 0  # the pattern: answered at once
    assert len(sk.kwic(doc, r"党建+", regex=True)) == 10  # ordinary patterns are unaffected


# --- item 10: every numeric and string option is checked, with the option's name -----------------

BAD_NUMBERS: list[Any] = [-3, 2.5, math.nan, math.inf, True, "5", None]


def _calls(doc: Document, table: pd.DataFrame) -> dict[str, Callable[..., Any]]:
    return {
        "term_frequencies": lambda **kw: sk.term_frequencies(table, **kw),
        "ngrams": lambda **kw: sk.ngrams(table, **kw),
        "repeated_phrases": lambda **kw: sk.repeated_phrases(table, **kw),
        "keyness": lambda **kw: sk.keyness(table, "一", **kw),
        "collocations": lambda **kw: sk.collocations(table, **{"term": "党建", **kw}),
        "cooccurrence": lambda **kw: sk.cooccurrence(table, **kw),
        "kwic": lambda **kw: sk.kwic(doc, **{"query": "党建", **kw}),
        "dispersion": lambda **kw: sk.dispersion(table, **{"terms": ["党建"], **kw}),
        "formulations": lambda **kw: sk.formulations(doc, **kw),
        "suggest_terms": lambda **kw: sk.suggest_terms(table, **kw),
        "keywords": lambda **kw: sk.keywords(table, **kw),
    }


OPTIONS = [
    ("term_frequencies", "top", [-3, 2.5, math.nan, True, "5"]),
    ("term_frequencies", "min_len", [0, 1.5, math.nan, None]),
    ("ngrams", "n", [1, 5, 2.0, math.nan]),
    ("ngrams", "min_count", [0, 1.5, None]),
    ("repeated_phrases", "min_n", [1, 2.5]),
    ("repeated_phrases", "max_n", [0, math.inf]),
    ("keyness", "top", [-3, 2.5, math.nan]),
    ("keyness", "min_count", [0, 2.5, None]),
    ("keyness", "alpha", [0, 1, -0.5, math.nan, "0.05", None]),
    ("collocations", "window", [0, 1.5, math.nan, None, True]),
    ("collocations", "min_count", [0, 0.5]),
    ("collocations", "top", [-1, 1.5]),
    ("cooccurrence", "top", [-3, 2.5]),
    ("kwic", "window", [-1, 1.5, math.nan, None]),
    ("kwic", "timeout", [0, -1, math.nan, math.inf]),
    ("formulations", "min_count", [0, 1.5, math.nan]),
    ("suggest_terms", "top", [-3, 2.5]),
    ("suggest_terms", "max_chars", [1, 2.5]),
    ("keywords", "top", [-3, 2.5, math.nan]),
]


@pytest.mark.parametrize(("function", "option", "values"), OPTIONS)
def test_item10_bad_numbers_name_the_option(
    doc: Document, table: pd.DataFrame, function: str, option: str, values: list[Any]
) -> None:
    call = _calls(doc, table)[function]
    for value in values:
        with pytest.raises(QueryError, match=rf"invalid {option}=") as err:
            call(**{option: value})
        assert "\n" not in str(err.value) and "/" in str(err.value)  # one bilingual line


BAD_TEXT: list[Any] = [123, None, b"\xe5\x85\x9a", "", "   ", "党\ud800建", ["党建", 5]]


@pytest.mark.parametrize(
    ("function", "option"),
    [("kwic", "query"), ("collocations", "term"), ("dispersion", "terms")],
)
def test_item10_bad_query_text(doc: Document, table: pd.DataFrame, function: str, option: str) -> None:
    call = _calls(doc, table)[function]
    for value in BAD_TEXT:
        if function != "dispersion" and isinstance(value, list):
            continue
        with pytest.raises(QueryError, match=re.escape(option)) as err:
            call(**{option: value})
        assert "\n" not in str(err.value)
    with pytest.raises(QueryError, match="surrogate"):
        sk.kwic(doc, "党\udc00", regex=True)


def test_item10_good_values_of_every_kind_still_work(doc: Document, table: pd.DataFrame) -> None:
    assert len(sk.term_frequencies(table, top=np.int64(2))) == 2  # numpy integers are whole numbers
    assert len(sk.term_frequencies(table, top=0)) == 0
    assert len(sk.kwic(doc, "党建", window=0)) > 0
    assert sk.keyness(table, "一", alpha=0.1, top=None).attrs["keyness"]["alpha"] == 0.1


# --- item 15: formulations with many distinct quoted labels is linear ------------------------------


def _many_labels(size: int) -> str:
    rnd = random.Random(15)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    parts = ["标题\n\n一、总体要求\n\n"]
    total = 0
    while total < size:
        label = "三个" + rnd.choice(han) + rnd.choice(han)
        quote = rnd.choice(han) + rnd.choice(han) + rnd.choice(han)
        line = f"坚持“{label}”，落实“{quote}”要求，推进{label}。\n"
        parts.append(line)
        total += len(line)
    return "".join(parts)


def test_item15_many_distinct_quoted_labels_without_a_giant_alternation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before the fix every quoted label went into one regex alternation, searched at every
    position: quadratic (640k characters took 17 s). Now labels are looked up by first character
    and length, so no pattern grows with the number of labels, and every use is still found."""
    text = _many_labels(120_000)
    doc = doc_of(text)
    compiled: list[int] = []
    real = patterns.re.compile

    def spy(pattern: Any, flags: int = 0) -> Any:
        compiled.append(len(str(pattern)))
        return real(pattern, flags)

    monkeypatch.setattr(patterns.re, "compile", spy)
    result = sk.formulations(doc)
    labels = set(re.findall(r"“(三个[\u4e00-\u9fff]{2})”", simplified_shadow(text)))
    numbered = {f.text: f.count for f in result if f.kind == "numbered"}
    assert len(labels) > 4000
    assert labels <= set(numbered)
    shadow = simplified_shadow(text)
    assert all(numbered[x] == 2 * shadow.count(f"“{x}”") for x in list(labels)[:200])  # + bare
    assert max(compiled, default=0) < 10_000  # the first-character class, never the labels
