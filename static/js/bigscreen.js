// 大屏: polls the snapshot endpoint (data-url) every data-poll-ms and redraws the figures, tables and charts
// (static/js/charts.js draws the ECharts options the server built). The page as served already shows the figures.
(function () {
  "use strict";
  var root = document.querySelector(".bs");
  if (!root) return;
  var url = root.dataset.url, pollMs = Math.max(parseInt(root.dataset.pollMs, 10) || 15000, 500);
  var charts = {};

  function cell(text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function fill(name, rows, build, emptyCols) {
    var body = root.querySelector('[data-rows="' + name + '"]');
    if (!body) return;
    var parts = rows.map(build);
    if (!parts.length) {
      var empty = document.createElement(body.tagName === "OL" ? "li" : "tr");
      if (empty.tagName === "TR") { var td = cell("今日暂无工单"); td.colSpan = emptyCols; empty.appendChild(td); }
      else empty.textContent = "今日暂无工单";
      parts = [empty];
    }
    body.replaceChildren.apply(body, parts);
  }

  function areaRow(a) {
    var tr = document.createElement("tr");
    [a.name, a.intake, a.open].forEach(function (v) { tr.appendChild(cell(String(v))); });
    tr.appendChild(cell(String(a.overdue), "hot"));
    tr.appendChild(cell(String(a.done)));
    return tr;
  }

  function problemRow(p) {
    var tr = document.createElement("tr");
    tr.appendChild(cell(p.item));
    tr.appendChild(cell(String(p.count)));
    return tr;
  }

  function latestItem(t) {
    var li = document.createElement("li");
    var line = document.createElement("div"), cat = document.createElement("div"), text = document.createElement("div");
    line.className = "bs-line"; cat.className = "bs-cat"; text.className = "bs-content";
    var time = document.createElement("time"); time.textContent = t.time;
    var area = document.createElement("span"); area.className = "bs-area"; area.textContent = t.area;
    var tier = document.createElement("span"); tier.className = "bs-tier"; tier.textContent = t.tier;
    line.append(time, " ", area, " ", tier);
    cat.textContent = t.category + " · " + t.status;
    text.textContent = t.content;
    li.append(line, cat, text);
    return li;
  }

  function drawCharts(options) {
    if (!window.HotlineCharts) return;
    root.querySelectorAll("[data-screen-chart]").forEach(function (element) {
      var name = element.dataset.screenChart, option = options[name];
      if (!option) return;
      if (charts[name]) { charts[name].then(function (chart) { if (chart) chart.setOption(option); }); return; }
      charts[name] = window.HotlineCharts.render(element, option, { theme: "dark", button: false });
    });
  }

  function show(data) {
    Object.keys(data.totals).forEach(function (key) {
      var el = root.querySelector('[data-total="' + key + '"]');
      if (el && el.textContent !== String(data.totals[key])) {
        el.textContent = String(data.totals[key]);
        el.classList.remove("bump"); void el.offsetWidth; el.classList.add("bump");
      }
    });
    root.querySelector('[data-field="generated_at"]').textContent = data.generated_at;
    fill("areas", data.areas, areaRow, 5);
    fill("top_problems", data.top_problems, problemRow, 2);
    fill("latest", data.latest, latestItem, 1);
    drawCharts(data.charts);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
      .then(function (data) { root.querySelector("[data-stale]").hidden = true; show(data); })
      .catch(function () { root.querySelector("[data-stale]").hidden = false; })
      .then(function () { window.setTimeout(poll, pollMs); });
  }

  // Beijing time whatever the screen computer's zone (the figures' day is the Beijing day)
  var clockFormat = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "long",
    day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  function tick() {
    root.querySelector("[data-clock]").textContent = clockFormat.format(new Date());
  }

  var full = root.querySelector("[data-fullscreen]");
  if (full && document.documentElement.requestFullscreen) {
    full.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen(); else document.documentElement.requestFullscreen();
    });
  } else if (full) {
    full.hidden = true;
  }

  var initial = document.getElementById("bs-charts");
  function start() {
    if (initial) drawCharts(JSON.parse(initial.textContent));
    tick();
    window.setInterval(tick, 1000);
    window.setTimeout(poll, pollMs);
  }
  if (document.readyState === "complete") start(); else window.addEventListener("load", start);
})();
