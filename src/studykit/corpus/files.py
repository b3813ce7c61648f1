"""Which files make a corpus, what each is called, and the metadata that goes with it."""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from studykit.errors import QueryError, SourceError, SourceNotFoundError

DOCUMENT_SUFFIXES: tuple[str, ...] = (".txt", ".text", ".html", ".htm", ".md", ".markdown")
"""File endings read as documents when a corpus is given as a folder."""

KEY_COLUMNS: tuple[str, ...] = ("file", "filename", "file_name", "path", "name", "doc", "id", "文件", "文件名")
"""Metadata columns tried, in order, for the file name each row belongs to."""

RESERVED: tuple[str, ...] = ("doc", "path", "key", "tokens", "chars")
"""Columns of ``corpus.docs`` that metadata may not replace."""

CorpusSource = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def _natural(path: Path) -> tuple[Any, ...]:
    """Sort key that puts report-9 before report-10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path.name))


def find_files(source: CorpusSource, *, recursive: bool = False) -> tuple[list[Path], list[tuple[str, str]]]:
    """The document files of ``source`` and the problems met finding them.

    ``source`` is a folder (its files ending in :data:`DOCUMENT_SUFFIXES`; with ``recursive``
    also those of its subfolders), a glob pattern (``"reports/*.txt"``, ``"**"`` recurses) or a
    list of paths. Problems are ``(path, reason)`` pairs: a listed file that does not exist is a
    problem, not an error, so the rest still load. A folder or pattern that finds nothing raises
    :class:`~studykit.errors.SourceNotFoundError`.
    """
    problems: list[tuple[str, str]] = []
    if isinstance(source, str | os.PathLike):
        text = os.fspath(source)
        path = Path(text).expanduser()
        if path.is_dir():
            pattern = "**/*" if recursive else "*"
            found = [p for p in path.glob(pattern) if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES]
            if not found:
                raise SourceNotFoundError(
                    f"文件夹中没有文档 / no documents in {text}: put .txt, .html or .md files there, "
                    "or give a glob pattern such as reports/*.txt"
                )
            return sorted(found, key=_natural), problems
        if path.is_file():
            return [path], problems
        if glob.has_magic(text):
            found = [Path(p) for p in glob.glob(os.path.expanduser(text), recursive=True) if Path(p).is_file()]
            if not found:
                raise SourceNotFoundError(
                    f"没有文件匹配 / no file matches {text}: check the pattern, e.g. reports/*.txt"
                )
            return sorted(found, key=_natural), problems
        raise SourceNotFoundError(
            f"没有找到文件夹 / no folder or file {text}: give a folder of documents, a glob pattern "
            "or a list of paths"
        )
    paths: list[Path] = []
    for item in source:
        p = Path(os.fspath(item)).expanduser()
        if p.is_file():
            paths.append(p)
        else:
            problems.append((str(p), f"没有找到文件 / no such file: {p}"))
    if not paths and not problems:
        raise SourceNotFoundError("文件列表为空 / the list of files is empty: give at least one path")
    return paths, problems


def document_ids(paths: Sequence[Path]) -> list[str]:
    """One id per file: its stem (``2021``, ``浙江省``), made unique with the ending and then the
    parent folder where stems repeat."""
    stems = [p.stem for p in paths]
    ids = list(stems)
    for i, p in enumerate(paths):
        if stems.count(stems[i]) > 1:
            ids[i] = p.name
    for i, p in enumerate(paths):
        if ids.count(ids[i]) > 1:
            ids[i] = f"{p.parent.name}/{p.name}"
    for i, p in enumerate(paths):  # still the same: fall back to the full path
        if ids.count(ids[i]) > 1:
            ids[i] = str(p)
    return ids


def read_metadata(metadata: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """A metadata table from a CSV file (UTF-8, UTF-8 with BOM or GBK) or a DataFrame."""
    if isinstance(metadata, pd.DataFrame):
        return metadata.copy()
    path = Path(os.fspath(metadata)).expanduser()
    if not path.is_file():
        raise SourceNotFoundError(
            f"没有找到元数据文件 / no metadata file {path}: give a CSV with a file column, or a DataFrame"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, encoding=encoding, dtype_backend="numpy_nullable")
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise SourceError(f"元数据无法读取 / cannot read metadata {path}: {str(exc).splitlines()[0]}") from None
    raise SourceError(f"元数据编码无法识别 / cannot decode metadata {path}: save it as UTF-8")


def _key_column(meta: pd.DataFrame, paths: Sequence[Path]) -> str:
    names = {p.name for p in paths} | {p.stem for p in paths}
    for col in KEY_COLUMNS:
        if col in meta.columns:
            return col
    for col in meta.columns:  # a column whose values are the file names
        values = {Path(str(v)).name for v in meta[col].dropna()}
        if values & names:
            return str(col)
    raise QueryError(
        "元数据缺少文件名列 / the metadata has no file column: add a column 'file' with each "
        f"document's file name (such as {paths[0].name if paths else '2021.txt'})"
    )


def _plain(values: pd.Series[Any]) -> pd.Series[Any]:
    """Nullable integer columns without missing values become plain int64, strings stay str."""
    if pd.api.types.is_integer_dtype(values.dtype) and not values.isna().any():
        return values.astype("int64")
    if pd.api.types.is_float_dtype(values.dtype) and not values.isna().any() and (values % 1 == 0).all():
        return values.astype("int64")
    return values


def join_metadata(
    ids: Sequence[str],
    paths: Sequence[Path],
    metadata: str | os.PathLike[str] | pd.DataFrame | None,
    name_pattern: str | None,
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """User metadata for each document (one row per id, in order) and the problems found: metadata
    rows that match no file, files with no metadata row. Metadata from the table wins over the
    file-name pattern for the same column."""
    out = pd.DataFrame(index=pd.RangeIndex(len(ids)))
    problems: list[tuple[str, str]] = []
    if name_pattern is not None:
        try:
            rx = re.compile(name_pattern)
        except re.error as exc:
            raise QueryError(f"无效的文件名模式 / invalid name_pattern {name_pattern!r}: {exc}") from None
        if not rx.groupindex:
            raise QueryError(
                f"文件名模式没有命名组 / name_pattern {name_pattern!r} names no group: use (?P<year>\\d{{4}})"
            )
        rows = []
        for p in paths:
            m = rx.search(p.stem)
            rows.append({k: v for k, v in (m.groupdict() if m else {}).items()})
        parsed = pd.DataFrame(rows, index=out.index, columns=list(rx.groupindex))
        for col in parsed.columns:
            values = parsed[col]
            if values.notna().all() and values.astype(str).str.fullmatch(r"-?\d+").all():
                parsed[col] = values.astype("int64")
            out[col] = parsed[col]
    if metadata is None:
        return out, problems
    meta = read_metadata(metadata)
    key = _key_column(meta, paths)
    by_name: dict[str, int] = {}
    for i, value in enumerate(meta[key].tolist()):
        if pd.isna(value):
            continue
        by_name.setdefault(Path(str(value)).name, i)
    rows_for: list[int | None] = []
    used: set[int] = set()
    for doc, p in zip(ids, paths, strict=True):
        row = by_name.get(p.name, by_name.get(p.stem, by_name.get(doc)))
        rows_for.append(row)
        if row is None:
            problems.append((str(p), f"元数据中没有这个文件 / no metadata row for {p.name}"))
        else:
            used.add(row)
    for name, row in by_name.items():
        if row not in used:
            problems.append((name, f"元数据行没有对应文件 / metadata row {name} matches no file"))
    columns = [c for c in meta.columns if c != key and c not in RESERVED]
    picked = meta.iloc[[r if r is not None else 0 for r in rows_for]][columns].reset_index(drop=True)
    missing = [i for i, r in enumerate(rows_for) if r is None]
    if missing:
        picked = picked.astype({c: "object" for c in columns if not pd.api.types.is_string_dtype(picked[c])})
        picked.loc[missing, :] = None
    for col in columns:
        out[str(col)] = _plain(picked[col])
    return out, problems
