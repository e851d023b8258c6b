// Essaim: a small map of the experience's place on its page (Leaflet, as on /map).
(function () {
  "use strict";

  function setup() {
    var element = document.querySelector(".mini-map");
    if (!element || typeof L === "undefined") return;
    var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)];
    var map = L.map(element, { scrollWheelZoom: false, dragging: !L.Browser.mobile, tap: false })
      .setView(point, parseInt(element.dataset.zoom, 10) || 11);
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 18,
      attribution: element.dataset.tileAttribution
    }).addTo(map);
    L.marker(point, { title: element.dataset.title, alt: element.dataset.title }).addTo(map);
    element.classList.add("map-ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
