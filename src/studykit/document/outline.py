"""The ``studykit outline`` contract: a Document as JSON, indented text or Markdown."""

from __future__ import annotations

from typing import Any

from .model import Document, Paragraph, Section


def outline_dict(doc: Document) -> dict[str, Any]:
    """The document as the stable JSON object described in ``docs/outline-json.md``.

    Fields are only ever added, never renamed: ``meta.published``, ``meta.doc_number``,
    ``title_block``, ``closing``, ``articles``, ``notes``, a section's ``path`` and a
    paragraph's ``article`` and ``item`` came after the first version.
    """
    return {
        "title": doc.title,
        "meta": {
            "date": doc.meta.date,
            "time": doc.meta.time,
            "source": doc.meta.source,
            "author": doc.meta.author,
            "published": doc.meta.published,
            "doc_number": doc.meta.doc_number,
        },
        "byline": doc.byline,
        "encoding": doc.source.encoding,
        "format": doc.source.format,
        "boilerplate": [
            {"start": b.start, "end": b.end, "text": b.text, "kind": b.kind} for b in doc.boilerplate
        ],
        "title_block": [
            {"start": t.start, "end": t.end, "text": t.text, "kind": t.kind} for t in doc.title_block
        ],
        "sections": [_section(s) for s in doc.sections],
        "closing": [{"start": c.start, "end": c.end, "text": c.text, "kind": c.kind} for c in doc.closing],
        "articles": [
            {"label": a.label, "number": a.number, "section": a.section, "start": a.start,
             "end": a.end, "paragraphs": len(a.paragraphs)}
            for a in doc.articles
        ],
        "notes": list(doc.source.notes),
    }


def _section(sec: Section) -> dict[str, Any]:
    return {
        "level": sec.level,
        "label": sec.label,
        "title": sec.title,
        "start": sec.start,
        "end": sec.end,
        "path": sec.path,
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
        "article": p.article,
        "item": p.item,
    }


def outline_text(doc: Document) -> str:
    """An indented outline for people."""
    lines = [doc.title or "（无标题）"]
    facts = [x for x in (doc.meta.date, doc.meta.time, doc.meta.source, doc.meta.author) if x]
    if doc.meta.published:
        facts.append(f"发布 {doc.meta.published}")
    if doc.meta.doc_number:
        facts.append(doc.meta.doc_number)
    if facts:
        lines.append("  " + " · ".join(facts))
    if doc.byline:
        lines.append("  " + doc.byline)
    lines.append("")
    for top in doc.sections:
        for sec in top.walk():
            indent = "  " * max(sec.level - 1, 0)
            n = len(sec.paragraphs)
            arts = _article_range(sec.paragraphs)
            lines.append(f"{indent}{sec.display}  ({n} 段{arts})")
            for p in sec.paragraphs:
                if p.lead:
                    lines.append(f"{indent}    · {p.lead}")
    if doc.closing:
        lines += ["", "  ".join(c.text for c in doc.closing)]
    return "\n".join(lines)


def _article_range(paragraphs: tuple[Paragraph, ...]) -> str:
    """``，第一条—第十条`` for a section of a law."""
    labels: list[str] = []
    for p in paragraphs:
        if p.article and (not labels or labels[-1] != p.article):
            labels.append(p.article)
    if not labels:
        return ""
    return f"，{labels[0]}" + (f"—{labels[-1]}" if len(labels) > 1 else "")


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
