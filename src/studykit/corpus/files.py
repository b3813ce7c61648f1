"""Which files make a corpus, what each is called, and the metadata that goes with it.

Finding files never follows a link to a folder (so a link loop such as ``sub/up -> ..`` neither
multiplies documents nor hangs), reads a file reached by two paths once, and lists every entry it
skips with the reason (a pipe, a broken link, a link loop, a folder named like a document).
A file name that is not valid UTF-8 (a GBK name from a Windows zip) is shown decoded as GB18030,
or with ``\\x..`` escapes, while the file is still read from its real name.
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import math
import numbers
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from studykit.errors import QueryError, SourceError, SourceNotFoundError

DOCUMENT_SUFFIXES: tuple[str, ...] = (".txt", ".text", ".html", ".htm", ".md", ".markdown")
"""File endings read as documents when a corpus is given as a folder."""

UNREAD_SUFFIXES: tuple[str, ...] = (".doc", ".docx", ".wps", ".rtf", ".odt", ".pages", ".pdf", ".ofd", ".epub",
                                    ".caj", ".xls", ".xlsx", ".ppt", ".pptx")
"""File endings of documents studykit cannot read (office files, PDF, e-books): in a folder they
are listed as problems, so that a report saved as Word is never skipped without a word."""

KEY_COLUMNS: tuple[str, ...] = ("file", "filename", "file_name", "path", "name", "doc", "id", "文件", "文件名")
"""Metadata columns tried, in order, for the file name each row belongs to."""

RESERVED: tuple[str, ...] = ("doc", "path", "key", "tokens", "chars")
"""Columns of ``corpus.docs`` that metadata and ``name_pattern`` may not replace."""

CorpusSource = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


@dataclass(frozen=True, slots=True)
class Found:
    """The files of a corpus source: ``paths`` (real paths, to read), ``names`` (each shown as
    text: valid Unicode whatever the bytes of the name), ``base`` (the folder the names are
    relative to, or None) and ``problems`` (``(shown path, reason)`` for every entry skipped)."""

    paths: list[Path]
    names: list[str]
    base: Path | None
    problems: list[tuple[str, str]]


def shown(path: str | os.PathLike[str]) -> str:
    """``path`` as valid text: a name in another encoding than UTF-8 (the undecodable bytes Python
    keeps as lone surrogates) is decoded as GB18030, the usual encoding of Chinese names from
    Windows, or else shown with ``\\x..`` escapes."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    raw = os.fsencode(text)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def clean_text(text: str) -> str:
    """``text`` without lone surrogates (bytes of a file name that were not UTF-8), as ``\\x..``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _natural(text: str) -> tuple[Any, ...]:
    """Sort key that puts report-9 before report-10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text))


def why_not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a document (bilingual, one line), or None for a regular file."""
    name = shown(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            target = shown(os.readlink(path))
            return f"链接指向的文件不存在 / broken symbolic link: {name} points to {target}, which does not exist"
        return f"没有找到文件 / no such file: {name}"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"符号链接循环 / symbolic link loop: {name} points back to itself"
        return f"无法访问 / cannot access {name}: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        return f"这是文件夹 / {name} is a folder, not a document: give the files inside it (or recursive=True)"
    if not stat.S_ISREG(st.st_mode):
        return f"不是普通文件 / {name} is not a regular file (a pipe, socket or device): copy it into a file"
    return None


def _walk(root: Path, recursive: bool, problems: list[tuple[str, str]]) -> Iterator[Path]:
    """Every entry of ``root`` (and, with ``recursive``, of its subfolders), never following a
    link to a folder."""
    if not recursive:
        try:
            with os.scandir(root) as it:
                entries = list(it)
        except OSError as exc:
            raise SourceError(f"无法读取文件夹 / cannot read the folder {shown(root)}: {exc.strerror or exc}") from None
        for entry in entries:
            yield Path(entry.path)
        return

    def failed(exc: OSError) -> None:
        problems.append((shown(exc.filename or root), f"无法读取文件夹 / cannot read the folder "
                                                      f"{shown(exc.filename or root)}: {exc.strerror or exc}"))

    for folder, dirs, files in os.walk(root, onerror=failed, followlinks=False):
        dirs.sort()
        for name in [*files, *dirs]:
            yield Path(folder) / name


def _split_pattern(pattern: str) -> tuple[Path, list[str]]:
    """The folder before the first wildcard, and the pattern's parts after it."""
    parts = Path(pattern).parts
    for i, part in enumerate(parts):
        if glob.has_magic(part):
            return (Path(*parts[:i]) if i else Path(".")), list(parts[i:])
    return Path(pattern).parent, [Path(pattern).name]


