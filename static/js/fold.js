/* Sanshe: things that fold away on a phone (<details data-fold>: filters, the account menu) stay
 * open from 600 px. site.css already shows them there in browsers that style ::details-content;
 * this opens them in older ones. Without JavaScript they fold as <details> always do. */
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 600px)");
  function apply() {
    document.querySelectorAll("details[data-fold]").forEach(function (fold) { fold.open = wide.matches; });
  }
  apply();
  if (wide.addEventListener) wide.addEventListener("change", apply);
})();
