/* Sanshe's small map of open work orders: Web Mercator tiles from the configured tile server as
 * <img> elements, and one marker link per order. No third-party code, no other host contacted.
 *
 * Markup: <div data-slippy-map data-tile-url="https://host/{z}/{x}/{y}.png" data-points="ID"
 * data-center-lat=".." data-center-lon=".."> with .map-viewport > .map-tiles + .map-markers, and
 * <script type="application/json" id="ID"> holding [{id, lat, lon, label, url, overdue}].
 * Keyboard: arrow keys pan, + / − zoom, Tab walks the markers (each focused one is brought into view).
 */
(function () {
  "use strict";

  var TILE = 256;
  var MIN_ZOOM = 3;
  var MAX_ZOOM = 18;
  var PAN_STEP = 96;

  function worldSize(zoom) {
    return TILE * Math.pow(2, zoom);
  }

  function project(lat, lon, zoom) {
    var size = worldSize(zoom);
    var sin = Math.min(Math.max(Math.sin((lat * Math.PI) / 180), -0.9999), 0.9999);
    return {
      x: ((lon + 180) / 360) * size,
      y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size,
    };
  }

  function unproject(x, y, zoom) {
    var size = worldSize(zoom);
    var n = Math.PI - (2 * Math.PI * y) / size;
    return {
      lat: (180 / Math.PI) * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n))),
      lon: (x / size) * 360 - 180,
    };
  }

  function tileUrl(template, z, x, y) {
    return template.replace("{z}", z).replace("{x}", x).replace("{y}", y);
  }

  /* The largest zoom at which every point fits in the viewport, with a margin. */
  function fitZoom(points, width, height) {
    if (points.length < 2) return 15;
    for (var z = 16; z > MIN_ZOOM; z--) {
      var xs = [];
      var ys = [];
      points.forEach(function (p) {
        var q = project(p.lat, p.lon, z);
        xs.push(q.x);
        ys.push(q.y);
      });
      var spanX = Math.max.apply(null, xs) - Math.min.apply(null, xs);
      var spanY = Math.max.apply(null, ys) - Math.min.apply(null, ys);
      if (spanX <= width - 64 && spanY <= height - 64) return z;
    }
    return MIN_ZOOM;
  }

  function SlippyMap(root) {
    this.root = root;
    this.template = root.getAttribute("data-tile-url");
    this.viewport = root.querySelector(".map-viewport");
    this.tileLayer = root.querySelector(".map-tiles");
    this.markerLayer = root.querySelector(".map-markers");
    var source = document.getElementById(root.getAttribute("data-points"));
    this.points = source ? JSON.parse(source.textContent) : [];
    this.tiles = {};
    this.markers = [];
    var width = this.viewport.clientWidth || 600;
    var height = this.viewport.clientHeight || 400;
    this.zoom = fitZoom(this.points, width, height);
    this.center = this.pointsCenter() || {
      lat: parseFloat(root.getAttribute("data-center-lat")),
      lon: parseFloat(root.getAttribute("data-center-lon")),
    };
    this.buildMarkers();
    this.bindEvents();
    this.render();
  }

  SlippyMap.prototype.pointsCenter = function () {
    if (!this.points.length) return null;
    var zoom = this.zoom;
    var xs = [];
    var ys = [];
    this.points.forEach(function (p) {
      var q = project(p.lat, p.lon, zoom);
      xs.push(q.x);
      ys.push(q.y);
    });
    return unproject(
      (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2,
      (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2,
      zoom
    );
  };

  SlippyMap.prototype.buildMarkers = function () {
    var self = this;
    this.points.forEach(function (p) {
      var a = document.createElement("a");
      a.className = "map-marker" + (p.overdue ? " overdue" : "");
      a.href = p.url;
      a.title = p.label + (p.address ? " · " + p.address : "");
      a.setAttribute("aria-label", a.title);
      a.setAttribute("data-order", p.id);
      a.addEventListener("focus", function () {
        self.bringIntoView(p);
      });
      self.markerLayer.appendChild(a);
      self.markers.push({ point: p, el: a });
    });
  };

  /* Top-left corner of the viewport in world pixels at the current zoom. */
  SlippyMap.prototype.origin = function () {
    var c = project(this.center.lat, this.center.lon, this.zoom);
    return { x: c.x - this.viewport.clientWidth / 2, y: c.y - this.viewport.clientHeight / 2 };
  };

  SlippyMap.prototype.render = function () {
    var width = this.viewport.clientWidth;
    var height = this.viewport.clientHeight;
    var origin = this.origin();
    var count = Math.pow(2, this.zoom);
    var wanted = {};
    var firstX = Math.floor(origin.x / TILE);
    var lastX = Math.floor((origin.x + width - 1) / TILE);
    var firstY = Math.max(0, Math.floor(origin.y / TILE));
    var lastY = Math.min(count - 1, Math.floor((origin.y + height - 1) / TILE));
    for (var tx = firstX; tx <= lastX; tx++) {
      for (var ty = firstY; ty <= lastY; ty++) {
        var wrappedX = ((tx % count) + count) % count;
        var key = this.zoom + "/" + tx + "/" + ty;
        var img = this.tiles[key];
        if (!img) {
          img = document.createElement("img");
          img.alt = "";
          img.draggable = false;
          img.decoding = "async";
          img.addEventListener("error", markMissing);
          img.src = tileUrl(this.template, this.zoom, wrappedX, ty);
          this.tileLayer.appendChild(img);
          this.tiles[key] = img;
        }
        img.style.left = Math.round(tx * TILE - origin.x) + "px";
        img.style.top = Math.round(ty * TILE - origin.y) + "px";
        wanted[key] = true;
      }
    }
    for (var k in this.tiles) {
      if (!wanted[k]) {
        this.tileLayer.removeChild(this.tiles[k]);
        delete this.tiles[k];
      }
    }
    var zoom = this.zoom;
    this.markers.forEach(function (m) {
      var q = project(m.point.lat, m.point.lon, zoom);
      m.el.style.left = Math.round(q.x - origin.x) + "px";
      m.el.style.top = Math.round(q.y - origin.y) + "px";
    });
  };

  function markMissing(event) {
    event.target.classList.add("tile-missing");
  }

  SlippyMap.prototype.panBy = function (dx, dy) {
    var c = project(this.center.lat, this.center.lon, this.zoom);
    this.center = unproject(c.x + dx, c.y + dy, this.zoom);
    this.render();
  };

  SlippyMap.prototype.zoomBy = function (delta) {
    var zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.zoom + delta));
    if (zoom === this.zoom) return;
    this.zoom = zoom;
    this.render();
  };

  SlippyMap.prototype.bringIntoView = function (point) {
    var origin = this.origin();
    var q = project(point.lat, point.lon, this.zoom);
    var x = q.x - origin.x;
    var y = q.y - origin.y;
    var margin = 32;
    if (x < margin || y < margin || x > this.viewport.clientWidth - margin || y > this.viewport.clientHeight - margin) {
      this.center = { lat: point.lat, lon: point.lon };
      this.render();
    }
    this.viewport.scrollTop = 0;
    this.viewport.scrollLeft = 0;
  };

  SlippyMap.prototype.bindEvents = function () {
    var self = this;
    this.root.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        self.zoomBy(parseInt(button.getAttribute("data-zoom"), 10));
      });
    });
    this.viewport.addEventListener("keydown", function (event) {
      var moves = {
        ArrowLeft: [-PAN_STEP, 0],
        ArrowRight: [PAN_STEP, 0],
        ArrowUp: [0, -PAN_STEP],
        ArrowDown: [0, PAN_STEP],
      };
      if (event.target !== self.viewport) return;
      if (moves[event.key]) {
        self.panBy(moves[event.key][0], moves[event.key][1]);
      } else if (event.key === "+" || event.key === "=") {
        self.zoomBy(1);
      } else if (event.key === "-" || event.key === "_") {
        self.zoomBy(-1);
      } else {
        return;
      }
      event.preventDefault();
    });
    var drag = null;
    this.viewport.addEventListener("pointerdown", function (event) {
      if (event.target.closest(".map-marker")) return;
      drag = { x: event.clientX, y: event.clientY };
      self.viewport.setPointerCapture(event.pointerId);
    });
    this.viewport.addEventListener("pointermove", function (event) {
      if (!drag) return;
      self.panBy(drag.x - event.clientX, drag.y - event.clientY);
      drag = { x: event.clientX, y: event.clientY };
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      self.viewport.addEventListener(name, function () {
        drag = null;
      });
    });
    this.viewport.addEventListener(
      "wheel",
      function (event) {
        event.preventDefault();
        self.zoomBy(event.deltaY < 0 ? 1 : -1);
      },
      { passive: false }
    );
    window.addEventListener("resize", function () {
      self.render();
    });
  };

  function start() {
    document.querySelectorAll("[data-slippy-map]").forEach(function (root) {
      root.slippyMap = new SlippyMap(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
