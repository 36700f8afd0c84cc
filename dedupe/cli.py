"""The `dedupe` command: parses options, calls the library, prints. No detection logic here.

Exit codes mean one thing each: 0 done; 1 done, but input items were skipped (`--strict`);
2 an input, usage or output error (one line); 3 an internal error (one line, the traceback
with `--debug`); 130 interrupted. A closed pipe on standard output ends the command quietly,
by SIGPIPE, as Unix tools do. Every text from the input that reaches a message is escaped
for the terminal.
"""

from __future__ import annotations

import errno
import gc
import itertools
import json
import os
import re
import shutil
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from types import FrameType
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

import click

from dedupe import __version__
from dedupe.documents import (
    DEFAULT_MAX_DOCUMENT_SIZE,
    INPUT_FORMATS,
    SUPPORTED_EXTENSIONS,
    ReadLog,
)
from dedupe.errors import DedupeError, InputError, OutputError
from dedupe.escape import terminal_safe
from dedupe.formats import FORMATS, FORMATS_NEEDING_PAIRS, FORMATS_NEEDING_TEXTS
from dedupe.parameters import Parameters
from dedupe.stats import Stats

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from dedupe.output import OutputPlace
    from dedupe.report import Report

# The scan, numpy, numba and the renderers are imported where used: `dedupe --version` and
# `--help` then answer in a tenth of a second.

EXIT_SKIPS = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
_DEFAULTS = Parameters()


class _ClosedPipe(Exception):
    """Standard output (or error) is a pipe whose reader has gone."""


class _Command(click.Group):
    """The `dedupe` group, run with dedupe's exit codes and one-line messages instead of
    click's (which exits 1 on a closed pipe, prints three lines for a usage error, and
    "Aborted!" with code 1 on Ctrl-C)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line `args` (default: sys.argv) and exit with dedupe's codes."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        arguments = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(arguments, prog_name, complete_var, False, **extra)
        except SystemExit as exc:
            # click ends a closed pipe met while printing help with code 1, having wrapped
            # standard output so that nothing more is said: end as for a report instead.
            if exc.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
                _end_on_closed_pipe()
            raise
        except click.ClickException as exc:
            _say(f"error: {exc.format_message()} (see --help)")
            code = EXIT_ERROR
        except (click.Abort, KeyboardInterrupt, EOFError):
            _say("interrupted")
            code = EXIT_INTERRUPTED
        except _ClosedPipe:
            _end_on_closed_pipe()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                _internal_error(exc, "--debug" in arguments)
            _end_on_closed_pipe()
        except Exception as exc:
            _internal_error(exc, "--debug" in arguments)
        sys.exit(code or 0)


@click.group(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedupe")
def main() -> None:
    """Find syndicated and reused text across news articles, and where it came from."""


class _Size(click.ParamType):  # type: ignore[type-arg]
    """A size in bytes: 16M, 500k, 2G (binary units), a plain number, or 0/none for no limit."""

    name = "size"
    _UNITS: ClassVar[dict[str, int]] = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Return the size in bytes, or None for no limit."""
        if value is None or isinstance(value, int):
            return value
        text = str(value).strip().lower()
        if text in ("0", "none", "unlimited"):
            return None
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?", text)
        if match is None:
            self.fail(f"{value!r} is not a size such as 16M, 500k or 0 (no limit)", param, ctx)
        size = int(float(match.group(1)) * self._UNITS[match.group(2)])
        if size < 1:
            self.fail(f"{value!r} is less than one byte", param, ctx)
        return size


