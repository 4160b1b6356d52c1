// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Select the freshly created API token so it can be copied at once.
  const token = document.getElementById("new-token");
  if (token) { token.focus(); token.select(); }
});
