// Loaded in <head> without defer, so that the "js" class is set before the page is drawn: the CSS folds
// the menu and the catalogue filters on phones only when this script can unfold them again.
document.documentElement.classList.add("js");

// Asks before destructive actions: any form with data-confirm="question".
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Disclosure buttons (the menu, the filters): <button data-disclosure aria-controls="id" aria-expanded>
// shows and hides the element with that id by its "open" class. Escape closes it and returns to the button.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-disclosure]");
  if (!button) { return; }
  var panel = document.getElementById(button.getAttribute("aria-controls"));
  var open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  panel.classList.toggle("open", open);
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") { return; }
  document.querySelectorAll("button[data-disclosure][aria-expanded=true]").forEach(function (button) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (panel.contains(document.activeElement) || button === document.activeElement) {
      button.setAttribute("aria-expanded", "false");
      panel.classList.remove("open");
      button.focus();
    }
  });
});

// The resource form: show only the fields and categories of the chosen kind.
document.addEventListener("DOMContentLoaded", function () {
  var kind = document.querySelector("select[name=kind]");
  var category = document.querySelector("select[name=category]");
  if (!kind || !category) { return; }
  function sync() {
    var groups = category.querySelectorAll("optgroup");
    var chosenLabel = kind.options[kind.selectedIndex].text;
    groups.forEach(function (group) {
      var visible = group.label === chosenLabel;
      group.hidden = !visible;
      group.disabled = !visible;
      if (!visible && category.selectedOptions[0] && category.selectedOptions[0].parentNode === group) {
        var first = category.querySelector("optgroup:not([hidden]) option");
        if (first) { category.value = first.value; }
      }
    });
    document.querySelectorAll("[data-for-kind]").forEach(function (block) {
      block.hidden = block.getAttribute("data-for-kind") !== kind.value;
    });
  }
  kind.addEventListener("change", sync);
  sync();
});

// The error summary (GOV.UK pattern) takes focus when the page opens, so it is read first; its links move
// to the field and focus it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
});
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) { return; }
  var target = document.getElementById(link.getAttribute("href").slice(1));
  if (target) {
    event.preventDefault();
    target.scrollIntoView({block: "center"});
    target.focus();
  }
});
// The catalogue's organization filter: a text field whose <datalist> offers the members whose name begins
// with what is typed, from the server (<input data-lookup="/orgs/lookup" list="…">).
document.addEventListener("DOMContentLoaded", function () {
  var field = document.querySelector("input[data-lookup]");
  if (!field || !window.fetch) { return; }
  var list = document.getElementById(field.getAttribute("list"));
  var timer = null;
  var asked = "";
  field.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var typed = field.value.trim();
      if (typed === asked) { return; }
      asked = typed;
      if (!typed) { list.replaceChildren(); return; }
      fetch(field.getAttribute("data-lookup") + "?q=" + encodeURIComponent(typed), {headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {organizations: []}; })
        .then(function (data) {
          if (asked !== typed) { return; }
          list.replaceChildren.apply(list, data.organizations.map(function (org) {
            var option = document.createElement("option");
            option.value = org.name;
            return option;
          }));
        })
        .catch(function () {});
    }, 150);
  });
});
// The agreement editor: after a section was added, removed or moved (a plain form post), its heading gets focus;
// after a point was moved, that point's first button that can still be pressed.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector(".point-row.focused button:not([disabled])") ||
    document.querySelector(".clause-editor.focused input");
  if (target && !document.querySelector(".flash.error, [data-error-summary]")) { target.focus(); }
});

// Tab bars (nav.tabs) that do not fit scroll sideways. The current tab, and a tab that the keyboard focuses,
// is scrolled into view when it is beyond an edge or under its fade (the bar's scroll-padding): to where it
// starts after the fade, which is one of the bar's snap positions, so the browser's snapping keeps it there.
// The bar is marked more-before / more-after while tabs are hidden beyond its left / right edge; the CSS fades
// that edge.
document.addEventListener("DOMContentLoaded", function () {
  var bars = document.querySelectorAll("nav.tabs");
  if (!bars.length) { return; }
  function mark(bar) {
    var end = bar.scrollWidth - bar.clientWidth;
    bar.classList.toggle("more-before", bar.scrollLeft > 1);
    bar.classList.toggle("more-after", bar.scrollLeft < end - 1);
  }
  function reveal(bar, tab) {
    if (bar.scrollWidth <= bar.clientWidth) { return; }
    var box = bar.getBoundingClientRect(), edge = tab.getBoundingClientRect();
    var fade = parseFloat(getComputedStyle(bar).scrollPaddingInlineStart) || 0;
    if (edge.left < box.left + fade || edge.right > box.right - fade) {
      bar.scrollLeft += edge.left - box.left - fade;
    }
  }
  function revealCurrent(bar) {
    var current = bar.querySelector("[aria-current=page]");
    if (current) { reveal(bar, current); }
    mark(bar);
  }
  bars.forEach(function (bar) {
    revealCurrent(bar);
    bar.addEventListener("scroll", function () { mark(bar); }, {passive: true});
    bar.addEventListener("focusin", function (event) { reveal(bar, event.target); });
  });
  // A new width (a phone turned, a window narrowed) shows the current tab again; a new height alone (a phone's
  // address bar sliding away) leaves the bar where its reader scrolled it.
  var width = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth === width) { bars.forEach(mark); return; }
    width = window.innerWidth;
    bars.forEach(revealCurrent);
  });
});

// A table wider than its page scrolls sideways inside its box (.table-scroll, portal.css). While it does, the box is
// focusable, so that the keyboard can scroll it too (axe: scrollable-region-focusable); a box that fits is no tab stop.
document.addEventListener("DOMContentLoaded", function () {
  var boxes = document.querySelectorAll(".table-scroll");
  if (!boxes.length) { return; }
  function mark() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) { box.setAttribute("tabindex", "0"); }
      else { box.removeAttribute("tabindex"); }
    });
  }
  mark();
  window.addEventListener("load", mark);  // after the fonts and images, which change the widths
  window.addEventListener("resize", mark);
});
