"""`python -m dedupe`: the `dedupe` command."""

from dedupe.cli import run

run()
