"""studykit: study Chinese policy documents in JupyterLab.

A flat public face over modules with one idea each::

    import studykit as sk
    doc = sk.load("seeds/000_1776dd67e002c30c.txt")
    table = sk.tokenize(doc)
    sk.term_frequencies(table, top=20)

Names load lazily on first use, so ``import studykit`` is quick and changes nothing: not jieba's
default tokenizer, not matplotlib's rcParams, not the working directory, not any cache.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, tuple[str, ...]] = {
    "errors": (
        "StudykitError", "SourceError", "SourceNotFoundError", "EmptySourceError",
        "BinarySourceError", "DecodeError", "SourceTooLargeError", "SectionNotFoundError",
        "QueryError", "FontError", "ExportError",
    ),
    "model": ("Document", "Section", "Paragraph", "Sentence", "Source", "Meta", "Boilerplate"),
    "read": ("read_source",),
    "parse": ("parse_document", "load"),
    "outline": ("outline_dict", "outline_text", "outline_markdown"),
    "segment": ("JiebaSegmenter", "Token"),
    "tokens": ("tokenize", "select", "section_lengths"),
    "stats": (
        "term_frequencies", "ngrams", "repeated_phrases", "keyness", "section_similarity",
        "collocations", "cooccurrence", "keywords",
    ),
    "kwic": ("kwic", "dispersion", "dispersion_sections"),
    "formulations": ("formulations",),
    "fonts": ("find_cjk_font", "font_rc", "FontChoice"),
    "cloud": ("make_wordcloud", "plot_wordcloud"),
    "plot": (
        "plot_top_terms", "plot_section_lengths", "plot_term_heatmap", "plot_keyness",
        "plot_similarity", "plot_dispersion", "plot_cooccurrence", "plot_formulations",
        "plot_section_clouds", "plot_section_top_terms", "short_title", "section_caption",
    ),
    "export": ("export",),
    "explore": (
        "explore", "Dashboard", "StructureExplorer", "TermExplorer", "CompareExplorer", "KwicExplorer",
        "FormulationExplorer",
    ),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = ["__version__", *_WHERE]


_SHADOWED = tuple(n for n in _WHERE if n in _EXPORTS)  # kwic, formulations, explore: module and function


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'studykit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    _unshadow()
    return value


def _unshadow() -> None:
    """Importing ``studykit.kwic`` binds the module as ``studykit.kwic``; the public name is the function."""
    for name in _SHADOWED:
        mod = sys.modules.get(f"{__name__}.{_WHERE[name]}")
        if mod is not None and isinstance(globals().get(name), types.ModuleType):
            globals()[name] = getattr(mod, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .errors import *
    from .model import Boilerplate, Document, Meta, Paragraph, Section, Sentence, Source
    from .parse import load, parse_document
    from .read import read_source
    from .tokens import select, tokenize
