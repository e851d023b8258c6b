// Essaim offline copy: search over window.ESSAIM_INDEX (assets/search-index.js), no network.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var index = window.ESSAIM_INDEX || [];

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[’']/g, " ");
  }
  var prepared = index.map(function (entry) {
    return {
      entry: entry,
      title: fold(entry.title),
      place: fold(entry.territory + " " + entry.themes.join(" ")),
      text: fold(entry.lead + " " + entry.text)
    };
  });

  function search(query) {
    var words = fold(query).split(/[^a-z0-9]+/).filter(function (w) { return w.length > 1; });
    if (!words.length) return [];
    var hits = [];
    prepared.forEach(function (item) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var w = words[i];
        var inTitle = item.title.indexOf(w) >= 0, inPlace = item.place.indexOf(w) >= 0;
        var inText = item.text.indexOf(w) >= 0;
        if (!inTitle && !inPlace && !inText) return;  // every word must be found somewhere
        score += (inTitle ? 10 : 0) + (inPlace ? 5 : 0) + (inText ? 1 : 0);
      }
      hits.push({ entry: item.entry, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.entry.title.localeCompare(b.entry.title); });
    return hits;
  }

  function show(query) {
    var hits = search(query);
    list.innerHTML = "";
    hits.forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = hit.entry.url;
      a.textContent = hit.entry.title;
      li.appendChild(a);
      if (hit.entry.territory) li.appendChild(document.createTextNode(" — " + hit.entry.territory));
      if (hit.entry.lead) {
        var p = document.createElement("p");
        p.textContent = hit.entry.lead;
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    status.textContent = query.trim() ? (hits.length ? form.dataset.count.replace("{n}", hits.length) : form.dataset.none) : "";
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); show(input.value); });
  input.addEventListener("input", function () { show(input.value); });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; show(initial); }
})();
