// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Select the freshly created API token so it can be copied at once.
  const token = document.getElementById("new-token");
  if (token) { token.focus(); token.select(); }
});

// A print button: <button type="button" data-print>Print</button> (no inline handlers: the CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});

// Forms that remove something ask first: <form data-confirm="Remove Ben from the team?">.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : null;
  if (question && !window.confirm(question)) { event.preventDefault(); }
});

// A second click on a form already on its way would record the same promise (or anything) twice.
// Runs after the listeners above, so a cancelled confirmation leaves the form free.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.method !== "post" || form.matches("[hx-post],[hx-get]")) return;
  if (form.dataset.submitting) { event.preventDefault(); return; }
  form.dataset.submitting = "true";
  // Free it again after a moment: a download does not leave the page, and Back may return here.
  setTimeout(() => { delete form.dataset.submitting; }, 4000);
});

// A picker's search box (rapport/lib/widgets.py): Enter searches instead of submitting the form,
// and the arrow down key moves into the list of matches.
document.addEventListener("keydown", (event) => {
  const box = event.target;
  if (!box.classList || !box.classList.contains("picker-search")) return;
  if (event.key === "Enter") { event.preventDefault(); }
  if (event.key === "ArrowDown") {
    const list = document.getElementById(box.getAttribute("aria-controls"));
    if (list) { event.preventDefault(); list.focus(); }
  }
});

// A wide table scrolls inside its own box instead of pushing the whole page sideways on a phone.
// Without this file the page still works; it only scrolls sideways as a whole.
function boxWideTables(root) {
  root.querySelectorAll("main table").forEach((table) => {
    if (table.parentElement.classList.contains("scroll-x")) return;
    const box = document.createElement("div");
    box.className = "scroll-x";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    // A box that scrolls must be reachable with the keyboard (and axe checks it).
    if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
  });
}
// Any box that scrolls sideways (a wide chart, a table's box) must be reachable with the keyboard.
const SCROLLING_BOXES = ".scroll-x, figure.chart-box, .chart-figure, .sheet-wrap, .sipoc";
function focusScrollingBoxes(root) {
  root.querySelectorAll(SCROLLING_BOXES).forEach((box) => {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) box.tabIndex = 0;
  });
}
document.addEventListener("DOMContentLoaded", () => { boxWideTables(document); focusScrollingBoxes(document); });
window.addEventListener("resize", () => focusScrollingBoxes(document));
document.addEventListener("htmx:afterSettle", (event) => boxWideTables(event.target.closest("main") || document));

// A field that applies to one kind of thing only (a meeting's length, a custom rule) shows only
// when the field it depends on has that value: <div data-only-when="comm_type" data-only-when-value="meeting">.
function showFieldsThatApply(form) {
  form.querySelectorAll("[data-only-when]").forEach((wrapper) => {
    const control = form.elements[wrapper.dataset.onlyWhen];
    if (!control) return;
    // A field with an error stays in sight, whatever it depends on.
    wrapper.hidden = control.value !== wrapper.dataset.onlyWhenValue && !wrapper.classList.contains("has-error");
  });
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form").forEach((form) => {
    if (!form.querySelector("[data-only-when]")) return;
    showFieldsThatApply(form);
    form.addEventListener("change", () => showFieldsThatApply(form));
  });
});
