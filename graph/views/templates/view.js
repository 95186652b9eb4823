/* samverkan views: draws every <section data-sv-view> of the page: the network with vis-network (inlined
   above), the map as the SVG the server wrote. Text from the data (labels, tooltips, panel, search results)
   only ever reaches the page as text nodes. The state (filters, focus, measure) lives in the address. */
(function () {
  "use strict";
  var registry = (window.samverkan = window.samverkan || { views: {}, errors: [] });
  var FADED = "rgba(190,190,190,0.35)";
  var FADED_EDGE = "rgba(200,200,200,0.25)";
  var STATE_KEYS = ["domain", "year", "category", "focus", "measure", "star"];
  var LABEL_PX = 13;
  var SERVER_FILTERS = ["domain", "year", "category"];

  function el(tag, value, cls) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (value !== undefined && value !== null) { e.textContent = String(value); }
    return e;
  }

  function tooltip(rows) {
    var box = el("div", null, "sv-tip");
    rows.forEach(function (r) {
      var row = el("div");
      if (r[1] === "") {
        row.appendChild(el("strong", r[0]));
      } else {
        row.appendChild(el("span", r[0] + ": ", "sv-tip-key"));
        row.appendChild(el("span", r[1]));
      }
      box.appendChild(row);
    });
    return box;
  }

  function inYear(spans, year) {
    for (var i = 0; i < spans.length; i++) {
      var lo = spans[i][0], hi = spans[i][1];
      if (lo === null && hi === null) { continue; }
      if ((lo === null || lo <= year) && (hi === null || year <= hi)) { return true; }
    }
    return false;
  }

  function served() { return location.protocol === "http:" || location.protocol === "https:"; }

  function readAddress() {
    var q = new URLSearchParams(location.search), out = {};
    STATE_KEYS.forEach(function (k) { if (q.has(k)) { out[k] = q.get(k); } });
    return out;
  }

  function writeAddress(state) {
    var q = new URLSearchParams(location.search);
    STATE_KEYS.forEach(function (k) {
      var v = state[k];
      if (v === null || v === undefined || v === "" || v === false) { q.delete(k); } else { q.set(k, v === true ? "1" : v); }
    });
    var text = q.toString();
    var url = location.pathname + (text ? "?" + text : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      try { history.replaceState(null, "", url); } catch (e) { /* a file: page may refuse */ }
    }
  }

  function boxesOverlap(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

  function init(section) {
    var t0 = performance.now();
    var data = JSON.parse(document.getElementById(section.getAttribute("data-sv-view")).textContent);
    var S = data.strings;
    var entry = { data: data, createdAt: t0, drawnAt: null, network: null, nodes: null, edges: null };
    registry.views[section.id] = entry;
    var nodeById = {}, edgeById = {};
    data.nodes.forEach(function (n) { nodeById[n.id] = n; });
    data.edges.forEach(function (e) { edgeById[e.id] = e; });
    var adjacency = {};
    data.edges.forEach(function (e) {
      (adjacency[e.from] = adjacency[e.from] || []).push(e.to);
      (adjacency[e.to] = adjacency[e.to] || []).push(e.from);
    });
    var byRank = data.nodes.slice().sort(function (a, b) { return a.rank - b.rank; });
    var state = { domain: "", year: "", category: "", focus: null, measure: "", star: false };
    if (data.map) { state.measure = data.map.measure; state.star = !!data.map.star; }
    var fromAddress = readAddress();
    Object.keys(fromAddress).forEach(function (k) {
      state[k] = k === "star" ? fromAddress[k] === "1" || fromAddress[k] === "true" : fromAddress[k];
    });
    if (state.focus && !nodeById[state.focus]) { state.focus = null; }
    entry.state = state;
    var shown = { nodes: {}, edges: {} };
    var container = section.querySelector(".sv-network");
    var panel = section.querySelector(".sv-panel");
    var tableBox = section.querySelector(".sv-table");
    var tip = el("div", null, "sv-tooltip");
    tip.hidden = true;
    container.appendChild(tip);
    function showTipAt(rows, x, y) {
      tip.replaceChildren(tooltip(rows));
      tip.style.left = Math.round(x + 14) + "px";
      tip.style.top = Math.round(y + 14) + "px";
      tip.hidden = false;
    }
    function hideTip() { tip.hidden = true; }

    function passes(e) {
      var year = state.year ? Number(state.year) : null;
      return (!state.domain || e.dom.indexOf(state.domain) >= 0) && (year === null || inYear(e.yrs, year));
    }

    /* ---- the panel ---- */
    function section_(title, items) {
      var box = el("div", null, "sv-panel-part");
      box.appendChild(el("h4", title));
      var ul = el("ul");
      items.forEach(function (li) { ul.appendChild(li); });
      box.appendChild(ul);
      return box;
    }
    function openPanel(id) {
      var n = nodeById[id];
      if (!n || !panel) { return; }
      var p = n.pn || { name: n.label, category: "", collaborations: [], partners: [], issues: [], sources: [] };
      var box = [];
      var head = el("div", null, "sv-panel-head");
      head.appendChild(el("h3", p.name));
      var close = el("button", S.close, "sv-panel-close");
      close.type = "button";
      close.addEventListener("click", function () { closePanel(); });
      head.appendChild(close);
      box.push(head);
      box.push(el("p", p.category + (p.municipality ? " · " + p.municipality : ""), "sv-panel-meta"));
      if (p.collaborations.length) {
        box.push(section_(S.collaborations + " (" + (p.collaborations.length + p.more_collaborations) + ")",
          p.collaborations.map(function (c) {
            return el("li", c.name + (c.domain ? " · " + c.domain : "") + (c.years ? " · " + c.years : ""));
          })));
      }
      if (p.partners.length) {
        box.push(section_(S.partners + " (" + (p.partners.length + p.more_partners) + ")",
          p.partners.map(function (x) { return el("li", x); })));
      }
      if (p.issues.length) {
        box.push(section_(S.issues_raised, p.issues.map(function (x) {
          var li = el("li");
          li.appendChild(el("strong", x.issue));
          li.appendChild(el("span", (x.stance ? " · " + x.stance : "") + (x.year ? " · " + x.year : "")));
          if (x.quote) { li.appendChild(el("q", x.quote)); }
          return li;
        })));
      }
      if (p.sources.length) {
        box.push(section_(S.sources, p.sources.map(function (x) {
          var li = el("li");
          if (x.url && /^https?:\/\//.test(x.url)) {
            var a = el("a", x.title, "sv-source");
            a.href = x.url; a.target = "_blank"; a.rel = "noopener noreferrer";
            li.appendChild(a);
          } else { li.appendChild(el("span", x.title)); }
          return li;
        })));
      }
      var actions = el("p", null, "sv-panel-actions");
      var path = id.replace(/^https:\/\/w3id\.org\/samverkan\//, "/");
      var open = el("a", S.open_page, "sv-open");
      open.href = served() && path !== id ? path : id;
      actions.appendChild(open);
      if (n.kind !== "Collaboration") {
        var centre = el("a", S.center_here, "sv-centre");
        var network = n.kind === "Municipality" && data.view === "municipalities" ? "&network=municipalities" : "";
        centre.href = served() ? "/viz/ego?center=" + encodeURIComponent(id) + network + "&lang=" + data.lang : "#";
        if (!served()) { centre.addEventListener("click", function (ev) { ev.preventDefault(); focusNode(id); }); }
        actions.appendChild(centre);
      }
      box.push(actions);
      panel.replaceChildren.apply(panel, box);
      panel.hidden = false;
    }
    function closePanel() { if (panel) { panel.hidden = true; } }
    entry.openPanel = openPanel;

    /* ---- counts, address, embed ---- */
    function updateCaption() {
      var nn = Object.keys(shown.nodes).length, ne = Object.keys(shown.edges).length;
      var count = section.parentNode.querySelector(".sv-count");
      if (count) {
        count.textContent = nn + " " + S.of + " " + data.nodes.length + " " + S.nodes + ", " +
          ne + " " + S.of + " " + data.edges.length + " " + S.lines + ".";
      }
      writeAddress(state);
      var area = (section.closest("figure") || section).parentNode.querySelector(".sv-embed textarea");
      if (area && served()) {
        area.value = area.value.replace(/src="[^"]*"/, 'src="' + location.href.replace(/&/g, "&amp;").replace(/"/g, "&quot;") + '"');
      }
      if (tableBox && !tableBox.hidden) { fillTable(); }
    }

    function fillTable() {
      var t = el("table"), head = el("tr");
      [S.name, S.category, S.municipality].forEach(function (h) { head.appendChild(el("th", h)); });
      t.appendChild(head);
      byRank.forEach(function (n) {
        if (!shown.nodes[n.id]) { return; }
        var tr = el("tr");
        tr.appendChild(el("td", n.full || n.label));
        tr.appendChild(el("td", n.pn ? n.pn.category : n.kind));
        tr.appendChild(el("td", n.pn ? n.pn.municipality : ""));
        t.appendChild(tr);
      });
      var t2 = el("table"), head2 = el("tr");
      [S.from, S.to, S.weight, S.collaborations].forEach(function (h) { head2.appendChild(el("th", h)); });
      t2.appendChild(head2);
      data.edges.forEach(function (e) {
        if (!shown.edges[e.id]) { return; }
        var tr = el("tr");
        tr.appendChild(el("td", nodeById[e.from].full || nodeById[e.from].label));
        tr.appendChild(el("td", nodeById[e.to].full || nodeById[e.to].label));
        tr.appendChild(el("td", e.tip[1] ? e.tip[1][1] : ""));
        tr.appendChild(el("td", String(e.n || "")));
        t2.appendChild(tr);
      });
      tableBox.replaceChildren(t, t2);
    }

    var draw = data.map ? initMap() : initNetwork();
    entry.restyle = function () { draw.restyle(); updateCaption(); };
    function focusNode(id) {
      state.focus = id;
      draw.focus(id);
      entry.restyle();
      openPanel(id);
    }
    entry.focusNode = focusNode;

    /* ---- the map ---- */
    function initMap() {
      var svg = section.querySelector("svg.sv-map");
      var pattern = "url(#" + section.id + "-none)";
      var areas = {}, links = {}, dots = {}, labels = [];
      svg.querySelectorAll(".sv-area").forEach(function (p) { areas[p.getAttribute("data-id")] = p; });
      svg.querySelectorAll(".sv-link").forEach(function (p) { links[p.getAttribute("data-id")] = p; });
      svg.querySelectorAll(".sv-dot").forEach(function (p) { dots[p.getAttribute("data-id")] = p; });
      svg.querySelectorAll(".sv-label").forEach(function (p) { labels.push(p); });
      entry.nodes = data.nodes; entry.edges = data.edges;  /* the SVG's items, one per datum */
      var starIds = {};
      data.map.stars.forEach(function (s) { starIds[s.id] = true; });
      var widest = 1;
      data.edges.forEach(function (e) { widest = Math.max(widest, e.n || 1); });
      function restyle() {
        var m = data.map.measures[state.measure] || data.map.measures[data.map.measure];
        Object.keys(areas).forEach(function (id) {
          var c = m.cls[id];
          areas[id].setAttribute("fill", c !== undefined && c >= 0 ? m.classes[c].colour : pattern);
        });
        var legend = section.querySelector(".sv-classes");
        if (legend) {
          var items = m.classes.map(function (c) {
            var li = el("li"), sw = el("span", null, "sv-swatch sv-square");
            sw.style.background = c.colour; li.appendChild(sw); li.appendChild(document.createTextNode(c.label));
            return li;
          });
          var none = el("li"); none.appendChild(el("span", null, "sv-swatch sv-square sv-hatch"));
          none.appendChild(document.createTextNode(m.none)); items.push(none);
          legend.replaceChildren.apply(legend, items);
          section.querySelector(".sv-measure-heading").textContent = m.heading;
        }
        shown.edges = {}; shown.nodes = {};
        data.nodes.forEach(function (n) { shown.nodes[n.id] = true; });
        var lit = state.focus ? {} : null;
        data.edges.forEach(function (e) {
          var cols = e.col.filter(function (c) { return !(state.star && starIds[c]); });
          var on = passes(e) && cols.length > 0;
          var link = links[e.id];
          link.style.display = on ? "" : "none";
          link.setAttribute("stroke-width", String((1 + 4.5 * Math.sqrt(cols.length / widest)).toFixed(2)));
          var bright = !state.focus || e.from === state.focus || e.to === state.focus;
          link.setAttribute("stroke-opacity", bright ? "0.8" : "0.12");
          if (on) { shown.edges[e.id] = true; if (lit && !bright) { return; } }
          if (on && lit) { lit[e.from] = true; lit[e.to] = true; }
        });
        var stars = svg.querySelector(".sv-stars");
        stars.setAttribute("display", state.star ? "inline" : "none");
        Object.keys(dots).forEach(function (id) {
          dots[id].classList.toggle("sv-focus", id === state.focus);
          dots[id].classList.toggle("sv-dim", !!lit && !lit[id] && id !== state.focus);
        });
        placeLabels();
      }
      function placeLabels() {  /* by rank: a label that would overlap one already shown waits for hover/focus */
        var placed = [];
        labels.forEach(function (t) { t.style.display = ""; });
        var order = labels.slice();
        if (state.focus) {
          order.sort(function (a, b) {
            return (b.getAttribute("data-id") === state.focus) - (a.getAttribute("data-id") === state.focus);
          });
        }
        order.forEach(function (t) {
          var b = t.getBBox(), box = [b.x - 1, b.y - 1, b.x + b.width + 1, b.y + b.height + 1];
          for (var i = 0; i < placed.length; i++) {
            if (boxesOverlap(box, placed[i])) { t.style.display = "none"; return; }
          }
          placed.push(box);
        });
      }
      function point(ev) { var r = container.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; }
      svg.addEventListener("mousemove", function (ev) {
        var t = ev.target, id = t.getAttribute && t.getAttribute("data-id"), p = point(ev);
        if (t.classList.contains("sv-link") && edgeById[id]) { showTipAt(edgeById[id].tip, p[0], p[1]); }
        else if ((t.classList.contains("sv-dot") || t.classList.contains("sv-area")) && nodeById[id]) {
          showTipAt(nodeById[id].tip, p[0], p[1]);
        } else { hideTip(); }
      });
      svg.addEventListener("mouseleave", hideTip);
      svg.addEventListener("click", function (ev) {
        var id = ev.target.getAttribute && ev.target.getAttribute("data-id");
        if (id && nodeById[id]) { focusNode(id); } else { state.focus = null; closePanel(); entry.restyle(); }
      });
      svg.addEventListener("keydown", function (ev) {
        var id = ev.target.getAttribute && ev.target.getAttribute("data-id");
        if (ev.key === "Enter" && id && nodeById[id]) { focusNode(id); ev.preventDefault(); }
        if (ev.key === "Escape") { state.focus = null; closePanel(); entry.restyle(); }
      });
      requestAnimationFrame(function () {
        entry.drawnAt = performance.now();
        section.setAttribute("data-drawn", "true");
      });
      return {
        restyle: restyle,
        focus: function (id) { if (dots[id]) { dots[id].focus({ preventScroll: true }); } }
      };
    }

    /* ---- the network ---- */
    function initNetwork() {
      var VIS_NODE = ["id", "x", "y", "size", "color", "shape", "borderWidth"];
      var VIS_EDGE = ["id", "from", "to", "width", "color"];
      function pick(item, keys) {
        var out = {};
        keys.forEach(function (k) { if (item[k] !== undefined) { out[k] = item[k]; } });
        return out;
      }
      var nodes = new vis.DataSet(data.nodes.map(function (n) { return pick(n, VIS_NODE); }));
      var edges = new vis.DataSet(data.edges.map(function (e) { return pick(e, VIS_EDGE); }));
      entry.parsedAt = performance.now();
      var large = data.nodes.length > 800;
      var options = {
        autoResize: true,
        physics: false,
        layout: { improvedLayout: false, randomSeed: 42 },
        interaction: {
          hover: true, tooltipDelay: 120, hideEdgesOnDrag: large, hideEdgesOnZoom: large,
          multiselect: false, keyboard: false
        },
        nodes: { shape: "dot", borderWidth: 1 },
        edges: { smooth: false, color: { inherit: false }, selectionWidth: 1.5, hoverWidth: 0.5 }
      };
      entry.dataSetAt = performance.now();
      var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
      entry.network = network; entry.nodes = nodes; entry.edges = edges;
      entry.networkAt = performance.now();
      var widths = {}, hovered = null;
      network.on("afterDrawing", function (ctx) {
        drawLabels(ctx);
        if (!entry.drawnAt) {
          entry.drawnAt = performance.now();
          section.setAttribute("data-drawn", "true");
        }
      });
      /* Labels drawn here, by rank: one that would overlap a label already drawn is left for hover, zoom
         or focus (zooming in spreads the nodes, so more fit). */
      function drawLabels(ctx) {
        var scale = network.getScale(), px = LABEL_PX / scale;
        var tl = network.DOMtoCanvas({ x: 0, y: 0 });
        var br = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
        ctx.save();
        ctx.font = px + "px system-ui, sans-serif";
        ctx.textAlign = "center"; ctx.textBaseline = "top";
        ctx.lineWidth = 3 / scale; ctx.strokeStyle = "rgba(255,255,255,0.9)";
        var placed = [], tried = 0, order = byRank;
        var first = [];
        if (hovered) { first.push(nodeById[hovered]); }
        if (state.focus) {
          first.push(nodeById[state.focus]);
          (adjacency[state.focus] || []).forEach(function (id) { first.push(nodeById[id]); });
        }
        order = first.concat(order);
        var done = {};
        for (var i = 0; i < order.length && tried < 600; i++) {
          var n = order[i];
          if (!n || done[n.id] || !shown.nodes[n.id]) { continue; }
          done[n.id] = true;
          if (n.x < tl.x || n.x > br.x || n.y < tl.y || n.y > br.y) { continue; }
          tried++;
          var w = widths[n.id];
          if (w === undefined) { ctx.font = LABEL_PX + "px system-ui, sans-serif"; w = widths[n.id] = ctx.measureText(n.label).width; ctx.font = px + "px system-ui, sans-serif"; }
          w = w / scale;
          var top = n.y + n.size + 2 / scale;
          var box = [n.x - w / 2 - 1 / scale, top, n.x + w / 2 + 1 / scale, top + px * 1.2];
          var clash = false;
          for (var j = 0; j < placed.length; j++) { if (boxesOverlap(box, placed[j])) { clash = true; break; } }
          if (clash) { continue; }
          placed.push(box);
          var dim = state.focus && n.id !== state.focus && (adjacency[state.focus] || []).indexOf(n.id) < 0;
          ctx.fillStyle = dim ? "#aaaaaa" : "#222222";
          ctx.strokeText(n.label, n.x, top);
          ctx.fillText(n.label, n.x, top);
        }
        entry.labelsDrawn = placed.length;
        ctx.restore();
      }
      network.fit({ animation: false });

      function restyle() {
        var lit = null;
        if (state.focus !== null && nodeById[state.focus]) {
          lit = {}; lit[state.focus] = true;
          (adjacency[state.focus] || []).forEach(function (id) { lit[id] = true; });
        }
        var hasEdge = {}, edgeFilter = !!(state.domain || state.year);
        shown.edges = {}; shown.nodes = {};
        var edgeUpdates = data.edges.map(function (e) {
          var on = passes(e) && (!state.category || (nodeById[e.from].kind === state.category && nodeById[e.to].kind === state.category));
          if (on) { hasEdge[e.from] = true; hasEdge[e.to] = true; shown.edges[e.id] = true; }
          var bright = lit === null || e.from === state.focus || e.to === state.focus;
          return { id: e.id, hidden: !on, color: bright ? e.c0 : FADED_EDGE };
        });
        var nodeUpdates = data.nodes.map(function (n) {
          var hidden = !!state.category && n.kind !== state.category;
          if (!hidden) { shown.nodes[n.id] = true; }
          var dim = (edgeFilter && !hasEdge[n.id]) || (lit !== null && !lit[n.id]);
          return { id: n.id, hidden: hidden, color: dim ? FADED : n.c0 };
        });
        nodes.update(nodeUpdates);
        edges.update(edgeUpdates);
      }
      network.on("hoverNode", function (p) { hovered = p.node; showTipAt(nodeById[p.node].tip, p.pointer.DOM.x, p.pointer.DOM.y); network.redraw(); });
      network.on("hoverEdge", function (p) { if (edgeById[p.edge]) { showTipAt(edgeById[p.edge].tip, p.pointer.DOM.x, p.pointer.DOM.y); } });
      network.on("blurNode", function () { hovered = null; hideTip(); network.redraw(); });
      network.on("blurEdge", hideTip);
      network.on("dragStart", hideTip);
      network.on("zoom", hideTip);
      entry.showTip = function (id) {
        var pos = network.canvasToDOM(network.getPosition(id));
        showTipAt(nodeById[id].tip, pos.x, pos.y);
        return tip;
      };
      network.on("click", function (p) {
        if (p.nodes.length) { focusNode(p.nodes[0]); } else { state.focus = null; closePanel(); entry.restyle(); }
      });
      container.addEventListener("keydown", function (ev) {
        var visible = byRank.filter(function (n) { return shown.nodes[n.id]; });
        if (!visible.length) { return; }
        var at = -1;
        for (var i = 0; i < visible.length; i++) { if (visible[i].id === state.focus) { at = i; break; } }
        if (ev.key === "ArrowRight" || ev.key === "ArrowDown") {
          focusNode(visible[(at + 1) % visible.length].id); ev.preventDefault();
        } else if (ev.key === "ArrowLeft" || ev.key === "ArrowUp") {
          focusNode(visible[(at - 1 + visible.length) % visible.length].id); ev.preventDefault();
        } else if (ev.key === "Enter" && state.focus) { openPanel(state.focus); ev.preventDefault(); }
        else if (ev.key === "Escape") { state.focus = null; closePanel(); network.unselectAll(); entry.restyle(); }
      });
      return {
        restyle: restyle,
        focus: function (id) {
          network.selectNodes([id]);
          network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
        }
      };
    }

    /* ---- controls ---- */
    var search = section.querySelector(".sv-search");
    var results = section.querySelector(".sv-results");
    function matches(q) {
      q = q.trim().toLowerCase();
      if (!q) { return []; }
      return byRank.filter(function (n) {
        return String(n.full || n.label).toLowerCase().indexOf(q) >= 0 || String(n.label).toLowerCase().indexOf(q) >= 0;
      }).slice(0, 12);
    }
    if (search && results) {
      search.addEventListener("input", function () {
        results.replaceChildren();
        matches(search.value).forEach(function (n) {
          var li = el("li");
          var b = el("button", n.full || n.label);
          b.type = "button";
          b.addEventListener("click", function () { results.replaceChildren(); focusNode(n.id); });
          li.appendChild(b);
          results.appendChild(li);
        });
      });
      search.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") {
          var found = matches(search.value);
          if (found.length) { results.replaceChildren(); focusNode(found[0].id); }
          ev.preventDefault();
        }
      });
    }
    section.querySelectorAll("[data-filter]").forEach(function (ctl) {
      var key = ctl.getAttribute("data-filter");
      var reload = !!ctl.closest("[data-reload]");
      if (reload) {
        var q = new URLSearchParams(location.search);
        ctl.value = q.get(key) || (key === "lang" ? data.lang : ctl.options[0].value);
        if (!served()) { ctl.closest("[data-reload]").hidden = true; return; }
        ctl.addEventListener("change", function () {
          var q2 = new URLSearchParams(location.search);
          q2.set(key, ctl.value);
          location.search = q2.toString();
        });
        return;
      }
      if (ctl.type === "checkbox") { ctl.checked = !!state[key]; } else if (state[key]) {
        var known = Array.prototype.some.call(ctl.options, function (o) { return o.value === String(state[key]); });
        if (known) { ctl.value = state[key]; } else { state[key] = ""; }
      }
      ctl.addEventListener("change", function () {
        state[key] = ctl.type === "checkbox" ? ctl.checked : ctl.value;
        if (served() && SERVER_FILTERS.indexOf(key) >= 0) {
          /* the server draws the filtered view itself, so the address always names the view it shows */
          writeAddress(state);
          location.reload();
          return;
        }
        entry.restyle();
      });
    });
    var reset = section.querySelector(".sv-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        state.domain = ""; state.year = ""; state.category = ""; state.focus = null;
        if (data.map) { state.measure = data.map.measure; state.star = false; }
        section.querySelectorAll("[data-filter]").forEach(function (ctl) {
          if (ctl.closest("[data-reload]")) { return; }
          if (ctl.type === "checkbox") { ctl.checked = false; } else if (ctl.getAttribute("data-filter") === "measure") { ctl.value = state.measure; } else { ctl.value = ""; }
        });
        if (search) { search.value = ""; }
        if (results) { results.replaceChildren(); }
        if (entry.network) { entry.network.unselectAll(); entry.network.fit({ animation: false }); }
        closePanel();
        entry.restyle();
      });
    }
    var copy = section.querySelector(".sv-copy");
    if (copy) {
      copy.addEventListener("click", function () {
        var note = section.querySelector(".sv-copied");
        function done() { if (note) { note.hidden = false; setTimeout(function () { note.hidden = true; }, 2000); } }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(location.href).then(done, function () { window.prompt(S.copy_link, location.href); });
        } else { window.prompt(S.copy_link, location.href); }
      });
    }
    var toggle = section.querySelector(".sv-table-toggle");
    if (toggle && tableBox) {
      toggle.addEventListener("click", function () {
        var on = tableBox.hidden;
        tableBox.hidden = !on;
        container.hidden = on;
        toggle.setAttribute("aria-pressed", on ? "true" : "false");
        toggle.textContent = on ? S.show_picture : S.show_table;
        if (on) { fillTable(); }
      });
    }
    entry.restyle();
    if (state.focus) { draw.focus(state.focus); openPanel(state.focus); }
  }

  document.querySelectorAll("section[data-sv-view]").forEach(function (section) {
    try {
      init(section);
    } catch (err) {
      registry.errors.push(String(err));
      var box = section.querySelector(".sv-network");
      if (box) { box.replaceChildren(el("p", "The view could not be drawn: " + err, "sv-error")); }
    }
  });
})();
