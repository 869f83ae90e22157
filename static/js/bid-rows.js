/* Sanshe: rows of the bid form (budget lines, milestones) added and removed in place, with a
 * running total checked against the need's range as a hint (the server judges the bid).
 *
 * <fieldset data-rows="PREFIX" data-sum="FIELD" data-sum-format="yuan|percent" data-sum-min="…"
 *   data-sum-max="…" data-hint-below|above|within|empty="…"> holds Django's management form,
 * <ol data-row-list> of <li data-row>, a <template data-row-template> (the formset's empty form),
 * a hidden <button data-row-add>, <output data-sum-value> and [data-sum-hint].
 * A submit button with data-confirm-template gets "{total}" replaced by the budget total.
 * Without JavaScript the page offers a few blank rows and a Remove box on each. */
(function () {
  "use strict";

  /* An amount as a whole number of hundredths (fen, or hundredths of a percent); null if it
   * does not read as one. No floating point, so ¥0.10 + ¥0.20 is ¥0.30. */
  function hundredths(text) {
    var m = /^\s*(\d{1,12})(?:\.(\d{0,2}))?\s*$/.exec(text || "");
    if (!m) return null;
    return parseInt(m[1], 10) * 100 + parseInt(((m[2] || "") + "00").slice(0, 2), 10);
  }

  function format(value, kind) {
    var whole = Math.floor(value / 100);
    var cents = String(value % 100).padStart(2, "0");
    if (kind === "percent") {
      return String(whole) + (cents === "00" ? "" : "." + cents.replace(/0$/, "")) + "%";
    }
    return "¥" + String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + cents;
  }

  function setUp(fieldset) {
    var prefix = fieldset.getAttribute("data-rows");
    var list = fieldset.querySelector("[data-row-list]");
    var template = fieldset.querySelector("template[data-row-template]");
    var add = fieldset.querySelector("[data-row-add]");
    var total = fieldset.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var max = fieldset.querySelector("#id_" + prefix + "-MAX_NUM_FORMS");
    var sumField = fieldset.getAttribute("data-sum");
    var kind = fieldset.getAttribute("data-sum-format");
    var low = hundredths(fieldset.getAttribute("data-sum-min"));
    var high = hundredths(fieldset.getAttribute("data-sum-max"));
    var output = fieldset.querySelector("[data-sum-value]");
    var hint = fieldset.querySelector("[data-sum-hint]");
    var form = fieldset.form || fieldset.closest("form");

    function update() {
      var sum = 0;
      var any = false;
      list.querySelectorAll("li[data-row]").forEach(function (row) {
        if (row.hidden) return;
        var input = row.querySelector("input[name$='-" + sumField + "']");
        var value = input ? hundredths(input.value) : null;
        if (value !== null) { sum += value; any = true; }
      });
      output.textContent = format(sum, kind);
      var state = !any ? "empty" : sum < low ? "below" : sum > high ? "above" : "within";
      hint.textContent = fieldset.getAttribute("data-hint-" + state);
      hint.classList.toggle("ok", state === "within");
      hint.classList.toggle("off", state === "below" || state === "above");
      if (kind === "yuan" && form) {
        form.querySelectorAll("[data-confirm-template]").forEach(function (button) {
          button.setAttribute("data-confirm", button.getAttribute("data-confirm-template").replace("{total}", format(sum, kind)));
        });
      }
    }

    function remove(row) {
      var box = row.querySelector("input[name$='-DELETE']");
      if (box) box.checked = true;
      row.hidden = true;
      update();
      add.focus();
    }

    function enhance(row) {
      var boxWrap = row.querySelector("[data-row-remove-box]");
      if (!boxWrap || row.querySelector("[data-row-remove]")) return;
      boxWrap.hidden = true;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button row-remove-button";
      button.setAttribute("data-row-remove", "");
      button.textContent = boxWrap.querySelector("label").textContent;
      button.addEventListener("click", function () { remove(row); });
      boxWrap.parentNode.insertBefore(button, boxWrap);
    }

    function refreshAdd() {
      add.hidden = max && parseInt(total.value, 10) >= parseInt(max.value, 10);
    }

    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.querySelector("li[data-row]");
      list.appendChild(row);
      total.value = String(index + 1);
      enhance(row);
      refreshAdd();
      var first = row.querySelector("input, select, textarea");
      if (first) first.focus();
    });

    list.querySelectorAll("li[data-row]").forEach(enhance);
    list.addEventListener("input", update);
    refreshAdd();
    update();
  }

  document.querySelectorAll("fieldset[data-rows]").forEach(setUp);
})();
