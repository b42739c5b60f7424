// 新工作提醒: keeps the header's notification badge current without a reload. Polls the bell's data-unread-url
// every data-poll-ms (settings.ALERTS_POLL_SECONDS); when the count rises it beeps (WebAudio) and, once the user
// has clicked "开启桌面提醒" and the browser allowed it, shows a desktop notification that opens the order.
(function () {
  var bell = document.querySelector("a.bell[data-unread-url]");
  if (!bell) return;
  var url = bell.dataset.unreadUrl, every = parseInt(bell.dataset.pollMs, 10) || 20000;
  var last = parseInt(bell.dataset.unread, 10) || 0, audio = null, timer = null;
  var KEY = "hl-alerts";

  function enabled() {
    try { return localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }

  function beep() {
    if (!audio) return;
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.35);
  }

  function desktop(note) {
    if (!note || !enabled() || !("Notification" in window) || Notification.permission !== "granted") return;
    var shown = new Notification("12345 接诉即办 · " + note.kind_label, { body: note.text, tag: "hl-" + note.id });
    shown.onclick = function () { window.focus(); location.href = note.url; };
  }

  function show(count) {
    var badge = bell.querySelector(".count");
    bell.classList.toggle("has-unread", count > 0);
    bell.setAttribute("aria-label", "站内通知，" + count + "条未读");
    bell.dataset.unread = String(count);
    if (count > 0) {
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "count hot";
        bell.appendChild(document.createTextNode(" "));
        bell.appendChild(badge);
      }
      badge.textContent = String(count);
    } else if (badge) {
      badge.remove();
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) { clearInterval(timer); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        if (data.unread > last) {
          if (enabled()) beep();
          desktop(data.latest[0]);
        }
        last = data.unread;
        show(data.unread);
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  // "开启桌面提醒": the browser asks for permission only after this click; the click also unlocks the sound
  document.querySelectorAll("[data-enable-alerts]").forEach(function (button) {
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    function say(text) { if (status) status.textContent = text; }
    if (enabled()) say("已开启提醒音" + ("Notification" in window && Notification.permission === "granted" ? "和桌面提醒" : ""));
    button.addEventListener("click", function () {
      try { localStorage.setItem(KEY, "on"); } catch (e) { /* private mode: this page only */ }
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) audio = new Context();
      beep();
      if (!("Notification" in window)) { say("已开启提醒音（此浏览器不支持桌面提醒）"); return; }
      Notification.requestPermission().then(function (answer) {
        say(answer === "granted" ? "已开启提醒音和桌面提醒" : "已开启提醒音；桌面提醒未获浏览器允许");
      });
    });
  });
  if (enabled()) {  // browsers start sound only after a user gesture: the first click on any page
    document.addEventListener("click", function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) audio = new Context();
    }, { once: true });
  }
  timer = setInterval(poll, every);
})();