def _matches(pattern: Sequence[str], parts: Sequence[str]) -> bool:
    """Whether path ``parts`` match glob ``pattern`` parts (``**`` is any number of folders)."""
    seen: dict[tuple[int, int], bool] = {}

    def at(i: int, j: int) -> bool:
        if (i, j) in seen:
            return seen[(i, j)]
        if i == len(pattern):
            ok = j == len(parts)
        elif pattern[i] == "**":
            ok = at(i + 1, j) or (j < len(parts) and at(i, j + 1))
        else:
            ok = (j < len(parts) and fnmatch.fnmatchcase(parts[j], pattern[i])
                  and (not parts[j].startswith(".") or pattern[i].startswith("."))
                  and at(i + 1, j + 1))
        seen[(i, j)] = ok
        return ok

    return at(0, 0)


def _globbed(pattern: str, problems: list[tuple[str, str]]) -> tuple[Path, list[Path]]:
    base, rest = _split_pattern(pattern)
    if "**" not in rest:  # no recursion: the standard glob cannot loop
        return base, [Path(p) for p in sorted(glob.glob(pattern))]
    if not base.is_dir():
        return base, []
    out = []
    for p in _walk(base, True, problems):
        rel = p.relative_to(base).parts
        if _matches(rest, rel):
            out.append(p)
    return base, out


def _wanted(path: Path, *, any_suffix: bool) -> bool:
    return any_suffix or path.suffix.lower() in DOCUMENT_SUFFIXES


def find_files(source: CorpusSource, *, recursive: bool = False) -> Found:
    """The document files of ``source`` and the problems met finding them.

    ``source`` is a folder (its files ending in :data:`DOCUMENT_SUFFIXES`; with ``recursive``
    also those of its subfolders; Word, PDF and other files in :data:`UNREAD_SUFFIXES` are
    problems), a glob pattern (``"reports/*.txt"``; ``"**"`` is any number
    of subfolders) or a list of paths. Links to folders are never followed; a file reached twice
    (a link, ``a/../a/x.txt``, a path listed twice) is read once. Every entry that looks like a
    document but is not a readable file (a pipe, a broken link, a link loop, a folder named
    ``x.txt``), and every duplicate, is a problem ``(path, reason)``, not an error, so the rest
    still load. A folder or pattern that finds no file at all raises
    :class:`~studykit.errors.SourceNotFoundError`.
    """
    problems: list[tuple[str, str]] = []
    candidates: list[Path]
    base: Path | None
    any_suffix = False
    if isinstance(source, str | os.PathLike):
        text = os.fspath(source)
        path = Path(os.path.expanduser(text))
        if path.is_dir():
            base = path
            candidates = []
            for p in _walk(path, recursive, problems):
                if p.suffix.lower() in DOCUMENT_SUFFIXES:
                    candidates.append(p)
                elif p.suffix.lower() in UNREAD_SUFFIXES:
                    problems.append((shown(p), _unread(p)))
            candidates.sort(key=lambda p: _natural(p.relative_to(path).as_posix()))
            if not candidates:
                raise SourceNotFoundError(
                    f"文件夹中没有文档 / no documents in {shown(text)}: put .txt, .html or .md files there, "
                    "or give a glob pattern such as reports/*.txt"
                )
        elif os.path.lexists(path) and not glob.has_magic(text):
            base, candidates, any_suffix = path.parent, [path], True
        elif glob.has_magic(text):
            base, candidates = _globbed(os.path.expanduser(text), problems)
            candidates.sort(key=lambda p: _natural(p.as_posix()))
            any_suffix = True
            # Folders the pattern matches are not documents; only one named like a document is
            # worth a word (reports/*.txt matching a folder x.txt).
            candidates = [p for p in candidates if not p.is_dir() or p.is_symlink()
                          or p.suffix.lower() in DOCUMENT_SUFFIXES]
            if not candidates:
                raise SourceNotFoundError(
                    f"没有文件匹配 / no file matches {shown(text)}: check the pattern, e.g. reports/*.txt"
                )
        else:
            raise SourceNotFoundError(
                f"没有找到文件夹 / no folder or file {shown(text)}: give a folder of documents, a glob pattern "
                "or a list of paths"
            )
    else:
        candidates = [Path(os.path.expanduser(os.fspath(item))) for item in source]
        if not candidates:
            raise SourceNotFoundError("文件列表为空 / the list of files is empty: give at least one path")
        any_suffix = True
        try:
            base = Path(os.path.commonpath([os.path.abspath(p.parent) for p in candidates]))
        except ValueError:  # pragma: no cover - paths on different Windows drives
            base = None
    paths: list[Path] = []
    first_of: dict[str, Path] = {}
    for p in candidates:
        if not _wanted(p, any_suffix=any_suffix):
            continue
        why = why_not_a_file(p)
        if why is not None:
            problems.append((shown(p), why))
            continue
        real = os.path.realpath(p)
        if real in first_of:
            problems.append((shown(p), f"重复的文件 / {shown(p)} is the same file as {shown(first_of[real])}: "
                                       "read once"))
            continue
        first_of[real] = p
        paths.append(p)
    return Found(paths, [shown(p) for p in paths], base, problems)


