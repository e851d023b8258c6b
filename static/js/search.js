// Essaim search: title suggestions under every search box that has data-suggest-url.
// Without JavaScript the box still submits to /search.
(function () {
  "use strict";

  function setup(input) {
    var url = input.dataset.suggestUrl;
    if (!url || input.dataset.suggestReady) return;
    input.dataset.suggestReady = "1";
    var list = document.createElement("ul");
    var listId = (input.id || "search") + "-suggestions";
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-autocomplete", "list");
    input.parentNode.appendChild(list);
    var timer = null, active = -1, last = "";

    function close() { list.hidden = true; active = -1; input.setAttribute("aria-expanded", "false"); }

    function show(items) {
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = listId + "-" + i;
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;  // text, never HTML
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(items.length > 0));
      active = -1;
    }

    function highlight(i) {
      var options = list.querySelectorAll("li");
      if (!options.length) return;
      active = (i + options.length) % options.length;
      options.forEach(function (o, j) { o.setAttribute("aria-selected", String(j === active)); });
      input.setAttribute("aria-activedescendant", options[active].id);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        if (q === last) return;
        last = q;
        fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) { if (input.value.trim() === q) show(items); })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        window.location.href = list.querySelectorAll("li a")[active].href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // The facet panel is a sidebar, always open, on wide screens; a <details> closed by default
  // above the results on narrow ones (without JavaScript it simply stays open).
  function facetPanel(details) {
    var query = window.matchMedia("(min-width: " + (details.dataset.collapseBelow || "48rem") + ")");
    var summary = details.querySelector("summary");
    function apply() {
      details.open = query.matches;
      if (summary) {
        if (query.matches) { summary.setAttribute("tabindex", "-1"); }
        else { summary.removeAttribute("tabindex"); }
      }
    }
    if (summary) {
      summary.addEventListener("click", function (e) { if (query.matches) e.preventDefault(); });
    }
    if (query.addEventListener) query.addEventListener("change", apply);
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(setup);
    document.querySelectorAll("details[data-collapse-below]").forEach(facetPanel);
  });
})();
