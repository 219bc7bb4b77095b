// A solve's progress, live: on the solve's own page and on the week page it is solving.
// Polls the run's JSON about once a second and updates the box that carries these data
// attributes (the same script for both pages):
//   data-progress-url  the run's JSON (with ?site= on the week page of a site planned with it)
//   data-finished      "yes" when the page was drawn after the run had ended: it then stays put
//   data-ended-url     where to go when the run ends without a rota (default: reload the page)
// Fields inside the box, each optional: [data-field=status] (the state in a word),
// [data-field=said] (the status region screen readers announce: state and quality in words,
// changed only when they change), [data-field=time], [data-field=summary] (the score by level),
// [data-field=note] and [data-field=live] (the best rota so far); a [data-nojs] link hides.
// When a run the page saw running ends, the page opens its new version by itself, or reloads
// to show why there is none.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || box.getAttribute("data-finished") === "yes") { return; }  // drawn as it ended
  var url = box.getAttribute("data-progress-url");
  function field(name) { return box.querySelector("[data-field=" + name + "]"); }
  var bar = box.querySelector("progress");
  var status = field("status");
  var said = field("said");
  var time = field("time");
  var summary = field("summary");
  var note = field("note");
  var live = field("live");
  var refresh = box.querySelector("[data-nojs]");
  if (refresh) { refresh.hidden = true; }
  var shown = live ? live.innerHTML : "";

  function fmt(n) { return (Math.round(n * 10) / 10).toString(); }

  // Text changes only when it differs, so the status region speaks only of news.
  function put(el, text) {
    if (el && el.textContent !== text) { el.textContent = text; }
  }

  // The new grid in place of the old, keeping where the reader scrolled to and their focus.
  function showRota(html) {
    if (!live || !html || html === shown) { return; }
    var old = live.querySelector(".chart-scroll");
    var left = old ? old.scrollLeft : 0;
    var focused = old !== null && old.contains(document.activeElement);
    live.innerHTML = html;  // rendered and escaped by the server
    shown = html;
    var now = live.querySelector(".chart-scroll");
    if (now) {
      now.scrollLeft = left;
      if (focused) { now.focus(); }
    }
  }

  function show(p) {
    bar.value = p.percent;
    bar.textContent = p.percent + "%";
    put(status, p.state);
    put(said, p.said);
    put(time, p.solutions + " rota(s) found; " + fmt(p.elapsed) + " s spent, " +
      Math.round(p.time_left) + " s left.");
    if (summary) {
      put(summary, (p.objective === null || !p.score_line) ? "No rota found yet." :
        "Best so far, by level: " + p.score_line + "." +
        (p.bound_line ? " How far from the best possible: " + p.bound_line + "." : ""));
    }
    showRota(p.rota_html);
    if (note) {
      put(note, p.note || "");
      note.hidden = !p.note;
    }
  }

  // The run has ended while the page watched: its new version, or the page again with why not.
  function open(p) {
    var ended = box.getAttribute("data-ended-url");
    if (p.rota_url || ended) {
      window.location.assign(p.rota_url || ended);
    } else {
      window.location.reload();
    }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (p) {
        show(p);
        if (p.finished) {
          open(p);
        } else {
          window.setTimeout(poll, (p.rota_html || p.solutions) ? 1000 : 250);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 150);
})();
