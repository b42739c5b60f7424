// Keeps every deadline countdown on the page current (剩余 3小时12分 / 已超期 2小时), with the server's rule
// (assessment/clock/countdown.py): amber from the clock's warning instant, red once past its due time.
(function () {
  function span(seconds) {
    var minutes = Math.floor(seconds / 60), days = Math.floor(minutes / 1440);
    minutes -= days * 1440;
    var hours = Math.floor(minutes / 60);
    minutes -= hours * 60;
    if (days) return days + "天" + (hours ? hours + "小时" : "");
    if (hours) return hours + "小时" + (minutes ? minutes + "分" : "");
    return minutes ? minutes + "分钟" : "不足1分钟";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.due), warn = Date.parse(el.dataset.warn);
      var left = (due - now) / 1000;
      var state = left < 0 ? "overdue" : (now >= warn ? "warn" : "running");
      el.classList.remove("running", "warn", "overdue");
      el.classList.add(state);
      el.querySelector(".countdown-text").textContent = (left < 0 ? "已超期 " : "剩余 ") + span(Math.abs(left));
    });
  }
  tick();
  setInterval(tick, 30000);
})();
