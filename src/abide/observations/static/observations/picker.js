/* The maps of the reporting and patrol pages: the country outlines shipped with abide as the
   base (tiles on top only where ABIDE_MAP_TILE_URL is set), a point placed by a tap, or a route
   and an area drawn with Leaflet.draw. Each writes into the form's own fields. */
(function () {
  "use strict";
  if (!window.L) return;

  var OUTLINE_STYLE = { color: "#7a8799", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 };

  function baseMap(element) {
    var map = L.map(element, { worldCopyJump: true, attributionControl: false });
    var tiles = element.dataset.tiles;
    fetch(element.dataset.outlines).then(function (response) { return response.json(); })
      .then(function (outlines) {
        var layer = L.geoJSON(outlines, { style: OUTLINE_STYLE, interactive: false }).addTo(map);
        layer.bringToBack();
      }).catch(function () { element.classList.add("no-outlines"); });
    if (tiles) L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
    var center = element.dataset.center;
    if (center) {
      var parts = center.split(",").map(Number);
      map.setView(parts, 8);
    } else {
      map.setView([30, 20], 1);
    }
    return map;
  }

  function number(input) {
    var value = parseFloat(input.value);
    return isFinite(value) ? value : null;
  }

  function pointMap(element) {
    var form = element.closest("form");
    var latitude = form.querySelector('[name="latitude"]');
    var longitude = form.querySelector('[name="longitude"]');
    var precision = form.querySelector('[name="place_precision"]');
    var map = baseMap(element);
    var marker = null;

    function show(lat, lon, zoom) {
      if (marker) marker.setLatLng([lat, lon]);
      else marker = L.marker([lat, lon]).addTo(map);
      if (zoom) map.setView([lat, lon], Math.max(map.getZoom(), zoom));
    }
    function fromInputs(zoom) {
      var lat = number(latitude);
      var lon = number(longitude);
      if (lat === null || lon === null) {
        if (marker) { map.removeLayer(marker); marker = null; }
        return;
      }
      show(lat, lon, zoom);
    }
    map.on("click", function (event) {
      var point = event.latlng.wrap();
      latitude.value = point.lat.toFixed(6);
      longitude.value = point.lng.toFixed(6);
      if (precision && !precision.value) precision.value = "exact";
      show(point.lat, point.lng);
    });
    latitude.addEventListener("change", function () { fromInputs(10); });
    longitude.addEventListener("change", function () { fromInputs(10); });
    form.addEventListener("abide:point", function (event) {
      show(event.detail.latitude, event.detail.longitude, event.detail.zoom || 12);
    });
    form.addEventListener("abide:reset", function () { fromInputs(); });
    fromInputs(10);
  }

  function drawMap(element) {
    var form = element.closest("form");
    var fields = {
      LineString: form.querySelector('[name="route"]'),
      Polygon: form.querySelector('[name="area_polygon"]'),
    };
    var map = baseMap(element);
    var drawn = new L.FeatureGroup().addTo(map);
    var layers = {};

    function keep(kind, layer) {
      if (layers[kind]) drawn.removeLayer(layers[kind]);
      layers[kind] = layer;
      if (layer) {
        drawn.addLayer(layer);
        fields[kind].value = JSON.stringify(layer.toGeoJSON().geometry);
      } else {
        fields[kind].value = "";
      }
    }
    function kindOf(layer) {
      return layer instanceof L.Polygon ? "Polygon" : "LineString";
    }
    Object.keys(fields).forEach(function (kind) {
      var text = fields[kind] && fields[kind].value.trim();
      if (!text) return;
      try {
        var geometry = JSON.parse(text);
        L.geoJSON(geometry).eachLayer(function (layer) { keep(kind, layer); });
        map.fitBounds(drawn.getBounds(), { maxZoom: 12 });
      } catch (error) { /* the server says what is wrong with it, beside the field */ }
    });
    if (!L.Control.Draw) return;
    map.addControl(new L.Control.Draw({
      position: "topright",
      draw: {
        polyline: { shapeOptions: { color: "#0b5cab", weight: 4 } },
        polygon: { allowIntersection: false, shapeOptions: { color: "#9a5b00" } },
        rectangle: false,
        circle: false,
        circlemarker: false,
        marker: false,
      },
      edit: { featureGroup: drawn },
    }));
    map.on(L.Draw.Event.CREATED, function (event) { keep(kindOf(event.layer), event.layer); });
    map.on(L.Draw.Event.EDITED, function (event) {
      event.layers.eachLayer(function (layer) { keep(kindOf(layer), layer); });
    });
    map.on(L.Draw.Event.DELETED, function (event) {
      event.layers.eachLayer(function (layer) {
        var kind = kindOf(layer);
        if (layers[kind] === layer) { layers[kind] = null; fields[kind].value = ""; }
      });
    });
    form.addEventListener("abide:reset", function () {
      drawn.clearLayers();
      layers = {};
    });
  }

  document.querySelectorAll("[data-map]").forEach(function (element) {
    var form = element.closest("form");
    var hint = form && form.querySelector("[data-map-hint]");
    if (hint) hint.hidden = false;
    if (element.dataset.map === "draw") drawMap(element);
    else pointMap(element);
  });
})();
