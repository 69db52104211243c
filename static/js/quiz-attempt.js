// A running quiz attempt: every change of an answer is posted at once (text fields after a short pause),
// so a reload or a lost connection loses nothing; the server answers 204, 400 with the reason, or 409
// once the attempt is submitted or its time is up (then the page reloads to show the result). The timer
// counts down from the seconds the server computed from the stored deadline and submits the form at 0;
// the server refuses anything after the deadline whatever the browser does. Without JS the form still
// submits every answer at once.
(function () {
  "use strict";
  var form = document.querySelector("form[data-save-url]");
  if (!form) return;
  var url = form.getAttribute("data-save-url");
  var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  var timers = {};

  function save(fieldset) {
    var position = fieldset.getAttribute("data-position");
    var status = fieldset.querySelector("[data-save-status]");
    var body = new URLSearchParams({ position: position });
    var prefix = "q" + position;
    new FormData(form).forEach(function (value, name) {
      if (name === prefix || name.indexOf(prefix + "-") === 0) body.append(name, value);
    });
    fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 204) {
          status.textContent = form.getAttribute("data-msg-saved");
          status.className = "small text-success mt-1";
          fieldset.setAttribute("data-saved", "1");
          return;
        }
        return response.text().then(function (text) {
          status.textContent = text;
          status.className = "small text-danger mt-1";
          if (response.status === 409) window.location.reload();
        });
      })
      .catch(function () {
        status.textContent = form.getAttribute("data-msg-failed");
        status.className = "small text-danger mt-1";
      });
  }

  function changed(event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (!fieldset) return;
    fieldset.removeAttribute("data-saved");
    var key = fieldset.getAttribute("data-position");
    clearTimeout(timers[key]);
    var delay = event.type === "input" ? 600 : 0;
    timers[key] = setTimeout(function () { save(fieldset); }, delay);
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) { if (event.target.type === "text") changed(event); });

  var timer = document.querySelector("[data-quiz-timer]");
  if (!timer) return;
  var clock = timer.querySelector("[data-quiz-clock]");
  var ends = Date.now() + 1000 * parseInt(timer.getAttribute("data-remaining"), 10);
  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    timer.setAttribute("data-left", String(left));
    if (left === 0) { clearInterval(interval); form.submit(); }
  }
  var interval = setInterval(tick, 1000);
  tick();
})();
