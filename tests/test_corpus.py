"""The corpus layer: loading, the Parquet cache, the Dask build, out-of-core queries, and the
cross-document analyses checked against the single-document ones they generalise."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import studykit as sk
from studykit.corpus.store import Store
from studykit.text.tokens import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "notebooks" / "data" / "青川市"
VERSIONS = ROOT / "notebooks" / "data" / "青川市-版本"
YEARS = [2019, 2020, 2021, 2022, 2023, 2024]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus-cache")


@pytest.fixture(scope="module")
def corpus(cache: Path) -> sk.Corpus:
    return sk.load_corpus(SAMPLE, metadata=SAMPLE / "metadata.csv", cache=cache, progress=False)


@pytest.fixture(scope="module")
def tokens(corpus: sk.Corpus) -> pd.DataFrame:
    return corpus.tokens()


# --- loading -----------------------------------------------------------------------------------------


def test_documents_metadata_and_fields(corpus: sk.Corpus) -> None:
    assert corpus.ids == [str(y) for y in YEARS]
    assert corpus.problems.empty
    docs = corpus.docs
    assert docs["year"].tolist() == YEARS and docs["year"].dtype == np.int64
    assert docs["mayor"].tolist() == ["林远"] * 3 + ["周敏"] * 3
    assert docs["date"].tolist()[0] == "2019-01-15"  # the parsed date, no metadata gives one
    assert docs["title"].eq("青川市政府工作报告").all() and docs["author"].tolist()[-1] == "周敏"
    assert {"year", "mayor", "plan"} <= set(corpus.fields)
    assert (docs["tokens"] > 300).all() and len(corpus) == 6
    assert "6 documents" in repr(corpus) and "青川市" in corpus._repr_html_()


def test_year_from_the_parsed_date_and_from_a_name_pattern(cache: Path, tmp_path: Path) -> None:
    plain = sk.load_corpus(SAMPLE, cache=cache, progress=False)  # no metadata at all
    assert plain.docs["year"].tolist() == YEARS
    for y in (2019, 2020):
        (tmp_path / f"report-{y}-draft.txt").write_text((SAMPLE / f"{y}.txt").read_text(encoding="utf-8").replace(
            "——", "（无日期）"), encoding="utf-8")
    named = sk.load_corpus(tmp_path, name_pattern=r"(?P<year>\d{4})-(?P<stage>[a-z]+)", cache=cache, progress=False)
    assert named.docs["year"].tolist() == [2019, 2020] and named.docs["stage"].tolist() == ["draft", "draft"]
    assert sk.trend(named, "脱贫攻坚", by="stage")["documents"].tolist() == [2]


def test_bad_files_are_reported_and_the_rest_load(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SAMPLE / "2019.txt", folder / "2019.txt")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    meta = pd.DataFrame({"file": ["2019.txt", "missing.txt"], "year": [2019, 2030]})
    loaded = sk.load_corpus(folder, metadata=meta, cache=cache, progress=False)
    assert loaded.ids == ["2019"]
    problems = dict(zip(loaded.problems["path"].map(lambda p: Path(p).name), loaded.problems["problem"], strict=True))
    assert set(problems) == {"empty.txt", "binary.txt", "missing.txt"}
    assert all(" / " in why for why in problems.values())  # bilingual, one line each
    listed = sk.load_corpus([folder / "2019.txt", folder / "gone.txt"], cache=cache, progress=False)
    assert listed.ids == ["2019"] and "gone.txt" in listed.problems["path"].iloc[0]
    with pytest.raises(sk.SourceNotFoundError, match="no folder"):
        sk.load_corpus(tmp_path / "nowhere", cache=cache)
    with pytest.raises(sk.SourceNotFoundError, match="no documents"):
        sk.load_corpus(tmp_path / "mixed" / "..", cache=cache)


# --- the cache ---------------------------------------------------------------------------------------


def test_reopening_builds_nothing_and_a_changed_file_only_itself(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(SAMPLE, folder)
    store = tmp_path / "store"
    first = sk.load_corpus(folder, cache=store, progress=False)
    assert first.timings["built"] == 6
    again = sk.load_corpus(folder, cache=store, progress=False)
    assert again.timings["built"] == 0
    pd.testing.assert_frame_equal(first.tokens(), again.tokens())
    text = (folder / "2021.txt").read_text(encoding="utf-8")
    (folder / "2021.txt").write_text(text.replace("碳达峰行动", "碳达峰碳中和行动"), encoding="utf-8")
    changed = sk.load_corpus(folder, cache=store, progress=False)
    assert changed.timings["built"] == 1
    assert sk.trend(changed, "碳中和")["count"].sum() == sk.trend(first, "碳中和")["count"].sum() + 1
    # Another dictionary is another key: everything is built again.
    other = sk.load_corpus(folder, cache=store, segmenter=sk.JiebaSegmenter(backend="auto", words=["青川科创走廊"]),
                           progress=False)
    assert other.timings["built"] == 6
    assert "青川科创走廊" in set(other.tokens()["token"].astype(str))
    assert len(list((store / "v1").rglob("*.json"))) == 6 + 1 + 6


def test_entries_are_complete_and_the_document_reads_back(corpus: sk.Corpus) -> None:
    store: Store = corpus.store
    key = corpus.docs.loc[0, "key"]
    assert store.has(key) and store.record_path(key).stat().st_mode & 0o777 == 0o644
    record = corpus.record("2019")
    assert record["meta"]["author"] == "林远" and record["tokens"] == corpus.docs.loc[0, "tokens"]
    doc = corpus.document("2019")
    assert doc.title == "青川市政府工作报告" and corpus.document("2019") is doc
    with pytest.raises(sk.QueryError, match="no document 1999"):
        corpus.document("1999")


def test_cache_false_uses_a_private_folder() -> None:
    c = sk.load_corpus(SAMPLE, cache=False, progress=False)
    assert c.store.root.exists() and "studykit-corpus-" in c.store.root.name
    assert len(c.tokens()) == c.n_tokens


# --- tokens ------------------------------------------------------------------------------------------


def test_tokens_are_the_per_document_tables_with_doc_and_fields(corpus: sk.Corpus, tokens: pd.DataFrame) -> None:
    assert list(tokens.columns) == ["doc", *COLUMNS, *corpus.fields]
    assert len(tokens) == corpus.n_tokens and list(tokens.index) == list(range(len(tokens)))
    seg = sk.JiebaSegmenter(backend=corpus_backend())
    one = sk.tokenize(sk.load(SAMPLE / "2022.txt"), seg)
    mine = tokens[tokens["doc"] == "2022"].drop(columns=["doc", *corpus.fields]).reset_index(drop=True)
    for col in one.columns:
        assert mine[col].astype(str).tolist() == one[col].astype(str).tolist(), col
    assert set(tokens.loc[tokens["doc"] == "2022", "mayor"].astype(str)) == {"周敏"}


def corpus_backend() -> str:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "jieba"
    return "rjieba"


def test_token_memory_stays_under_150_bytes(tokens: pd.DataFrame) -> None:
    per_token = tokens.memory_usage(deep=True).sum() / len(tokens)
    assert per_token < 150, per_token
    for col in ("token", "pos", "part", "section", "top", "section_title", "kind", "doc", "year"):
        assert isinstance(tokens[col].dtype, pd.CategoricalDtype), col


def test_select_keeps_sections_and_parts(corpus: sk.Corpus) -> None:
    review = sk.align_sections(corpus).query("role == '工作回顾'")
    assert review["section"].tolist() == ["一"] * 6
    narrowed = corpus.select(sections=review, parts=("body", "lead"))
    t = narrowed.tokens()
    assert set(t["top"].astype(str)) == {"一"} and set(t["part"].astype(str)) <= {"body", "lead"}
    freqs = sk.term_frequencies(narrowed, by="year")
    assert freqs["count"].sum() == int((t["kind"].isin(["han", "latin"]) & ~t["is_stopword"]).sum())
    later = corpus.select(where="year >= 2022")
    assert later.ids == ["2022", "2023", "2024"] and corpus.select(docs=["2019"]).ids == ["2019"]
    with pytest.raises(sk.QueryError, match="no field"):
        corpus.select(where={"province": "x"})


# --- the Dask build ----------------------------------------------------------------------------------


@pytest.mark.timeout(180)
def test_build_on_a_dask_local_cluster_gives_the_same_table(tmp_path: Path, tokens: pd.DataFrame) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        remote = sk.load_corpus(SAMPLE, metadata=SAMPLE / "metadata.csv", cache=tmp_path, progress=False,
                                scheduler=cluster.scheduler_address)
        assert remote.timings["built"] == 6
    pd.testing.assert_frame_equal(remote.tokens(), tokens)


def test_local_schedulers_and_bad_ones(tmp_path: Path, tokens: pd.DataFrame) -> None:
    threaded = sk.load_corpus(SAMPLE, metadata=SAMPLE / "metadata.csv", cache=tmp_path / "t", scheduler="threads",
                              workers=2, progress=False)
    pd.testing.assert_frame_equal(threaded.tokens(), tokens)
    with pytest.raises(sk.QueryError, match="unknown scheduler"):
        sk.load_corpus(SAMPLE, cache=tmp_path / "u", scheduler="gpu")
    with pytest.raises(sk.StudykitError, match="cannot reach the Dask scheduler"):
        sk.load_corpus(SAMPLE, cache=tmp_path / "v", scheduler="tcp://127.0.0.1:9")


# --- analyses against their single-document twins ------------------------------------------------------


def _as_sections(tokens: pd.DataFrame) -> pd.DataFrame:
    """The corpus as one table whose sections are the documents."""
    table = tokens.assign(section=tokens["doc"].astype(str), top=tokens["doc"].astype(str))
    table.attrs = {}
    return table


def test_term_frequencies_by_document_match_each_document(corpus: sk.Corpus, tokens: pd.DataFrame) -> None:
    by_doc = sk.term_frequencies(corpus, by="doc")
    assert list(by_doc.columns) == ["doc", "term", "count", "rate", "documents", "dp", "juilland_d"]
    for doc in ("2019", "2024"):
        single = sk.term_frequencies(tokens[tokens["doc"] == doc].reset_index(drop=True))
        mine = by_doc[by_doc["doc"] == doc].reset_index(drop=True)
        assert mine["term"].tolist() == single["term"].tolist()
        assert mine["count"].tolist() == single["count"].tolist()
        np.testing.assert_allclose(mine["rate"], single["rate"])
    whole = sk.term_frequencies(corpus)
    assert whole["count"].sum() == by_doc["count"].sum()
    top = sk.term_frequencies(corpus, by="year", top=3)
    assert top.groupby("year").size().tolist() == [3] * 6 and top["year"].dtype == np.int64


def test_document_frequency_and_dispersion_match_documents_as_parts(corpus: sk.Corpus, tokens: pd.DataFrame) -> None:
    freqs = sk.term_frequencies(corpus).set_index("term")
    single = sk.term_frequencies(_as_sections(tokens)).set_index("term")
    assert freqs.index.tolist() == single.index.tolist()
    assert freqs["documents"].tolist() == single["range"].tolist()
    np.testing.assert_allclose(freqs["dp"], single["dp"], atol=1e-12)
    np.testing.assert_allclose(freqs["juilland_d"], single["juilland_d"], atol=1e-12)
    assert freqs.loc["新质生产力", "dp"] > freqs.loc["工作", "dp"]
    assert freqs.loc["新质生产力", "juilland_d"] < freqs.loc["工作", "juilland_d"]
    one = sk.term_frequencies(corpus.select(docs=["2019"]))
    assert one["dp"].isna().all() and one["juilland_d"].isna().all()


@pytest.mark.parametrize(
    ("measure", "options"),
    [("g2", {}), ("log_ratio", {}), ("log_odds", {}), ("log_odds", {"prior": "document"}),
     ("log_odds", {"prior": 0.5}), ("conservative_log_ratio", {"correction": "holm"}),
     ("g2", {"williams": True, "test": "fisher"})],
)
def test_keyness_equals_the_single_table_keyness(corpus: sk.Corpus, tokens: pd.DataFrame, measure: str,
                                                 options: dict[str, object]) -> None:
    mine = sk.keyness(corpus, target="2024", measure=measure, **options)
    single = sk.keyness(_as_sections(tokens), "2024", measure=measure, **options)
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), single.reset_index(drop=True), check_dtype=False)
    assert mine.attrs["keyness"] == single.attrs["keyness"]
    assert mine.attrs["target"] == ["2024"] and len(mine.attrs["reference"]) == 5


def test_keyness_of_groups_is_antisymmetric(corpus: sk.Corpus) -> None:
    a = sk.keyness(corpus, target="mayor=周敏", reference="mayor=林远", min_count=1).set_index("term")
    b = sk.keyness(corpus, target={"mayor": "林远"}, reference={"mayor": ["周敏"]}, min_count=1).set_index("term")
    common = a.index.intersection(b.index)
    np.testing.assert_allclose(a.loc[common, "statistic"], -b.loc[common, "statistic"])
    assert a.index[0] == "共同富裕"
    with pytest.raises(sk.QueryError, match="overlap"):
        sk.keyness(corpus, target="year >= 2022", reference="year >= 2023")
    with pytest.raises(sk.QueryError, match="no document"):
        sk.keyness(corpus, target="1999")


def test_key_terms_per_group_equal_keyness_against_the_rest(corpus: sk.Corpus) -> None:
    key = sk.key_terms(corpus, by="year", top=5)
    assert key["year"].drop_duplicates().tolist() == YEARS
    one = sk.keyness(corpus, target="2022", test="g2")
    one = one[one["statistic"] > 0].head(5)
    mine = key[key["year"] == 2022]
    assert mine["term"].tolist() == one["term"].tolist()
    np.testing.assert_allclose(mine["statistic"], one["statistic"])
    np.testing.assert_allclose(mine["p_adjusted"], one.set_index("term").loc[mine["term"], "p_adjusted"])


def test_trend_counts_like_kwic(corpus: sk.Corpus) -> None:
    terms = ["高质量发展", "供给侧结构性改革", "新质生产力", "脱贫攻坚"]
    trend = sk.trend(corpus, terms, by="year")
    assert list(trend.columns) == ["year", "term", "count", "rate", "documents", "group_documents", "tokens"]
    assert len(trend) == len(terms) * 6 and trend["term"].drop_duplicates().tolist() == terms
    for row in trend.itertuples():
        doc = corpus.document(str(row.year))
        assert row.count == len(sk.kwic(doc, row.term)), (row.year, row.term)
    kept = trend.set_index(["term", "year"])
    assert kept.loc[("新质生产力", 2023), "count"] == 0 and kept.loc[("新质生产力", 2024), "count"] == 2
    assert kept.loc[("供给侧结构性改革", 2022), "count"] == 0
    row = kept.loc[("高质量发展", 2021)]
    assert row["rate"] == pytest.approx(row["count"] * 1000 / row["tokens"])
    by_mayor = sk.trend(corpus, "脱贫攻坚", by="mayor")
    assert by_mayor["group_documents"].tolist() == [3, 3]
    with pytest.raises(sk.QueryError, match="no terms"):
        sk.trend(corpus, [])
    with pytest.raises(sk.QueryError, match="invalid regular"):
        sk.trend(corpus, "(", regex=True)
    assert sk.trend(corpus, r"六[稳保]", regex=True)["count"].sum() == 6


def test_first_appearance_finds_formulations_and_terms(corpus: sk.Corpus) -> None:
    first = sk.first_appearance(corpus, terms=["新质生产力", "供给侧结构性改革"])
    assert list(first.columns) == ["term", "kind", "first", "last", "year", "documents", "group_documents", "share",
                                   "count"]
    span = first.drop_duplicates("term").set_index("term")
    assert span.loc["新质生产力", "first"] == 2024 and span.loc["新质生产力", "kind"] == "term"
    assert (span.loc["供给侧结构性改革", "first"], span.loc["供给侧结构性改革", "last"]) == (2019, 2021)
    assert span.loc["两个确立", "first"] == 2022 and span.loc["六稳", "last"] == 2021
    order = [span.loc[t, "first"] for t in span.index]
    assert order == sorted(order)


def test_document_similarity(corpus: sk.Corpus) -> None:
    sim = sk.document_similarity(corpus)
    values = sim.to_numpy()
    assert sim.index.tolist() == corpus.ids and np.allclose(values, values.T) and np.allclose(np.diag(values), 1)
    assert sim.loc["2024"].drop("2024").idxmax() == "2023"
    by_mayor = sk.document_similarity(corpus, by="mayor")
    assert by_mayor.shape == (2, 2)


def test_kwic_across_the_corpus(corpus: sk.Corpus) -> None:
    hits = sk.kwic(corpus, "新发展格局", window=6)
    frame = hits.to_frame()
    assert frame["doc"].tolist() == ["2021", "2021", "2022"] and frame["year"].tolist() == [2021, 2021, 2022]
    assert {"left", "match", "right", "section", "section_title"} <= set(frame.columns)
    doc = corpus.document("2021")
    assert all(doc.text[s:e] == "新发展格局" for s, e in zip(frame["start"][:2], frame["end"][:2], strict=True))
    assert "2021" in hits._repr_html_() and len(hits[:1]) == 1 and hits.counts()["hits"].tolist() == [2, 1]
    only = sk.kwic(corpus.select(sections="二"), "新发展格局")
    assert set(only.to_frame()["section"].str[0]) == {"二"}
    assert len(corpus.kwic("新质生产力", limit=1)) == 1
    assert len(sk.kwic(corpus, "发展", unit="token")) > 0
    with pytest.raises(sk.SectionNotFoundError):
        sk.kwic(corpus, "发展", sections="九")


def test_sql_views(corpus: sk.Corpus) -> None:
    per_doc = corpus.sql("SELECT doc, count(*) AS n FROM tokens GROUP BY doc ORDER BY doc")
    assert per_doc["n"].tolist() == corpus.docs["tokens"].tolist()
    assert corpus.sql("SELECT count(*) AS n FROM docs")["n"].iloc[0] == 6
    with pytest.raises(sk.QueryError, match="query failed"):
        corpus.sql("SELECT nope FROM tokens")


# --- versions ----------------------------------------------------------------------------------------


def test_compare_versions_aligns_sections_and_sentences() -> None:
    diff = sk.compare_versions(VERSIONS / "2024-征求意见稿.txt", VERSIONS / "2024-定稿.txt")
    frame = diff.to_frame()
    assert list(frame.columns) == ["section_a", "section_b", "title", "op", "old", "new", "similarity",
                                   "old_start", "old_end", "new_start", "new_end"]
    added = frame[frame["op"] == "added"]
    assert set(added["section_b"]) == {"二/三"} and added["section_a"].eq("").all()
    removed = frame[frame["op"] == "removed"]
    assert removed["old"].tolist() == ["疫情防控平稳转段，群众就医用药需求得到较好保障。"]
    renamed = frame[(frame["section_a"] == "二/三") & (frame["section_b"] == "二/四")]
    assert not renamed.empty  # 全面推进乡村振兴 moved from 二/三 to 二/四 and is still paired
    changed = frame[frame["op"] == "changed"]
    assert "地区生产总值增长6.1%" in " ".join(changed["old"]) and (changed["similarity"] >= 60).all()
    html = diff.to_html()
    assert html.startswith("<!DOCTYPE html>") and "<del>1</del>" in html and "<ins>2</ins>" in html
    assert "<td colspan='2'>导语</td>" in html and "导语 导语" not in html  # the preamble is named once
    assert "text-align:left!important" in html  # JupyterLab right-aligns table cells otherwise
    assert "[-1-]{+2+}" in diff.to_text()
    summary = diff.summary()
    assert summary[["same", "changed", "added", "removed"]].to_numpy().sum() == len(frame)
    same = sk.compare_versions(VERSIONS / "2024-定稿.txt", VERSIONS / "2024-定稿.txt")
    assert set(same.to_frame()["op"]) == {"same"}
    d1 = sk.load(VERSIONS / "2024-定稿.txt")
    assert all(d1.text[r.new_start:r.new_end].strip() == r.new for r in frame.itertuples() if r.new_start >= 0)


def test_trend_finds_phrases_cut_by_hard_wraps_like_kwic(tmp_path: Path) -> None:
    folder = tmp_path / "wrapped"
    folder.mkdir()
    (folder / "2030.txt").write_text(
        "某市政府工作报告\n\n一、工作回顾\n过去一年，我们坚持以新发展理念引领推动高质量\n发展，全市经济运行稳中有进、进中向好，推动高\n"
        "质量发展取得新成效，人民群众获得感持续增强。\n",
        encoding="utf-8")
    c = sk.load_corpus(folder, cache=tmp_path / "cache", progress=False)
    assert len(sk.kwic(c.document("2030"), "高质量发展")) == 2
    assert sk.trend(c, "高质量发展", by="doc")["count"].tolist() == [2]
    assert len(sk.kwic(c, "高质量发展")) == 2


def test_section_roles_ignore_years_and_generic_titles() -> None:
    from studykit.corpus.sections import _score, title_key

    assert title_key("2023年工作回顾") == title_key("二〇二三年工作回顾") == "工作回顾"
    assert title_key("对今年政府工作的建议") == title_key("对2018年政府工作的建议")
    assert title_key("2025年和“十四五”时期工作回顾") == "十四五时期工作回顾"
    assert title_key("2011年的工作") == "工作"
    assert _score("工作回顾", "过去五年工作回顾") == 100.0
    # A two-character title is not "contained" in every title that holds it.
    assert _score("工作", "工作回顾") < 70 and _score("工作", "工作总体部署") < 70


# --- pruning the cache ------------------------------------------------------------------------------


def _age(path: Path, days: float) -> None:
    import os
    import time

    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_prune_removes_what_no_load_used_and_leaves_everything_else(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    docs = tmp_path / "docs"
    docs.mkdir()
    for year in (2023, 2024):
        shutil.copy(SAMPLE / f"{year}.txt", docs / f"{year}.txt")
    c = sk.load_corpus(docs, cache=cache, progress=False)
    old, new = (c.docs.loc[i, "key"] for i in (0, 1))
    store: Store = c.store
    for key in (old, new):
        _age(store.record_path(key), 200)
    # Loading again marks what it read as used: nothing is old any more.
    sk.load_corpus(docs, cache=cache, progress=False)
    assert sk.prune_cache(90, cache=cache, dry_run=True).entries == 0
    # An entry no load has used for 200 days goes; a fresh one stays.
    _age(store.record_path(old), 200)
    shown = sk.prune_cache(90, cache=cache, dry_run=True)
    assert (shown.entries, shown.files, shown.kept) == (1, 3, 1) and shown.bytes > 0
    assert store.has(old) and "would remove 1 entries" in str(shown) and "可清理 1 个" in str(shown)
    # What an interrupted build left (a temporary file, an entry without its record) goes after an
    # hour; another format's entries go at once; files the store did not name stay, and so do links.
    shard = store.record_path(new).parent
    temp = shard / f".{new}.tokens.parquet.abc123"
    temp.write_bytes(b"half")
    _age(temp, 1)
    orphan = shard / ("f" * 40 + ".tokens.parquet")
    orphan.write_bytes(b"no record")
    _age(orphan, 1)
    fresh_orphan = shard / ("e" * 40 + ".units.parquet")
    fresh_orphan.write_bytes(b"being written")
    (cache / "v0" / "ab").mkdir(parents=True)
    (cache / "v0" / "ab" / ("a" * 40 + ".json")).write_text("{}")
    mine = shard / "notes.txt"
    mine.write_text("mine")
    _age(mine, 500)
    (shard / ("d" * 40 + ".json")).symlink_to(mine)
    done = sk.prune_cache(90, cache=cache)
    assert done.entries == 3 and done.kept == 1 and not done.dry_run and "removed 3 entries" in str(done)
    assert not store.has(old) and store.has(new)
    assert not temp.exists() and not orphan.exists() and fresh_orphan.exists() and not (cache / "v0").exists()
    assert mine.read_text() == "mine" and (shard / ("d" * 40 + ".json")).is_symlink()
    # The corpus builds again what was pruned.
    again = sk.load_corpus(docs, cache=cache, progress=False)
    assert again.timings["built"] == 1 and store.has(old)


@pytest.mark.parametrize("days", [-1, float("nan"), float("inf"), "30", True])
def test_prune_refuses_a_bad_number_of_days(days: object, tmp_path: Path) -> None:
    with pytest.raises(sk.QueryError, match="days must be a number of days"):
        sk.prune_cache(days, cache=tmp_path)  # type: ignore[arg-type]


def test_prune_of_a_missing_or_wrong_folder(tmp_path: Path) -> None:
    assert sk.prune_cache(cache=tmp_path / "none").entries == 0
    (tmp_path / "file").write_text("x")
    with pytest.raises(sk.SourceError, match="not a folder"):
        sk.prune_cache(cache=tmp_path / "file")
