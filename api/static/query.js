// The query page: runs the editor's query against /sparql and draws the results table. No external assets.
"use strict";
(function () {
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const examples = document.getElementById("examples");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const endpoint = form.getAttribute("action");

  examples.addEventListener("change", function () {
    const source = document.getElementById("q-" + examples.value);
    if (source) editor.value = source.value.trim() + "\n";
  });

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri" && /^https?:/i.test(term.value)) {
      // Only http(s) IRIs become links: a stored javascript: or data: IRI is shown as text.
      const a = document.createElement("a");
      const base = "https://w3id.org/samverkan/";
      a.href = term.value.startsWith(base) ? "/" + term.value.slice(base.length) : term.value;
      a.textContent = term.value.startsWith(base) ? term.value.slice(base.length) : term.value;
      td.appendChild(a);
    } else if (term.type === "uri") {
      td.textContent = term.value;
    } else {
      td.textContent = term.value + (term["xml:lang"] ? " @" + term["xml:lang"] : "");
    }
    return td;
  }

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
    status.textContent = "running…";
    results.textContent = "";
    const started = performance.now();
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
        body: new URLSearchParams({ query: query }),
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        const body = await response.json().catch(() => ({ message: response.statusText }));
        const p = document.createElement("p");
        p.className = "error";
        p.textContent = response.status + ": " + body.message;
        results.appendChild(p);
        status.textContent = "";
        return;
      }
      links(query);
      if (type.startsWith("text/turtle")) {
        const pre = document.createElement("pre");
        pre.textContent = await response.text();
        results.appendChild(pre);
        status.textContent = "done";
        return;
      }
      const data = await response.json();
      const ms = Math.round(performance.now() - started);
      if ("boolean" in data) {
        status.textContent = "answer: " + data.boolean + " (" + ms + " ms)";
        return;
      }
      const table = document.createElement("table");
      const head = table.createTHead().insertRow();
      for (const v of data.head.vars) {
        const th = document.createElement("th");
        th.textContent = v;
        head.appendChild(th);
      }
      const body = table.createTBody();
      for (const b of data.results.bindings) {
        const tr = body.insertRow();
        for (const v of data.head.vars) tr.appendChild(cell(b[v]));
      }
      results.appendChild(table);
      const cut = response.headers.get("X-Samverkan-Truncated");
      status.textContent = data.results.bindings.length + " rows, " + ms + " ms" + (cut ? " (truncated: " + cut + ")" : "");
    } catch (err) {
      status.textContent = "failed: " + err;
    }
  });
})();
