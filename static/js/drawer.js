// The header menu as a drawer on phones: the 菜单 button opens and closes it (Escape closes it too).
// Without this script the menu simply stays open, wrapped below the top bar.
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var topbar = document.querySelector(".topbar");
  if (!button || !topbar) return;
  function setOpen(open) {
    topbar.classList.toggle("drawer-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  topbar.classList.add("has-drawer");
  button.hidden = false;
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && topbar.classList.contains("drawer-open")) {
      setOpen(false);
      button.focus();
    }
  });
})();
