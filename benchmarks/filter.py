"""Filter benchmark (issue #13): which records does a near-duplicate filter keep?

``dedupe filter`` against document-level MinHash pipelines (datasketch, rensa) and
text-dedup's MinHash dedup, on one seeded corpus with exact truth, each timed in a child
process in the same run.

**Corpus** (:func:`generate`): stories of a wire (Reuters, Associated Press, AFP) written with
the synthetic newsroom's text primitives (:mod:`benchmarks.newsroom`: pseudo-English
paragraphs, a quoted statement, entities, word edits, credit lines). Per story:

* ``wire_original``: the wire's own article, in the corpus for 85 % of the stories;
* ``copy``: 1 + Poisson(3) outlets (at most 20) reprint the whole story at a word edit rate of
  0, 2, 5 or 10 % (each word substituted, deleted or inserted with that probability; the
  quotation is never edited), 60 % of them with a credit (``"CITY, Jan 5 (Reuters) -"``,
  ``"CITY (AP) —"`` or ``"Reuters contributed to this report."``), 30 % with one sentence of
  their own appended; published 1 minute to 3 days after the wire;
* ``partial``: Poisson(0.6) outlets take a contiguous stretch of about half of the story (edit
  rate 0, 2 or 5 %) and add paragraphs of their own of the same length (so about half of
  their words are the wire's): they must never be dropped;
* ``independent``: Poisson(0.8) articles on the story's topic and entities (half of them quote
  the same statement: quote reuse, not copying), and 12 % of the "stories" drawn are
  stand-alone articles on no story: unique writing that must never be dropped.

Records are JSONL in crawl order (publication time plus an exponential crawl lag, mean one
hour; so a wire article usually, not always, comes before its copies):
``{"id", "title", "text", "source", "published", "url", "meta"}``; ``text`` has paragraphs
separated by blank lines, ``published`` is ISO 8601 UTC (copies and partial reuse always
after the wire), ``title`` carries curly quotes, a dash and accents, ``meta`` is a nested
object (section, tags, word count, crawl time, a null, a float) to check that every field
passes through unchanged.

Truth, one per record: ``{"id", "story" (str or None), "role", "wire", "edit_rate",
"credited", "wire_share"}`` where ``wire_share`` is the share of the record's words copied
from the wire story (credit lines and the outlet's own words excluded).

**Evaluation** (:func:`evaluate`), from the set of kept ids. A story's *members* are its
``wire_original`` and ``copy`` records; partial and independent records are never members.

* a story is *right* when exactly one of its members is kept (``stories_one_kept``: share of
  stories with at least one member in the corpus; target >= 0.99);
* ``wire_original_kept``: share of the stories whose wire article is in the corpus that keep
  it (the issue prefers the wire's own article);
* ``partial_dropped`` / ``independent_dropped``: counts (target 0);
* **dropped records**: the ideal filter drops, for each story, every member but one, so the
  records that should be dropped number ``sum(members - 1)`` over stories. A dropped record
  counts as correct when it is a member of a story of which at least one other member is
  kept. ``dropped_precision`` = correct / dropped (None when nothing is dropped),
  ``dropped_recall`` = correct / sum(members - 1) (None when no story has two members).
  Keeping everything gives recall 0; keeping exactly one member per story and every other
  record gives precision = recall = 1, whichever member is kept (which one is measured by
  ``wire_original_kept``). ``copies_dropped_by_edit_rate``: the share of the copies of
  each edit rate that are dropped (an ideal filter drops all but the one kept per story).
* **pass-through** (:func:`passthrough`): each output record is compared with the input
  record of its id: every input field must be present and equal (JSON values); fields a
  tool adds are listed, not counted as changes.

**Runners**, each a child process timed wall-clock (interpreter start and imports included)
with its peak RSS (``os.wait4``: the largest single process of the child's tree), peak
PSS of its whole process tree sampled every 0.2 s, or less often when a sample takes long
(``benchmarks.speed.PssSampler``: the sampler takes at most 2% of one core), and the
1-minute load average when it started (other work on the machine slows a run down):

* ``dedupe``: ``python -m dedupe filter CORPUS -o kept.jsonl`` (or ``from dedupe.cli import
  main``), skipped with "dedupe filter not available" when ``filter --help`` fails;
  ``--annotate`` also runs ``dedupe filter --annotate`` (kept: ``dedupe_duplicate_of`` null);
* ``datasketch``: MinHash (num_perm 128) of the whole document's 5-word shingles (the
  shingling of :mod:`benchmarks.speed`), ``MinHashLSH`` at the threshold, candidates kept when
  their estimated Jaccard reaches it, union-find clusters, the earliest published record of
  each cluster kept;
* ``rensa``: the same shingles, ``RMinHash`` (128 permutations), rensa's own streaming
  ``RMinHashDeduplicator`` (LSH) fed the records earliest first: a record is kept unless it
  is a duplicate of one already kept;
* ``text-dedup``: text-dedup 0.4.0's ``python -m text_dedup.minhash`` with its defaults, in
  its own virtual environment (``--peers`` creates ``OUT/venvs/text-dedup`` when missing).
  No verification of candidates: every record sharing an LSH band with another is in its
  cluster, and the union-find root (by rank, not the first record) is kept.

The datasketch and rensa pipelines run at each ``--threshold`` (default 0.8, the usual
near-duplicate threshold, and 0.4, tuned: see ``PEER_THRESHOLDS``).

    python -m benchmarks.filter --records 20000 --peers            # all tools
    python -m benchmarks.filter --records 100000 --peers --annotate
    python -m benchmarks.filter --peers --only rensa --threshold 0.5  # one peer, one threshold
"""

