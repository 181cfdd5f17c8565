/* Live workshop polling: send the ETag of what is on screen, keep it on 304.
   Polled elements carry data-etag; the server answers 304 while nothing changed. */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var etag = event.detail.elt.dataset && event.detail.elt.dataset.etag;
    if (etag && event.detail.verb === "get") {
      event.detail.headers["If-None-Match"] = etag;
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 304) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      return;
    }
    /* A refused answer (409: the question is locked) or a withdrawn place (410) comes with a
       fragment that says so: show it instead of keeping a form that looks saved. */
    if (xhr.status === 409 || xhr.status === 410) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    if (xhr.status === 286 || xhr.status === 200) {
      var etag = xhr.getResponseHeader("ETag");
      var target = event.detail.requestConfig && event.detail.requestConfig.elt;
      if (etag && target && target.hasAttribute("data-etag")) {
        target.dataset.etag = etag;
      }
    }
  });
  /* The presenter skips a poll while the facilitator is choosing or typing in the live area
     (data-pause-while-editing), so the swap does not take the field away mid-edit. */
  function editing(element) {
    var active = document.activeElement;
    return !!(active && element.contains(active) &&
      active.matches("select, textarea, input:not([type=radio]):not([type=checkbox]):not([type=submit])"));
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail.elt;
    if (element.hasAttribute("data-pause-while-editing") && editing(element)) {
      event.preventDefault();
    }
  });
  /* Phones: the capture form empties once what was typed is saved (data-reset-on-success). */
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form.matches && form.matches("form[data-reset-on-success]")) {
      form.reset();
    }
  });
  /* Big join screen on the projector. */
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.openDialog);
      if (dialog) { dialog.showModal(); }
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) { closer.closest("dialog").close(); }
  });
})();