_READING: list[Callable[[Any], Any]] = [  # fields, formats and detection parameters
    click.option(
        "--id-field",
        help="JSONL/CSV field holding the document id  [default: found: id, url, guid, link]",
    ),
    click.option(
        "--text-field",
        help="JSONL/CSV field holding the text  [default: found: text, body, content, article,"
        " maintext]",
    ),
    click.option(
        "--source-field",
        multiple=True,
        help="Field(s) holding the outlet  [default: found: outlet, source, publisher, site,"
        " domain, else the host of a url field]",
    ),
    click.option(
        "--date-field",
        multiple=True,
        help="Field(s) holding the publication date; one named like scrape_time, crawled or"
        " fetched is a crawl time  [default: found: published, date, publish_date, pubdate,"
        " datePublished, timestamp, then crawl times]",
    ),
    click.option(
        "--input-format",
        type=click.Choice(INPUT_FORMATS),
        help="Format of standard input (-)  [default: told from its first line]",
    ),
    click.option(
        "--paragraph-separator",
        default=None,
        help="Marker that separates paragraphs, e.g. '###'; '' for blank lines, else newlines"
        "  [default: sniffed from the first texts]",
    ),
    click.option(
        "--shingle-size",
        type=click.IntRange(1, 50),
        default=_DEFAULTS.shingle_size,
        show_default=True,
        help="Words per shingle (and per alignment seed).",
    ),
    click.option(
        "--num-perm",
        type=click.IntRange(2, 1024),
        default=_DEFAULTS.num_perm,
        show_default=True,
        help="MinHash permutations.",
    ),
    click.option(
        "--threshold",
        type=click.FloatRange(0, 1, min_open=True, max_open=True),
        default=_DEFAULTS.threshold,
        show_default=True,
        help="LSH Jaccard threshold for candidate paragraphs.",
    ),
    click.option(
        "--seed",
        type=click.IntRange(0, 2**32 - 1),
        default=_DEFAULTS.seed,
        show_default=True,
        help="MinHash seed.",
    ),
    click.option(
        "--min-words",
        type=click.IntRange(1),
        default=_DEFAULTS.min_words,
        show_default=True,
        help="Shortest passage reported, in matched words.",
    ),
    click.option(
        "--max-gap",
        type=click.IntRange(0),
        default=_DEFAULTS.max_gap,
        show_default=True,
        help="Longest run of edited words bridged inside one passage.",
    ),
    click.option(
        "--window",
        type=click.IntRange(2),
        default=_DEFAULTS.window,
        show_default=True,
        help="Longer paragraphs are indexed as overlapping windows of this many words.",
    ),
    click.option(
        "--ocr",
        is_flag=True,
        help="Noisy OCR text: shingles and alignment seeds of at most 3 words, anchors of 5.",
    ),
]

_RUNNING: list[Callable[[Any], Any]] = [  # processes, errors, limits, messages
    click.option(
        "-j", "--jobs", type=click.IntRange(1), default=None, help="Processes  [default: all cores]"
    ),
    click.option(
        "--on-duplicate-id",
        type=click.Choice(["error", "suffix"]),
        default="error",
        show_default=True,
        help="What to do when two documents share an id.",
    ),
    click.option(
        "--errors",
        "errors_path",
        type=click.Path(dir_okay=False),
        help="Write skipped items as JSONL to this file.",
    ),
    click.option(
        "--strict", is_flag=True, help="Exit with code 1 when any input item was skipped."
    ),
    click.option(
        "--stats",
        "show_stats",
        is_flag=True,
        help="Print per-stage times and counts to standard error.",
    ),
    click.option(
        "--max-document-size",
        type=_Size(),
        default=str(DEFAULT_MAX_DOCUMENT_SIZE >> 20) + "M",
        show_default=True,
        help="Skip records (a file, a JSON line, a CSV/TSV record) larger than this: 500k, 64M,"
        " or 0 for no limit.",
    ),
    click.option(
        "--tsv-quotes",
        is_flag=True,
        help="Read TSV fields in quotation marks as CSV does (default: quotation marks are text).",
    ),
    click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="Print nothing but the report and errors (no line on the inputs, no progress, no"
        " summary line).",
    ),
    click.option("--debug", is_flag=True, help="Show the traceback of an internal error."),
]


