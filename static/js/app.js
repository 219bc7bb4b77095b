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