def _unread(path: Path) -> str:
    return (f"无法读取{path.suffix.lower()}文件 / {shown(path)} is a {path.suffix.lower()} file, which studykit "
            "cannot read: save it as plain text (.txt) or HTML in the same folder")


def _relative_parts(path: Path, base: Path | None) -> tuple[str, ...]:
    if base is not None:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(base)).parts
        except ValueError:
            pass
    return Path(os.path.abspath(path)).parts


def document_ids(paths: Sequence[Path], base: Path | None = None) -> list[str]:
    """One id per file: its stem (``2021``, ``浙江省``); where stems repeat, the file name
    (``2021.txt``, ``2021.md``), then the path relative to ``base`` without and with its ending
    (``浙江/2021``), then the whole path. Every id is valid text (see :func:`shown`)."""
    rel = [tuple(shown(x) for x in _relative_parts(p, base)) for p in paths]
    levels: list[Callable[[tuple[str, ...]], str]] = [
        lambda r: Path(r[-1]).stem,
        lambda r: r[-1],
        lambda r: str(Path(*r).with_suffix("").as_posix()) if Path(r[-1]).suffix else "/".join(r),
        lambda r: "/".join(r),
    ]
    ids = [levels[0](r) for r in rel]
    for level in levels[1:]:
        counts: dict[str, int] = {}
        for i in ids:
            counts[i] = counts.get(i, 0) + 1
        clashing = [k for k, i in enumerate(ids) if counts[i] > 1]
        if not clashing:
            break
        for k in clashing:
            ids[k] = level(rel[k])
    seen: dict[str, int] = {}
    for k, i in enumerate(ids):  # still the same (two names shown alike): the full path, numbered
        if ids.count(i) > 1:
            seen[i] = seen.get(i, 0) + 1
            ids[k] = f"{shown(os.path.abspath(paths[k]))}#{seen[i]}"
    return ids


# --- metadata ------------------------------------------------------------------------------------