from __future__ import annotations

import argparse
import heapq
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from tabulate import tabulate

from benchmarks.newsroom import (
    _EPOCH,
    OUTLETS,
    _article_id,
    _edit_all,
    _gen_paras,
    _iso,
    _Newsroom,
    _Para,
    _Story,
)
from benchmarks.speed import (
    NUM_PERM,
    OUT,
    POLL_SECONDS,
    SHINGLE,
    PssSampler,
    warm_up_sample,
)

ROLES = ("wire_original", "copy", "partial", "independent")
MEMBER_ROLES = frozenset({"wire_original", "copy"})
COPY_EDIT_RATES = (0.0, 0.02, 0.05, 0.10)
PARTIAL_EDIT_RATES = (0.0, 0.02, 0.05)
P_WIRE = 0.85
MEAN_EXTRA_COPIES = 3.0
MEAN_PARTIALS = 0.6
MEAN_INDEPENDENT = 0.8
SECTIONS = ("Wörld", "Économie", "Politics – Europe", "Science & Santé", "Sport")
# Jaccard thresholds of the document-level pipelines: 0.8, the conventional near-duplicate
# threshold, and 0.4, tuned on another corpus (seed 99, 3,000 records): the lowest of 0.30,
# 0.35, ..., 0.80 at which the datasketch pipeline drops no partial or independent record
# (recall of dropped records 0.89 there; at 0.35 it drops 6 partial records, rensa 15).
PEER_THRESHOLDS = (0.8, 0.4)
TEXT_DEDUP_VERSION = "0.4.0"
TEXT_DEDUP_VENV = OUT / "venvs" / "text-dedup"
ROOT = Path(__file__).resolve().parents[1]

Record = dict[str, Any]
Truth = dict[str, Any]


# --- corpus -------------------------------------------------------------------------------------


