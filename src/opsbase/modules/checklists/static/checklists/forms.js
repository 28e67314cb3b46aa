// Filled forms: fields shown depending on another one, and signature pads (a drawn
// signature kept as a PNG data URL in a hidden input). The server checks everything again.
(function () {
  "use strict";

  function valueOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { return input.value; }
      } else {
        return input.value;
      }
    }
    return "";
  }

  function isShown(form, block) {
    return !block.classList.contains("d-none");
  }

  function refresh(form) {
    // In order: a field depends only on fields above it.
    var blocks = form.querySelectorAll("[data-fill-field]");
    var shown = {};
    blocks.forEach(function (block) {
      var field = block.getAttribute("data-show-field");
      var visible = true;
      if (field) {
        visible = Boolean(shown[field]) && valueOf(form, field) === block.getAttribute("data-show-equals");
      }
      block.classList.toggle("d-none", !visible);
      shown[block.getAttribute("data-fill-field")] = visible && isShown(form, block);
    });
  }

  function pad(canvas) {
    var input = document.getElementById(canvas.getAttribute("data-signature-for"));
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.strokeStyle = "#111";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
      event.preventDefault();
    });
    function finish() {
      if (!drawing) { return; }
      drawing = false;
      if (drawn) { input.value = canvas.toDataURL("image/png"); }
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    canvas.style.touchAction = "none";
    var clear = document.querySelector('[data-signature-clear="' + input.id + '"]');
    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        input.value = "";
        drawn = false;
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-fill-form]").forEach(function (form) {
      refresh(form);
      form.addEventListener("change", function () { refresh(form); });
      form.addEventListener("input", function () { refresh(form); });
    });
    document.querySelectorAll("canvas[data-signature-for]").forEach(pad);
  });
})();
