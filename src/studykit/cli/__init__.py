"""The ``studykit`` command line: ``studykit outline``, ``terms``, ``kwic``, ``compare``, ``formulations``."""

from studykit.cli.app import main

__all__ = ["main"]
