/* tiemap: the graph page's drawing (cytoscape.js, laid out by fCoSE from
   cytoscape-fcose, which keeps nodes and their labels apart).  The page
   already lists the same entities and ties; this only draws them, keeps the
   legend to the kinds drawn, offers the drawing as PNG and SVG (cytoscape-svg),
   and talks to nobody but the server that sent it
   (/api/v1/entities/{id}/neighbors). */
(function () {
  "use strict";
  var box = document.getElementById("graph");
  var dataEl = document.getElementById("graph-data");
  if (!box || !dataEl || typeof cytoscape !== "function") return;
  var data = JSON.parse(dataEl.textContent);
  var lang = box.getAttribute("data-lang") === "zh" ? "zh" : "en";
  if (typeof cytoscapeFcose === "function") cytoscape.use(cytoscapeFcose);
  if (typeof cytoscapeSvg === "function") cytoscape.use(cytoscapeSvg);
  var kindLabels = data.kind_labels || {};
  var panel = document.getElementById("graph-panel");

  /* the kinds' colours are the stylesheet's (.kind-*), read once */
  var colours = {};
  function colour(kind) {
    if (!kind) return "#777777";
    if (!colours[kind]) {
      var probe = document.createElement("span");
      probe.className = "swatch kind-" + kind;
      document.body.appendChild(probe);
      colours[kind] = getComputedStyle(probe).backgroundColor || "#777777";
      document.body.removeChild(probe);
    }
    return colours[kind];
  }
  function nodeName(n) {
    return n.shown || (lang === "zh" ? n.name_zh : n.name) || n.name || n.id;
  }
  function edgeKey(e) {
    var a = e.from < e.to ? e.from : e.to, b = e.from < e.to ? e.to : e.from;
    return a + "|" + e.predicate + "|" + b;
  }

  box.hidden = false;
  var cy = cytoscape({
    container: box,
    elements: [],
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "label": "data(label)", "font-size": 11,
        "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": 120,
        "color": "#1b1f23", "text-outline-color": "#fbfcfd", "text-outline-width": 2,
        "width": 22, "height": 22, "border-width": 1, "border-color": "#33404a" } },
      { selector: "node.centre", style: { "width": 34, "height": 34, "border-width": 3, "font-weight": "bold" } },
      { selector: "node:selected", style: { "border-color": "#f2a900", "border-width": 4 } },
      { selector: "edge", style: {
        "label": "data(label)", "font-size": 9, "color": "#1d4e5f", "curve-style": "bezier",
        "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#9aa9b4", "target-arrow-color": "#9aa9b4",
        "text-rotation": "autorotate", "text-background-color": "#fbfcfd", "text-background-opacity": 0.85,
        "text-background-padding": 1 } }
    ]
  });

  /* rings around the centre: a node's ring is its distance from it (an
     expanded node's new neighbours go one ring further out) */
  function add(hood, base) {
    var added = [];
    hood.nodes.forEach(function (n) {
      if (cy.getElementById(n.id).length) return;
      added.push({ group: "nodes", data: { id: n.id, label: nodeName(n), colour: colour(n.kind), kind: n.kind,
        ring: base + (n.depth || 0) } });
    });
    hood.edges.forEach(function (e) {
      var key = edgeKey(e);
      if (cy.getElementById(key).length) return;
      added.push({ group: "edges", data: { id: key, source: e.from, target: e.to,
        label: e.shown || (lang === "zh" ? e.label_zh : e.label) } });
    });
    cy.add(added);
    return added.length;
  }

  /* fCoSE when it loaded (labels count in the node sizes, so they do not
     overlap); else rings around the centre */
  function layout() {
    if (typeof cytoscapeFcose === "function") {
      cy.layout({ name: "fcose", animate: false, randomize: true, quality: "default", padding: 30,
        nodeDimensionsIncludeLabels: true, nodeRepulsion: function () { return 12000; },
        idealEdgeLength: function () { return 110; }, nodeSeparation: 90 }).run();
      legend();
      return;
    }
    var outer = cy.nodes().max(function (n) { return n.data("ring"); }).value || 0;
    cy.layout({ name: "concentric", animate: false, padding: 30, minNodeSpacing: 45, avoidOverlap: true,
      concentric: function (n) { return outer - n.data("ring"); }, levelWidth: function () { return 1; } }).run();
    legend();
  }

  /* the legend lists the kinds drawn, no more */
  function legend() {
    var list = document.getElementById("graph-legend");
    if (!list) return;
    var kinds = {};
    cy.nodes().forEach(function (n) { if (n.data("kind")) kinds[n.data("kind")] = true; });
    list.textContent = "";
    Object.keys(kindLabels).forEach(function (k) {
      if (!kinds[k]) return;
      var li = document.createElement("li");
      li.setAttribute("data-kind", k);
      var sw = document.createElement("span");
      sw.className = "swatch kind-" + k;
      li.appendChild(sw);
      li.appendChild(document.createTextNode(kindLabels[k]));
      list.appendChild(li);
    });
  }

  /* the drawing as a file: a link to a blob (same origin, nothing sent) */
  function download(name, blob) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  var exportBox = document.getElementById("graph-export");
  if (exportBox) {
    exportBox.hidden = false;
    document.getElementById("graph-png").addEventListener("click", function () {
      download(data.id + ".png", cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }));
    });
    var svgButton = document.getElementById("graph-svg");
    if (typeof cy.svg === "function") {
      svgButton.addEventListener("click", function () {
        download(data.id + ".svg", new Blob([cy.svg({ full: true, bg: "#ffffff" })], { type: "image/svg+xml" }));
      });
    } else {
      svgButton.hidden = true;
    }
  }

  function show(node) {
    panel.hidden = false;
    panel.textContent = "";
    var label = document.createElement("strong");
    label.textContent = box.getAttribute("data-msg-selected") + ": " + node.data("label") + " ";
    panel.appendChild(label);
    var expand = document.createElement("button");
    expand.type = "button";
    expand.textContent = box.getAttribute("data-msg-expand");
    expand.addEventListener("click", function () { grow(node.id()); });
    panel.appendChild(expand);
    var open = document.createElement("a");
    open.href = "/entities/" + encodeURIComponent(node.id()) + "?lang=" + lang;
    open.textContent = box.getAttribute("data-msg-open");
    panel.appendChild(open);
  }

  function grow(id) {
    /* the page's choice about places holds for what a click adds too */
    var places = data.through_places ? "&places=1" : "";
    fetch("/api/v1/entities/" + encodeURIComponent(id) + "/neighbors?depth=1" + places, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (hood) { if (add(hood, cy.getElementById(id).data("ring") || 0)) layout(); })
      .catch(function () { /* the lists below still hold the page's data */ });
  }

  add(data, 0);
  cy.getElementById(data.id).addClass("centre");
  layout();
  cy.on("tap", "node", function (ev) { show(ev.target); });
  cy.on("dbltap", "node", function (ev) {
    window.location.href = "/entities/" + encodeURIComponent(ev.target.id()) + "?lang=" + lang;
  });
  panel.hidden = false;
  panel.textContent = box.getAttribute("data-msg-help");
  box.setAttribute("data-ready", String(cy.nodes().length));
})();
