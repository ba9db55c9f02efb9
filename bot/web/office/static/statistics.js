// The statistics page's period picker: only the field the chosen kind needs is shown
// (without script every field shows, and the server ignores the others).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("period-form");
  if (!form) { return; }
  var kind = form.querySelector("select[name=kind]");
  function show() {
    form.querySelectorAll("label[data-for]").forEach(function (label) {
      label.hidden = label.dataset.for !== kind.value;
    });
  }
  kind.addEventListener("change", show);
  show();
});
