/* Sanshe: confirm before an irreversible action, with a native <dialog>, no dependencies.
 * Usage: <form method="post" data-confirm="Withdraw this proposal? This cannot be undone.">
 *        or <button data-confirm="…"> inside any form. Without JavaScript the form submits as is. */
(function () {
  "use strict";
  function ask(message, onOk) {
    var dlg = document.getElementById("confirm-dialog");
    if (!dlg || typeof dlg.showModal !== "function") { if (window.confirm(message)) onOk(); return; }
    dlg.querySelector("#confirm-dialog-text").textContent = message;
    var opener = document.activeElement;
    dlg.returnValue = "";
    dlg.addEventListener("close", function handler() {
      dlg.removeEventListener("close", handler);
      if (opener && opener.focus) opener.focus();
      if (dlg.returnValue === "ok") onOk();
    });
    dlg.showModal();
  }
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var submitter = ev.submitter || null;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (!message || form.dataset.confirmed === "1") return;
    ev.preventDefault();
    ask(message, function () {
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      delete form.dataset.confirmed;
    });
  }, true);
})();
