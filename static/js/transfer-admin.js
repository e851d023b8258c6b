// /admin/transfer/jobs/<id>: the progress bar follows a running import; the page reloads once it
// has ended, to show the report. Without JavaScript the "Refresh" link does the same.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section || section.dataset.state !== "running") return;
  var bar = document.getElementById("job-bar");
  var figures = document.getElementById("job-figures");
  function poll() {
    fetch(section.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.total) { bar.max = job.total; bar.value = job.done; }
        figures.textContent = job.done + " / " + job.total;
        if (job.state === "running") { window.setTimeout(poll, 1000); }
        else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
