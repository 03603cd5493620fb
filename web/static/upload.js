// Drag and drop for the supplier portal: every file is sent on its own, so one bad file
// never holds up the others, and each gets its own German answer.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file");
  var list = document.getElementById("upload-results");
  if (!form || !zone || !input || !list) { return; }
  var csrf = form.querySelector("input[name=csrf_token]").value;

  function show(result) {
    var item = document.createElement("li");
    item.className = result.ok ? "ok" : "bad";
    var name = document.createElement("strong");
    name.textContent = (result.filename || "Datei") + ": ";
    item.appendChild(name);
    item.appendChild(document.createTextNode(result.message || ""));
    if (result.id) {
      var link = document.createElement("a");
      link.href = "/portal/rechnungen/" + result.id;
      link.textContent = " Details und Prüfbericht";
      item.appendChild(link);
    }
    list.appendChild(item);
  }

  function send(file) {
    var body = new FormData();
    body.append("file", file, file.name);
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (data.results) { data.results.forEach(show); return; }
        show({ filename: file.name, ok: false, message: data.detail || "Unbekannter Fehler." });
      });
    }).catch(function () {
      show({ filename: file.name, ok: false, message: "Die Verbindung ist unterbrochen. Bitte erneut versuchen." });
    });
  }

  function sendAll(files) {
    var chain = Promise.resolve();
    Array.prototype.forEach.call(files, function (file) {
      chain = chain.then(function () { return send(file); });
    });
    return chain.then(function () { input.value = ""; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (input.files.length) { sendAll(input.files); }
  });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) { sendAll(event.dataTransfer.files); }
  });
}());
