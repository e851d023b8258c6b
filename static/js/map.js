// Essaim map: experiences from /map.json on Leaflet tiles. The page lists them in HTML too.
(function () {
  "use strict";

  function popup(properties, approximateLabel, territoryLabel) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.title;
    box.appendChild(link);
    var details = [properties.territory, properties.status].filter(Boolean).join(" · ");
    if (details) {
      var p = document.createElement("p");
      p.textContent = details;
      box.appendChild(p);
    }
    if (properties.approximate) {
      var note = document.createElement("p");
      note.className = "approximate";
      // An EPCI, a department or a region is placed where its people live, not at a town.
      var label = properties.located === "territory" ? territoryLabel : approximateLabel;
      var where = properties.centre_of || properties.commune;
      note.textContent = label + (where ? " (" + where + ")" : "");
      box.appendChild(note);
    }
    return box;
  }

  function setup() {
    var element = document.getElementById("map");
    if (!element || typeof L === "undefined") return;
    element.classList.add("map-ready");
    var map = L.map(element, { scrollWheelZoom: false }).setView([46.6, 2.4], 5);
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 18,
      attribution: element.dataset.tileAttribution
    }).addTo(map);
    fetch(element.dataset.geojsonUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          onEachFeature: function (feature, marker) {
            marker.bindPopup(popup(feature.properties, element.dataset.approximateLabel,
                                   element.dataset.territoryLabel));
            marker.options.title = feature.properties.title;
            marker.options.alt = feature.properties.title;
          }
        }).addTo(map);
        if (collection.features.length) {
          map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 11 });
        }
      })
      .catch(function () { element.classList.add("map-failed"); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
