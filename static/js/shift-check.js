/* Sanshe: the check-in form on "My shifts" (templates/shifts/mine.html) fills the hidden latitude
 * and longitude from the browser's position when the worker allows it, and says so; without one
 * the check-in is still accepted, marked "position not verified". */
(function () {
  "use strict";
  var lat = document.getElementById("id_lat");
  var lon = document.getElementById("id_long");
  var status = document.getElementById("position-status");
  if (!lat || !lon || !status) return;
  if (!navigator.geolocation) { status.textContent = status.dataset.none; return; }
  status.textContent = status.dataset.waiting;
  navigator.geolocation.getCurrentPosition(function (p) {
    lat.value = p.coords.latitude.toFixed(6);
    lon.value = p.coords.longitude.toFixed(6);
    status.textContent = status.dataset.found;
  }, function () {
    status.textContent = status.dataset.none;
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
})();
