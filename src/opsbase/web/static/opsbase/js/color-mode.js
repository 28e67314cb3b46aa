/*
 * OpsBase color modes (Bootstrap 5.3 data-bs-theme): light, dark or auto.
 *
 * Loaded blocking in <head> so the theme is set before the first paint (no flash of the
 * wrong mode). "auto" follows prefers-color-scheme and reacts when the OS changes; a
 * choice made in the navbar is kept in localStorage and shared by open tabs.
 */
(function () {
  "use strict";

  var KEY = "opsbase-color-mode";
  var MODES = ["light", "dark", "auto"];
  var ICONS = { light: "bi-sun-fill", dark: "bi-moon-stars-fill", auto: "bi-circle-half" };
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null; // storage disabled: follow the OS
    }
  }

  function store(mode) {
    try {
      window.localStorage.setItem(KEY, mode);
    } catch (e) {
      /* the choice lasts for this page only */
    }
  }

  function chosen() {
    var mode = stored();
    return MODES.indexOf(mode) === -1 ? "auto" : mode;
  }

  function resolved(mode) {
    if (mode === "auto") {
      return media && media.matches ? "dark" : "light";
    }
    return mode;
  }

  function apply(mode) {
    root.setAttribute("data-bs-theme", resolved(mode));
    root.setAttribute("data-opsbase-color-mode", mode);
  }

  function showActive(mode) {
    var buttons = document.querySelectorAll("[data-bs-theme-value]");
    for (var i = 0; i < buttons.length; i++) {
      var on = buttons[i].getAttribute("data-bs-theme-value") === mode;
      buttons[i].classList.toggle("active", on);
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
    var icons = document.querySelectorAll("[data-opsbase-theme-icon]");
    for (var j = 0; j < icons.length; j++) {
      icons[j].className = "bi " + ICONS[mode];
    }
  }

  function choose(mode) {
    if (MODES.indexOf(mode) === -1) {
      return;
    }
    store(mode);
    apply(mode);
    showActive(mode);
  }

  apply(chosen());

  if (media) {
    var follow = function () {
      if (chosen() === "auto") {
        apply("auto");
      }
    };
    if (media.addEventListener) {
      media.addEventListener("change", follow);
    } else if (media.addListener) {
      media.addListener(follow);
    }
  }

  // Another tab changed the mode.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) {
      apply(chosen());
      showActive(chosen());
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    showActive(chosen());
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-bs-theme-value]") : null;
      if (button) {
        choose(button.getAttribute("data-bs-theme-value"));
      }
    });
  });

  window.OpsBaseColorMode = { choose: choose, chosen: chosen, resolved: resolved };
})();
