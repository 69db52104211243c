/* Mentions by name: typing "@Бон" in a post's box asks the community's members (htmx GET to the box's
   data-mentions-url) and offers them under the box; picking one inserts the stable reference
   "@[Ольга Бондаренко](user:12)". Arrow keys move, Enter or Tab picks, Escape closes. */
(function () {
  "use strict";
  var TRIGGER = /(?:^|[^\p{L}\p{N}_@.[])@([^\s@[\]()`]{1,30}(?: [^\s@[\]()`]{0,30})?)$/u;

  function setup(box) {
    var url = box.getAttribute("data-mentions-url");
    var area = box.querySelector("textarea[name=body]");
    if (!area || !url) return;
    var menu = document.createElement("div");
    menu.className = "mention-menu list-group shadow-sm";
    menu.id = "mention-menu";
    menu.setAttribute("role", "listbox");
    menu.hidden = true;
    area.setAttribute("aria-controls", menu.id);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-expanded", "false");
    area.insertAdjacentElement("afterend", menu);
    var current = null;
    var timer = null;
    var asked = 0;

    function options() { return Array.prototype.slice.call(menu.querySelectorAll(".mention-option")); }
    function close() {
      menu.hidden = true;
      menu.innerHTML = "";
      current = null;
      area.setAttribute("aria-expanded", "false");
    }
    function activate(index) {
      var all = options();
      all.forEach(function (option, i) {
        option.classList.toggle("active", i === index);
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
    }
    function lookup() {
      var before = area.value.slice(0, area.selectionStart);
      var match = TRIGGER.exec(before);
      if (!match) { close(); return; }
      current = { start: before.length - match[1].length - 1, end: area.selectionStart };
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++asked;
        htmx.ajax("GET", url + "?q=" + encodeURIComponent(match[1].trim()), { target: menu, swap: "innerHTML" })
          .then(function () {
            if (mine !== asked || !current) return;
            menu.hidden = menu.innerHTML.trim() === "";
            area.setAttribute("aria-expanded", menu.hidden ? "false" : "true");
            activate(0);
          });
      }, 150);
    }
    function pick(option) {
      if (!current || !option) return;
      var reference = option.getAttribute("data-mention") + " ";
      area.value = area.value.slice(0, current.start) + reference + area.value.slice(current.end);
      var caret = current.start + reference.length;
      close();
      area.focus();
      area.setSelectionRange(caret, caret);
      area.dispatchEvent(new Event("input", { bubbles: true }));  // the preview and the draft follow
    }

    area.addEventListener("input", lookup);
    area.addEventListener("keydown", function (event) {
      if (menu.hidden) return;
      var all = options();
      var index = all.findIndex(function (option) { return option.classList.contains("active"); });
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        activate((index + step + all.length) % all.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && index >= 0) {
        event.preventDefault();
        pick(all[index]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    area.addEventListener("blur", function () { setTimeout(close, 200); });
    menu.addEventListener("mousedown", function (event) { event.preventDefault(); });
    menu.addEventListener("click", function (event) {
      pick(event.target.closest(".mention-option"));
    });
  }

  document.querySelectorAll("[data-mentions-url]").forEach(setup);
})();
