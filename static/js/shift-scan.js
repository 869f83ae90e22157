/* Sanshe: the in-page QR scanner on "My shifts" (templates/shifts/mine.html, #22).
 *
 * The button opens the phone's rear camera (getUserMedia, facingMode "environment"), draws the
 * frames to a canvas and decodes them: with the browser's own BarcodeDetector when it has one,
 * with jsQR otherwise (npm package, served from /static/vendor/jsqr/, see package.json). The QR
 * code at the place holds a link to /shifts/mine/?shift=…&code=…; the code it carries (or a bare
 * code) is put in the code input and the form is sent as if typed, with the position that
 * static/js/shift-check.js read when the worker allowed it. Without a camera, or when it is
 * refused, a message says so and the code input takes the focus. The section stays hidden where
 * the browser cannot scan (no camera API, not a secure context, no decoder): the code input works
 * everywhere. */
(function () {
  "use strict";
  var box = document.getElementById("qr-scan");
  var form = document.querySelector(".check-form");
  var input = form && form.querySelector("input[name=code]");
  if (!box || !input) return;
  var media = navigator.mediaDevices;
  var native = "BarcodeDetector" in window;
  if (!window.isSecureContext || !media || !media.getUserMedia || (!native && typeof window.jsQR !== "function")) return;

  var startButton = document.getElementById("qr-scan-start");
  var stopButton = document.getElementById("qr-scan-stop");
  var view = box.querySelector(".qr-scan-view");
  var video = box.querySelector("video");
  var status = document.getElementById("qr-scan-status");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var detector = null;
  var stream = null;
  var timer = null;
  box.hidden = false;

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "alert error" : "muted small";
    status.setAttribute("role", isError ? "alert" : "status");
  }

  /* The code a scanned text carries: the link's ``code`` (null when the link is another shift's),
   * or the text itself. */
  function codeFrom(text) {
    text = (text || "").trim();
    if (!text) return "";
    if (/^https?:\/\//i.test(text)) {
      try {
        var url = new URL(text);
        var shift = url.searchParams.get("shift");
        if (shift && shift !== box.dataset.shift) return null;
        return (url.searchParams.get("code") || "").trim();
      } catch (e) {
        return "";
      }
    }
    return text;
  }

  /* One picture (a video frame, an image or a canvas) of width × height: the QR text, or null. */
  function decode(source, width, height) {
    if (native) {
      try {
        detector = detector || new window.BarcodeDetector({ formats: ["qr_code"] });
        return detector.detect(source).then(function (found) {
          return found.length ? found[0].rawValue : null;
        }, function () {
          native = typeof window.jsQR !== "function" ? native : false;
          return null;
        });
      } catch (e) {
        native = false;
        if (typeof window.jsQR !== "function") return Promise.resolve(null);
      }
    }
    canvas.width = width;
    canvas.height = height;
    context.drawImage(source, 0, 0, width, height);
    var pixels = context.getImageData(0, 0, width, height);
    var found = window.jsQR(pixels.data, width, height, { inversionAttempts: "attemptBoth" });
    return Promise.resolve(found ? found.data : null);
  }

  function stop() {
    if (timer) window.clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    view.hidden = true;
    startButton.hidden = false;
  }

  /* The position read by shift-check.js, given a few seconds when it is still being read. */
  function whenPositionSettled(then) {
    var position = document.getElementById("position-status");
    var lat = document.getElementById("id_lat");
    var waited = 0;
    (function wait() {
      var reading = position && lat && !lat.value && position.textContent === position.dataset.waiting;
      if (reading && waited < 5000) {
        waited += 250;
        window.setTimeout(wait, 250);
      } else {
        then();
      }
    })();
  }

  /* The token is longer than the six typed characters: the input shows it whole (CSS
   * ".code-input.scanned") and its hint says it was read, as the page does for a link's code. */
  function fill(code) {
    input.value = code;
    input.classList.add("scanned");
    var help = document.getElementById(input.id + "_helptext");
    if (help) help.textContent = box.dataset.scannedHelp;
  }

  function send(code) {
    fill(code);
    var missing = Array.prototype.filter.call(form.querySelectorAll("input[required], textarea[required]"), function (field) {
      return field !== input && !field.value.trim();
    });
    if (missing.length) {
      say(box.dataset.fillIn, false);
      missing[0].focus();
      return;
    }
    say(box.dataset.sending, false);
    whenPositionSettled(function () {
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
  }

  function scan() {
    timer = null;
    if (!stream) return;
    var width = video.videoWidth;
    var height = video.videoHeight;
    if (video.readyState < 2 || !width || !height) {
      timer = window.setTimeout(scan, 200);
      return;
    }
    // jsQR reads a picture of at most 640 px across quickly enough on a phone.
    var scale = Math.min(1, 640 / Math.max(width, height));
    decode(video, Math.round(width * scale), Math.round(height * scale)).then(function (text) {
      if (!stream) return;
      var code = text === null ? "" : codeFrom(text);
      if (code === null) say(box.dataset.otherShift, true);
      if (code) {
        stop();
        send(code);
        return;
      }
      timer = window.setTimeout(scan, 200);
    });
  }

  function failed(error) {
    stop();
    var name = error && error.name;
    var text = box.dataset.failed;
    if (name === "NotAllowedError" || name === "SecurityError") text = box.dataset.denied;
    else if (name === "NotFoundError" || name === "OverconstrainedError" || name === "NotReadableError") text = box.dataset.noCamera;
    say(text, true);
    input.focus();
  }

  startButton.addEventListener("click", function () {
    say(box.dataset.opening, false);
    media.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.muted = true;
      video.setAttribute("playsinline", "");
      view.hidden = false;
      startButton.hidden = true;
      say(box.dataset.scanning, false);
      return video.play().then(scan);
    }).catch(failed);
  });
  stopButton.addEventListener("click", function () {
    stop();
    say("", false);
    input.focus();
  });
  window.addEventListener("pagehide", stop);
})();
