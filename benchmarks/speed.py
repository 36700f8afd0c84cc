"""Speed benchmark: dedupe against a hand-written datasketch pipeline and a rensa signer.

All on one seeded synthetic newsroom corpus (benchmarks/newsroom.py), in one run:

- dedupe end to end (JSONL in, JSON report out, every stage), in a child process so its peak
  memory is its own; per-stage times come from the same run. A first run on 3,000 articles,
  untimed, comes before it: on a fresh install numba compiles dedupe's kernels there (30-40 s
  of one core, once per install; a peer's compiled extension is built before it is
  installed), and `warm_up_seconds` says how long it took;
- signing alone (raw text to signatures, one core): dedupe's compiled path, the
  hand-written datasketch loop (`MinHash()` and one `.update()` per shingle), and rensa's
  `RMinHash` fed the same shingle strings; compared in articles per second on the same
  texts (dedupe signs about three overlapping windows a paragraph, the baselines one
  signature a paragraph, so signatures per second are printed but not compared); the
  signers take turns for `--repeat` rounds and the fastest round of each counts;
- the hand-written pipeline end to end (sign, then `MinHashLSH` insert and query);
- a rensa document-level pipeline end to end on the whole corpus (one process: read, 5-word
  shingles of each document, `RMinHash`, rensa's streaming deduplicator; the pipeline of
  `benchmarks.filter`), in a child process, timed wall-clock.

The slow baselines run on the first `--baseline-articles` articles of the same corpus; rates
are per article, so ratios compare like with like.

With `--accents`, the corpus is first rewritten with one word in ten (by vocabulary, the
same words in every article) spelt with an accent (`café`, `Zürich`): most real news holds
some letters beyond ASCII, which the synthetic newsroom does not.

    python -m benchmarks.speed 100000 --jobs 2
    python -m benchmarks.speed 100000 --jobs 2 --accents
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import re
import subprocess
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tabulate import tabulate

OUT = Path(__file__).resolve().parent / "out"
SHINGLE = 5
NUM_PERM = 128


def corpus(articles: int, seed: int, out: Path = OUT) -> Path:
    """Return the path of the synthetic corpus of this size and seed, generating it once."""
    from benchmarks.newsroom import write_corpus

    out.mkdir(exist_ok=True)
    path = out / f"newsroom-{articles}-{seed}.jsonl"
    if not path.exists():
        write_corpus(articles, path, out / f"newsroom-{articles}-{seed}.truth.jsonl", seed=seed)
    return path


_ACCENTED = str.maketrans("aeiouAEIOU", "áéíóüÁÉÍÓÜ")
_WORD = re.compile(r"[A-Za-z]+")


def accented(word: str) -> str:
    """Return `word` with its first vowel accented when its CRC-32 is a multiple of ten
    (one word in ten of a vocabulary, the same in every text), else `word` itself."""
    if zlib.crc32(word.encode()) % 10:
        return word
    vowel = next((k for k, char in enumerate(word) if char in "aeiouAEIOU"), None)
    if vowel is None:
        return word
    return word[:vowel] + word[vowel].translate(_ACCENTED) + word[vowel + 1 :]


def accented_corpus(path: Path) -> Path:
    """Return the path of `path`'s corpus with `accented` words, written once beside it."""
    target = path.with_name(f"{path.stem}-accents.jsonl")
    if target.exists():
        return target
    partial = target.with_suffix(".partial")
    with path.open(encoding="utf-8") as lines, partial.open("w", encoding="utf-8") as out:
        for line in lines:
            record = json.loads(line)
            record["text"] = _WORD.sub(lambda m: accented(m.group()), record["text"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.replace(target)
    return target


_CHILD = """
import json, resource, sys, time
import dedupe
from dedupe.render import render_chunks
from dedupe.stats import Stats
stats = Stats()
started = time.perf_counter()
jobs, pairs = int(sys.argv[3]), sys.argv[4] == "pairs"
report = dedupe.scan([sys.argv[1]], stats=stats, jobs=jobs, pairs=pairs)
dedupe.write_atomic(sys.argv[2], render_chunks(report, "json", jobs=jobs))
seconds = time.perf_counter() - started
self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "stages": stats.rows(), "counts": stats.counts,
                  "peak_rss_mb": self_rss / 1024, "worker_peak_rss_mb": children_rss / 1024,
                  "families": len(report.families)}))
"""


WARM_UP_RECORDS = 3000
"""Records of the untimed first run: enough for dedupe's compiled code (from 2,000 documents
or candidate pairs), which numba compiles once per install and caches (as a peer's import of
its compiled extension, it is not part of a run's time)."""


def warm_up_sample(path: Path, target: Path) -> Path:
    """Return `target`, written with the first WARM_UP_RECORDS lines of the JSONL `path`."""
    with path.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        out.writelines(itertools.islice(source, WARM_UP_RECORDS))
    return target


def warm_up_dedupe_scan(path: Path, jobs: int) -> float:
    """Run the timed child once, untimed, on the first WARM_UP_RECORDS articles of `path`;
    return its wall seconds (numba's compiling, on a fresh install, is most of them)."""
    sample = warm_up_sample(path, path.parent / f"{path.stem}.warm-up.jsonl")
    try:
        run = dedupe_end_to_end(sample, jobs)
    finally:
        sample.unlink()
    Path(run["report_path"]).unlink()
    return float(run["wall_seconds"])


def dedupe_end_to_end(
    path: Path, jobs: int, *, pairs: bool = False, interval: float = 0.5
) -> dict[str, Any]:
    """Return wall time, stage rows and peak memory of `dedupe.scan` on `path` (child process;
    the JSON report is written beside the corpus, as `report_path` says).

    Peak memory is sampled every `interval` seconds (or less often: `PssSampler`) as the
    proportional set size (PSS) of the child and all its workers together: forked workers
    share pages with their parent, which PSS counts once, where summing each process's RSS
    would count them again and again.
    """
    out = path.parent / f"{path.stem}.report.json"
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), str(out), str(jobs), "pairs" if pairs else ""],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = PssSampler(child.pid, interval)
    while child.poll() is None:
        sampler.poll()
        time.sleep(POLL_SECONDS)
    peak_pss = sampler.peak
    stdout, stderr = child.communicate()
    if child.returncode:
        raise RuntimeError(f"dedupe run failed ({child.returncode}): {stderr[-2000:]}")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    result["peak_pss_mb"] = peak_pss
    result["report_path"] = str(out)
    return result