class _FilterRoom(_Newsroom):
    """The newsroom's stories and text, planned as whole copies, partial reuse and
    independent writing."""

    def __init__(self, seed: int, words_per_article: int) -> None:
        super().__init__(seed, None, words_per_article)
        self.created = 0

    def _aid(self) -> str:
        aid = _article_id(self.seed, self.created)
        self.created += 1
        return aid

    def _later(self, base: datetime) -> datetime:
        """A time 1 minute to 3 days after `base` (median about 3 hours)."""
        seconds = float(self.rng.lognormal(np.log(3 * 3600), 1.2))
        return base + timedelta(seconds=int(min(max(seconds, 60), 3 * 86400)))

    def story_records(self) -> list[tuple[datetime, Record, Truth]]:
        """Return the (published, record, truth) triples of the next story."""
        rng = self.rng
        story = self.new_story()  # its own plan is not used
        if story.story_id is None:  # a stand-alone article
            return [self._independent(story, related=False)]
        out = []
        if rng.random() < P_WIRE:
            out.append(self._wire(story))
        n_copies = min(1 + int(rng.poisson(MEAN_EXTRA_COPIES)), len(OUTLETS))
        for outlet in rng.choice(len(OUTLETS), size=n_copies, replace=False).tolist():
            out.append(self._copy(story, outlet))
        for _ in range(int(rng.poisson(MEAN_PARTIALS))):
            out.append(self._partial(story, int(rng.integers(len(OUTLETS)))))
        for _ in range(int(rng.poisson(MEAN_INDEPENDENT))):
            out.append(self._independent(story, related=True))
        return out

    def _wire(self, story: _Story) -> tuple[datetime, Record, Truth]:
        article, truth = self.wire_article(story, self._aid())
        return self._record(story, article, truth, story.time, "wire_original", 0.0, None)

    def _copy(self, story: _Story, outlet: int) -> tuple[datetime, Record, Truth]:
        rng = self.rng
        assert story.story_id is not None
        rate = COPY_EDIT_RATES[int(rng.integers(len(COPY_EDIT_RATES)))]
        origin = (story.story_id, story.wire_id)
        paragraphs = [[(p, origin)] for p in _edit_all(rng, story.paras, rate)]
        if rng.random() < 0.3:  # one sentence of the outlet's own
            own = _gen_paras(rng, 20, story.topic, story.entities)[0]
            paragraphs.append([(_Para(own.sents[:1]), None)])
        return self._reprint(story, outlet, paragraphs, rate, "copy", 0.6)

    def _partial(self, story: _Story, outlet: int) -> tuple[datetime, Record, Truth]:
        """About half of the story (whole paragraphs, contiguous) and as many words of the
        outlet's own paragraphs, mixed."""
        rng = self.rng
        assert story.story_id is not None
        rate = PARTIAL_EDIT_RATES[int(rng.integers(len(PARTIAL_EDIT_RATES)))]
        sizes = [p.n_tokens for p in story.paras]
        half = sum(sizes) / 2
        starts = [i for i in range(len(sizes)) if sum(sizes[i:]) >= half] or [0]
        start = starts[int(rng.integers(len(starts)))]
        stop, taken = start, 0
        while stop < len(sizes) and taken < half:
            taken += sizes[stop]
            stop += 1
        if taken - half > sizes[stop - 1] / 2 and stop - start > 1:  # nearer half without it
            stop -= 1
            taken -= sizes[stop]
        origin = (story.story_id, story.wire_id)
        picked = _edit_all(rng, story.paras[start:stop], rate)
        paragraphs: list[list[tuple[_Para, tuple[str, str | None] | None]]]
        paragraphs = [[(p, origin)] for p in picked]
        own_paras = _gen_paras(rng, taken, story.topic, story.entities)
        own_words = 0
        for p in own_paras:  # as many own words as copied ones (to a sentence)
            if own_words >= taken:
                break
            paragraphs.insert(int(rng.integers(len(paragraphs) + 1)), [(p, None)])
            own_words += p.n_tokens
        return self._reprint(story, outlet, paragraphs, rate, "partial", 0.5)

    def _reprint(
        self,
        story: _Story,
        outlet: int,
        paragraphs: list[list[tuple[_Para, tuple[str, str | None] | None]]],
        rate: float,
        role: str,
        p_credit: float,
    ) -> tuple[datetime, Record, Truth]:
        credited = bool(self.rng.random() < p_credit)
        if credited:
            self._add_credit(story, paragraphs)
        published = self._later(story.time)
        article, truth = self._finish(
            self._aid(),
            paragraphs,
            outlet=OUTLETS[outlet],
            published=published,
            story=story,
            kind=role,
            original_source=story.wire,
            credited=credited,
            rate=rate,
        )
        return self._record(story, article, truth, published, role, rate, credited)

    def _independent(self, story: _Story, *, related: bool) -> tuple[datetime, Record, Truth]:
        article, truth = self.original_article(story, self._aid(), related)
        published = (
            datetime.fromisoformat(article["published"])
            if "published" in article
            else self._later(story.time)
        )
        return self._record(story, article, truth, published, "independent", 0.0, None)

    def _record(
        self,
        story: _Story,
        article: dict[str, Any],
        truth: dict[str, Any],
        published: datetime,
        role: str,
        rate: float,
        credited: bool | None,
    ) -> tuple[datetime, Record, Truth]:
        rng = self.rng
        text = article["text"]
        words = len(text.split())
        copied = sum(len(text[a:b].split()) for a, b, _, _ in truth["reused_spans"])
        source = article["outlet"]
        aid = article["id"]
        entity = " ".join(story.entities[0]) if story.entities else "Officials"
        lead = " ".join(text.split()[:4]).rstrip(",.")
        title = f"{entity}: “{lead}…” — {story.city.title() or 'Nöwhere'} ‘update’"
        fetched = published + timedelta(seconds=int(rng.exponential(3600)))
        record = {
            "id": aid,
            "title": title,
            "text": text,
            "source": source,
            "published": _iso(published),
            "url": f"https://{source.lower().replace(' ', '-')}.example/{published:%Y/%m}/{aid}",
            "meta": {
                "section": SECTIONS[int(rng.integers(len(SECTIONS)))],
                "tags": [" ".join(e) for e in story.entities[:2]],
                "words": words,
                "crawl": {"fetched": _iso(fetched), "lang": "en", "etag": None},
                "score": round(float(rng.random()), 4),
            },
        }
        in_story = role != "independent"
        facts = {
            "id": aid,
            "story": story.story_id if in_story else None,
            "role": role,
            "wire": story.wire if in_story else None,
            "edit_rate": rate,
            "credited": credited,
            "wire_share": round(copied / words, 4) if words else 0.0,
        }
        return fetched, record, facts


def generate(
    records: int, *, seed: int = 13, words_per_article: int = 600
) -> Iterator[tuple[Record, Truth]]:
    """Yield `records` (record, truth) pairs of the filter corpus, in crawl order.

    Stories start 20 minutes apart on average; a record can be crawled at most 3 days plus
    the crawl lag after its story starts and independents up to 6 hours before, so records
    are held in a heap until no later story can bring an earlier one. The same arguments
    always give the same output.
    """
    if records < 0:
        raise ValueError("records must be >= 0")
    room = _FilterRoom(seed, words_per_article)
    heap: list[tuple[datetime, int, Record, Truth]] = []
    emitted = pushed = 0
    while room.created < records:
        for fetched, record, truth in room.story_records():
            heapq.heappush(heap, (fetched, pushed, record, truth))
            pushed += 1
        # the next story starts at _EPOCH + n_stories * 1200 s or later; its records at
        # most 6 hours before that
        horizon = _EPOCH + timedelta(seconds=room.n_stories * 1200 - 6 * 3600)
        while heap and heap[0][0] < horizon and emitted < records:
            yield heapq.heappop(heap)[2:]
            emitted += 1
    while heap and emitted < records:
        yield heapq.heappop(heap)[2:]
        emitted += 1


