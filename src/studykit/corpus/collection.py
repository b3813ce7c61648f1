"""The :class:`Corpus` object and :func:`load_corpus`."""

from __future__ import annotations

import html
import math
import multiprocessing
import os
import re
import tempfile
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from studykit.analysis._options import Count, _Flag, checked
from studykit.analysis._table import DEFAULT_KINDS, Measure
from studykit.analysis.concordance import REGEX_TIMEOUT, Sort
from studykit.analysis.keyness import Correction, Prior, Test
from studykit.document.model import Document
from studykit.document.read import read_regular
from studykit.errors import QueryError, SourceError, SourceNotFoundError
from studykit.text.segment import Backend, JiebaSegmenter
from studykit.text.tokens import COLUMNS as TOKEN_COLUMNS
from studykit.text.tokens import PARTS

from . import build
from .choose import evaluate, looks_like_filter, matching, parse
from .files import (
    CorpusSource,
    clean_text,
    compile_name_pattern,
    document_ids,
    find_files,
    join_metadata,
    read_metadata,
    shown,
)
from .query import Database
from .store import Pruned, Store, content_hash, default_store_dir, entry_key, settings_key

if TYPE_CHECKING:
    from .analyses import CorpusKwicResult

DocSpec = str | int | Sequence[str | int] | Mapping[str, Any]
"""Which documents: a document id (``2021``), a filter on the document table
(``"province=浙江省"``, ``"year=2020|2021"``, ``"year >= 2020 and mayor != 林远"``: the small
language of :mod:`studykit.corpus.choose`, never evaluated as code), a list of document ids, or a
mapping ``{column: value or list of values}`` (values compared as values, whatever they hold)."""

_PARSED_CHARS = 30_000_000
"""Parsed documents kept in memory by :meth:`Corpus.document`, in characters (the oldest go first)."""

_NOT_GROUPS = ("path", "key", "tokens", "chars")
"""Columns of ``corpus.docs`` that are not groups: where each file is, and its size."""


