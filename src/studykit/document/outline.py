"""The ``studykit outline`` contract: a Document as JSON, indented text or Markdown."""

from __future__ import annotations

from typing import Any

from .model import Document, Paragraph, Section


def outline_dict(doc: Document) -> dict[str, Any]:
    """The document as the stable JSON object described in DESIGN.md."""
    return {
        "title": doc.title,
        "meta": {
            "date": doc.meta.date,
            "time": doc.meta.time,
            "source": doc.meta.source,
            "author": doc.meta.author,
        },
        "byline": doc.byline,
        "encoding": doc.source.encoding,
        "format": doc.source.format,
        "boilerplate": [{"start": b.start, "end": b.end, "text": b.text} for b in doc.boilerplate],
        "sections": [_section(s) for s in doc.sections],
    }


def _section(sec: Section) -> dict[str, Any]:
    return {
        "level": sec.level,
        "label": sec.label,
        "title": sec.title,
        "start": sec.start,
        "end": sec.end,
        "paragraphs": [_paragraph(p) for p in sec.paragraphs],
        "children": [_section(c) for c in sec.children],
    }


def _paragraph(p: Paragraph) -> dict[str, Any]:
    return {
        "start": p.start,
        "end": p.end,
        "text": p.text,
        "lead": p.lead,
        "sentences": len(p.sentences),
    }


def outline_text(doc: Document) -> str:
    """An indented outline for people."""
    lines = [doc.title or "（无标题）"]
    facts = [x for x in (doc.meta.date, doc.meta.time, doc.meta.source, doc.meta.author) if x]
    if facts:
        lines.append("  " + " · ".join(facts))
    if doc.byline:
        lines.append("  " + doc.byline)
    lines.append("")
    for top in doc.sections:
        for sec in top.walk():
            indent = "  " * max(sec.level - 1, 0)
            n = len(sec.paragraphs)
            lines.append(f"{indent}{sec.display}  ({n} 段)")
            for p in sec.paragraphs:
                if p.lead:
                    lines.append(f"{indent}    · {p.lead}")
    return "\n".join(lines)


def outline_markdown(doc: Document) -> str:
    """A Markdown outline: headings for sections, bullets for paragraph leads."""
    out = [f"# {doc.title or '（无标题）'}", ""]
    facts = [x for x in (doc.meta.date, doc.meta.source, doc.meta.author) if x]
    if facts:
        out += [" · ".join(facts), ""]
    for top in doc.sections:
        for sec in top.walk():
            out.append("#" * min(sec.level + 1, 6) + " " + sec.display)
            leads = [p.lead for p in sec.paragraphs if p.lead]
            out += [f"- {lead}" for lead in leads]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