# Reading smaps_rollup walks a process's page tables: about 50 ms a sample for the 1-2 GB
# tree of a scan of 100k articles on the 2-core VM. Sampled every 0.2 s, that took a quarter
# of one core from a tool that uses both (`dedupe filter` on 100k records: 46.4-47.8 s
# sampled, 45.2-45.6 s not), and nothing from one that uses a single core (the sampler
# then runs on the idle one). The sampler waits long enough to stay under this share of
# one core, so that every tool is timed as it runs; whether the child has ended is asked
# every POLL_SECONDS meanwhile, so that its time ends when it does.
SAMPLER_SHARE = 0.02
POLL_SECONDS = 0.05


class PssSampler:
    """The peak PSS (MB) of a process tree, sampled every `interval` seconds, or less often
    when a sample takes more than SAMPLER_SHARE of that (`tree_pss_mb`).

    The first samples come sooner, POLL_SECONDS apart and twice that each time up to
    `interval`: the first, taken as the child starts, reads a process still in exec (0.1
    MB), and a run shorter than `interval` (the tests' 120 articles, 0.3 s) would end with
    that one sample."""

    def __init__(self, pid: int, interval: float) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0.0
        self._due = 0.0
        self._gap = POLL_SECONDS

    def poll(self) -> None:
        """Sample the tree if a sample is due."""
        started = time.perf_counter()
        if started < self._due:
            return
        self.peak = max(self.peak, tree_pss_mb(self.pid))
        cost = time.perf_counter() - started
        self._due = started + max(min(self._gap, self.interval), cost / SAMPLER_SHARE)
        self._gap *= 2


