// Search index page (/admin/search): while a rebuild runs, its progress is fetched every second.
// Without JavaScript the page shows the figures of its loading time and a "Refresh" link.
(function () {
  "use strict";

  var section = document.getElementById("rebuild");
  if (!section || section.dataset.state !== "running") return;
  var bar = document.getElementById("rebuild-bar");
  var figures = document.getElementById("rebuild-figures");
  var message = document.getElementById("rebuild-message");
  var button = document.getElementById("rebuild-button");

  function show(progress) {
    section.dataset.state = progress.state;
    if (bar) {
      bar.max = Math.max(progress.total, 1);
      bar.value = progress.state === "done" && !progress.total ? 1 : progress.done;
      bar.textContent = progress.text;
    }
    // Only on change: each write to a live region is read out.
    if (figures && figures.textContent !== progress.text) figures.textContent = progress.text;
    if (message && message.textContent !== progress.message) message.textContent = progress.message;
  }

  function poll() {
    fetch(section.dataset.progressUrl, { credentials: "same-origin",
                                         headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (progress) {
        show(progress);
        if (progress.state === "running") {
          window.setTimeout(poll, 1000);
        } else {
          var figure = document.getElementById("figure-rebuild");
          if (figure) figure.textContent = figure.dataset.ended;
          if (button) button.disabled = false;
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });  // a restart, a lost connection
  }

  window.setTimeout(poll, 1000);
})();
