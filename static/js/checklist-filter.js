/* Filters a checklist as you type: <input data-filters="LIST_ID"> hides the <li data-search> rows
 * of #LIST_ID that do not contain the text. Hidden rows keep their checked state, so filtering
 * never drops a choice. Without JavaScript the search form filters on the server. */
(function () {
  "use strict";
  document.querySelectorAll("input[data-filters]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filters"));
    if (!list) return;
    var fieldset = list.closest("fieldset");
    function apply() {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      list.querySelectorAll("li[data-search]").forEach(function (li) {
        var match = !q || li.getAttribute("data-search").toLowerCase().indexOf(q) !== -1;
        li.hidden = !match;
        if (match) shown += 1;
      });
      var none = fieldset && fieldset.querySelector("[data-none]");
      if (none) none.hidden = shown > 0;
      var count = fieldset && fieldset.querySelector("[data-shown]");
      if (count) count.textContent = count.textContent.replace(/\d+/, String(shown));
    }
    input.addEventListener("input", apply);
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
    });
  });
})();
