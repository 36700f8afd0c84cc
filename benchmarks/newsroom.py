"""Seeded synthetic newsroom corpus with exact reuse ground truth.

The corpus imitates syndication in a news ecosystem, in pseudo-English (syllable words with a
Zipf-like frequency, sentences of 8-30 words, paragraphs of 1-4 sentences):

* **wire stories** by "Reuters", "Associated Press" or "AFP", each about a topic, with a few
  named entities and one statement quoted in curly quotes.  Most wire originals are in the
  corpus; some are not, so that only a credit line can attribute their copies;
* **republications** by ~20 outlets: a random fraction of the wire paragraphs (contiguous or
  not, sometimes cut short, sometimes merged or split at a sentence boundary), with word edits
  (substitution, deletion, insertion, each word with probability ``edit_rate``), mixed with the
  outlet's own paragraphs, credited (dateline ``"CITY, Jan 5 (Reuters) - "``, short dateline
  ``"CITY (AP) — "`` or closing line ``"Reuters contributed to this report."``) or not, dated
  (usually after the wire) or undated;
* **re-republications**: an outlet copying another outlet's copy (the true original is still
  the wire);
* **originals** on the same topic as a story (sharing its entities, some quoting the same
  statement: quote reuse, not copy reuse), and unrelated stand-alone originals.

Generation streams: a small window of stories is active at a time and articles of the active
stories are interleaved, so memory is O(window), not O(articles).  The same arguments always
give the same output.

Article: ``{"id", "text", "outlet", "published"}`` (``published`` ISO 8601 UTC, absent when
undated); paragraphs are joined by ``"\\n\\n"``.

Truth, one per article::

    {"id": str,
     "reused_spans": [[start, end, story_id, source_article_id | None], ...],
     "quoted_spans": [[start, end], ...],
     "original_source": wire name | None,
     "credited": bool | None,
     "edit_rate": float,
     "words": int,
     "story_id": str | None,
     "kind": "wire" | "republication" | "rerepublication" | "original"}

``reused_spans`` are character offsets (end exclusive) into the article text, one per copied
piece: a maximal run of words copied from one contiguous stretch of the source article's text
(a paragraph, a part of a split paragraph, a part of a merged one).  Pieces of adjacent copied
paragraphs are separate spans separated by ``"\\n\\n"`` (or ``" "`` in a merged paragraph);
merge spans separated only by whitespace to get passage-level cases.  Substituted or inserted
words inside a piece are inside its span, so with ``edit_rate == 0`` the span text occurs
verbatim in the source article.  ``source_article_id`` is the article the words were copied
from (the wire article, or the outlet article for a re-republication); it is ``None`` when the
wire original is not in the corpus.  Credit text (datelines, closing lines) is never inside a
span.  ``quoted_spans`` cover a curly-quoted statement including its quote marks; quotations
are never edited.  ``original_source`` is the wire whose story the reused text comes from (None
for wire articles and originals); ``credited`` says whether the text credits that wire (None
for wire articles and originals).  ``edit_rate`` is 0 for wire articles and originals; ``words``
is ``len(text.split())``.

CLI: ``python -m benchmarks.newsroom N --seed S --out corpus.jsonl --truth truth.jsonl
[--edit-rate R] [--words-per-article W]``.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any

import numpy as np

__all__ = ["EDIT_RATES", "OUTLETS", "WIRES", "generate", "main", "write_corpus"]

WIRES = ("Reuters", "Associated Press", "AFP")
_WIRE_TAG = {"Reuters": "Reuters", "Associated Press": "AP", "AFP": "AFP"}
_WIRE_CONTRIBUTOR = {
    "Reuters": "Reuters",
    "Associated Press": "The Associated Press",
    "AFP": "AFP",
}
OUTLETS = (
    "The Daily Ledger",
    "Metro Herald",
    "Coastal Times",
    "Valley Courier",
    "The Morning Sentinel",
    "Harbor Gazette",
    "Northern Star Tribune",
    "City Chronicle",
    "The Evening Post",
    "Lakeside Observer",
    "Capital Dispatch",
    "Prairie Examiner",
    "The Weekly Register",
    "Summit Journal",
    "Riverside Bulletin",
    "Pacific Review",
    "Highland News",
    "The Union Standard",
    "Bayview Press",
    "Eastern Telegraph",
)
CITIES = (
    "WASHINGTON",
    "LONDON",
    "PARIS",
    "BERLIN",
    "TOKYO",
    "BEIJING",
    "NEW YORK",
    "BRUSSELS",
    "GENEVA",
    "NAIROBI",
    "SYDNEY",
    "MEXICO CITY",
    "SAO PAULO",
    "NEW DELHI",
    "MOSCOW",
    "CAIRO",
    "JOHANNESBURG",
    "SEOUL",
    "MADRID",
    "OTTAWA",
)
EDIT_RATES = (0.0, 0.02, 0.05, 0.10, 0.20)
_MONTHS = (
    "Jan",
    "Feb",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
)
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

_N_TOPICS = 40
_TOPIC_WORDS = 150
_TOPIC_SHARE = 0.12  # fraction of words drawn from the topic's vocabulary
_COMMA_RATE = 0.07
# cumulative probabilities of 1, 2, 3 sentences per paragraph (4 otherwise): mean 2.77
_PARA_SENTS_CDF = np.array([0.10, 0.40, 0.73])
_ENTITY_RATE = 0.25  # probability that a sentence mentions one of the story's entities


# --- vocabulary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Vocab:
    words: list[str]
    caps: list[str]
    cdf: np.ndarray
    topic_words: np.ndarray  # (topics, _TOPIC_WORDS) word ids
    topic_cdf: np.ndarray
    names: list[str]  # capitalised pseudo names for entities


_ONSETS = "b c d f g h j k l m n p r s t v w z br bl ch cl cr dr fl fr gr pl pr sh st str th tr"
_NUCLEI = "a e i o u a e i o ai ea ou ie"
_CODAS = "n r s t l m nd st rt ng ck"  # word-final syllables
_INNER_CODAS = "n r s l m"  # other syllables


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    """A fixed pseudo-English vocabulary (independent of the seed)."""
    rng = np.random.default_rng(20240601)
    onsets = _ONSETS.split()
    nuclei = _NUCLEI.split()
    codas = [""] * 6 + _CODAS.split()
    inner_codas = [""] * 6 + _INNER_CODAS.split()
    seen: set[str] = set()
    scored: list[tuple[float, str]] = []
    n_types = 8000
    while len(scored) < n_types:
        n_syl = int(rng.choice([1, 2, 3, 4], p=[0.25, 0.45, 0.24, 0.06]))
        parts = []
        for k in range(n_syl):
            onset = "" if k == 0 and rng.random() < 0.25 else onsets[rng.integers(len(onsets))]
            pool = codas if k == n_syl - 1 else inner_codas
            parts.append(onset + nuclei[rng.integers(len(nuclei))] + pool[rng.integers(len(pool))])
        word = "".join(parts)
        if word in seen or not 2 <= len(word) <= 12:
            continue
        seen.add(word)
        scored.append((len(word) + 2.5 * rng.random(), word))  # short words get frequent ranks
    scored.sort()
    words = [w for _, w in scored[:n_types]]
    ranks = np.arange(1, n_types + 1, dtype=np.float64)
    weights = 1.0 / (ranks + 2.7) ** 1.05  # Zipf-Mandelbrot
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    topic_words = np.stack(
        [rng.choice(np.arange(150, n_types), _TOPIC_WORDS, replace=False) for _ in range(_N_TOPICS)]
    )
    tw = 1.0 / np.arange(1, _TOPIC_WORDS + 1, dtype=np.float64)
    topic_cdf = np.cumsum(tw) / tw.sum()
    names = [w.capitalize() for w in words[600:] if 4 <= len(w) <= 9][:3000]
    return _Vocab(words, [w.capitalize() for w in words], cdf, topic_words, topic_cdf, names)


def _sample_ids(rng: np.random.Generator, n: int, topic: int | None) -> np.ndarray:
    v = _vocab()
    ids = np.searchsorted(v.cdf, rng.random(n), side="right")
    if topic is not None:
        mask = rng.random(n) < _TOPIC_SHARE
        k = int(mask.sum())
        if k:
            picks = np.searchsorted(v.topic_cdf, rng.random(k), side="right")
            ids[mask] = v.topic_words[topic, picks]
    return np.minimum(ids, len(v.words) - 1)


# --- paragraphs -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Para:
    """A paragraph or piece of one: sentences of tokens (punctuation attached to tokens).

    ``quote`` is the (start, end) character range of a curly-quoted statement in ``text``;
    such paragraphs are atomic (never edited, split or merged).
    """

    sents: list[list[str]]
    quote: tuple[int, int] | None = None

    @property
    def text(self) -> str:
        return " ".join(" ".join(s) for s in self.sents)

    @property
    def n_tokens(self) -> int:
        return sum(len(s) for s in self.sents)


def _gen_paras(
    rng: np.random.Generator,
    n_words: int,
    topic: int | None,
    entities: list[list[str]],
) -> list[_Para]:
    """Own paragraphs with about ``n_words`` words."""
    v = _vocab()
    lens = rng.integers(8, 31, size=n_words // 8 + 2)
    ends = np.cumsum(lens)
    n_sents = int(np.searchsorted(ends, n_words)) + 1
    ends = ends[:n_sents]
    total = int(ends[-1])
    ids = _sample_ids(rng, total, topic).tolist()
    tokens = [v.words[i] for i in ids]
    for i in np.flatnonzero(rng.random(total) < _COMMA_RATE).tolist():
        tokens[i] += ","
    starts = [0, *ends[:-1].tolist()]
    ent_draw = rng.random(n_sents).tolist()
    ent_pick = rng.integers(0, max(len(entities), 1), size=n_sents).tolist()
    ent_pos = rng.random(n_sents).tolist()
    sents: list[list[str]] = []
    for j, (a, b) in enumerate(zip(starts, ends.tolist(), strict=True)):
        s = tokens[a:b]
        s[0] = v.caps[ids[a]] + (",") * s[0].endswith(",")
        last = s[-1].rstrip(",")
        s[-1] = last + "."
        if entities and ent_draw[j] < _ENTITY_RATE:
            pos = 1 + int(ent_pos[j] * (len(s) - 2))
            s[pos : pos + 1] = entities[ent_pick[j]]
        sents.append(s)
    sizes = (np.searchsorted(_PARA_SENTS_CDF, rng.random(n_sents), side="right") + 1).tolist()
    paras = []
    i = 0
    for size in sizes:
        if i >= n_sents:
            break
        paras.append(_Para(sents[i : i + size]))
        i += size
    return paras


def prose(rng: np.random.Generator, words: int, topic: int | None = None) -> str:
    """Return about `words` words of pseudo-English paragraphs (joined by blank lines) of the
    newsroom's vocabulary: text no other call shares but by chance phrases."""
    return "\n\n".join(p.text for p in _gen_paras(rng, words, topic, []))


