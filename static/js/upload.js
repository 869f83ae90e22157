/* Sanshe: upload progress for <form enctype="multipart/form-data" data-upload-progress>.
 * Sends the form with XMLHttpRequest so the browser reports progress into the form's
 * .upload-progress <progress> (see templates/includes/upload_field.html); then follows the
 * server's redirect or shows the returned page. Without JavaScript the form posts normally. */
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute("data-upload-progress") || ev.defaultPrevented || !window.FormData) return;
    var box = form.querySelector(".upload-progress");
    if (!box) return;
    ev.preventDefault();
    var bar = box.querySelector("progress"), pct = box.querySelector(".upload-percent");
    box.hidden = false;
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    var xhr = new XMLHttpRequest();
    // getAttribute, not form.action: a field named "action" would shadow the property
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var p = Math.round((e.loaded / e.total) * 100);
      bar.value = p; bar.textContent = p + "%"; if (pct) pct.textContent = p + "%";
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href && xhr.status < 400) {
        window.location.assign(xhr.responseURL);
      } else {
        document.open(); document.write(xhr.responseText); document.close();
      }
    });
    xhr.addEventListener("error", function () {
      buttons.forEach(function (b) { b.disabled = false; });
      if (pct) pct.textContent = box.getAttribute("data-error") || "✗";
    });
    xhr.send(new FormData(form, ev.submitter || undefined));
  });
})();