def write_corpus(records: int, seed: int = 13, out: Path = OUT) -> tuple[Path, Path]:
    """Write the corpus and its truth as JSONL in `out` (once; reused when present)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"filter-{records}-{seed}.jsonl"
    truth_path = out / f"filter-{records}-{seed}.truth.jsonl"
    if not (path.exists() and truth_path.exists()):
        tmp, tmp_truth = path.with_suffix(".tmp"), truth_path.with_suffix(".tmp")
        with (
            tmp.open("w", encoding="utf-8", newline="\n") as stream,
            tmp_truth.open("w", encoding="utf-8", newline="\n") as truth_stream,
        ):
            for record, truth in generate(records, seed=seed):
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                truth_stream.write(json.dumps(truth, ensure_ascii=False) + "\n")
        tmp.replace(path)
        tmp_truth.replace(truth_path)
    return path, truth_path


def quality_figures(records: int = 3000, seed: int = 13, **options: Any) -> dict[str, Any]:
    """Return the figures of `dedupe.filter` (in this process) on a corpus of `records`
    generated in a temporary folder, for the quality gate (`benchmarks.quality`)."""
    import tempfile

    import dedupe

    with tempfile.TemporaryDirectory(prefix="dedupe-filter-quality-") as folder:
        corpus, truth_path = write_corpus(records, seed, Path(folder))
        truth = {t["id"]: t for t in read_jsonl(truth_path)}
        inputs = {r["id"]: r for r in read_jsonl(corpus)}
        outputs = list(dedupe.filter([corpus], **options))
    figures = evaluate(truth, [r["id"] for r in outputs])
    figures["passthrough"] = passthrough(inputs, outputs)
    return figures


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


# --- evaluation ---------------------------------------------------------------------------------


def evaluate(truth: Mapping[str, Truth], kept: Iterable[str]) -> dict[str, Any]:
    """Return the figures of one kept set against the truth (see the module docstring)."""
    kept_set = set(kept)
    unknown = len(kept_set - truth.keys())
    members: dict[str, list[str]] = defaultdict(list)
    originals: dict[str, str] = {}
    for rid, facts in truth.items():
        if facts["role"] in MEMBER_ROLES:
            members[facts["story"]].append(rid)
            if facts["role"] == "wire_original":
                originals[facts["story"]] = rid
    kept_members = {story: sum(r in kept_set for r in ids) for story, ids in members.items()}
    should_drop = sum(len(ids) - 1 for ids in members.values())
    dropped = [rid for rid in truth if rid not in kept_set]
    correct = sum(
        truth[rid]["role"] in MEMBER_ROLES and kept_members[truth[rid]["story"]] >= 1
        for rid in dropped
    )
    by_role = defaultdict(int)
    for rid in dropped:
        by_role[truth[rid]["role"]] += 1
    roles = defaultdict(int)
    for facts in truth.values():
        roles[facts["role"]] += 1
    stories = len(members)
    rates: dict[float, list[bool]] = defaultdict(list)
    for rid, facts in truth.items():
        if facts["role"] == "copy" and facts.get("edit_rate") is not None:
            rates[facts["edit_rate"]].append(rid not in kept_set)
    return {
        "records": len(truth),
        "kept": len(kept_set & truth.keys()),
        "dropped": len(dropped),
        "unknown_kept_ids": unknown,
        "should_drop": should_drop,
        "dropped_correct": correct,
        "dropped_precision": correct / len(dropped) if dropped else None,
        "dropped_recall": correct / should_drop if should_drop else None,
        "stories": stories,
        "stories_one_kept": (
            sum(n == 1 for n in kept_members.values()) / stories if stories else None
        ),
        "stories_none_kept": sum(n == 0 for n in kept_members.values()),
        "stories_several_kept": sum(n > 1 for n in kept_members.values()),
        "wire_originals": len(originals),
        "wire_original_kept": (
            sum(rid in kept_set for rid in originals.values()) / len(originals)
            if originals
            else None
        ),
        "copies_dropped": by_role["copy"],
        "wire_originals_dropped": by_role["wire_original"],
        "partial": roles["partial"],
        "partial_dropped": by_role["partial"],
        "independent": roles["independent"],
        "independent_dropped": by_role["independent"],
        "copies_dropped_by_edit_rate": {
            rate: sum(flags) / len(flags) for rate, flags in sorted(rates.items())
        },
    }


_MISSING = object()


def passthrough(inputs: Mapping[str, Record], outputs: Iterable[Record]) -> dict[str, Any]:
    """Compare output records with the input records of their ids.

    A record is unchanged when every input field is present in it with an equal value;
    fields the tool added are listed in `added_fields`, not counted as changes.
    """
    seen: set[str] = set()
    unchanged = changed = unknown = repeated = 0
    changed_fields: dict[str, int] = defaultdict(int)
    added: set[str] = set()
    for out in outputs:
        rid = out.get("id")
        if not isinstance(rid, str) or rid not in inputs:
            unknown += 1
            continue
        if rid in seen:
            repeated += 1
        seen.add(rid)
        diff = [k for k, v in inputs[rid].items() if out.get(k, _MISSING) != v]
        for key in diff:
            changed_fields[key] += 1
        added.update(k for k in out if k not in inputs[rid])
        if diff:
            changed += 1
        else:
            unchanged += 1
    return {
        "output_records": unchanged + changed + unknown,
        "unchanged": unchanged,
        "changed": changed,
        "changed_fields": dict(sorted(changed_fields.items())),
        "unknown_ids": unknown,
        "repeated_ids": repeated,
        "added_fields": sorted(added),
    }


# --- document-level MinHash pipelines (run in a child process) --------------------------------


def document_shingles(text: str) -> list[str]:
    """The whole document's 5-word shingles (lower case, split at white space), as a
    well-written script makes them: one pass, no sorting and no set (a MinHash does not
    change with repeated shingles). The same shingles as :mod:`benchmarks.speed` makes of a
    paragraph, for the whole text."""
    words = text.lower().split()
    return [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def _by_publication(records: Sequence[Record]) -> list[int]:
    """Record indices, earliest published first (input order among equal dates)."""
    return sorted(range(len(records)), key=lambda i: (str(records[i].get("published", "")), i))


def datasketch_kept(records: Sequence[Record], threshold: float) -> list[int]:
    """Indices of the records a datasketch pipeline keeps: MinHash of each document's
    shingles, `MinHashLSH` candidates whose estimated Jaccard reaches `threshold`, union-find
    clusters, the earliest published member of each cluster."""
    from datasketch import MinHash, MinHashLSH

    signatures = MinHash.bulk(
        ([g.encode("utf-8") for g in document_shingles(r["text"])] for r in records),
        num_perm=NUM_PERM,
    )
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, signature in enumerate(signatures):
            session.insert(i, signature)
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, signature in enumerate(signatures):
        for j in lsh.query(signature):
            if j > i and signature.jaccard(signatures[j]) >= threshold:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    kept: dict[int, int] = {}
    for i in _by_publication(records):
        kept.setdefault(find(i), i)
    return sorted(kept.values())


def rensa_kept(records: Sequence[Record], threshold: float, batch: int = 2000) -> list[int]:
    """Indices of the records rensa keeps: `RMinHash` of each document's shingles, fed
    earliest first to rensa's `RMinHashDeduplicator` (LSH), which keeps a record unless its
    estimated Jaccard with one already kept reaches `threshold`."""
    from rensa import RMinHash, RMinHashDeduplicator

    order = _by_publication(records)
    dedup = RMinHashDeduplicator(threshold, NUM_PERM, True)
    kept = []
    for start in range(0, len(order), batch):
        chunk = order[start : start + batch]
        signatures = RMinHash.from_token_sets(
            [document_shingles(records[i]["text"]) for i in chunk], NUM_PERM, 42
        )
        for i, signature in zip(chunk, signatures, strict=True):
            if dedup.add(str(i), signature):
                kept.append(i)
    return sorted(kept)


def _child(name: str, source: Path, target: Path, threshold: float) -> None:
    """Run one document-level pipeline: read `source`, write the kept records to `target`."""
    records = read_jsonl(source)
    kept = (datasketch_kept if name == "datasketch" else rensa_kept)(records, threshold)
    with target.open("w", encoding="utf-8") as stream:
        for i in kept:
            stream.write(json.dumps(records[i], ensure_ascii=False) + "\n")


# --- runners ------------------------------------------------------------------------------------


def run_child(
    command: Sequence[str], log: Path, cwd: Path = ROOT, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Run `command`; return its exit code, wall seconds, peak RSS (MB, the largest process of
    its tree, from `os.wait4`) and peak PSS of its tree (MB, sampled every 0.2 s, or less
    often when a sample takes long: `benchmarks.speed.PssSampler`)."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as stream:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=stream, stderr=subprocess.STDOUT)
        sampler = PssSampler(child.pid, 0.2)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            sampler.poll()
            time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "returncode": child.returncode,
        "seconds": seconds,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "peak_pss_mb": sampler.peak,
        "load_before": load,
        "log": str(log),
    }


def dedupe_command() -> list[str] | None:
    """The command line that runs `dedupe filter` here, or None when there is none yet."""
    for command in (
        [sys.executable, "-m", "dedupe"],
        [sys.executable, "-c", "from dedupe.cli import main; main()"],
    ):
        probe = subprocess.run(
            [*command, "filter", "--help"], cwd=ROOT, capture_output=True, text=True
        )
        if probe.returncode == 0:
            return command
    return None


def text_dedup_python(create: bool) -> Path | None:
    """The Python of text-dedup's own virtual environment (created when `create` and it is
    missing), or None."""
    python = TEXT_DEDUP_VENV / "bin" / "python"
    check = [str(python), "-c", "import text_dedup.minhash"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    if not create:
        return None
    print(f"creating {TEXT_DEDUP_VENV} (text-dedup {TEXT_DEDUP_VERSION}) ...", flush=True)
    shutil.rmtree(TEXT_DEDUP_VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(TEXT_DEDUP_VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"text-dedup=={TEXT_DEDUP_VERSION}"],
        check=True,
    )
    return python if subprocess.run(check, capture_output=True).returncode == 0 else None


_TEXT_DEDUP_DUMP = """
import json, sys
import datasets
with open(sys.argv[2], "w", encoding="utf-8") as stream:
    for row in datasets.load_from_disk(sys.argv[1]):
        stream.write(json.dumps(row, ensure_ascii=False, default=str) + "\\n")