def _quote_para(
    rng: np.random.Generator, quote: list[str], speaker: list[str], role: list[str]
) -> _Para:
    """A one-sentence paragraph with the curly-quoted statement in one of three frames."""
    body = list(quote)
    form = int(rng.integers(3))
    if form == 2:  # Speaker, role, said: “Quote.”
        prefix = [*speaker[:-1], speaker[-1] + ",", *role[:-1], role[-1] + ",", "said:"]
        body[0] = "“" + body[0]
        body[-1] = body[-1] + ".”"
        tokens = prefix + body
        start = len(" ".join(prefix)) + 1
    else:  # “Quote,” Speaker said.  /  “Quote,” said Speaker, role.
        body[0] = "“" + body[0]
        body[-1] = body[-1] + ",”"
        tail = (
            [*speaker, "said."] if form == 0 else ["said", *speaker[:-1], speaker[-1] + ",", *role]
        )
        if form == 1:
            tail[-1] += "."
        tokens = body + tail
        start = 0
    end = start + len(" ".join(body))
    return _Para([tokens], (start, end))


def _edit_all(rng: np.random.Generator, paras: list[_Para], rate: float) -> list[_Para]:
    """Substitute, delete or insert words, each word with probability ``rate``.

    The first token of a sentence is only ever substituted (keeping its capital), tokens
    carrying punctuation are never deleted, so sentence structure survives the edits.
    Quotation paragraphs are left untouched.
    """
    if rate <= 0:
        return paras
    v = _vocab()
    sizes = [0 if p.quote is not None else p.n_tokens for p in paras]
    para_ends = list(accumulate(sizes))
    hits = np.flatnonzero(rng.random(para_ends[-1]) < rate).tolist()
    if not hits:
        return paras
    kinds = rng.integers(0, 3, size=len(hits)).tolist()
    repl = _sample_ids(rng, len(hits), None).tolist()
    out = list(paras)
    edited: dict[int, tuple[list[list[str]], list[int]]] = {}
    # process from the end so earlier indices stay valid
    for h, kind, w in zip(reversed(hits), reversed(kinds), reversed(repl), strict=True):
        i = bisect.bisect_right(para_ends, h)
        if i not in edited:
            sents = [list(s) for s in paras[i].sents]
            edited[i] = (sents, list(accumulate(len(s) for s in sents)))
        sents, bounds = edited[i]
        h -= para_ends[i - 1] if i else 0
        j = bisect.bisect_right(bounds, h)
        s = sents[j]
        pos = h - (bounds[j - 1] if j else 0)
        tok = s[pos]
        core = tok.rstrip(",.:;")
        if kind == 1 and pos > 0 and core == tok and len(s) > 2:
            del s[pos]
        elif kind == 2 and pos > 0:
            s.insert(pos, v.words[w])
        else:
            word = v.caps[w] if core[:1].isupper() else v.words[w]
            s[pos] = word + tok[len(core) :]
    for i, (sents, _) in edited.items():
        out[i] = _Para(sents)
    return out


