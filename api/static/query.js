// The query page: runs the editor's SPARQL against /sparql and the named queries' forms against
// /api/queries/NAME, and draws the results with a label beside each IRI (one request to /api/labels per table).
// No external assets, no inline script (the CSP forbids it); data is only ever set as text, never as HTML.
"use strict";
(function () {
  const words = JSON.parse(document.getElementById("query-words").textContent);
  const lang = words.lang || document.documentElement.lang || "sv";
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const examples = document.getElementById("examples");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const endpoint = form.getAttribute("action");
  const namedStatus = document.getElementById("named-status");
  const namedResults = document.getElementById("named-results");
  const BASE = "https://w3id.org/samverkan/";
  const LABEL_BATCH = 400; // below the server's limit of 500 IRIs per request

  function say(key, fields) {
    let text = words[key] || key;
    for (const [k, v] of Object.entries(fields || {})) text = text.split("{" + k + "}").join(String(v));
    return text;
  }

  function number(n) {
    // Swedish groups digits with a narrow no-break space, English with a comma (as the server does).
    return n.toLocaleString("en-US").replace(/,/g, lang === "sv" ? "\u202f" : ",").replace(/\./g, lang === "sv" ? "," : ".");
  }

  function rowsText(n, ms) {
    return say(n === 1 ? "rows_one" : "rows_other", { n: number(n), ms: ms });
  }

  // A cell is {iri} for an IRI, {text, lang} for anything else. Only http(s) IRIs are looked up and linked.
  function isWebIri(value) {
    return /^https?:\/\/\S+$/i.test(value);
  }

  async function fetchLabels(iris) {
    const found = new Map();
    const wanted = [...new Set(iris)];
    for (let i = 0; i < wanted.length; i += LABEL_BATCH) {
      const response = await fetch("/api/labels", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ iris: wanted.slice(i, i + LABEL_BATCH), lang: lang }),
      });
      if (!response.ok) break; // the table still shows the IRIs themselves
      const body = await response.json();
      for (const item of body.data) found.set(item.iri, item);
    }
    return found;
  }

  function iriCell(td, iri, labels) {
    const known = labels.get(iri);
    const ours = /^https:\/\/w3id\.org\/samverkan\/(id|concept)\/[^#?]*$/.test(iri);
    const href = known ? known.href : ours ? "/" + iri.slice(BASE.length) : iri.startsWith(BASE) ? null : iri;
    const compact = known ? known.compact : iri;
    if (known && known.label) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = known.label;
      td.appendChild(a);
      const code = document.createElement("span");
      code.className = "iri";
      code.textContent = compact;
      td.appendChild(document.createTextNode(" "));
      td.appendChild(code);
    } else if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = compact;
      td.appendChild(a);
    } else {
      td.textContent = compact;
    }
  }

  async function drawTable(container, columns, rows) {
    if (rows.length === 0) {
      const p = document.createElement("p");
      p.textContent = say("no_rows");
      container.appendChild(p);
      return;
    }
    const iris = [];
    for (const row of rows) for (const c of row) if (c && c.iri && isWebIri(c.iri)) iris.push(c.iri);
    const labels = iris.length ? await fetchLabels(iris) : new Map();
    const table = document.createElement("table");
    table.className = "results";
    const head = table.createTHead().insertRow();
    for (const v of columns) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const c of row) {
        const td = tr.insertCell();
        if (!c) continue;
        if (c.iri && isWebIri(c.iri)) iriCell(td, c.iri, labels);
        else if (c.iri) td.textContent = c.iri; // a javascript: or urn: IRI is shown, never linked
        else td.textContent = c.text + (c.lang ? " @" + c.lang : "");
      }
    }
    container.appendChild(table);
  }

  function sparqlCell(term) {
    if (!term) return null;
    if (term.type === "uri") return { iri: term.value };
    return { text: term.value, lang: term["xml:lang"] };
  }

  function namedCell(value, column) {
    // The named queries answer plain JSON values: an http(s) string is an IRI (or a web address: linked too).
    if (value === null || value === undefined) return null;
    if (typeof value === "string" && isWebIri(value)) return { iri: value };
    // A year or a code is a name, not a count: "2020", never "2 020".
    if (typeof value === "number") return { text: /year|code/i.test(column) ? String(value) : number(value) };
    if (typeof value === "boolean") return { text: say(value ? "yes" : "no") };
    return { text: String(value) };
  }

  async function showError(container, response) {
    const body = await response.json().catch(() => ({ message: response.statusText }));
    const p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = say("error", { status: response.status, message: body.message || response.statusText });
    container.appendChild(p);
  }

  // --- the SPARQL editor -------------------------------------------------------------------------
  examples.addEventListener("change", function () {
    const source = document.getElementById("q-" + examples.value);
    if (source) editor.value = source.value.trim() + "\n";
  });

  function links(query) {
    downloads.textContent = "";
    for (const fmt of ["csv", "tsv", "json", "xml", "turtle"]) {
      const a = document.createElement("a");
      a.href = endpoint + "?" + new URLSearchParams({ query: query, format: fmt });
      a.textContent = fmt.toUpperCase();
      a.download = "results." + (fmt === "turtle" ? "ttl" : fmt);
      downloads.appendChild(a);
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const query = editor.value;
    status.textContent = say("running");
    results.textContent = "";
    downloads.textContent = "";
    const started = performance.now();
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
        body: new URLSearchParams({ query: query }),
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        await showError(results, response);
        status.textContent = "";
        return;
      }
      links(query);
      if (type.startsWith("text/turtle")) {
        const pre = document.createElement("pre");
        pre.textContent = await response.text();
        results.appendChild(pre);
        status.textContent = say("done");
        return;
      }
      const data = await response.json();
      const ms = Math.round(performance.now() - started);
      if ("boolean" in data) {
        status.textContent = say("answer", { answer: say(data.boolean ? "yes" : "no"), ms: ms });
        return;
      }
      const vars = data.head.vars;
      const rows = data.results.bindings.map((b) => vars.map((v) => sparqlCell(b[v])));
      await drawTable(results, vars, rows);
      const cut = response.headers.get("X-Samverkan-Truncated");
      status.textContent = rowsText(rows.length, ms) + (cut ? " (" + say("truncated", { why: cut }) + ")" : "");
    } catch (err) {
      status.textContent = say("failed", { error: err });
    }
  });

  // --- the named queries -------------------------------------------------------------------------
  const chooser = document.getElementById("named-choice");
  const namedForms = [...document.querySelectorAll("form.named")];

  function showChosen() {
    for (const f of namedForms) f.hidden = f.dataset.name !== chooser.value;
  }
  if (chooser && namedForms.length) {
    chooser.parentElement.hidden = false; // without the script every form shows, each answering JSON
    const wanted = new URLSearchParams(location.search).get("named");
    if (wanted && namedForms.some((f) => f.dataset.name === wanted)) chooser.value = wanted;
    showChosen();
    chooser.addEventListener("change", function () {
      showChosen();
      namedStatus.textContent = "";
      namedResults.textContent = "";
    });
  }

  async function runNamed(url) {
    namedStatus.textContent = say("running");
    namedResults.textContent = "";
    const started = performance.now();
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) {
        await showError(namedResults, response);
        namedStatus.textContent = "";
        return;
      }
      const data = await response.json();
      const rows = data.rows.map((r) => data.columns.map((c) => namedCell(r[c], c)));
      await drawTable(namedResults, data.columns, rows);
      namedStatus.textContent = rowsText(rows.length, Math.round(performance.now() - started));
      if (data.next) {
        const more = document.createElement("button");
        more.type = "button";
        more.textContent = say("next");
        more.addEventListener("click", () => runNamed(data.next));
        namedResults.appendChild(more);
      }
    } catch (err) {
      namedStatus.textContent = say("failed", { error: err });
    }
  }

  for (const f of namedForms) {
    const toEditor = f.querySelector("button.to-editor");
    if (toEditor) {
      toEditor.hidden = false;
      toEditor.addEventListener("click", function () {
        const source = document.getElementById("q-" + f.dataset.name);
        if (source) editor.value = source.value.trim() + "\n";
        editor.focus();
      });
    }
    f.addEventListener("submit", function (event) {
      const params = new URLSearchParams(new FormData(f));
      if (params.get("format") === "csv") return; // a download: let the browser fetch it
      event.preventDefault();
      for (const [k, v] of [...params]) if (v === "" || k === "format") params.delete(k);
      runNamed(f.getAttribute("action") + (params.toString() ? "?" + params : ""));
    });
  }
})();
