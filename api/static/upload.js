// The upload page: review (check + preview), then import on confirmation; the history with undo.
// Every write carries the token as a bearer header; every value is shown with textContent (escaped).
"use strict";
(function () {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const lang = form.dataset.lang === "en" ? "en" : "sv";
  const T = {
    sv: { checking: "Granskar …", ok: "Inga fel. Importera?", errors: "fel – inget har skrivits.",
          imported: "Importerad som ", nothing: "Inget nytt att importera.", undo: "Ångra",
          undone: "Ångrad: ", graph: "namngiven graf", added: "nya", removed: "borttagna",
          id: "id", when: "när", by: "av", files: "filer", status: "status" },
    en: { checking: "Reviewing …", ok: "No errors. Import?", errors: "error(s) – nothing was written.",
          imported: "Imported as ", nothing: "Nothing new to import.", undo: "Undo",
          undone: "Undone: ", graph: "named graph", added: "added", removed: "removed",
          id: "id", when: "when", by: "by", files: "files", status: "status" },
  }[lang];
  const status = document.getElementById("status");
  const confirm = document.getElementById("confirm");

  function headers() {
    return { Authorization: "Bearer " + document.getElementById("token").value };
  }
  function body() {
    const data = new FormData();
    data.append("file", document.getElementById("file").files[0]);
    return data;
  }
  function fill(id, items) {
    const list = document.getElementById(id);
    list.replaceChildren();
    for (const text of items) {
      const li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    }
  }
  function table(id, heads, rows) {
    const t = document.getElementById(id);
    t.replaceChildren();
    const tr = document.createElement("tr");
    for (const h of heads) { const th = document.createElement("th"); th.textContent = h; tr.appendChild(th); }
    t.appendChild(tr);
    for (const row of rows) {
      const r = document.createElement("tr");
      for (const cell of row) {
        const td = document.createElement("td");
        if (cell instanceof Node) td.appendChild(cell); else td.textContent = String(cell);
        r.appendChild(td);
      }
      t.appendChild(r);
    }
  }
  async function call(url, options) {
    const response = await fetch(url, options);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = answer.detail || answer.message || answer.title || response.statusText;
      throw Object.assign(new Error(typeof detail === "string" ? detail : ""), { answer: detail });
    }
    return answer;
  }
  function show(answer) {
    fill("problems", (answer.problems || []).map((p) => p.text));
    fill("words", answer.words || []);
    table("graphs", [T.graph, T.added, T.removed], (answer.graphs || []).map((g) => [g.graph, g.added, g.removed]));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    confirm.hidden = true;
    status.textContent = T.checking;
    try {
      const answer = await call("/api/upload/preview?lang=" + lang, { method: "POST", headers: headers(), body: body() });
      show(answer);
      const errors = (answer.problems || []).filter((p) => p.severity === "error").length;
      status.textContent = answer.ok ? T.ok : errors + " " + T.errors;
      confirm.hidden = !answer.ok;
    } catch (err) {
      status.textContent = err.message;
    }
  });
  confirm.addEventListener("click", async () => {
    confirm.hidden = true;
    try {
      const answer = await call("/api/upload/import?lang=" + lang, { method: "POST", headers: headers(), body: body() });
      show(answer);
      status.textContent = answer.activity ? T.imported + answer.activity : T.nothing;
      await history();
    } catch (err) {
      if (err.answer && err.answer.problems) show(err.answer);
      status.textContent = err.message;
    }
  });
  async function history() {
    const items = await call("/api/upload/history", { headers: headers() });
    table("history", [T.id, T.when, T.by, T.files, T.added, T.removed, T.status], items.map((a) => {
      let state = a.undone_by ? T.undone + a.undone_by : "";
      if (a.kind === "import" && !a.undone_by) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = T.undo + " " + a.id;
        button.addEventListener("click", async () => {
          try {
            const done = await call("/api/upload/undo/" + encodeURIComponent(a.id), { method: "POST", headers: headers() });
            status.textContent = T.undone + done.undoes;
            await history();
          } catch (err) { status.textContent = err.message; }
        });
        state = button;
      }
      return [a.id, a.at.slice(0, 19), a.by, a.files.join(", "), a.added, a.removed, state];
    }));
  }
  document.getElementById("load-history").addEventListener("click", () => {
    history().catch((err) => { status.textContent = err.message; });
  });
})();