def tree_pss_mb(pid: int) -> float:
    """Return the summed PSS, in MB, of process `pid` and its descendants (0 if unreadable)."""
    total_kb = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as stream:
                total_kb += sum(int(line.split()[1]) for line in stream if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as stream:
                    pending.extend(int(child) for child in stream.read().split())
        except (OSError, ValueError):
            continue
    return total_kb / 1024


def load_articles(path: Path, limit: int) -> list[str]:
    """Return the texts of the first `limit` articles of a JSONL corpus."""
    texts = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            texts.append(json.loads(line)["text"])
            if len(texts) == limit:
                break
    return texts


def handwritten_paragraph_shingles(text: str) -> list[list[str]]:
    """Return each paragraph's 5-word shingles as strings, the way a hand-written script would."""
    shingles = []
    for paragraph in text.split("\n\n"):
        words = paragraph.lower().split()
        grams = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
        if grams:
            shingles.append(sorted(grams))
    return shingles


def sign_handwritten(texts: Sequence[str]) -> tuple[int, float]:
    """Return (paragraphs, seconds) for datasketch MinHash with one update per shingle."""
    from datasketch import MinHash

    started = time.perf_counter()
    paragraphs = 0
    for text in texts:
        for grams in handwritten_paragraph_shingles(text):
            minhash = MinHash(num_perm=NUM_PERM)
            for gram in grams:
                minhash.update(gram.encode("utf-8"))
            paragraphs += 1
    return paragraphs, time.perf_counter() - started


def sign_rensa(texts: Sequence[str]) -> tuple[int, float]:
    """Return (paragraphs, seconds) for rensa's RMinHash fed the same shingle strings."""
    from rensa import RMinHash

    started = time.perf_counter()
    paragraphs = 0
    for text in texts:
        for grams in handwritten_paragraph_shingles(text):
            minhash = RMinHash(num_perm=NUM_PERM, seed=1)
            minhash.update(grams)
            minhash.digest()
            paragraphs += 1
    return paragraphs, time.perf_counter() - started


def sign_dedupe(texts: Sequence[str]) -> tuple[int, float]:
    """Return (paragraphs, seconds) for dedupe's signing path (tokenize, shingle, sign, and
    hash each signature's LSH bands, which the compiled signer does as it goes).

    The compiled signer, as large scans use it; loading it (like importing rensa) is not
    timed.
    """
    from dedupe import signatures_compiled, text_compiled
    from dedupe.documents import Document
    from dedupe.parameters import Parameters
    from dedupe.signing import sign_documents

    signatures_compiled.prepare()
    text_compiled.prepare()
    documents = [Document(str(i), text) for i, text in enumerate(texts)]
    started = time.perf_counter()
    signed = sign_documents(documents, Parameters(), jobs=1, compiled=True)
    return len(signed.owners), time.perf_counter() - started


def fastest_signing(texts: Sequence[str], repeat: int) -> dict[str, tuple[int, float]]:
    """Return each signer's (signatures, seconds) on `texts`, the fastest of `repeat` rounds.

    The signers take turns, round after round: other work on the machine only ever slows a
    run down, so the fastest round of each is the fairest comparison.
    """
    signers = {"dedupe": sign_dedupe, "datasketch hand-written": sign_handwritten}
    if importlib.util.find_spec("rensa"):
        signers["rensa"] = sign_rensa
    else:
        print("rensa is not installed (pip install -e '.[bench]'): no rensa figures")
    best: dict[str, tuple[int, float]] = {}
    for _ in range(max(repeat, 1)):
        for name, signer in signers.items():
            count, seconds = signer(texts)
            if name not in best or seconds < best[name][1]:
                best[name] = (count, seconds)
    return best


def handwritten_pipeline(texts: Sequence[str]) -> float:
    """Return the seconds the hand-written pipeline takes: sign, LSH insert, LSH query."""
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.3, num_perm=NUM_PERM)
    signed = []
    for index, text in enumerate(texts):
        for number, grams in enumerate(handwritten_paragraph_shingles(text)):
            minhash = MinHash(num_perm=NUM_PERM)
            for gram in grams:
                minhash.update(gram.encode("utf-8"))
            key = f"{index}:{number}"
            lsh.insert(key, minhash)
            signed.append(minhash)
    for minhash in signed:
        lsh.query(minhash)
    return time.perf_counter() - started


