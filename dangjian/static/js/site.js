// 党建工作平台: the little behaviour pages need, kept out of the HTML so the Content-Security-Policy
// can forbid inline script. Event delegation on the document also covers content htmx swaps in.
"use strict";
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});

// Pickers: an <input data-picker-url> (an organisation code, a member's number or name, which the
// form accepts as typed text) becomes a type-to-search list backed by the API. Without this script,
// or without tom-select, the plain input still submits.
function initPickers(root) {
  if (typeof window.TomSelect !== "function") {
    return;
  }
  root.querySelectorAll("input[data-picker-url]").forEach(function (input) {
    if (input.tomselect) {
      return;
    }
    var valueField = input.getAttribute("data-picker-value") || "id";
    var url = input.getAttribute("data-picker-url");
    var multiple = input.getAttribute("data-picker-multiple") === "true";
    var current = input.value;
    var options = [];
    var items = [];
    if (multiple) {
      // several values, comma-separated; their labels come as JSON (data-picker-options)
      try { options = JSON.parse(input.getAttribute("data-picker-options") || "[]"); } catch (e) { options = []; }
      items = options.map(function (o) { return String(o[valueField]); });
    } else if (current) {
      var option = { label: input.getAttribute("data-picker-label") || current };
      option[valueField] = current;
      options.push(option);
      items = [current];
    }
    new window.TomSelect(input, {
      maxItems: multiple ? null : 1,
      delimiter: ",",
      clearAfterSelect: multiple,  // type the next one straight after picking
      valueField: valueField,
      labelField: "label",
      searchField: ["label"],
      options: options,
      items: items,
      create: false,
      preload: "focus",
      loadThrottle: 200,
      maxOptions: 50,
      // The server has matched the text already (by name, code or number): show what it sent.
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        var picker = this;
        var sep = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + sep + "q=" + encodeURIComponent(query), {
          credentials: "same-origin", headers: { Accept: "application/json" }
        }).then(function (response) {
          return response.ok ? response.json() : { items: [] };
        }).then(function (data) {
          picker.clearOptions();  // keep only this answer's matches (and the chosen item)
          callback(data.items || []);
        }).catch(function () { callback(); });
      },
      render: {
        no_results: function () { return '<div class="no-results">没有找到，请换个名称或代码</div>'; },
        loading: function () { return '<div class="spinner">正在查找…</div>'; }
      }
    });
  });
}

document.addEventListener("DOMContentLoaded", function () { initPickers(document); });
document.addEventListener("htmx:afterSwap", function (event) { initPickers(event.target); });

// The main menu's groups (<details name="mainnav">) close when one clicks elsewhere or presses Escape.
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.navgroup[open]").forEach(function (group) {
    if (!group.contains(event.target)) {
      group.removeAttribute("open");
    }
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") {
    return;
  }
  document.querySelectorAll("details.navgroup[open]").forEach(function (group) {
    group.removeAttribute("open");
    group.querySelector("summary").focus();
  });
});
