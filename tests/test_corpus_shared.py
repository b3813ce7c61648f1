"""The corpus layer on real documents nobody on the team wrote: ../shared/corpus (28 provincial work
reports of 2026, the national reports of 2008–2022). Skipped where that folder is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

import studykit as sk

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" / "corpus" for p in ROOT.parents if (p / "shared" / "corpus").is_dir()), None)
pytestmark = pytest.mark.skipif(SHARED is None, reason="../shared/corpus is absent (only the team's machines have it)")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shared-cache")


@pytest.fixture(scope="module")
def national(cache: Path) -> sk.Corpus:
    assert SHARED is not None
    return sk.load_corpus(SHARED / "national-reports", name_pattern=r"(?P<year>\d{4})", cache=cache, progress=False)


@pytest.fixture(scope="module")
def provinces(cache: Path) -> sk.Corpus:
    assert SHARED is not None
    folder = SHARED / "provincial-2026"
    return sk.load_corpus(folder, metadata=folder / "metadata.csv", cache=cache, progress=False)


def test_national_reports_trend(national: sk.Corpus) -> None:
    assert national.docs["year"].tolist() == list(range(2008, 2023)) and national.problems.empty
    trend = sk.trend(national, ["高质量发展", "供给侧结构性改革"]).set_index(["term", "year"])["count"]
    assert all(trend[("供给侧结构性改革", y)] == 0 for y in range(2008, 2016))
    assert all(trend[("供给侧结构性改革", y)] > 0 for y in range(2016, 2023))
    assert all(trend[("高质量发展", y)] == 0 for y in range(2008, 2018))
    assert all(trend[("高质量发展", y)] > 0 for y in range(2018, 2023))
    roles = sk.align_sections(national)
    assert roles[roles["role"] == "工作回顾"]["doc"].nunique() >= 13


def test_provincial_reports_distinctive_terms(provinces: sk.Corpus) -> None:
    assert len(provinces) == 28 and provinces.problems.empty and "province" in provinces.fields
    key = sk.key_terms(provinces, by="province", top=5, min_count=5)
    assert key["province"].nunique() == 28
    named = 0
    for province, group in key.groupby("province"):
        short = str(province).removesuffix("省").removesuffix("市").removesuffix("自治区")[:2]
        named += any(short in term or term in str(province) for term in group["term"])
    assert named >= 25  # each report's most distinctive words name its own province or city
    hits = sk.kwic(provinces, "新质生产力", window=5).to_frame()
    assert hits["doc"].nunique() >= 25 and set(hits["match"]) == {"新质生产力"}
