/* Progressive enhancement for the question pages; every page works without it.
 * - The answers on a page are kept in localStorage as they are given, until a button
 *   saves them, so closing the tab loses nothing: the page puts them back when it opens
 *   again. Entries are keyed by a hash of the resume link (never the link itself) and
 *   the page number, and expire after 30 days.
 * - "Copy link" buttons for the private resume link.
 * - "Clear" buttons that take an answer back to "not answered".
 */
(function () {
  "use strict";
  var PREFIX = "assess:";
  var MAX_AGE = 30 * 24 * 3600 * 1000;
  var store = null;
  try {
    store = window.localStorage;
    store.getItem(PREFIX);
  } catch (e) {
    store = null;  // storage blocked: the page still works, it just cannot keep drafts
  }

  function read(key) {
    try { return JSON.parse(store.getItem(PREFIX + key)); } catch (e) { return null; }
  }
  function write(key, entry) {
    try { store.setItem(PREFIX + key, JSON.stringify(entry)); } catch (e) { /* full */ }
  }
  function each(callback) {
    for (var i = store.length - 1; i >= 0; i--) {
      var full = store.key(i);
      if (full && full.indexOf(PREFIX) === 0) callback(full.slice(PREFIX.length));
    }
  }

  function fields(form) {
    return form.querySelectorAll(".question input, .question textarea");
  }
  function values(form) {
    var out = {};
    fields(form).forEach(function (el) {
      if (el.type !== "radio") out[el.name] = el.value;
      else if (el.checked) out[el.name] = el.value;
      else if (!(el.name in out)) out[el.name] = "";
    });
    return out;
  }
  function apply(form, saved) {
    var changed = false;
    fields(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(saved, el.name)) return;
      var value = String(saved[el.name]);
      if (el.type === "radio") {
        if (el.checked !== (el.value === value)) { el.checked = el.value === value; changed = true; }
      } else if (el.value !== value) {
        el.value = value;
        changed = true;
      }
    });
    return changed;
  }

  function autosave(form) {
    var key = form.getAttribute("data-autosave");
    var scope = key.slice(0, key.lastIndexOf(":") + 1);
    var entry = read(key);
    if (entry && !entry.sent && entry.v && apply(form, entry.v)) {
      var note = document.getElementById("restored");
      if (note) note.hidden = false;
    }
    function keep() { write(key, {t: Date.now(), v: values(form)}); }
    form.addEventListener("change", keep);
    form.addEventListener("input", keep);
    form.addEventListener("submit", function () {
      // Saved by the server from here on: forget the copy once another page opens.
      var mode = form.getAttribute("data-autosave-submit");
      if (mode === "keep") return;  // nothing is stored before the last page (CEO check)
      each(function (other) {
        if (other === key || (mode === "all" && other.indexOf(scope) === 0)) {
          var found = read(other);
          if (found) { found.sent = true; write(other, found); }
        }
      });
    });
  }

  function tidy() {
    var now = Date.now();
    each(function (key) {
      var entry = read(key);
      if (!entry || entry.sent || !(now - entry.t < MAX_AGE)) store.removeItem(PREFIX + key);
    });
  }

  function copyButton(button) {
    var status = button.parentNode.querySelector(".copy-status");
    function done(ok) {
      if (status) status.textContent = ok ? "Link copied." : "Select the link and copy it.";
    }
    function fallback(text) {
      var area = document.createElement("textarea");
      area.value = text;
      area.className = "visually-hidden";
      area.setAttribute("readonly", "");
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      button.focus();
      done(ok);
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); },
                                                 function () { fallback(text); });
      } else {
        fallback(text);
      }
    });
  }

  function clearButton(button) {
    var form = button.form;
    if (!form) return;
    var inputs = form.querySelectorAll('[name="' + button.getAttribute("data-clear") + '"]');
    function refresh() {
      var answered = false;
      inputs.forEach(function (el) {
        if (el.type === "radio" ? el.checked : el.value !== "") answered = true;
      });
      button.disabled = !answered;
    }
    button.hidden = false;
    refresh();
    form.addEventListener("change", refresh);
    form.addEventListener("input", refresh);
    button.addEventListener("click", function () {
      inputs.forEach(function (el) {
        if (el.type === "radio") el.checked = false; else el.value = "";
      });
      if (inputs.length) inputs[0].focus();
      form.dispatchEvent(new Event("change"));
    });
  }

  function start() {
    if (store) {
      tidy();
      document.querySelectorAll("form[data-autosave]").forEach(autosave);
    }
    document.querySelectorAll("button[data-copy]").forEach(copyButton);
    document.querySelectorAll("button[data-clear]").forEach(clearButton);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
