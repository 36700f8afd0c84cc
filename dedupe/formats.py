"""The report formats, by name: what `dedupe scan --format` offers, known without importing
the renderers (`dedupe.render` has one for each; a test keeps the two the same)."""

from __future__ import annotations

FORMATS = ("csv", "html", "json", "markdown", "pairs-csv", "passages-csv", "table")

FORMATS_NEEDING_PAIRS = frozenset({"pairs-csv", "passages-csv", "html"})
"""Formats made from the listed pairs: the scan must be run with `pairs=True`."""

FORMATS_NEEDING_TEXTS = frozenset({"html"})
"""Formats that show the documents' texts: the scan must be run with `texts=True`."""
