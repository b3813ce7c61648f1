"""Choosing documents by their fields: a small filter language, read as data and never run as code.

A filter names documents by the columns of ``corpus.docs`` (``year``, ``province``, any metadata
column, ``doc``, ``tokens``)::

    province=浙江省                    equal (= or ==)
    year=2020|2021                     any of several values
    mayor != 林远                      not equal
    year >= 2020                       <, <=, >, >= (numbers on number columns, else text order)
    year >= 2020 and province=浙江省    all conditions (and, &, &&)
    year < 2020 or year > 2022         any of the groups of conditions (or, ||); and binds first
    title = "Reform and opening"       quotes ('…' or "…") keep spaces, |, and/or in a value
    `start year` >= 2020               backquotes around a column name with spaces

A document without a value in the column matches no condition on it. Nothing in a filter or in the
metadata is ever evaluated: a value is compared as text (or as a number on a number column).
To match values that themselves look like filters, pass a mapping ``{column: value or values}``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from studykit.errors import QueryError

OPERATORS = ("==", "!=", "<=", ">=", "=", "<", ">")
SYNTAX = "FIELD=VALUE, FIELD=A|B, FIELD>=NUMBER, joined by and / or (e.g. year >= 2020 and province=浙江省)"

_CONDITION = re.compile(
    r"^\s*(?:`(?P<quoted>[^`]+)`|(?P<field>[^=!<>\s`]+))\s*(?P<op>==|!=|<=|>=|=|<|>)\s*(?P<value>.*?)\s*$",
    re.S,
)
_JOIN = re.compile(r"\s+(and|or)\s+|(&&|\|\||&)", re.I)


@dataclass(frozen=True, slots=True)
class Condition:
    """``field op values``: for ``=`` and ``!=`` any of ``values``; for the others one value."""

    field: str
    op: str
    values: tuple[str, ...]


def looks_like_filter(text: str) -> bool:
    """Whether ``text`` has an operator, so it is read as a filter rather than a document id."""
    return any(op in text for op in ("=", "<", ">"))


def _split_outside_quotes(text: str, pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """``text`` cut where ``pattern`` matches outside quotes: ``(piece, separator before it)``."""
    pieces: list[tuple[str, str]] = []
    quote = ""
    start = 0
    sep = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            i += 1
            continue
        if ch in "'\"`":
            quote = ch
            i += 1
            continue
        m = pattern.match(text, i)
        if m and m.end() > i:
            pieces.append((text[start:i], sep))
            sep = next((g for g in m.groups() if g), "").lower()
            start = i = m.end()
            continue
        i += 1
    if quote:
        raise QueryError(f"引号没有闭合 / unclosed quote {quote} in the filter {text!r}: close it, e.g. title=\"A and B\"")
    pieces.append((text[start:], sep))
    return pieces


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _values(raw: str) -> tuple[str, ...]:
    parts = _split_outside_quotes(raw, re.compile(r"\|"))
    return tuple(_unquote(p) for p, _sep in parts)


def parse(text: str) -> list[list[Condition]]:
    """The filter ``text`` as groups of conditions: a document matches when every condition of
    some group holds. A malformed filter raises :class:`~studykit.errors.QueryError`."""
    groups: list[list[Condition]] = [[]]
    for piece, sep in _split_outside_quotes(text, _JOIN):
        if sep in ("or", "||"):
            groups.append([])
        m = _CONDITION.match(piece)
        if not m:
            raise QueryError(f"无法理解的筛选条件 / cannot read the filter {piece.strip()!r} in {text!r}: write {SYNTAX}")
        field = m.group("quoted") or m.group("field")
        op = "=" if m.group("op") == "==" else m.group("op")
        raw = m.group("value")
        values = _values(raw) if op in ("=", "!=") else (_unquote(raw),)
        if not raw.strip() or (any(not v.strip() for v in values) and op not in ("=", "!=")):
            raise QueryError(f"筛选条件缺少值 / the filter {piece.strip()!r} has no value: write {SYNTAX}")
        groups[-1].append(Condition(field, op, values))
    return groups


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def _holds(column: pd.Series[Any], cond: Condition) -> np.ndarray[Any, np.dtype[np.bool_]]:
    present = column.notna().to_numpy(dtype=bool)
    numeric = pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype)
    if cond.op in ("=", "!="):
        if numeric:
            nums = [_number(v) for v in cond.values]
            floats = column.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
            hit = np.isin(floats, [n for n in nums if n is not None])
        else:
            wanted = {v.strip() for v in cond.values}
            hit = np.array([str(x).strip() in wanted for x in column.to_numpy(dtype=object)], dtype=bool)
        return present & (hit if cond.op == "=" else ~hit)
    value = cond.values[0]
    if numeric:
        number = _number(value)
        if number is None:
            raise QueryError(
                f"「{cond.field}」是数字列 / {cond.field} holds numbers: compare it with a number, not {value!r}"
            )
        floats = column.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            result = {"<": floats < number, "<=": floats <= number, ">": floats > number, ">=": floats >= number}[cond.op]
        return present & result
    texts = [str(x).strip() for x in column.to_numpy(dtype=object)]
    compare = {"<": str.__lt__, "<=": str.__le__, ">": str.__gt__, ">=": str.__ge__}[cond.op]
    ordered: np.ndarray[Any, np.dtype[np.bool_]] = np.array([compare(t, value.strip()) for t in texts], dtype=bool)
    return present & ordered


def evaluate(docs: pd.DataFrame, groups: Sequence[Sequence[Condition]], *, allowed: Sequence[str]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which rows of ``docs`` the filter ``groups`` chooses; a column outside ``allowed`` raises
    :class:`~studykit.errors.QueryError`."""
    mask = np.zeros(len(docs), dtype=bool)
    for group in groups:
        part = np.ones(len(docs), dtype=bool)
        for cond in group:
            if cond.field not in allowed or cond.field not in docs.columns:
                raise QueryError(
                    f"没有字段「{cond.field}」 / no field {cond.field!r}: choose one of {' '.join(allowed)}"
                )
            part &= _holds(docs[cond.field], cond)
        mask |= part
    return mask


def matching(docs: pd.DataFrame, column: str, value: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Rows whose ``column`` equals ``value`` (or any of a list of values), compared as values:
    numbers as numbers on a number column, everything else as text."""
    values = value if isinstance(value, list | tuple | set | frozenset) else [value]
    return _holds(docs[column], Condition(column, "=", tuple(str(v) for v in values)))
