// Photos and documents in the editor: a button, drag and drop, or paste (a phone photo, a
// screenshot). A dialog asks for the description (required for pictures), credit and licence,
// the file is sent with a progress bar, and a Markdown line is inserted where the cursor was.
// Without this script, the page's "Files" tab offers the same upload as a plain form.
(function () {
  "use strict";

  var form = document.getElementById("editor-form");
  var dialog = document.getElementById("upload-dialog");
  if (!form || !dialog || !window.FormData || !dialog.showModal) return;
  var bar = document.getElementById("upload-bar");
  var picker = document.getElementById("upload-picker");
  var dialogForm = document.getElementById("upload-form");
  var preview = document.getElementById("upload-preview");
  var nameInput = document.getElementById("upload-name");
  var altInput = document.getElementById("upload-alt");
  var altField = document.getElementById("upload-alt-field");
  var progress = document.getElementById("upload-progress");
  var errorBox = document.getElementById("upload-error");
  var sendButton = document.getElementById("upload-send");
  var status = document.getElementById("upload-status");
  var chosen = null, target = null, selection = [0, 0], previewUrl = null;

  bar.hidden = false;

  function textArea() {
    var raw = form.querySelector("input[name=mode]").value === "raw";
    return form.querySelector(raw ? "textarea[name=text]" : "textarea[name=body]");
  }

  function remember() {
    target = textArea();
    selection = [target.selectionStart, target.selectionEnd];
  }

  function isImage(file) { return /^image\//.test(file.type); }

  function open(file) {
    if (!file) return;
    if (!target) remember();
    chosen = file;
    errorBox.hidden = true;
    errorBox.textContent = "";
    progress.hidden = true;
    progress.value = 0;
    sendButton.disabled = false;
    nameInput.value = file.name && file.name !== "image.png" ? file.name : "";
    altInput.value = "";
    altInput.required = isImage(file);
    altField.classList.toggle("required", isImage(file));
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    preview.textContent = "";
    if (isImage(file)) {
      previewUrl = URL.createObjectURL(file);
      var img = document.createElement("img");
      img.src = previewUrl;
      img.alt = "";
      preview.appendChild(img);
    } else {
      preview.textContent = file.name + " (" + Math.round(file.size / 1000) + " ko)";
    }
    dialog.showModal();
    (isImage(file) ? altInput : nameInput).focus();
  }

  function insert(line) {
    var area = target || textArea();
    var before = area.value.slice(0, selection[0]);
    var after = area.value.slice(selection[1]);
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var trail = after && !/^\n/.test(after) ? "\n\n" : "\n";
    area.value = before + lead + line + trail + after;
    var caret = (before + lead + line + trail).length;
    area.setSelectionRange(caret, caret);
    area.dispatchEvent(new Event("input", { bubbles: true }));  // drafts and raw-text sync
    area.focus();
    target = null;
    var previewTab = document.getElementById("tab-preview");
    if (previewTab && previewTab.getAttribute("aria-selected") === "true") previewTab.click();
  }

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    progress.hidden = true;
    sendButton.disabled = false;
  }

  dialogForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (event.submitter && event.submitter.value === "cancel") { dialog.close(); return; }
    if (altInput.required && !altInput.value.trim()) {
      fail(altInput.dataset.missing);
      altInput.focus();
      return;
    }
    var data = new FormData(dialogForm);
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    data.append("file", chosen, chosen.name || "image.png");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", dialogForm.getAttribute("action"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total);
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { /* an HTML error page */ }
      if (xhr.status === 201 && answer) {
        dialog.close();
        insert(answer.markdown);
        status.textContent = status.dataset.done.replace("%(name)s", answer.name);
        return;
      }
      if (answer && answer.suggestion) nameInput.value = answer.suggestion;
      fail(answer && answer.error ? answer.error : dialog.dataset.failed);
    });
    xhr.addEventListener("error", function () { fail(dialog.dataset.offline); });
    progress.hidden = false;
    sendButton.disabled = true;
    xhr.send(data);
  });

  dialog.addEventListener("close", function () { chosen = null; });

  document.getElementById("upload-button").addEventListener("click", function () {
    remember();
    picker.click();
  });
  picker.addEventListener("change", function () {
    open(picker.files[0]);
    picker.value = "";
  });

  [form.querySelector("textarea[name=body]"), form.querySelector("textarea[name=text]")]
    .forEach(function (area) {
      if (!area) return;
      area.addEventListener("dragover", function (e) {
        if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) {
          e.preventDefault();
          area.classList.add("drop-target");
        }
      });
      area.addEventListener("dragleave", function () { area.classList.remove("drop-target"); });
      area.addEventListener("drop", function (e) {
        area.classList.remove("drop-target");
        if (!e.dataTransfer || !e.dataTransfer.files.length) return;
        e.preventDefault();
        target = area;
        selection = [area.selectionStart, area.selectionEnd];
        open(e.dataTransfer.files[0]);
      });
      area.addEventListener("paste", function (e) {
        var files = e.clipboardData && e.clipboardData.files;
        if (!files || !files.length) return;
        e.preventDefault();
        target = area;
        selection = [area.selectionStart, area.selectionEnd];
        open(files[0]);
      });
    });
})();
