"""The built-in example corpus: a fictional wire story and the outlets that reuse it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def example_path() -> Path:
    """Return the path of the built-in example corpus (JSONL)."""
    return Path(str(resources.files("dedupe.examples").joinpath("newsroom.jsonl")))