class Corpus:
    """Many documents, each parsed and tokenized, cached as Parquet and queried with DuckDB.

    Made by :func:`load_corpus`. ``corpus.docs`` is the document table (one row per document:
    ``doc`` (the file's stem), ``title``, ``date``, ``year``, ``source``, ``author``, the user's
    metadata columns, ``tokens``, ``chars``, ``path``, ``key``); ``corpus.problems`` lists every
    file that could not be used and why (``doc``, ``path``, ``problem``). ``corpus.fields`` are the
    columns to group by (``year``, ``province`` …).

    The cross-document analyses take a corpus: ``sk.term_frequencies(corpus, by="year")``,
    ``sk.keyness(corpus, target="province=浙江省")``, ``sk.kwic(corpus, "新质生产力")``,
    ``sk.trend``, ``sk.first_appearance``, ``sk.document_similarity``. :meth:`select` narrows a
    corpus to some documents, sections or parts, and every analysis follows.

    >>> corpus = load_corpus("reports/", metadata="reports/metadata.csv")   # doctest: +SKIP
    >>> corpus.select(where="year >= 2020").docs[["doc", "year"]]           # doctest: +SKIP
    """

    _studykit_corpus = True
    """Marks a corpus for the single-document analyses, which hand a corpus over to its methods."""

    def __init__(
        self,
        docs: pd.DataFrame,
        problems: pd.DataFrame,
        store: Store,
        records: Mapping[str, dict[str, Any]],
        *,
        name: str = "corpus",
        encoding: str | None = None,
        errors: str = "strict",
        fields: Sequence[str] = (),
        sections: pd.DataFrame | None = None,
        parts: Sequence[str] | None = None,
        timings: Mapping[str, float] | None = None,
        keep: Any = None,
        sources: Mapping[str, Path] | None = None,
    ) -> None:
        self.docs = docs.reset_index(drop=True)
        self.problems = problems.reset_index(drop=True)
        self.store = store
        self.name = name
        self.fields: tuple[str, ...] = tuple(fields)
        self.timings: dict[str, float] = dict(timings or {})
        self._records = records
        self._encoding = encoding
        self._errors = errors
        self._sections = sections
        self._parts = tuple(parts) if parts is not None else None
        self._keep = keep  # a temporary cache folder that must live as long as the corpus
        self._sources = dict(sources or {})  # doc -> the real path (the path column shows it as text)
        self._db: Database | None = None
        self._parsed: OrderedDict[str, Document] = OrderedDict()

    # --- basics --------------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        """Document ids in corpus order."""
        return [str(d) for d in self.docs["doc"]]

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __contains__(self, doc: object) -> bool:
        return doc in set(self.ids)

    @property
    def n_tokens(self) -> int:
        """Token rows of the documents (before any section or part selection)."""
        return int(self.docs["tokens"].sum()) if len(self.docs) else 0

    def __repr__(self) -> str:
        where = f", {len(self.problems)} problems" if len(self.problems) else ""
        sel = " (selection)" if self._sections is not None or self._parts is not None else ""
        return (
            f"Corpus({self.name!r}{sel}, {len(self)} documents, {self.n_tokens:,} tokens{where}; "
            f"fields: {', '.join(self.fields) or '-'})"
        )

    def _repr_html_(self) -> str:
        shown = [c for c in ("doc", "title", "date", *self.fields, "tokens") if c in self.docs.columns]
        shown = list(dict.fromkeys(shown))
        table = self.docs[shown].head(50).to_html(index=False, border=0, escape=True)
        head = (f"<b>语料库 {html.escape(self.name)}</b>：{len(self)} 篇文档，{self.n_tokens:,} 个词；"
                f"可分组字段 / fields: {html.escape(', '.join(self.fields) or '—')}")
        more = f"<div>… 还有 {len(self) - 50} 篇</div>" if len(self) > 50 else ""
        probs = ""
        if len(self.problems):
            items = "".join(
                f"<li>{html.escape(str(r.path))}: {html.escape(str(r.problem))}</li>"
                for r in self.problems.head(20).itertuples()
            )
            probs = f"<details><summary>{len(self.problems)} 个问题 / problems</summary><ul>{items}</ul></details>"
        return f"<div class='studykit-corpus'>{head}{table}{more}{probs}</div>"

    def close(self) -> None:
        """Close the DuckDB connection (it opens again on the next query)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    # --- the database --------------------------------------------------------------------------
    @property
    def db(self) -> Database:
        """The DuckDB views over this corpus (see :mod:`studykit.corpus.query`)."""
        if self._db is None:
            files = pd.DataFrame({
                "doc": self.docs["doc"].astype(str),
                "tokens_path": [str(self.store.tokens_path(k)) for k in self.docs["key"]],
                "units_path": [str(self.store.units_path(k)) for k in self.docs["key"]],
            })
            meta = self.docs.drop(columns=["path", "key"])
            self._db = Database(files, meta, sections=self._sections, parts=self._parts)
        return self._db

    def sql(self, query: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run a DuckDB query over the views ``tokens``, ``units`` and ``docs``.

        >>> corpus.sql("SELECT doc, count(*) AS n FROM tokens GROUP BY doc")   # doctest: +SKIP
        """
        return self.db.df(query, params)

    # --- documents -----------------------------------------------------------------------------
    def record(self, doc: str) -> dict[str, Any]:
        """What was stored for a document when it was built: title, meta, sections, counts."""
        return self._records[self._row(doc)["key"]]

    def _row(self, doc: str) -> dict[str, Any]:
        hits = self.docs.index[self.docs["doc"].astype(str) == str(doc)]
        if not len(hits):
            raise QueryError(_unknown_doc(str(doc), self.ids))
        row: dict[str, Any] = self.docs.loc[hits[0]].to_dict()
        return row

    def document(self, doc: str) -> Document:
        """The parsed :class:`~studykit.document.model.Document` of one document, read again from
        its file (KWIC and version comparison need the text). The file must be unchanged since the
        corpus was built; a few recently parsed documents are kept in memory."""
        row = self._row(doc)
        cached = self._parsed.get(str(doc))
        if cached is not None:
            self._parsed.move_to_end(str(doc))
            return cached
        from studykit.document.parse import parse_document
        from studykit.document.read import read_source

        path = self._sources.get(str(doc), Path(str(row["path"])))
        try:
            data = read_regular(path)
        except OSError:
            raise SourceNotFoundError(
                f"文档文件不见了 / the file of document {doc} is gone ({shown(path)}): counts still work "
                "from the cache; restore the file to read its text"
            ) from None
        if content_hash(data) != self._records[row["key"]]["content"]:
            raise SourceError(
                f"文档已修改 / {shown(path)} changed since the corpus was built: call load_corpus again"
            )
        mode: Literal["strict", "replace"] = "replace" if self._errors == "replace" else "strict"
        parsed = parse_document(read_source(path, encoding=self._encoding, errors=mode, max_bytes=max(len(data), 1)))
        self._parsed[str(doc)] = parsed
        while len(self._parsed) > 1 and sum(len(d.text) for d in self._parsed.values()) > _PARSED_CHARS:
            self._parsed.popitem(last=False)
        return parsed

    def documents(self) -> Iterator[tuple[str, Document]]:
        """``(doc, Document)`` for every document, parsed one at a time."""
        for doc in self.ids:
            yield doc, self.document(doc)

    # --- tables --------------------------------------------------------------------------------
    def tokens(self, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The token table of every document: ``doc``, the columns of
        :func:`studykit.text.tokens.tokenize`, then the document fields (``year``, metadata).

        String columns are categoricals, so the table holds about 48 bytes a token, and the process
        grows by about 76 (measured on 1.9 M tokens).
        ``columns`` keeps only those token columns (``doc`` and the fields always come).
        The index runs 0..n-1 over the whole corpus.
        """
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        if isinstance(columns, str):
            columns = [columns]  # one column named alone: "token", not the letters t, o, k…
        wanted = list(TOKEN_COLUMNS) if columns is None else [c for c in TOKEN_COLUMNS if c in columns]
        unknown = [c for c in (columns or ()) if c not in TOKEN_COLUMNS]
        if unknown:
            raise QueryError(f"未知的列 / unknown token column {unknown[0]!r}: choose from {' '.join(TOKEN_COLUMNS)}")
        needed = list(dict.fromkeys([*wanted, *(["top"] if self._sections is not None else []),
                                     *(["part"] if self._parts is not None else [])]))
        allowed = _allowed_tops(self._sections)
        tables = []
        for doc, key in zip(self.docs["doc"].astype(str), self.docs["key"], strict=True):
            t = pq.read_table(self.store.tokens_path(str(key)), columns=needed)
            mask = None
            if self._parts is not None:
                mask = pc.is_in(t["part"].combine_chunks().dictionary_decode()
                                if pa.types.is_dictionary(t["part"].type) else t["part"],
                                value_set=pa.array(list(self._parts)))
            if allowed is not None:
                tops = t["top"].combine_chunks()
                tops = tops.dictionary_decode() if pa.types.is_dictionary(tops.type) else tops
                m2 = pc.is_in(tops, value_set=pa.array(sorted(allowed.get(doc, set())), type=pa.string()))
                mask = m2 if mask is None else pc.and_(mask, m2)
            if mask is not None:
                t = t.filter(mask)
            tables.append(_wide_dictionaries(t.select(wanted)))
        if not tables:
            empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in ["doc", *wanted, *self.fields]})
            return empty
        sizes = [t.num_rows for t in tables]
        table = pa.concat_tables(tables, promote_options="permissive").unify_dictionaries()
        frame: pd.DataFrame = table.to_pandas(split_blocks=True, self_destruct=True)
        del table, tables
        # Arrow's allocator keeps the freed per-document tables for reuse; hand them back to the
        # system, or the process stays about 150 bytes a token larger than the table it holds.
        pa.default_memory_pool().release_unused()
        codes = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        doc_cat = pd.Categorical.from_codes(codes, categories=pd.Index(self.ids, dtype=object))
        frame.insert(0, "doc", pd.Series(doc_cat, index=frame.index))
        for field in self.fields:
            values = self.docs[field].to_numpy(dtype=object)
            cats, inverse = _factor(values)
            frame[field] = pd.Categorical.from_codes(inverse[codes], categories=cats)
        frame.attrs["document"] = self.name
        frame.attrs["corpus"] = self.name
        return frame

    def units(self) -> pd.DataFrame:
        """The searchable stretches (title lines, headings, paragraphs) of every document:
        ``doc``, ``kind``, ``section``, ``top``, ``section_title``, ``paragraph``, ``start``,
        ``end``, ``text``, ``s`` (simplified text). Read through DuckDB."""
        return self.sql("SELECT * FROM units")

    def sections(self) -> pd.DataFrame:
        """Every section of every document: ``doc``, ``section`` (path), ``top``, ``label``,
        ``title``, ``level``, ``tokens`` (its token rows), from the stored records."""
        rows = []
        for doc, key in zip(self.docs["doc"].astype(str), self.docs["key"], strict=True):
            for s in self._records[str(key)].get("sections", []):
                rows.append((doc, str(s["path"]), str(s["top"]), s.get("label") or "", s.get("title") or "",
                             int(s["level"]), int(s["token_end"]) - int(s["token_start"])))
        frame = pd.DataFrame(rows, columns=["doc", "section", "top", "label", "title", "level", "tokens"])
        allowed = _allowed_tops(self._sections)
        if allowed is not None:
            keep = [t in allowed.get(d, set()) for d, t in zip(frame["doc"], frame["top"], strict=True)]
            frame = frame[keep].reset_index(drop=True)
        return frame

    def formulations(self) -> pd.DataFrame:
        """The formulations (:func:`studykit.formulations`) of every document, found when it was
        built: ``doc``, ``kind``, ``text``, ``top`` (top-level section), ``count``."""
        rows = []
        allowed = _allowed_tops(self._sections)
        for doc, key in zip(self.docs["doc"].astype(str), self.docs["key"], strict=True):
            for kind, text, per_top in self._records[str(key)].get("formulations", []):
                for top, count in per_top.items():
                    if allowed is None or top in allowed.get(doc, set()):
                        rows.append((doc, kind, text, top, int(count)))
        return pd.DataFrame(rows, columns=["doc", "kind", "text", "top", "count"])

    # --- choosing documents --------------------------------------------------------------------
    def resolve(self, spec: DocSpec, *, what: str = "target") -> list[str]:
        """The ids of the documents that ``spec`` names (see :data:`DocSpec`), in corpus order.
        Naming nothing raises :class:`~studykit.errors.QueryError`. Nothing in ``spec`` or in the
        metadata is evaluated as code: a filter is parsed by :mod:`studykit.corpus.choose`."""
        ids = self.ids
        docs = self.docs
        if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
            spec = str(spec)  # ids are file stems, and a stem is often a year: 2024 names "2024"
        if isinstance(spec, Mapping):
            mask = np.ones(len(docs), dtype=bool)
            for col, value in spec.items():
                mask &= self._column_is(str(col), value)
            chosen = [d for d, m in zip(ids, mask, strict=True) if m]
        elif isinstance(spec, str):
            if spec in ids:
                return [spec]
            if not spec.strip():
                raise QueryError(f"没有给出文档 / no {what} given: {_unknown_doc('', ids, list(self.fields)).split(': ', 1)[1]}")
            if not looks_like_filter(spec):
                raise QueryError(_unknown_doc(spec, ids, list(self.fields)))
            mask = evaluate(docs, parse(spec), allowed=self._filter_columns())
            chosen = [d for d, m in zip(ids, mask, strict=True) if m]
        else:
            if not isinstance(spec, Sequence) or isinstance(spec, bytes | bytearray):
                raise QueryError(
                    f"无法识别的文档选择 / cannot choose documents with {spec!r} as the {what}: give a "
                    f"document id, a filter such as {self._example()}, or a list of ids"
                )
            wanted = [str(s) for s in spec]
            missing = [w for w in wanted if w not in ids]
            if missing:
                raise QueryError(_unknown_doc(missing[0], ids))
            chosen = [d for d in ids if d in set(wanted)]
        if not chosen:
            raise QueryError(
                f"没有文档符合 / no document matches the {what} {spec!r}: check the value, e.g. "
                f"{self._example()}"
            )
        return chosen

    def _filter_columns(self) -> list[str]:
        return [c for c in self.docs.columns if c not in ("path", "key")]

    def _column_is(self, col: str, value: Any) -> Any:
        if col not in self._filter_columns():
            raise QueryError(
                f"没有字段「{col}」 / no field {col!r}: choose one of doc {' '.join(self.fields)}"
            )
        return matching(self.docs, col, value)

    def _example(self) -> str:
        for field in sorted(self.fields, key=lambda f: f == "date"):
            if self.docs[field].notna().any():
                return f"{field}={self.docs[field].dropna().iloc[0]}"
        return self.ids[0] if self.ids else "a document id"

    def groups(self, by: str) -> tuple[pd.Series[Any], list[Any]]:
        """Each document's group for ``by`` (``"doc"`` or a field) and the groups in order
        (documents in corpus order; field values sorted). Documents without a value are
        left out of the returned Series."""
        if not isinstance(by, str):
            raise QueryError(f"分组须是一个字段名 / by must be one field name such as year, not {type(by).__name__}")
        if by == "doc":
            return pd.Series(self.ids, index=self.ids, dtype=object), list(self.ids)
        if by not in self.docs.columns or by in _NOT_GROUPS:
            raise QueryError(
                f"没有字段「{by}」 / cannot group by {by!r}: choose doc or one of {' '.join(self.fields) or '(no fields)'}"
            )
        values = pd.Series(self.docs[by].to_numpy(dtype=object), index=self.ids)
        values = values[values.notna()]
        order = sorted(set(values.tolist()), key=_group_key)
        return values, order

    def select(
        self,
        *,
        docs: DocSpec | None = None,
        where: DocSpec | None = None,
        sections: pd.DataFrame | str | Sequence[str] | None = None,
        parts: str | Sequence[str] | None = None,
    ) -> Corpus:
        """A narrower corpus: the same cache, fewer documents, sections or parts.

        ``docs``/``where`` choose documents (see :data:`DocSpec`); ``sections`` keeps top-level
        sections: a table with ``doc`` and ``section`` columns (such as :func:`align_sections`
        returns, filtered to one role) or labels kept in every document (``"一"``);
        ``parts`` keeps token parts (``("body", "lead")`` leaves out titles and headings).
        Every analysis of the result sees only what was kept.

        >>> review = sk.align_sections(corpus).query("role == '工作回顾'")     # doctest: +SKIP
        >>> sk.term_frequencies(corpus.select(sections=review), by="year")     # doctest: +SKIP
        """
        chosen = self.ids
        for spec in (docs, where):
            if spec is not None:
                keep = set(self.resolve(spec, what="selection"))
                chosen = [d for d in chosen if d in keep]
        new_sections = self._sections
        if sections is not None and not isinstance(sections, pd.DataFrame | str | Sequence):
            raise QueryError(f"选项 sections 的值无效 / invalid sections={sections!r}: give a label such as '一', "
                             "a list of labels, or align_sections' table filtered to one role")
        if sections is not None:
            pairs = self._section_pairs(sections)
            if new_sections is not None:
                old = set(map(tuple, new_sections[["doc", "top"]].astype(str).to_numpy().tolist()))
                pairs = pairs[[(d, t) in old for d, t in zip(pairs["doc"], pairs["top"], strict=True)]]
            new_sections = pairs
        new_parts = self._parts
        if parts is not None:
            parts = [parts] if isinstance(parts, str) else list(parts)
            bad = [p for p in parts if p not in PARTS]
            if bad:
                raise QueryError(f"未知的部分 / unknown part {bad[0]!r}: choose from {' '.join(PARTS)}")
            new_parts = tuple(p for p in parts if new_parts is None or p in new_parts)
        mask = self.docs["doc"].astype(str).isin(chosen)
        return Corpus(
            self.docs[mask], self.problems, self.store, self._records, name=self.name,
            encoding=self._encoding, errors=self._errors, fields=self.fields,
            sections=new_sections, parts=new_parts, timings=self.timings, keep=self._keep,
            sources=self._sources,
        )

    def _section_pairs(self, sections: pd.DataFrame | str | Sequence[str]) -> pd.DataFrame:
        if isinstance(sections, pd.DataFrame):
            col = "top" if "top" in sections.columns else "section"
            if "doc" not in sections.columns or col not in sections.columns:
                raise QueryError(
                    "sections= needs a table with doc and section columns, such as align_sections returns"
                )
            pairs = pd.DataFrame({"doc": sections["doc"].astype(str),
                                  "top": sections[col].astype(str).str.split("/").str[0]})
            return pairs.drop_duplicates().reset_index(drop=True)
        labels = [sections] if isinstance(sections, str) else list(sections)
        wanted = {str(label).strip().strip("、.．") for label in labels}
        rows = [(d, t) for d, t, lab in self.sections()[["doc", "top", "label"]].itertuples(index=False)
                if t in wanted or lab in wanted]
        if not rows:
            raise QueryError(
                f"没有文档有章节 {' '.join(sorted(wanted))} / no document has section {' '.join(sorted(wanted))}: "
                "choose top-level labels such as 一 二 三"
            )
        return pd.DataFrame(rows, columns=["doc", "top"]).drop_duplicates().reset_index(drop=True)

    # --- the analyses that share a name with the single-document ones ---------------------------
    def term_frequencies(
        self,
        *,
        by: str | None = None,
        top: int | None = None,
        min_len: int = 1,
        pos: Sequence[str] | str | None = None,
        stopwords: bool = True,
        filler: bool = False,
        kinds: Sequence[str] = DEFAULT_KINDS,
    ) -> pd.DataFrame:
        """Term frequencies across the corpus; see :func:`studykit.corpus.analyses.corpus_term_frequencies`."""
        from .analyses import corpus_term_frequencies

        return corpus_term_frequencies(self, by=by, top=top, min_len=min_len, pos=pos, stopwords=stopwords,
                                       filler=filler, kinds=kinds)

    def keyness(
        self,
        target: DocSpec,
        reference: DocSpec = "rest",
        *,
        measure: Measure = "g2",
        min_count: int = 3,
        stopwords: bool = True,
        filler: bool = False,
        pos: Sequence[str] | str | None = None,
        kinds: Sequence[str] = DEFAULT_KINDS,
        top: int | None = None,
        correction: Correction | None = "fdr_bh",
        alpha: float = 0.05,
        test: Test = "auto",
        williams: bool = False,
        prior: Prior = "uniform",
    ) -> pd.DataFrame:
        """Keyness of some documents against the rest or others; see
        :func:`studykit.corpus.analyses.corpus_keyness`."""
        from .analyses import corpus_keyness

        return corpus_keyness(self, target, reference, measure=measure, min_count=min_count,
                              stopwords=stopwords, filler=filler, pos=pos, kinds=kinds, top=top,
                              correction=correction, alpha=alpha, test=test, williams=williams, prior=prior)

    def kwic(
        self,
        query: str,
        *,
        window: int = 20,
        sections: str | Sequence[str] | None = None,
        regex: bool = False,
        unit: Literal["char", "token"] = "char",
        include_title: bool = False,
        overlapping: bool = False,
        sort: Sort = "position",
        timeout: float = REGEX_TIMEOUT,
        limit: int | None = None,
    ) -> CorpusKwicResult:
        """KWIC across the corpus; see :func:`studykit.corpus.analyses.corpus_kwic`."""
        from .analyses import corpus_kwic

        return corpus_kwic(self, query, window=window, sections=sections, regex=regex, unit=unit,
                           include_title=include_title, overlapping=overlapping, sort=sort, timeout=timeout,
                           limit=limit)


def _wide_dictionaries(table: Any) -> Any:
    """Dictionary columns with 32-bit indices, so the documents' dictionaries can be unified."""
    import pyarrow as pa

    fields = [
        pa.field(f.name, pa.dictionary(pa.int32(), f.type.value_type)) if pa.types.is_dictionary(f.type) else f
        for f in table.schema
    ]
    schema = pa.schema(fields, metadata=table.schema.metadata)
    return table if schema.equals(table.schema) else table.cast(schema)


def _allowed_tops(sections: pd.DataFrame | None) -> dict[str, set[str]] | None:
    if sections is None:
        return None
    out: dict[str, set[str]] = {}
    for d, t in sections[["doc", "top"]].astype(str).itertuples(index=False):
        out.setdefault(d, set()).add(t)
    return out


def _factor(values: Any) -> tuple[pd.Index, Any]:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return pd.Index(uniques, dtype=object), codes.astype(np.int32)


def _group_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, int | float | np.integer | np.floating):
        return (0, float(value))
    return (1, tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(value))))


