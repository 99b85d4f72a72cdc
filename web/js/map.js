// The map page (/map): the sites and actions of the page's JSON block drawn
// with Leaflet over Natural Earth's country shapes (world-atlas, TopoJSON,
// turned into GeoJSON by topojson-client), all from this server.  Points
// that lie together are clustered by Leaflet.markercluster, which spreads
// them apart when the cluster is chosen, so that each can be clicked.  Each
// point is a marker a keyboard reaches (Tab, Enter opens its popup).  A tile
// layer is added only when the operator configured one (data-tiles).
// Without this script the page lists the same sites by country.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var dataEl = document.getElementById("map-data");
  if (!el || !dataEl || !window.L || !window.topojson) return;
  var data;
  try {
    data = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  el.hidden = false;

  // the zoom control at the bottom, so that a popup opening near the top is
  // never under it; popups keep clear of the edges
  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 14, zoomSnap: 0.5, zoomControl: false });
  L.control.zoom({ position: "bottomright", zoomInTitle: el.getAttribute("data-msg-zoom-in") || "+",
    zoomOutTitle: el.getAttribute("data-msg-zoom-out") || "-" }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(el.getAttribute("data-basemap") || "");
  var tiles = el.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { attribution: el.getAttribute("data-attribution") || "" }).addTo(map);
  }

  // the offline basemap: country shapes under the points
  var countries = el.getAttribute("data-countries");
  if (countries) {
    fetch(countries, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (topo) {
        var shapes = topojson.feature(topo, topo.objects.countries);
        var layer = L.geoJSON(shapes, {
          interactive: false,
          style: { color: "#8a8577", weight: 0.6, fillColor: "#ece8dc", fillOpacity: 1 },
        }).addTo(map);
        layer.bringToBack();
        el.setAttribute("data-basemap-ready", "1");
      })
      .catch(function () { /* the points still show */ });
  }

  // a popup built from text nodes: names from the data never become markup
  function popup(p) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var name = document.createElement("strong");
    name.textContent = p.name;
    box.appendChild(name);
    var lines = [p.kind_label, p.date, p.place, p.precision ? "(" + p.precision + ")" : null];
    lines.forEach(function (t) {
      if (!t) return;
      var d = document.createElement("div");
      d.textContent = t;
      box.appendChild(d);
    });
    if (p.url) {
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.link || p.name;
      box.appendChild(a);
    }
    return box;
  }

  // markers are elements (a divIcon): focusable, with a visible focus ring
  function icon(f) {
    var action = f.properties.record === "action";
    return L.divIcon({
      className: "map-marker marker-" + f.properties.record + " marker-" + f.properties.kind,
      html: "",
      iconSize: action ? [22, 22] : [18, 18],
    });
  }

  var cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    maxClusterRadius: 30,
    // points at the very same place can only be spread, never zoomed apart
    spiderfyDistanceMultiplier: 2,
    iconCreateFunction: function (c) {
      return L.divIcon({ className: "map-cluster", html: "<span>" + c.getChildCount() + "</span>", iconSize: [32, 32] });
    },
  });
  var byId = {};
  // for the page's own tests and for the hash below
  el.tiemap = { map: map, cluster: cluster, byId: byId };
  var points = L.geoJSON(data, {
    pointToLayer: function (f, latlng) {
      return L.marker(latlng, { icon: icon(f), keyboard: true, title: f.properties.name, alt: f.properties.name,
        riseOnHover: true });
    },
    onEachFeature: function (f, layer) {
      layer.bindPopup(popup(f.properties), { autoPanPadding: [40, 40] });
      byId[f.properties.record + "-" + f.properties.id] = layer;
    },
  });
  cluster.addLayer(points);
  map.addLayer(cluster);
  el.setAttribute("data-points", String(data.features.length));

  if (data.features.length) {
    map.fitBounds(points.getBounds(), { maxZoom: 9, padding: [40, 40] });
  } else {
    map.setView([20, 0], 2);
  }
  // a cluster reached by keyboard opens with Enter, as a click would
  el.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if ((ev.key === "Enter" || ev.key === " ") && t && t.classList && t.classList.contains("map-cluster")) {
      ev.preventDefault();
      t.click();
    }
  });
  function clusterFocus() {
    el.querySelectorAll(".map-cluster").forEach(function (c) {
      c.setAttribute("tabindex", "0");
      c.setAttribute("role", "button");
      c.setAttribute("aria-label", (el.getAttribute("data-msg-points") || "") + ": " + c.textContent);
    });
  }
  map.on("zoomend moveend", clusterFocus);
  cluster.on("animationend spiderfied unspiderfied", clusterFocus);
  clusterFocus();
  // /map#action-ID or #site-ID opens that point
  // (once the clusters are drawn: asked at once, markercluster has none yet)
  var hash = decodeURIComponent(location.hash.slice(1));
  setTimeout(function () {
    if (byId[hash]) cluster.zoomToShowLayer(byId[hash], function () { byId[hash].openPopup(); });
    el.setAttribute("data-ready", "1");
  }, 0);
})();
