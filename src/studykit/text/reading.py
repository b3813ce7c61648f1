"""The reading view: a document's text as a reader reads it, with hard line wraps removed.

Plain-text reports are often hard-wrapped: a paragraph runs over several lines and a word can be
cut by the line end (``高质量\\n发展``, ``乡村振\\n兴``). A reader does not see the break; a program
that segments or searches the raw text does. The reading view deletes every *hard wrap* inside
a paragraph -- a line break with the spaces around it, between two characters of which at least
one is not an ASCII letter or digit (``data\\nset`` keeps its break, as English would) -- and
remembers where each reading character came from, so every offset maps back to the source
exactly::

    view = reading_view(text, paragraph_spans)
    view.text                     # what segmentation and search see
    view.to_source(i)             # source offset of reading character i
    view.source_span(s, e)        # source (start, end) of reading text[s:e]

A span that crosses a removed break covers the break in the source: ``text[start:end]`` is
``高质量\\n发展`` where the reading form is ``高质量发展``; :func:`read` of that slice gives the
reading form back. Breaks between paragraphs, in headings and in boilerplate are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt

__all__ = ["ReadingView", "read", "reading_view"]

IntArray = npt.NDArray[np.int64]

_BREAK = re.compile(r"[ \t\u3000\xa0]*(?:\r\n|\r|\n)[ \t\u3000\xa0\r\n]*")


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _removable(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """Whether the break run ``text[start:end]`` inside ``[lo, hi)`` is a hard wrap."""
    if start <= lo or end >= hi:
        return False  # at the paragraph's edge: nothing to join
    before, after = text[start - 1], text[end]
    if before.isspace() or after.isspace():
        return False
    if text[start:end].count("\n") + text[start:end].count("\r") - text[start:end].count("\r\n") > 1:
        return False  # a blank line is a paragraph break, never a wrap
    return not (_ascii_word(before) and _ascii_word(after))


def _cuts(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in spans:
        if "\n" not in text[lo:hi] and "\r" not in text[lo:hi]:
            continue
        for m in _BREAK.finditer(text, lo, hi):
            if _removable(text, m.start(), m.end(), lo, hi):
                out.append(m.span())
    out.sort()
    return out


@dataclass(frozen=True, slots=True)
class ReadingView:
    """A text with some stretches removed, and the way back to source offsets.

    ``cut_at[k]`` is the reading offset where the k-th removed stretch was, ``shift[k]`` the
    number of source characters removed up to and including it. With no cuts the view is the
    source itself and every mapping is the identity.
    """

    text: str
    cut_at: IntArray
    shift: IntArray

    @property
    def identity(self) -> bool:
        return len(self.cut_at) == 0

    @overload
    def to_source(self, index: int) -> int: ...
    @overload
    def to_source(self, index: IntArray) -> IntArray: ...
    def to_source(self, index: int | IntArray) -> int | IntArray:
        """Source offset of reading offset ``index`` (a reading character, or the end)."""
        if self.identity:
            return index
        k = np.searchsorted(self.cut_at, index, side="right") - 1
        add = np.where(k >= 0, self.shift[np.maximum(k, 0)], 0)
        if isinstance(index, int | np.integer):
            return int(index + add)
        return np.asarray(index, dtype=np.int64) + add.astype(np.int64)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source ``(start, end)`` of the reading text ``[start, end)`` (``end > start``): the
        end stops after the last reading character, before any break that follows it."""
        return int(self.to_source(start)), int(self.to_source(end - 1)) + 1

    def source_ends(self, ends: IntArray) -> IntArray:
        """Source end offsets of reading spans ending at ``ends`` (each > 0)."""
        if self.identity:
            return ends
        return self.to_source(np.asarray(ends, dtype=np.int64) - 1) + 1

    def to_reading(self, offset: IntArray) -> IntArray:
        """Reading offsets of source offsets (of characters that were kept, or span ends)."""
        if self.identity:
            return np.asarray(offset, dtype=np.int64)
        src_cut = self.cut_at + np.concatenate(([0], self.shift[:-1]))  # source start of each cut
        k = np.searchsorted(src_cut, offset, side="right") - 1
        removed = np.where(k >= 0, self.shift[np.maximum(k, 0)], 0)
        return np.asarray(offset, dtype=np.int64) - removed


def reading_view(text: str, spans: Iterable[tuple[int, int]]) -> ReadingView:
    """The reading view of ``text``: hard wraps inside each ``(start, end)`` span removed.

    ``spans`` are the paragraphs (offsets into ``text``); the rest of the text is kept as is.
    """
    cuts = _cuts(text, spans)
    if not cuts:
        return ReadingView(text, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    pieces: list[str] = []
    at = 0
    cut_at: list[int] = []
    shift: list[int] = []
    removed = 0
    for a, b in cuts:
        pieces.append(text[at:a])
        removed += b - a
        cut_at.append(a - (removed - (b - a)))
        shift.append(removed)
        at = b
    pieces.append(text[at:])
    return ReadingView(
        "".join(pieces), np.asarray(cut_at, dtype=np.int64), np.asarray(shift, dtype=np.int64)
    )


def read(text: str) -> str:
    """The reading form of a stretch of one paragraph: its hard wraps removed.

    >>> read("推动高质量\\n发展")
    '推动高质量发展'
    >>> read("open data\\nset")
    'open data\\nset'
    """
    return reading_view(text, [(0, len(text))]).text if ("\n" in text or "\r" in text) else text
