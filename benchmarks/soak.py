"""Soak test of hostile input and output (issue #12): many scans of small random corpora.

Each corpus is a folder built, from a seeded random generator, out of the hostile pieces of
issue #12 around records that are valid: JSONL, CSV, TSV and text files in UTF-8 (with and
without BOM), UTF-16 and UTF-32 (with and without BOM) and Windows-1252; rows with unclosed
quotation marks, malformed JSON, NUL bytes (before and after the first 8 KB), records over
the size limit, empty records and files, binary files, links that loop, lead nowhere or lead
twice to one folder, ids, sources and file names full of terminal escapes, formula starts and
Markdown; one corpus in ten also holds a file that must stop the run (a JSONL file whose text
sits under a key no reader takes for text). Every scan runs the command in process (click's
CliRunner) with `-o` and `--errors` in an output folder of its own, and checks:

* no traceback, and the exit code expected (2 with one line naming the fatal file, else 0,
  or 1 under `--strict` when something was skipped);
* no lost valid record: every valid record's id is in the JSON report;
* no invented record: no document the generator did not write as valid;
* nothing touched outside the output folder (every input file's bytes, size and time are
  the same) and nothing left in it but the report and the errors file;
* the table and Markdown carry no control character, CSV cells no formula start.

A handful of real processes then check what only a process shows: a closed pipe ends by
SIGPIPE without a message (standard error holds the notes of what was read and their
warnings, nothing else), a full disk on standard output is exit 2 in one line, `-o
/dev/null` leaves the device alone, and the report is the same bytes as in process.

    python -m benchmarks.soak [--scans 1000] [--seed 12] [--processes 5] [--json out.json]
                              [--keep folder-for-failed-corpora]
"""

from __future__ import annotations

import argparse
import codecs
import csv
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from dedupe.cli import main as cli_main
from dedupe.escape import FORMULA_STARTS

LIMIT = 4096
"""--max-document-size of every scan: records over it are the "huge" ones."""

SENTENCES = (
    "The city council voted on Tuesday to approve a new budget for road repairs.",
    "Officials said the bridge over the river would open to traffic next spring.",
    "“We will not back down,” Mayor Elena Ruiz told reporters outside city hall.",
    "Police arrested three men early on Sunday after a chase through the harbour.",
    'The minister said, "This is a historic day for our farmers," in a statement.',
    "Shares of the mining company fell 12% after it cut its production forecast.",
    "Residents were told to boil their drinking water until further notice.",
    "Café owners in the old town said the new rules would cost them dearly.",
    "Negotiators met behind closed doors in Geneva for nearly nine hours.",
    "The hospital said two of the injured remained in a critical condition.",
)
HOSTILE_NAMES = (
    "\x1b[2J\x1b[H",
    "\x1b]0;pwned\x07",
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "\u202eexe.txt",
    "\x9b31m",
    '=HYPERLINK("http://evil","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "a|b<b>bold</b>*em*_x_`c`",
    "line\nbreak",
)
WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")
ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "cp1252", *WIDE)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Corpus:
    """A generated corpus: its folder, the valid records' ids, what it holds, the fatal file."""

    root: Path
    valid: set[str] = field(default_factory=set)
    pieces: Counter[str] = field(default_factory=Counter)
    fatal: str | None = None