"""


def warm_up_dedupe(command: list[str], corpus: Path, work: Path) -> None:
    """Run `dedupe filter` once, untimed, on the corpus's first WARM_UP_RECORDS records."""
    sample = warm_up_sample(corpus, work / "warm-up.jsonl")
    subprocess.run([*command, "filter", str(sample), "-o", os.devnull, "-q"], cwd=ROOT, check=True)


def run_dedupe(command: list[str], corpus: Path, work: Path, annotate: bool) -> dict[str, Any]:
    """`dedupe filter` (with `--annotate` when asked): the run's figures and its output."""
    name = "dedupe-annotate" if annotate else "dedupe"
    target = work / f"{name}.jsonl"
    extra = ["--annotate"] if annotate else []
    run = run_child(
        [*command, "filter", str(corpus), "-o", str(target), *extra], work / f"{name}.log"
    )
    run["output"] = target
    return run


def run_document_level(name: str, corpus: Path, work: Path, threshold: float) -> dict[str, Any]:
    """One of this module's document-level pipelines, in a child process."""
    target = work / f"{name}-{threshold}.jsonl"
    command = [sys.executable, "-m", "benchmarks.filter", "--child", name, "--records", "0"]
    command += ["--input", str(corpus), "--output", str(target), "--threshold", str(threshold)]
    run = run_child(command, work / f"{name}-{threshold}.log")
    run["output"] = target
    return run


