"""dedupe: find syndicated and reused text across news articles, and where it came from.

>>> import dedupe
>>> report = dedupe.scan(["articles/"])          # paths, folders, "-" or Document objects
>>> print(dedupe.render(report, "table"))
"""

from dedupe.documents import Document, FieldNames, ReadLog, read_documents
from dedupe.errors import DedupeError, InputError, OutputError, ParameterError
from dedupe.examples import example_path
from dedupe.output import write_atomic
from dedupe.render import render
from dedupe.report import Report
from dedupe.scan import Parameters, scan

__version__ = "0.1.0"

__all__ = [
    "DedupeError",
    "Document",
    "FieldNames",
    "InputError",
    "OutputError",
    "ParameterError",
    "Parameters",
    "ReadLog",
    "Report",
    "__version__",
    "example_path",
    "read_documents",
    "render",
    "scan",
    "write_atomic",
]
