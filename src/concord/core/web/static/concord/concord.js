/* Concord shell behaviour. Bootstrap (offcanvas, dropdowns) and htmx work from data attributes;
 * this file only adds what they do not. */
(function () {
  "use strict";

  // Forms marked data-concord-autosubmit (language, company) submit when their <select> changes;
  // their submit button stays in the page for keyboard users but is hidden from view.
  function wireAutosubmit(root) {
    root.querySelectorAll("form[data-concord-autosubmit]").forEach(function (form) {
      if (form.dataset.concordWired) {
        return;
      }
      form.dataset.concordWired = "1";
      form.querySelectorAll("[data-concord-autosubmit-button]").forEach(function (button) {
        button.classList.add("visually-hidden-focusable");
      });
      form.querySelectorAll("select").forEach(function (select) {
        select.addEventListener("change", function () {
          form.requestSubmit();
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireAutosubmit(document);
  });
  // Content swapped in by htmx may bring its own auto-submitting forms.
  document.addEventListener("htmx:load", function (event) {
    wireAutosubmit(event.target);
  });
})();