def run_text_dedup(python: Path, corpus: Path, work: Path) -> dict[str, Any]:
    """text-dedup's MinHash dedup with its defaults (5-grams, 250 permutations, threshold
    0.7, bands from its `optimal_param`, as many processes as cores) on the corpus as a local
    JSON dataset; its saved dataset is then written out as JSONL (not timed)."""
    saved = work / "text-dedup.dataset"
    cache = work / "text-dedup.cache"
    for folder in (saved, cache):
        shutil.rmtree(folder, ignore_errors=True)
    command = [str(python), "-m", "text_dedup.minhash", "--path", "json"]
    command += ["--data_files", str(corpus), "--split", "train", "--cache_dir", str(cache)]
    command += ["--output", str(saved), "--column", "text"]
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"}
    run = run_child(command, work / "text-dedup.log", cwd=work, env=env)
    target = work / "text-dedup.jsonl"
    if run["returncode"] == 0:
        subprocess.run(
            [str(python), "-c", _TEXT_DEDUP_DUMP, str(saved), str(target)], check=True, cwd=work
        )
    run["output"] = target
    shutil.rmtree(cache, ignore_errors=True)
    return run


def score(
    tool: str, run: dict[str, Any], truth: Mapping[str, Truth], inputs: Mapping[str, Record]
) -> dict[str, Any]:
    """The evaluation of one run from its output file (kept records, or for `--annotate`
    every record, kept where `dedupe_duplicate_of` is null)."""
    result = {"tool": tool, **{k: v for k, v in run.items() if k != "output"}}
    if run["returncode"] != 0:
        print(f"{tool} failed (exit {run['returncode']}): see {run['log']}")
        return result
    outputs = read_jsonl(run["output"])
    if tool == "dedupe --annotate":
        kept = [r["id"] for r in outputs if r.get("dedupe_duplicate_of") is None]
        result["annotated_records"] = len(outputs)
        result["annotations"] = check_annotations(truth, outputs)
    else:
        kept = [r["id"] for r in outputs]
    result.update(evaluate(truth, kept))
    result["passthrough"] = passthrough(inputs, outputs)
    return result


ANNOTATION_FIELDS = (
    "dedupe_family",
    "dedupe_duplicate_of",
    "dedupe_shared_percent",
    "dedupe_copied_percent",
    "dedupe_quoted_percent",
    "dedupe_original_source",
    "dedupe_credited",
)