class Builder:
    """Writes one random corpus; every valid record gets a unique id."""

    def __init__(self, rng: random.Random, root: Path, number: int) -> None:
        self.rng = rng
        self.corpus = Corpus(root)
        self.number = number
        self.count = 0

    def new_id(self) -> str:
        self.count += 1
        base = f"c{self.number}-r{self.count}"
        if self.rng.random() < 0.25:
            self.corpus.pieces["escapes, formula or markup in an id"] += 1
            return base + self.rng.choice(HOSTILE_NAMES)
        return base

    def text(self, *, min_sentences: int = 2, plain: bool = False) -> str:
        sentences = self.rng.sample(SENTENCES, self.rng.randint(min_sentences, 5))
        if plain:  # for TSV: no tab or line break
            return " ".join(sentences)
        paragraphs = ["\n".join(sentences[:2]), " ".join(sentences[2:])]
        return "\n\n".join(p for p in paragraphs if p)

    def huge(self) -> str:
        return " ".join(self.rng.choice(SENTENCES) for _ in range(LIMIT // 40 + 5))

    def encoding(self, text: str) -> str:
        name = self.rng.choice(ENCODINGS)
        try:
            text.encode(name)
        except UnicodeEncodeError:
            return "utf-8"
        return name

    def write(self, relative: str, text: str, encoding: str) -> None:
        path = self.corpus.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        self.corpus.pieces[f"encoding {encoding}"] += 1

    def valid(self, doc_id: str) -> None:
        self.corpus.valid.add(doc_id)

    # --- file kinds ----------------------------------------------------------------------

    def jsonl(self, folder: str) -> None:
        lines: list[str] = []
        for _ in range(self.rng.randint(1, 8)):
            doc_id = self.new_id()
            record: dict[str, Any] = {"id": doc_id, "text": self.text()}
            if self.rng.random() < 0.3:
                record["outlet"] = self.rng.choice(HOSTILE_NAMES)
                self.corpus.pieces["escapes, formula or markup in a source"] += 1
            lines.append(json.dumps(record, ensure_ascii=self.rng.random() < 0.5))
            self.valid(doc_id)
        for _ in range(self.rng.randint(0, 4)):
            kind, line = self.hostile_json_line()
            lines.insert(self.rng.randint(0, len(lines)), line)
            self.corpus.pieces[kind] += 1
        body = "\n".join(lines) + self.rng.choice(["\n", "", "\n\n"])
        self.write(f"{folder}/feed{self.count}.jsonl", body, self.encoding(body))

    def hostile_json_line(self) -> tuple[str, str]:
        choice = self.rng.randrange(8)
        if choice == 0:
            return "malformed JSON line", '{"id": "cut", "text": "half a rec'
        if choice == 1:
            return "JSON line not an object", '["an", "array"]'
        if choice == 2:
            return "NUL byte in a record", '{"id": "nul", "text": "a\0b"}'
        if choice == 3:
            return "huge record", json.dumps({"id": "huge", "text": self.huge()})
        if choice == 4:
            return "empty text", json.dumps({"id": "empty", "text": "  "})
        if choice == 5:
            return "bad id", json.dumps({"id": [1], "text": "x"})
        if choice == 6:
            return "blank line", "   "
        return "text under another key", json.dumps({"id": "other", "body": "x"})

    def csv(self, folder: str) -> None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=self.rng.choice(["\n", "\r\n"]))
        writer.writerow(["id", "text", "outlet"])
        rows: list[str] = []
        for _ in range(self.rng.randint(1, 8)):
            doc_id = self.new_id()
            text = self.text()
            if self.rng.random() < 0.3:
                text = f'He said "{text}" twice, "really".'
            row = io.StringIO()
            csv.writer(row, lineterminator="\n").writerow([doc_id, text, "Outlet"])
            rows.append(row.getvalue())
            self.valid(doc_id)
        for _ in range(self.rng.randint(0, 3)):
            kind, row_text = self.hostile_csv_row()
            rows.insert(self.rng.randint(0, len(rows)), row_text)
            self.corpus.pieces[kind] += 1
        body = out.getvalue() + "".join(rows)
        self.write(f"{folder}/table{self.count}.csv", body, self.encoding(body))

    def hostile_csv_row(self) -> tuple[str, str]:
        choice = self.rng.randrange(5)
        if choice == 0:
            return "unclosed quote in a CSV row", 'broken,"the quote never closes,Outlet\n'
        if choice == 1:
            return "CSV row of the wrong width", "short,row\n"
        if choice == 2:
            return "NUL byte in a record", "nul,a\0b,Outlet\n"
        if choice == 3:
            return "huge record", f'huge,"{self.huge()}\n\nmore",Outlet\n'
        return "empty text", "empty,,Outlet\n"

    def tsv(self, folder: str) -> None:
        lines = ["id\ttext\toutlet"]
        for _ in range(self.rng.randint(1, 6)):
            doc_id = self.new_id().replace("\t", " ").replace("\n", " ")
            text = self.text(plain=True)
            if self.rng.random() < 0.5:
                text = f'"We are devastated," she said. {text}'
            lines.append(f"{doc_id}\t{text}\tOutlet")
            self.valid(doc_id)
        if self.rng.random() < 0.5:
            lines.insert(self.rng.randint(1, len(lines)), "wrong\twidth")
            self.corpus.pieces["TSV row of the wrong width"] += 1
        body = "\n".join(lines) + "\n"
        self.write(f"{folder}/table{self.count}.tsv", body, self.encoding(body))

    def text_file(self, folder: str) -> None:
        self.count += 1
        stem = f"story-c{self.number}-{self.count}"
        if self.rng.random() < 0.2:
            stem += self.rng.choice(HOSTILE_NAMES).replace("/", "").replace("\n", "")
            self.corpus.pieces["escapes, formula or markup in a file name"] += 1
        choice = self.rng.randrange(10)
        extension = self.rng.choice([".txt", ".md"])
        if choice < 6:
            text = self.text()
            self.write(f"{folder}/{stem}{extension}", text, self.encoding(text))
            self.valid(stem)
            return
        path = self.corpus.root / folder / f"{stem}{extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if choice == 6:
            path.write_bytes(b"")
            self.corpus.pieces["empty file"] += 1
        elif choice == 7:
            path.write_bytes((self.text() * 200)[:9000].encode() + b"\0 late NUL")
            self.corpus.pieces["NUL byte after the first 8 KB"] += 1
        elif choice == 8:
            path.write_text(self.huge())
            self.corpus.pieces["huge record"] += 1
        else:
            path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x01\xff" * 20)
            self.corpus.pieces["binary file"] += 1

    def links(self, folder: str) -> None:
        base = self.corpus.root / folder
        base.mkdir(parents=True, exist_ok=True)
        self.count += 1
        n = self.count
        choice = self.rng.randrange(4)
        if choice == 0:
            (base / f"self{n}").symlink_to(base / f"self{n}")
            self.corpus.pieces["link to itself"] += 1
        elif choice == 1:
            (base / f"gone{n}.txt").symlink_to(base / "missing.txt")
            self.corpus.pieces["link to nowhere"] += 1
        elif choice == 2:
            target = self.corpus.root / f"shared{n}"
            target.mkdir()
            (base / f"first{n}").symlink_to(target, target_is_directory=True)
            (base / f"second{n}").symlink_to(target, target_is_directory=True)
            stem = f"linked-c{self.number}-{n}"
            (target / f"{stem}.txt").write_text(self.text())
            self.valid(stem)
            self.corpus.pieces["two links to one folder"] += 1
        else:
            (base / f"report{n}.pdf").write_bytes(b"%PDF-1.7")
            (base / f".hidden{n}.txt").write_text("never read")
            self.corpus.pieces["unsupported and hidden files"] += 1

    def fatal(self, folder: str) -> None:
        name = f"{folder}/misnamed{self.count}.jsonl"
        # Under a key no reader takes for text (`body`, `content` and the like are found).
        record = {"id": "m", "scribble": "the text field is named scribble"}
        self.write(name, json.dumps(record) + "\n", "utf-8")
        self.corpus.fatal = name
        self.corpus.pieces["fatal: text under an unknown key"] += 1


def build(rng: random.Random, root: Path, number: int) -> Corpus:
    """Write one random corpus under `root`; return what it holds."""
    builder = Builder(rng, root, number)
    makers: list[Callable[[str], None]] = [
        builder.jsonl,
        builder.csv,
        builder.tsv,
        builder.text_file,
        builder.text_file,
        builder.links,
    ]
    for _ in range(rng.randint(2, 7)):
        rng.choice(makers)(rng.choice(["", "a", "a/b", "c"]).strip("/") or ".")
    if not builder.corpus.valid:
        builder.text_file(".")  # at least one valid record (unless it was a bad one)
        while not builder.corpus.valid:
            builder.jsonl(".")
    if rng.random() < 0.1:
        builder.fatal(rng.choice([".", "a"]))
    return builder.corpus


def snapshot(root: Path) -> dict[str, tuple[int, int, int, str]]:
    """Return every entry under `root` (not following links): mode, size, mtime, content hash."""
    found = {}
    for folder, names, files in os.walk(root):
        for name in names + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            digest = ""
            if stat.S_ISREG(info.st_mode):
                digest = hashlib.sha1(Path(path).read_bytes()).hexdigest()
            found[path] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return found


@dataclass
class Tally:
    """What the soak counted."""

    scans: int = 0
    exit_codes: Counter[int] = field(default_factory=Counter)
    pieces: Counter[str] = field(default_factory=Counter)
    skips: Counter[str] = field(default_factory=Counter)
    valid_records: int = 0
    found_records: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def fail(self, kind: str, detail: str) -> None:
        self.failures[kind] += 1
        self.examples.setdefault(kind, detail)


def soak_one(runner: CliRunner, rng: random.Random, number: int, work: Path, tally: Tally) -> None:
    """Build one corpus, scan it, check everything the module docstring lists."""
    root = work / f"corpus{number}"
    inputs = root / "in"
    inputs.mkdir(parents=True)
    corpus = build(rng, inputs, number)
    tally.pieces.update(corpus.pieces)
    out = root / "out"
    out.mkdir()
    before = snapshot(inputs)
    strict = rng.random() < 0.3
    args = ["scan", str(inputs), "--format", "json", "-o", str(out / "report.json")]
    args += ["--errors", str(out / "errors.jsonl"), "--max-document-size", str(LIMIT), "-j", "1"]
    args += ["--strict"] if strict else []
    result = runner.invoke(cli_main, args)
    tally.scans += 1
    tally.exit_codes[result.exit_code] += 1
    where = f"scan {number} ({root})"
    if "Traceback" in result.output or not isinstance(result.exception, SystemExit | None):
        tally.fail("traceback", f"{where}: {result.output[-2000:]}")
    if snapshot(inputs) != before:
        tally.fail("input touched", where)
    left = sorted(p.name for p in out.iterdir())
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    tally.skips.update(e["reason"] for e in errors if not e["kept"])
    if corpus.fatal is not None:
        lines = result.stderr.splitlines()
        named = bool(lines) and os.path.basename(corpus.fatal) in lines[-1]
        if result.exit_code != 2 or not named or not lines[-1].startswith("dedupe: error: "):
            tally.fail("fatal input not stopped", f"{where}: {result.exit_code} {lines[-1:]}")
        if left != ["errors.jsonl"] or errors[-1]["reason"] != "fatal":
            tally.fail("errors file on failure", f"{where}: {left}")
        return
    expected_code = 1 if strict and any(not e["kept"] for e in errors) else 0
    if result.exit_code != expected_code:
        tally.fail("exit code", f"{where}: {result.exit_code}, {result.stderr[-1500:]}")
        return
    if left != ["errors.jsonl", "report.json"]:
        tally.fail("output folder", f"{where}: {left}")
    report = json.loads((out / "report.json").read_text("utf-8"))
    ids = {d["id"] for d in report["documents"]}
    tally.valid_records += len(corpus.valid)
    tally.found_records += len(corpus.valid & ids)
    if corpus.valid - ids:
        tally.fail("lost valid record", f"{where}: {sorted(corpus.valid - ids)[:5]}")
    if ids - corpus.valid:
        tally.fail("invented record", f"{where}: {sorted(ids - corpus.valid)[:5]}")
    if number % 5 == 0:
        check_renderings(runner, inputs, where, tally)


def check_renderings(runner: CliRunner, inputs: Path, where: str, tally: Tally) -> None:
    """Check the table, Markdown and CSV renderings of a corpus for escapes and formulas."""
    for fmt in ("table", "markdown", "csv"):
        args = ["scan", str(inputs), "--format", fmt, "--max-document-size", str(LIMIT), "-j", "1"]
        result = runner.invoke(cli_main, args)
        if fmt != "csv" and CONTROL.search(result.stdout + result.stderr):
            tally.fail(f"control character in {fmt}", where)
        if fmt == "csv":
            for row in csv.reader(io.StringIO(result.stdout, newline="")):
                for cell in row:
                    if cell.startswith(FORMULA_STARTS) and not re.fullmatch(r"[+-][\d.]+", cell):
                        tally.fail("formula in CSV", f"{where}: {cell!r}")


def process_checks(work: Path, rng: random.Random, processes: int, tally: Tally) -> None:
    """Run the command in real processes on generated corpora: closed pipe, full disk,
    /dev/null, and the same report bytes as in process."""
    command = [sys.executable, "-c", "from dedupe.cli import main; main()", "scan"]
    repo = Path(__file__).resolve().parents[1]
    for number in range(processes):
        root = work / f"process{number}"
        corpus = build(rng, root / "in", 100_000 + number)
        if corpus.fatal is not None:
            os.unlink(root / "in" / corpus.fatal)
        base = [*command, str(root / "in"), "--max-document-size", str(LIMIT), "-j", "1"]
        check = number % 4
        where = f"process {number} ({root})"
        if check == 0:
            script = f"{subprocess.list2cmdline([*base, '--format', 'json'])} | true"
            done = subprocess.run(
                ["bash", "-c", script + "; exit ${PIPESTATUS[0]}"],
                cwd=repo,
                capture_output=True,
                text=True,
            )
            # Standard error holds the notes of what was read and its warnings, and no more.
            notes = ("dedupe: read ", "dedupe: warning: ")
            quiet = all(line.startswith(notes) for line in done.stderr.splitlines())
            ok = done.returncode == 128 + signal.SIGPIPE and quiet
            tally.pieces["process: closed pipe"] += 1
        elif check == 1 and os.path.exists("/dev/full"):
            with open("/dev/full", "w") as full:
                done = subprocess.run(
                    base, cwd=repo, stdout=full, stderr=subprocess.PIPE, text=True
                )
            last = done.stderr.splitlines()[-1:]
            ok = done.returncode == 2 and "No space left on device" in "".join(last)
            tally.pieces["process: standard output on a full disk"] += 1
        elif check == 2:
            done = subprocess.run(
                [*base, "-o", os.devnull], cwd=repo, capture_output=True, text=True
            )
            ok = done.returncode == 0 and stat.S_ISCHR(os.stat(os.devnull).st_mode)
            tally.pieces["process: -o /dev/null"] += 1
        else:
            done = subprocess.run([*base, "--format", "json", "-q"], cwd=repo, capture_output=True)
            inside = CliRunner().invoke(
                cli_main, [*base[3:], "--format", "json", "-q"], catch_exceptions=False
            )
            ok = done.returncode == 0 and done.stdout == inside.stdout_bytes
            tally.pieces["process: same report as in process"] += 1
        tally.exit_codes[done.returncode] += 1
        if "Traceback" in (done.stderr if isinstance(done.stderr, str) else done.stderr.decode()):
            tally.fail("traceback", where)
        if not ok:
            tally.fail(f"process check {check}", f"{where}: {done.returncode} {done.stderr!r}")


def run(scans: int, seed: int, processes: int, keep: Path | None) -> tuple[Tally, float]:
    """Return the tally of `scans` in-process scans and `processes` process checks; the
    corpora of failed scans are moved into `keep` (if given) to be looked at."""
    rng = random.Random(seed)
    tally = Tally()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="dedupe-soak-"))
    try:
        runner = CliRunner()
        for number in range(scans):
            failed = sum(tally.failures.values())
            soak_one(runner, rng, number, work, tally)
            if keep is not None and sum(tally.failures.values()) > failed:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.move(work / f"corpus{number}", keep / f"corpus{number}")
            else:
                shutil.rmtree(work / f"corpus{number}")
        process_checks(work, rng, processes, tally)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tally, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print its counts; return 1 if any check failed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the counts here")
    parser.add_argument("--keep", type=Path, help="move the corpora of failed scans here")
    options = parser.parse_args(argv)
    tally, seconds = run(options.scans, options.seed, options.processes, options.keep)
    print(f"scans in process: {tally.scans}, real processes: {options.processes}, {seconds:.0f} s")
    print("exit codes: " + ", ".join(f"{c}: {n}" for c, n in sorted(tally.exit_codes.items())))
    print(f"valid records: {tally.valid_records}, found in the reports: {tally.found_records}")
    print("hostile pieces:")
    for name, count in sorted(tally.pieces.items()):
        print(f"  {name}: {count}")
    print("skips by reason: " + ", ".join(f"{r}: {n}" for r, n in sorted(tally.skips.items())))
    checks = (
        "traceback",
        "lost valid record",
        "invented record",
        "input touched",
        "output folder",
        "exit code",
    )
    print("failures: " + ", ".join(f"{k}: {tally.failures.get(k, 0)}" for k in checks))
    for kind, count in sorted(tally.failures.items()):
        if kind not in checks:
            print(f"  {kind}: {count}")
    for kind, example in tally.examples.items():
        print(f"  e.g. {kind}: {codecs.encode(example[:600], 'unicode_escape').decode()}")
    if options.json:
        options.json.write_text(
            json.dumps(
                {
                    "scans": tally.scans,
                    "seconds": round(seconds, 1),
                    "exit_codes": dict(tally.exit_codes),
                    "valid_records": tally.valid_records,
                    "found_records": tally.found_records,
                    "pieces": dict(tally.pieces),
                    "skips": dict(tally.skips),
                    "failures": dict(tally.failures),
                },
                indent=2,
            )
        )
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
