/* notegraph concept map: search, filters, legend, tooltips and side panel over vis-network.
 * Note text only ever reaches the page through textContent: nothing here parses HTML. */
(function () {
  "use strict";
  var t0 = performance.now();
  var DATA = JSON.parse(document.getElementById("ng-data").textContent);
  var marks = { start: t0, parsed: performance.now() };
  unpack(DATA);
  var info = DATA.info;
  var settings = DATA.settings;
  var $ = function (id) { return document.getElementById(id); };

  /* The data block is packed (see map.py, EDGE_KINDS and _day_hit): edge rows become the vis edge
   * objects and each concept's hits get their evidence back from the shared table, so the rest of
   * this script reads the objects it always did. */
  function unpack(data) {
    var styles = data.edgeKinds.map(function (k) { return JSON.stringify(data.edgeStyles[k]); });
    data.edges = data.edges.map(function (r) {
      var e = JSON.parse(styles[r[0]]);  // a copy per edge, as if each had its own style
      if (r.length > 3) e.width = r[3];
      e.from = data.nodes[r[1]].id;
      e.to = data.nodes[r[2]].id;
      return e;
    });
    var evidence = data.evidence.map(function (r) {
      return { source: r[0], line: r[1], text: r[2], section: r[3] };
    });
    Object.keys(data.info).forEach(function (id) {
      var n = data.info[id];
      if (n.kind !== "concept") return;
      n.days = n.days.map(function (h) {
        return { day: typeof h[0] === "number" ? data.days[h[0]] : h[0], count: h[1], sections: h[2],
                 evidence: h[3].map(function (i) { return evidence[i]; }) };
      });
    });
  }

  /* A note's bullet marker ("- ", "* ", "1. ") is layout, not content. */
  function clean(text) {
    return String(text).replace(/^\s*(?:[-*+•]|\d+[.)])\s+/, "");
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  /* Same idea as notegraph.ontology.normalize_name: NFKC, case-folded, letters and digits only,
   * so "노드임베딩" finds "노드 임베딩" and "gnn" finds "GNN". */
  function norm(s) {
    return String(s).normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }

  var catById = {};
  DATA.categories.forEach(function (c) { catById[c.id] = c; });
  var dayIds = DATA.days;
  var conceptIds = Object.keys(info).filter(function (id) { return info[id].kind === "concept"; });

  function dayText(id) {
    var d = info[id];
    return d.label + (d.date ? " · " + d.date : "");
  }

  function tooltip(id) {
    var n = info[id];
    var box = el("div", "ng-tip");
    if (n.kind === "day") {
      box.appendChild(el("strong", null, n.label));
      box.appendChild(el("span", "ng-tip-cat", [n.date, n.week, n.source].filter(Boolean).join(" · ")));
      box.appendChild(el("span", null, n.concepts.length + " concepts"));
      return box;
    }
    box.appendChild(el("strong", null, n.label));
    var cat = catById[n.category];
    box.appendChild(el("span", "ng-tip-cat", (cat ? cat.label : n.category) + " · " + n.days.length +
      (n.days.length === 1 ? " day" : " days")));
    if (n.review.length) box.appendChild(el("span", "ng-tip-review", n.review.join(" · ")));
    var shown = n.days.slice(0, 8);
    shown.forEach(function (hit) {
      var line = el("div", "ng-tip-day");
      line.appendChild(el("b", null, dayText(hit.day)));
      var ev = hit.evidence[0];
      if (ev) {
        var text = clean(ev.text);
        text = text.length > settings.tipChars ? text.slice(0, settings.tipChars) + "…" : text;
        line.appendChild(document.createTextNode(" — " + text));
      }
      box.appendChild(line);
    });
    if (n.days.length > shown.length) box.appendChild(el("div", null, "… and " + (n.days.length - shown.length) + " more days"));
    return box;
  }


  /* ---- filter state ---------------------------------------------------------------------- */
  var state = {
    week: "", from: 0, to: Math.max(0, dayIds.length - 1), showDays: settings.showDays,
    limit: settings.maxConcepts, cats: new Set(DATA.categories.map(function (c) { return c.id; })),
    revealed: new Set()
  };

  function dayPasses(id) {
    var d = info[id];
    return (!state.week || d.week === state.week) && d.order >= state.from && d.order <= state.to;
  }

  function visible(id) {
    var n = info[id];
    if (!n) return false;
    if (n.kind === "day") return state.showDays && dayPasses(id);
    if (state.revealed.has(id)) return true;
    if (n.rank >= state.limit || !state.cats.has(n.category)) return false;
    return n.days.some(function (hit) { return dayPasses(hit.day); });
  }

  var nodes = new vis.DataSet(DATA.nodes);
  var edges = new vis.DataSet(DATA.edges);
  var nodeView = new vis.DataView(nodes, { filter: function (item) { return visible(item.id); } });
  // vis builds an object per edge it is given (about 0.1 ms each): hand it only the drawn ones
  var edgeView = new vis.DataView(edges, { filter: function (e) { return visible(e.from) && visible(e.to); } });
  var container = $("ng-network");
  marks.data = performance.now();
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, DATA.options);
  marks.network = performance.now();
  var api = { network: network, nodes: nodes, ready: false, firstPaintMs: null, state: state, marks: marks };
  window.notegraph = api;

  network.once("afterDrawing", function () {
    api.firstPaintMs = marks.painted = performance.now();
    api.ready = true;
    document.body.setAttribute("data-ready", "true");
  });

  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
    var shownConcepts = nodeView.getIds().filter(function (id) { return info[id].kind === "concept"; }).length;
    $("ng-stats").textContent = conceptIds.length + " concepts · " + dayIds.length + " days · showing " +
      shownConcepts;
    var more = conceptIds.length > state.limit;
    $("ng-more-box").hidden = !more;
    if (more) {
      $("ng-more-text").textContent = "The " + state.limit + " most covered of " + conceptIds.length +
        " concepts are shown.";
      $("ng-more").textContent = "Show " + Math.min(settings.maxConcepts, conceptIds.length - state.limit) + " more";
    }
  }
  api.visibleIds = function () { return nodeView.getIds(); };

  /* ---- controls -------------------------------------------------------------------------- */
  function option(select, value, text) {
    var o = el("option", null, text);
    o.value = value;
    select.appendChild(o);
  }
  option($("ng-week"), "", "All weeks");
  DATA.weeks.forEach(function (w) { option($("ng-week"), w, w); });
  dayIds.forEach(function (id, i) {
    option($("ng-from"), String(i), (i + 1) + ". " + dayText(id));
    option($("ng-to"), String(i), (i + 1) + ". " + dayText(id));
  });
  $("ng-week").disabled = DATA.weeks.length < 2;

  function syncControls() {
    $("ng-week").value = state.week;
    $("ng-from").value = String(state.from);
    $("ng-to").value = String(state.to);
    $("ng-show-days").checked = state.showDays;
    document.querySelectorAll("#ng-categories input").forEach(function (box) {
      box.checked = state.cats.has(box.value);
    });
  }

  $("ng-week").addEventListener("change", function (e) {
    state.week = e.target.value;
    state.revealed.clear();
    if (state.week) {  // narrow the day range to the chosen week
      var orders = dayIds.filter(function (id) { return info[id].week === state.week; })
        .map(function (id) { return info[id].order; });
      state.from = Math.min.apply(null, orders);
      state.to = Math.max.apply(null, orders);
    } else {
      state.from = 0;
      state.to = Math.max(0, dayIds.length - 1);
    }
    syncControls();
    refresh();
    network.fit({ animation: false });
  });
  $("ng-from").addEventListener("change", function (e) {
    state.from = Number(e.target.value);
    if (state.to < state.from) state.to = state.from;
    syncControls();
    refresh();
  });
  $("ng-to").addEventListener("change", function (e) {
    state.to = Number(e.target.value);
    if (state.from > state.to) state.from = state.to;
    syncControls();
    refresh();
  });
  $("ng-show-days").addEventListener("change", function (e) {
    state.showDays = e.target.checked;
    refresh();
  });
  $("ng-more").addEventListener("click", function () {
    state.limit += settings.maxConcepts;
    refresh();
  });
  $("ng-reset").addEventListener("click", function () {
    state.week = "";
    state.from = 0;
    state.to = Math.max(0, dayIds.length - 1);
    state.showDays = settings.showDays;
    state.cats = new Set(DATA.categories.map(function (c) { return c.id; }));
    state.revealed.clear();
    syncControls();
    refresh();
    network.fit({ animation: false });
  });

  var kinds = $("ng-kinds");
  DATA.rings.slice().reverse().forEach(function (r) {
    var li = el("li");
    var sw = el("span", "ng-sw ng-sw-ring");
    sw.style.borderColor = r[1];
    li.appendChild(sw);
    li.appendChild(document.createTextNode(r[0]));
    kinds.insertBefore(li, kinds.children[3]);
  });

  var catList = $("ng-categories");
  DATA.categories.forEach(function (c) {
    var li = el("li");
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.value = c.id;
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) state.cats.add(c.id); else state.cats.delete(c.id);
      refresh();
    });
    var sw = el("span", "ng-sw");
    sw.style.background = c.color;
    label.appendChild(box);
    label.appendChild(sw);
    label.appendChild(el("span", null, c.label));
    label.appendChild(el("span", "ng-count", c.count));
    li.appendChild(label);
    catList.appendChild(li);
  });
  $("ng-cat-all").addEventListener("click", function () {
    state.cats = new Set(DATA.categories.map(function (c) { return c.id; }));
    syncControls();
    refresh();
  });
  $("ng-cat-none").addEventListener("click", function () {
    state.cats = new Set();
    syncControls();
    refresh();
  });

  /* ---- side panel ------------------------------------------------------------------------ */
  var panel = $("ng-panel");
  var body = $("ng-panel-body");

  function conceptButton(id, extra) {
    var b = el("button", "ng-chip-link");
    b.type = "button";
    var sw = el("span", "ng-sw");
    var cat = catById[info[id].category];
    if (cat) sw.style.background = cat.color;
    b.appendChild(sw);
    b.appendChild(el("span", null, info[id].label + (extra ? " · " + extra : "")));
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }

  function chipRow(ids, extras) {
    var row = el("div", "ng-chips");
    ids.forEach(function (id, i) { row.appendChild(conceptButton(id, extras ? extras[i] : null)); });
    return row;
  }

  function showConcept(id) {
    var n = info[id];
    body.replaceChildren();
    body.appendChild(el("h2", null, n.label));
    if (n.aliases.length) body.appendChild(el("p", "ng-aliases", n.aliases.join(" · ")));
    var chips = el("div", "ng-chips");
    var cat = catById[n.category];
    var catChip = el("span", "ng-chip");
    var sw = el("span", "ng-sw");
    if (cat) sw.style.background = cat.color;
    catChip.appendChild(sw);
    catChip.appendChild(el("span", null, cat ? cat.label : n.category));
    chips.appendChild(catChip);
    chips.appendChild(el("span", "ng-chip", n.days.length + (n.days.length === 1 ? " day" : " days")));
    if (n.origin && n.origin !== "ontology") chips.appendChild(el("span", "ng-chip", n.origin));
    n.review.forEach(function (r) { chips.appendChild(el("span", "ng-chip ng-review", r)); });
    body.appendChild(chips);

    body.appendChild(el("h3", null, "Days"));
    var list = el("div", "ng-days");
    n.days.forEach(function (hit) {
      var d = info[hit.day];
      var box = el("div", "ng-day");
      box.setAttribute("data-day", hit.day);
      var head = el("div", "ng-day-head");
      head.appendChild(el("span", "ng-day-label", d.label));
      head.appendChild(el("span", "ng-meta", [d.date, d.week].filter(Boolean).join(" · ")));
      box.appendChild(head);
      if (hit.sections.length) box.appendChild(el("div", "ng-sections", hit.sections.join(" · ")));
      hit.evidence.forEach(function (ev) {
        var p = el("p", "ng-evidence", clean(ev.text));
        p.appendChild(el("span", "ng-src", ev.source + ":" + ev.line + (ev.section ? " · " + ev.section : "")));
        box.appendChild(p);
      });
      list.appendChild(box);
    });
    body.appendChild(list);

    [["Prerequisites", n.prerequisites], ["Leads to", n.leadsTo], ["Related", n.related]].forEach(function (g) {
      if (!g[1].length) return;
      body.appendChild(el("h3", null, g[0]));
      body.appendChild(chipRow(g[1]));
    });
    if (n.cooccurs.length) {
      body.appendChild(el("h3", null, "Appears with"));
      var top = n.cooccurs.slice(0, 24);
      body.appendChild(chipRow(top.map(function (p) { return p[0]; }), top.map(function (p) { return "×" + p[1]; })));
    }
  }

  function showDay(id) {
    var d = info[id];
    body.replaceChildren();
    body.appendChild(el("h2", null, d.label));
    body.appendChild(el("p", "ng-aliases", [d.date, d.week, d.source].filter(Boolean).join(" · ")));
    if (d.sections.length) {
      body.appendChild(el("h3", null, "Sections"));
      body.appendChild(el("p", "ng-sections", d.sections.join(" · ")));
    }
    body.appendChild(el("h3", null, "Concepts (" + d.concepts.length + ")"));
    body.appendChild(chipRow(d.concepts));
  }

  /* Fade everything but the chosen node, its neighbours and its links, so they read in a dense map.
   * Colours are restored from copies taken at load (DataSet.update merges, it cannot "unset"). */
  var fontOf = {};  // DataSet.update replaces a nested object whole: keep each node's full font
  DATA.nodes.forEach(function (n) {
    fontOf[n.id] = Object.assign({ color: DATA.options.nodes.font.color }, n.font || {});
  });
  var colorOf = {};
  edges.forEach(function (e) { colorOf[e.id] = JSON.parse(JSON.stringify(e.color || {})); });
  var dimmed = [], dimmedEdges = [];
  function undim() {
    if (dimmed.length) {
      nodes.update(dimmed.map(function (n) { return { id: n, opacity: 1, font: fontOf[n] }; }));
    }
    if (dimmedEdges.length) {
      edges.update(dimmedEdges.map(function (e) { return { id: e, color: colorOf[e] }; }));
    }
    dimmed = [];
    dimmedEdges = [];
  }
  function highlight(id) {
    undim();
    // restyling costs about 0.1 ms an item: on very large views rely on vis's own selection look
    if (!nodeView.get(id) || nodeView.length + edgeView.length > settings.dimLimit) return;
    var keep = new Set(network.getConnectedNodes(id));
    keep.add(id);
    var links = new Set(network.getConnectedEdges(id));
    dimmed = nodeView.getIds().filter(function (n) { return !keep.has(n); });
    dimmedEdges = edgeView.getIds().filter(function (e) { return !links.has(e); });
    nodes.update(dimmed.map(function (n) {
      return { id: n, opacity: 0.18, font: Object.assign({}, fontOf[n], { color: "rgba(100,116,139,0.3)" }) };
    }));
    edges.update(dimmedEdges.map(function (e) {
      return { id: e, color: { color: colorOf[e].color, opacity: 0.06 } };
    }));
  }

  function openPanel(id) {
    if (!info[id]) return;
    highlight(id);
    if (info[id].kind === "day") showDay(id); else showConcept(id);
    panel.hidden = false;
    panel.setAttribute("data-node", id);
    panel.scrollTop = 0;
  }
  function closePanel() {
    undim();
    panel.hidden = true;
    panel.removeAttribute("data-node");
  }
  $("ng-close").addEventListener("click", function () { closePanel(); network.unselectAll(); });

  /* Our own hover box (not vis's `title`): built on demand with textContent, so a 2,000-node map
   * does not create 2,000 tooltip trees up front. */
  var tip = el("div", "ng-hover");
  tip.hidden = true;
  container.appendChild(tip);
  network.on("hoverNode", function (params) {
    tip.replaceChildren(tooltip(params.node));
    tip.hidden = false;
    var x = params.pointer.DOM.x + 14, y = params.pointer.DOM.y + 14;
    var maxX = container.clientWidth - tip.offsetWidth - 8, maxY = container.clientHeight - tip.offsetHeight - 8;
    tip.style.left = Math.max(4, Math.min(x, maxX)) + "px";
    tip.style.top = Math.max(4, Math.min(y, maxY)) + "px";
  });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });
  network.on("zoom", function () { tip.hidden = true; });

  network.on("click", function (params) {
    if (params.nodes.length) openPanel(params.nodes[0]); else closePanel();
  });

  function focusNode(id) {
    if (!info[id]) return;
    if (!visible(id)) {
      if (info[id].kind === "day") state.showDays = true; else state.revealed.add(id);
      syncControls();
      refresh();
    }
    network.selectNodes([id]);
    openPanel(id);
    // centre the node in the part of the canvas the side panel leaves uncovered
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), offset: { x: -panel.offsetWidth / 2, y: 0 },
                        animation: { duration: 350, easingFunction: "easeInOutQuad" } });
  }
  api.focusNode = focusNode;

  /* ---- search ---------------------------------------------------------------------------- */
  var index = conceptIds.map(function (id) {
    var n = info[id];
    var names = [n.label].concat(n.aliases);
    return { id: id, names: names, keys: names.map(norm) };
  });
  var results = $("ng-results");
  var input = $("ng-search");
  var hits = [];
  var active = 0;

  function search(query) {
    var q = norm(query);
    if (!q) return [];
    var found = [];
    index.forEach(function (entry) {
      var best = null;
      entry.keys.forEach(function (k, i) {
        var score = k === q ? 0 : k.indexOf(q) === 0 ? 1 : k.indexOf(q) > 0 ? 2 : -1;
        if (score >= 0 && (best === null || score < best.score)) best = { score: score, name: entry.names[i] };
      });
      if (best) found.push({ id: entry.id, score: best.score, name: best.name });
    });
    found.sort(function (a, b) {
      return a.score - b.score || info[a.id].rank - info[b.id].rank;
    });
    return found.slice(0, 12);
  }
  api.search = function (q) { return search(q).map(function (h) { return h.id; }); };

  function renderResults() {
    results.replaceChildren();
    if (!input.value.trim()) { results.hidden = true; return; }
    if (!hits.length) {
      results.appendChild(el("li", "ng-none", "No concept matches"));
    }
    hits.forEach(function (h, i) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-id", h.id);
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      var sw = el("span", "ng-sw");
      var cat = catById[info[h.id].category];
      if (cat) sw.style.background = cat.color;
      li.appendChild(sw);
      li.appendChild(el("span", null, info[h.id].label));
      if (h.name !== info[h.id].label) li.appendChild(el("span", "ng-hit-alias", h.name));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      results.appendChild(li);
    });
    results.hidden = false;
  }

  function choose(i) {
    var h = hits[i];
    if (!h) return;
    results.hidden = true;
    focusNode(h.id);
  }

  input.addEventListener("input", function () {
    hits = search(input.value);
    active = 0;
    renderResults();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); choose(active); }
    else if (e.key === "ArrowDown") { e.preventDefault(); active = Math.min(active + 1, hits.length - 1); renderResults(); }
    else if (e.key === "ArrowUp") { e.preventDefault(); active = Math.max(active - 1, 0); renderResults(); }
    else if (e.key === "Escape") { results.hidden = true; }
  });
  input.addEventListener("blur", function () { results.hidden = true; });
  input.addEventListener("focus", function () { if (input.value.trim()) renderResults(); });

  syncControls();
  refresh();
  network.fit({ animation: false });
  // the canvas may be measured before the side columns take their width: fit again once laid out,
  // and whenever the window changes size
  function refit() { network.redraw(); network.fit({ animation: false }); }
  window.requestAnimationFrame(refit);
  window.addEventListener("resize", refit);
})();
