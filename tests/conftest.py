"""Shared fixtures. Tests draw with Agg inside this process only (never via MPLBACKEND)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_1776dd67e002c30c.txt"

# Keep jieba's dictionary cache and the font cache out of the user's home during tests, in a
# folder of this test run's own (subprocesses started by tests inherit it).
os.environ.setdefault("STUDYKIT_CACHE_DIR", tempfile.mkdtemp(prefix="studykit-test-cache-"))


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED
