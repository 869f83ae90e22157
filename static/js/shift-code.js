/* Sanshe: the shift code page (templates/shifts/code.html) prints as a poster with the day's code. */
(function () {
  "use strict";
  var button = document.getElementById("print-poster");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
