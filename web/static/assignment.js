// "weitere Kontierungszeile": copy the first account-assignment row with empty fields.
(function () {
  "use strict";
  var button = document.getElementById("add-assignment");
  var box = document.getElementById("assignments");
  if (!button || !box) { return; }
  button.addEventListener("click", function () {
    var row = box.querySelector(".assignment-row").cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) {
      input.value = "";
      input.removeAttribute("id");
      input.required = false;
    });
    row.querySelectorAll("label").forEach(function (label) { label.removeAttribute("for"); });
    box.appendChild(row);
  });
}());
