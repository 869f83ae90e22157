/* Sanshe: "Use my location" on the problem report (templates/dispatch/work_order_new.html) fills
 * the latitude and longitude fields from the browser's geolocation and shows them; "—" when the
 * browser has none or the visitor declines. */
(function () {
  "use strict";
  var button = document.getElementById("locate");
  if (!button) return;
  button.addEventListener("click", function () {
    var status = document.getElementById("locate-status");
    if (!navigator.geolocation) { status.textContent = "—"; return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("id_lat").value = p.coords.latitude.toFixed(6);
      document.getElementById("id_lon").value = p.coords.longitude.toFixed(6);
      status.textContent = p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5);
    }, function () { status.textContent = "—"; });
  });
})();
