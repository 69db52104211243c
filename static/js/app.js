// Small progressive enhancements; the site works without them.
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.detail.target && event.detail.target.id === "id_school") {
    event.detail.target.value = "";
  }
});

// The Markdown preview answers 429 (too many previews) with a message to show in place of the preview.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 429 && event.detail.target && event.detail.target.id === "md-preview") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A refused post is shown at the address it was sent to (…/reply/); the page takes its own address, so a
// reload reads the page again (with the kept draft) instead of sending the old text a second time.
document.addEventListener("DOMContentLoaded", function () {
  const refused = document.querySelector("[data-replace-url]");
  if (refused && window.history.replaceState) {
    window.history.replaceState(null, "", refused.dataset.replaceUrl);
  }
});

// The CSP (script-src 'self') blocks inline handlers, so behaviour is declared in data- attributes:
// data-confirm="…" on a form or on one of its submit buttons asks before sending; refused, nothing is sent.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const message = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// data-check-all="name" on a button ticks every checkbox of that name in its form.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-check-all]");
  if (!button) return;
  const scope = button.form || document;
  scope.querySelectorAll('input[type="checkbox"][name="' + button.dataset.checkAll + '"]').forEach(function (box) {
    box.checked = true;
  });
});

// data-select-on-focus: a read-only address selected whole when focused, ready to copy.
document.addEventListener("focusin", function (event) {
  if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
    event.target.select();
  }
});
