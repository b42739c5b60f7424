// Pickers on every page: units searched by name, short name or code (with their district), and Chinese date,
// month and date-time calendars (flatpickr, vendored in static/vendor/flatpickr).
(function () {
  "use strict";

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  // --- units ------------------------------------------------------------------------------------------------
  // <input data-unit-picker="dispatch|whistle|street|any" data-search-url=… [data-multiple]>: typing shows a list
  // of matching units (name · district · code); a click or Enter writes the unit's name into the input (with its
  // district when the name is shared; data-write="name": the name only, the page sets the district from the
  // "unit-picked" event). Several units are separated by 、.
  var SEPARATORS = /[\s,，、;；]+/;
  var pickerCount = 0;

  function unitPicker(input) {
    var multiple = input.dataset.multiple === "true";
    var id = "unit-options-" + (++pickerCount);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "picker-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "候选单位");
    list.hidden = true;
    var note = text("p", "", "picker-note muted");
    note.setAttribute("aria-live", "polite");
    var wrap = document.createElement("div");
    wrap.className = "picker";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(note);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    var options = [], active = -1, timer = null, sequence = 0;

    function term() {
      if (!multiple) return input.value.trim();
      var parts = input.value.split(SEPARATORS);
      return parts[parts.length - 1].trim();
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function pick(unit) {
      if (multiple) {
        var parts = input.value.split(SEPARATORS).filter(Boolean);
        parts.pop();
        if (parts.indexOf(unit.value) < 0) parts.push(unit.value);
        input.value = parts.join("、") + "、";
      } else {
        input.value = input.dataset.write === "name" ? unit.name : unit.value;  // the page sets the district
      }
      note.textContent = "已选：" + unit.name + (unit.district ? "（" + unit.district + "）" : "") + " · " +
        unit.kind + " · " + unit.code;
      close();
      input.dispatchEvent(new CustomEvent("unit-picked", { bubbles: true, detail: unit }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    }

    function show(units) {
      list.textContent = "";
      options = [];
      if (!units.length) {
        list.appendChild(text("li", "没有匹配的单位", "muted"));
      }
      units.forEach(function (unit, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.appendChild(text("span", unit.name, "picker-name"));
        li.appendChild(text("span", " " + [unit.district, unit.kind, unit.code].filter(Boolean).join(" · "),
          "muted"));
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep the focus in the input
        li.addEventListener("click", function () { pick(unit); });
        list.appendChild(li);
        options.push(li);
        li.unit = unit;
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function search() {
      var q = term();
      if (!q) { close(); return; }
      var n = ++sequence;
      var url = input.dataset.searchUrl + "?scope=" + encodeURIComponent(input.dataset.unitPicker) + "&q=" +
        encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && n === sequence && document.activeElement === input) show(data.units); })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      note.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { if (e.key === "ArrowDown") search(); return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, options.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter") {
        var chosen = options[active >= 0 ? active : 0];
        if (chosen) { e.preventDefault(); pick(chosen.unit); }
      } else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  // --- dates ------------------------------------------------------------------------------------------------
  // data-picker="date|month|datetime" (and any leftover type=date/month/datetime-local input): a Chinese
  // calendar; the value stays the typed text the server reads (2026-11-22, 2026-11, 2026-11-22 08:00).
  var FORMATS = { date: "Y-m-d", month: "Y-m", datetime: "Y-m-d H:i" };
  var NATIVE = { date: "date", month: "month", "datetime-local": "datetime" };

  function datePicker(input) {
    if (typeof window.flatpickr !== "function") return;
    var kind = input.dataset.picker || NATIVE[input.type];
    if (input.type !== "text") {
      var value = input.value.replace("T", " ");
      input.type = "text";
      input.value = value;
    }
    var zh = Object.assign({}, window.flatpickr.l10ns.zh, { firstDayOfWeek: 1 });  // weeks start on 周一
    var options = { locale: zh, dateFormat: FORMATS[kind], allowInput: true, disableMobile: true };
    if (kind === "datetime") { options.enableTime = true; options.time_24hr = true; }
    if (kind === "month" && window.monthSelectPlugin) {
      options.plugins = [new window.monthSelectPlugin({ shorthand: false, dateFormat: "Y-m", altFormat: "Y年n月" })];
    }
    window.flatpickr(input, options);
  }

  document.querySelectorAll("input[data-unit-picker]").forEach(unitPicker);
  document.querySelectorAll('input[data-picker], input[type="date"], input[type="month"], input[type="datetime-local"]')
    .forEach(datePicker);
})();
