/*
 * OpsBase page behaviour. Everything lives here (strict CSP: no inline scripts).
 *
 * - Confirmation: a form or button with data-opsbase-confirm="Question?" asks before it
 *   submits (htmx elements can use hx-confirm, which htmx handles itself).
 * - htmx: the CSRF header comes from hx-headers on <body>; failed requests show an alert.
 */
(function () {
  "use strict";

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var question =
        (submitter && submitter.getAttribute("data-opsbase-confirm")) ||
        form.getAttribute("data-opsbase-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  function showAlert(text, variant) {
    var box = document.getElementById("opsbase-messages");
    if (!box) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (variant || "danger") + " alert-dismissible fade show";
    alert.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "Close");
    alert.appendChild(body);
    alert.appendChild(close);
    box.appendChild(alert);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    var messages = {
      403: "You do not have permission to do this.",
      404: "This item no longer exists.",
    };
    showAlert(messages[status] || "The request failed (" + status + "). Try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    showAlert("The server could not be reached. Check your connection and try again.");
  });

  window.OpsBase = { showAlert: showAlert };
})();
