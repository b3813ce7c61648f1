"""The dashboard: every explorer in one set of tabs, and ``sk.explore``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from studykit.document.model import Document
from studykit.draw.fonts import FontChoice, find_cjk_font
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import tokenize

from .compare import CompareExplorer
from .concordance import KwicExplorer
from .patterns import FormulationExplorer
from .structure import StructureExplorer
from .terms import TermExplorer


# --- dashboard -------------------------------------------------------------------------------
class Dashboard:
    """All explorers in tabs. Clicking a bar or a word of a cloud (词频), a keyness bar (章节比较) or
    a formulation (提法) opens the KWIC tab on it."""

    TABS = ("结构", "词频", "章节比较", "上下文", "提法")

    def __init__(self, document: Document, *, segmenter: JiebaSegmenter | None = None,
                 folder: str | Path = "exports", font: FontChoice | None = None) -> None:
        font = font or find_cjk_font()
        table = tokenize(document, segmenter)
        self.structure = StructureExplorer(document, folder=folder, font=font)
        self.terms = TermExplorer(document, table=table, folder=folder, font=font, on_pick=self.open_in_kwic)
        self.compare = CompareExplorer(document, table=table, folder=folder, font=font, on_pick=self.open_in_kwic)
        self.kwic = KwicExplorer(document, table=table, folder=folder, font=font)
        self.formulations = FormulationExplorer(document, table=table, folder=folder, font=font,
                                                on_pick=self.open_in_kwic)
        explorers = [self.structure, self.terms, self.compare, self.kwic, self.formulations]
        self.tabs = widgets.Tab(children=[e.widget for e in explorers], titles=self.TABS)
        self.tabs.add_class("sk-dashboard")

    def open_in_kwic(self, query: str, *, regex: bool = False, sections: Sequence[str] | None = None) -> None:
        """Search ``query`` in the KWIC tab, within ``sections`` (``None``: everywhere), and switch to it."""
        self.kwic.search(query, regex=regex, sections=sections)
        self.tabs.selected_index = self.TABS.index("上下文")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.tabs._repr_mimebundle_(**kwargs)


def explore(document: Document, **kwargs: Any) -> Dashboard:
    """One dashboard with a tab for each explorer: ``sk.explore(doc)``."""
    return Dashboard(document, **kwargs)
