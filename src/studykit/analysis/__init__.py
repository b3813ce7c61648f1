"""Analyses of the token table: frequencies, keyness, similarity, association, KWIC, formulations.

Every function here is pure: a token table (from :func:`studykit.text.tokens.tokenize`, possibly
narrowed by :func:`studykit.text.tokens.select`) goes in, a :class:`pandas.DataFrame` with documented
columns comes out. Nothing is printed, plotted, written or cached. An empty table gives an empty
frame with the same columns.

Conventions shared by all functions
-----------------------------------
- **Counted tokens.** Only tokens whose ``kind`` is in ``kinds`` (default ``("han", "latin")``)
  are counted; punctuation and numbers are left out. Whitespace is never a token.
- **Filters.** ``stopwords=True`` *drops* stopwords (的, 了, 和 …, column ``is_stopword``);
  ``filler=True`` *drops* political filler (切实, 进一步, 不断 …, column ``is_filler``), which
  is kept by default. ``pos`` keeps tokens whose jieba tag *starts with* one of the given
  prefixes: ``"n"`` keeps n, nr, ns, nt, nz (not vn); ``"v"`` keeps v, vd, vn.
- **Rates** are per 1,000 counted tokens, and the denominator is the number of counted tokens
  *before* stopword, filler, POS and length filters. A term's rate therefore does not change
  when you switch the stopword or filler filters, and rates from different settings compare.
- **range** is the number of top-level sections (column ``top``: ``0`` the preamble, ``一``,
  ``二`` …) a term occurs in; title tokens belong to no section.
- **Sections.** Labels are resolved with :func:`studykit.text.tokens.resolve_sections`, so ``三``
  covers ``三/一`` and an unknown label raises :class:`~studykit.errors.SectionNotFoundError`
  listing the valid ones.

>>> from studykit import load, tokenize, term_frequencies
>>> table = tokenize(load("seeds/000_1776dd67e002c30c.txt"))
>>> term_frequencies(table, pos=["n", "vn", "j"], top=2)[["term", "count", "range"]]
  term  count  range
0   工作     37      5
1   政协     33      4
"""
