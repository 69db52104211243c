// Catalogue: filters and sort apply as soon as they change (the submit buttons still work without JS).
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
  form.addEventListener("change", function (event) {
    if (event.target.matches("select, input[type=checkbox]")) {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
});
