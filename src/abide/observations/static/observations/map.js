/* The map of observations: country outlines (Natural Earth) and, optionally, tiles; the
   observations in view from /map/data: cells (count per category) when zoomed out, points
   when zoomed in. Filters come from the page's form. */
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("map");
    if (!element || typeof L === "undefined") { return; }
    var data = element.dataset;
    var colours = {};
    (data.colours || "").split(";").forEach(function (pair) {
      var parts = pair.split("=");
      if (parts.length === 2) { colours[parts[0]] = parts[1]; }
    });
    var status = document.getElementById("map-status");
    var map = L.map(element, { worldCopyJump: true, minZoom: 2, maxZoom: 18 });
    map.attributionControl.setPrefix(false);
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.tileAttribution || "", maxZoom: 18 }).addTo(map);
    }
    var outlines = L.layerGroup().addTo(map);
    map.attributionControl.addAttribution(data.attribution);
    fetch(data.outlines).then(function (r) { return r.json(); }).then(function (geojson) {
      L.geoJSON(geojson, {
        interactive: false,
        style: { color: "#7a8696", weight: 1, fillColor: "#eef1f4", fillOpacity: data.tiles ? 0 : 1 }
      }).addTo(outlines);
      outlines.eachLayer(function (layer) { layer.bringToBack(); });
    });
    var layer = L.layerGroup().addTo(map);
    var form = document.getElementById("map-filters");
    var params = new URLSearchParams(window.location.search);
    var view = params.get("view");
    if (view && /^-?[0-9.]+,-?[0-9.]+,[0-9]+$/.test(view)) {
      var v = view.split(",");
      map.setView([parseFloat(v[0]), parseFloat(v[1])], parseInt(v[2], 10));
    } else {
      map.setView([38, 42], 5);
    }
    function filters() {
      var query = new URLSearchParams(form ? new FormData(form) : undefined);
      query.delete("bbox");
      Array.from(query.keys()).forEach(function (key) { if (!query.get(key)) { query.delete(key); } });
      return query;
    }
    var pending = null;
    function refresh() {
      var query = filters();
      query.set("zoom", map.getZoom());
      query.set("bbox", map.getBounds().toBBoxString());
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(data.url + "?" + query.toString(), { signal: pending.signal, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(draw)
        .catch(function (error) { if (error.name !== "AbortError") { status.textContent = String(error); } });
      var here = filters();
      var centre = map.getCenter();
      here.set("view", centre.lat.toFixed(4) + "," + centre.lng.toFixed(4) + "," + map.getZoom());
      window.history.replaceState(null, "", "?" + here.toString());
    }
    function counted(number) {
      return number.toLocaleString(document.documentElement.lang) + " " + (number === 1 ? data.one : data.many);
    }
    function colour(category) { return colours[category] || "#555"; }
    function draw(answer) {
      layer.clearLayers();
      if (answer.errors) {
        status.textContent = Object.keys(answer.errors).map(function (k) { return k + ": " + answer.errors[k].join(" "); }).join("; ");
        return;
      }
      if (answer.kind === "points") {
        answer.features.forEach(function (f) {
          var c = f.geometry.coordinates;
          var marker = L.circleMarker([c[1], c[0]], {
            radius: 6, color: "#fff", weight: 1, fillColor: colour(f.properties.category), fillOpacity: 0.9
          });
          marker.bindPopup('<a href="' + f.properties.url + '">' + data.open + " " + f.id + "</a><br>" +
            f.properties.date + " · " + f.properties.status);
          marker.feature = f;
          marker.getElement && marker.on("add", function () {
            var el = marker.getElement();
            if (el) { el.setAttribute("data-observation", f.id); el.classList.add("observation-point"); }
          });
          marker.addTo(layer);
        });
        status.textContent = counted(answer.features.length);
        return;
      }
      var total = 0;
      answer.cells.forEach(function (cell) {
        total += cell.count;
        var radius = Math.min(28, 5 + 4 * Math.log10(cell.count + 1) * 2);
        var marker = L.circleMarker([cell.latitude, cell.longitude], {
          radius: radius, color: colour(cell.category), weight: 2, fillColor: colour(cell.category), fillOpacity: 0.45
        });
        marker.bindTooltip(String(cell.count), { permanent: cell.count > 1, direction: "center", className: "cell-count" });
        marker.on("click", function () { map.setView([cell.latitude, cell.longitude], Math.min(map.getZoom() + 2, 18)); });
        marker.addTo(layer);
      });
      status.textContent = counted(total) + (answer.message ? " · " + answer.message : "");
    }
    map.on("moveend", refresh);
    if (form) {
      form.addEventListener("change", refresh);
      form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
    }
    refresh();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
