"""dedupe: find syndicated and reused text across news articles, and where it came from.

>>> import dedupe
>>> report = dedupe.scan(["articles/"])          # paths, folders, "-" or Document objects
>>> print(dedupe.render(report, "table"))

Names are imported on first use, so that `import dedupe` (and `dedupe --version`) does not
load numpy, numba and the scan's code.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dedupe.documents import Document, FieldNames, ReadLog, read_documents
    from dedupe.errors import DedupeError, InputError, OutputError, ParameterError
    from dedupe.examples import example_path
    from dedupe.filtering import Filtered, Verdict, filter, filter_records
    from dedupe.output import write_atomic
    from dedupe.parameters import Parameters
    from dedupe.render import render
    from dedupe.report import Report
    from dedupe.scan import scan

__version__ = "0.1.0"

_HOMES = {
    "DedupeError": "dedupe.errors",
    "Document": "dedupe.documents",
    "FieldNames": "dedupe.documents",
    "Filtered": "dedupe.filtering",
    "InputError": "dedupe.errors",
    "OutputError": "dedupe.errors",
    "ParameterError": "dedupe.errors",
    "Parameters": "dedupe.parameters",
    "ReadLog": "dedupe.documents",
    "Report": "dedupe.report",
    "Verdict": "dedupe.filtering",
    "example_path": "dedupe.examples",
    "filter": "dedupe.filtering",
    "filter_records": "dedupe.filtering",
    "read_documents": "dedupe.documents",
    "render": "dedupe.render",
    "scan": "dedupe.scan",
    "write_atomic": "dedupe.output",
}

__all__ = [
    "DedupeError",
    "Document",
    "FieldNames",
    "Filtered",
    "InputError",
    "OutputError",
    "ParameterError",
    "Parameters",
    "ReadLog",
    "Report",
    "Verdict",
    "__version__",
    "example_path",
    "filter",
    "filter_records",
    "read_documents",
    "render",
    "scan",
    "write_atomic",
]


def __getattr__(name: str) -> Any:
    """Return a public name of the package, importing its module on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'dedupe' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


_SHADOWED = frozenset({"render", "scan"})


class _Package(types.ModuleType):
    """The package: `dedupe.scan` and `dedupe.render` stay the functions when their modules
    (of the same names) are imported, as they were when this module imported them eagerly
    (the import system sets a submodule as an attribute of its package)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
