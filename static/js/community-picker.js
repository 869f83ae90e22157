/* Sanshe: the sign-up's street and community pickers. Choosing a street leaves only its
 * communities in the community list (each street is an <optgroup> labelled with its name).
 * Without JavaScript every community stays listed, grouped by street. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-street-picker]").forEach(function (street) {
    var community = street.form && street.form.elements[street.getAttribute("data-street-picker")];
    if (!community) return;
    function apply() {
      var chosen = street.selectedIndex > 0 ? street.options[street.selectedIndex].text : "";
      community.querySelectorAll("optgroup").forEach(function (group) {
        var show = !chosen || group.label === chosen;
        group.hidden = !show;
        group.disabled = !show;
        if (!show && group.contains(community.options[community.selectedIndex])) community.selectedIndex = 0;
      });
    }
    street.addEventListener("change", apply);
    apply();
  });
})();
