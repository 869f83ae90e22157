/* Sanshe: <button hx-post="…" data-reload-after-request> reloads the page once htmx's request is
 * done, to show the new state (instead of hx-on, which htmx evaluates as code: the
 * Content-Security-Policy allows no eval). */
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.target.closest && e.target.closest("[data-reload-after-request]")) window.location.reload();
  });
})();
