/* Sanshe: the donation form (templates/funds/donate.html) posts its fields as JSON to the API URL
 * in data-url, then goes to Stripe's checkout page, or shows the API's errors (already in the
 * visitor's language) as an error message under the form; when the API or the network does not
 * answer with JSON, the message in data-unavailable. The fields are never changed here, so what
 * was typed and ticked stays as it was. */
(function () {
  "use strict";
  var form = document.getElementById("donate");
  if (!form) return;
  var error = document.getElementById("donate-error");
  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    var data = Object.fromEntries(new FormData(form));
    error.textContent = "";
    error.hidden = true;
    data.anonymous = form.anonymous.checked;
    var r, body;
    try {
      r = await fetch(form.dataset.url, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify(data),
      });
      body = await r.json();
    } catch (err) {
      body = null;
    }
    if (r && r.ok && body) { window.location = body.checkout_url; return; }
    var text = body ? Object.values(body).flat().join(" ") : "";
    error.textContent = text || form.dataset.unavailable;
    error.hidden = false;
  });
})();
