// Essaim: small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  // Editor: Write / Preview tabs, the preview rendered by the server (same renderer as saving).
  function setupEditor() {
    var write = document.getElementById("tab-write");
    var preview = document.getElementById("tab-preview");
    if (!write || !preview) return;
    var form = document.getElementById("editor-form");
    var text = form.querySelector("textarea[name=text]");
    var writePanel = document.getElementById("panel-write");
    var previewPanel = document.getElementById("panel-preview");

    function select(tab) {
      var showPreview = tab === preview;
      write.setAttribute("aria-selected", String(!showPreview));
      preview.setAttribute("aria-selected", String(showPreview));
      writePanel.hidden = showPreview;
      previewPanel.hidden = !showPreview;
      if (!showPreview) { text.focus(); return; }
      previewPanel.textContent = preview.dataset.loading || "…";
      var body = new FormData();
      body.append("text", text.value);
      body.append("csrf_token", csrfToken(form));
      fetch(preview.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin",
                                          headers: { "X-CSRFToken": csrfToken(form) } })
        // 413: the server explains in the fragment that the text is too long to preview.
        .then(function (r) { return r.ok || r.status === 413 ? r.text() : Promise.reject(r.status); })
        .then(function (html) { previewPanel.innerHTML = html; })
        .catch(function () { previewPanel.textContent = "⚠"; });
    }
    write.addEventListener("click", function () { select(write); });
    preview.addEventListener("click", function () { select(preview); });
    [write, preview].forEach(function (tab) {
      tab.addEventListener("keydown", function (e) {
        if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
          var other = tab === write ? preview : write;
          other.focus(); select(other);
        }
      });
    });

    // Warn before leaving with unsaved text.
    var initial = text.value, submitting = false;
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (e) {
      if (!submitting && text.value !== initial) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  // A page just saved: its editor draft (static/js/draft.js) is not needed any more.
  function forgetSavedDrafts() {
    document.querySelectorAll("[data-forget-draft]").forEach(function (marker) {
      try { window.localStorage.removeItem("essaim-draft:" + marker.dataset.forgetDraft); }
      catch (e) { /* no storage: nothing kept */ }
    });
  }

  // Logging out forgets the editor drafts kept in this browser (a shared computer).
  function setupLogout() {
    document.querySelectorAll('form[action$="/logout"]').forEach(function (form) {
      form.addEventListener("submit", function () {
        try {
          for (var i = window.localStorage.length - 1; i >= 0; i--) {
            var name = window.localStorage.key(i);
            if (name && name.indexOf("essaim-draft:") === 0) window.localStorage.removeItem(name);
          }
        } catch (e) { /* no storage: nothing kept */ }
      });
    });
  }

  function setupPrint() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupEditor();
    setupLogout();
    forgetSavedDrafts();
    setupPrint();
  });
})();
