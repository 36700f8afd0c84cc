"""Tests of outlets: hosts of sources, and the table of news aggregators."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dedupe import outlets
from dedupe.outlets import aggregator_of, host_on, is_aggregator, load_aggregators, source_host


@pytest.mark.parametrize(
    ("source", "host"),
    [
        ("news.yahoo.com", "news.yahoo.com"),
        ("www.msn.com", "msn.com"),
        ("https://www.msn.com/en-us/news/world/story", "msn.com"),
        ("HTTP://M.AOL.COM/news", "aol.com"),
        ("http://user@news.google.com:443/x", "news.google.com"),
        ("www.com", "www.com"),  # too short to drop "www."
        ("Yahoo News", None),  # an outlet name
        ("The Daily Planet", None),
        ("", None),
        (None, None),
    ],
)
def test_source_host(source: str | None, host: str | None) -> None:
    assert source_host(source) == host


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("msn.com", "msn.com"),
        ("uk.msn.com", "msn.com"),
        ("notmsn.com", None),
        ("msn.com.evil.org", None),
    ],
)
def test_host_on(host: str, expected: str | None) -> None:
    assert host_on(host, ("msn.com", "aol.com")) == expected


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("Yahoo News", "Yahoo News"),
        ("  yahoo news ", "Yahoo News"),
        ("news.yahoo.com", "Yahoo News"),
        ("uk.news.yahoo.com", "Yahoo News"),
        ("https://www.msn.com/en-gb/news/uk/x", "MSN"),
        ("MSN", "MSN"),
        ("aol.com", "AOL"),
        ("news.google.com", "Google News"),
        ("Apple News", "Apple News"),
        ("apple.news", "Apple News"),
        ("www.newsbreak.com", "NewsBreak"),
        ("SmartNews", "SmartNews"),
        ("flipboard.com", "Flipboard"),
        ("ground.news", "Ground News"),
        ("www.nytimes.com", None),
        ("The Guardian", None),
        ("google.com", None),  # only its news site aggregates
        (None, None),
    ],
)
def test_aggregator_of(source: str | None, name: str | None) -> None:
    assert aggregator_of(source) == name
    assert is_aggregator(source) is (name is not None)


def test_every_aggregator_is_found_by_its_names_and_domains() -> None:
    for aggregator in load_aggregators():
        for name in (aggregator.name, *aggregator.names):
            assert aggregator_of(name.upper()) is not None
        for domain in aggregator.domains:
            assert is_aggregator(f"https://www.{domain}/a/story")


@pytest.fixture
def extra_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An extra aggregator table named by DEDUPE_AGGREGATORS; caches cleared around the test."""
    path = tmp_path / "mine.json"
    table = {"aggregators": [{"name": "Local Digest", "domains": ["digest.example"]}]}
    path.write_text(json.dumps(table), "utf-8")
    monkeypatch.setenv(outlets.AGGREGATORS_ENV, str(path))
    load_aggregators.cache_clear()
    outlets._aggregator_index.cache_clear()
    yield path
    monkeypatch.delenv(outlets.AGGREGATORS_ENV)
    load_aggregators.cache_clear()
    outlets._aggregator_index.cache_clear()


def test_users_add_aggregators_in_a_file_of_their_own(extra_table: Path) -> None:
    assert aggregator_of("Local Digest") == "Local Digest"
    assert aggregator_of("https://digest.example/story/1") == "Local Digest"
    assert aggregator_of("news.yahoo.com") == "Yahoo News"  # the shipped table still counts
