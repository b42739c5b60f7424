// Charts (Apache ECharts, vendored): every <div data-chart="ID"> is drawn from the JSON of <script id="ID"
// type="application/json"> (Django's json_script, an ECharts option built by a selector on the server). The table
// beside each chart is the page's own; without JavaScript it stays and the chart box stays empty.
//   data-chart-theme="dark"  the dark theme (the big screen); light otherwise
//   data-chart-name="…"      the PNG's file name (default: the option's title)
// Each chart gets an 导出PNG button (and ECharts' own save icon) exporting with its background and title.
// A chart whose option uses map "北京" waits for the Beijing districts' GeoJSON (the URL in this script tag's
// data-beijing, or the chart's data-beijing). Other pages' scripts use window.HotlineCharts.render(el, option, opts).
(function () {
  "use strict";
  var script = document.currentScript;
  var BEIJING = "北京";
  var BACKGROUND = { light: "#ffffff", dark: "#0b1a2e" };
  var beijingLoad = null;

  function pageFont() {
    return window.getComputedStyle(document.body).fontFamily || "sans-serif";
  }

  function usesBeijing(option) {
    var geos = [].concat(option.geo || []), series = [].concat(option.series || []);
    return geos.concat(series).some(function (part) { return part && part.map === BEIJING; });
  }

  // The districts' GeoJSON, fetched once and registered as the map "北京".
  function beijing(url) {
    if (window.echarts.getMap && window.echarts.getMap(BEIJING)) return Promise.resolve();
    if (!beijingLoad) {
      url = url || (script && script.dataset.beijing);
      beijingLoad = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("北京地图数据加载失败：" + response.status);
        return response.json();
      }).then(function (geojson) { window.echarts.registerMap(BEIJING, geojson); });
    }
    return beijingLoad;
  }

  function titleOf(option) {
    var title = [].concat(option.title || [])[0];
    return (title && title.text) || "图表";
  }

  // House defaults under the server's option: the page's font, a canvas tooltip (CSP forbids the HTML tooltip's
  // inline styles), the save icon with the background, and no animation for people who asked for less motion.
  function withDefaults(option, theme, name) {
    var background = BACKGROUND[theme];
    var merged = Object.assign({}, option);
    merged.backgroundColor = option.backgroundColor || background;
    merged.textStyle = Object.assign({ fontFamily: pageFont() }, option.textStyle || {});
    merged.tooltip = [].concat(option.tooltip || { trigger: "item" }).map(function (tip) {
      return Object.assign({ confine: true }, tip, { renderMode: "richText" });
    });
    if (option.toolbox !== false) {
      merged.toolbox = Object.assign({ right: 8, top: 0 }, option.toolbox || {}, {
        feature: Object.assign({
          saveAsImage: { title: "导出PNG", name: name, backgroundColor: background, pixelRatio: 2 },
        }, (option.toolbox || {}).feature || {}),
      });
    } else {
      delete merged.toolbox;
    }
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) merged.animation = false;
    return merged;
  }

  // Small multiples (option.panels = {count, minWidth, rowHeight, top}): as many columns as the box's width holds
  // (1–4), the box as tall as the rows; option.title[0] is the chart's title, title[i + 1] and grid[i] panel i's.
  function layoutPanels(element, option) {
    var p = option.panels;
    var width = element.clientWidth || 360;
    var columns = Math.max(1, Math.min(4, Math.floor(width / p.minWidth)));
    var rows = Math.ceil(p.count / columns), cell = width / columns;
    element.style.height = (p.top + rows * p.rowHeight + 8) + "px";
    var titles = [option.title[0]], grids = [];
    for (var i = 0; i < p.count; i++) {
      var x = (i % columns) * cell, y = p.top + Math.floor(i / columns) * p.rowHeight;
      var title = Object.assign({}, option.title[i + 1], { left: x + 8, top: y });
      title.textStyle = Object.assign({}, title.textStyle, { width: cell - 16, overflow: "truncate" });
      titles.push(title);
      grids.push({ left: x + 36, top: y + 42, width: Math.max(cell - 52, 40), height: p.rowHeight - 70 });
    }
    var laid = Object.assign({}, option, { title: titles, grid: grids });
    delete laid.panels;
    return laid;
  }

  function download(chart, name, background) {
    var link = document.createElement("a");
    link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: background,
      excludeComponents: ["toolbox"] });
    link.download = name + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function exportButton(element, chart, name, background) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chart-export";
    button.textContent = "导出PNG";
    button.setAttribute("aria-label", "导出PNG：" + name);
    button.addEventListener("click", function () { download(chart, name, background); });
    element.insertAdjacentElement("afterend", button);
  }

  // Draw ``option`` into ``element``; opts: {theme: "light"|"dark", name, beijing (GeoJSON URL), button: false}.
  // Returns a promise of the ECharts instance.
  function render(element, option, opts) {
    opts = opts || {};
    var theme = opts.theme === "dark" ? "dark" : "light";
    var name = opts.name || titleOf(option);
    var ready = usesBeijing(option) ? beijing(opts.beijing) : Promise.resolve();
    return ready.then(function () {
      var laidWidth = element.clientWidth;
      var shaped = option.panels ? layoutPanels(element, option) : option;
      var chart = window.echarts.init(element, theme === "dark" ? "dark" : null, { renderer: "canvas" });
      chart.setOption(withDefaults(shaped, theme, name));
      element.classList.add("chart-drawn");
      if (opts.button !== false) exportButton(element, chart, name, BACKGROUND[theme]);
      var resize = function () {
        if (option.panels && element.clientWidth !== laidWidth) {
          laidWidth = element.clientWidth;
          var laid = layoutPanels(element, option);
          chart.setOption({ title: laid.title, grid: laid.grid });
        }
        chart.resize();
      };
      if (window.ResizeObserver) {
        new ResizeObserver(resize).observe(element);
      } else {
        window.addEventListener("resize", resize);
      }
      return chart;
    }).catch(function (error) {
      element.classList.add("chart-failed");
      element.textContent = "图表未能加载，请查看下方表格。";
      if (window.console) window.console.warn(error);
    });
  }

  function renderAll() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var data = document.getElementById(element.dataset.chart);
      if (!data) return;
      render(element, JSON.parse(data.textContent), {
        theme: element.dataset.chartTheme, name: element.dataset.chartName, beijing: element.dataset.beijing,
      });
    });
  }

  window.HotlineCharts = { render: render, beijing: beijing, background: BACKGROUND };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
