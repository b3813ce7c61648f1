"""Out-of-core queries: DuckDB over the corpus's Parquet files, never loading them whole.

A :class:`Database` is an in-memory DuckDB connection with three views over one corpus (or a
selection of it):

``tokens``
    every token row of every selected document: ``doc`` plus the columns of
    :func:`studykit.text.tokens.tokenize`;
``units``
    the searchable stretches (title lines, headings, paragraphs): ``doc``, ``kind``,
    ``section``, ``top``, ``section_title``, ``paragraph``, ``start``, ``end``, ``text``, ``s``
    (the simplified shadow of ``text``, what character-level counts search);
``docs``
    one row per selected document: ``doc`` and its metadata.

DuckDB reads only the columns and row groups a query needs and spills to disk when a query does
not fit in memory, so these queries work on corpora larger than memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from studykit.errors import QueryError

PART_KINDS = {"title": "title", "heading": "heading", "body": "paragraph", "lead": "paragraph"}
KINDS = ("han", "latin", "number", "punct")


def literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def literal_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


class Database:
    """DuckDB views over a corpus's Parquet files; see the module docstring.

    ``files`` has one row per document: ``doc``, ``tokens_path``, ``units_path``; ``docs`` is the
    document table (``doc`` plus metadata); ``sections`` (optional) the ``(doc, top)`` pairs to
    keep; ``parts`` (optional) the token parts to keep (``title``, ``heading``, ``lead``,
    ``body``). The connection opens on first use.
    """

    def __init__(
        self,
        files: pd.DataFrame,
        docs: pd.DataFrame,
        *,
        sections: pd.DataFrame | None = None,
        parts: Sequence[str] | None = None,
        threads: int | None = None,
    ) -> None:
        self.files = files.reset_index(drop=True)
        self.docs = docs.reset_index(drop=True)
        self.sections = sections
        self.parts = tuple(parts) if parts is not None else None
        self.threads = threads
        self._con: Any = None

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @property
    def con(self) -> Any:
        if self._con is None:
            self._con = self._connect()
        return self._con

    def _connect(self) -> Any:
        import duckdb

        con = duckdb.connect(":memory:")
        con.execute("SET enable_progress_bar = false")  # it would print into notebooks and CLI output
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        con.register("_files", self.files[["doc", "tokens_path", "units_path"]])
        con.register("docs", _plain_frame(self.docs))
        where_t, where_u = ["TRUE"], ["TRUE"]
        join_t = join_u = ""
        if self.sections is not None:
            con.register("_allowed", self.sections[["doc", "top"]].astype(str))
            join_t = "JOIN _allowed a ON a.doc = f.doc AND a.top = t.top"
            join_u = "JOIN _allowed a ON a.doc = f.doc AND a.top = u.top"
        if self.parts is not None:
            where_t.append(f"t.part IN ({', '.join(literal(p) for p in self.parts)})")
            kinds = sorted({PART_KINDS[p] for p in self.parts})
            where_u.append(f"u.kind IN ({', '.join(literal(k) for k in kinds)})")
        token_files = sorted(set(self.files["tokens_path"]))
        unit_files = sorted(set(self.files["units_path"]))
        if not token_files:  # an empty corpus still answers with the right columns
            con.execute(
                "CREATE VIEW tokens AS SELECT ''::VARCHAR AS doc, ''::VARCHAR AS token, ''::VARCHAR AS pos, "
                "0::BIGINT AS start, 0::BIGINT AS \"end\", ''::VARCHAR AS part, 0::BIGINT AS sentence, "
                "0::BIGINT AS paragraph, ''::VARCHAR AS section, ''::VARCHAR AS top, ''::VARCHAR AS section_title, "
                "FALSE AS is_stopword, FALSE AS is_filler, ''::VARCHAR AS kind WHERE FALSE"
            )
            con.execute(
                "CREATE VIEW units AS SELECT ''::VARCHAR AS doc, ''::VARCHAR AS kind, ''::VARCHAR AS section, "
                "''::VARCHAR AS top, ''::VARCHAR AS section_title, 0::BIGINT AS paragraph, 0::BIGINT AS start, "
                "0::BIGINT AS \"end\", ''::VARCHAR AS text, ''::VARCHAR AS s WHERE FALSE"
            )
            return con
        con.execute(
            "CREATE VIEW tokens AS SELECT f.doc, t.* EXCLUDE (filename) "
            f"FROM read_parquet({literal_list(token_files)}, filename = true) t "
            f"JOIN _files f ON t.filename = f.tokens_path {join_t} WHERE {' AND '.join(where_t)}"
        )
        con.execute(
            "CREATE VIEW units AS SELECT f.doc, u.* EXCLUDE (filename, shadow), "
            "coalesce(u.shadow, u.text) AS s "
            f"FROM read_parquet({literal_list(unit_files)}, filename = true) u "
            f"JOIN _files f ON u.filename = f.units_path {join_u} WHERE {' AND '.join(where_u)}"
        )
        return con

    def df(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run ``sql`` and return the result as a DataFrame."""
        import duckdb

        try:
            rel = self.con.execute(sql, list(params) if params is not None else None)
            out: pd.DataFrame = rel.df()
        except duckdb.Error as exc:
            raise QueryError(f"查询失败 / query failed: {str(exc).splitlines()[0]}") from None
        return out

    def batches(self, sql: str, params: Sequence[Any] | None = None, rows: int = 65_536) -> Iterator[list[tuple[Any, ...]]]:
        """Run ``sql`` and yield its rows in lists of up to ``rows``, so a large result never
        sits in memory whole."""
        import duckdb

        try:
            result = self.con.execute(sql, list(params) if params is not None else None)
            while True:
                chunk: list[tuple[Any, ...]] = result.fetchmany(rows)
                if not chunk:
                    return
                yield chunk
        except duckdb.Error as exc:
            raise QueryError(f"查询失败 / query failed: {str(exc).splitlines()[0]}") from None

    @contextmanager
    def registered(self, name: str, frame: pd.DataFrame) -> Iterator[None]:
        """``frame`` visible to queries as ``name`` for the block."""
        self.con.register(name, frame)
        try:
            yield
        finally:
            self.con.unregister(name)


