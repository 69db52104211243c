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
