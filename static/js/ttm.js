/* Behaviour shared by every page. The Content-Security-Policy allows no inline script, so
   what templates would otherwise say in onclick or <script> lives here. */
(function () {
  "use strict";
  /* Revoking and removing ask first (data-confirm on the form); without JavaScript they submit. */
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  /* Phones: the diagnostic's tab row scrolls sideways; bring the current tab into view. */
  document.addEventListener("DOMContentLoaded", function () {
    var current = document.querySelector(".hub-tabs .active");
    if (current) current.scrollIntoView({block: "nearest", inline: "center"});
  });
})();
