/* samverkan views: draws every <section data-sv-view> of the page with vis-network (inlined above).
   Text from the data (labels, tooltips, search results) only ever reaches the page as text nodes. */
(function () {
  "use strict";
  var registry = (window.samverkan = window.samverkan || { views: {}, errors: [] });
  var FADED = "rgba(190,190,190,0.35)";
  var FADED_EDGE = "rgba(200,200,200,0.25)";

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

  function init(section) {
    var t0 = performance.now();
    var data = JSON.parse(document.getElementById(section.getAttribute("data-sv-view")).textContent);
    var entry = { data: data, createdAt: t0, drawnAt: null, network: null, nodes: null, edges: null };
    registry.views[section.id] = entry;
    var VIS_NODE = ["id", "label", "x", "y", "size", "color", "shape", "borderWidth"];
    var VIS_EDGE = ["id", "from", "to", "width", "color"];
    function pick(item, keys) {
      var out = {};
      keys.forEach(function (k) { if (item[k] !== undefined) { out[k] = item[k]; } });
      return out;
    }
    var nodeById = {}, edgeById = {};
    data.nodes.forEach(function (n) { nodeById[n.id] = n; });
    data.edges.forEach(function (e) { edgeById[e.id] = e; });
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
      nodes: { shape: "dot", borderWidth: 1, font: { size: 14, face: "system-ui, sans-serif", color: "#222" } },
      edges: { smooth: false, color: { inherit: false }, selectionWidth: 1.5, hoverWidth: 0.5 }
    };
    entry.dataSetAt = performance.now();
    var container = section.querySelector(".sv-network");
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    entry.network = network; entry.nodes = nodes; entry.edges = edges;
    entry.networkAt = performance.now();
    network.once("afterDrawing", function () {
      entry.drawnAt = performance.now();
      section.setAttribute("data-drawn", "true");
    });
    network.fit({ animation: false });

    var state = { domain: "", year: "", category: "", focus: null };
    function restyle() {
      var edgeFilter = !!(state.domain || state.year);
      var lit = null;
      if (state.focus !== null) {
        lit = {};
        lit[state.focus] = true;
        network.getConnectedNodes(state.focus).forEach(function (id) { lit[id] = true; });
      }
      var hasEdge = {};
      var year = state.year ? Number(state.year) : null;
      var edgeUpdates = data.edges.map(function (e) {
        var on = (!state.domain || e.dom.indexOf(state.domain) >= 0) && (year === null || inYear(e.yrs, year));
        if (on) { hasEdge[e.from] = true; hasEdge[e.to] = true; }
        var bright = lit === null || e.from === state.focus || e.to === state.focus;
        return { id: e.id, hidden: !on, color: bright ? e.c0 : FADED_EDGE };
      });
      var nodeUpdates = data.nodes.map(function (n) {
        var dim = (edgeFilter && !hasEdge[n.id]) || (lit !== null && !lit[n.id]);
        return {
          id: n.id,
          hidden: !!state.category && n.kind !== state.category,
          color: dim ? FADED : n.c0,
          font: { color: dim ? "#bbbbbb" : "#222222" }
        };
      });
      nodes.update(nodeUpdates);
      edges.update(edgeUpdates);
    }
    entry.restyle = restyle;
    entry.state = state;

    function focusNode(id) {
      state.focus = id;
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
      restyle();
    }
    entry.focusNode = focusNode;
    var tip = el("div", null, "sv-tooltip");
    tip.hidden = true;
    container.appendChild(tip);
    function showTip(rows, pointer) {
      tip.replaceChildren(tooltip(rows));
      tip.style.left = Math.round(pointer.DOM.x + 14) + "px";
      tip.style.top = Math.round(pointer.DOM.y + 14) + "px";
      tip.hidden = false;
    }
    function hideTip() { tip.hidden = true; }
    network.on("hoverNode", function (p) { showTip(nodeById[p.node].tip, p.pointer); });
    network.on("hoverEdge", function (p) { if (edgeById[p.edge]) { showTip(edgeById[p.edge].tip, p.pointer); } });
    network.on("blurNode", hideTip);
    network.on("blurEdge", hideTip);
    network.on("dragStart", hideTip);
    network.on("zoom", hideTip);
    entry.showTip = function (id) {
      var pos = network.canvasToDOM(network.getPosition(id));
      showTip(nodeById[id].tip, { DOM: pos });
      return tip;
    };
    network.on("click", function (p) {
      state.focus = p.nodes.length ? p.nodes[0] : null;
      restyle();
    });

    var search = section.querySelector(".sv-search");
    var results = section.querySelector(".sv-results");
    function matches(q) {
      q = q.trim().toLowerCase();
      if (!q) { return []; }
      return data.nodes.filter(function (n) { return String(n.label).toLowerCase().indexOf(q) >= 0; }).slice(0, 12);
    }
    if (search && results) {
      search.addEventListener("input", function () {
        results.replaceChildren();
        matches(search.value).forEach(function (n) {
          var li = el("li");
          var b = el("button", n.label);
          b.type = "button";
          b.addEventListener("click", function () { focusNode(n.id); });
          li.appendChild(b);
          results.appendChild(li);
        });
      });
      search.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") {
          var found = matches(search.value);
          if (found.length) { focusNode(found[0].id); }
          ev.preventDefault();
        }
      });
    }
    section.querySelectorAll("select[data-filter]").forEach(function (sel) {
      sel.addEventListener("change", function () {
        state[sel.getAttribute("data-filter")] = sel.value;
        restyle();
      });
    });
    var reset = section.querySelector(".sv-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        state.domain = ""; state.year = ""; state.category = ""; state.focus = null;
        section.querySelectorAll("select[data-filter]").forEach(function (sel) { sel.value = ""; });
        if (search) { search.value = ""; }
        if (results) { results.replaceChildren(); }
        network.unselectAll();
        restyle();
        network.fit({ animation: false });
      });
    }
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
