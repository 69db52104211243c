// Small progressive enhancements; the site works without them.
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.detail.target && event.detail.target.id === "id_school") {
    event.detail.target.value = "";
  }
});
