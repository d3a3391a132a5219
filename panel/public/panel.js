// SPDX-License-Identifier: MIT
// Progressive enhancement of the panel: the propagation line follows the change until every name server has it;
// the copy button of a new key's secret; a confirmation before revoking a key or restoring a version;
// the key form's fields of one template (the ACME domain, the custom scope) shown only when it is
// chosen; the RRset filter as you type.
"use strict";
(function () {
  var el = document.getElementById("propagation");
  if (!el || el.dataset.status === "insync" || !window.fetch) return;
  var text = el.querySelector(".propagation-text");
  var recheck = el.querySelector(".recheck");
  var id = el.dataset.change;
  var tries = 0;
  function poll() {
    // dnsapid holds the answer until every edge has the change, or for 10 s.
    fetch("/changes/" + encodeURIComponent(id) + "?wait=10", {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (c) {
        text.textContent = c.text;
        el.dataset.status = c.status;
        if (c.status === "insync") {
          el.classList.remove("pending");
          el.classList.add("insync");
          if (recheck) recheck.remove();
        } else if (++tries < 30) {
          poll();
        }
      })
      .catch(function () {
        if (++tries < 30) setTimeout(poll, 2000);
      });
  }
  poll();
})();

(function () {
  // The secret of a new key: a Copy button where the Clipboard API is there (without it, or
  // without JavaScript, the secret is text to select; a click or focus selects it whole).
  var secret = document.getElementById("key-secret");
  if (!secret) return;
  var button = document.querySelector("button.copy[data-copy]");
  var status = document.querySelector(".copy-status");
  function selectSecret() {
    var range = document.createRange();
    range.selectNodeContents(secret);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  secret.addEventListener("focus", selectSecret);
  secret.addEventListener("click", selectSecret);
  if (!button || !navigator.clipboard || !navigator.clipboard.writeText) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(secret.textContent.trim()).then(
      function () {
        status.textContent = "Copied.";
        button.textContent = "Copied";
      },
      function () {
        selectSecret();
        status.textContent = "Could not copy: the secret is selected, press Ctrl+C (⌘C).";
      }
    );
  });
})();

(function () {
  // A form that asks first (revoking a key, restoring a version): confirm() with its
  // data-confirm; the answer goes with the form as confirm=yes (without JavaScript the panel
  // answers a page that asks).
  var forms = document.querySelectorAll("form[data-confirm]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) {
        ev.preventDefault();
        return;
      }
      form.elements.confirm.value = "yes";
    });
  });
})();

(function () {
  // The RRset filter: rows hidden as you type (without JavaScript the form asks the server).
  var input = document.getElementById("rr-filter");
  var table = document.getElementById("rrsets");
  var count = document.getElementById("rrset-count");
  // A page the server filtered already holds only the matches: its form asks the server again.
  if (!input || !table || !count || input.defaultValue.trim() !== "") return;
  var rows = table.tBodies[0].rows;
  var total = rows.length;
  function apply() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    Array.prototype.forEach.call(rows, function (tr) {
      var hit = q === "" || tr.dataset.search.indexOf(q) !== -1;
      tr.hidden = !hit;
      if (hit) shown++;
    });
    count.textContent = q === "" ? total + " RRsets." : shown + " of " + total + " RRsets match \u201c" + input.value.trim() + "\u201d.";
  }
  input.addEventListener("input", apply);
})();

(function () {
  // The key form: the fields of one template (data-template-only="acme", "custom") are shown,
  // and sent, only while that template is chosen. Without JavaScript every field is shown and
  // the panel reads a template's fields only when it is the one chosen.
  var form = document.getElementById("create-key");
  if (!form) return;
  var parts = form.querySelectorAll("[data-template-only]");
  var radios = form.querySelectorAll('input[name="template"]');
  function sync() {
    var chosen = "";
    Array.prototype.forEach.call(radios, function (r) {
      if (r.checked) chosen = r.value;
    });
    Array.prototype.forEach.call(parts, function (part) {
      var on = part.dataset.templateOnly === chosen;
      part.hidden = !on;
      // Hidden fields are not sent either.
      part.querySelectorAll("input, select, textarea").forEach(function (c) {
        c.disabled = !on;
      });
    });
  }
  Array.prototype.forEach.call(radios, function (r) {
    r.addEventListener("change", sync);
  });
  sync();
})();
