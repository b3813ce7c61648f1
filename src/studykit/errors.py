"""Errors studykit raises on purpose.

Every message is one line, in Chinese and English, saying what is wrong and what to do:
``没有找到章节「五」 / no section 五: choose one of 一 二 三 四``. The CLI prints exactly that
line to stderr and exits non-zero; notebooks show it without a traceback.
"""

from __future__ import annotations


class StudykitError(Exception):
    """Base class: a problem with the user's input, explained in one line.

    A lone surrogate in the message (a query or label the user typed from broken text) is
    escaped as ``\\ud800``: the line must print in a terminal and in a notebook, where an
    unencodable message would make the error vanish."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(_printable(a) if isinstance(a, str) else a for a in args))

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a traceback: the one line that says what to do."""
        return [f"{type(self).__name__}: {self}"]


class SourceError(StudykitError):
    """The file or text cannot be read as a Chinese document."""


class SourceNotFoundError(SourceError):
    """The path does not exist or is a directory."""


class EmptySourceError(SourceError):
    """The input is empty or holds only whitespace."""


class BinarySourceError(SourceError):
    """The input looks like binary data, not text."""


class DecodeError(SourceError):
    """The bytes do not decode with the given or detected encoding."""


class SourceTooLargeError(SourceError):
    """The input is larger than the size limit."""


class ReadOptionError(SourceError, TypeError, ValueError):
    """An argument reading cannot use: ``sk.load(5)``, ``max_bytes=0``, ``format="pdf"``.

    Also a ``TypeError`` and a ``ValueError``, so code that caught those still does."""


class SectionNotFoundError(StudykitError, KeyError):
    """A section label that the document does not have."""

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return str(self.args[0]) if self.args else ""


class QueryError(StudykitError, ValueError):
    """A search query that cannot be used, such as an invalid regular expression."""


class FontError(StudykitError):
    """No usable CJK font."""


class ExportError(StudykitError):
    """An export that was refused or failed."""


def _printable(message: str) -> str:
    """``message`` with lone surrogates escaped, so that it encodes as UTF-8."""
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        return message.encode("utf-8", "backslashreplace").decode("utf-8")
    return message
