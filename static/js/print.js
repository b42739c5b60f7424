// 工单打印: the 打印 button opens the browser's print dialog (never on load: the user chooses when).
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
