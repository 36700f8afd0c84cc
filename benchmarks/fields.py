"""Field and format detection on a news CSV shaped like a newcomer's (issue #14).

The issue's case: a 612-article CSV with the columns ``id, publisher, scrape_time, text``, crawl
times written ``Jul 15, 2018 07:54`` and paragraphs joined by `` ### ``; with no flags, 595
articles got no original source. This builds a CSV of that shape from the synthetic newsroom
(`benchmarks.newsroom.generate`: its outlet is the publisher, its publication time plus a crawl
delay of 3 minutes to 10 hours the scrape time, undated articles have none), then scans it

* with every field and the separator named, as the issue's user had to
  (``--id-field id --text-field text --source-field publisher --date-field scrape_time
  --paragraph-separator '###'``),
* with no flags (fields found, separator sniffed),
* and as the previous release read it with no flags (the publisher found, no date field, the
  text one paragraph), for comparison;

and reports, for the articles that share text with another, how many are left without an
original source, how many of those carrying a wire story's text are given that wire (the
generator's truth), and the rules that decided; then how many articles get the same original
source and rule with and without flags.

    python -m benchmarks.fields                        # 612 articles, seed 1
    python -m benchmarks.fields --articles 3000 --seed 2 --keep corpus.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tabulate import tabulate

import dedupe
from benchmarks.newsroom import generate
from dedupe.detection import detection_lines

CRAWL_FORMAT = "%b %d, %Y %H:%M"
SEPARATOR = " ### "
FLAGS: dict[str, Any] = {
    "id_field": "id",
    "text_field": "text",
    "source_fields": ["publisher"],
    "date_fields": ["scrape_time"],
    "paragraph_separator": "###",
}


def write_csv(path: Path, articles: int, seed: int) -> dict[str, str | None]:
    """Write the CSV: id, publisher, scrape_time, text (paragraphs joined by " ### "); return
    each article's true original source (the wire whose story it carries, or None)."""
    rng = random.Random(seed)
    truth: dict[str, str | None] = {}
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "publisher", "scrape_time", "text"])
        for article, known in generate(articles, seed=seed):
            published = article.get("published")
            crawled = ""
            if published:
                moment = datetime.fromisoformat(published) + timedelta(minutes=rng.randint(3, 600))
                crawled = moment.strftime(CRAWL_FORMAT)
            text = SEPARATOR.join(article["text"].split("\n\n"))
            writer.writerow([article["id"], article["outlet"], crawled, text])
            truth[article["id"]] = known["original_source"]
    return truth


NEWS_CLUSTERS = Path(__file__).resolve().parents[1].parent / "shared/corpora/news-clusters"


def write_news_clusters_csv(path: Path, seed: int) -> dict[str, str | None]:
    """Write the real news-clusters articles in the same shape (its site as the publisher,
    its publication time plus a crawl delay as the scrape time, its lines joined by " ### ");
    return no truth (the corpus has none: every article's true source is unknown)."""
    rng = random.Random(seed)
    source = NEWS_CLUSTERS / "articles.jsonl"
    if not source.is_file():
        raise SystemExit(f"{source} is absent (see ../shared/corpora/README.md)")
    truth: dict[str, str | None] = {}
    lines = source.read_text(encoding="utf-8").splitlines()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "publisher", "scrape_time", "text"])
        for line in lines:
            article = json.loads(line)
            moment = datetime.fromisoformat(article["published"])
            crawled = (moment + timedelta(minutes=rng.randint(3, 600))).strftime(CRAWL_FORMAT)
            text = SEPARATOR.join(p for p in article["text"].split("\n") if p.strip())
            writer.writerow([article["id"], article["source"], crawled, text])
            truth[article["id"]] = None
    return truth


def previous_release(path: Path) -> dedupe.Report:
    """Return the report the previous release gave with no flags: the publisher read, no date
    field found (it looked for published and date only), every text one paragraph."""
    documents = [
        replace(doc, published=None, crawled=False)
        for doc in dedupe.read_documents([path], fields=dedupe.FieldNames(id="id", text="text"))
    ]
    return dedupe.scan(documents, paragraph_separator=None)


def measure(path: Path, truth: dict[str, str | None]) -> dict[str, Any]:
    """Return the figures of the three scans of the CSV at `path`."""
    log = dedupe.ReadLog()
    runs = {
        "flags": dedupe.scan([path], **FLAGS),
        "no flags": dedupe.scan([path], log=log),
        "previous release, no flags": previous_release(path),
    }
    named, found = runs["flags"], runs["no flags"]
    by_id = {doc.id: doc for doc in found.documents}
    same = sum(
        1
        for doc in named.documents
        if (doc.original_source, doc.attribution_rule)
        == (by_id[doc.id].original_source, by_id[doc.id].attribution_rule)
    )
    assert log.paragraphs is not None
    return {
        "articles": len(named.documents),
        "detected": detection_lines(log.inputs, log.paragraphs),
        "runs": {name: _figures(report, truth) for name, report in runs.items()},
        "same attribution": same,
        "same attribution %": round(100 * same / max(len(named.documents), 1), 2),
    }


def _figures(report: dedupe.Report, truth: dict[str, str | None]) -> dict[str, Any]:
    """Return, for the articles that share text with another: how many have no original
    source; of those that carry a wire story's text, how many are given that wire; and the
    rules that decided."""
    sharing = [doc for doc in report.documents if doc.shared_percent > 0]
    carriers = [doc for doc in sharing if truth[doc.id] is not None]
    return {
        "sharing": len(sharing),
        "without source": sum(1 for doc in sharing if doc.original_source is None),
        "wire carriers": len(carriers),
        "right wire": sum(1 for doc in carriers if doc.original_source == truth[doc.id]),
        "rules": dict(sorted(Counter(str(doc.attribution_rule) for doc in sharing).items())),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Print how many articles get an original source with and without flags."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=612)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the CSV here (else a temporary file)")
    parser.add_argument(
        "--news-clusters",
        action="store_true",
        help="reshape the real news-clusters corpus instead of generating articles",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "articles.csv"
        if args.news_clusters:
            truth = write_news_clusters_csv(path, args.seed)
        else:
            truth = write_csv(path, args.articles, args.seed)
        result = measure(path, truth)
    print(f"articles: {result['articles']}")
    for line in result["detected"]:
        print(f"detected: {line}")
    rows = [
        [
            name,
            figures["sharing"],
            figures["without source"],
            f"{figures['right wire']} / {figures['wire carriers']}" if any(truth.values()) else "-",
            ", ".join(f"{rule} {n}" for rule, n in figures["rules"].items()),
        ]
        for name, figures in result["runs"].items()
    ]
    headers = ["scan", "sharing text", "no original source", "right wire", "rules"]
    print(tabulate(rows, headers=headers))
    print(
        f"same original source and rule with and without flags: {result['same attribution']}"
        f" ({result['same attribution %']} %)"
    )


if __name__ == "__main__":
    main()
