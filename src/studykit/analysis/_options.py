"""Validation of the options of every public analysis function, in one place.

Each public function declares its options with :func:`checked`::

    @checked(top=Count(none=True), window=Count(minimum=1), query=Text())
    def collocations(table, term, *, window=5, ...): ...

and every call is checked before the function body runs: ``top=-3``, ``top=2.5``, ``top=nan``,
``window=True``, ``query=123`` or a query holding a lone surrogate raise one
:class:`~studykit.errors.QueryError` that names the option and says what to give instead. Whole
numbers must be ``int`` (numpy integers too), never ``bool`` or ``float``; real numbers must be
finite; text must be ``str``, not blank, and encodable (no lone surrogates such as ``"\\ud800"``,
which cannot be written to a file or shown in a notebook).
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import numpy as np

from studykit.errors import QueryError

P = ParamSpec("P")
R = TypeVar("R")


class _Rule:
    def check(self, name: str, value: object) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def _fail(name: str, value: object, want: str) -> QueryError:
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return QueryError(f"选项 {name} 的值无效 / invalid {name}={shown}: {want}")


@dataclass(frozen=True, slots=True)
class Count(_Rule):
    """A whole number ``>= minimum`` (and ``<= maximum``), or ``None`` when ``none``."""

    minimum: int = 0
    maximum: int | None = None
    none: bool = False
    hint: str = ""

    def check(self, name: str, value: object) -> None:
        if value is None and self.none:
            return
        bounds = f"a whole number from {self.minimum}" + (
            f" to {self.maximum}" if self.maximum is not None else " up"
        )
        want = bounds + (" or None" if self.none else "") + (f"; {self.hint}" if self.hint else "")
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise _fail(name, value, f"give {want}")
        number = int(value)
        if number < self.minimum or (self.maximum is not None and number > self.maximum):
            raise _fail(name, value, f"give {want}")


@dataclass(frozen=True, slots=True)
class Real(_Rule):
    """A finite real number in ``(low, high)`` (bounds excluded unless ``closed``)."""

    low: float = -math.inf
    high: float = math.inf
    closed: bool = False
    none: bool = False

    def check(self, name: str, value: object) -> None:
        if value is None and self.none:
            return
        lo, hi = ("[", "]") if self.closed else ("(", ")")
        want = f"give a finite number in {lo}{self.low}, {self.high}{hi}" + (
            " or None" if self.none else ""
        )
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise _fail(name, value, want)
        v = float(value)
        if not math.isfinite(v):
            raise _fail(name, value, want)
        inside = self.low <= v <= self.high if self.closed else self.low < v < self.high
        if not inside:
            raise _fail(name, value, want)


def text_problem(value: object) -> str | None:
    """Why ``value`` is not usable query text, or None when it is."""
    if not isinstance(value, str):
        return f"give text (str), not {type(value).__name__}"
    if not value.strip():
        return "give a word or phrase such as 党建"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "it holds a lone surrogate character (broken text): paste the text again"
    return None


@dataclass(frozen=True, slots=True)
class Text(_Rule):
    """Non-blank text without lone surrogates; ``many`` also accepts a list of such texts."""

    many: bool = False
    none: bool = False

    def check(self, name: str, value: object) -> None:
        if value is None and self.none:
            return
        if self.many and not isinstance(value, str):
            if not isinstance(value, Iterable):
                raise _fail(name, value, "give a word or a list of words")
            items = list(value)
            if not items:
                raise _fail(name, value, "give at least one word")
            for item in items:
                problem = text_problem(item)
                if problem:
                    raise _fail(name, item, problem)
            return
        problem = text_problem(value)
        if problem:
            raise _fail(name, value, problem)


@dataclass(frozen=True, slots=True)
class Names(_Rule):
    """A string or a list of strings (POS prefixes, token kinds); ``None`` when ``none``."""

    none: bool = True

    def check(self, name: str, value: object) -> None:
        if value is None and self.none:
            return
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, Iterable) or not all(
            isinstance(x, str) and text_problem(x) is None for x in items
        ):
            raise _fail(name, value, "give a string or a list of strings")


@dataclass(frozen=True, slots=True)
class _Flag(_Rule):
    """True or False (numpy booleans too)."""

    def check(self, name: str, value: object) -> None:
        if not isinstance(value, bool | np.bool_):
            raise _fail(name, value, "give True or False")


@dataclass(frozen=True, slots=True)
class CountOrTexts(_Rule):
    """How many (a whole number ``>= minimum``) or which ones (a word or a list of words): a
    chart's ``terms=15`` or ``terms=["政协", "党建"]``."""

    minimum: int = 1

    def check(self, name: str, value: object) -> None:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            Count(self.minimum).check(name, value)
            return
        if isinstance(value, str) or (isinstance(value, Iterable) and not isinstance(value, bytes)):
            Text(many=True).check(name, value)
            return
        raise _fail(name, value, f"give a whole number from {self.minimum} up, or a list of words")


def checked(**rules: _Rule) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Check the named arguments of every call against their rules before the body runs."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(fn)
        unknown = [n for n in rules if n not in signature.parameters]
        if unknown:  # pragma: no cover - a programming error, caught at import
            raise TypeError(f"{fn.__name__} has no parameter {unknown[0]!r}")

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)  # a missing or unknown argument: TypeError
            bound.apply_defaults()
            for name, rule in rules.items():
                rule.check(name, bound.arguments[name])
            return fn(*args, **kwargs)

        return wrapper

    return decorate


def check(**values: Any) -> None:
    """Check values in place: ``check(window=(window, Count(1)))`` (for internal entry points)."""
    for name, (value, rule) in values.items():
        rule.check(name, value)
