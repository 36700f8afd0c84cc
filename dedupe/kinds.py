"""What a shared span is to the document that carries it (shared by the family stage, the
report and their kernels)."""

COPIED = 0
"""Text the document took from another article or source (or of unknown origin)."""
OWN = 1
"""Text the document is the original of, or that comes from its own outlet."""
BOILERPLATE = 2
"""Text its outlet repeats across articles (footers, blurbs): left out of every figure."""
QUOTED = 3
"""A shared quotation: shared, never copied."""

EDITED_GAP_WORDS = 20
"""What `dedupe filter` counts as found in a partner besides the shared spans: a stretch of up
to this many words between two spans shared with the same partner (text carried with light
edits: two copies of a wire story each edited at 10 % of their words differ in short
stretches every few sentences, and 20 % of their words fall outside the aligned passages)."""
