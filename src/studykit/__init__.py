"""studykit: study Chinese policy documents in JupyterLab.

A flat public face over modules with one idea each::

    import studykit as sk
    doc = sk.load("seeds/000_1776dd67e002c30c.txt")
    table = sk.tokenize(doc)
    sk.term_frequencies(table, top=20)

The modules sit in one folder per layer (document, text, analysis, corpus, draw, explorers, cli); no
module shares its name with a public function. Names load lazily on first use, so ``import studykit`` is quick and changes nothing: not jieba's
default tokenizer, not matplotlib's rcParams, not the working directory, not any cache.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, tuple[str, ...]] = {
    "errors": (
        "StudykitError", "SourceError", "SourceNotFoundError", "EmptySourceError",
        "BinarySourceError", "DecodeError", "SourceTooLargeError", "SectionNotFoundError",
        "QueryError", "FontError", "ExportError", "ReadOptionError",
    ),
    "document.model": ("Document", "Section", "Paragraph", "Sentence", "Source", "Meta", "Boilerplate"),
    "document.read": ("read_source",),
    "document.parse": ("parse_document", "load"),
    "document.outline": ("outline_dict", "outline_text", "outline_markdown"),
    "text.segment": ("JiebaSegmenter", "Token"),
    "text.tokens": ("tokenize", "select", "section_lengths"),
    "analysis.frequency": ("term_frequencies", "ngrams", "repeated_phrases", "keywords"),
    "analysis.keyness": ("keyness", "keyness_from_counts"),
    "analysis.similarity": ("section_similarity",),
    "analysis.association": ("collocations", "cooccurrence"),
    "analysis.concordance": ("kwic", "dispersion", "dispersion_sections"),
    "analysis.patterns": ("formulations",),
    "analysis.vocabulary": ("suggest_terms",),
    "corpus.collection": ("load_corpus", "Corpus", "prune_cache"),
    "corpus.analyses": ("trend", "first_appearance", "document_similarity", "key_terms", "CorpusKwicResult"),
    "corpus.sections": ("align_sections",),
    "corpus.versions": ("compare_versions", "VersionDiff"),
    "draw.fonts": ("find_cjk_font", "font_rc", "FontChoice"),
    "draw.cloud": ("make_wordcloud", "plot_wordcloud"),
    "draw.charts": (
        "plot_top_terms", "plot_section_lengths", "plot_term_heatmap", "plot_keyness",
        "plot_similarity", "plot_dispersion", "plot_cooccurrence", "plot_formulations",
        "plot_section_clouds", "plot_section_top_terms", "short_title", "section_caption",
    ),
    "draw.corpus_charts": (
        "plot_trend", "plot_trends", "plot_doc_term_heatmap", "plot_key_terms", "plot_first_appearance",
        "plot_document_map", "plot_version_summary",
    ),
    "draw.export": ("export",),
    "explorers.base": ("readable_table",),
    "explorers.structure": ("StructureExplorer",),
    "explorers.terms": ("TermExplorer",),
    "explorers.compare": ("CompareExplorer",),
    "explorers.concordance": ("KwicExplorer",),
    "explorers.patterns": ("FormulationExplorer",),
    "explorers.dashboard": ("explore", "Dashboard"),
    "explorers.loader": ("DocumentLoader",),
    "explorers.corpus": ("CorpusExplorer",),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = ["__version__", *_WHERE]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'studykit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from studykit.document.model import (
        Boilerplate,
        Document,
        Meta,
        Paragraph,
        Section,
        Sentence,
        Source,
    )
    from studykit.document.parse import load, parse_document
    from studykit.document.read import read_source
    from studykit.errors import *
    from studykit.text.tokens import select, tokenize