def _plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals and nullable columns as plain values DuckDB reads without surprises."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object)
    return out


def term_filter(
    *,
    kinds: Sequence[str],
    stopwords: bool,
    filler: bool,
    pos: Sequence[str] | str | None,
    min_len: int,
) -> tuple[str, str]:
    """SQL conditions on the ``tokens`` view: (counted tokens, kept tokens).

    Counted: the token's kind is in ``kinds``. Kept: counted, and passing the stopword, filler,
    POS-prefix and length filters (the conventions of :mod:`studykit.analysis`).
    """
    from studykit.analysis._table import JIEBA_TAGS

    if isinstance(kinds, str):
        kinds = [kinds]
    if not len(kinds):
        raise QueryError(f"kinds 为空 / kinds is empty: nothing would be counted; choose from {' '.join(KINDS)}")
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise QueryError(f"未知的字符类别 / unknown token kind {bad[0]!r}: choose from {' '.join(KINDS)}")
    counted = f"kind IN ({', '.join(literal(k) for k in kinds)})" if kinds else "FALSE"
    kept = [counted]
    if stopwords:
        kept.append("NOT is_stopword")
    if filler:
        kept.append("NOT is_filler")
    prefixes = (pos,) if isinstance(pos, str) else tuple(pos or ())
    if prefixes:
        unknown = [p for p in prefixes if not any(tag.startswith(p) for tag in JIEBA_TAGS)]
        if unknown:
            raise QueryError(
                f"未知词性「{unknown[0]}」 / unknown POS tag {unknown[0]!r}: use jieba tag prefixes such as "
                "n (名词), v (动词), vn, j, a, d"
            )
        kept.append("(" + " OR ".join(f"starts_with(pos, {literal(p)})" for p in prefixes) + ")")
    if min_len > 1:
        kept.append(f"length(token) >= {int(min_len)}")
    return counted, " AND ".join(kept)
