"""Shared fixtures: the real corpora in ../shared/corpora (skipped with a message when absent)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from hypothesis import settings

import dedupe

# Property tests draw the same examples on every run, so that a run (CI's above all) passes
# or fails by the code, not by chance; `HYPOTHESIS_PROFILE=explore` draws new examples
# (with `--hypothesis-seed` to replay a run).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def corpus_dir(name: str) -> Path:
    """Return the path of a shared corpus, skipping the test when it is not there."""
    path = CORPORA / name
    if not path.is_dir():
        pytest.skip(f"corpus {path} is absent (expected ../shared/corpora/{name} beside the repo)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return corpus_dir("seeds")


@pytest.fixture(scope="session")
def pan_dir() -> Path:
    return corpus_dir("pan13-no-obfuscation")


@pytest.fixture(scope="session")
def clough_dir() -> Path:
    return corpus_dir("clough-stevenson")


@pytest.fixture(scope="session")
def news_clusters_dir() -> Path:
    return corpus_dir("news-clusters")


@pytest.fixture(scope="session")
def clough_report(clough_dir: Path) -> dedupe.Report:
    """The scan of the 100 Clough & Stevenson texts, with pairs and texts (one process)."""
    return dedupe.scan(sorted(clough_dir.glob("*.txt")), jobs=1, pairs=True, texts=True)


@pytest.fixture(scope="session")
def clough_labels(clough_dir: Path) -> dict[str, tuple[str, str]]:
    """Return {answer id: (source id, category)} of the Clough & Stevenson answers."""
    with open(clough_dir / "file_information.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        Path(row["File"]).stem: (f"orig_task{row['Task']}", row["Category"].strip())
        for row in rows
        if row["Category"].strip() != "orig"
    }
