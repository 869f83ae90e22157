/* Sanshe's map component (Leaflet 1.9.4, vendored from PyPI django-js-lib-leaflet; no CDN).
 *
 * Markup (templates/dispatch/_map.html):
 *   <div class="leaflet-box" data-map data-tile-url="https://host/{z}/{x}/{y}.png"
 *        data-points="ID" data-center-lat=".." data-center-lon=".."
 *        [data-pick-lat="input id" data-pick-lon="input id" data-pick-status="element id"]></div>
 *   <script type="application/json" id="ID">[{id, lat, lon, label, url, overdue}]</script>
 * Points are circle markers with a popup linking to the report or order. With data-pick-*, a tap
 * on the map (or "Use my location", [data-locate]) sets the pin and fills the two inputs.
 * Without tiles configured the page renders no [data-map] and offers the grid picker instead.
 */
(function () {
  "use strict";
  if (typeof L === "undefined") return;

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function setup(root) {
    var source = document.getElementById(root.getAttribute("data-points") || "");
    var points = source ? JSON.parse(source.textContent) : [];
    var center = [parseFloat(root.getAttribute("data-center-lat")) || 30.6586, parseFloat(root.getAttribute("data-center-lon")) || 104.0648];
    var map = L.map(root, { scrollWheelZoom: false }).setView(center, 14);
    L.tileLayer(root.getAttribute("data-tile-url"), {
      maxZoom: 19,
      attribution: root.getAttribute("data-attribution") || "",
    }).addTo(map);
    var bounds = [];
    points.forEach(function (p) {
      if (p.lat === null || p.lon === null || p.lat === undefined) return;
      // A focusable marker (Tab reaches it, Enter opens its popup) drawn by our own CSS.
      var marker = L.marker([p.lat, p.lon], {
        icon: L.divIcon({ className: "map-marker" + (p.overdue ? " overdue" : ""), iconSize: [18, 18] }),
        title: p.label,
        alt: p.label,
        keyboard: true,
      }).addTo(map);
      marker.getElement().setAttribute("data-id", p.id);
      marker.getElement().setAttribute("aria-label", p.label);
      marker.bindPopup('<a href="' + encodeURI(p.url) + '">' + text(p.label) + "</a>");
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    else if (bounds.length === 1) map.setView(bounds[0], 16);

    var latInput = document.getElementById(root.getAttribute("data-pick-lat") || "");
    var lonInput = document.getElementById(root.getAttribute("data-pick-lon") || "");
    if (!latInput || !lonInput) return;
    var status = document.getElementById(root.getAttribute("data-pick-status") || "");
    var pin = null;
    function place(lat, lon, zoom) {
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      if (pin) pin.setLatLng([lat, lon]);
      else pin = L.marker([lat, lon], { keyboard: false }).addTo(map);
      if (zoom) map.setView([lat, lon], zoom);
      if (status) status.textContent = lat.toFixed(5) + ", " + lon.toFixed(5);
    }
    if (latInput.value && lonInput.value) place(parseFloat(latInput.value), parseFloat(lonInput.value), 16);
    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng);
    });
    var locate = document.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(
          function (p) {
            place(p.coords.latitude, p.coords.longitude, 17);
          },
          function () {
            if (status) status.textContent = "—";
          }
        );
      });
    }
  }

  document.querySelectorAll("[data-map]").forEach(setup);
})();
