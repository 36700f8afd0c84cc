"""The HTML report: the page as a file (self-contained, its data), then as a person sees it,
in a real headless Chromium (Debian's package, driven by Playwright without a browser
download of its own): the views, clicks on a family and a pair, escaping, 10,000 articles.

Screenshots of each view go to $DEDUPE_ARTIFACTS (default tests/artifacts/, git-ignored);
`DEDUPE_ARTIFACTS=docs python -m pytest tests/test_html.py` remakes the README's pictures.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import random
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import dedupe
from dedupe.cli import main
from dedupe.errors import OutputError
from dedupe.html import render_html, report_data
from dedupe.report import DocumentReport, FamilyMember, FamilyReport, PairReport, PassageReport

REPO = Path(__file__).resolve().parents[1]
DATA = re.compile(r'<script id="report-data" type="application/octet-stream">([^<]*)</script>')


@pytest.fixture(scope="module")
def report() -> dedupe.Report:
    return dedupe.scan([dedupe.example_path()], jobs=1, pairs=True, texts=True)


@pytest.fixture(scope="module")
def example_html(report: dedupe.Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(report), "utf-8")
    return path


def page_data(page: str) -> Any:
    match = DATA.search(page)
    assert match is not None
    return json.loads(gzip.decompress(base64.b64decode(match.group(1))))


# --- the file --------------------------------------------------------------------------------


def test_the_page_holds_the_report_data_compressed(report: dedupe.Report) -> None:
    page = render_html(report)
    assert page_data(page) == json.loads(json.dumps(report_data(report)))
    data = page_data(page)
    assert data["documents"]["id"][:3] == ["ap-bridge", "city-courier", "daily-ledger"]
    assert len(data["pairs"]) == len(report.pairs)
    assert "9 articles from 9 outlets" in page


def test_the_page_is_self_contained(report: dedupe.Report) -> None:
    page = render_html(report)
    outside = re.compile(r"<link|<img|<iframe|\bsrc=|\bhref=|@import|url\(|https?://", re.I)
    assert outside.findall(page) == []
    assert page.count("<script") == 2 and page.count("<style") == 1


def test_the_page_needs_pairs_and_texts(report: dedupe.Report) -> None:
    with pytest.raises(OutputError, match="pairs and texts"):
        render_html(dedupe.scan([dedupe.example_path()], jobs=1, pairs=True))
    with pytest.raises(OutputError, match="pairs and texts"):
        dedupe.render(dedupe.scan([dedupe.example_path()], jobs=1, texts=True), "html")


def test_texts_are_those_of_articles_sharing_text(report: dedupe.Report) -> None:
    assert report.texts is not None
    shared = {d.id for d in report.documents if d.shared_percent > 0}
    assert set(report.texts) == shared and "football-derby" not in shared
    assert dedupe.scan([dedupe.example_path()], jobs=1).texts is None


def test_offsets_count_utf16_code_units_as_the_browser_does() -> None:
    story = " ".join(f"word{k} of the flood story" for k in range(30))
    documents = [
        dedupe.Document("a", "😀🎉 emoji first. " + story),
        dedupe.Document("b", "Plain start. " + story),
    ]
    report = dedupe.scan(documents, jobs=1, pairs=True, texts=True)
    ((_, _, _, _, passages),) = report_data(report)["pairs"]
    (passage,) = report.pairs[0].passages
    assert passages[0][0] == passage.a_start + 2 and passages[0][2] == passage.b_start
    # What the browser slices with those offsets is the passage's text.
    utf16 = documents[0].text.encode("utf-16-le")
    assert utf16[2 * passages[0][0] : 2 * passages[0][1]].decode("utf-16-le") == passage.text


def test_the_command_writes_html_without_being_asked_for_pairs(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["scan", "--example", "--format", "html", "-o", str(target), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert len(page_data(target.read_text("utf-8"))["pairs"]) == 16


# --- in a real browser ------------------------------------------------------------------------

BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def artifacts() -> Path:
    """Return the folder screenshots are saved in ($DEDUPE_ARTIFACTS, else tests/artifacts)."""
    folder = Path(os.environ.get("DEDUPE_ARTIFACTS") or REPO / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        message = "the browser tests need Debian's chromium: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (.ci/run installs it)")
        pytest.skip(message)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the browser tests need playwright: pip install playwright"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=BROWSER_FLAGS)
        yield launched
        launched.close()


class Visit:
    """A page of the browser, with every request it made and every error it met."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def open(self, path: Path, hash: str = "") -> Any:
        self.page.goto(path.as_uri() + hash)
        self.page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        return self.page

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=str(artifacts() / f"report-{name}.png"))


