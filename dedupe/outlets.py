"""Outlets: what a document's source field says about who published it.

A source is an outlet name ("The Daily Planet") or a web address ("https://www.msn.com/...",
"news.yahoo.com"). This module reads hosts out of sources and knows the news aggregators and
portals (``dedupe/data/aggregators.json``, plus the JSON files named by the
``DEDUPE_AGGREGATORS`` environment variable): sites that republish other outlets' articles, so
that their publication dates say nothing about who wrote first.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

#: Environment variable naming extra aggregator tables (JSON files of the shape of
#: ``dedupe/data/aggregators.json``; several separated by the path separator, ``:`` on Unix).
AGGREGATORS_ENV = "DEDUPE_AGGREGATORS"

_HOST_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]*@)?(?P<host>[^/:?#\s]+)")
_DOMAIN_LIKE_RE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")


@dataclass(frozen=True, slots=True)
class Aggregator:
    """A news aggregator or portal: its name, the outlet names and web domains it goes by."""

    name: str
    names: tuple[str, ...]
    domains: tuple[str, ...]


def source_host(source: str | None) -> str | None:
    """Return the host of `source` when it is a web address or a bare host name (lower case,
    without ``www.``, ``m.`` or ``amp.`` in front), else None."""
    if not source:
        return None
    text = source.strip().casefold()
    match = _HOST_RE.match(text)
    if not match:
        return None
    host = match["host"].rstrip(".")
    if "://" not in text and not _DOMAIN_LIKE_RE.match(host):
        return None  # an outlet name ("Yahoo News"), not an address
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
    return host


def host_on(host: str, domains: Iterable[str]) -> str | None:
    """Return the first of `domains` that `host` is on (the domain itself or a subdomain of it)."""
    for domain in domains:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


def parse_aggregators(raw: Mapping[str, Any]) -> tuple[Aggregator, ...]:
    """Return the aggregators of a table shaped like ``dedupe/data/aggregators.json``."""
    return tuple(
        Aggregator(
            a["name"],
            tuple(a.get("names", [a["name"]])),
            tuple(d.strip().casefold() for d in a.get("domains", [])),
        )
        for a in raw["aggregators"]
    )


@lru_cache(maxsize=1)
def load_aggregators() -> tuple[Aggregator, ...]:
    """Return the aggregators of the table shipped with dedupe, then those of the files named
    by the ``DEDUPE_AGGREGATORS`` environment variable (read once per process)."""
    shipped = resources.files("dedupe").joinpath("data/aggregators.json").read_text("utf-8")
    tables = [json.loads(shipped)]
    for path in filter(None, os.environ.get(AGGREGATORS_ENV, "").split(os.pathsep)):
        tables.append(json.loads(Path(path).read_text("utf-8")))
    return tuple(a for table in tables for a in parse_aggregators(table))


@lru_cache(maxsize=1)
def _aggregator_index() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    names = {n.strip().casefold(): a.name for a in load_aggregators() for n in (a.name, *a.names)}
    # Longest domains first, so that a host on news.example.com finds it before example.com.
    domains = sorted(
        ((d, a.name) for a in load_aggregators() for d in a.domains), key=lambda p: -len(p[0])
    )
    return names, tuple(domains)


def aggregator_of(source: str | None) -> str | None:
    """Return the name of the aggregator that `source` (an outlet name, host or web address)
    is, or None when it is none (names and hosts compared case-blind, ``www.`` ignored)."""
    if not source:
        return None
    names, domains = _aggregator_index()
    named = names.get(source.strip().casefold())
    if named:
        return named
    host = source_host(source)
    if host is None:
        return None
    return next((name for domain, name in domains if host_on(host, (domain,))), None)


def is_aggregator(source: str | None) -> bool:
    """Return True when `source` is a news aggregator or portal (see `aggregator_of`)."""
    return aggregator_of(source) is not None
