/*
 * API token page: a button with data-opsbase-copy="<element id>" copies that field's value
 * to the clipboard (and selects it, for a manual copy where the clipboard is unavailable).
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-opsbase-copy]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-opsbase-copy"));
    if (!field) {
      return;
    }
    field.focus();
    field.select();
    var done = function () {
      button.textContent = button.getAttribute("data-opsbase-copied") || "Copied";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });
})();