def expect(target: Any) -> Any:
    """Playwright's assertions that wait (up to 5 s) for the page to show what they expect.

    The page draws a view on `hashchange`, an event that comes after the click that set the
    hash has returned: what a click shows is waited for, never read straight after it."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def visit(browser: Any) -> Iterator[Visit]:
    seen = Visit(browser)
    yield seen
    seen.page.close()
    assert seen.requests == [], "the report must not reach the network"
    assert seen.errors == []


def test_the_summary_opens_from_a_file(visit: Visit, example_html: Path) -> None:
    page = visit.open(example_html)
    assert "9 articles from 9 outlets" in page.inner_text("#summary")
    rows = page.locator("#outlets tbody tr")
    assert rows.count() == 9
    assert rows.first.inner_text().split("\t")[:4] == ["Harbour Gazette", "1", "1", "71.7"]
    assert "Reuters 1" in rows.first.inner_text()
    visit.screenshot("summary")


def test_the_matrix_shows_who_copies_whom(visit: Visit, example_html: Path) -> None:
    page = visit.open(example_html)
    page.click("#tabs button[data-view=matrix]")
    expect(page.locator("table.matrix thead th.source")).to_have_text(
        ["Reuters", "Associated Press"]
    )
    river = page.locator("table.matrix tbody tr", has_text="River Weekly")
    assert river.locator("td").all_inner_texts() == ["", "1"]
    page.locator("table.matrix tbody tr", has_text="Valley Post").locator("td").first.click()
    detail = page.locator("#matrix-detail")
    expect(detail).to_contain_text("Valley Post ← Reuters")
    assert detail.locator("tbody tr").all_inner_texts()[0].split("\t")[:3] == [
        "valley-post",
        "f1",
        "wire-flood",
    ]
    visit.screenshot("matrix")


def test_clicking_a_family_shows_its_text_and_carriers(visit: Visit, example_html: Path) -> None:
    page = visit.open(example_html)
    page.click("#tabs button[data-view=families]")
    page.locator("#families tbody tr", has_text="ap-bridge").click()
    panel = page.locator("#family-panel")
    expect(panel).to_contain_text("Family f2: 2 carriers, 87 words")
    page.locator("#families tbody tr", has_text="wire-flood").click()
    expect(panel).to_contain_text("Family f1: 4 carriers, 448 words")
    assert "The Selva River burst its banks" in panel.locator(".family-text").inner_text()
    carriers = [row.split("\t") for row in panel.locator("tbody tr").all_inner_texts()]
    assert [row[0] for row in carriers] == [
        "wire-flood",
        "daily-ledger",
        "harbour-gazette",
        "valley-post",
    ]
    assert carriers[0][4] == "original" and carriers[2][4] == "true"
    visit.screenshot("family")
    panel.locator("tbody tr", has_text="valley-post").locator(".compare-link").click()
    expect(page.locator("#side-a h3")).to_have_text("wire-flood")
    expect(page.locator("#side-b h3")).to_have_text("valley-post")


def test_clicking_a_pair_shows_both_texts_with_the_passages_marked(
    visit: Visit, example_html: Path, report: dedupe.Report
) -> None:
    page = visit.open(example_html)
    page.click("#tabs button[data-view=pairs]")
    expect(page.locator("#pairs .info")).to_have_text("1–16 of 16")
    page.locator("#pairs tbody tr", has_text="harbour-gazette").filter(
        has_text="wire-flood"
    ).click()
    expect(page.locator("#side-a h3")).to_have_text("harbour-gazette")
    assert page.evaluate("location.hash") == "#compare/harbour-gazette/wire-flood"
    assert "71.7 % of its words found in wire-flood" in page.inner_text("#side-a .meta")
    pair = next(p for p in report.pairs if (p.a, p.b) == ("harbour-gazette", "wire-flood"))
    copied = [x for x in pair.passages if not x.quote]
    quoted = [x for x in pair.passages if x.quote]
    assert page.inner_text("#compare-note") == (
        f"{len(copied)} copied passages and {len(quoted)} shared quotations."
    )
    texts = report.texts or {}
    for side, doc, span in (("a", pair.a, "a"), ("b", pair.b, "b")):
        marks = page.locator(f"#side-{side} mark")
        shown = marks.evaluate_all("ms => ms.map(m => [m.className, m.textContent])")
        # Every character shown marked belongs to a passage; quotations are marked apart.
        text = texts[doc]
        spans = sorted(
            (getattr(x, f"{span}_start"), getattr(x, f"{span}_end"), x.quote) for x in pair.passages
        )
        marked_quotes = "".join(t for kind, t in shown if kind == "quote")
        expected_quotes = "".join(text[lo:hi] for lo, hi, quote in spans if quote)
        assert marked_quotes == expected_quotes
        assert "This is the worst flooding Valdmark" in marked_quotes
        assert {kind for kind, _ in shown} == {"copied", "quote"}
        copied_text = "".join(t for kind, t in shown if kind == "copied")
        assert "The Selva River burst its banks" in copied_text
    visit.screenshot("compare")
    page.locator("#side-a mark.quote").first.click()
    flashed = page.locator("#side-b mark.flash")
    expect(flashed.first).to_be_visible()
    assert flashed.first.inner_text() == page.locator("#side-a mark.quote").first.inner_text()


def test_documents_are_paged_filtered_and_open_their_matches(
    visit: Visit, example_html: Path
) -> None:
    page = visit.open(example_html, "#documents")
    rows = page.locator("#documents tbody tr")
    expect(rows).to_have_count(9)
    page.fill("#documents input[type=search]", "reuters")
    expect(rows).to_have_count(4)
    assert [r.split("\t")[0] for r in rows.all_inner_texts()] == [
        "daily-ledger",
        "harbour-gazette",
        "valley-post",
        "wire-flood",
    ]
    rows.filter(has_text="valley-post").click()
    detail = page.locator("#document-detail")
    expect(detail).to_contain_text("copied 44.4 %")
    assert "harbour-gazette 44.4 %" in detail.inner_text()
    assert "Families: f1\n" in detail.inner_text()
    visit.screenshot("documents")
    detail.locator(".link", has_text="harbour-gazette").click()
    expect(page.locator("#side-a h3")).to_have_text("valley-post")
    assert page.evaluate("location.hash") == "#compare/valley-post/harbour-gazette"


def test_two_articles_never_aligned_are_shown_unmarked(visit: Visit, example_html: Path) -> None:
    page = visit.open(example_html, "#compare/ap-bridge/wire-flood")
    assert "were not aligned together" in page.inner_text("#compare-note")
    assert page.locator("#compare mark").count() == 0
    assert "Selva River" in page.inner_text("#side-b .text")
    page.fill("#compare-a", "river-weekly")
    page.fill("#compare-b", "ap-bridge")
    page.click("#compare-form button[type=submit]")
    expect(page.locator("#side-a h3")).to_have_text("river-weekly")
    assert page.locator("#side-a mark.copied").count() >= 2


@pytest.fixture(scope="module")
def clough_html(clough_report: dedupe.Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "clough.html"
    path.write_text(render_html(clough_report), "utf-8")
    return path


def test_the_page_lists_rewrites_by_document_position(clough_report: dedupe.Report) -> None:
    data = report_data(clough_report)
    ids = data["documents"]["id"]
    shown = [(ids[a], ids[b], similarity) for a, b, similarity, _, _ in data["rewrites"]]
    assert sorted(shown) == sorted((r.a, r.b, r.similarity) for r in clough_report.rewrites)
    assert data["summary"]["rewrites"] == len(clough_report.rewrites)
    # Both texts of a rewrite are embedded, to be compared side by side.
    texts = data["documents"]["text"]
    assert all(texts[a] is not None and texts[b] is not None for a, b, *_ in data["rewrites"])


def test_rewrites_are_listed_with_the_pairs_and_compared_unmarked(
    visit: Visit, clough_html: Path, clough_report: dedupe.Report
) -> None:
    page = visit.open(clough_html, "#pairs")
    rows = page.locator("#rewrites tbody tr")
    expect(rows).to_have_count(len(clough_report.rewrites))
    row = rows.filter(has_text="g3pA_taskb")
    rewrite = clough_report.rewrites_of("g3pA_taskb")[0]
    assert row.inner_text().split("\t")[::2] == [
        "g3pA_taskb",
        "orig_taskb",
        f"{rewrite.similarity:.1f}",
        f"{rewrite.percent_b:.1f}",
    ]
    page.locator("#rewrites").scroll_into_view_if_needed()
    visit.screenshot("rewrites")
    row.click()
    expect(page.locator("#compare-note")).to_contain_text("A rewrite:")
    assert page.evaluate("location.hash") == "#compare/g3pA_taskb/orig_taskb"
    note = page.inner_text("#compare-note")
    assert note.startswith("A rewrite: no shared passage, but similar wording")
    assert f"{rewrite.percent_a:.1f} % of g3pA_taskb's 3-word phrases" in note
    assert page.locator("#compare mark").count() == 0  # never shown as copied text
    page.goto(clough_html.as_uri() + "#document/orig_taskb")
    expect(page.locator("#document-detail h3").first).to_have_text("orig_taskb")
    listed = page.locator("#document-detail ul.rewrites li").all_inner_texts()
    assert f"g3pA_taskb similarity {rewrite.similarity:.1f} %" in listed


def test_a_report_without_rewrites_says_so(visit: Visit, example_html: Path) -> None:
    page = visit.open(example_html, "#pairs")
    expect(page.locator("#rewrites")).to_have_text("No pair of articles is a rewrite.")


HOSTILE = '<img src=x onerror="document.title=\'pwned\'"></script><script>document.title="pwned"'


def test_text_from_the_input_is_shown_never_run(visit: Visit, tmp_path: Path) -> None:
    story = " ".join(
        f"The council met on day {k} to discuss the bridge repairs." for k in range(12)
    )
    documents = [
        dedupe.Document("<b>bold</b>" + HOSTILE, HOSTILE + "\n\n" + story, source=HOSTILE),
        dedupe.Document("plain", "Other lead.\n\n" + story, source="Plain & Co <ltd>"),
    ]
    report = dedupe.scan(documents, jobs=1, pairs=True, texts=True)
    path = tmp_path / "hostile.html"
    path.write_text(render_html(report), "utf-8")
    page = visit.open(path, "#documents")
    assert page.title() == "dedupe report"
    assert page.locator("img, b").count() == 0
    assert documents[0].id in page.inner_text("#documents")
    assert "Plain & Co <ltd>" in page.inner_text("#documents")
    page.goto(path.as_uri() + "#compare/" + "/".join(map(_quote, (documents[0].id, "plain"))))
    expect(page.locator("#side-a h3")).to_have_text(documents[0].id)
    assert page.inner_text("#side-a .text").startswith(HOSTILE)
    assert page.title() == "dedupe report" and page.locator("img, b").count() == 0


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def test_ten_thousand_articles_stay_usable(visit: Visit, tmp_path: Path) -> None:
    report = _large_report(10_000)
    started = time.perf_counter()
    page_text = render_html(report)
    rendering = time.perf_counter() - started
    path = tmp_path / "large.html"
    path.write_text(page_text, "utf-8")
    started = time.perf_counter()
    page = visit.open(path, "#documents")
    opening = time.perf_counter() - started
    assert page.locator("#documents tbody tr").count() == 50
    assert page.inner_text("#documents .info") == "1–50 of 10,000"
    page.click("#documents .pager button:has-text('next')")
    expect(page.locator("#documents .info")).to_have_text("51–100 of 10,000")
    assert page.locator("#documents tbody tr").first.inner_text().startswith("d51\t")
    page.click("#tabs button[data-view=pairs]")
    page.locator("#pairs tbody tr").first.click()
    # The comparison is drawn after the click returns: wait for it, then count.
    page.wait_for_selector("#side-a mark.copied")
    assert page.locator("#side-a mark.copied").count() == 1
    # Generous bounds (two shared cores): what matters is seconds, not minutes.
    assert rendering < 30 and opening < 30, (rendering, opening)


def _large_report(n: int) -> dedupe.Report:
    """Return a report of n articles in families of 5 (one original, 4 copies of it), each
    copy a pair with its original, built directly (no scan)."""
    rng = random.Random(0)
    words = [f"w{k}" for k in range(5000)]
    texts, documents, families, pairs = {}, [], [], []
    for start in range(1, n + 1, 5):
        story = " ".join(rng.choices(words, k=120))
        family = f"f{len(families) + 1}"
        members = []
        for k in range(start, min(start + 5, n + 1)):
            id = f"d{k}"
            lead = " ".join(rng.choices(words, k=60))
            texts[id] = f"{lead}\n\n{story}"
            documents.append(
                DocumentReport(
                    id,
                    f"Outlet {k % 40}",
                    "2026-03-01T00:00:00Z",
                    180,
                    0,
                    0.0 if k == start else 66.67,
                    66.67,
                    0.0,
                    (),
                    0,
                    (family,),
                    None if k == start else "Wire",
                    None if k == start else "wire-credit",
                    None,
                )
            )
            members.append(FamilyMember(id, 66.67, None))
            if k != start:
                offset = len(lead) + 2
                passage = PassageReport(
                    offset,
                    offset + len(story),
                    offset,
                    offset + len(story),
                    False,
                    "Wire",
                    family,
                    story,
                    "wire-credit",
                )
                pairs.append(PairReport(f"d{start}", id, 66.67, 66.67, (passage,)))
        families.append(
            FamilyReport(family, f"d{start}", "Wire", "wire-credit", 120, tuple(members))
        )
    return dedupe.Report(
        tuple(documents), tuple(families), (), tuple(pairs), {"pairs": True}, texts
    )
