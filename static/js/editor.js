// Essaim editor: keeps the metadata form and the raw text in sync, suggests communes.
// The server does every YAML conversion (POST /editor/sync); without this script the form
// still works: the server composes the text on save and switches modes on request.
(function () {
  "use strict";

  var form = document.getElementById("editor-form");
  if (!form || !form.dataset.syncUrl) return;
  var FIELDS = ["type", "territory", "insee", "scale", "setting", "themes", "tags", "status",
                "started", "actors", "lat", "lon", "inspire_par"];
  var modeInput = form.querySelector("input[name=mode]");
  var source = form.querySelector("input[name=source]");
  var body = form.querySelector("textarea[name=body]");
  var text = form.querySelector("textarea[name=text]");
  var formPanel = document.getElementById("mode-form");
  var rawPanel = document.getElementById("mode-raw");
  var modeButtons = form.querySelectorAll("[data-mode]");
  var previewTab = document.getElementById("tab-preview");
  var dirty = false, timer = null;

  function token() {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function post(payload) {
    return fetch(form.dataset.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token() },
      body: JSON.stringify(payload)
    }).then(function (r) {
      return r.json().catch(function () { return Promise.reject(r.status); });
    });
  }

  function fieldValues() {
    var values = {};
    FIELDS.forEach(function (name) {
      if (name === "themes") {
        values.themes = Array.prototype.map.call(
          form.querySelectorAll("input[name=themes]:checked"), function (c) { return c.value; });
      } else {
        var input = form.elements[name];
        values[name] = input ? input.value : "";
      }
    });
    return values;
  }

  function setFields(values) {
    FIELDS.forEach(function (name) {
      var value = values[name];
      if (name === "themes") {
        var wanted = value || [];
        var list = form.querySelector("ul.checkboxes");
        wanted.forEach(function (theme) {  // a theme outside the vocabulary stays visible
          if (!form.querySelector('input[name=themes][value="' + CSS.escape(theme) + '"]')) {
            var li = document.createElement("li");
            var box = document.createElement("input");
            box.type = "checkbox"; box.name = "themes"; box.value = theme;
            box.id = "themes-extra-" + list.children.length;
            var label = document.createElement("label");
            label.htmlFor = box.id; label.textContent = theme;
            li.appendChild(box); li.appendChild(document.createTextNode(" ")); li.appendChild(label);
            list.appendChild(li);
          }
        });
        form.querySelectorAll("input[name=themes]").forEach(function (box) {
          box.checked = wanted.indexOf(box.value) >= 0;
        });
        return;
      }
      var input = form.elements[name];
      if (!input) return;
      if (input.tagName === "SELECT" && value &&
          !Array.prototype.some.call(input.options, function (o) { return o.value === value; })) {
        input.add(new Option(value, value));
      }
      input.value = value || "";
    });
  }

  // Errors next to their fields, replacing what the server or a previous sync showed.
  function showErrors(errors) {
    form.querySelectorAll(".error").forEach(function (p) { p.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
    var raw = modeInput.value === "raw";
    (errors || []).forEach(function (error) {
      var name = raw ? "text" : error.field;
      var container, inputs;
      if (name === "themes" || name === "lat" || name === "lon") {
        container = name === "themes" ? document.getElementById("themes")
                                      : form.querySelector("fieldset.coordinates");
        inputs = name === "themes"
          ? form.querySelectorAll("input[name=themes][id^=themes-extra], input[name=themes]:checked")
          : container.querySelectorAll("input");
      } else {
        var input = form.elements[name] || text;
        container = input.closest(".field") || input.parentNode;
        inputs = [input];
      }
      if (!container) return;
      container.classList.add("has-error");
      Array.prototype.forEach.call(inputs, function (i) { i.setAttribute("aria-invalid", "true"); });
      var p = document.createElement("p");
      p.className = "error"; p.setAttribute("role", "alert");
      var label = raw && error.key !== "front_matter" ? labelOf(error.field) : "";
      p.textContent = (label ? label + " : " : "") + error.message;
      container.appendChild(p);
    });
  }

  function labelOf(name) {
    var label = form.querySelector('label[for="' + name + '"]');
    return label ? label.textContent.trim() : name;
  }

  // `switching`: the answer is for a switch to raw mode; other answers arriving once the raw
  // text is shown must not overwrite what the user types there.
  var latest = 0;
  function toText(switching) {
    var request = ++latest;
    return post({ source: source.value, fields: fieldValues(), body: body.value })
      .then(function (data) {
        var current = request === latest && (switching || modeInput.value === "form");
        if (current && data.text !== null && data.text !== undefined) {
          text.value = data.text; dirty = false;
        }
        data.current = current;
        return data;
      });
  }

  function show(mode) {
    modeInput.value = mode;
    formPanel.hidden = mode !== "form";
    rawPanel.hidden = mode !== "raw";
    modeButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
    });
  }

  function switchTo(mode) {
    if (mode === modeInput.value) return;
    clearTimeout(timer);
    if (mode === "raw") {
      toText(true).then(function (data) { show("raw"); showErrors(data.errors); text.focus(); })
        .catch(function () { form.requestSubmit(form.querySelector('[data-mode="raw"]')); });
      return;
    }
    post({ text: text.value }).then(function (data) {
      if (!data.fields) { showErrors(data.errors); text.focus(); return; }  // fix the YAML first
      source.value = text.value;
      setFields(data.fields);
      body.value = data.body;
      show("form");
      showErrors(data.errors);
      form.elements.type.focus();
    }).catch(function () { form.requestSubmit(form.querySelector('[data-mode="form"]')); });
  }

  modeButtons.forEach(function (button) {
    button.addEventListener("click", function (e) {
      e.preventDefault();
      switchTo(button.dataset.mode);
    });
  });

  // Keep the raw text current while the form is used: the preview and the "unsaved changes"
  // warning read it.
  function changed() {
    if (modeInput.value !== "form") return;
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (modeInput.value === "form") toText().catch(function () {});
    }, 400);
  }
  formPanel.addEventListener("input", changed);
  formPanel.addEventListener("change", function (e) {
    changed();
    if (e.target === body) return;
    clearTimeout(timer);
    toText().then(function (data) { if (data.current) showErrors(data.errors); })
      .catch(function () {});
  });
  if (previewTab) {
    // Runs before essaim.js's own handler: bring the text up to date, then preview it.
    previewTab.addEventListener("click", function (e) {
      if (modeInput.value !== "form" || !dirty) return;
      e.stopImmediatePropagation();
      clearTimeout(timer);
      toText().catch(function () {}).then(function () { dirty = false; previewTab.click(); });
    }, true);
  }

  // Commune suggestions from /api/v1/communes?q= ; if that endpoint is missing, no suggestions.
  var communesUrl = form.dataset.communesUrl;
  var found = {};
  var available = Boolean(communesUrl);

  function suggest(input, listId, render) {
    var list = document.getElementById(listId);
    var pending = null;
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (pick(input, q)) return;
      if (!available || q.length < 2) return;
      clearTimeout(pending);
      pending = setTimeout(function () {
        fetch(communesUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin",
                                                            headers: { Accept: "application/json" } })
          .then(function (r) {
            if (r.status === 404) { available = false; }
            return r.ok ? r.json() : Promise.reject(r.status);
          })
          .then(function (data) {
            var communes = Array.isArray(data) ? data : (data.communes || data.results || []);
            list.textContent = "";
            communes.slice(0, 10).forEach(function (c) {
              var option = render(c);
              found[option.value] = c;
              list.appendChild(option);
            });
          })
          .catch(function () { list.textContent = ""; });
      }, 200);
    });
  }

  function pick(input, value) {
    var commune = found[value];
    if (!commune) return false;
    var territory = form.elements.territory, insee = form.elements.insee;
    if (input === territory || !territory.value) territory.value = commune.name;
    insee.value = commune.code;
    if (!form.elements.lat.value && !form.elements.lon.value && commune.lat != null) {
      form.elements.lat.value = commune.lat;
      form.elements.lon.value = commune.lon;
    }
    changed();
    return true;
  }

  if (form.elements.territory && form.elements.insee) {
    suggest(form.elements.territory, "territory-suggestions", function (c) {
      return new Option(c.department ? c.department : c.code, c.name + " (" + c.code + ")");
    });
    suggest(form.elements.insee, "insee-suggestions", function (c) {
      return new Option(c.name + (c.department ? " (" + c.department + ")" : ""), c.code);
    });
  }
})();
