"""Planted passages: short shared runs inside long unrelated paragraphs, with exact truth.

Issue #17's benchmark. A seeded corpus of articles whose paragraphs are long (6-9 sentences,
100-200 words) of the newsroom's pseudo-English (`benchmarks.newsroom`), none sharing text
with another. Into them, passages of 10-40 words are planted at sentence boundaries inside
paragraphs, at known character offsets: quotations (in curly quotes), sentences of wire copy
and photo captions (`Residents ... on Tuesday. (Photo: Name)`, its words up to the credit).
Most passages are planted in 2-4 articles; a few in hundreds (a famous post quoted
everywhere). The words just before and after a planted passage differ in every carrier of
it, so the shared run is exactly the passage.

Measured (`evaluate`):

* **recall**: share of the planted copies (article, passage) that dedupe reports, at exact
  offsets: some pair of the article with another carrier of the passage lists a passage
  whose character span in each article is that of the planted copy (word start to word end).
  With more than 24 carriers pairs are listed against the family's centre only: a copy is
  found when it is paired with any other carrier;
* **false pairs**: reported pairs of articles that carry no passage in common (no real
  shared run);
* **exact passages**: share of the reported passages whose spans are a planted passage's
  in both articles.

    python -m benchmarks.planted                      # 3,000 articles, seed 17
    python -m benchmarks.planted --articles 600 --json out.json
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import dedupe
from benchmarks.newsroom import _sample_ids, _vocab

KINDS = ("quote", "wire", "caption")
_WORD = re.compile(r"\w+")


@dataclass
class Planted:
    """A generated corpus: texts by id, and each planted copy (id, passage, start, end)."""

    texts: dict[str, str]
    copies: list[tuple[str, int, int, int]]
    passages: list[tuple[str, int]] = field(default_factory=list)  # (kind, words) each


def _sentence(rng: np.random.Generator, words: int) -> list[str]:
    v = _vocab()
    tokens = [v.words[i] for i in _sample_ids(rng, words, None).tolist()]
    tokens[0] = tokens[0].capitalize()
    return tokens


def _passage(rng: np.random.Generator, kind: str, words: int) -> str:
    """Return the text of a passage of `words` words (and an attribution or a credit)."""
    core = " ".join(_sentence(rng, words))
    if kind == "quote":
        return f"“{core},” {_name(rng)} said."
    if kind == "caption":
        return f"{core}. (Photo: {_name(rng)})"
    return f"{core}."


def _name(rng: np.random.Generator) -> str:
    v = _vocab()
    return " ".join(v.names[int(i)] for i in rng.integers(0, len(v.names), 2))


def _carriers(
    rng: np.random.Generator, articles: int, passages: int, wide: Sequence[int]
) -> list[np.ndarray]:
    counts = [*wide, *rng.integers(2, 5, passages - len(wide)).tolist()]
    return [rng.choice(articles, size=min(c, articles), replace=False) for c in counts]


def generate(
    articles: int = 3000, passages: int = 600, seed: int = 17, wide: Sequence[int] = (300, 150, 40)
) -> Planted:
    """Return a corpus of `articles` articles carrying `passages` planted passages; the
    first ones are planted in `wide` articles each, the others in 2-4."""
    rng = np.random.default_rng(seed)
    v = _vocab()
    # Host paragraphs as sentences of tokens.
    hosts: list[list[list[list[str]]]] = []
    for _ in range(articles):
        paragraphs = []
        for _ in range(int(rng.integers(3, 6))):
            sentences = [
                _sentence(rng, int(rng.integers(12, 28))) for _ in range(rng.integers(6, 10))
            ]
            for sentence in sentences:
                sentence[-1] += "."
            paragraphs.append(sentences)
        hosts.append(paragraphs)
    kinds = [KINDS[k % 3] for k in range(passages)]
    lengths = rng.integers(10, 41, passages).tolist()
    texts = [_passage(rng, kind, words) for kind, words in zip(kinds, lengths, strict=True)]
    # Insertions: (article, paragraph, boundary) -> passage; one passage a boundary.
    inserted: dict[tuple[int, int, int], int] = {}
    for passage, carriers in enumerate(_carriers(rng, articles, passages, wide)):
        for article in carriers.tolist():
            paragraphs = hosts[article]
            for _ in range(50):
                p = int(rng.integers(len(paragraphs)))
                b = int(rng.integers(1, len(paragraphs[p])))  # inside the paragraph
                if (article, p, b) not in inserted:
                    inserted[(article, p, b)] = passage
                    break
    # The words around each copy differ from carrier to carrier.
    before: dict[int, set[str]] = defaultdict(set)
    after: dict[int, set[str]] = defaultdict(set)
    for (article, p, b), passage in sorted(inserted.items()):
        sentences = hosts[article][p]
        last, first = sentences[b - 1], sentences[b]
        while last[-1].rstrip(".").lower() in before[passage]:
            last[-1] = v.words[int(rng.integers(200, len(v.words)))] + "."
        while first[0].lower() in after[passage]:
            first[0] = v.words[int(rng.integers(200, len(v.words)))].capitalize()
        before[passage].add(last[-1].rstrip(".").lower())
        after[passage].add(first[0].lower())
    corpus: dict[str, str] = {}
    copies: list[tuple[str, int, int, int]] = []
    for article, paragraphs in enumerate(hosts):
        doc_id = f"p{article:05d}"
        parts: list[str] = []
        position = 0
        for p, sentences in enumerate(paragraphs):
            if p:
                parts.append("\n\n")
                position += 2
            for b, sentence in enumerate(sentences):
                if b:
                    parts.append(" ")
                    position += 1
                planted = inserted.get((article, p, b))
                if planted is not None:
                    text = texts[planted]
                    # From its first word's start to its last word's end: the attribution
                    # of a quote and a caption's credit are shared too.
                    first, last = _WORD.search(text), list(_WORD.finditer(text))[-1]
                    assert first is not None
                    start = position + first.start()
                    copies.append((doc_id, planted, start, position + last.end()))
                    parts.append(text + " ")
                    position += len(text) + 1
                chunk = " ".join(sentence)
                parts.append(chunk)
                position += len(chunk)
        corpus[doc_id] = "".join(parts)
    for doc_id, _, start, end in copies:
        assert corpus[doc_id][start:end].strip() == corpus[doc_id][start:end]
    return Planted(corpus, copies, list(zip(kinds, lengths, strict=True)))


def evaluate(
    articles: int = 3000,
    passages: int = 600,
    seed: int = 17,
    wide: Sequence[int] = (300, 150, 40),
    jobs: int = 2,
    **options: Any,
) -> dict[str, Any]:
    """Return the figures of dedupe on a planted corpus (see the module docstring)."""
    planted = generate(articles, passages, seed, wide)
    documents = [dedupe.Document(i, t) for i, t in sorted(planted.texts.items())]
    started = time.perf_counter()
    report = dedupe.scan(documents, pairs=True, jobs=jobs, **options)
    seconds = time.perf_counter() - started
    span_of: dict[tuple[str, int], tuple[int, int]] = {}
    carried: dict[str, set[int]] = defaultdict(set)
    for doc_id, passage, start, end in planted.copies:
        span_of[(doc_id, passage)] = (start, end)
        carried[doc_id].add(passage)
    found: set[tuple[str, int]] = set()
    false_pairs = exact = reported = 0
    for pair in report.pairs:
        common = carried[pair.a] & carried[pair.b]
        if not common:
            false_pairs += 1
        for passage in pair.passages:
            reported += 1
            for planted_id in common:
                a_span, b_span = span_of[(pair.a, planted_id)], span_of[(pair.b, planted_id)]
                if (passage.a_start, passage.a_end) == a_span and (
                    passage.b_start,
                    passage.b_end,
                ) == b_span:
                    exact += 1
                    found.update(((pair.a, planted_id), (pair.b, planted_id)))
                    break
    by_kind: dict[str, list[bool]] = defaultdict(list)
    by_width: dict[str, list[bool]] = defaultdict(list)
    carriers = defaultdict(int)
    for _, passage, _, _ in planted.copies:
        carriers[passage] += 1
    for doc_id, passage, _, _ in planted.copies:
        hit = (doc_id, passage) in found
        by_kind[planted.passages[passage][0]].append(hit)
        by_width["over 24 carriers" if carriers[passage] > 24 else "2-24 carriers"].append(hit)
    copies = len(planted.copies)
    return {
        "articles": articles,
        "passages": passages,
        "copies": copies,
        "recall": len(found) / copies if copies else 1.0,
        "found": len(found),
        "false_pairs": false_pairs,
        "pairs": len(report.pairs),
        "exact_passages": exact / reported if reported else 1.0,
        "reported_passages": reported,
        "recall_by_kind": {k: float(np.mean(v)) for k, v in sorted(by_kind.items())},
        "recall_by_carriers": {k: float(np.mean(v)) for k, v in sorted(by_width.items())},
        "seconds": seconds,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--passages", type=int, default=600)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--option", action="append", default=[], help="dedupe option k=v")
    args = parser.parse_args(argv)
    options = {k: json.loads(v) for k, v in (o.split("=", 1) for o in args.option)}
    figures = evaluate(args.articles, args.passages, args.seed, jobs=args.jobs, **options)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), "utf-8")


if __name__ == "__main__":
    main()
