"""The five real seed articles: what a careful reader sees, checked against dedupe's report.

The seeds (``../shared/corpora/seeds``, January 2024, one event: Iraq moves to end the U.S.-led
coalition's mission after a U.S. strike in Baghdad) were read in full. What they show:

* ``001`` opens with its own summary, then republishes a Reuters story under credit
  ("Reuters has the story:", a ``BAGHDAD, Jan 5 (Reuters) -`` dateline), then an AP story
  (headline in capitals, ``BAGHDAD —``) that is not credited by name;
* ``003`` takes much of the same Reuters copy, sentence by sentence with light edits (``U.S.`` ->
  ``US``, ``Islamic State`` -> ``ISIS``, ``Sudani`` -> ``Mr Al Sudani``, the troop figures
  reordered), mixed with text of its own (a drone strike on Al Harir, the Centcom statement, a
  political adviser) and no credit. Counting by hand, the sentences of 003 taken from 001's
  Reuters copy (quotations apart) are listed in ``COPIED_003_FROM_001``: 222 of 003's 516
  words, 43 %; the words that are verbatim, in order, are about 175 (34 %). The tolerance
  (10 points) spans that difference;
* ``000`` paraphrases the Reuters story "according to Reuters": facts, not words;
* ``002`` (own writing) and ``004`` (own writing, "Reuters contributed to this report" for two
  facts) reuse no copy;
* all but 004 quote the same two official statements verbatim (002's first one begins "We are
  setting the date..." where the others have "Government is setting the date..."; 004 has its
  own translation of both); 000 and 003 also both quote the Centcom statement, and 001 (AP
  story) and 002 both quote the PMF statement. Shared quotations are not copying.

Each fact is one :class:`Expectation` (data, in ``EXPECTATIONS``), evaluated on
``dedupe.scan([seeds folder])`` (options passed through) and printed held / not held with the
measured value.

    python -m benchmarks.seeds [--corpus ../shared/corpora/seeds] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tabulate import tabulate

import dedupe
from dedupe.text import tokenize

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpora/seeds"

#: Sentences of 003 (exact text, quotations left out) taken from the Reuters copy in 001, with
#: light edits. Counted with dedupe's word tokens: 222 words.
COPIED_003_FROM_001 = (
    "Prime Minister Mohammed Shia Al Sudani's office said on Friday.",
    "The US has about 2,500 troops in Iraq and 900 in Syria on a mission it claims advises and"
    " assists local forces trying to prevent a resurgence of ISIS, which in 2014 seized large"
    " parts of both countries before being defeated.",
    "Mr Al Sudani's statement came a day after a US strike killed a militia leader in Baghdad,"
    " prompting anger among Iran-aligned groups which demanded the government end the presence"
    " of the coalition in Iraq.",
    "a statement from the prime minister's office said.",
    "The committee would include representatives of the military coalition, a government"
    " official said.",
    "The US military said the air strike on Thursday was in retaliation against recent attacks"
    " on US personnel in Iraq and Syria.",
    "Iran-aligned militia groups in Iraq and Syria oppose Israel's military offensive in the Gaza"
    " Strip and hold the US partly responsible.",
    "Mr Al Sudani has limited control over some Iran-backed factions, whose support he needed to"
    " win power a year ago and who now form a powerful bloc in his governing coalition.",
    "he was quoted as saying in the statement.",
    "ISIS claimed responsibility on Thursday for two explosions in Iran that killed nearly 100"
    " people and wounded scores at a memorial for assassinated Islamic Revolutionary Guard Corp"
    " commander Qassem Suleimani.",
)

#: The quotations a reader finds in more than one article (a phrase of each, as in the texts).
STATEMENT_DATE = "setting the date for the start of the bilateral committee"
STATEMENT_STRESS = "We stress our firm position in ending the existence of the international"
STATEMENT_CENTCOM = "The use of Iranian supplied munitions by terrorist groups"
STATEMENT_PMF = "official presence affiliated with the state"

#: The quotations of 003 found in other articles (the two statements and Centcom's), whole.
QUOTED_003 = (
    "Government is setting the date for the start of the bilateral committee to put"
    " arrangements to end the presence of the international coalition forces in Iraq"
    " permanently,",
    "We stress our firm position in ending the existence of the international coalition after"
    " the justifications for its existence have ended,",
    "The use of Iranian supplied munitions by terrorist groups within Iraq and Syria endanger"
    " Coalition forces and local residents. The Coalition is appreciative of the efforts of the"
    " legitimate security forces in Iraq for their efforts to prevent future attacks,",
)


@dataclass(frozen=True)
class Expectation:
    """One fact about the seeds and how to check it on the report.

    ``check`` names what is measured on article ``doc`` (a file-name prefix):
    ``copied_percent``, ``quoted_percent`` (number within ``tolerance`` of ``expected``),
    ``match_percent`` (``doc``'s matches[].percent for article ``other``), ``top_match``,
    ``original_source``, ``credited`` (equal to ``expected``), ``quote_pairs`` (how many pairs
    of the articles ``among`` share a quotation passage containing ``phrase``) and
    ``reuse_passages`` (how many non-quote passages contain ``phrase``).
    """

    name: str
    fact: str
    check: str
    expected: Any
    doc: str = ""
    other: str = ""
    tolerance: float | None = None
    phrase: str = ""
    among: tuple[str, ...] = ()


def _copied_percent(corpus: Path) -> float:
    """003's hand-counted copied words (``COPIED_003_FROM_001``) as a percentage of its words."""
    text = _text(corpus, "003")
    for excerpt in COPIED_003_FROM_001:
        if excerpt not in text:
            raise ValueError(f"excerpt not in 003: {excerpt!r}")
    copied = sum(len(tokenize(e)) for e in COPIED_003_FROM_001)
    return 100.0 * copied / len(tokenize(text))


def _quoted_percent(corpus: Path, prefix: str, quotes: Sequence[str]) -> float:
    text = _text(corpus, prefix)
    for quote in quotes:
        if quote not in text:
            raise ValueError(f"quotation not in {prefix}: {quote!r}")
    return 100.0 * sum(len(tokenize(q)) for q in quotes) / len(tokenize(text))


def _text(corpus: Path, prefix: str) -> str:
    (path,) = corpus.glob(f"{prefix}_*.txt")
    return path.read_text("utf-8")


def expectations(corpus: Path = DEFAULT_CORPUS) -> list[Expectation]:
    """Return the facts of the seeds (the two counted percentages are computed from the text)."""
    copied = round(_copied_percent(corpus), 1)
    quoted_003 = round(_quoted_percent(corpus, "003", QUOTED_003), 1)
    quoted_000 = round(_quoted_percent(corpus, "000", QUOTED_003), 1)
    four = ("000", "001", "002", "003")
    return [
        Expectation("003 top match", "003 reuses 001's Reuters copy", "top_match", "001", "003"),
        Expectation(
            "003 share from 001",
            f"{copied}% of 003's words are 001's Reuters sentences, lightly edited"
            " (about 34% verbatim)",
            "match_percent",
            copied,
            "003",
            other="001",
            tolerance=10.0,
        ),
        Expectation(
            "003 source", "003's copy comes from Reuters", "original_source", "Reuters", "003"
        ),
        Expectation("003 uncredited", "003 does not credit Reuters", "credited", False, "003"),
        Expectation(
            "001 source", "001 republishes Reuters copy", "original_source", "Reuters", "001"
        ),
        Expectation("001 credited", "001 credits Reuters", "credited", True, "001"),
        Expectation(
            "000 paraphrase",
            "000 paraphrases Reuters: facts, not words",
            "copied_percent",
            0.0,
            "000",
            tolerance=5.0,
        ),
        Expectation(
            "002 own writing", "002 is its own writing", "copied_percent", 0.0, "002", tolerance=5.0
        ),
        Expectation(
            "004 own writing", "004 is its own writing", "copied_percent", 0.0, "004", tolerance=5.0
        ),
        Expectation(
            "000 no source", "000 has no copied text to attribute", "original_source", None, "000"
        ),
        Expectation(
            "002 no source", "002 has no copied text to attribute", "original_source", None, "002"
        ),
        Expectation(
            "004 no source",
            "004 credits Reuters for facts but copies no text",
            "original_source",
            None,
            "004",
        ),
        Expectation(
            "statement 1 shared",
            "000-003 all quote 'setting the date ...' (every pair of the four)",
            "quote_pairs",
            6,
            phrase=STATEMENT_DATE,
            among=four,
        ),
        Expectation(
            "statement 2 shared",
            "000-003 all quote 'We stress our firm position ...' (every pair of the four)",
            "quote_pairs",
            6,
            phrase=STATEMENT_STRESS,
            among=four,
        ),
        Expectation(
            "statement 1 not reuse",
            "the 'setting the date' statement is a quotation, never copy",
            "reuse_passages",
            0,
            phrase=STATEMENT_DATE,
        ),
        Expectation(
            "statement 2 not reuse",
            "the 'We stress' statement is a quotation, never copy",
            "reuse_passages",
            0,
            phrase=STATEMENT_STRESS,
        ),
        Expectation(
            "Centcom shared",
            "000 and 003 both quote the Centcom statement",
            "quote_pairs",
            1,
            phrase=STATEMENT_CENTCOM,
            among=("000", "003"),
        ),
        Expectation(
            "PMF shared",
            "001 (AP story) and 002 both quote the PMF statement",
            "quote_pairs",
            1,
            phrase=STATEMENT_PMF,
            among=("001", "002"),
        ),
        Expectation(
            "003 quoted",
            f"{quoted_003}% of 003's words are the three statements it shares",
            "quoted_percent",
            quoted_003,
            "003",
            tolerance=3.0,
        ),
        Expectation(
            "000 quoted",
            f"{quoted_000}% of 000's words are the same three statements",
            "quoted_percent",
            quoted_000,
            "000",
            tolerance=3.0,
        ),
        Expectation(
            "004 quotes own translation",
            "004's translations of the statements are its own: no shared quotation",
            "quoted_percent",
            0.0,
            "004",
            tolerance=2.0,
        ),
    ]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def measure(expectation: Expectation, report: dedupe.Report) -> Any:
    """Return the measured value of one expectation on the seeds report."""
    docs = {d.id[:3]: d for d in report.documents}
    e = expectation
    if e.check in ("copied_percent", "quoted_percent", "original_source", "credited"):
        return getattr(docs[e.doc], e.check)
    if e.check == "match_percent":
        return next((m.percent for m in docs[e.doc].matches if m.id[:3] == e.other), 0.0)
    if e.check == "top_match":
        matches = docs[e.doc].matches
        return matches[0].id[:3] if matches else None
    phrase = _squash(e.phrase)
    if e.check == "quote_pairs":
        wanted = {frozenset(p) for p in itertools.combinations(e.among, 2)}
        return sum(
            1
            for pair in report.pairs
            if frozenset((pair.a[:3], pair.b[:3])) in wanted
            and any(p.quote and phrase in _squash(p.text) for p in pair.passages)
        )
    if e.check == "reuse_passages":
        return sum(
            1
            for pair in report.pairs
            for p in pair.passages
            if not p.quote and phrase in _squash(p.text)
        )
    raise ValueError(f"unknown check {e.check!r}")


def holds(expectation: Expectation, value: Any) -> bool:
    """Whether a measured value meets the expectation."""
    if expectation.tolerance is not None:
        return value is not None and abs(value - expectation.expected) <= expectation.tolerance
    return bool(value == expectation.expected)


def evaluate(corpus: Path = DEFAULT_CORPUS, **options: Any) -> dict[str, Any]:
    """Scan the seeds and return each expectation with its measured value and verdict."""
    report = dedupe.scan([corpus], pairs=True, **options)
    rows = []
    for e in expectations(corpus):
        value = measure(e, report)
        rows.append(
            {
                "name": e.name,
                "fact": e.fact,
                "expected": e.expected,
                "tolerance": e.tolerance,
                "measured": value,
                "held": holds(e, value),
            }
        )
    held = sum(r["held"] for r in rows)
    return {"held": held, "total": len(rows), "held_share": held / len(rows), "checks": rows}


def _show(value: Any) -> str:
    return "null" if value is None else str(value)


def table(figures: Mapping[str, Any]) -> str:
    """Return the checks as a text table."""
    rows = [
        [
            r["name"],
            r["fact"],
            _show(r["expected"]) + (f" ± {r['tolerance']:g}" if r["tolerance"] else ""),
            _show(r["measured"]),
            "held" if r["held"] else "NOT HELD",
        ]
        for r in figures["checks"]
    ]
    headers = ["check", "fact", "expected", "measured", "verdict"]
    return str(tabulate(rows, headers=headers, disable_numparse=True))


def main(argv: Sequence[str] | None = None) -> None:
    """Print the seed checks (and write them as JSON with --json)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    figures = evaluate(args.corpus)
    print(table(figures))
    print(f"{figures['held']} of {figures['total']} held")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
