"""Section paths as a reader names them: ``导语``, ``标题``, ``一（二）``.

Tables keep section paths (``"2/1"``-style keys such as ``二/二``) for code; these helpers turn
them into the markers the document itself writes, for tables people read (explorers, the CLI's
text output, exports with Chinese headers)."""

from __future__ import annotations

import pandas as pd

from .model import PREAMBLE_KEY, Document, Section

PREAMBLE_NAME = "导语"
"""The preamble (path ``0``): the text before the first heading."""

TITLE_NAME = "标题"
"""The title's rows (path ``""``)."""


def section_marker(sec: Section) -> str:
    """How the document numbers a section, as written: ``一``, ``（一）``, ``1``, ``第一部分``;
    ``导语`` for the preamble. A subsection keeps its own marker, so （一） is never shown as 一."""
    if sec.level == 0:
        return PREAMBLE_NAME
    head = (sec.heading.text if sec.heading is not None else "").lstrip("#").strip()
    title = (sec.title or "").strip()
    at = head.find(title) if title else -1
    marker = head[:at] if at > 0 else ("" if title else head)
    marker = marker.strip().rstrip("、，,.．:：;；\u3000 ")
    return marker or sec.label or sec.path


def path_label(document: Document, path: str) -> str:
    """A section path for people: ``导语`` for the preamble, ``标题`` for the title's rows (path
    ``""``), otherwise the markers of the section and its parents (``一（二）1``)."""
    from studykit.errors import StudykitError

    if path == PREAMBLE_KEY:
        return PREAMBLE_NAME
    if not path:
        return TITLE_NAME
    parts = path.split("/")
    markers = []
    for k in range(1, len(parts) + 1):
        try:
            markers.append(section_marker(document.section("/".join(parts[:k]))))
        except StudykitError:
            markers.append(parts[k - 1])
    return "".join(markers)


def paths_label(document: Document, paths: str) -> str:
    """:func:`path_label` of each path in a space-separated list (a formulation's ``sections``)."""
    return " ".join(path_label(document, p) for p in str(paths).split(" ")) if str(paths) else TITLE_NAME


def label_sections(frame: pd.DataFrame, document: Document) -> pd.DataFrame:
    """A copy of ``frame`` whose section columns (``section``, ``subsection``, ``top``: one path;
    ``sections``: paths separated by spaces) name sections as a reader does."""
    out = frame.copy()
    for col in ("section", "subsection", "top"):
        if col in out.columns and out[col].dtype != "int64":
            out[col] = [path_label(document, str(p)) for p in out[col]]
    if "sections" in out.columns and not pd.api.types.is_numeric_dtype(out["sections"]):
        out["sections"] = [paths_label(document, str(p)) for p in out["sections"]]
    return out
