// The office's only script besides htmx and Leaflet: no inline script anywhere (CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
  var picker = document.getElementById("template-select");
  if (picker) {
    picker.addEventListener("change", function () {
      var option = picker.options[picker.selectedIndex];
      var note = document.getElementById(picker.dataset.target);
      if (option && option.dataset.body && note) {
        note.value = note.value ? note.value + "\n" + option.dataset.body : option.dataset.body;
      }
      picker.selectedIndex = 0;
    });
  }
  var map = document.getElementById("map");
  if (map && window.L) {
    var at = [parseFloat(map.dataset.lat), parseFloat(map.dataset.lng)];
    L.Icon.Default.imagePath = map.dataset.marker;
    var view = L.map(map).setView(at, 17);
    L.tileLayer(map.dataset.tiles, { maxZoom: 19 }).addTo(view);
    L.marker(at).addTo(view);
  }
});
