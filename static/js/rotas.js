// Live progress of a solve: polls the run's JSON about once a second and updates the bar and text.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var status = box.querySelector("[data-field=status]");
  var summary = box.querySelector("[data-field=summary]");
  var note = box.querySelector("[data-field=note]");
  var actions = box.querySelector("[data-field=actions]");
  var live = box.querySelector("[data-field=live]");
  var refresh = box.querySelector("[data-nojs]");
  if (refresh) { refresh.hidden = true; }

  function fmt(n) { return (Math.round(n * 10) / 10).toString(); }

  function show(p) {
    bar.value = p.percent;
    bar.textContent = p.percent + "%";
    status.textContent = p.status;
    var text = (p.objective === null || !p.score_line) ? "No rota found yet." :
      "Best so far, by level: " + p.score_line + "." +
      (p.bound_line ? " How far from the best possible: " + p.bound_line + "." : "");
    text += " " + p.solutions + " rota(s) found; " + fmt(p.elapsed) + " s spent, " +
      Math.round(p.time_left) + " s left.";
    if (p.finished && p.message) { text += " " + p.message; }
    summary.textContent = text;
    if (live && p.rota_html) { live.innerHTML = p.rota_html; }  // rendered and escaped by the server
    if (note) {
      note.textContent = p.note || "";
      note.hidden = !p.note;
    }
    if (p.finished && !p.rota_url && box.getAttribute("data-finished") !== "yes") {
      window.location.reload();  // no rota: the page itself lists why, and the pins in the way
      return;
    }
    if (p.finished) {
      actions.textContent = "";
      var link = document.createElement("a");
      link.className = "button";
      link.href = p.rota_url || window.location.href;
      link.textContent = p.rota_url ? "See version " + p.rota_version : "Reload";
      actions.appendChild(link);
    }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (p) {
        show(p);
        if (!p.finished) { window.setTimeout(poll, p.rota_html ? 1000 : 400); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 300);
})();
