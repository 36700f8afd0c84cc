"""The `dedupe` command: parses options, calls the library, prints. No detection logic here."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Any

import click

from dedupe import __version__
from dedupe.documents import FieldNames, ReadLog
from dedupe.errors import DedupeError
from dedupe.examples import example_path
from dedupe.parallel import default_jobs
from dedupe.render import RENDERERS, render_chunks, write_atomic
from dedupe.report import Report
from dedupe.scan import Parameters, scan
from dedupe.stats import Stats

EXIT_SKIPS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
_DEFAULTS = Parameters()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedupe")
def main() -> None:
    """Find syndicated and reused text across news articles, and where it came from."""


@main.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--example", is_flag=True, help="Scan the built-in example newsroom corpus.")
@click.option(
    "--format",
    "format_",
    type=click.Choice(sorted(RENDERERS)),
    default="table",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the report here (atomically) instead of standard output.",
)
@click.option(
    "--min-percent",
    type=click.FloatRange(0, 100),
    default=0.0,
    show_default=True,
    help="Hide pairs and matches below this percentage.",
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
@click.option(
    "--id-field", default="id", show_default=True, help="JSONL/CSV field holding the document id."
)
@click.option(
    "--text-field", default="text", show_default=True, help="JSONL/CSV field holding the text."
)
@click.option(
    "--source-field",
    multiple=True,
    help="Field(s) holding the outlet  [default: outlet, source, publisher]",
)
@click.option(
    "--date-field",
    multiple=True,
    help="Field(s) holding the ISO 8601 publication date  [default: published, date]",
)
@click.option(
    "--paragraph-separator",
    default=None,
    help="Marker that separates paragraphs (default: blank lines, else newlines).",
)
@click.option(
    "--shingle-size",
    type=click.IntRange(1, 50),
    default=_DEFAULTS.shingle_size,
    show_default=True,
    help="Words per shingle (and per alignment seed).",
)
@click.option(
    "--num-perm",
    type=click.IntRange(2, 1024),
    default=_DEFAULTS.num_perm,
    show_default=True,
    help="MinHash permutations.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=_DEFAULTS.threshold,
    show_default=True,
    help="LSH Jaccard threshold for candidate paragraphs.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**32 - 1),
    default=_DEFAULTS.seed,
    show_default=True,
    help="MinHash seed.",
)
@click.option(
    "--min-words",
    type=click.IntRange(1),
    default=_DEFAULTS.min_words,
    show_default=True,
    help="Shortest passage reported, in matched words.",
)
@click.option(
    "--max-gap",
    type=click.IntRange(0),
    default=_DEFAULTS.max_gap,
    show_default=True,
    help="Longest run of edited words bridged inside one passage.",
)
@click.option(
    "--window",
    type=click.IntRange(2),
    default=_DEFAULTS.window,
    show_default=True,
    help="Longer paragraphs are indexed as overlapping windows of this many words.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(1), default=None, help="Processes  [default: all cores]"
)
@click.option(
    "--on-duplicate-id",
    type=click.Choice(["error", "suffix"]),
    default="error",
    show_default=True,
    help="What to do when two documents share an id.",
)
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False),
    help="Write skipped items as JSONL to this file.",
)
@click.option("--strict", is_flag=True, help="Exit with code 1 when any input item was skipped.")
@click.option(
    "--stats",
    "show_stats",
    is_flag=True,
    help="Print per-stage times and counts to standard error.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but the report (no summary line).")
def scan_command(
    paths: Sequence[str],
    example: bool,
    format_: str,
    output: str | None,
    min_percent: float,
    list_pairs: bool,
    keep_boilerplate: bool,
    id_field: str,
    text_field: str,
    source_field: Sequence[str],
    date_field: Sequence[str],
    paragraph_separator: str | None,
    shingle_size: int,
    num_perm: int,
    threshold: float,
    seed: int,
    min_words: int,
    max_gap: int,
    window: int,
    jobs: int | None,
    on_duplicate_id: str,
    errors_path: str | None,
    strict: bool,
    show_stats: bool,
    quiet: bool,
) -> None:
    """Report the story families of the documents in PATHS, and for every document how much
    of its text is copied, shared and quoted, and where it came from.

    A PATH is a file (.txt, .md, .jsonl, .ndjson, .csv, .tsv), a folder (read recursively)
    or - for JSONL on standard input.
    """
    if example:
        paths = (*paths, str(example_path()))
    if not paths:
        raise click.UsageError("give at least one PATH (or --example)")
    defaults = FieldNames()
    fields = FieldNames(
        id=id_field,
        text=text_field,
        source=tuple(source_field) or defaults.source,
        published=tuple(date_field) or defaults.published,
    )
    log = ReadLog()
    stats = Stats()
    with _interruptible():
        try:
            report = scan(
                paths,
                fields=fields,
                duplicate_ids="suffix" if on_duplicate_id == "suffix" else "error",
                min_percent=min_percent,
                pairs=list_pairs,
                keep_boilerplate=keep_boilerplate,
                log=log,
                stats=stats,
                shingle_size=shingle_size,
                num_perm=num_perm,
                threshold=threshold,
                seed=seed,
                min_words=min_words,
                max_gap=max_gap,
                window=window,
                paragraph_separator=paragraph_separator,
                jobs=jobs,
                progress=None if quiet or not sys.stderr.isatty() else _show_progress,
            )
            _clear_progress(quiet)
            _write_report(report, format_, output, jobs or default_jobs())
            if errors_path:
                write_atomic(errors_path, log.to_jsonl())
        except DedupeError as exc:
            _fail(str(exc))
    if show_stats:
        _print_stats(stats)
    if not quiet:
        _print_warnings(log)
        click.echo(_summary(log, report), err=True)
    if strict and log.skipped:
        sys.exit(EXIT_SKIPS)


def _show_progress(stage: str, done: int, total: int) -> None:
    click.echo(f"\rdedupe: {stage} {done:,}/{total:,}\033[K", err=True, nl=False)


def _clear_progress(quiet: bool) -> None:
    if not quiet and sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)


def _fail(message: str) -> None:
    click.echo(f"dedupe: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


class _interruptible:
    """Turn Ctrl-C and SIGTERM into a one-line message and exit code 130."""

    def __enter__(self) -> None:
        self._previous = signal.signal(signal.SIGTERM, self._on_term)

    @staticmethod
    def _on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    def __exit__(self, kind: type[BaseException] | None, *rest: Any) -> None:
        signal.signal(signal.SIGTERM, self._previous)
        if kind is KeyboardInterrupt:
            click.echo("dedupe: interrupted; no output file was written", err=True)
            sys.exit(EXIT_INTERRUPTED)


def _print_warnings(log: ReadLog) -> None:
    for path, encoding in log.redecoded:
        click.echo(f"dedupe: note: {path}: not UTF-8, read as {encoding}", err=True)
    shown = log.skips[:20]
    for skip in shown:
        label = "warning" if skip.kept else "skipped"
        click.echo(f"dedupe: {label}: {skip}", err=True)
    if len(log.skips) > len(shown):
        click.echo(
            f"dedupe: ... and {len(log.skips) - len(shown)} more (use --errors FILE for all)",
            err=True,
        )


def _write_report(report: Report, format_: str, output: str | None, jobs: int) -> None:
    chunks = render_chunks(report, format_, jobs=jobs)
    if output and output != "-":
        write_atomic(output, chunks)
    else:
        for text in chunks:
            # Lone surrogates (possible in JSON input) cannot be printed: show them escaped.
            click.echo(text.encode("utf-8", "backslashreplace").decode("utf-8"), nl=False)


def _summary(log: ReadLog, report: Report) -> str:
    counts = log.counts()
    skipped = f"skipped {log.skipped}"
    if counts:
        skipped += " (" + ", ".join(f"{reason}: {n}" for reason, n in counts.items()) + ")"
    copying = sum(1 for doc in report.documents if doc.copied_percent > 0)
    texts = sum(len(b.texts) + b.more_texts for b in report.boilerplate)
    boilerplate = f", {texts} boilerplate texts left out" if texts else ""
    return (
        f"dedupe: read {log.read} documents, {skipped}, {len(report.families)} families,"
        f" {copying} documents copy text{boilerplate}"
    )


def _print_stats(stats: Stats) -> None:
    click.echo("stage         seconds      items  rate", err=True)
    for name, seconds, items, unit, rate in stats.rows():
        click.echo(f"{name:<12}{seconds:>9.3f}{items:>11}  {rate:,.0f} {unit}/s", err=True)
    click.echo(f"{'total':<12}{stats.total_seconds:>9.3f}", err=True)
    for name, value in stats.counts.items():
        click.echo(f"{name}: {value}", err=True)