def rensa_document_pipeline(path: Path, out: Path) -> dict[str, Any] | None:
    """Return the run figures (wall seconds, memory) of `benchmarks.filter`'s rensa
    document-level pipeline on the whole corpus, in a child process (read the JSONL, 5-word
    shingles of each document, `RMinHash`, rensa's streaming LSH deduplicator at Jaccard
    0.8, the kept records written out); None when rensa is not installed."""
    if importlib.util.find_spec("rensa") is None:
        return None
    from benchmarks.filter import run_document_level

    work = out / f"{path.stem}.runs"
    work.mkdir(exist_ok=True)
    run = run_document_level("rensa", path, work, 0.8)
    if run["returncode"] != 0:
        raise RuntimeError(f"the rensa pipeline failed: see {run['log']}")
    return run


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its figures (and write them as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=int, nargs="?", default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--baseline-articles", type=int, default=1_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds of the signing comparison (fastest kept)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="folder for corpora and reports")
    parser.add_argument("--json", type=Path, default=None, help="default: OUT/speed.json")
    parser.add_argument(
        "--accents", action="store_true", help="one word in ten spelt with an accent"
    )
    args = parser.parse_args(argv)

    path = corpus(args.articles, args.seed, args.out)
    if args.accents:
        path = accented_corpus(path)
    megabytes = path.stat().st_size / 1e6
    warm_up_seconds = warm_up_dedupe_scan(path, args.jobs)
    run = dedupe_end_to_end(path, args.jobs)
    sample = load_articles(path, args.baseline_articles)
    signing = fastest_signing(sample, args.repeat)
    pipeline_seconds = handwritten_pipeline(sample)
    rensa_run = rensa_document_pipeline(path, args.out)

    dedupe_rate = args.articles / run["seconds"]
    pipeline_rate = len(sample) / pipeline_seconds
    # Signers are compared on the same texts: articles (raw text) per second. Their
    # signature counts differ (dedupe signs overlapping 30-word windows, about 3 a
    # paragraph; the baselines one signature a paragraph), so signatures/s is not a ratio.
    sign_rates = {name: len(sample) / s for name, (_, s) in signing.items()}
    figures = {
        "articles": args.articles,
        "corpus": path.name,
        "jobs": args.jobs,
        "corpus_mb": round(megabytes, 1),
        "warm_up_seconds": round(warm_up_seconds, 2),
        "end_to_end_seconds": round(run["seconds"], 2),
        "end_to_end_articles_per_s": round(dedupe_rate),
        "end_to_end_mb_per_s": round(megabytes / run["seconds"], 2),
        "peak_pss_mb_all_processes": round(run["peak_pss_mb"]),
        "peak_rss_mb": round(run["peak_rss_mb"]),
        "worker_peak_rss_mb": round(run["worker_peak_rss_mb"]),
        "handwritten_pipeline_articles_per_s": round(pipeline_rate, 1),
        "end_to_end_vs_handwritten": round(dedupe_rate / pipeline_rate, 1),
        "signing_articles_per_s": {k: round(v) for k, v in sign_rates.items()},
        "signatures_per_s": {name: round(n / s) for name, (n, s) in signing.items()},
        "signing_vs_handwritten": round(
            sign_rates["dedupe"] / sign_rates["datasketch hand-written"], 1
        ),
        "signing_vs_rensa": round(sign_rates["dedupe"] / sign_rates["rensa"], 2)
        if "rensa" in sign_rates
        else None,
        "rensa_document_pipeline_seconds": round(rensa_run["seconds"], 2) if rensa_run else None,
        "end_to_end_vs_rensa_document_pipeline": round(rensa_run["seconds"] / run["seconds"], 2)
        if rensa_run
        else None,
        "stages": run["stages"],
        "counts": run["counts"],
    }
    print(
        tabulate(
            [
                (name, f"{sec:.2f}", items, unit, f"{rate:,.0f}")
                for name, sec, items, unit, rate in run["stages"]
            ],
            headers=("stage", "seconds", "items", "unit", "items/s"),
        )
    )
    print()
    for name, value in figures.items():
        if name not in ("stages",):
            print(f"{name}: {value}")
    target = args.json or args.out / "speed.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