def read_metadata(metadata: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """A metadata table from a CSV file (UTF-8, UTF-8 with BOM or GBK; every cell read as text
    and typed per column afterwards) or a DataFrame."""
    if isinstance(metadata, pd.DataFrame):
        return metadata.copy()
    path = Path(os.fspath(metadata)).expanduser()
    if not path.is_file():
        raise SourceNotFoundError(
            f"没有找到元数据文件 / no metadata file {shown(path)}: give a CSV with a file column, or a DataFrame"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, encoding=encoding, dtype=object, keep_default_na=True)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise SourceError(f"元数据无法读取 / cannot read metadata {shown(path)}: {str(exc).splitlines()[0]}") from None
    raise SourceError(f"元数据编码无法识别 / cannot decode metadata {shown(path)}: save it as UTF-8")


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


_INT = re.compile(r"[+-]?[0-9]+(?:\.0*)?")


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        return int(v) if math.isfinite(v) and v.is_integer() else None
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(float(value.strip())) if "." in value else int(value.strip())
    return None


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool | np.bool_):
        return None
    try:
        v = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def typed_column(name: str, values: Sequence[Any], files: Sequence[str]) -> pd.Series[Any]:
    """One metadata column with one type: whole numbers (``int64``, or ``Int64`` with gaps),
    other numbers (``float64``), true/false (``boolean``) or else text, blank cells missing.
    ``year`` must hold whole numbers (``2021`` or ``2021年``): anything else raises a one-line
    :class:`~studykit.errors.QueryError` naming the value and its file."""
    cleaned = [None if _missing(v) else v for v in values]
    if name == "year":  # 2021年 is the year 2021
        cleaned = [v.strip().removesuffix("年") if isinstance(v, str) else v for v in cleaned]
    present = [v for v in cleaned if v is not None]
    if not present:  # an empty column: whole numbers for year, else text
        return pd.Series([None] * len(cleaned), dtype="Int64" if name == "year" else object)
    ints = [_as_int(v) for v in present]
    if all(i is not None for i in ints):
        out = pd.Series([_as_int(v) if v is not None else None for v in cleaned], dtype="Int64")
        return out.astype("int64") if len(present) == len(cleaned) else out
    if name == "year":
        bad = next(k for k, v in enumerate(cleaned) if v is not None and _as_int(v) is None)
        raise QueryError(
            f"年份不是整数 / metadata column year has {values[bad]!r} for {files[bad]}, not a year: "
            "write whole years such as 2021 (or name the column otherwise to keep it as text)"
        )
    if all(isinstance(v, bool | np.bool_) for v in present):
        return pd.Series(cleaned, dtype="boolean")
    if all(_as_float(v) is not None for v in present):
        return pd.Series([_as_float(v) if v is not None else np.nan for v in cleaned], dtype="float64")
    return pd.Series([str(v).strip() if v is not None else None for v in cleaned], dtype=object)


def _key_column(meta: pd.DataFrame, names: Sequence[str]) -> str:
    for col in KEY_COLUMNS:
        if col in meta.columns:
            return col
    known = {Path(n).name for n in names} | {Path(n).stem for n in names}
    for col in meta.columns:  # a column whose values are the file names
        values = {Path(str(v).replace("\\", "/")).name for v in meta[col].dropna()}
        if values & known:
            return str(col)
    raise QueryError(
        "元数据缺少文件名列 / the metadata has no file column: add a column 'file' with each "
        f"document's file name (such as {Path(names[0]).name if names else '2021.txt'})"
    )


def _key_parts(value: Any) -> tuple[str, ...]:
    text = str(value).strip().replace("\\", "/")
    return tuple(p for p in text.split("/") if p and p != ".")


def _reserved(name: str, what: str) -> str:
    return (f"保留的列名「{name}」 / {what} {name!r} is a reserved column of corpus.docs "
            f"({' '.join(RESERVED)}): name it otherwise")


def compile_name_pattern(name_pattern: str) -> re.Pattern[str]:
    """``name_pattern`` compiled; one that is invalid, has no named group or names a reserved
    column raises :class:`~studykit.errors.QueryError`."""
    if not isinstance(name_pattern, str):
        raise QueryError(f"name_pattern 应为正则表达式 / name_pattern must be a regular expression (str), not {type(name_pattern).__name__}")
    try:
        rx = re.compile(name_pattern)
    except re.error as exc:
        raise QueryError(f"无效的文件名模式 / invalid name_pattern {name_pattern!r}: {exc}") from None
    if not rx.groupindex:
        raise QueryError(
            f"文件名模式没有命名组 / name_pattern {name_pattern!r} names no group: use (?P<year>\\d{{4}})"
        )
    taken = [g for g in rx.groupindex if g in RESERVED]
    if taken:
        raise QueryError(_reserved(taken[0], "the name_pattern group"))
    return rx


