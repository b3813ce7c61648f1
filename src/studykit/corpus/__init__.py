"""Corpus: many documents studied side by side, across years, provinces and versions.

The same flow as for one document (read → parse → segment → token table), run for every file of a
folder in parallel (local processes, or a Dask cluster), cached on disk as Parquet keyed by each
file's content, and queried out of core with DuckDB::

    corpus = sk.load_corpus("reports/", metadata="reports/metadata.csv")
    sk.term_frequencies(corpus, by="year", top=10)
    sk.trend(corpus, ["高质量发展", "供给侧结构性改革"], by="year")
    sk.keyness(corpus, target="province=浙江省")
    sk.kwic(corpus, "新质生产力")

Modules: ``files`` (finding files, metadata), ``store`` (the Parquet cache), ``build`` (parallel
building with Dask), ``collection`` (the :class:`Corpus` object and :func:`load_corpus`), ``query``
(DuckDB), ``analyses`` (cross-document analyses), ``sections`` (sections matched across documents)
and ``versions`` (comparing two versions of a text).
"""
