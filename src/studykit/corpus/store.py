"""The corpus cache: one Parquet token table, one Parquet unit table and one JSON record per file.

An entry is keyed by the file's content hash together with everything else that decides what
building it gives: studykit's version (and the code that reads, parses and segments, so a
development install never reads stale entries), the segmenter's fingerprint (backend, dictionary
and user words, stopwords, filler), the encoding override and the error mode. Renaming or moving
a file keeps its entry; changing one character builds it again. Entries are written to a temporary
name and renamed into place, the JSON record last, so a half-written entry is never read.

Layout: ``<root>/v1/<first two hex digits>/<key>.tokens.parquet``, ``<key>.units.parquet`` and
``<key>.json``. Loading a corpus marks each entry it reads as used (the record's modification
time); :meth:`Store.prune` removes entries unused for a given time, entries of an older layout,
and what an interrupted build left behind. Nothing else ever deletes an entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

STORE_FORMAT = 1
"""Bumped whenever the layout or the columns of an entry change."""

_ENTRY_FILE = re.compile(r"[0-9a-f]{40}\.(?:tokens\.parquet|units\.parquet|json)")
_TEMP_FILE = re.compile(r"\.(?:[0-9a-f]{40}\..+|probe\..+)")  # _replace_atomically / check_writable
_VERSION_DIR = re.compile(r"v[0-9]+")
_GRACE = 3600.0
"""Seconds a half-written entry or temporary file is left alone (a build may still be writing it)."""

_SHAPING = ("document", "text", "zh.py", "analysis/patterns.py", "corpus/build.py", "corpus/store.py")


def content_hash(data: bytes) -> str:
    """BLAKE2b (160 bits) of the file's bytes, as hex."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def code_fingerprint() -> str:
    """A hash of studykit's version and of the source files that shape an entry (reading, parsing,
    segmentation, the token table, the formulations stored per document, the build step). Computed
    afresh each time (a few ms)."""
    from studykit import __version__

    base = Path(__file__).resolve().parents[1]
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}|{STORE_FORMAT}".encode())
    for part in _SHAPING:
        target = base / part
        files = sorted(target.rglob("*")) if target.is_dir() else [target]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(f.relative_to(base).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def settings_key(segmenter_fingerprint: str, encoding: str | None, errors: str) -> str:
    """Everything besides the file's content that an entry depends on."""
    raw = "|".join([code_fingerprint(), segmenter_fingerprint, encoding or "", errors])
    return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def entry_key(content: str, settings: str) -> str:
    return hashlib.blake2b(f"{content}|{settings}".encode(), digest_size=20).hexdigest()


def default_store_dir() -> Path:
    """``<studykit cache folder>/corpus`` (see :func:`studykit.text.segment.default_cache_dir`)."""
    from studykit.text.segment import default_cache_dir

    return default_cache_dir() / "corpus"


@dataclass(frozen=True, slots=True)
class Store:
    """A cache folder of corpus entries."""

    root: Path

    def _base(self, key: str) -> Path:
        return self.root / f"v{STORE_FORMAT}" / key[:2] / key

    def tokens_path(self, key: str) -> Path:
        return self._base(key).with_suffix(".tokens.parquet")

    def units_path(self, key: str) -> Path:
        return self._base(key).with_suffix(".units.parquet")

    def record_path(self, key: str) -> Path:
        return self._base(key).with_suffix(".json")

    def has(self, key: str) -> bool:
        """Whether a complete entry exists (the record is written last)."""
        return self.record_path(key).is_file() and self.tokens_path(key).is_file() and self.units_path(key).is_file()

    def check_writable(self) -> None:
        """Raise ``OSError`` unless entries can be written here (a read-only cache still serves
        what it holds, so this is asked only when something must be built)."""
        folder = self.root / f"v{STORE_FORMAT}"
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".probe.", dir=folder)
        os.close(fd)
        os.unlink(tmp)

    def intact_record(self, key: str) -> dict[str, Any] | None:
        """The entry's record when the entry is complete and undamaged: the record a JSON object,
        both Parquet files ending in their footer magic. ``None`` tells the caller to build the
        entry again (a truncated file, a disk that filled up, an edit by hand)."""
        if not self.has(key):
            return None
        for path in (self.tokens_path(key), self.units_path(key)):
            try:
                with open(path, "rb") as fh:
                    if fh.seek(0, os.SEEK_END) < 12:
                        return None
                    fh.seek(-4, os.SEEK_END)
                    if fh.read(4) != b"PAR1":
                        return None
            except OSError:
                return None
        try:
            record = self.read_record(key)
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) and isinstance(record.get("content"), str) else None

    def touch(self, key: str) -> None:
        """Mark an entry as used now (its record's modification time), so :meth:`prune` keeps
        it. A read-only cache is served as it is."""
        with contextlib.suppress(OSError):
            os.utime(self.record_path(key))

    def prune(self, older_than: float, *, dry_run: bool = False) -> Pruned:
        """Remove the entries not used for ``older_than`` seconds, every entry of an older layout
        (``v0/``…; a newer layout is left alone), and half-written entries or temporary files older than an hour (an interrupted
        build). Only files named as this store names them are touched; anything else in the
        folder, and symbolic links, are left alone. ``dry_run`` counts without removing."""
        now = time.time()
        cutoff = now - older_than
        entries = files = size = kept = 0
        if not self.root.is_dir():
            return Pruned(self.root, 0, 0, 0, 0, dry_run)
        for version in _scan(self.root):
            if not (version.is_dir(follow_symlinks=False) and _VERSION_DIR.fullmatch(version.name)):
                continue
            if int(version.name[1:]) > STORE_FORMAT:
                continue  # a newer studykit's layout: its own prune decides
            current = version.name == f"v{STORE_FORMAT}"
            groups: dict[str, list[os.DirEntry[str]]] = {}
            for shard in _scan(Path(version.path)):
                if shard.is_dir(follow_symlinks=False):
                    for f in _scan(Path(shard.path)):
                        groups.setdefault(f.name[:40] if _ENTRY_FILE.fullmatch(f.name) else "", []).append(f)
                else:
                    groups.setdefault("", []).append(shard)
            for key, found in groups.items():
                if not key:  # temporary files of an interrupted write
                    doomed = [f for f in found if f.is_file(follow_symlinks=False) and _TEMP_FILE.fullmatch(f.name)
                              and _mtime(f) < now - _GRACE]
                else:
                    record = next((f for f in found if f.name.endswith(".json") and f.is_file(follow_symlinks=False)), None)
                    if not current:
                        stale = True
                    elif record is not None:
                        stale = _mtime(record) < cutoff
                    else:  # no record: an entry still being written, or one a build gave up on
                        stale = max(_mtime(f) for f in found) < now - _GRACE
                    doomed = [f for f in found if f.is_file(follow_symlinks=False)] if stale else []
                    entries += bool(doomed)
                    kept += not doomed and record is not None
                for f in doomed:
                    files += 1
                    size += _size(f)
                    if not dry_run:
                        Path(f.path).unlink(missing_ok=True)
            if not dry_run:
                for shard in _scan(Path(version.path)):
                    if shard.is_dir(follow_symlinks=False):
                        _remove_if_empty(Path(shard.path))
                if not current:
                    _remove_if_empty(Path(version.path))
        return Pruned(self.root, entries, files, size, kept, dry_run)

    def read_record(self, key: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.record_path(key).read_text(encoding="utf-8"))
        return data

    def write(self, key: str, tokens: pd.DataFrame, units: pd.DataFrame, record: dict[str, Any]) -> None:
        """Write an entry atomically: both Parquet files, then the record."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        folder = self._base(key).parent
        folder.mkdir(parents=True, exist_ok=True)
        for frame, target in ((tokens, self.tokens_path(key)), (units, self.units_path(key))):
            plain = frame.copy(deep=False)
            plain.attrs = {}
            table = _no_null_types(pa.Table.from_pandas(plain, preserve_index=False))
            _replace_atomically(target, lambda tmp, t=table: pq.write_table(t, tmp, compression="zstd"))
        text = json.dumps(record, ensure_ascii=False)
        _replace_atomically(self.record_path(key), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Pruned:
    """What :meth:`Store.prune` removed (or, with ``dry_run``, would remove)."""

    folder: Path
    entries: int
    files: int
    bytes: int
    kept: int
    dry_run: bool

    def __str__(self) -> str:
        size = f"{self.bytes / 1e6:,.1f} MB" if self.bytes >= 100_000 else f"{self.bytes / 1e3:,.0f} kB"
        if self.dry_run:
            return (f"可清理 {self.entries} 个缓存条目（{size}），保留 {self.kept} 个 / would remove "
                    f"{self.entries} entries ({size}) from {self.folder}, keeping {self.kept}")
        return (f"已清理 {self.entries} 个缓存条目（{size}），保留 {self.kept} 个 / removed "
                f"{self.entries} entries ({size}) from {self.folder}, kept {self.kept}")


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except OSError:
        return []


def _mtime(entry: os.DirEntry[str]) -> float:
    try:
        return entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return 0.0


def _size(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat(follow_symlinks=False).st_size
    except OSError:
        return 0


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _no_null_types(table: Any) -> Any:
    """Columns that pyarrow typed ``null`` (an empty document, a column of missing values) become
    strings, so every entry has the same schema and DuckDB reads them together."""
    import pyarrow as pa

    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_null(t):
            t = pa.large_string()
        elif pa.types.is_dictionary(t) and pa.types.is_null(t.value_type):
            t = pa.dictionary(pa.int32(), pa.large_string())
        fields.append(pa.field(f.name, t))
    schema = pa.schema(fields, metadata=table.schema.metadata)
    return table if schema.equals(table.schema) else table.cast(schema)


def _replace_atomically(target: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
