// Asks before destructive actions: any form with data-confirm="question".
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The resource form: show only the fields and categories of the chosen kind.
(function () {
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
})();
