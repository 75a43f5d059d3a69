/* The reporting and patrol forms' helpers: the device's position and time zone, the sub-types
   of the chosen category (and the direction each implies), and place names suggested by
   GET /api/places?q= . Everything here is optional: the forms work without it. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localNow() {
    var now = new Date();
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) +
      "T" + pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  function setUp(form) {
    // Times are typed in the device's local time; the server is told which.
    var offset = form.querySelector('[name="utc_offset"]');
    function stampTime() {
      if (offset && offset.value === "") offset.value = String(-new Date().getTimezoneOffset());
      var when = form.querySelector('[name="observed_start"]');
      if (when && !when.value && form.dataset.outbox) when.value = localNow();
    }
    stampTime();
    form.addEventListener("abide:reset", stampTime);
    form.addEventListener("reset", function () { setTimeout(function () { narrow(); }, 0); });

    // --- sub-types narrow to the category; the direction follows the sub-type ----------------
    var category = form.querySelector('[name="category"]');
    var subtype = form.querySelector('[name="subtype"]');
    var direction = form.querySelector('[name="direction"]');
    var dataElement = document.getElementById("subtype-data");
    var subtypes = dataElement ? JSON.parse(dataElement.textContent) : [];
    if (!Array.isArray(subtypes)) subtypes = [];
    var bySlug = {};
    subtypes.forEach(function (s) { bySlug[s.slug] = s; });
    var allOptions = subtype ? Array.prototype.slice.call(subtype.querySelectorAll("option")) : [];

    function narrow() {
      if (!category || !subtype) return;
      var chosen = subtype.value;
      subtype.innerHTML = "";
      allOptions.forEach(function (option) {
        var known = bySlug[option.value];
        if (!option.value || (known && known.category === category.value)) {
          subtype.appendChild(option);
        }
      });
      subtype.value = Array.prototype.some.call(subtype.options, function (o) { return o.value === chosen; }) ? chosen : "";
      subtype.disabled = subtype.options.length <= 1;
    }
    if (category && subtype) {
      category.addEventListener("change", function () { narrow(); followSubtype(); });
      narrow();
    }
    function followSubtype() {
      if (!direction || !subtype) return;
      var known = bySlug[subtype.value];
      if (known) direction.value = known.direction;
    }
    if (subtype) subtype.addEventListener("change", followSubtype);

    // --- the device's position -------------------------------------------------------------
    var locate = form.querySelector("[data-locate]");
    var locateStatus = form.querySelector("[data-locate-status]");
    var latitude = form.querySelector('[name="latitude"]');
    var longitude = form.querySelector('[name="longitude"]');
    var precision = form.querySelector('[name="place_precision"]');
    function point(lat, lon, zoom) {
      latitude.value = lat.toFixed(6);
      longitude.value = lon.toFixed(6);
      form.dispatchEvent(new CustomEvent("abide:point", { detail: { latitude: lat, longitude: lon, zoom: zoom } }));
    }
    if (locate && navigator.geolocation && latitude && longitude) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        locateStatus.textContent = locateStatus.dataset.locating;
        navigator.geolocation.getCurrentPosition(function (position) {
          locateStatus.textContent = "";
          point(position.coords.latitude, position.coords.longitude, 14);
          if (precision) precision.value = "exact";
        }, function () {
          locateStatus.textContent = locateStatus.dataset.failed;
        }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
      });
    }

    // --- place names suggested by the gazetteer --------------------------------------------
    var list = form.querySelector("#place-suggestions");
    var suggested = {};
    var timer = null;
    function suggest(input) {
      var q = input.value.trim();
      if (q.length < 2 || !form.dataset.places || !list) return;
      fetch(form.dataset.places + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (places) {
          if (!Array.isArray(places)) return;
          list.innerHTML = "";
          places.slice(0, 10).forEach(function (place) {
            suggested[place.name] = place;
            var option = document.createElement("option");
            option.value = place.name;
            option.label = place.label || place.name;
            list.appendChild(option);
          });
        }).catch(function () { /* offline: the name alone is resolved by the server */ });
    }
    form.querySelectorAll('input[list="place-suggestions"]').forEach(function (input) {
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { suggest(input); }, 250);
      });
    });
    var placeName = form.querySelector('[name="place_name"]');
    if (placeName && latitude && longitude) {
      placeName.addEventListener("change", function () {
        var place = suggested[placeName.value];
        if (!place || latitude.value || longitude.value) return;
        point(place.latitude, place.longitude, 11);
        if (precision) precision.value = "near";
      });
    }

    // --- places visited on a patrol ---------------------------------------------------------
    var adder = form.querySelector("[data-place-adder]");
    var visited = form.querySelector('[name="area_places"]');
    if (adder && visited) {
      adder.hidden = false;
      var input = adder.querySelector("input");
      var add = function () {
        var name = input.value.trim();
        if (!name) return;
        visited.value = (visited.value.trim() ? visited.value.trim() + "\n" : "") + name;
        input.value = "";
      };
      adder.querySelector("[data-add-place]").addEventListener("click", add);
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); add(); }
      });
    }
  }

  document.querySelectorAll("form.report").forEach(setUp);
})();
