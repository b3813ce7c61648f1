"""How alike sections are: TF-IDF cosine similarity of their term profiles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._options import Names, checked
from ._table import (
    DEFAULT_KINDS,
    Level,
    _check_table,
    _codes,
    _counted,
    _kept,
    _literal,
)

# ---------------------------------------------------------------------------------------------
# Similarity


@checked(kinds=Names(none=False))
def section_similarity(
    table: pd.DataFrame,
    *,
    level: Level = "section",
    stopwords: bool = True,
    filler: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> pd.DataFrame:
    """How alike the sections are in vocabulary: cosine similarity of TF-IDF vectors.

    Each section (``level="section"``: top-level sections, the preamble ``0`` included;
    ``"subsection"``: every section path) is a document. tf = raw count of the term in the
    section; idf = ln((1 + N) / (1 + df)) + 1 with N sections and df the number containing the
    term (the "smooth" idf of scikit-learn's ``TfidfTransformer``; Salton & Buckley 1988, "Term-
    weighting approaches in automatic text retrieval", *IP&M* 24(5)); each vector is
    L2-normalised and the similarity is their dot product (cosine; Manning, Raghavan & Schütze
    2008, *Introduction to Information Retrieval*, §6.3).

    Returns a square frame, index and columns the section paths in document order, values in
    [0, 1], symmetric, diagonal 1. Title tokens belong to no section and are left out. A section
    whose tokens are all filtered away has no vector: its row and column are NaN.

    >>> from studykit import load, tokenize
    >>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
    >>> float(section_similarity(table).loc["三", "四"].round(3))
    0.434
    """
    _literal("level", level, ("section", "subsection"))
    if len(table) == 0:
        return pd.DataFrame(dtype=np.float64)
    column = "top" if level == "section" else "section"
    _check_table(table, [column])
    gcodes, groups = _codes(table[column])
    labelled = np.array([g != "" for g in groups], dtype=bool)
    keep = _kept(table, _counted(table, kinds), stopwords=stopwords, filler=filler)
    keep &= labelled[gcodes] if len(groups) else keep
    order = _document_order([str(g) for g in groups if g != ""], table, level)
    if not order:
        return pd.DataFrame(dtype=np.float64)
    row_of = {g: i for i, g in enumerate(order)}
    remap = np.array([row_of.get(str(g), -1) for g in groups], dtype=np.int64)
    rows = remap[gcodes[keep]]
    codes, _ = _codes(table["token"])
    terms, cols = np.unique(codes[keep], return_inverse=True)
    m, v = len(order), len(terms)
    if v == 0:
        eye = np.full((m, m), np.nan)
        return pd.DataFrame(eye, index=pd.Index(order), columns=pd.Index(order))
    tf = np.zeros((m, v), dtype=np.float64)
    np.add.at(tf, (rows, np.asarray(cols).reshape(-1)), 1.0)
    df = (tf > 0).sum(axis=0)
    idf = np.log((1.0 + m) / (1.0 + df)) + 1.0
    weights = tf * idf
    norms = np.linalg.norm(weights, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = weights / norms[:, None]
    sim = np.clip(unit @ unit.T, 0.0, 1.0)
    has = norms > 0
    sim[~has, :] = np.nan
    sim[:, ~has] = np.nan
    np.fill_diagonal(sim, np.where(has, 1.0, np.nan))
    return pd.DataFrame(sim, index=pd.Index(order), columns=pd.Index(order))


def _document_order(present: list[str], table: pd.DataFrame, level: Level) -> list[str]:
    key = "top_sections" if level == "section" else "sections"
    known = table.attrs.get(key) or []
    listed = [s["path"] if isinstance(s, dict) else str(s) for s in known]
    ordered = [p for p in listed if p in present]
    return ordered + [p for p in present if p not in ordered]


