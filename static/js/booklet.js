// Essaim: follow a booklet being made in the background (the page refreshes itself without JS).
(function () {
  "use strict";
  var box = document.querySelector("[data-booklet-progress]");
  if (!box) return;
  var text = box.querySelector("[data-progress-text]");
  var bar = box.querySelector("[data-progress-bar]");
  var link = box.querySelector("[data-download]");
  var running = box.querySelector("template[data-running]").content.textContent;
  var ready = box.querySelector("template[data-ready]").content.textContent;

  function poll() {
    fetch(box.dataset.bookletProgress, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (state) {
        bar.max = state.total;
        bar.value = state.done;
        if (state.status === "done") {
          text.textContent = ready;
          link.href = state.download;
          link.hidden = false;
        } else if (state.status === "failed") {
          text.textContent = box.dataset.failed;
        } else {
          text.textContent = running.replace("{done}", state.done).replace("{total}", state.total);
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (!link.hidden) return;
  poll();
})();
