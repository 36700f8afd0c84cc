"""OCR'd reprints: the same story on two newspaper pages, each copy with its own OCR noise.

Issue #17's benchmark for noisy text. A seeded corpus of front pages, each a few stories of
the newsroom's pseudo-English (`benchmarks.newsroom`) set in columns of 40-60 characters a
line, as OCR gives them (one line a line, no paragraph breaks). Some stories are reprinted
on a second page. Every page then goes through OCR-like noise at a known rate: that share of
its characters is changed, as

* a character read as another (`e`/`c`, `l`/`1`, `rn`/`m`, `o`/`0`, ... or any letter), most
  often;
* a character dropped or one added;
* a space lost (two words joined) or added (a word split);

and words broken at a line end are hyphenated (`offi-` / `cielles`), as typesetters did, in
both copies at their own line ends. Each copy's noise is its own, so a 3 % rate changes about
6 % of the characters between the two copies.

A reprint pair is **found** when dedupe lists the two pages as a pair (or puts them in one
family); `false_pairs` counts listed pairs of pages that share no story.

    python -m benchmarks.ocr                       # rates 0, 1, 2, 3, 5 %, 300 pages
    python -m benchmarks.ocr --rates 0.03 --pages 600
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import dedupe
from benchmarks.newsroom import prose

_CONFUSIONS = {
    "e": "c", "c": "e", "l": "1", "i": "l", "o": "0", "n": "u", "u": "n", "h": "b", "b": "h",
    "a": "s", "s": "a", "t": "f", "f": "t", "m": "rn", "r": "n", "d": "cl", "g": "q", "y": "v",
}  # fmt: skip
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def noisy(text: str, rate: float, rng: np.random.Generator) -> str:
    """Return `text` with about `rate` of its characters changed as OCR changes them."""
    out: list[str] = []
    draws = rng.random(len(text))
    kinds = rng.random(len(text))
    for char, draw, kind in zip(text, draws.tolist(), kinds.tolist(), strict=True):
        if draw >= rate:
            out.append(char)
        elif char == " ":
            # A space lost (words joined), or one more (a word split further on).
            out.append("" if kind < 0.6 else "  ")
        elif kind < 0.75:
            out.append(_CONFUSIONS.get(char.lower(), _LETTERS[int(kind * 1000) % 26]))
        elif kind < 0.85:
            out.append("")
        elif kind < 0.93:
            out.append(char + _LETTERS[int(kind * 10000) % 26])
        else:
            out.append(char + " ")
    return "".join(out)


def set_in_lines(text: str, rng: np.random.Generator, width: tuple[int, int] = (40, 60)) -> str:
    """Return `text` set in lines of `width` characters, words broken with a hyphen where a
    long word would overflow a line."""
    lines: list[str] = []
    line = ""
    limit = int(rng.integers(*width))
    for word in text.split():
        if len(line) + 1 + len(word) <= limit:
            line = f"{line} {word}" if line else word
            continue
        room = limit - len(line) - 2
        if room >= 2 and len(word) - room >= 2 and word.isalpha():
            lines.append(f"{line} {word[:room]}-" if line else f"{word[:room]}-")
            line = word[room:]
        else:
            lines.append(line)
            line = word
        limit = int(rng.integers(*width))
    if line:
        lines.append(line)
    return "\n".join(lines)


def corpus(
    pages: int, rate: float, seed: int = 5, reprinted: float = 0.5
) -> tuple[list[dedupe.Document], set[tuple[str, str]]]:
    """Return `pages` noisy pages and the pairs of page ids that share a reprinted story.

    Each page holds 3 stories of 60-300 words; a `reprinted` share of the first pages'
    stories is reprinted on a later page (pages are numbered so that reprints pair page k
    with page k + pages // 2).
    """
    rng = np.random.default_rng(seed)
    half = pages // 2
    stories = [[prose(rng, int(rng.integers(60, 300))) for _ in range(3)] for _ in range(pages)]
    truth: set[tuple[str, str]] = set()
    for page in range(half):
        if rng.random() < reprinted:
            slot = int(rng.integers(3))
            stories[page + half][int(rng.integers(3))] = stories[page][slot]
            truth.add((f"page{page:05d}", f"page{page + half:05d}"))
    documents = []
    noise = np.random.default_rng(seed + 1000)
    for page, texts in enumerate(stories):
        laid = "\n".join(set_in_lines(" ".join(text.split()), noise) for text in texts)
        documents.append(dedupe.Document(f"page{page:05d}", noisy(laid, rate, noise)))
    return documents, truth


def evaluate(
    pages: int = 300, rate: float = 0.03, seed: int = 5, jobs: int = 2, **options: Any
) -> dict[str, Any]:
    """Return recall of reprint pairs and false pairs at one noise rate."""
    documents, truth = corpus(pages, rate, seed)
    started = time.perf_counter()
    report = dedupe.scan(documents, pairs=True, jobs=jobs, **options)
    seconds = time.perf_counter() - started
    listed = {tuple(sorted((pair.a, pair.b))) for pair in report.pairs}
    families: dict[str, set[str]] = {}
    for family in report.families:
        for member in family.members:
            families.setdefault(member.id, set()).add(family.id)
    found = sum(
        1 for a, b in truth if (a, b) in listed or families.get(a, set()) & families.get(b, set())
    )
    return {
        "rate": rate,
        "pages": pages,
        "reprint_pairs": len(truth),
        "found": found,
        "recall": found / len(truth) if truth else 1.0,
        "false_pairs": len(listed - truth),
        "seconds": seconds,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rates", default="0,0.01,0.02,0.03,0.05")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--option", action="append", default=[], help="dedupe option k=v")
    args = parser.parse_args(argv)
    options = {k: json.loads(v) for k, v in (o.split("=", 1) for o in args.option)}
    rows = []
    for rate in (float(r) for r in args.rates.split(",")):
        rows.append(evaluate(args.pages, rate, args.seed, args.jobs, **options))
        print(json.dumps(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), "utf-8")


if __name__ == "__main__":
    main()
