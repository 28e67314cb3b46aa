/*
 * OpsBase page behaviour. Everything lives here (strict CSP: no inline scripts).
 *
 * - Confirmation: a form or button with data-opsbase-confirm="Question?" asks before it
 *   submits (htmx elements can use hx-confirm, which htmx handles itself).
 * - htmx: the CSRF header comes from hx-headers on <body>; failed requests show an alert.
 * - Status menus of a list: cloned from the <template> each toggle names when it opens.
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

  // A list's status menus: the rows in one state share one menu, sent once in a <template>
  // that each row's toggle names (data-opsbase-moves). It is put beside the toggle before
  // Bootstrap builds the dropdown, which looks for its menu once: Bootstrap listens on the
  // document in the capture phase (a click, the arrow keys on a toggle), these listeners on
  // the window, which the event reaches first.
  function fillMoves(event) {
    var toggle = event.target.closest ? event.target.closest("[data-opsbase-moves]") : null;
    if (!toggle || toggle.parentNode.querySelector(".dropdown-menu")) {
      return;
    }
    var source = document.getElementById(toggle.getAttribute("data-opsbase-moves"));
    if (source && source.content) {
      toggle.after(source.content.cloneNode(true));
    }
  }

  window.addEventListener("click", fillMoves, true);
  window.addEventListener("keydown", fillMoves, true);

  // Bulk selection: the header's box ticks every row of the page; the bulk form counts them
  // and asks before deleting.
  function bulkBoxes(formId) {
    return document.querySelectorAll('input[name="pk"][form="' + formId + '"]');
  }

  function showSelected(formId) {
    var form = document.getElementById(formId);
    if (!form) {
      return;
    }
    var boxes = bulkBoxes(formId);
    var ticked = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        ticked += 1;
      }
    });
    // The bulk menu shows once a row is ticked.
    form.classList.toggle("opsbase-bulk-idle", ticked === 0);
    var count = form.querySelector("[data-opsbase-selected-count]");
    if (count) {
      count.textContent = ticked ? ticked + " / " + boxes.length : "";
    }
    var all = document.querySelector('[data-opsbase-select-all="' + formId + '"]');
    if (all) {
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var formId = target.getAttribute("data-opsbase-select-all");
    if (formId) {
      bulkBoxes(formId).forEach(function (box) {
        box.checked = target.checked;
      });
      showSelected(formId);
    } else if (target.name === "pk" && target.getAttribute("form")) {
      showSelected(target.getAttribute("form"));
    }
  });

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var question = form.getAttribute("data-opsbase-confirm-delete");
      if (question && form.elements.action && form.elements.action.value === "delete") {
        if (!window.confirm(question)) {
          event.preventDefault();
          event.stopImmediatePropagation();
        }
      }
    },
    true
  );

  function showAllSelected() {
    document.querySelectorAll("form.opsbase-bulk[id]").forEach(function (form) {
      showSelected(form.id);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showAllSelected);
  } else {
    showAllSelected();
  }

  window.OpsBase = { showAlert: showAlert };
})();
