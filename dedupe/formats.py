"""The report formats, by name: what `dedupe scan --format` offers, known without importing
the renderers (`dedupe.render` has one for each; a test keeps the two the same)."""

from __future__ import annotations

FORMATS = ("csv", "json", "markdown", "table")
