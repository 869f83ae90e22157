/* Copy buttons: <button type="button" data-copy="#id" data-copied="已复制" hidden>复制</button>
 * copies the text of the element #id and says so on the button for two seconds (also read out:
 * the button's text changes inside an aria-live region). The button stays hidden without
 * JavaScript; the text itself can still be selected by hand. */
(function () {
  "use strict";
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy"));
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target) return;
    var label = button.textContent;
    var timer = null;
    button.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      var text = target.textContent.trim();
      var copying = navigator.clipboard && window.isSecureContext
        ? navigator.clipboard.writeText(text).catch(function () { return fallback(text); })
        : fallback(text);
      copying.then(function () {
        button.textContent = button.getAttribute("data-copied") || label;
        button.classList.add("copied");
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.textContent = label;
          button.classList.remove("copied");
        }, 2000);
      }, function () {});
    });
    button.hidden = false;
  });
})();