def _unknown_doc(doc: str, ids: Sequence[str], fields: Sequence[str] = ()) -> str:
    shown = " ".join(list(ids)[:8]) + (" …" if len(ids) > 8 else "") if ids else "(the corpus has no documents)"
    extra = f", or FIELD=VALUE with a field among {' '.join(fields)}" if fields else ", or FIELD=VALUE"
    return f"没有找到文档「{doc}」 / no document {doc}: choose one of {shown}{extra}"


# ---------------------------------------------------------------------------------------------


@checked(workers=Count(1, none=True, hint="None uses all cores"), recursive=_Flag())
def load_corpus(
    source: CorpusSource,
    *,
    metadata: str | os.PathLike[str] | pd.DataFrame | None = None,
    name_pattern: str | None = None,
    encoding: str | None = None,
    errors: Literal["strict", "replace"] = "strict",
    backend: Backend = "auto",
    segmenter: JiebaSegmenter | None = None,
    cache: str | os.PathLike[str] | bool | None = None,
    scheduler: Any = None,
    workers: int | None = None,
    progress: bool | None = None,
    recursive: bool = False,
    name: str | None = None,
) -> Corpus:
    """Load many documents as one :class:`Corpus`: a folder, a glob pattern or a list of paths.

    Every file is read and parsed as :func:`studykit.load` does (any format it reads), its id is
    its stem (``2021.txt`` → ``2021``), and its parsed meta (title, date, source, author) goes
    into ``corpus.docs``. User metadata joins on the file name: ``metadata=`` a CSV or DataFrame
    with a ``file`` column (``2021.txt`` or ``2021``), or ``name_pattern=r"(?P<year>\\d{4})"``
    taken from each file name; the table wins where both give a column. ``year`` and ``date``
    also come from each document's parsed date when no metadata gives them, so ``by="year"``
    works on a plain folder of reports. A file that cannot be read is listed in
    ``corpus.problems`` with its reason, and the rest load.

    Building is cached (``cache=None``: the studykit cache folder, ``$STUDYKIT_CACHE_DIR/corpus``;
    a path: that folder; ``False``: a temporary folder for this corpus only) as Parquet, keyed by
    each file's content hash, studykit's version and the segmenter's dictionary, so loading the
    same folder again re-tokenizes only files that changed. Building runs in parallel with Dask
    (``scheduler``: see :mod:`studykit.corpus.build`; ``"tcp://host:8786"`` for a cluster;
    ``workers`` processes, default all cores). ``backend`` picks the segmenter (``"auto"``: rjieba
    when installed), or pass a ``segmenter``. ``progress`` shows a progress bar (default: when
    more than 20 files or 5 MB are built).

    >>> corpus = load_corpus("notebooks/data/青川市", metadata="notebooks/data/青川市/metadata.csv")  # doctest: +SKIP
    >>> corpus                                                                                     # doctest: +SKIP
    Corpus('青川市', 6 documents, 3,275 tokens; fields: date, year, mayor, plan)
    """
    t_start = time.perf_counter()
    _check_load_options(source, metadata=metadata, name_pattern=name_pattern, encoding=encoding, errors=errors,
                        segmenter=segmenter, progress=progress, name=name)
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        # A worker process starting up is re-running a script that builds a corpus at its top level
        # (no if __name__ == "__main__": guard): leave quietly; the parent then says what to do in
        # one line, instead of every worker printing a traceback.
        raise SystemExit(1)
    build.check_scheduler(scheduler)
    if name_pattern is not None:
        compile_name_pattern(name_pattern)  # a bad pattern or metadata file fails before anything is built
    if metadata is not None:
        metadata = read_metadata(metadata)
    found = find_files(source, recursive=recursive)
    paths, names = found.paths, found.names
    ids = document_ids(paths, found.base)
    seg = segmenter if segmenter is not None else JiebaSegmenter(backend=backend)
    keep: Any = None
    if cache is None or cache is True:
        root = default_store_dir()
    elif cache is False:
        keep = tempfile.TemporaryDirectory(prefix="studykit-corpus-")
        root = Path(keep.name)
    else:
        root = _cache_root(cache)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SourceError(_unwritable(root, exc)) from None
    store = Store(root)
    settings = settings_key(seg.fingerprint(), encoding, errors)

    problems: list[tuple[str, str, str]] = [("", p, why) for p, why in found.problems]
    keys: dict[str, str] = {}
    jobs: list[build.Job] = []
    records: dict[str, dict[str, Any]] = {}
    queued: set[str] = set()
    for doc, path, shown_path in zip(ids, paths, names, strict=True):
        try:
            data = read_regular(path)
        except OSError as exc:
            problems.append((doc, shown_path, f"无法读取 / cannot read {shown_path}: {exc.strerror or exc}"))
            continue
        digest = content_hash(data)
        key = entry_key(digest, settings)
        keys[doc] = key
        if key in records or key in queued:
            continue
        record = store.intact_record(key)  # None: missing, half-written or damaged: build it (again)
        if record is None:
            queued.add(key)
            jobs.append(build.Job(str(path), key, digest, len(data), shown_path))
        else:
            records[key] = record
            store.touch(key)  # used now: prune_cache keeps it
    t_hashed = time.perf_counter()
    if jobs:
        try:
            store.check_writable()
        except OSError as exc:
            raise SourceError(_unwritable(root, exc)) from None

    bar = _progress_bar(jobs, progress)
    try:
        outcomes = build.run(jobs, segmenter=seg, encoding=encoding, errors=errors, store=store,
                             scheduler=scheduler, workers=workers,
                             progress=bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    failed = {o.key: o.problem for o in outcomes if o.problem is not None}
    job_names = {j.key: j.name for j in jobs if j.name}
    t_built = time.perf_counter()

    rows: list[dict[str, Any]] = []
    usable: list[int] = []
    for i, (doc, file_name) in enumerate(zip(ids, names, strict=True)):
        found_key = keys.get(doc)
        if found_key is None:
            continue
        key = found_key
        if key in failed:
            why = clean_text(str(failed[key]))
            built_as = job_names.get(key)
            if built_as and built_as != file_name:
                why = why.replace(built_as, file_name)  # identical files share one build: name this one
            problems.append((doc, file_name, why))
            continue
        if not store.has(key):
            problems.append((doc, file_name, f"构建结果不在缓存中 / the entry was not written to {shown(root)}: "
                             "on a cluster, pass cache= a folder every worker can reach"))
            continue
        if key not in records:
            found_record = store.intact_record(key)
            if found_record is None:
                problems.append((doc, file_name, f"缓存条目不完整 / the cache entry for {file_name} is damaged: "
                                 "load the corpus again to rebuild it"))
                continue
            records[key] = found_record
        rec = records[key]
        meta = rec.get("meta") or {}
        rows.append({"doc": doc, "title": rec.get("title"), "date": meta.get("date"),
                     "source": meta.get("source"), "author": meta.get("author"),
                     "tokens": int(rec.get("tokens", 0)), "chars": int(rec.get("chars", 0)),
                     "path": file_name, "key": key})
        usable.append(i)
    user, meta_problems = join_metadata([ids[i] for i in usable], [paths[i] for i in usable], metadata, name_pattern,
                                        base=found.base)
    problems += [("", p, why) for p, why in meta_problems]
    docs = pd.DataFrame(rows, columns=["doc", "title", "date", "source", "author", "tokens", "chars", "path", "key"])
    docs = _with_fields(docs, user)
    fields = [c for c in docs.columns if c not in ("doc", "title", "source", "author", "tokens", "chars", "path", "key")]
    fields = [c for c in fields if docs[c].notna().any()]
    if not len(docs) and not problems:
        raise SourceNotFoundError("没有可用的文档 / no usable documents: check the folder")
    problem_frame = pd.DataFrame(problems, columns=["doc", "path", "problem"])
    label = name or _corpus_name(source)
    t_end = time.perf_counter()
    timings = {"hash": t_hashed - t_start, "build": t_built - t_hashed, "open": t_end - t_built,
               "total": t_end - t_start, "built": float(len(jobs))}
    return Corpus(docs, problem_frame, store, records, name=label, encoding=encoding, errors=errors,
                  fields=fields, timings=timings, keep=keep, sources={ids[i]: paths[i] for i in usable})


def prune_cache(days: float = 90, *, cache: str | os.PathLike[str] | None = None, dry_run: bool = False) -> Pruned:
    """Reclaim space in the corpus cache: remove the entries no corpus has loaded for ``days``
    days (every load marks what it reads), entries of an older cache layout, and what an
    interrupted build left behind. ``cache`` is the folder given to :func:`load_corpus` (default:
    the studykit cache folder). ``dry_run=True`` only counts. Returns what was removed; its text
    is one line for people.

    >>> print(prune_cache(days=30, dry_run=True))                                # doctest: +SKIP
    可清理 12 个缓存条目（41.5 MB），保留 54 个 / would remove 12 entries (41.5 MB) from …, keeping 54
    """
    if (isinstance(days, bool) or not isinstance(days, int | float) or days < 0
            or (isinstance(days, float) and not math.isfinite(days))):
        raise QueryError(f"days 应为不小于 0 的天数 / days must be a number of days ≥ 0, not {days!r}")
    if not isinstance(dry_run, bool):
        raise QueryError(f"dry_run 应为 True 或 False / dry_run must be True or False, not {dry_run!r}")
    root = default_store_dir() if cache is None else _cache_root(cache)
    if root.exists() and not root.is_dir():
        raise SourceError(f"不是文件夹 / not a folder: {shown(root)}; pass cache= the corpus cache folder")
    return Store(root).prune(float(min(days, 1e9)) * 86400.0, dry_run=dry_run)  # 1e9 days: keep everything


def _check_load_options(source: object, **options: Any) -> None:
    """One bilingual line for an argument :func:`load_corpus` cannot use, before anything is read."""
    def bad(name: str, want: str) -> QueryError:
        value = options.get(name, source)
        return QueryError(f"选项 {name} 的值无效 / invalid {name}={value!r}: {want}")

    def is_path(x: object) -> bool:
        return isinstance(x, str | os.PathLike) and not isinstance(x, bytes)

    if not (is_path(source) or (isinstance(source, Sequence) and not isinstance(source, str | bytes)
                                and all(is_path(x) for x in source))):
        raise bad("source", "give a folder, a glob pattern such as 'reports/*.txt', or a list of file paths")
    if options["metadata"] is not None and not (is_path(options["metadata"])
                                                or isinstance(options["metadata"], pd.DataFrame)):
        raise bad("metadata", "give a CSV file's path or a DataFrame with a file column")
    for key in ("name_pattern", "encoding", "name"):
        if options[key] is not None and not isinstance(options[key], str):
            raise bad(key, "give text (str) or None")
    if options["errors"] not in ("strict", "replace"):
        raise bad("errors", "give 'strict' or 'replace'")
    seg = options["segmenter"]
    if seg is not None and not callable(getattr(seg, "fingerprint", None)):
        raise bad("segmenter", "give a sk.JiebaSegmenter(...) or None")
    if options["progress"] is not None and not isinstance(options["progress"], bool):
        raise bad("progress", "give True, False or None")


def _cache_root(cache: object) -> Path:
    """The cache folder ``cache=`` names; an empty path (which would mean the current folder)
    and anything that is not a path are refused."""
    if not isinstance(cache, str | os.PathLike) or isinstance(cache, bytes):
        raise QueryError(f"cache 应为文件夹路径 / cache must be a folder path, None or False, not "
                         f"{type(cache).__name__}")
    text = os.fspath(cache)
    if not isinstance(text, str) or not text.strip():
        raise QueryError("cache 为空路径 / cache is an empty path: give a folder, or None for the studykit cache folder")
    return Path(text).expanduser()


def _unwritable(root: Path, exc: OSError) -> str:
    return (f"缓存文件夹不可写 / cannot write the cache folder {shown(root)}: {exc.strerror or exc}; "
            "pass cache= (--cache) a writable folder, or cache=False for a temporary one")


def _with_fields(docs: pd.DataFrame, user: pd.DataFrame) -> pd.DataFrame:
    """Join user metadata (it wins for title/date/source/author) and fill ``year`` and ``date``."""
    out = docs.copy()
    user = user.reset_index(drop=True)
    for col in user.columns:
        if col in ("title", "date", "source", "author"):
            given = user[col].astype(object)
            out[col] = given.where(given.notna(), out[col].astype(object))
        else:
            out[col] = user[col].to_numpy() if len(user) == len(out) else None
    if "year" not in out.columns:
        out["year"] = None
    years = pd.Series(out["year"].to_numpy(dtype=object), index=out.index)
    from_date = out["date"].map(lambda d: int(str(d)[:4]) if isinstance(d, str) and re.match(r"\d{4}", d) else None)
    years = years.where(years.notna(), from_date.astype(object))
    out["year"] = years.astype("Int64") if years.notna().any() else years
    if out["year"].notna().all() and len(out):
        out["year"] = out["year"].astype("int64")
    ordered = ["doc", "title", "date", "year", *[c for c in user.columns if c not in ("title", "date", "year", "source", "author")],
               "source", "author", "tokens", "chars", "path", "key"]
    return out[list(dict.fromkeys(c for c in ordered if c in out.columns))]


def _corpus_name(source: CorpusSource) -> str:
    if isinstance(source, str | os.PathLike):
        p = Path(os.fspath(source))
        return p.name if p.name and "*" not in p.name else (p.parent.name or str(p))
    return "corpus"


def _progress_bar(jobs: Sequence[build.Job], progress: bool | None) -> Any:
    show = progress if progress is not None else (len(jobs) > 20 or sum(j.size for j in jobs) > 5_000_000)
    if not show or not jobs:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=len(jobs), desc="构建语料库 / building", unit="文件")

