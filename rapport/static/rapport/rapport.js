// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Select the freshly created API token so it can be copied at once.
  const token = document.getElementById("new-token");
  if (token) { token.focus(); token.select(); }
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
