"""The corpus layer under hostile input (red-team findings 2-6, 9-13, 15): metadata that looks like
code, names that are not UTF-8, link loops, odd metadata, reserved names, broken text, bad
scheduler addresses. Every failure is one bilingual line (a ``StudykitError``), never a traceback."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

import studykit as sk
from studykit.cli import main
from studykit.corpus import build

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "notebooks" / "data" / "青川市"


def folder(tmp_path: Path, names: dict[str, str], *, sub: str = "docs") -> Path:
    """A corpus folder: ``{relative name: sample year}`` copies of the sample reports."""
    d = tmp_path / sub
    for name, year in names.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE / f"{year}.txt", d / name)
    return d


def one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(exc.value)
    assert "\n" not in text and " / " in text, text
    return text


# --- finding 2: a metadata value is never run as code ----------------------------------------------


PAYLOAD = '=@self.sql("COPY (SELECT 1 AS x) TO \'{target}\' (HEADER false)").size > 0'


@pytest.fixture
def injected(tmp_path: Path) -> tuple[sk.Corpus, Path]:
    d = folder(tmp_path, {"2021.txt": 2021, "2022.txt": 2022, "2023.txt": 2023})
    target = tmp_path / "PWNED.txt"
    payload = PAYLOAD.format(target=target).replace('"', '""')
    (d / "metadata.csv").write_text(f'file,group\n2021.txt,A\n2022.txt,B\n2023.txt,"{payload}"\n', encoding="utf-8")
    corpus = sk.load_corpus(d, metadata=d / "metadata.csv", cache=tmp_path / "c", progress=False)
    return corpus, target


def test_a_metadata_value_picked_as_a_group_is_compared_not_evaluated(injected: tuple[sk.Corpus, Path]) -> None:
    corpus, target = injected
    ex = sk.CorpusExplorer(corpus)
    ex.by.value = "group"
    ex.view.value = "keyness"
    for _label, value in ex.target.options:  # the user picks each group in the 目标 dropdown
        ex.target.value = value
        assert not target.exists()
    ex.target.value = ex.target.options[-1][1]
    assert "2023" in str(ex.result.attrs.get("target", "")) or not ex.result.empty
    spec = str(corpus.docs["group"].iloc[-1])
    assert spec.startswith("=@self")
    assert corpus.select(where={"group": spec}).ids == ["2023"]
    assert corpus.select(where={"group": [spec, "A"]}).ids == ["2021", "2023"]
    for bad in (spec, "@self.sql('select 1')", "group == @self", "__import__('os').system('true')"):
        with pytest.raises(sk.QueryError) as exc:
            corpus.select(where=bad)
        one_line(exc)
        with pytest.raises(sk.QueryError):
            sk.keyness(corpus, target=bad)
    assert not target.exists()


def test_the_cli_target_is_a_filter_never_code(injected: tuple[sk.Corpus, Path], capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    corpus, target = injected
    d = Path(str(corpus.docs["path"].iloc[0])).parent
    spec = str(corpus.docs["group"].iloc[-1])
    code = main(["corpus", "compare", str(d), "--metadata", str(d / "metadata.csv"), "--target", spec,
                 "--cache", str(tmp_path / "c")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot read the filter" in err and "Traceback" not in err
    assert not target.exists()


def test_the_filter_language(tmp_path: Path) -> None:
    corpus = sk.load_corpus(SAMPLE, metadata=SAMPLE / "metadata.csv", cache=tmp_path / "c", progress=False)
    assert corpus.select(where="year >= 2022").ids == ["2022", "2023", "2024"]
    assert corpus.select(where="year=2019|2024").ids == ["2019", "2024"]
    assert corpus.select(where="year < 2020 or year > 2023").ids == ["2019", "2024"]
    assert corpus.select(where="mayor != 林远 and plan=十四五").ids == ["2022", "2023", "2024"]
    assert corpus.select(where="mayor == '周敏' && year <= 2022").ids == ["2022"]
    for bad, message in [("year >= abc", "holds numbers"), ("nofield=1", "no field"), ("path=x", "no field"),
                         ("title='unclosed", "unclosed quote"), ("year >=", "no value")]:
        with pytest.raises(sk.QueryError, match=message) as exc:
            corpus.select(where=bad)
        one_line(exc)


# --- finding 3: a file name that is not UTF-8 -------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="file names as raw bytes need a POSIX filesystem")
def test_a_gbk_file_name_loads_under_its_decoded_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = folder(tmp_path, {"2021.txt": 2021})
    gbk = os.path.join(os.fsencode(d), "报告.txt".encode("gbk"))
    shutil.copy(SAMPLE / "2022.txt", gbk)
    latin = os.path.join(os.fsencode(d), b"\xff\xfe.txt")  # not GB18030 either: shown with escapes
    shutil.copy(SAMPLE / "2023.txt", latin)
    corpus = sk.load_corpus(d, cache=tmp_path / "c", progress=False)
    assert len(corpus) == 3 and corpus.problems.empty
    assert "报告" in corpus.ids and all(str(p).encode("utf-8") for p in corpus.docs["path"])
    assert corpus.document("报告").title  # read again from the real (GBK) name
    assert len(corpus.kwic("发展", limit=2)) == 2
    code = main(["corpus", "terms", str(d), "--top", "1", "--cache", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    assert code == 0 and "报告" in out and "Traceback" not in err


# --- finding 4: ordinary metadata never crashes --------------------------------------------------


def test_metadata_types_are_kept_or_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = folder(tmp_path, {"2021.txt": 2021, "2022.txt": 2022, "附件.txt": 2023})
    cache = tmp_path / "c"
    partial = sk.load_corpus(d, name_pattern=r"(?P<year>\d{4})", cache=cache, progress=False)
    assert partial.docs["year"].tolist()[:2] == [2021, 2022]  # 附件's year comes from its date line
    assert partial.problems["problem"].str.contains("附件.txt does not match name_pattern").sum() == 1
    assert len(sk.trend(partial, ["发展"])) == 3

    def meta(text: str) -> Path:
        p = tmp_path / f"m{abs(hash(text))}.csv"
        p.write_text(text, encoding="utf-8")
        return p

    years = sk.load_corpus(d, metadata=meta("file,year\n2021.txt,2021年\n2022.txt,2022\n附件.txt,2023\n"),
                           cache=cache, progress=False)
    assert years.docs["year"].tolist() == [2021, 2022, 2023] and str(years.docs["year"].dtype) == "int64"
    text = sk.load_corpus(d, metadata=meta("file,rank\n2021.txt,1\n2022.txt,\n附件.txt,abc\n"), cache=cache, progress=False)
    assert text.docs["rank"].tolist()[::2] == ["1", "abc"]
    floats = sk.load_corpus(d, metadata=meta("file,share\n2021.txt,2.5\n2022.txt,3\n附件.txt,\n"), cache=cache, progress=False)
    assert floats.docs["share"].tolist()[:2] == [2.5, 3.0]
    header = sk.load_corpus(d, metadata=meta("file,year\n"), cache=cache, progress=False)
    assert len(header) == 3 and header.problems["problem"].str.contains("no metadata row").sum() == 3
    for bad in ("file,year\n2021.txt,2021.5\n", "file,year\n2021.txt,2021\n2022.txt,\n附件.txt,abc\n"):
        with pytest.raises(sk.QueryError, match="metadata column year has") as exc:
            sk.load_corpus(d, metadata=meta(bad), cache=cache, progress=False)
        one_line(exc)
    code = main(["corpus", "build", str(d), "--metadata", str(meta("file,year\n2021.txt,二〇二一\n")), "--cache", str(cache)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "二〇二一" in err


# --- finding 5, 15a, 15e: what is a file -------------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="symlinks and FIFOs")
def test_links_loops_and_odd_entries_are_listed_not_followed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = folder(tmp_path, {"2021.txt": 2021, "sub/2022.txt": 2022})
    (d / "sub" / "up").symlink_to("..")
    (d / "sub" / "self").symlink_to("../sub")
    cache = tmp_path / "c"
    globbed = sk.load_corpus(f"{d}/**/*.txt", cache=cache, progress=False)
    assert sorted(globbed.ids) == ["2021", "2022"]
    recursive = sk.load_corpus(d, recursive=True, cache=cache, progress=False)
    assert sorted(recursive.ids) == ["2021", "2022"]
    os.mkfifo(d / "pipe.txt")
    (d / "gone.txt").symlink_to(d / "missing.txt")
    (d / "loop.txt").symlink_to(d / "loop.txt")
    (d / "folder.txt").mkdir()
    (d / "again.txt").symlink_to(d / "2021.txt")
    odd = sk.load_corpus(d, cache=cache, progress=False)
    assert odd.ids == ["2021"]
    reasons = " ".join(odd.problems["problem"])
    for why in ("not a regular file", "broken symbolic link", "symbolic link loop", "is a folder", "same file as"):
        assert why in reasons, why
    listed = sk.load_corpus([d / "2021.txt", d / "sub" / ".." / "2021.txt", d / "2021.txt", d / "pipe.txt"],
                            cache=cache, progress=False)
    assert listed.ids == ["2021"] and "not a regular file" in " ".join(listed.problems["problem"])
    assert listed.problems["problem"].str.contains("same file").sum() == 2
    code = main(["corpus", "terms", str(d), "--top", "1", "--cache", str(cache)])
    err = capsys.readouterr().err
    assert code == 0 and err.count("studykit: warning:") == 5


# --- finding 6: failures are never silent ------------------------------------------------------------


def test_an_unwritable_cache_and_skipped_files_are_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    with pytest.raises(sk.SourceError, match="cannot write the cache folder") as exc:
        sk.load_corpus(SAMPLE, cache=blocked, progress=False)
    one_line(exc)
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / f"v{__import__('studykit.corpus.store', fromlist=['STORE_FORMAT']).STORE_FORMAT}").write_text("x")
    for argv in (["corpus", "trend", str(SAMPLE), "发展", "--cache", str(inner)],
                 ["corpus", "compare", str(SAMPLE), "--target", "2021", "--cache", str(inner)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "cannot write the cache folder" in err and err.count("\n") == 1
    d = folder(tmp_path, {"2021.txt": 2021})
    (d / "bin.txt").write_bytes(bytes(range(256)) * 12)
    (d / "empty.txt").write_bytes(b"")
    assert main(["corpus", "trend", str(d), "发展", "--by", "doc", "--cache", str(tmp_path / "c")]) == 0
    out, err = capsys.readouterr()
    assert "2021" in out and "bin.txt" in err and "empty.txt" in err and err.count("studykit: warning:") == 2
    none = folder(tmp_path, {}, sub="none")
    none.mkdir()
    (none / "empty.txt").write_bytes(b"")
    assert main(["corpus", "trend", str(none), "发展", "--cache", str(tmp_path / "c")]) == 2
    assert "no usable document" in capsys.readouterr().err


# --- findings 11 and 12: metadata applied where it belongs, reserved names refused --------------------


def test_metadata_rows_match_relative_paths_and_problems_are_listed(tmp_path: Path) -> None:
    d = folder(tmp_path, {"浙江/2021.txt": 2021, "江苏/2021.txt": 2022})
    (d / "metadata.csv").write_text("file,province\n浙江/2021.txt,浙江省\n江苏/2021.txt,江苏省\n", encoding="utf-8")
    corpus = sk.load_corpus(d, recursive=True, metadata=d / "metadata.csv", cache=tmp_path / "c", progress=False)
    assert dict(zip(corpus.ids, corpus.docs["province"], strict=True)) == {"江苏/2021": "江苏省", "浙江/2021": "浙江省"}
    assert corpus.problems.empty
    (d / "ambiguous.csv").write_text("file,province\n2021.txt,某省\n", encoding="utf-8")
    both = sk.load_corpus(d, recursive=True, metadata=d / "ambiguous.csv", cache=tmp_path / "c", progress=False)
    assert both.docs["province"].isna().all() and "matches 2 files" in " ".join(both.problems["problem"])
    e = folder(tmp_path, {"2021.txt": 2021, "2022.txt": 2022}, sub="dup")
    (e / "m.csv").write_text("file,year,doc,tokens,region\n2021.txt,2021,X,5,a\n2021.txt,1999,Y,6,b\n"
                             "2022.txt,2022,Z,7,c\nnone.txt,2000,W,8,d\n", encoding="utf-8")
    dup = sk.load_corpus(e, metadata=e / "m.csv", cache=tmp_path / "c", progress=False)
    assert dup.docs["year"].tolist() == [2021, 2022] and dup.docs["region"].tolist() == ["a", "c"]
    assert dup.ids == ["2021", "2022"] and dup.docs["tokens"].tolist()[0] > 100
    problems = " ".join(dup.problems["problem"])
    for why in ("2 rows for 2021", "'doc' is a reserved column", "'tokens' is a reserved column", "none.txt matches no file"):
        assert why in problems, why


def test_reserved_names_are_refused(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    for group in ("doc", "tokens", "key", "path", "chars"):
        with pytest.raises(sk.QueryError, match="reserved column") as exc:
            sk.load_corpus(SAMPLE, name_pattern=rf"(?P<{group}>\d+)", cache=cache, progress=False)
        one_line(exc)
    meta = tmp_path / "term.csv"
    meta.write_text("file,term\n" + "".join(f"{y}.txt,第{'十' if y < 2022 else '十一'}届\n" for y in range(2019, 2025)),
                    encoding="utf-8")
    corpus = sk.load_corpus(SAMPLE, metadata=meta, cache=cache, progress=False)
    for call in (lambda: sk.trend(corpus, ["发展"], by="term"), lambda: sk.term_frequencies(corpus, by="term", top=2),
                 lambda: sk.first_appearance(corpus, terms=["发展"], by="term"), lambda: sk.key_terms(corpus, by="term")):
        with pytest.raises(sk.QueryError, match="the result has its own 'term' column") as exc:
            call()
        one_line(exc)
    for by in ("tokens", "rate", "path"):
        with pytest.raises(sk.QueryError, match="cannot group by"):
            sk.trend(corpus, ["发展"], by=by)
    renamed = sk.load_corpus(SAMPLE, metadata=pd.read_csv(meta).rename(columns={"term": "届次"}), cache=cache, progress=False)
    assert sk.trend(renamed, ["发展"], by="届次")["届次"].tolist() == ["第十一届", "第十届"]


# --- findings 10, 13, 15e: counting terms ----------------------------------------------------------


def test_trend_regex_counts_what_kwic_finds(tmp_path: Path) -> None:
    d = tmp_path / "re"
    d.mkdir()
    (d / "a.txt").write_text("一、总体要求\n经济总量翻番，２０２１年和2022年。\n全面\u3000推进改革。\n", encoding="utf-8")
    corpus = sk.load_corpus(d, cache=tmp_path / "c", progress=False)
    for pattern in (r"\d+年", r"全面\s推进", r"\w+翻番", "x*", "(?<=全面)推进"):
        counted = int(sk.trend(corpus, [pattern], regex=True, by="doc")["count"].sum())
        assert counted == len(sk.kwic(corpus, pattern, regex=True)), pattern
    assert int(sk.trend(corpus, [r"\d+年"], regex=True, by="doc")["count"].sum()) == 2
    with pytest.raises(sk.QueryError, match="invalid regular expression"):
        sk.trend(corpus, ["(unclosed"], regex=True)


def test_broken_terms_and_options_are_query_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = sk.load_corpus(SAMPLE, cache=tmp_path / "c", progress=False)
    calls = [lambda: sk.trend(corpus, ["发\ud800"]), lambda: sk.first_appearance(corpus, terms=["发\ud800"]),
             lambda: sk.trend(corpus, None), lambda: sk.trend(corpus, []), lambda: sk.trend(corpus, ["发展"], kinds=[]),
             lambda: sk.trend(corpus, ["发展"], by=["year"])]
    for call in calls:
        with pytest.raises(sk.QueryError) as exc:
            call()
        one_line(exc)
    with pytest.raises(sk.QueryError, match="kinds is empty"):
        sk.term_frequencies(corpus, kinds=[])
    assert len(sk.kwic(corpus, "发展", limit=3)) == 3
    assert corpus.select(parts="body").tokens()["part"].eq("body").all()
    with pytest.raises(sk.QueryError, match="unknown part 'bod'"):
        corpus.select(parts="bod")
    ex = sk.CorpusExplorer(corpus)
    for view in ("trend", "first"):
        ex.view.value = view
        ex.terms.value = "发\ud800"
        assert "invalid query" in ex.messages.value
    assert main(["corpus", "trend", str(SAMPLE), "发\udcff", "--cache", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "invalid query" in err and err.count("\n") == 1


def test_an_explorer_on_a_corpus_with_no_usable_document_says_why(tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "bin.txt").write_bytes(bytes(range(256)) * 12)
    corpus = sk.load_corpus(d, cache=tmp_path / "c", progress=False)
    assert len(corpus) == 0 and len(corpus.problems) == 2
    ex = sk.CorpusExplorer(corpus)
    assert "no usable document" in ex.messages.value and "no document chosen" not in ex.messages.value


# --- finding 9: scheduler addresses ------------------------------------------------------------------


def test_bad_scheduler_addresses_fail_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    for address, why in [("tcp://127.0.0.1:99999", "out of range"), ("tcp://[::1", "IPv6"), ("http://x", "scheme http"),
                         ("tcp://127.0.0.1", "no port"), ("gpu", "unknown scheduler"), (5, "int")]:
        with pytest.raises(sk.QueryError, match="unknown scheduler") as exc:
            sk.load_corpus(SAMPLE, cache=tmp_path / "c", scheduler=address, progress=False)
        assert why in one_line(exc)
    assert main(["corpus", "build", str(SAMPLE), "--scheduler", "http://x", "--cache", str(tmp_path / "c")]) == 2
    assert capsys.readouterr().err.count("\n") == 1

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    held: list[socket.socket] = []

    def accept() -> None:  # a port that accepts and then says nothing, as a non-Dask service might
        try:
            while True:
                held.append(server.accept()[0])
        except OSError:
            return

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setattr(build, "CONNECT_SECONDS", 1.0)
    try:
        with pytest.raises(sk.StudykitError, match="no answer within 1 s") as exc:
            sk.load_corpus(SAMPLE, cache=tmp_path / "fresh", scheduler=f"tcp://127.0.0.1:{server.getsockname()[1]}",
                           progress=False)
        one_line(exc)
    finally:
        server.close()
        for s in held:
            s.close()


# --- finding 8: comparing versions stays near-linear -------------------------------------------------


def test_the_sparse_alignment_finds_the_exact_optimum() -> None:
    import random

    from studykit.corpus import versions

    rng = random.Random(7)
    for _ in range(200):
        n, m = rng.randrange(0, 9), rng.randrange(0, 9)
        table = {(i, j): rng.choice([0.0, 0.0, 0.0, rng.uniform(50, 100)]) for i in range(n) for j in range(m)}
        exact = versions._align(n, m, lambda i, j, t=table: t[(i, j)], 60.0)
        sparse = versions._chain(n, m, [(i, j, s) for (i, j), s in table.items() if s >= 60.0])
        total = sum(s for _i, _j, s in exact)
        assert abs(sum(s for _i, _j, s in sparse) - total) < 1e-9
        for aligned in (exact, sparse):  # every item once, in order
            assert [i for i, _j, _s in aligned if i is not None] == list(range(n))
            assert [j for _i, j, _s in aligned if j is not None] == list(range(m))


def test_large_stretches_and_long_lines_give_the_exact_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from studykit.corpus import versions

    rng = random.Random(1)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    old = ["".join(rng.choice(han) for _ in range(rng.randrange(8, 30))) for _ in range(300)]
    new = []
    for k, s in enumerate(old):
        if k % 7 == 0:
            continue  # removed
        if k % 5 == 0:
            s = s[:3] + "进一步" + s[6:]  # rewritten
        new.append(s)
        if k % 11 == 0:
            new.append("".join(rng.choice(han) for _ in range(15)))  # added
    a = sk.load(text="一、总体\n" + "。".join(old) + "。\n")
    b = sk.load(text="一、总体\n" + "。".join(new) + "。\n")
    sparse = versions.compare_versions(a, b)
    monkeypatch.setattr(versions, "EXACT_CELLS", 10**12)
    exact = versions.compare_versions(a, b)
    assert sparse.to_frame().equals(exact.to_frame()) and sparse.counts["changed"] > 40
    line = "".join(rng.choice(han) for _ in range(300_000))
    long_a = sk.load(text=f"一、总体\n{line}\n")
    long_b = sk.load(text=f"一、总体\n{line[:150_000]}改{line[150_001:]}\n")
    diff = versions.compare_versions(long_a, long_b)
    assert diff.counts["changed"] == 1
    text = diff.to_text()
    assert f"[-{line[150_000]}-]{{+改+}}" in text and len(text) < 310_000
    other = "".join(rng.choice(han) for _ in range(300_000))
    assert versions._similarity(line, other) < 10  # estimated, not a minute of exact LCS
    assert versions._opcodes(line, other) == [("replace", 0, 300_000, 0, 300_000)]


def test_the_diff_command_takes_stdin_errors_and_max_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes((SAMPLE / "2021.txt").read_text(encoding="utf-8").encode("gb18030"))
    assert main(["diff", str(gbk), str(SAMPLE / "2021.txt"), "--encoding", "utf-8"]) == 2
    assert "--errors replace" in capsys.readouterr().err
    assert main(["diff", str(gbk), str(SAMPLE / "2021.txt"), "--encoding", "utf-8", "--errors", "replace"]) == 0
    assert "added" in capsys.readouterr().out
    assert main(["diff", str(SAMPLE / "2021.txt"), str(SAMPLE / "2022.txt"), "--max-bytes", "10"]) == 2
    assert "--max-bytes" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["diff", str(SAMPLE / "2021.txt"), str(SAMPLE / "2022.txt"), "--threshold", "nan"])
    assert exit_.value.code == 2 and "from 0 to 100" in capsys.readouterr().err
    stdin = io.TextIOWrapper(io.BytesIO((SAMPLE / "2021.txt").read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["diff", "-", str(SAMPLE / "2021.txt")]) == 0
    assert "(0 changed, 0 added, 0 removed" in capsys.readouterr().out
    assert main(["diff", "-", "-"]) == 2
    assert "both versions are standard input" in capsys.readouterr().err


def test_a_worker_process_loads_the_segmenter_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing
    import pickle

    own = sk.JiebaSegmenter()
    assert build._worker_segmenter(own) is own and not build._SEGMENTERS  # the caller's process keeps nothing
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())  # as in a Dask worker
    monkeypatch.setattr(build, "_SEGMENTERS", {})
    first, second = pickle.loads(pickle.dumps(own)), pickle.loads(pickle.dumps(own))
    assert build._worker_segmenter(first) is first and build._worker_segmenter(second) is first
    other = pickle.loads(pickle.dumps(sk.JiebaSegmenter(user_words=["新质生产力"])))
    assert build._worker_segmenter(other) is other


def test_a_catastrophic_trend_pattern_stops_with_kwics_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from studykit.corpus import analyses

    d = tmp_path / "slow"
    d.mkdir()
    (d / "a.txt").write_text("一、总体要求\n" + "".join("发展" * 12 + "。\n" for _ in range(30)), encoding="utf-8")
    corpus = sk.load_corpus(d, cache=tmp_path / "c", progress=False)
    monkeypatch.setattr(analyses, "REGEX_TIMEOUT", 0.01)
    with pytest.raises(sk.QueryError, match="took longer than") as exc:
        sk.trend(corpus, [r"^(发展|发|展)*\d"], regex=True)
    one_line(exc)


def test_an_unguarded_script_gets_one_line_not_a_traceback_per_worker(tmp_path: Path) -> None:
    import subprocess

    script = tmp_path / "unguarded.py"  # builds at the top level, without if __name__ == "__main__":
    script.write_text(
        "import studykit as sk\n"
        f"sk.load_corpus({str(SAMPLE)!r}, cache={str(tmp_path / 'c')!r}, scheduler='processes', workers=2, progress=False)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env, check=False)
    assert run.returncode == 1 and 'put the code under if __name__ == "__main__"' in run.stderr
    assert run.stderr.count("Traceback") == 1  # the script's own StudykitError; the workers leave quietly


# --- second audit: ids that are years, office files in a folder, odd options -------------------------


def test_a_year_as_a_number_names_the_document_of_that_stem(tmp_path: Path) -> None:
    d = folder(tmp_path, {"2021.txt": 2021, "2022.txt": 2022, "2023.txt": 2023})
    corpus = sk.load_corpus(d, cache=tmp_path / "c", progress=False)
    assert corpus.select(docs=2023).ids == ["2023"]
    assert corpus.select(docs=[2021, "2022"]).ids == ["2021", "2022"]
    by_int = sk.keyness(corpus, target=2023, reference=2022)
    by_str = sk.keyness(corpus, target="2023", reference="2022")
    pd.testing.assert_frame_equal(by_int, by_str)
    for bad in (3.5, object()):
        with pytest.raises(sk.QueryError) as exc:
            corpus.select(docs=bad)  # type: ignore[arg-type]
        assert "cannot choose documents" in one_line(exc)
    with pytest.raises(sk.QueryError) as exc:
        corpus.select(docs=1999)
    one_line(exc)


def test_word_and_pdf_files_in_a_folder_are_problems_not_skipped_silently(tmp_path: Path) -> None:
    d = folder(tmp_path, {"2021.txt": 2021})
    (d / "报告.docx").write_bytes(b"PK\x03\x04 not really")
    (d / "b.pdf").write_bytes(b"%PDF-1.4 not really")
    (d / "README").write_text("notes", encoding="utf-8")  # not a document: not a problem either
    (d / "metadata.csv").write_text("file,year\n2021.txt,2021\n", encoding="utf-8")
    corpus = sk.load_corpus(d, cache=tmp_path / "c", progress=False)
    assert corpus.ids == ["2021"]
    problems = dict(zip(corpus.problems["path"].map(lambda p: Path(p).name), corpus.problems["problem"], strict=True))
    assert set(problems) == {"报告.docx", "b.pdf"}
    assert "save it as plain text" in problems["报告.docx"] and " / " in problems["b.pdf"]


def test_odd_options_get_one_line(tmp_path: Path) -> None:
    d = folder(tmp_path, {"2021.txt": 2021, "2022.txt": 2022})
    with pytest.raises(sk.QueryError) as exc:
        sk.load_corpus(d, backend="foo", cache=tmp_path / "c", progress=False)  # type: ignore[arg-type]
    assert "unknown backend" in one_line(exc)
    meta = pd.DataFrame({"file": ["2021.txt", "2022.txt"], "year": ["去年", "2022"]})
    with pytest.raises(sk.QueryError) as exc:
        sk.load_corpus(d, metadata=meta, cache=tmp_path / "c", progress=False)
    assert "'去年'" in one_line(exc)


def test_an_error_naming_a_lone_surrogate_still_prints(tmp_path: Path) -> None:
    d = folder(tmp_path, {"2021.txt": 2021, "2022.txt": 2022})
    corpus = sk.load_corpus(d, cache=tmp_path / "c", progress=False)
    with pytest.raises(sk.QueryError) as exc:
        corpus.select(docs=["\ud800"])
    text = one_line(exc)
    text.encode("utf-8")  # printable in a terminal and a notebook
    assert "\\ud800" in text


def test_corpus_analysis_options_are_checked_in_one_line(tmp_path: Path) -> None:
    d = folder(tmp_path, {"2021.txt": 2021, "2022.txt": 2022})
    corpus = sk.load_corpus(d, cache=tmp_path / "c", progress=False)
    calls = [
        lambda: sk.key_terms(corpus, top=2.5), lambda: sk.key_terms(corpus, top=float("nan")),
        lambda: sk.key_terms(corpus, top=True), lambda: sk.key_terms(corpus, top="3"),
        lambda: sk.key_terms(corpus, min_count=0), lambda: sk.key_terms(corpus, min_count=None),
        lambda: sk.keyness(corpus, target="2021", top=-1), lambda: sk.keyness(corpus, target="2021", alpha=2),
        lambda: sk.term_frequencies(corpus, min_len=0), lambda: sk.first_appearance(corpus, min_documents=0),
        lambda: sk.keyness(corpus, target=b"2021"),
    ]
    for call in calls:
        with pytest.raises(sk.QueryError) as exc:
            call()
        one_line(exc)
    tr = sk.trend(corpus, ["高质量发展"])
    for call in (lambda: sk.plot_trends(tr, ncols=float("nan")), lambda: sk.plot_trends(tr, ncols=None),
                 lambda: sk.plot_trend(tr, terms=2.5)):
        with pytest.raises(sk.QueryError) as exc:
            call()
        assert "选项" in one_line(exc)


# --- round 3: damaged caches, empty cache paths, FIFOs, huge options ------------------------------------


def test_a_damaged_cache_entry_is_built_again(tmp_path: Path) -> None:
    docs = folder(tmp_path, {"2019.txt": 2019, "2020.txt": 2020, "2021.txt": 2021})
    cache = tmp_path / "cache"
    c = sk.load_corpus(docs, cache=cache, progress=False)
    keys = list(c.docs["key"])
    tokens = c.store.tokens_path(keys[0])
    tokens.write_bytes(tokens.read_bytes()[:100])  # truncated: no Parquet footer
    c.store.record_path(keys[1]).write_text('{"content": ', encoding="utf-8")  # truncated JSON
    c.store.record_path(keys[2]).write_bytes(b"\xff\xfe[1, 2]")  # not UTF-8, not an object
    again = sk.load_corpus(docs, cache=cache, progress=False)
    assert again.timings["built"] == 3 and again.problems.empty
    assert len(sk.term_frequencies(again, by="doc")) > 0 and len(again.tokens()) == c.n_tokens


@pytest.mark.parametrize("cache", ["", "  ", 5, b"/tmp"])
def test_an_empty_or_wrong_cache_path_is_refused(cache: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    docs = folder(tmp_path, {"2019.txt": 2019})
    with pytest.raises(sk.QueryError) as err:
        sk.load_corpus(docs, cache=cache, progress=False)  # type: ignore[arg-type]
    assert "cache" in one_line(err)
    with pytest.raises(sk.QueryError):
        sk.prune_cache(cache=cache)  # type: ignore[arg-type]
    assert not (tmp_path / "v1").exists()  # nothing written in the current folder


def test_prune_leaves_a_newer_layout_alone(tmp_path: Path) -> None:
    newer = tmp_path / "v99" / "ab"
    newer.mkdir(parents=True)
    entry = newer / ("a" * 40 + ".json")
    entry.write_text("{}")
    os.utime(entry, (0, 0))
    assert sk.prune_cache(0, cache=tmp_path).entries == 0 and entry.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_put_in_a_documents_place_does_not_hang(tmp_path: Path) -> None:
    docs = folder(tmp_path, {"2019.txt": 2019, "2020.txt": 2020})
    c = sk.load_corpus(docs, cache=tmp_path / "cache", progress=False)
    (docs / "2019.txt").unlink()
    os.mkfifo(docs / "2019.txt")
    with pytest.raises(sk.SourceNotFoundError) as err:
        c.document("2019")  # reading the text for the reader view
    assert "2019" in one_line(err)
    again = sk.load_corpus(docs, cache=tmp_path / "cache", progress=False)  # listing and hashing
    assert again.ids == ["2020"] and len(again.problems) == 1


def test_repeated_sentences_diff_quickly_and_correctly() -> None:
    a = "一、标题\n" + "\n".join(["同一句话重复出现。"] * 5000)
    counts = sk.compare_versions(a, a + "\n不同的一句话。").counts
    assert counts == {"same": 5001, "changed": 0, "added": 1, "removed": 0}


def test_huge_options_are_one_line_or_harmless(tmp_path: Path) -> None:
    doc = sk.load(SAMPLE / "2019.txt", max_bytes=2**63)  # no limit in effect: read as usual
    with pytest.raises(sk.QueryError) as err:
        sk.kwic(doc, "发展", window=10**7)
    assert "window" in one_line(err)
    assert len(repr(sk.kwic(doc, "发展", window=100_000))) < 20_000  # padded to the contexts, not the window
    c = sk.load_corpus(folder(tmp_path, {"2019.txt": 2019}), cache=tmp_path / "cache", progress=False)
    with pytest.raises(sk.QueryError):
        sk.kwic(c, "发展", window=10**30)
    assert sk.prune_cache(10**400, cache=tmp_path / "cache").entries == 0


@pytest.mark.parametrize("prior", [-1, 0, float("nan"), float("inf"), {"发展": "a"}])
def test_corpus_log_odds_refuses_a_bad_prior(prior: object, tmp_path: Path) -> None:
    c = sk.load_corpus(folder(tmp_path, {"2019.txt": 2019, "2020.txt": 2020}), cache=tmp_path / "cache",
                       progress=False)
    with pytest.raises(sk.QueryError) as err:
        sk.keyness(c, target="2019", measure="log_odds", prior=prior)  # type: ignore[arg-type]
    assert "prior" in one_line(err)


@pytest.mark.parametrize(
    ("source", "options", "message"),
    [
        (5, {}, "source"), (None, {}, "source"), ([5], {}, "source"), (b"/tmp", {}, "source"),
        (SAMPLE, {"metadata": 5}, "metadata"), (SAMPLE, {"encoding": 5}, "encoding"),
        (SAMPLE, {"segmenter": 5}, "segmenter"), (SAMPLE, {"workers": "2"}, "workers"),
        (SAMPLE, {"workers": -1}, "workers"), (SAMPLE, {"workers": 1.5}, "workers"),
        (SAMPLE, {"errors": "x"}, "errors"), (SAMPLE, {"recursive": "yes"}, "recursive"),
    ],
)
def test_load_corpus_refuses_unusable_arguments(source: object, options: dict[str, object], message: str) -> None:
    with pytest.raises(sk.QueryError) as err:
        sk.load_corpus(source, cache=False, progress=False, **options)  # type: ignore[arg-type]
    assert message in one_line(err)


def test_cross_document_options_are_checked(tmp_path: Path) -> None:
    c = sk.load_corpus(folder(tmp_path, {"2019.txt": 2019, "2020.txt": 2020}), cache=tmp_path / "cache",
                       progress=False)
    old, new = SAMPLE / "2019.txt", SAMPLE / "2020.txt"
    calls = [
        lambda: sk.align_sections(c, threshold="a"),
        lambda: sk.align_sections(c, threshold=float("nan")),
        lambda: sk.align_sections(c, roles={"x": 5}),
        lambda: sk.compare_versions(old, new, threshold=None),
        lambda: sk.compare_versions(old, new, threshold=101),
        lambda: sk.compare_versions(old, new, section_threshold="x"),
        lambda: sk.compare_versions(old, new).to_html(context="a"),
        lambda: c.select(sections=5),
        lambda: sk.trend(c, "发展", regex="yes"),
        lambda: sk.CorpusExplorer(sk.load(old)),
    ]
    for call in calls:
        with pytest.raises(sk.QueryError) as err:
            call()  # type: ignore[no-untyped-call]
        one_line(err)
    assert len(sk.first_appearance(c, kinds="numbered")) == len(sk.first_appearance(c, kinds=["numbered"])) > 0


def test_identical_failing_files_are_each_named(tmp_path: Path) -> None:
    d = folder(tmp_path, {"2019.txt": 2019})
    (d / "a.txt").write_bytes(b"")
    (d / "b.txt").write_bytes(b"")
    c = sk.load_corpus(d, cache=False, progress=False)
    problems = dict(zip(c.problems["doc"], c.problems["problem"], strict=True))
    assert "b.txt" in problems["b"] and "a.txt" not in problems["b"]