def join_metadata(
    ids: Sequence[str],
    paths: Sequence[Path],
    metadata: str | os.PathLike[str] | pd.DataFrame | None,
    name_pattern: str | None,
    *,
    base: Path | None = None,
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """User metadata for each document (one row per id, in order) and the problems found.

    A metadata row belongs to the file its key names: a file name (``2021.txt``), a stem
    (``2021``), a relative path (``江苏/2021.txt``, matched against the end of each file's path)
    or a document id. The most specific key wins, so ``江苏/2021.txt`` and ``浙江/2021.txt`` each
    get their own row. Problems: rows that match no file, a row whose key matches several files
    (it is applied to none: write the relative path), several rows for one file (the first is
    used), files with no row, metadata columns with a reserved name (left out), files whose name
    ``name_pattern`` does not match. Metadata from the table wins over the file-name pattern for
    the same column. A ``name_pattern`` group with a reserved name raises ``QueryError``.
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(ids)))
    problems: list[tuple[str, str]] = []
    full = [tuple(shown(x) for x in _relative_parts(p, None)) for p in paths]
    names = [shown(p) for p in paths]
    if name_pattern is not None:
        rx = compile_name_pattern(name_pattern)
        rows = []
        for p, name in zip(full, names, strict=True):
            m = rx.search(Path(p[-1]).stem)
            if m is None:
                problems.append((name, f"文件名不符合模式 / the file name {p[-1]} does not match name_pattern "
                                       f"{name_pattern!r}: it gives this file no fields"))
            rows.append(m.groupdict() if m else {})
        for col in rx.groupindex:
            out[col] = typed_column(col, [r.get(col) for r in rows], names)
    if metadata is None:
        return out, problems
    meta = read_metadata(metadata).reset_index(drop=True)
    meta.columns = [str(c).strip() for c in meta.columns]
    key = _key_column(meta, names)
    by_last: dict[str, list[int]] = {}
    for k, parts in enumerate(full):
        by_last.setdefault(parts[-1], []).append(k)
        by_last.setdefault(Path(parts[-1]).stem, []).append(k)
    id_of = {d: k for k, d in enumerate(ids)}
    best: dict[int, tuple[int, int]] = {}  # file -> (specificity, row)
    ties: dict[int, list[int]] = {}
    row_files: dict[int, list[int]] = {}
    keys = meta[key].tolist()
    for row, value in enumerate(keys):
        if _missing(value):
            continue
        parts = _key_parts(value)
        if not parts:
            continue
        hits = set()
        for k in by_last.get(parts[-1], []):
            mine = full[k]
            if len(parts) <= len(mine) and tuple(mine[len(mine) - len(parts) : -1]) == parts[:-1] \
                    and parts[-1] in (mine[-1], Path(mine[-1]).stem):
                hits.add(k)
        if str(value).strip() in id_of:
            hits.add(id_of[str(value).strip()])
        row_files[row] = sorted(hits)
        for k in hits:
            spec = len(parts)
            if k not in best or spec > best[k][0]:
                best[k] = (spec, row)
                ties[k] = [row]
            elif spec == best[k][0]:
                ties[k].append(row)
    chosen: dict[int, int] = {}
    for k, (_spec, row) in best.items():
        others = [f for f in row_files[row] if best.get(f, (0, -1))[1] == row]
        if len(others) > 1:
            continue  # reported below, once for the row
        chosen[k] = row
        if len(ties[k]) > 1:
            problems.append((names[k], f"元数据有多行 / the metadata has {len(ties[k])} rows for {ids[k]} "
                                       f"(rows {', '.join(str(r + 2) for r in ties[k])} of the table): the first is used"))
    for row, matched in row_files.items():
        owners = [f for f in matched if best.get(f, (0, -1))[1] == row]
        if len(owners) > 1:
            problems.append((str(keys[row]), f"元数据行对应多个文件 / metadata row {keys[row]} matches {len(owners)} files "
                                             f"({', '.join(ids[f] for f in owners[:4])}): write the relative path, "
                                             "such as 江苏/2021.txt; it was applied to none"))
        elif not matched:
            problems.append((str(keys[row]), f"元数据行没有对应文件 / metadata row {keys[row]} matches no file"))
    for k in range(len(ids)):
        if k not in chosen:
            problems.append((names[k], f"元数据中没有这个文件 / no metadata row for {ids[k]}"))
    columns = []
    for c in meta.columns:
        if c == key:
            continue
        if c in RESERVED:
            problems.append(("", _reserved(c, "the metadata column") + "; it was left out"))
            continue
        columns.append(c)
    for col in columns:
        values = meta[col].tolist()
        picked = [values[chosen[k]] if k in chosen else None for k in range(len(ids))]
        out[col] = typed_column(col, picked, names)
    return out, problems
