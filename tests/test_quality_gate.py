"""Quality gate: the fast benchmark subset must not fall below the floors of benchmarks/floors.json.

The floors are "do not regress" values measured on the current code (``python -m
benchmarks.quality --fast --write-floors``), not the issue's targets. The subset runs once for
the module (about 10 s); each figure is its own test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from benchmarks import quality

FLOORS: dict[str, Any] = json.loads(quality.FLOORS_PATH.read_text("utf-8"))
REMEASURE = "re-measure the floors: python -m benchmarks.quality --fast --write-floors"
LIMITS = [(name, ">=", value) for name, value in FLOORS["floors"].items()] + [
    (name, "<=", value) for name, value in FLOORS["ceilings"].items()
]
CORPORA = ("seeds", "clough-stevenson", "pan13-no-obfuscation", "news-clusters")


def _require_corpora() -> None:
    for name in CORPORA:
        if not (quality.CORPORA / name).is_dir():
            pytest.skip(
                f"corpus {quality.CORPORA / name} is absent"
                f" (expected ../shared/corpora/{name} beside the repo): quality gate not run"
            )


def _check_digest() -> None:
    files = quality.corpora_files(quality.CORPORA, FLOORS["pan_pairs"])
    digest = quality.corpora_digest(files, quality.CORPORA)
    if digest != FLOORS["corpora_sha256"]:
        pytest.fail(
            f"the corpora differ from those the floors were measured on"
            f" (sha256 {digest[:12]}..., floors.json has {FLOORS['corpora_sha256'][:12]}...):"
            f" {REMEASURE}"
        )


@pytest.fixture(scope="module")
def fast_figures() -> dict[str, float]:
    _require_corpora()
    _check_digest()
    expected = {"articles": quality.FAST_SYNTHETIC_ARTICLES, "seed": quality.SYNTHETIC_SEED}
    if FLOORS["synthetic"] != expected or FLOORS["pan_pairs"] != quality.FAST_PAN_PAIRS:
        pytest.fail(f"the fast subset changed since the floors were measured: {REMEASURE}")
    figures: dict[str, float] = quality.run(fast=True)["figures"]
    return figures


def test_corpora_are_those_measured() -> None:
    _require_corpora()
    _check_digest()


def test_every_figure_has_a_limit(fast_figures: dict[str, float]) -> None:
    limited = {name for name, _, _ in LIMITS}
    assert set(fast_figures) == limited, f"figures and floors differ: {REMEASURE}"


@pytest.mark.parametrize(
    ("name", "op", "limit"), LIMITS, ids=[f"{name} {op} {limit}" for name, op, limit in LIMITS]
)
def test_figure_holds_its_floor(
    fast_figures: dict[str, float], name: str, op: str, limit: float
) -> None:
    value = fast_figures[name]
    if op == ">=":
        assert value >= limit, f"{name} = {value:.4f} fell below its floor {limit}"
    else:
        assert value <= limit, f"{name} = {value:.4f} rose above its ceiling {limit}"
