/* Select all: <input type="checkbox" data-select-all="NAME"> ticks or clears every checkbox named
 * NAME in its form, and reads as partly ticked when only some are. Its paragraph is hidden until
 * this script runs, so without JavaScript the page shows only the row boxes, which still work.
 * <output data-selected-count="NAME"> in the same form shows how many are ticked (the queues'
 * sticky action bar: the button and this count stay at the bottom of a phone's screen). */
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var form = all.form;
    var name = all.getAttribute("data-select-all");
    if (!form) return;
    function rows() {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.type === "checkbox" && el.name === name;
      });
    }
    function sync() {
      var boxes = rows();
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
      form.querySelectorAll("output[data-selected-count='" + name + "']").forEach(function (count) {
        count.value = String(ticked);
        var holder = count.closest("[hidden]");
        if (holder) holder.hidden = false;
      });
    }
    all.addEventListener("change", function () {
      rows().forEach(function (box) { box.checked = all.checked; });
      sync();
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === name) sync();
    });
    var holder = all.closest("[hidden]");
    if (holder) holder.hidden = false;
    sync();
  });
})();
