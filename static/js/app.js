// Ask before a destructive action: any form with data-confirm="question" needs a yes.
document.addEventListener("submit", (event) => {
  const question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A button with data-print prints the page (the content policy allows no inline handlers).
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});

// A button with data-copy="id" copies that field's text (a one-time link) and says so.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  const field = document.getElementById(button.getAttribute("data-copy"));
  field.select();
  const said = () => { button.textContent = "Copied"; };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(said, () => document.execCommand("copy") && said());
  } else if (document.execCommand("copy")) {
    said();
  }
});

// The wall chart's "Edit mode" link becomes a toggle button: it shows or hides the chart's
// editing controls without a page load, and keeps ?edit=1 in the address for a reload.
document.querySelectorAll("a[data-edit-toggle]").forEach((link) => {
  const chart = document.getElementById(link.getAttribute("aria-controls"));
  if (!chart) {
    return;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = link.className;
  button.textContent = "Edit mode";
  button.setAttribute("aria-controls", chart.id);
  button.setAttribute("aria-pressed", String(chart.classList.contains("editing")));
  button.addEventListener("click", () => {
    const on = chart.classList.toggle("editing");
    button.setAttribute("aria-pressed", String(on));
    const address = new URL(window.location.href);
    if (on) {
      address.searchParams.set("edit", "1");
    } else {
      address.searchParams.delete("edit");
    }
    window.history.replaceState(null, "", address);
  });
  link.replaceWith(button);
});
