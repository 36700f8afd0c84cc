"""The detection parameters of a scan, in a module of their own: the command line shows their
defaults without importing the scan's numerical code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dedupe.errors import ParameterError

if TYPE_CHECKING:
    from dedupe.align import AlignParams
    from dedupe.index import LSHParams

OCR_SEED_WORDS = 3
"""Shingle and seed words for OCR text (`Parameters.ocr`): with an OCR error every 10
characters between two copies, about one word in two differs, and few 5-word seeds survive
(`benchmarks/README.md`)."""


@dataclass(frozen=True, slots=True)
class Parameters:
    """The detection parameters of a scan (see the README for how the defaults were chosen)."""

    shingle_size: int = 5
    num_perm: int = 128
    threshold: float = 0.3
    seed: int = 1
    min_words: int = 10
    max_gap: int = 8
    window: int = 30
    paragraph_separator: str | None = None
    # Noisy OCR text: shingles, seeds and anchors of fewer words (`gram_words`,
    # `anchor_words`).
    ocr: bool = False

    def validate(self) -> None:
        """Raise ParameterError when a value is out of range."""
        if self.shingle_size < 1:
            raise ParameterError(f"shingle size must be at least 1, got {self.shingle_size}")
        if self.min_words < self.shingle_size:
            raise ParameterError(
                f"min words ({self.min_words}) must be at least"
                f" the shingle size ({self.shingle_size})"
            )
        if self.window < 2 * self.shingle_size:
            raise ParameterError(
                f"window ({self.window}) must be at least twice"
                f" the shingle size ({self.shingle_size})"
            )
        if not 0 <= self.seed < 2**32:
            raise ParameterError(f"seed must be between 0 and 2**32 - 1, got {self.seed}")
        if self.max_gap < 0:
            raise ParameterError(f"max gap must be 0 or more, got {self.max_gap}")
        self.lsh  # noqa: B018 (raises ParameterError for a threshold it cannot band)

    @property
    def lsh(self) -> LSHParams:
        """Return the LSH banding for this threshold and number of permutations."""
        from dedupe.index import lsh_params

        return lsh_params(self.threshold, self.num_perm)

    @property
    def gram_words(self) -> int:
        """Return the words of a shingle and of an alignment seed: `shingle_size`, at most
        `OCR_SEED_WORDS` for OCR text."""
        return min(self.shingle_size, OCR_SEED_WORDS) if self.ocr else self.shingle_size

    @property
    def anchor_words(self) -> int:
        """Return the most words of an anchor's n-gram (`dedupe.anchors`)."""
        from dedupe.anchors import ANCHOR_WORDS, OCR_ANCHOR_WORDS

        return OCR_ANCHOR_WORDS if self.ocr else ANCHOR_WORDS

    @property
    def alignment(self) -> AlignParams:
        """Return the alignment parameters."""
        from dedupe.align import AlignParams

        return AlignParams(
            seed_words=self.gram_words, max_gap=self.max_gap, min_words=self.min_words
        )
