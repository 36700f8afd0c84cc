"""Corpora of the shapes real syndication takes, and what dedupe makes of them.

Two seeded generators, each scanned end to end in a child process (wall time, peak memory of
all its processes as PSS, size of the JSON report) and checked against what is true of it:

* ``copies``: one wire story (Reuters, with a quoted statement) copied verbatim by N outlets,
  among M unrelated articles of 40 outlets. Scanned with and without the copies: the copies
  must cost at most their own share of the time (time ratio), the wire article must copy
  nothing, every copy must carry the whole story, and the story must be one family of
  N + 1 members.
* ``chrome``: articles of a few outlets, each ending with its outlet's footer and a
  "More from ..." block of five recent headlines of the same outlet (each article's own
  headline opens it). No article copies anything: every figure must stay near 0, no
  original source given, the boilerplate reported once per outlet.

    python -m benchmarks.shapes copies [--copies 2000] [--unrelated 8000] [--jobs 2]
    python -m benchmarks.shapes chrome [--articles 2000] [--outlets 5] [--jobs 2]
    python -m benchmarks.shapes all    # the issue's acceptance runs, figures to out/shapes.json

Articles are pseudo-English from :func:`benchmarks.newsroom.prose`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.newsroom import prose
from benchmarks.speed import OUT, dedupe_end_to_end

_EPOCH = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
STATEMENT = (
    "“We have lost everything we built over thirty years, and nobody has told us when the "
    "water will go down,” said Marta Kessel, who runs a bakery near the harbour."
)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def unrelated(rng: np.random.Generator, count: int, outlets: int = 40) -> Iterator[dict[str, str]]:
    """Yield `count` articles of their own (250-600 words) by `outlets` outlets."""
    for k in range(count):
        yield {
            "id": f"own-{k:06d}",
            "outlet": f"Outlet {int(rng.integers(outlets)):02d}",
            "published": _iso(_EPOCH + timedelta(minutes=int(rng.integers(0, 60 * 24 * 30)))),
            "text": prose(rng, int(rng.integers(250, 600))),
        }


def wire_story(rng: np.random.Generator) -> str:
    """Return a Reuters story: dateline, 450 words and the quoted statement."""
    paragraphs = prose(rng, 450).split("\n\n")
    paragraphs[0] = "VALDMARK, May 1 (Reuters) - " + paragraphs[0]
    paragraphs.insert(len(paragraphs) // 2, STATEMENT)
    return "\n\n".join(paragraphs)


def copies_corpus(copies: int, others: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """Yield the wire story, `copies` verbatim copies of it by as many outlets (published
    after it), and `others` unrelated articles."""
    rng = np.random.default_rng(seed)
    story = wire_story(rng)
    yield {"id": "wire", "outlet": "Reuters", "published": _iso(_EPOCH), "text": story}
    for k in range(copies):
        published = _EPOCH + timedelta(minutes=5 + k % 600)
        yield {
            "id": f"copy-{k:05d}",
            "outlet": f"Copier {k:05d}",
            "published": _iso(published),
            "text": story,
        }
    yield from unrelated(rng, others)


def chrome_corpus(articles: int, outlets: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """Yield articles of `outlets` outlets: a headline, 200-500 words of their own, the
    outlet's footer (about 60 words) and a block of the outlet's five latest headlines."""
    rng = np.random.default_rng(seed)
    footers = [
        f"Subscribe to The Outlet {k} for unlimited access to award-winning journalism. "
        + prose(rng, 50).replace("\n\n", " ")
        for k in range(outlets)
    ]
    recent: list[list[str]] = [[] for _ in range(outlets)]
    for k in range(articles):
        outlet = int(rng.integers(outlets))
        headline = prose(rng, 10).split(".")[0]
        block = "\n".join(recent[outlet][-5:])
        text = f"{headline}\n\n{prose(rng, int(rng.integers(200, 500)))}\n\n{footers[outlet]}"
        if block:
            text += f"\n\nMore from The Outlet {outlet}:\n{block}"
        recent[outlet].append(headline)
        yield {
            "id": f"page-{k:05d}",
            "outlet": f"The Outlet {outlet}",
            "published": _iso(_EPOCH + timedelta(minutes=7 * k)),
            "text": text,
        }


def write(records: Iterator[dict[str, str]], path: Path) -> Path:
    """Write the records as JSONL to `path` (once: kept for later runs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        with path.open("w", encoding="utf-8") as stream:
            for record in records:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def scan(path: Path, jobs: int, pairs: bool = False) -> dict[str, Any]:
    """Scan `path` in a child process (`benchmarks.speed.dedupe_end_to_end`); return its
    report (parsed), seconds, peak PSS (MB) and report size (MB)."""
    found = dedupe_end_to_end(path, jobs, pairs=pairs, interval=0.2)
    out = Path(found["report_path"])
    return {
        "seconds": found["seconds"],
        "peak_pss_mb": found["peak_pss_mb"],
        "json_mb": out.stat().st_size / 1e6,
        "report": json.loads(out.read_text("utf-8")),
    }


def run_copies(copies: int, unrelated_count: int, jobs: int) -> dict[str, Any]:
    """Scan the copies corpus and the same corpus without the copies; return the figures."""
    with_copies = write(
        copies_corpus(copies, unrelated_count), OUT / f"copies-{copies}-{unrelated_count}.jsonl"
    )
    without = write(copies_corpus(0, unrelated_count), OUT / f"copies-0-{unrelated_count}.jsonl")
    base = scan(without, jobs)
    found = scan(with_copies, jobs)
    report = found["report"]
    documents = {d["id"]: d for d in report["documents"]}
    story = [f for f in report["families"] if f["original"] == "wire"]
    members = {m["id"]: m for m in story[0]["members"]} if story else {}
    copy_ids = [i for i in documents if i.startswith("copy-")]
    family_share = [members.get(i, {"percent": 0.0})["percent"] for i in copy_ids]
    copied = [documents[i]["copied_percent"] for i in copy_ids]
    return {
        "copies": copies,
        "unrelated": unrelated_count,
        "seconds": round(found["seconds"], 2),
        "seconds_without_copies": round(base["seconds"], 2),
        "time_ratio": round(found["seconds"] / base["seconds"], 2),
        "peak_pss_mb": round(found["peak_pss_mb"]),
        "json_mb": round(found["json_mb"], 2),
        "wire_copied_percent": documents["wire"]["copied_percent"],
        "copies_min_family_percent": min(family_share) if family_share else None,
        "copies_min_shared_percent": min(documents[i]["shared_percent"] for i in copy_ids),
        "copies_min_copied_percent": min(copied) if copied else None,
        "copies_from_reuters": sum(documents[i]["original_source"] == "Reuters" for i in copy_ids),
        "story_families": len(story),
        "story_family_members": len(members),
        "families": len(report["families"]),
        "checks": {
            "time_ratio <= 2": found["seconds"] <= 2 * base["seconds"],
            "peak memory < 2 GB": found["peak_pss_mb"] < 2048,
            "JSON < 50 MB": found["json_mb"] < 50,
            "wire copied < 5%": documents["wire"]["copied_percent"] < 5,
            "every copy >= 95% from the wire": bool(family_share) and min(family_share) >= 95,
            f"one family of {copies + 1}": len(story) == 1 and len(members) == copies + 1,
        },
    }


def run_chrome(articles: int, outlets: int, jobs: int) -> dict[str, Any]:
    """Scan the chrome corpus (with pairs listed); return the figures."""
    path = write(chrome_corpus(articles, outlets), OUT / f"chrome-{articles}-{outlets}.jsonl")
    found = scan(path, jobs, pairs=True)
    report = found["report"]
    documents = report["documents"]
    copied = max(d["copied_percent"] for d in documents)
    shared = max(d["shared_percent"] for d in documents)
    sources = sum(d["original_source"] is not None for d in documents)
    boilerplate_outlets = {b["source"] for b in report["boilerplate"]}
    return {
        "articles": articles,
        "outlets": outlets,
        "seconds": round(found["seconds"], 2),
        "peak_pss_mb": round(found["peak_pss_mb"]),
        "json_mb": round(found["json_mb"], 2),
        "max_copied_percent": copied,
        "max_shared_percent": shared,
        "original_sources_given": sources,
        "pairs": len(report["pairs"]),
        "families": len(report["families"]),
        "boilerplate_texts": sum(len(b["texts"]) + b["more_texts"] for b in report["boilerplate"]),
        "boilerplate_outlets": len(boilerplate_outlets),
        "mean_boilerplate_words": round(
            sum(d["boilerplate_words"] for d in documents) / len(documents), 1
        ),
        "checks": {
            "no article above 5% copied": copied <= 5,
            "no original source": sources == 0,
            f"pairs < {articles}": len(report["pairs"]) < articles,
            "JSON < 20 MB": found["json_mb"] < 20,
            "peak memory < 2 GB": found["peak_pss_mb"] < 2048,
        },
    }


def quality_figures(
    copies: int = 60, unrelated: int = 240, articles: int = 300
) -> dict[str, float]:
    """Return the shape figures of small corpora scanned in this process (the quality gate's):
    the copies corpus's wire copied %, the least share of the story any copy carries and
    whether the story is one family of all its carriers; the chrome corpus's largest copied %
    and share of articles given an original source, and whether every outlet's boilerplate
    was found."""
    import dedupe

    def documents(records: Iterator[dict[str, str]]) -> list[dedupe.Document]:
        return [dedupe.Document(r["id"], r["text"], r["outlet"], r["published"]) for r in records]

    report = dedupe.scan(documents(copies_corpus(copies, unrelated)), jobs=1)
    story = [f for f in report.families if f.original == "wire"]
    members = story[0].members if story else ()
    chrome = dedupe.scan(documents(chrome_corpus(articles, 5)), jobs=1)
    return {
        "shapes.wire_copied_percent": report.document("wire").copied_percent,
        "shapes.copies_min_family_percent": min((m.percent for m in members), default=0.0),
        "shapes.one_story_family": float(len(story) == 1 and len(members) == copies + 1),
        "shapes.chrome_max_copied_percent": max(d.copied_percent for d in chrome.documents),
        "shapes.chrome_sources_given": sum(d.original_source is not None for d in chrome.documents)
        / len(chrome.documents),
        "shapes.chrome_boilerplate_outlets": len({b.source for b in chrome.boilerplate}) / 5,
    }


def _show(name: str, figures: dict[str, Any]) -> None:
    print(f"== {name}")
    for key, value in figures.items():
        if key != "checks":
            print(f"  {key}: {value}")
    for check, held in figures["checks"].items():
        print(f"  [{'held' if held else 'NOT HELD'}] {check}")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the shape benchmarks named on the command line and print their figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("shape", choices=["copies", "chrome", "all"])
    parser.add_argument("--copies", type=int, default=2000)
    parser.add_argument("--unrelated", type=int, default=8000)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--outlets", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    if args.shape in ("copies", "all"):
        counts = [args.copies] if args.shape == "copies" else [10, 100, 1000, 2000, 10000]
        for copies in counts:
            name = f"copies {copies} among {args.unrelated}"
            results[name] = run_copies(copies, args.unrelated, args.jobs)
            _show(name, results[name])
    if args.shape in ("chrome", "all"):
        name = f"chrome {args.articles} articles, {args.outlets} outlets"
        results[name] = run_chrome(args.articles, args.outlets, args.jobs)
        _show(name, results[name])
    OUT.mkdir(exist_ok=True)
    (OUT / "shapes.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
