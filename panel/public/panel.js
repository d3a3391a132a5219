// SPDX-License-Identifier: MIT
// Progressive enhancement of the panel: the propagation line follows the change until every name server has it.
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
