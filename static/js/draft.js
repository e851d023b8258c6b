// Editor drafts: what is typed in the editor is kept in this browser until it is saved, so
// that a lost connection, or a server that failed while saving, loses nothing. Reopening the
// editor then offers to restore it. Logging out forgets every draft (see essaim.js).
(function () {
  "use strict";

  var form = document.getElementById("editor-form");
  var notice = document.getElementById("draft-notice");
  if (!form || !notice) return;
  var storage;
  try { storage = window.localStorage; } catch (e) { return; }  // private mode, disabled
  if (!storage) return;
  var key = "essaim-draft:" + form.getAttribute("action").split("?")[0];
  // Not part of what was typed: the token, the revision the edit started from (a saved text
  // comes back with a newer one), the history comment and the mode buttons.
  var IGNORED = { csrf_token: 1, base_revision: 1, comment: 1, "switch": 1 };

  function fields() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") out.push([name, value]);
    });
    return out;
  }

  function typed(list) {
    return JSON.stringify(list.filter(function (pair) { return !IGNORED[pair[0]]; }));
  }

  function read() {
    try { return JSON.parse(storage.getItem(key)); } catch (e) { return null; }
  }

  function forget() {
    try { storage.removeItem(key); } catch (e) { /* nothing kept */ }
  }

  var initial = typed(fields());
  var timer = null;

  function keep() {
    var now = fields();
    if (typed(now) === initial) return;
    try { storage.setItem(key, JSON.stringify({ fields: now, at: Date.now() })); }
    catch (e) { /* storage full: the page still works, without a draft */ }
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(keep, 800);
  }

  function restore(saved) {
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (box) {
      box.checked = false;
    });
    saved.fields.forEach(function (pair) {
      form.querySelectorAll('[name="' + CSS.escape(pair[0]) + '"]').forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === pair[1]) el.checked = true;
        } else if (el.type !== "submit" && el.type !== "button") {
          el.value = pair[1];
        }
      });
    });
    var mode = form.querySelector("input[name=mode]");
    if (mode) {  // show the panel the draft was typed in, as it was
      var formPanel = document.getElementById("mode-form");
      var rawPanel = document.getElementById("mode-raw");
      if (formPanel) formPanel.hidden = mode.value !== "form";
      if (rawPanel) rawPanel.hidden = mode.value !== "raw";
      form.querySelectorAll("[data-mode]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.dataset.mode === mode.value));
      });
    }
  }

  var saved = read();
  if (saved && saved.fields && typed(saved.fields) !== initial) {
    var time = document.getElementById("draft-time");
    if (time) {
      var at = new Date(saved.at);
      time.dateTime = at.toISOString();
      time.textContent = at.toLocaleString(document.documentElement.lang || undefined,
                                           { dateStyle: "short", timeStyle: "short" });
    }
    notice.hidden = false;
    document.getElementById("draft-restore").addEventListener("click", function () {
      restore(saved);
      notice.hidden = true;
      var focus = form.querySelector("[name=mode]") && form.querySelector("[name=mode]").value === "raw"
        ? form.querySelector("textarea[name=text]") : form.querySelector("textarea[name=body]");
      if (focus) focus.focus();
    });
    document.getElementById("draft-discard").addEventListener("click", function () {
      forget();
      notice.hidden = true;
    });
  } else if (saved) {
    forget();  // what was kept is what the page holds now: it was saved
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", keep);  // kept until the next visit shows it was saved
})();
