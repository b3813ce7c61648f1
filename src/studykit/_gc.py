"""Pausing Python's cyclic garbage collector around one bounded computation.

Parsing a document or finding its formulations allocates hundreds of thousands of small objects
(lines, spans, tuples) that are all alive until the result is returned. The cyclic collector
rescans them again and again as they pile up, which made the cost grow faster than the input
(10× the text took 12–14× the time, measured in ``make bench``). None of these objects form
cycles, so pausing the collector loses nothing; it is switched back on when the computation
ends, also on an error, and a collector the caller had already disabled stays disabled.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the body with the cyclic collector off, as it was before afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def without_gc_pauses(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` run inside :func:`gc_paused`."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with gc_paused():
            return fn(*args, **kwargs)

    return wrapper
