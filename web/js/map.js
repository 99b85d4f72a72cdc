// The map page (/map): the sites and actions of the page's JSON block drawn
// with Leaflet over Natural Earth's country shapes (world-atlas, TopoJSON,
// turned into GeoJSON by topojson-client), all from this server.  A tile
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

  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 14, zoomSnap: 0.5 });
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

  var byId = {};
  var points = L.geoJSON(data, {
    pointToLayer: function (f, latlng) {
      var action = f.properties.record === "action";
      return L.circleMarker(latlng, {
        radius: action ? 8 : 6,
        color: action ? "#a3261b" : "#1d4f91",
        weight: 2,
        fillColor: action ? "#e0503f" : "#4a86cf",
        fillOpacity: 0.7,
        className: "marker-" + f.properties.record + " marker-" + f.properties.kind,
      });
    },
    onEachFeature: function (f, layer) {
      layer.bindPopup(popup(f.properties));
      layer.bindTooltip(f.properties.name);
      byId[f.properties.record + "-" + f.properties.id] = layer;
    },
  }).addTo(map);
  el.setAttribute("data-points", String(data.features.length));

  if (data.features.length) {
    map.fitBounds(points.getBounds(), { maxZoom: 9, padding: [40, 40] });
  } else {
    map.setView([20, 0], 2);
  }
  // /map#action-ID or #site-ID opens that point
  var hash = decodeURIComponent(location.hash.slice(1));
  if (byId[hash]) {
    map.setView(byId[hash].getLatLng(), 9);
    byId[hash].openPopup();
  }
})();