def check_annotations(truth: Mapping[str, Truth], outputs: Sequence[Record]) -> dict[str, Any]:
    """What `--annotate` output says, checked: every input record once, every annotation
    field on every record, each `dedupe_duplicate_of` naming a kept record, of the same story
    (truth) for story members."""
    ids = [r.get("id") for r in outputs]
    kept = {r["id"] for r in outputs if r.get("dedupe_duplicate_of") is None}
    pointers = [
        (r["id"], r["dedupe_duplicate_of"]) for r in outputs if r.get("dedupe_duplicate_of")
    ]
    in_story = [
        (rid, target)
        for rid, target in pointers
        if rid in truth and truth[rid]["role"] in MEMBER_ROLES
    ]
    return {
        "every_record_once": len(ids) == len(set(ids)) and set(ids) == set(truth),
        "records_missing_a_field": sum(any(f not in r for f in ANNOTATION_FIELDS) for r in outputs),
        "duplicate_of_kept": (
            sum(t in kept for _, t in pointers) / len(pointers) if pointers else None
        ),
        "duplicate_of_same_story": (
            sum(
                t in truth
                and truth[t]["story"] == truth[rid]["story"]
                and truth[t]["role"] in MEMBER_ROLES
                for rid, t in in_story
            )
            / len(in_story)
            if in_story
            else None
        ),
    }


