"""The lossless invariant, checked the same way by every parser test module."""

from __future__ import annotations

from studykit.document.model import Document


def assert_lossless(doc: Document) -> None:
    """Elements never overlap, every non-whitespace character belongs to one, and every element's
    ``text`` is ``doc.text[start:end]`` (sentences lie inside their paragraph)."""
    text = doc.text
    covered = [False] * len(text)
    last_end = -1
    for _kind, s, e in doc.elements():
        assert s >= last_end, "elements overlap"
        last_end = e
        for i in range(s, e):
            covered[i] = True
    for i, ch in enumerate(text):
        assert covered[i] or ch.isspace(), f"character {ch!r} at {i} belongs to no element"
    for b in doc.boilerplate:
        assert text[b.start : b.end] == b.text
    for t in doc.title_block:
        assert text[t.start : t.end] == t.text
    for c in doc.closing:
        assert text[c.start : c.end] == c.text
    for sec in doc.walk():
        if sec.heading:
            assert text[sec.heading.start : sec.heading.end] == sec.heading.text
        for p in sec.paragraphs:
            assert text[p.start : p.end] == p.text
            for snt in p.sentences:
                assert text[snt.start : snt.end] == snt.text
                assert p.start <= snt.start < snt.end <= p.end
