"""Shared fixtures: the real corpora in ../shared/corpora (skipped with a message when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