# --- stories and articles ---------------------------------------------------------------------


@dataclass
class _Copy:
    article_id: str
    outlet: int
    time: datetime | None
    pieces: list[_Para]


@dataclass
class _Story:
    story_id: str | None
    topic: int
    time: datetime
    wire: str | None = None
    city: str = ""
    entities: list[list[str]] = field(default_factory=list)
    quote: list[str] = field(default_factory=list)
    speaker: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    paras: list[_Para] = field(default_factory=list)
    wire_id: str | None = None
    copies: list[_Copy] = field(default_factory=list)
    plan: deque[tuple[str, int]] = field(default_factory=deque)


Piece = tuple[_Para, tuple[str, str | None] | None]  # (paragraph piece, (story, source) | None)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _article_id(seed: int, index: int) -> str:
    """Unique, seed-dependent, order-scrambling ids (an odd multiplier is a bijection)."""
    return f"{(index * 0x9E3779B1 + seed * 0x85EBCA77 + 0x2545F491) & 0xFFFFFFFF:08x}"


class _Newsroom:
    def __init__(self, seed: int, edit_rate: float | None, words_per_article: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.edit_rate = edit_rate
        self.wpa = words_per_article
        self.n_stories = 0
        self.n_emitted = 0

    # -- helpers --
    def _length(self) -> int:
        return max(20, int(self.wpa * self.rng.uniform(0.6, 1.4)))

    def _name(self, k: int) -> list[str]:
        names = _vocab().names
        return [names[int(i)] for i in self.rng.integers(0, len(names), size=k)]

    def _rate(self) -> float:
        if self.edit_rate is not None:
            return float(self.edit_rate)
        return EDIT_RATES[int(self.rng.integers(len(EDIT_RATES)))]

    def _when(self, base: datetime, *, p_undated: float, p_early: float) -> datetime | None:
        """Publication time: usually some hours after ``base``, sometimes before, or none."""
        rng = self.rng
        if rng.random() < p_undated:
            return None
        if rng.random() < p_early:
            delta = -rng.uniform(60, 6 * 3600)
        else:
            delta = min(rng.lognormal(np.log(3 * 3600), 1.2), 14 * 86400)
        return base + timedelta(seconds=int(delta))

    # -- stories --
    def new_story(self) -> _Story:
        rng = self.rng
        k = self.n_stories
        self.n_stories += 1
        time = _EPOCH + timedelta(seconds=int(k * 1200 + rng.integers(0, 1200)))
        topic = int(rng.integers(_N_TOPICS))
        if rng.random() < 0.12:  # a stand-alone original, no story behind it
            story = _Story(None, topic, time)
            story.plan.append(("original", 0))
            return story
        story = _Story(f"s{k:07d}", topic, time, wire=WIRES[int(rng.integers(len(WIRES)))])
        story.city = CITIES[int(rng.integers(len(CITIES)))]
        story.entities = [self._name(2), self._name(2), [*self._name(1), "Council"]]
        story.speaker = story.entities[0]
        story.role = ["a", "spokesperson", "for", "the", *story.entities[2]]
        q = _sample_ids(rng, int(rng.integers(8, 17)), topic).tolist()
        v = _vocab()
        story.quote = [v.caps[q[0]]] + [v.words[i] for i in q[1:]]
        story.paras = _gen_paras(rng, self._length(), topic, story.entities)
        pos = int(rng.integers(1, min(4, len(story.paras)) + 1))
        story.paras.insert(pos, _quote_para(rng, story.quote, story.speaker, story.role))

        plan: list[tuple[str, int]] = []
        if rng.random() < 0.85:
            plan.append(("wire", 0))
        n_rep = min(int(rng.poisson(3.0)), len(OUTLETS))
        outlets = rng.choice(len(OUTLETS), size=n_rep, replace=False).tolist()
        tail = [("republication", o) for o in outlets]
        n_orig = int(rng.poisson(1.2))
        for _ in range(n_orig):
            tail.insert(int(rng.integers(len(tail) + 1)), ("original", 1))
        plan += tail
        if n_rep:
            n_rerep = int(rng.random() < 0.3) + int(rng.random() < 0.05)
            plan += [("rerepublication", -1)] * n_rerep
        story.plan.extend(plan)
        return story

    # -- article kinds --
    def wire_article(self, story: _Story, aid: str) -> tuple[dict[str, Any], dict[str, Any]]:
        assert story.wire is not None and story.story_id is not None
        story.wire_id = aid
        paragraphs: list[list[Piece]] = [[(p, None)] for p in story.paras]
        return self._finish(
            aid,
            paragraphs,
            outlet=story.wire,
            published=story.time,
            story=story,
            kind="wire",
            original_source=None,
            credited=None,
            rate=0.0,
        )

    def original_article(
        self, story: _Story, aid: str, related: bool
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        if story.story_id is None or not related:
            paras = _gen_paras(rng, self._length(), story.topic, [self._name(2)])
        else:
            entities = [story.entities[int(i)] for i in rng.permutation(3)[:2]]
            paras = _gen_paras(rng, self._length(), story.topic, entities)
            if rng.random() < 0.5:  # quote reuse
                quote = _quote_para(rng, story.quote, story.speaker, story.role)
                paras.insert(int(rng.integers(len(paras) + 1)), quote)
        if rng.random() < 0.15:
            outlet = WIRES[int(rng.integers(len(WIRES)))]
        else:
            outlet = OUTLETS[int(rng.integers(len(OUTLETS)))]
        return self._finish(
            aid,
            [[(p, None)] for p in paras],
            outlet=outlet,
            published=self._when(story.time, p_undated=0.1, p_early=0.4),
            story=story,
            kind="original",
            original_source=None,
            credited=None,
            rate=0.0,
        )

    def _select(self, n: int) -> list[int]:
        """Indices of a random fraction (0-100 %, at least one) of ``n`` paragraphs."""
        rng = self.rng
        k = max(1, int(np.ceil(rng.random() * n)))
        if rng.random() < 0.6:
            start = 0 if rng.random() < 0.5 else int(rng.integers(0, n - k + 1))
            return list(range(start, start + k))
        return sorted(rng.choice(n, size=k, replace=False).tolist())

    def _copied_paragraphs(
        self, sources: list[_Para], origin: tuple[str, str | None], rate: float
    ) -> list[list[Piece]]:
        rng = self.rng
        picked = _edit_all(rng, [sources[i] for i in self._select(len(sources))], rate)
        last = picked[-1]
        if last.quote is None and len(last.sents) > 1 and rng.random() < 0.2:  # cut short
            picked[-1] = _Para(last.sents[: int(rng.integers(1, len(last.sents)))])
        paragraphs: list[list[Piece]] = [[(p, origin)] for p in picked]
        if rng.random() < 0.3:  # re-split: merge two paragraphs or split one
            for _ in range(int(rng.integers(1, 3))):
                if rng.random() < 0.5 and len(paragraphs) > 1:
                    i = int(rng.integers(len(paragraphs) - 1))
                    paragraphs[i : i + 2] = [paragraphs[i] + paragraphs[i + 1]]
                else:
                    splittable = [
                        i
                        for i, para in enumerate(paragraphs)
                        if len(para) == 1 and para[0][0].quote is None and len(para[0][0].sents) > 1
                    ]
                    if not splittable:
                        continue
                    i = splittable[int(rng.integers(len(splittable)))]
                    piece = paragraphs[i][0][0]
                    cut = int(rng.integers(1, len(piece.sents)))
                    paragraphs[i : i + 1] = [
                        [(_Para(piece.sents[:cut]), origin)],
                        [(_Para(piece.sents[cut:]), origin)],
                    ]
        return paragraphs

    def _add_credit(self, story: _Story, paragraphs: list[list[Piece]]) -> None:
        assert story.wire is not None
        rng = self.rng
        tag = _WIRE_TAG[story.wire]
        form = int(rng.integers(3))
        if form == 2:
            line = _Para([f"{_WIRE_CONTRIBUTOR[story.wire]} contributed to this report.".split()])
            paragraphs.append([(line, None)])
            return
        if form == 0:
            date = f"{_MONTHS[story.time.month - 1]} {story.time.day}"
            dateline = f"{story.city}, {date} ({tag}) -".split()
        else:
            dateline = f"{story.city} ({tag}) —".split()
        first = next(i for i, para in enumerate(paragraphs) if para[0][1] is not None)
        paragraphs[first] = [(_Para([dateline]), None), *paragraphs[first]]

    def republication(
        self, story: _Story, aid: str, outlet: int, *, rerep: bool
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        assert story.story_id is not None
        rng = self.rng
        rate = self._rate()
        origin: tuple[str, str | None]
        if rerep:
            src = story.copies[int(rng.integers(len(story.copies)))]
            sources, origin = src.pieces, (story.story_id, src.article_id)
            # an outlet that has not published this story yet, if there is one
            used = {c.outlet for c in story.copies}
            free = [o for o in range(len(OUTLETS)) if o not in used]
            outlet = free[int(rng.integers(len(free)))] if free else (src.outlet + 1) % len(OUTLETS)
            published = self._when(src.time or story.time, p_undated=0.15, p_early=0.03)
        else:
            sources, origin = story.paras, (story.story_id, story.wire_id)
            published = self._when(story.time, p_undated=0.15, p_early=0.08)
        paragraphs = self._copied_paragraphs(sources, origin, rate)
        copied = [piece for para in paragraphs for piece, o in para if o is not None]
        n_own = (0, 0, 1, 1, 2, 3, 4, 6)[int(rng.integers(8))]
        if n_own:
            own = _gen_paras(rng, 45 * n_own, story.topic, story.entities)[:n_own]
            for p in own:
                paragraphs.insert(int(rng.integers(len(paragraphs) + 1)), [(p, None)])
        credited = bool(rng.random() < (0.5 if rerep else 0.6))
        if credited:
            self._add_credit(story, paragraphs)
        if not rerep:
            story.copies.append(_Copy(aid, outlet, published, copied))
        return self._finish(
            aid,
            paragraphs,
            outlet=OUTLETS[outlet],
            published=published,
            story=story,
            kind="rerepublication" if rerep else "republication",
            original_source=story.wire,
            credited=credited,
            rate=rate,
        )

    # -- assembly --
    def _finish(
        self,
        aid: str,
        paragraphs: list[list[Piece]],
        *,
        outlet: str,
        published: datetime | None,
        story: _Story,
        kind: str,
        original_source: str | None,
        credited: bool | None,
        rate: float,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        texts: list[str] = []
        spans: list[list[object]] = []
        quotes: list[list[int]] = []
        pos = n_words = 0
        for i, para in enumerate(paragraphs):
            if i:
                pos += 2
            parts = []
            for j, (piece, origin) in enumerate(para):
                if j:
                    pos += 1
                t = piece.text
                if origin is not None:
                    spans.append([pos, pos + len(t), origin[0], origin[1]])
                if piece.quote is not None:
                    quotes.append([pos + piece.quote[0], pos + piece.quote[1]])
                parts.append(t)
                pos += len(t)
                n_words += piece.n_tokens
            texts.append(" ".join(parts))
        text = "\n\n".join(texts)
        article: dict[str, Any] = {"id": aid, "text": text, "outlet": outlet}
        if published is not None:
            article["published"] = _iso(published)
        truth = {
            "id": aid,
            "reused_spans": spans,
            "quoted_spans": quotes,
            "original_source": original_source,
            "credited": credited,
            "edit_rate": rate,
            "words": n_words,
            "story_id": story.story_id,
            "kind": kind,
        }
        return article, truth

    def article(self, story: _Story, what: str, arg: int) -> tuple[dict[str, Any], dict[str, Any]]:
        aid = _article_id(self.seed, self.n_emitted)
        self.n_emitted += 1
        if what == "wire":
            return self.wire_article(story, aid)
        if what == "original":
            return self.original_article(story, aid, related=bool(arg))
        return self.republication(story, aid, arg, rerep=what == "rerepublication")


def generate(
    n_articles: int,
    *,
    seed: int = 0,
    edit_rate: float | None = None,
    words_per_article: int = 600,
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield ``n_articles`` (article, truth) pairs of a synthetic newsroom corpus.

    ``edit_rate`` fixes the word edit rate of every (re)republication; by default each draws
    one from :data:`EDIT_RATES`.  ``words_per_article`` is the mean length of wire stories and
    originals (each varies uniformly within ±40 %).  See the module docstring for the format.
    """
    if n_articles < 0:
        raise ValueError("n_articles must be >= 0")
    if words_per_article < 1:
        raise ValueError("words_per_article must be >= 1")
    if edit_rate is not None and not 0.0 <= edit_rate <= 1.0:
        raise ValueError("edit_rate must be in [0, 1]")
    room = _Newsroom(seed, edit_rate, words_per_article)
    rng = room.rng
    window = max(1, min(64, n_articles // 40))
    active: list[_Story] = []
    while room.n_emitted < n_articles:
        while len(active) < window:
            active.append(room.new_story())
        i = int(rng.integers(len(active)))
        story = active[i]
        if not story.plan:
            active[i] = room.new_story()
            continue
        what, arg = story.plan.popleft()
        yield room.article(story, what, arg)


def write_corpus(
    n_articles: int,
    out: str,
    truth: str,
    *,
    seed: int = 0,
    edit_rate: float | None = None,
    words_per_article: int = 600,
) -> None:
    """Stream ``generate(...)`` to two JSONL files (articles and truth)."""
    with (
        open(out, "w", encoding="utf-8", newline="\n") as fa,
        open(truth, "w", encoding="utf-8", newline="\n") as ft,
    ):
        for article, t in generate(
            n_articles, seed=seed, edit_rate=edit_rate, words_per_article=words_per_article
        ):
            fa.write(json.dumps(article, ensure_ascii=False) + "\n")
            ft.write(json.dumps(t, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.newsroom",
        description="Generate a synthetic newsroom corpus (JSONL) with reuse ground truth.",
    )
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="articles JSONL path")
    parser.add_argument("--truth", required=True, help="truth JSONL path")
    parser.add_argument("--edit-rate", type=float, default=None)
    parser.add_argument("--words-per-article", type=int, default=600)
    args = parser.parse_args(argv)
    write_corpus(
        args.n,
        args.out,
        args.truth,
        seed=args.seed,
        edit_rate=args.edit_rate,
        words_per_article=args.words_per_article,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
