"""Independent count: article pairs sharing an exact run of words, against dedupe's pairs.

Issue #17's recall measure on a real corpus (``../shared/corpora/news-clusters/`` by
default). Words are found here with a tokenizer of this module's own, not dedupe's: NFKC,
case-folded, letters and digits joined across apostrophes and dots (``U.S.`` = ``us``), a
word broken at a line end by a hyphen (``offi-`` / ``cielles``) joined. Two articles share a
run of ``n`` words when the same ``n`` consecutive words occur in both; paragraph breaks do
not stop a run (dedupe's own rule crosses them when 3 words past the break match).

A pair counts as **found** when dedupe lists it with ``pairs=True`` (boilerplate kept, since
an outlet's repeated footer is a shared run too), or, for a family too large to be aligned
pairwise (more than 24 carriers, where pairs are listed only against the family's centre),
when both articles are members of one family. Pairs whose only shared runs lie in text
dedupe leaves out as OCR debris are not excluded: every miss is counted.

    python -m benchmarks.exact_runs                       # news-clusters, runs of >= 12 words
    python -m benchmarks.exact_runs --words 10 --show 5   # print 5 missed pairs
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dedupe

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "news-clusters" / "articles.jsonl"

_WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*")
_JOINERS = re.compile(r"['’.]")
_BROKEN = re.compile(r"([^\W\d_])-[ \t]*\r?\n[ \t]*([^\W\d_])")


def words(text: str) -> list[str]:
    """Return the normalised words of `text` (this module's tokenizer)."""
    text = _BROKEN.sub(r"\1\2", text)
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [_JOINERS.sub("", word) for word in _WORD.findall(folded)]


def run_pairs(texts: Sequence[str], n: int) -> dict[tuple[int, int], tuple[int, int, int]]:
    """Return the pairs (i, j), i < j, of texts sharing a run of `n` words, each with one
    such run: (start in i, start in j, its length in words, grown as far as it goes)."""
    tokens = [words(text) for text in texts]
    where: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    for doc, toks in enumerate(tokens):
        for start in range(len(toks) - n + 1):
            where[tuple(toks[start : start + n])].append((doc, start))
    found: dict[tuple[int, int], tuple[int, int, int]] = {}
    for places in where.values():
        docs = sorted({doc for doc, _ in places})
        if len(docs) < 2:
            continue
        first = {}
        for doc, start in places:
            first.setdefault(doc, start)
        for x, a in enumerate(docs):
            for b in docs[x + 1 :]:
                if (a, b) not in found:
                    i, j = first[a], first[b]
                    length = n
                    while (
                        i + length < len(tokens[a])
                        and j + length < len(tokens[b])
                        and tokens[a][i + length] == tokens[b][j + length]
                    ):
                        length += 1
                    found[(a, b)] = (i, j, length)
    return found


@dataclass(frozen=True)
class Recall:
    """How many pairs sharing a run dedupe found, and the ones it missed."""

    pairs: int
    found: int
    missed: list[tuple[str, str, str]]

    @property
    def recall(self) -> float:
        return self.found / self.pairs if self.pairs else 1.0


def measure(
    corpus: Path = DEFAULT_CORPUS, n: int = 12, options: dict[str, Any] | None = None
) -> Recall:
    """Return dedupe's recall of the pairs of `corpus` (JSONL: id, text) sharing `n` words."""
    records = [json.loads(line) for line in corpus.read_text("utf-8").splitlines() if line]
    records.sort(key=lambda record: str(record["id"]))
    ids = [str(record["id"]) for record in records]
    texts = [record["text"] for record in records]
    truth = run_pairs(texts, n)
    report = dedupe.scan(
        [dedupe.Document(i, t) for i, t in zip(ids, texts, strict=True)],
        pairs=True,
        keep_boilerplate=True,
        jobs=1,
        **(options or {}),
    )
    listed = {tuple(sorted((pair.a, pair.b))) for pair in report.pairs}
    families: dict[str, set[str]] = defaultdict(set)
    for family in report.families:
        for member in family.members:
            families[member.id].add(family.id)
    found = 0
    missed = []
    for (a, b), (i, _, length) in sorted(truth.items()):
        x, y = ids[a], ids[b]
        if (x, y) in listed or families[x] & families[y]:
            found += 1
        else:
            missed.append((x, y, " ".join(words(texts[a])[i : i + length])))
    return Recall(len(truth), found, missed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--words", type=int, default=12, help="run length (default 12)")
    parser.add_argument("--show", type=int, default=0, help="print this many missed pairs")
    parser.add_argument("--option", action="append", default=[], help="dedupe option k=v")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"corpus {args.corpus} is absent", file=sys.stderr)
        return 2
    options = {k: json.loads(v) for k, v in (o.split("=", 1) for o in args.option)}
    result = measure(args.corpus, args.words, options)
    print(
        f"pairs sharing a run of >= {args.words} words: {result.pairs};"
        f" found by dedupe: {result.found}; recall {result.recall:.4f}"
    )
    for a, b, run in result.missed[: args.show]:
        print(f"  missed {a} / {b}: {run}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
