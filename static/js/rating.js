/* Rating page: each answer is saved as it is given (htmx posts one Value Code per change).
   This says "Saving…" / "Saved", and when a save fails says so and retries with backoff:
   network errors, timeouts and 5xx are retried; 4xx (refused, invalid) are shown, not retried. */
(function () {
  "use strict";
  var MAX_DELAY_MS = 30000;
  var attempts = new WeakMap();

  // A Value Code's section, or a part of it that saves on its own (data-status names the
  // status line they share), such as the questions of mutual understanding.
  function isValueCode(elt) {
    return elt && elt.classList && (elt.classList.contains("vc") || Boolean(elt.dataset.status));
  }

  function say(section, text, failed) {
    var status = document.getElementById(section.dataset.status || "s" + section.id.slice(2));
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("failed", Boolean(failed));
  }

  function retry(section, why) {
    var attempt = (attempts.get(section) || 0) + 1;
    attempts.set(section, attempt);
    var delay = Math.min(MAX_DELAY_MS, 1000 * Math.pow(2, attempt - 1));
    say(section, "Not saved (" + why + "). Trying again in " + Math.round(delay / 1000) + " s…", true);
    // The request carries the Value Code's current answers, so re-sending is always right.
    setTimeout(function () { htmx.trigger(section, "change"); }, delay);
  }

  /* A Value Code is done once both questions have an answer; its section counts them. */
  function countSection(section) {
    var details = section.closest("details");
    var shown = details && details.querySelector(".section-answered");
    if (!shown) return;
    var done = 0;
    var all = details.querySelectorAll(".vc");
    all.forEach(function (vc) {
      // A Value Code revealed in the workshop is read-only: done as it was when it locked.
      var answered = vc.classList.contains("locked")
        ? vc.classList.contains("complete")
        : vc.querySelector(".c input:checked") && vc.querySelector(".t input:checked");
      if (answered) done += 1;
    });
    shown.textContent = String(done);
    details.classList.toggle("done", done === all.length);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) htmx.config.timeout = 15000;
    /* Back from a save without JavaScript (#vc12): open the folded section that holds it. */
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var folded = target && target.closest("details");
    if (folded && !folded.open) {
      folded.open = true;
      target.scrollIntoView();
    }
  });
  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (isValueCode(evt.detail.elt)) say(evt.detail.elt, "Saving…");
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    if (isValueCode(evt.detail.elt) && evt.detail.successful) {
      attempts.delete(evt.detail.elt);
      countSection(evt.detail.elt);
    }
  });
  document.addEventListener("htmx:sendError", function (evt) {
    if (isValueCode(evt.detail.elt)) retry(evt.detail.elt, "no connection");
  });
  document.addEventListener("htmx:timeout", function (evt) {
    if (isValueCode(evt.detail.elt)) retry(evt.detail.elt, "no answer from the server");
  });
  document.addEventListener("htmx:responseError", function (evt) {
    var section = evt.detail.elt;
    var status = evt.detail.xhr.status;
    if (!isValueCode(section)) return;
    if (status >= 500 || status === 429) {
      retry(section, "server error");
    } else {
      say(section, "Not saved: " + (evt.detail.xhr.responseText || "refused").slice(0, 200), true);
    }
  });
})();
