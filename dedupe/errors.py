"""The exceptions dedupe raises: one small family, each message written for the user."""

from __future__ import annotations


class DedupeError(Exception):
    """Base class of every error dedupe raises on purpose; its message is user-facing."""


class InputError(DedupeError):
    """A document source cannot be read: names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = message
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {message}" if path else message)


class ParameterError(DedupeError):
    """An option has a value dedupe cannot work with."""


class OutputError(DedupeError):
    """A report cannot be written where it was asked to go."""
