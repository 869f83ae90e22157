/* Sanshe: the donation form (templates/funds/donate.html) posts its fields as JSON to the API URL
 * in data-url, then goes to Stripe's checkout page, or shows the API's field errors (already in
 * the visitor's language) under the form. */
(function () {
  "use strict";
  var form = document.getElementById("donate");
  if (!form) return;
  var error = document.getElementById("donate-error");
  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    var data = Object.fromEntries(new FormData(form));
    error.textContent = "";
    data.anonymous = form.anonymous.checked;
    var r = await fetch(form.dataset.url, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(data),
    });
    var body = await r.json();
    if (r.ok) { window.location = body.checkout_url; return; }
    error.textContent = Object.values(body).flat().join(" ");
  });
})();
