/* CATI keyboard: digits choose (on a scale, the point itself: type 1 then 0 for 10),
   R refused, D don't know, Enter saves and goes on (Ctrl+Enter in a text box), PgUp goes
   back. Works on any form
   marked data-cati; without this script the same form works with the mouse. */
(function () {
  "use strict";
  var buffer = "", timer = null;

  function groups(form) {
    var names = [], seen = {};
    form.querySelectorAll("input[data-key]").forEach(function (input) {
      if (!seen[input.name]) { seen[input.name] = true; names.push(input.name); }
    });
    return names;
  }

  function activeGroup(form) {
    var focused = document.activeElement;
    if (focused && focused.form === form && focused.dataset && focused.dataset.key !== undefined) {
      return focused.name;
    }
    var names = groups(form);
    for (var i = 0; i < names.length; i++) {
      if (!form.querySelector('input[name="' + CSS.escape(names[i]) + '"]:checked')) { return names[i]; }
    }
    return names[names.length - 1];
  }

  function choose(form, name, key) {
    var input = form.querySelector('input[name="' + CSS.escape(name) + '"][data-key="' + CSS.escape(key) + '"]');
    if (!input) { return false; }
    if (input.type === "checkbox") {
      input.checked = !input.checked;
      if (input.checked && input.dataset.exclusive) {
        form.querySelectorAll('input[name="' + CSS.escape(name) + '"]').forEach(function (other) {
          if (other !== input) { other.checked = false; }
        });
      }
    } else {
      input.checked = true;
    }
    input.focus();
    var other = input.closest(".option") && input.closest(".option").nextElementSibling;
    if (other && other.classList.contains("option__other") && input.checked) {
      other.querySelector("input").focus();
    }
    return true;
  }

  /* After a choice in one row of a matrix, the next row takes the keys. */
  function advance(form, name) {
    var names = groups(form), at = names.indexOf(name);
    var chosen = form.querySelector('input[name="' + CSS.escape(name) + '"]:checked');
    if (!chosen || chosen.type !== "radio" || at < 0 || at + 1 >= names.length) { return; }
    var next = form.querySelector('input[name="' + CSS.escape(names[at + 1]) + '"]');
    if (next && !(document.activeElement && document.activeElement.type === "text")) { next.focus(); }
  }

  /* Could more digits still make a longer key of this group (1, then 10)? */
  function longer(form, name, prefix) {
    var found = false;
    form.querySelectorAll('input[name="' + CSS.escape(name) + '"][data-key]').forEach(function (input) {
      if (input.dataset.key.length > prefix.length && input.dataset.key.indexOf(prefix) === 0) { found = true; }
    });
    return found;
  }

  function typing(target) {
    return target && (target.tagName === "TEXTAREA" ||
      (target.tagName === "INPUT" && /^(text|date|time|number|search)$/.test(target.type)) ||
      target.tagName === "SELECT");
  }

  document.addEventListener("keydown", function (event) {
    var form = document.querySelector("form[data-cati]");
    if (!form) { return; }
    var save = form.querySelector("button.button--primary");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && save) {
      event.preventDefault();  /* Ctrl+Enter saves from anywhere, a text box included */
      form.requestSubmit(save);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "PageUp") {
      var back = form.querySelector("[data-back]");
      if (back) { event.preventDefault(); back.click(); }
      return;
    }
    var key = event.key.toLowerCase();
    var nextCase = form.querySelector("[data-next-case]");
    if (key === "n" && nextCase && !typing(event.target)) {
      event.preventDefault();  /* N: save and take the next case, on purpose */
      form.requestSubmit(nextCase);
      return;
    }
    if (key === "enter" && event.target.tagName !== "TEXTAREA" && event.target.tagName !== "BUTTON") {
      if (save) { event.preventDefault(); form.requestSubmit(save); }
      return;
    }
    if (typing(event.target)) { return; }
    if (!/^[0-9a-z]$/.test(key)) { return; }
    var name = activeGroup(form);
    if (!name) { return; }
    event.preventDefault();
    clearTimeout(timer);
    if (!/^[0-9]$/.test(key)) {
      buffer = "";
      if (choose(form, name, key)) { advance(form, name); }
      return;
    }
    var pending = buffer !== "";
    buffer = buffer + key;
    if (!choose(form, name, buffer)) {
      if (pending) {  /* "1" was complete after all: this digit is for the next row */
        advance(form, name);
        name = activeGroup(form);
      }
      buffer = key;
      if (!choose(form, name, key)) { buffer = ""; return; }
    }
    if (longer(form, name, buffer)) {
      timer = setTimeout(function () { buffer = ""; advance(form, name); }, 800);
    } else {
      buffer = "";
      advance(form, name);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.dataset.keys = "ready";  /* the keys work from now on */
    var form = document.querySelector("form[data-cati]");
    if (!form) { return; }
    /* The preselected answer or outcome first, else the first thing to key. */
    var first = form.querySelector("input:checked") ||
      form.querySelector("input[type=text], textarea, input[data-key]");
    if (first) { first.focus(); }
  });
})();
