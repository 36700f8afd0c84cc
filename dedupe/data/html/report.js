"use strict";
// The dedupe HTML report. Reads the gzip+base64 JSON in #report-data (made by dedupe/html.py),
// then draws each view on demand. Text from the input only ever becomes DOM text nodes.
(function () {
  const PAGE = 50;
  let D = null;            // the report data
  const drawn = {};        // views drawn once

  // --- small DOM helpers -------------------------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "style") node.style.cssText = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key in node && typeof value !== "string") node[key] = value;
      else node.setAttribute(key, value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const $ = (id) => document.getElementById(id);
  const pct = (x) => (x === null || x === undefined ? "" : x.toFixed(1));
  const bool = (x) => (x === null || x === undefined ? "" : x ? "true" : "false");
  const date = (x) => (x ? x.slice(0, 10) : "");
  const docs = () => D.documents;
  const outletOf = (k) => (docs().outlet[k] >= 0 ? D.outlets[docs().outlet[k]] : "");
  const hue = (family) => (family < 0 ? 45 : Math.round((family * 137.508 + 45) % 360));
  const naturalCompare = new Intl.Collator("en", { numeric: true }).compare;
  const idIndex = new Map();

  // --- loading ---------------------------------------------------------------------------
  async function load() {
    const base64 = $("report-data").textContent.trim();
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    if (typeof DecompressionStream !== "function") {
      throw new Error("this browser cannot decompress the report (no DecompressionStream)");
    }
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  // --- a paged, filtered, sortable table ---------------------------------------------------
  // columns: [{title, value(row) -> cell text or Node, sort(row) -> number|string, num}]
  function pagedTable(host, rows, columns, options) {
    options = options || {};
    let shown = rows.slice();
    let page = 0;
    let sortColumn = -1, sortUp = true;
    const search = el("input", { type: "search", placeholder: options.placeholder || "filter",
      "aria-label": "filter rows" });
    const info = el("span", { class: "info" });
    const prev = el("button", { type: "button", onclick: () => { page--; draw(); } }, "previous");
    const next = el("button", { type: "button", onclick: () => { page++; draw(); } }, "next");
    const head = el("tr", {}, columns.map((c, k) => el("th", {
      class: (c.num ? "num " : "") + (c.sort ? "sortable" : ""),
      onclick: c.sort ? () => sortBy(k) : null,
    }, c.title)));
    const body = el("tbody");
    const table = el("table", { class: options.class || "" }, el("thead", {}, head), body);
    host.replaceChildren(el("div", { class: "pager" }, search, prev, next, info), table);
    search.addEventListener("input", () => {
      const needle = search.value.trim().toLowerCase();
      shown = needle ? rows.filter((r) => options.text(r).toLowerCase().includes(needle)) : rows.slice();
      if (sortColumn >= 0) sortRows();
      page = 0;
      draw();
    });
    function sortRows() {
      const key = columns[sortColumn].sort;
      shown.sort((x, y) => {
        const a = key(x), b = key(y);
        const order = typeof a === "number" && typeof b === "number" ? a - b : naturalCompare(String(a), String(b));
        return sortUp ? order : -order;
      });
    }
    function sortBy(k) {
      sortUp = sortColumn === k ? !sortUp : !columns[k].num;
      sortColumn = k;
      head.querySelectorAll("th").forEach((th, j) => {
        th.classList.toggle("sorted-up", j === k && sortUp);
        th.classList.toggle("sorted-down", j === k && !sortUp);
      });
      sortRows();
      page = 0;
      draw();
    }
    function draw() {
      const pages = Math.max(1, Math.ceil(shown.length / PAGE));
      page = Math.min(Math.max(page, 0), pages - 1);
      const slice = shown.slice(page * PAGE, page * PAGE + PAGE);
      body.replaceChildren(...slice.map((row) => el("tr", {
        class: options.onclick ? "clickable" : "",
        onclick: options.onclick ? (event) => {
          body.querySelectorAll("tr.selected").forEach((tr) => tr.classList.remove("selected"));
          event.currentTarget.classList.add("selected");
          options.onclick(row);
        } : null,
      }, columns.map((c) => el("td", { class: c.num ? "num" : "" }, c.value(row))))));
      const first = shown.length ? page * PAGE + 1 : 0;
      info.textContent = `${first.toLocaleString("en")}\u2013${(page * PAGE + slice.length).toLocaleString("en")} of ${shown.length.toLocaleString("en")}`;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    draw();
    return { search };
  }

  // --- views -------------------------------------------------------------------------------
  const views = {
    summary() {
      pagedTable($("outlets"), D.outletSummary, [
        { title: "outlet", value: (r) => r[0] === null ? "(no outlet)" : r[0], sort: (r) => r[0] || "" },
        { title: "articles", value: (r) => r[1], sort: (r) => r[1], num: true },
        { title: "copying", value: (r) => r[2], sort: (r) => r[2], num: true },
        { title: "mean copied %", value: (r) => pct(r[3]), sort: (r) => r[3], num: true },
        { title: "credited", value: (r) => (r[5] ? `${r[4]}/${r[5]}` : ""), sort: (r) => (r[5] ? r[4] / r[5] : -1), num: true },
        { title: "copies from", value: (r) => r[6].map(([s, n]) => `${s === null ? "(undecided)" : s} ${n}`).join(", ") },
      ], { text: (r) => `${r[0] || ""} ${r[6].map((x) => x[0]).join(" ")}`, placeholder: "filter outlets" });
      const host = $("boilerplate");
      if (!D.boilerplate.length) { host.replaceChildren(el("p", {}, "No boilerplate was found.")); return; }
      host.replaceChildren(el("table", {},
        el("thead", {}, el("tr", {}, el("th", {}, "outlet"), el("th", { class: "num" }, "articles"), el("th", {}, "texts (articles carrying each)"))),
        el("tbody", {}, D.boilerplate.map(([source, articles, texts, more]) => el("tr", {},
          el("td", {}, source === null ? "(several outlets)" : source),
          el("td", { class: "num" }, articles),
          el("td", {}, el("ul", { class: "plain" }, texts.map(([text, n]) => el("li", {}, `${text} (${n})`)),
            more ? el("li", {}, `and ${more} more`) : null)))))));
    },

    matrix() {
      const m = D.matrix;
      const host = $("matrix");
      if (!m.outlets.length) { host.replaceChildren(el("p", {}, "No article copies text from another source.")); return; }
      let max = 1;
      m.articles.forEach((row) => row.forEach((n) => { if (n > max) max = n; }));
      const label = (x, none) => (x === null ? none : x);
      host.replaceChildren(el("table", { class: "matrix" },
        el("thead", {}, el("tr", {}, el("th", {}, "outlet \u2193 copies from \u2192"),
          m.sources.map((s) => el("th", { class: "source" }, label(s, "(undecided)"))))),
        el("tbody", {}, m.outlets.map((outlet, i) => el("tr", {},
          el("th", {}, label(outlet, "(no outlet)")),
          m.sources.map((source, j) => {
            const n = m.articles[i][j];
            const light = 98 - 55 * Math.sqrt(n / max);
            return el("td", {
              class: "cell" + (n ? "" : " empty"),
              style: n ? `background: hsl(8, 75%, ${light.toFixed(1)}%); color: ${light < 62 ? "#fff" : "inherit"}` : "",
              title: `${label(outlet, "(no outlet)")}: ${n} article${n === 1 ? "" : "s"} with text from ${label(source, "an undecided source")} (${m.words[i][j].toLocaleString("en")} words)`,
              "data-outlet": i, "data-source": j,
              onclick: n ? (event) => matrixCell(i, j, event.currentTarget) : null,
            }, n ? n : "");
          }))))));
    },

    families() {
      pagedTable($("families"), D.families.map((f, k) => k), [
        { title: "family", value: (k) => D.families[k].id, sort: (k) => k },
        { title: "original", value: (k) => docId(D.families[k].original), sort: (k) => docId(D.families[k].original) },
        { title: "source", value: (k) => D.families[k].source || "", sort: (k) => D.families[k].source || "" },
        { title: "rule", value: (k) => D.families[k].rule || "", sort: (k) => D.families[k].rule || "" },
        { title: "carriers", value: (k) => D.families[k].members.length, sort: (k) => D.families[k].members.length, num: true },
        { title: "credited", value: (k) => credits(D.families[k].members), num: true },
        { title: "words", value: (k) => D.families[k].words, sort: (k) => D.families[k].words, num: true },
      ], {
        text: (k) => `${D.families[k].id} ${docId(D.families[k].original)} ${D.families[k].source || ""} ${D.families[k].members.map((m) => docs().id[m[0]]).join(" ")}`,
        placeholder: "filter: family, source or article id",
        onclick: (k) => go(`family/${enc(D.families[k].id)}`),
      });
    },

    documents() {
      const d = docs();
      pagedTable($("documents"), d.id.map((_, k) => k), [
        { title: "id", value: (k) => d.id[k], sort: (k) => k },
        { title: "outlet", value: (k) => outletOf(k), sort: (k) => outletOf(k) },
        { title: "date", value: (k) => date(d.published[k]), sort: (k) => d.published[k] || "" },
        { title: "words", value: (k) => d.words[k], sort: (k) => d.words[k], num: true },
        { title: "copied %", value: (k) => pct(d.copied[k]), sort: (k) => d.copied[k], num: true },
        { title: "shared %", value: (k) => pct(d.shared[k]), sort: (k) => d.shared[k], num: true },
        { title: "quoted %", value: (k) => pct(d.quoted[k]), sort: (k) => d.quoted[k], num: true },
        { title: "source", value: (k) => d.source[k] || "", sort: (k) => d.source[k] || "" },
        { title: "credited", value: (k) => bool(d.credited[k]), sort: (k) => (d.credited[k] === null ? -1 : +d.credited[k]) },
      ], {
        text: (k) => `${d.id[k]} ${outletOf(k)} ${d.source[k] || ""}`,
        placeholder: "filter: id, outlet or source",
        onclick: (k) => go(`document/${enc(d.id[k])}`),
      });
    },

    pairs() {
      const d = docs();
      pagedTable($("pairs"), D.pairs, [
        { title: "a", value: (p) => d.id[p[0]], sort: (p) => p[0] },
        { title: "outlet of a", value: (p) => outletOf(p[0]), sort: (p) => outletOf(p[0]) },
        { title: "b", value: (p) => d.id[p[1]], sort: (p) => p[1] },
        { title: "outlet of b", value: (p) => outletOf(p[1]), sort: (p) => outletOf(p[1]) },
        { title: "% of a", value: (p) => pct(p[2]), sort: (p) => p[2], num: true },
        { title: "% of b", value: (p) => pct(p[3]), sort: (p) => p[3], num: true },
        { title: "passages", value: (p) => p[4].filter((x) => !x[4]).length, sort: (p) => p[4].filter((x) => !x[4]).length, num: true },
        { title: "quoted", value: (p) => p[4].filter((x) => x[4]).length, sort: (p) => p[4].filter((x) => x[4]).length, num: true },
      ], {
        text: (p) => `${d.id[p[0]]} ${d.id[p[1]]} ${outletOf(p[0])} ${outletOf(p[1])}`,
        placeholder: "filter: id or outlet",
        onclick: (p) => go(`compare/${enc(d.id[p[0]])}/${enc(d.id[p[1]])}`),
      });
      if (!D.rewrites.length) { $("rewrites").replaceChildren(el("p", {}, "No pair of articles is a rewrite.")); return; }
      pagedTable($("rewrites"), D.rewrites, [
        { title: "a", value: (r) => d.id[r[0]], sort: (r) => r[0] },
        { title: "outlet of a", value: (r) => outletOf(r[0]), sort: (r) => outletOf(r[0]) },
        { title: "b", value: (r) => d.id[r[1]], sort: (r) => r[1] },
        { title: "outlet of b", value: (r) => outletOf(r[1]), sort: (r) => outletOf(r[1]) },
        { title: "similarity %", value: (r) => pct(r[2]), sort: (r) => r[2], num: true },
        { title: "% of a", value: (r) => pct(r[3]), sort: (r) => r[3], num: true },
        { title: "% of b", value: (r) => pct(r[4]), sort: (r) => r[4], num: true },
      ], {
        text: (r) => `${d.id[r[0]]} ${d.id[r[1]]} ${outletOf(r[0])} ${outletOf(r[1])}`,
        placeholder: "filter: id or outlet",
        onclick: (r) => go(`compare/${enc(d.id[r[0]])}/${enc(d.id[r[1]])}`),
      });
    },

    compare() {
      const list = $("compare-ids");
      const d = docs();
      list.replaceChildren(...d.id.flatMap((id, k) => (d.text[k] === null ? [] : [el("option", { value: id })])));
      $("compare-form").addEventListener("submit", (event) => {
        event.preventDefault();
        go(`compare/${enc($("compare-a").value)}/${enc($("compare-b").value)}`);
      });
      $("compare-swap").addEventListener("click", () => {
        go(`compare/${enc($("compare-b").value)}/${enc($("compare-a").value)}`);
      });
    },
  };

  function docId(k) { return k >= 0 ? docs().id[k] : "(not in the corpus)"; }
  function enc(text) { return encodeURIComponent(text); }
  function credits(members) {
    const decided = members.filter((m) => m[2] !== null);
    return decided.length ? `${decided.filter((m) => m[2]).length}/${decided.length}` : "";
  }
  function docLink(k, other) {
    const id = docs().id[k];
    return el("span", { class: "link", onclick: () => go(other === undefined ? `document/${enc(id)}` : `compare/${enc(docs().id[other])}/${enc(id)}`) }, id);
  }

  // --- details -------------------------------------------------------------------------
  function matrixCell(i, j, cell) {
    document.querySelectorAll("table.matrix td.chosen").forEach((td) => td.classList.remove("chosen"));
    cell.classList.add("chosen");
    const outlet = D.matrix.outlets[i], source = D.matrix.sources[j];
    const found = D.copies.filter(([k, f]) => (docs().outlet[k] >= 0 ? D.outlets[docs().outlet[k]] : null) === outlet
      && D.families[f].source === source);
    $("matrix-detail").replaceChildren(el("div", {},
      el("h3", {}, `${outlet === null ? "(no outlet)" : outlet} \u2190 ${source === null ? "(undecided)" : source}`),
      el("table", {},
        el("thead", {}, el("tr", {}, ["article", "family", "original", "words", "credited"].map((t) => el("th", {}, t)))),
        el("tbody", {}, found.map(([k, f, words, credited]) => {
          const original = D.families[f].original;
          return el("tr", {},
            el("td", {}, original >= 0 ? docLink(k, original) : docLink(k)),
            el("td", {}, el("span", { class: "link", onclick: () => go(`family/${enc(D.families[f].id)}`) }, D.families[f].id)),
            el("td", {}, docId(original)),
            el("td", { class: "num" }, words),
            el("td", {}, bool(credited)));
        })))));
  }

  function showFamily(id) {
    const f = D.families.find((x) => x.id === id);
    const host = $("family-detail");
    if (!f) { host.replaceChildren(el("div", {}, `No family ${id}.`)); return; }
    const anchor = f.original >= 0 ? f.original : (f.members.length ? f.members[0][0] : -1);
    const compareLink = (k) => (k === anchor || anchor < 0 ? "" : el("span", {
      class: "link compare-link",
      onclick: () => go(`compare/${enc(docs().id[anchor])}/${enc(docs().id[k])}`),
    }, "compare with the original"));
    const rows = f.members.map(([k, p, credited]) => el("tr", {},
      el("td", {}, docLink(k)),
      el("td", {}, outletOf(k)),
      el("td", {}, date(docs().published[k])),
      el("td", { class: "num" }, pct(p)),
      el("td", {}, k === f.original ? "original" : bool(credited)),
      el("td", {}, compareLink(k))));
    host.replaceChildren(el("div", { id: "family-panel" },
      el("h3", {}, `Family ${f.id}: ${f.members.length} carriers, ${f.words} words`),
      el("p", {}, "Original: ", f.original >= 0 ? docLink(f.original) : "not in the corpus",
        ` \u2014 source: ${f.source || "undecided"}${f.rule ? ` (${f.rule})` : ""}`),
      f.text === null ? null : el("div", { class: "family-text" }, familyText(f)),
      el("h3", {}, "Carriers"),
      el("table", { class: "members" },
        el("thead", {}, el("tr", {}, ["article", "outlet", "date", "% of its words", "credited", ""].map((t) => el("th", {}, t)))),
        el("tbody", {}, rows))));
  }

  // A family's text: itself, or [document, start, end] in an embedded text.
  function familyText(f) {
    return Array.isArray(f.text) ? docs().text[f.text[0]].slice(f.text[1], f.text[2]) : f.text;
  }

  function showDocument(id) {
    const k = idIndex.get(id);
    const host = $("document-detail");
    if (k === undefined) { host.replaceChildren(el("div", {}, `No document ${id}.`)); return; }
    const d = docs();
    host.replaceChildren(el("div", {},
      el("h3", {}, d.id[k]),
      el("p", {}, `${outletOf(k) || "(no outlet)"}, ${date(d.published[k]) || "no date"}: ${d.words[k]} words (${d.boilerplate[k]} boilerplate); copied ${pct(d.copied[k])} %, shared ${pct(d.shared[k])} %, quoted ${pct(d.quoted[k])} %`),
      el("p", {}, `Original source: ${d.source[k] || "none"}${d.rule[k] ? ` (${d.rule[k]})` : ""}; credited: ${bool(d.credited[k]) || "\u2014"}`),
      el("p", {}, "Families: ", d.families[k].length ? d.families[k].map((f, n) => [n ? ", " : "",
        el("span", { class: "link", onclick: () => go(`family/${enc(D.families[f].id)}`) }, D.families[f].id)]) : "none"),
      el("h3", {}, "Matches (share of its words found in each)"),
      d.matches[k].length ? el("ul", { class: "plain" }, d.matches[k].map(([other, p]) => el("li", {},
        docLink(other, k), ` ${pct(p)} %`))) : el("p", {}, "none"),
      d.moreMatches[k] ? el("p", {}, `and ${d.moreMatches[k]} more`) : null,
      rewritesOf(k).length ? [el("h3", {}, "Rewrites (similar wording, no shared passage)"),
        el("ul", { class: "plain rewrites" }, rewritesOf(k).map((r) => el("li", {},
          docLink(r.other, k), ` similarity ${pct(r.similarity)} %`)))] : null));
  }

  // The rewrites document k is in, seen from k: {other, similarity, mine, theirs}.
  function rewritesOf(k) {
    return D.rewrites.filter((r) => r[0] === k || r[1] === k).map((r) => (r[0] === k
      ? { other: r[1], similarity: r[2], mine: r[3], theirs: r[4] }
      : { other: r[0], similarity: r[2], mine: r[4], theirs: r[3] }));
  }

  // The pair (a, b) as passages seen from a: [aStart, aEnd, bStart, bEnd, quote, family, source].
  function passagesOf(a, b) {
    for (const p of D.pairs) {
      if (p[0] === a && p[1] === b) return { passages: p[4], pa: p[2], pb: p[3] };
      if (p[0] === b && p[1] === a) {
        return { passages: p[4].map((x) => [x[2], x[3], x[0], x[1], x[4], x[5], x[6]]), pa: p[3], pb: p[2] };
      }
    }
    return null;
  }

  // The text with passages marked: quotations over copied text where they overlap.
  function markedText(text, spans, side) {
    const cuts = new Set([0, text.length]);
    spans.forEach((s) => { cuts.add(s[0]); cuts.add(s[1]); });
    const points = [...cuts].filter((x) => x >= 0 && x <= text.length).sort((x, y) => x - y);
    const out = el("div", { class: "text" });
    for (let n = 0; n + 1 < points.length; n++) {
      const lo = points[n], hi = points[n + 1];
      const piece = text.slice(lo, hi);
      const covering = spans.filter((s) => s[0] <= lo && hi <= s[1]);
      const quote = covering.find((s) => s[2]);
      const chosen = quote || covering[0];
      if (!chosen) { out.append(piece); continue; }
      out.append(el("mark", {
        class: chosen[2] ? "quote" : "copied",
        style: chosen[2] ? "" : `--hue: ${hue(chosen[3])}`,
        "data-passage": chosen[4], "data-side": side,
        title: chosen[2] ? "quotation shared by both" : `copied${chosen[3] >= 0 ? ` (family ${D.families[chosen[3]].id})` : ""}${chosen[5] ? `, from ${chosen[5]}` : ""}`,
      }, piece));
    }
    return out;
  }

  function sideOf(k, other, share, spans, side) {
    const d = docs();
    const text = d.text[k];
    return [
      el("h3", {}, d.id[k]),
      el("div", { class: "meta" }, `${outletOf(k) || "(no outlet)"} \u00b7 ${date(d.published[k]) || "no date"} \u00b7 ${d.words[k]} words`
        + (share === null ? "" : ` \u00b7 ${pct(share)} % of its words found in ${d.id[other]}`)),
      text === null ? el("p", {}, "(text not in the report: it shares no text with another article)") : markedText(text, spans, side),
    ];
  }

  function showCompare(aId, bId) {
    $("compare-a").value = aId;
    $("compare-b").value = bId;
    const a = idIndex.get(aId), b = idIndex.get(bId);
    const note = $("compare-note");
    if (a === undefined || b === undefined) {
      note.textContent = `Choose two articles of the report${a === undefined && aId ? ` (no article ${aId})` : ""}${b === undefined && bId ? ` (no article ${bId})` : ""}.`;
      $("side-a").replaceChildren(); $("side-b").replaceChildren();
      return;
    }
    const pair = a === b ? null : passagesOf(a, b);
    const passages = pair ? pair.passages : [];
    const copied = passages.filter((x) => !x[4]).length;
    const rewrite = a === b ? null : rewritesOf(a).find((r) => r.other === b);
    note.textContent = pair
      ? `${copied} copied passage${copied === 1 ? "" : "s"} and ${passages.length - copied} shared quotation${passages.length - copied === 1 ? "" : "s"}.`
      : rewrite
        ? `A rewrite: no shared passage, but similar wording (similarity ${pct(rewrite.similarity)} %: ${pct(rewrite.mine)} % of ${aId}'s 3-word phrases are found in ${bId}, ${pct(rewrite.theirs)} % of ${bId}'s in ${aId}). Never counted as copied.`
        : "These two articles were not aligned together: no shared passage was found between them.";
    const spansA = passages.map((x, n) => [x[0], x[1], x[4], x[5], n, x[6]]);
    const spansB = passages.map((x, n) => [x[2], x[3], x[4], x[5], n, x[6]]);
    $("side-a").replaceChildren(...sideOf(a, b, pair ? pair.pa : null, spansA, "a"));
    $("side-b").replaceChildren(...sideOf(b, a, pair ? pair.pb : null, spansB, "b"));
  }

  // Clicking a passage shows its counterpart on the other side.
  document.addEventListener("click", (event) => {
    const mark = event.target.closest && event.target.closest("#compare mark");
    if (!mark) return;
    const other = mark.dataset.side === "a" ? "b" : "a";
    document.querySelectorAll("#compare mark.flash").forEach((m) => m.classList.remove("flash"));
    const twins = document.querySelectorAll(`#side-${other} mark[data-passage="${mark.dataset.passage}"], #side-${mark.dataset.side} mark[data-passage="${mark.dataset.passage}"]`);
    twins.forEach((m) => m.classList.add("flash"));
    const first = document.querySelector(`#side-${other} mark[data-passage="${mark.dataset.passage}"]`);
    if (first) first.scrollIntoView({ block: "center", behavior: "instant" });
  });

  // --- navigation: #view, #family/ID, #document/ID, #compare/A/B ------------------------------
  function go(hash) {
    if (location.hash === `#${hash}`) route(); else location.hash = hash;
  }

  function show(view) {
    if (!drawn[view]) { views[view](); drawn[view] = true; }
    document.querySelectorAll("section.view").forEach((s) => { s.hidden = s.id !== `view-${view}`; });
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.view === view));
    document.body.dataset.view = view;
  }

  function route() {
    const [view, ...rest] = location.hash.slice(1).split("/").map(decodeURIComponent);
    if (view === "family") { show("families"); showFamily(rest[0] || ""); }
    else if (view === "document") { show("documents"); showDocument(rest[0] || ""); }
    else if (view === "compare") { show("compare"); showCompare(rest[0] || "", rest[1] || ""); }
    else show(views[view] ? view : "summary");
  }

  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => go(b.dataset.view)));

  load().then((data) => {
    D = data;
    D.documents.id.forEach((id, k) => idIndex.set(id, k));
    $("status").remove();
    window.addEventListener("hashchange", route);
    route();
    document.body.dataset.ready = "1";
  }).catch((error) => {
    $("status").textContent = `The report could not be read: ${error.message}`;
    $("status").className = "error";
    document.body.dataset.ready = "error";
  });
})();