def _with(options: list[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """Return a decorator adding `options` to a command, in the order listed."""

    def decorate(function: Any) -> Any:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


@main.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--example", is_flag=True, help="Scan the built-in example newsroom corpus.")
@click.option(
    "--format",
    "format_",
    type=click.Choice(sorted(FORMATS)),
    default="table",
    show_default=True,
    help="Report format: table, markdown, json, csv (one row per document), pairs-csv,"
    " passages-csv, html (one self-contained page).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the report here (atomically; into a FIFO or device directly) instead of"
    " standard output.",
)
@click.option(
    "--min-percent",
    type=click.FloatRange(0, 100),
    default=0.0,
    show_default=True,
    help="Hide pairs, matches and rewrites below this percentage.",
)
@click.option(
    "--top",
    type=click.IntRange(1),
    default=None,
    help="table and markdown: only the N largest families, the N outlets and documents"
    " copying most, the N pairs sharing most.",
)
@click.option(
    "--pairs",
    "list_pairs",
    is_flag=True,
    help="Also list every aligned pair of documents that shares text, with its passages.",
)
@click.option(
    "--keep-boilerplate",
    is_flag=True,
    help="Count text an outlet repeats across its articles (footers, blurbs) as any other.",
)
@_with(_READING)
@_with(_RUNNING)
def scan_command(
    paths: Sequence[str],
    example: bool,
    format_: str,
    output: str | None,
    min_percent: float,
    top: int | None,
    list_pairs: bool,
    keep_boilerplate: bool,
    **options: Any,
) -> None:
    """Report the story families of the documents in PATHS, and for every document how much
    of its text is copied, shared and quoted, and where it came from.

    A PATH is a file (.txt, .md, .jsonl, .ndjson, .csv, .tsv), a folder (read recursively)
    or - for standard input (JSONL, CSV or TSV). Fields not named are found from each
    input's first records, and the paragraph breaks from its first texts: one line on
    standard error says what was used.
    """
    if example:
        from dedupe.examples import example_path

        paths = (*paths, str(example_path()))

    def work(run: _Run, place: OutputPlace | None) -> str:
        report = scan(
            paths,
            min_percent=min_percent,
            pairs=list_pairs or format_ in FORMATS_NEEDING_PAIRS,
            texts=format_ in FORMATS_NEEDING_TEXTS,
            keep_boilerplate=keep_boilerplate,
            **run.scan_options,
        )
        run.close_progress()
        _write_report(report, format_, place, run.jobs, run.quiet, top)
        return _summary(run.log, report)

    _run_command(paths, output, work, **options)


@main.command("filter")
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the records here (atomically; into a FIFO or device directly)."
    "  [default: standard output]",
)
@click.option(
    "--keep",
    type=click.Choice(["original", "earliest", "longest", "first"]),
    default="original",
    show_default=True,
    help="Which of a set of near-duplicates is kept: the story's original (else the"
    " earliest), the earliest, the longest, or the first read.",
)
@click.option(
    "--min-percent",
    type=click.FloatRange(0, 100, min_open=True),
    default=80.0,
    show_default=True,
    help="A record is a near-duplicate when this share of its words (quotations included)"
    " is found in one record kept before it.",
)
@click.option(
    "--annotate",
    is_flag=True,
    help="Keep every record and add fields: kept, duplicate_of, family, shared, copied and"
    " quoted percent, original source, credited.",
)
@click.option(
    "--prefix",
    default="dedupe_",
    show_default=True,
    help="Prefix of the fields --annotate adds.",
)
@click.option(
    "--clusters",
    "clusters_path",
    type=click.Path(dir_okay=False),
    help="Also write each story family (original, members, those kept) as JSONL to this file.",
)
@click.option(
    "--output-format",
    type=click.Choice(INPUT_FORMATS),  # records are written in the formats they are read in
    default=None,
    help="Format of the records written  [default: that of the input; JSONL for text files"
    " or mixed inputs]",
)
@_with(_READING)
@_with(_RUNNING)
def filter_command(
    paths: Sequence[str],
    output: str | None,
    keep: str,
    min_percent: float,
    annotate: bool,
    prefix: str,
    clusters_path: str | None,
    output_format: str | None,
    **options: Any,
) -> None:
    """Write the records of PATHS back, near-duplicates dropped: of each set of records
    that carry the same story, one is kept. Every field passes through unchanged, in input
    order, in the input's format; --annotate keeps every record and adds what was found.

    PATHs are read as `dedupe scan` reads them (the same field options and detection).
    """
    from dedupe.output import check_output_place, write_output

    clusters_place = None
    if clusters_path:
        try:
            clusters_place = check_output_place(
                clusters_path, paths, input_extensions=SUPPORTED_EXTENSIONS
            )
        except OutputError as exc:
            _fail(str(exc))

    def work(run: _Run, place: OutputPlace | None) -> str:
        from dedupe.filtering import filter_records

        with filter_records(
            paths,
            keep=keep,
            min_percent=min_percent,
            annotate=annotate,
            prefix=prefix,
            **run.scan_options,
        ) as filtered:
            run.close_progress()
            pieces = filtered.pieces(annotate=annotate, prefix=prefix, format=output_format)
            _emit(place, pieces, run.quiet, "the records")
            run.close_progress()
            if clusters_place is not None:
                write_output(clusters_place, filtered.cluster_lines())
            read, kept = len(filtered.verdicts), filtered.kept
        return (
            f"read {read} records, {_skipped(run.log)}; kept {kept}, dropped {read - kept}"
            f" near-duplicates (--min-percent {min_percent:g}, --keep {keep})"
        )

    _run_command(paths, output, work, **options)


class _Run:
    """What a command's work needs from the common options: the log, the stats, the
    progress display and the keyword arguments of a scan."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.log = ReadLog()
        self.stats = Stats()
        self.quiet: bool = options["quiet"]
        self.jobs: int | None = options["jobs"]
        self.display = None if self.quiet else _Progress(self.log, bars=sys.stderr.isatty())
        separator = options["paragraph_separator"]
        self.scan_options: dict[str, Any] = {
            "id_field": options["id_field"],
            "text_field": options["text_field"],
            "source_fields": options["source_field"],
            "date_fields": options["date_field"],
            "input_format": options["input_format"],
            "duplicate_ids": "suffix" if options["on_duplicate_id"] == "suffix" else "error",
            "log": self.log,
            "stats": self.stats,
            "jobs": self.jobs,
            "progress": self.display,
            "max_document_size": options["max_document_size"],
            "tsv_quotes": options["tsv_quotes"],
            # Not given: sniffed. Given, even as "": used as given.
            **({} if separator is None else {"paragraph_separator": separator}),
            **{name: options[name] for name in _DETECTION_NAMES},
        }

    def close_progress(self) -> None:
        """End the progress bar being shown, if any."""
        _close(self.display)


_DETECTION_NAMES = (
    "shingle_size",
    "num_perm",
    "threshold",
    "seed",
    "min_words",
    "max_gap",
    "window",
    "ocr",
)


def _run_command(
    paths: Sequence[str],
    output: str | None,
    work: Callable[[_Run, OutputPlace | None], str],
    *,
    errors_path: str | None,
    strict: bool,
    show_stats: bool,
    debug: bool,
    **options: Any,
) -> None:
    """Run a command's `work` (it writes its output and returns its summary line), with
    what every command does around it: the output places checked first, errors written to
    --errors, one line per error, exit codes, stats, warnings and the summary."""
    if not paths:
        raise click.UsageError("give at least one PATH (or --example)")
    run = _Run(options)
    place, errors_place = _output_places(paths, output, errors_path)
    log = run.log
    try:
        with _interruptible():
            summary = work(run, place)
    except DedupeError as exc:
        run.close_progress()
        _write_errors(errors_place, log, exc if isinstance(exc, InputError) else None)
        _fail(str(exc))
    except _ClosedPipe:
        _write_errors(errors_place, log, None)
        raise
    except Exception as exc:
        _write_errors(errors_place, log, None)
        _internal_error(exc, debug)
    _write_errors(errors_place, log, None, fail=True)
    with _stderr_guard():
        if show_stats:
            _print_stats(run.stats)
        if not run.quiet:
            _print_warnings(log)
            _say(summary)
    if strict and log.skipped:
        sys.exit(EXIT_SKIPS)


def _output_places(
    paths: Sequence[str], output: str | None, errors_path: str | None
) -> tuple[OutputPlace | None, OutputPlace | None]:
    """Return the checked places of the report (None: standard output) and of the errors
    file, before anything is read; exit with code 2 naming the first that cannot be used."""
    from dedupe.output import check_output_place

    try:
        report = None
        if output and output != "-":
            report = check_output_place(output, paths, input_extensions=SUPPORTED_EXTENSIONS)
        elif sys.stdout is None:
            raise OutputError("standard output is closed; name a file with -o")
        errors = None
        if errors_path:
            errors = check_output_place(errors_path, paths, input_extensions=SUPPORTED_EXTENSIONS)
            if report is not None and errors.target == report.target:
                raise OutputError(
                    f"{terminal_safe(errors_path)}: the report and --errors name the same file"
                )
    except OutputError as exc:
        _fail(str(exc))
    return report, errors


def _write_errors(
    place: OutputPlace | None, log: ReadLog, fatal: InputError | None, *, fail: bool = False
) -> None:
    """Write the skips collected so far (and the input error that stopped the run, if any,
    as the last line) to the --errors file. A failure to write exits with code 2 if `fail`,
    else it is only told (the run is already failing for another reason)."""
    from dedupe.output import write_output

    if place is None:
        return
    content = log.to_jsonl()
    if fatal is not None:
        line = {
            "path": fatal.path,
            "line": fatal.line,
            "reason": "fatal",
            "message": fatal.reason,
            "kept": False,
        }
        content += json.dumps(line, ensure_ascii=False) + "\n"
    try:
        write_output(place, content)
    except OutputError as exc:
        if fail:
            _fail(str(exc))
        _say(f"error: {exc}")


def scan(*args: Any, **options: Any) -> Report:
    """Return `dedupe.scan.scan(...)`, importing the scan (numpy and all) on first use."""
    from dedupe.scan import scan as run

    return run(*args, **options)


class _Progress:
    """What a scan shows on standard error as it runs: how each input was read (once
    reading is done) and a line when numba starts compiling, always; on a terminal, also a
    bar with an ETA for each stage (click's progress bar: click is already a dependency,
    and its bar has the ETA, hides itself when the output is not a terminal, and costs no
    import time, which rich's would)."""

    _LABELS: ClassVar[dict[str, str]] = {
        "read": "reading ",
        "sign": "signing ",
        "align": "aligning",
        "decide": "deciding",
        "write": "writing ",
    }

    def __init__(self, log: ReadLog, *, bars: bool) -> None:
        self._log = log
        self._bars = bars
        self._stage: str | None = None
        self._bar: ProgressBar[Any] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Show that `done` of `total` items of `stage` are done (total 0: unknown)."""
        if stage == "compile":
            self.close()
            _say("compiling the fast code for this machine, once per install (30-45 s)")
        elif stage == "read" and done == total:
            self.close()
            self._tell_inputs()
        elif self._bars:
            self._advance(stage, done, total)

    def _advance(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage or self._bar is None:
            self.close()
            self._stage = stage
            self._bar = click.progressbar(
                length=total or None,
                iterable=None if total else itertools.count(),
                label=f"dedupe: {self._LABELS.get(stage, stage)}",
                file=sys.stderr,
                show_eta=True,
                show_pos=True,
                width=30,
            )
        self._bar.update(done - self._bar.pos)

    def close(self) -> None:
        """End the bar being shown, if any."""
        if self._bar is not None:
            with suppress(OSError, ValueError):
                self._bar.render_finish()
        self._bar, self._stage = None, None

    def _tell_inputs(self) -> None:
        from dedupe.detection import detection_lines, given_paragraphs, warning_lines

        paragraphs = self._log.paragraphs or given_paragraphs(None)
        for line in detection_lines(self._log.inputs, paragraphs):
            _say(line)
        for line in warning_lines(self._log.inputs):
            _say(f"warning: {line}")


def _close(display: _Progress | None) -> None:
    if display is not None:
        display.close()


def _fail(message: str) -> NoReturn:
    _say(f"error: {message}")
    sys.exit(EXIT_ERROR)


def _say(message: str) -> None:
    """Print one line to standard error, escaped for the terminal; never fail."""
    with suppress(OSError, ValueError):
        click.echo(f"dedupe: {terminal_safe(message)}", err=True)


def _internal_error(exc: BaseException, debug: bool) -> NoReturn:
    """Exit with code 3 and one line about an error dedupe did not expect (its traceback
    first with --debug)."""
    if debug:
        with suppress(OSError, ValueError):
            traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, MemoryError):
        _say(
            "error: out of memory; try a smaller --max-document-size or fewer --jobs"
            + ("" if debug else " (--debug shows where)")
        )
    else:
        name = type(exc).__name__
        hint = "" if debug else "; run with --debug for the traceback"
        _say(f"internal error: {name}: {exc}{hint}; please report it")
    sys.exit(EXIT_INTERNAL)


def run() -> NoReturn:
    """Run the `dedupe` command as its own process (the console script, `python -m dedupe`):
    `main`, then end the process at once with its exit code (`_end_process`).

    The cyclic garbage collector stays off throughout, as the scan keeps it
    (`dedupe.memory.collector_paused`): turned back on after the scan, its first collection
    walked every object the scan had made (0.6 s after filtering 100k records, 0.35 s into
    the rendering of a 100k report), and the process ends before it could free anything.
    """
    gc.disable()
    try:
        main()
    except SystemExit as exc:
        _end_process(exc.code)
    _end_process(0)


def _end_process(code: str | int | None) -> NoReturn:
    """End the process with exit `code` once standard output and error are flushed, without
    Python's shutdown.

    That shutdown runs full garbage collections over every object the command left, then
    tears the modules down: 0.97 s after a scan of 100k articles, 0.7-0.9 s at 20k (0.09 and
    0.2 s so). By now every output is written and closed, and every worker joined; should a
    worker or thread still run, or the code be a message, the ordinary exit runs instead.
    """
    import multiprocessing
    import threading

    try:
        sys.stdout.flush()
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        _end_on_closed_pipe()
    except ValueError:  # standard output closed
        pass
    with suppress(OSError, ValueError):
        sys.stderr.flush()
    status = 0 if code is None else code
    if not isinstance(status, int) or multiprocessing.active_children():
        sys.exit(code)
    if threading.active_count() > 1:
        sys.exit(status)
    os._exit(status)


def _end_on_closed_pipe() -> NoReturn:
    """End quietly after the reader of standard output went away: by SIGPIPE, as Unix tools
    do (the shell sees status 141), with nothing more written anywhere."""
    with suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    _die_of_sigpipe()
    sys.exit(128 + signal.SIGPIPE)  # only if the signal did not end the process


def _die_of_sigpipe() -> None:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGPIPE)


@contextmanager
def _stderr_guard() -> Iterator[None]:
    """Turn a closed pipe on standard error into a quiet end; other write errors there are
    ignored (there is nowhere left to tell them)."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise _ClosedPipe from exc


class _interruptible:
    """Turn Ctrl-C and SIGTERM into a one-line message and exit code 130.

    Also when the interrupt lands in a callback from compiled code (numba compiling calls
    back into Python through ctypes): Python then prints "Exception ignored" and a
    traceback, and numba fails with an error of its own. The interrupt is noted instead of
    printed, and that error taken for it."""

    def __enter__(self) -> None:
        self._previous = signal.signal(signal.SIGTERM, self._on_term)
        self._hook = sys.unraisablehook
        self._swallowed = False
        sys.unraisablehook = self._unraisable

    @staticmethod
    def _on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    def _unraisable(self, unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            self._swallowed = True
        else:
            self._hook(unraisable)

    def __exit__(self, kind: type[BaseException] | None, *rest: Any) -> None:
        signal.signal(signal.SIGTERM, self._previous)
        sys.unraisablehook = self._hook
        failed = kind is not None and issubclass(kind, Exception)
        if kind is KeyboardInterrupt or (failed and self._swallowed):
            click.echo("dedupe: interrupted; no output file was written", err=True)
            sys.exit(EXIT_INTERRUPTED)


def _print_warnings(log: ReadLog) -> None:
    from dedupe.detection import redecoded_lines

    for line in redecoded_lines(log.redecoded):
        _say(f"note: {line}")
    shown = log.skips[:20]
    for skip in shown:
        label = "warning" if skip.kept else "skipped"
        _say(f"{label}: {skip}")
    if len(log.skips) > len(shown):
        _say(f"... and {len(log.skips) - len(shown)} more (use --errors FILE for all)")
    cache_note = _numba_cache_note()
    if cache_note:
        _say(f"note: {cache_note}")


def _numba_cache_note() -> str | None:
    """Return the note of `dedupe.numba_cache` if the compiled code was loaded, else None."""
    module = sys.modules.get("dedupe.numba_cache")
    return getattr(module, "NOTE", None) if module is not None else None


def _write_report(
    report: Report,
    format_: str,
    place: OutputPlace | None,
    jobs: int | None,
    quiet: bool,
    top: int | None,
) -> None:
    from dedupe.parallel import default_jobs
    from dedupe.render import render_chunks

    # A table printed on a terminal is fitted to its width; written anywhere else, it is not.
    on_terminal = place is None and sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if on_terminal else None
    chunks = render_chunks(report, format_, jobs=jobs or default_jobs(), top=top, width=width)
    _emit(place, chunks, quiet)


def _emit(
    place: OutputPlace | None, chunks: Iterable[str], quiet: bool, what: str = "the report"
) -> None:
    """Write the output's pieces (`what`, for messages) to its checked place, else to
    standard output."""
    from dedupe.output import write_output

    if place is not None:
        note = place.note()
        if note and not quiet:
            _say(f"note: {note}")
        write_output(place, chunks)
        return
    try:
        for text in chunks:
            # Lone surrogates (possible in JSON input) cannot be printed: show them escaped.
            click.echo(text.encode("utf-8", "backslashreplace").decode("utf-8"), nl=False)
        sys.stdout.flush()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise _ClosedPipe from exc
        raise OutputError(f"cannot write {what} to standard output: {exc.strerror or exc}") from exc


def _skipped(log: ReadLog) -> str:
    """Return how many items were skipped, and why."""
    counts = log.counts()
    skipped = f"skipped {log.skipped}"
    if counts:
        skipped += " (" + ", ".join(f"{reason}: {n}" for reason, n in counts.items()) + ")"
    return skipped


def _summary(log: ReadLog, report: Report) -> str:
    skipped = _skipped(log)
    copying = sum(1 for doc in report.documents if doc.copied_percent > 0)
    texts = sum(len(b.texts) + b.more_texts for b in report.boilerplate)
    boilerplate = f", {texts} boilerplate texts left out" if texts else ""
    return (
        f"read {log.read} documents, {skipped}, {len(report.families)} families,"
        f" {copying} documents copy text{boilerplate}"
    )


def _print_stats(stats: Stats) -> None:
    click.echo("stage         seconds      items  rate", err=True)
    for name, seconds, items, unit, rate in stats.rows():
        click.echo(f"{name:<12}{seconds:>9.3f}{items:>11}  {rate:,.0f} {unit}/s", err=True)
    click.echo(f"{'total':<12}{stats.total_seconds:>9.3f}", err=True)
    for name, value in stats.counts.items():
        click.echo(f"{name}: {value}", err=True)