def _fmt(value: Any, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def table(results: Sequence[dict[str, Any]]) -> str:
    rows = []
    for r in results:
        if "kept" not in r:
            rows.append((r["tool"], "failed", *[""] * 7, _fmt(r.get("seconds"), ".1f"), "", "", ""))
            continue
        p = r["passthrough"]
        rows.append(
            (
                r["tool"],
                f"{r['kept']:,}",
                _fmt(r["dropped_precision"], ".4f"),
                _fmt(r["dropped_recall"], ".4f"),
                _fmt(r["stories_one_kept"], ".4f"),
                f"{r['stories_none_kept']} / {r['stories_several_kept']}",
                _fmt(r["wire_original_kept"], ".4f"),
                f"{r['partial_dropped']} / {r['independent_dropped']}",
                f"{p['unchanged']:,} / {p['changed']:,}",
                f"{r['seconds']:.1f}",
                f"{r['peak_rss_mb']:,.0f}",
                f"{r['peak_pss_mb']:,.0f}",
                _fmt(r.get("load_before"), ".2f"),
            )
        )
    headers = (
        "tool",
        "kept",
        "drop precision",
        "drop recall",
        "stories 1 kept",
        "stories 0 / 2+ kept",
        "wire original kept",
        "partial / indep. dropped",
        "fields unchanged / changed",
        "seconds",
        "peak RSS MB",
        "peak PSS MB",
        "load",
    )
    return tabulate(rows, headers=headers, disable_numparse=True)


def by_edit_rate(results: Sequence[dict[str, Any]]) -> str:
    rows = [
        (r["tool"], *(f"{v:.4f}" for v in r["copies_dropped_by_edit_rate"].values()))
        for r in results
        if "kept" in r
    ]
    rates = next((r["copies_dropped_by_edit_rate"] for r in results if "kept" in r), {})
    headers = ("tool", *(f"{rate:.0%}" for rate in rates))
    return tabulate(rows, headers=headers, disable_numparse=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Generate (once) the corpus, run the filters, print and write their figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--peers", action="store_true", help="also run the peer pipelines")
    parser.add_argument(
        "--threshold",
        type=float,
        action="append",
        help="Jaccard threshold of the datasketch and rensa pipelines (repeatable; default 0.8 "
        "and 0.4)",
    )
    parser.add_argument(
        "--only", action="append", help="run only these tools (dedupe, datasketch, rensa, ...)"
    )
    parser.add_argument("--annotate", action="store_true", help="also run dedupe --annotate")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for corpora and outputs")
    parser.add_argument("--json", type=Path, default=None, help="default: OUT/filter.json")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="time dedupe filter alone on this JSONL corpus (no truth: wall time, memory, "
        "records kept), e.g. benchmarks/out/newsroom-1000000-3.jsonl for the 1M memory figure",
    )
    parser.add_argument("--child", choices=["datasketch", "rensa"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    thresholds = args.threshold or list(PEER_THRESHOLDS)
    if args.child:
        _child(args.child, args.input, args.output, thresholds[0])
        return

    if args.corpus:
        print(json.dumps(time_dedupe_alone(args.corpus, args.out), indent=2))
        return

    def wanted(tool: str) -> bool:
        return not args.only or tool in args.only

    started = time.perf_counter()
    corpus, truth_path = write_corpus(args.records, args.seed, args.out)
    print(
        f"corpus {corpus} ({corpus.stat().st_size / 1e6:.1f} MB, made or found in "
        f"{time.perf_counter() - started:.1f} s)"
    )
    truth = {t["id"]: t for t in read_jsonl(truth_path)}
    inputs = {r["id"]: r for r in read_jsonl(corpus)}
    work = args.out / f"filter-{args.records}-{args.seed}.runs"
    work.mkdir(exist_ok=True)
    results = [{"tool": "truth (ideal)", **_ideal(truth, inputs)}]
    if wanted("dedupe"):
        command = dedupe_command()
        if command is None:
            print("dedupe filter not available")
        else:
            warm_up_dedupe(command, corpus, work)
            results.append(score("dedupe", run_dedupe(command, corpus, work, False), truth, inputs))
            if args.annotate:
                run = run_dedupe(command, corpus, work, True)
                results.append(score("dedupe --annotate", run, truth, inputs))
                if "kept" in results[-1] and "kept" in results[-2]:
                    plain = {r["id"] for r in read_jsonl(work / "dedupe.jsonl")}
                    annotated = {
                        r["id"]
                        for r in read_jsonl(run["output"])
                        if r.get("dedupe_duplicate_of") is None
                    }
                    results[-1]["annotations"]["same_kept_as_filter"] = plain == annotated
    if args.peers:
        for threshold in thresholds:
            if wanted("datasketch"):
                run = run_document_level("datasketch", corpus, work, threshold)
                results.append(score(f"datasketch {threshold}", run, truth, inputs))
            if wanted("rensa"):
                if importlib.util.find_spec("rensa") is None:
                    print("rensa is not installed (pip install -e '.[bench]'): no rensa figures")
                else:
                    run = run_document_level("rensa", corpus, work, threshold)
                    results.append(score(f"rensa {threshold}", run, truth, inputs))
        if wanted("text-dedup"):
            python = text_dedup_python(create=True)
            if python is None:
                print("text-dedup could not be installed: no text-dedup figures")
            else:
                run = run_text_dedup(python, corpus, work)
                results.append(score("text-dedup 0.4.0 (defaults)", run, truth, inputs))
    print()
    print(table(results))
    print("\nshare of copies dropped, by edit rate:")
    print(by_edit_rate(results))
    roles = defaultdict(int)
    for facts in truth.values():
        roles[facts["role"]] += 1
    figures = {
        "records": args.records,
        "seed": args.seed,
        "corpus": str(corpus),
        "corpus_mb": round(corpus.stat().st_size / 1e6, 1),
        "roles": dict(roles),
        "load_average": os.getloadavg(),
        "results": results,
    }
    text = json.dumps(figures, indent=2, default=str) + "\n"
    targets = [args.json or args.out / "filter.json", work / "filter.json"]
    for target in targets:
        target.write_text(text, "utf-8")
    print(f"\nfigures written to {targets[0]} and {targets[1]}")


def time_dedupe_alone(corpus: Path, out: Path) -> dict[str, Any]:
    """Return the run figures of `dedupe filter` on `corpus` (its kept records and
    `--clusters` file written beside the corpus's runs), with the count of records kept."""
    command = dedupe_command()
    if command is None:
        raise SystemExit("dedupe filter not available")
    work = out / f"{corpus.stem}.runs"
    work.mkdir(parents=True, exist_ok=True)
    warm_up_dedupe(command, corpus, work)
    kept, clusters = work / "dedupe.jsonl", work / "dedupe-clusters.jsonl"
    run = run_child(
        [*command, "filter", str(corpus), "-o", str(kept), "--clusters", str(clusters)],
        work / "dedupe.log",
    )
    if run["returncode"] != 0:
        raise SystemExit(f"dedupe filter failed: see {run['log']}")
    with kept.open("rb") as stream:
        run["kept"] = sum(1 for _ in stream)
    run["corpus_mb"] = round(corpus.stat().st_size / 1e6, 1)
    return run


def _ideal(truth: Mapping[str, Truth], inputs: Mapping[str, Record]) -> dict[str, Any]:
    """The figures of the ideal kept set (each story's wire original, or its earliest copy,
    and every other record): a check of the evaluation itself."""
    kept = ideal_kept(truth, inputs)
    result = evaluate(truth, kept)
    result["passthrough"] = passthrough(inputs, (inputs[i] for i in kept))
    result.update(seconds=0.0, peak_rss_mb=0.0, peak_pss_mb=0.0)
    return result


def ideal_kept(truth: Mapping[str, Truth], inputs: Mapping[str, Record]) -> set[str]:
    """The ids an ideal filter keeps: per story its wire original when present, else its
    earliest published copy; every partial and independent record."""
    best: dict[str, tuple[int, str, str]] = {}
    kept = set()
    for rid, facts in truth.items():
        if facts["role"] not in MEMBER_ROLES:
            kept.add(rid)
            continue
        rank = (facts["role"] != "wire_original", inputs[rid]["published"] if inputs else "", rid)
        if facts["story"] not in best or rank < best[facts["story"]]:
            best[facts["story"]] = rank
    return kept | {rank[2] for rank in best.values()}


if __name__ == "__main__":
    main()
