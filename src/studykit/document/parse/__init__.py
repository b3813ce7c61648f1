"""Parse decoded text into a :class:`~studykit.document.model.Document`.

The parser works on logical lines of the decoded text. Every non-blank line ends up in exactly
one place: boilerplate (banners, breadcrumbs, print controls, captions, editor lines, footers,
Markdown markup), the title block (title, subtitle, dateline, speaker, meta, byline), a section
heading, a paragraph, or the closing block (落款, date, （此件公开发布）, 附件 list). Patterns are
matched on a simplified shadow of the text (:func:`studykit.zh.simplified_shadow`), so
traditional documents parse the same way.

One module per concern, in the order they run:

* :mod:`.lines` — logical lines (all line-break characters, broken markers, stripped breaks);
* :mod:`.boilerplate` — page furniture, one item a line or many;
* :mod:`.titleblock` — the scored choice of the title and the block around it, meta;
* :mod:`.closing` — the closing block of official documents;
* :mod:`.markers` and :mod:`.headings` — numbering markers, parts, laws and articles, and the
  scored decision between headings and list items;
* :mod:`.paragraphs` — paragraphs, sentences and leads;
* :mod:`.tree` — the section tree built from the decisions;
* :mod:`.pipeline` — the steps in order.
"""

from __future__ import annotations

from .paragraphs import LEAD_MAX_CHARS
from .pipeline import load, parse_document

__all__ = ["LEAD_MAX_CHARS", "load", "parse_document"]
