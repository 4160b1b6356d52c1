// RACI matrix editor: the ARIA data grid pattern on a server-rendered <table>.
// Arrow keys, Home/End, Ctrl+Home/End and Page Up/Down move between cells (one cell is in the
// tab order at a time); R, A, C or I sets the focused cell, Delete or Backspace clears it, Enter
// or Space steps to the next letter. A click selects a cell; a click on the selected cell steps to
// the next letter. Each change is posted at once (in order, one at a time), the findings panel is
// replaced by the server's answer, and the outcome is announced in a live region.
(() => {
  "use strict";
  const grid = document.getElementById("raci-grid");
  if (!grid) { return; }
  const editable = grid.getAttribute("aria-readonly") !== "true";
  const cellUrl = grid.dataset.cellUrl;
  const status = document.getElementById("raci-status");
  const panel = document.getElementById("raci-findings");
  const filters = document.getElementById("raci-filters-qs");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  const NAMES = { R: "Responsible", A: "Accountable", C: "Consulted", I: "Informed" };
  const CYCLE = ["", "R", "A", "C", "I"];
  const headers = Array.from(grid.tHead.rows[0].cells).slice(1);
  let current = grid.querySelector("td[tabindex='0']");
  let queue = Promise.resolve();

  const rows = () => Array.from(grid.querySelectorAll("tbody tr[data-a]"));
  const colOf = (td) => td.cellIndex - 1;
  const partyOf = (td) => headers[colOf(td)];
  const nameOf = (el) => (el.querySelector("span:not(.mark):not(.visually-hidden)") || el).textContent.trim();

  const plural = (n, word) => `${n} ${word}${Number(n) === 1 ? "" : "s"}`;

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function select(td, focus) {
    if (!td) { return; }
    if (current && current !== td) { current.setAttribute("tabindex", "-1"); }
    td.setAttribute("tabindex", "0");
    current = td;
    if (focus !== false) { td.focus(); }
  }

  function move(td, dRow, dCol, toEdge) {
    const all = rows();
    const tr = td.parentElement;
    let r = all.indexOf(tr);
    let c = colOf(td);
    const last = headers.length - 1;
    if (toEdge === "row-start") { c = 0; }
    else if (toEdge === "row-end") { c = last; }
    else if (toEdge === "first") { r = 0; c = 0; }
    else if (toEdge === "last") { r = all.length - 1; c = last; }
    else {
      r = Math.max(0, Math.min(all.length - 1, r + dRow));
      c = Math.max(0, Math.min(last, c + dCol));
    }
    const target = all[r] && all[r].cells[c + 1];
    if (target) { select(target); }
  }

  function show(td, letter) {
    // The same activity can appear in several rows (grouped by outcome): update each of them.
    const a = td.parentElement.dataset.a;
    const col = td.cellIndex;
    grid.querySelectorAll(`tbody tr[data-a="${a}"]`).forEach((tr) => {
      const cell = tr.cells[col];
      const adw = tr.hasAttribute("data-adw");
      cell.textContent = letter === "A" && adw ? "A/R" : letter;
      cell.className = letter ? `l${letter}` : "";
    });
  }

  function letterOf(td) {
    const text = td.textContent.trim();
    return text === "A/R" ? "A" : text;
  }

  function set(td, letter) {
    if (!editable) {
      say("You can read this RACI but not change it: ask a project manager for the contributor role.", true);
      return;
    }
    const before = letterOf(td);
    const activity = td.parentElement.dataset.a;
    const party = partyOf(td).dataset.p;
    const what = `${nameOf(partyOf(td))} on ${td.parentElement.cells[0].firstChild.textContent.trim()}`;
    if (before === letter) {
      say(letter ? `${what} is already ${NAMES[letter]}.` : `${what} is already empty.`);
      return;
    }
    show(td, letter);
    td.setAttribute("aria-busy", "true");
    const body = new FormData();
    body.append("activity", activity);
    body.append("party", party);
    body.append("letter", letter);
    body.append("filters", filters ? filters.value : "");
    queue = queue.then(() => fetch(cellUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch" },
    }).then(async (response) => {
      const text = await response.text();
      if (!response.ok) {
        show(td, before);
        const reason = response.status === 403
          ? "Your role does not allow changing the RACI."
          : (response.headers.get("Content-Type") || "").startsWith("text/plain") ? text : `The server answered ${response.status}.`;
        say(`Not saved: ${reason}`, true);
        return;
      }
      const stored = response.headers.get("X-Raci-Letter") || "";
      show(td, stored);
      if (panel) { panel.innerHTML = text; }
      const counts = panel ? panel.querySelector("[data-errors]") : null;
      const tally = counts ? ` ${plural(counts.dataset.errors, "error")}, ${plural(counts.dataset.warnings, "warning")}.` : "";
      say(stored ? `Saved: ${what} is ${NAMES[stored]}.${tally}` : `Saved: cleared ${what}.${tally}`);
    }).catch(() => {
      show(td, before);
      say("Not saved: the connection failed. Check your network and try again.", true);
    }).finally(() => { td.removeAttribute("aria-busy"); }));
  }

  function cycle(td) {
    const next = CYCLE[(CYCLE.indexOf(letterOf(td)) + 1) % CYCLE.length];
    set(td, next);
  }

  grid.addEventListener("keydown", (event) => {
    const td = event.target.closest("td");
    if (!td || !td.parentElement.dataset.a) { return; }
    const key = event.key;
    const handled = {
      ArrowUp: () => move(td, -1, 0),
      ArrowDown: () => move(td, 1, 0),
      ArrowLeft: () => move(td, 0, -1),
      ArrowRight: () => move(td, 0, 1),
      PageUp: () => move(td, -10, 0),
      PageDown: () => move(td, 10, 0),
      Home: () => move(td, 0, 0, event.ctrlKey ? "first" : "row-start"),
      End: () => move(td, 0, 0, event.ctrlKey ? "last" : "row-end"),
      Delete: () => set(td, ""),
      Backspace: () => set(td, ""),
      Enter: () => cycle(td),
      " ": () => cycle(td),
    }[key];
    if (handled) {
      event.preventDefault();
      handled();
      return;
    }
    if (!event.ctrlKey && !event.metaKey && !event.altKey && key.length === 1) {
      const letter = key.toUpperCase();
      if (NAMES[letter]) { event.preventDefault(); set(td, letter); }
      else if (letter === "-") { event.preventDefault(); set(td, ""); }
      else if (/^[A-Z]$/.test(letter)) {
        event.preventDefault();
        say(`${letter} is not a RACI letter: type R, A, C or I, or Delete to clear the cell.`, true);
      }
    }
  });

  grid.addEventListener("click", (event) => {
    const td = event.target.closest("td");
    if (!td || !td.parentElement.dataset.a) { return; }
    if (td === current && document.activeElement === td) { cycle(td); }
    else { select(td); }
  });

  // The palette sets the selected cell with a mouse or touch, then gives focus back to it.
  document.querySelectorAll("[data-raci-letter]").forEach((button) => {
    button.addEventListener("click", () => {
      if (!current) { say("Select a cell first.", true); return; }
      set(current, button.dataset.raciLetter);
      current.focus();
    });
  });

  // Arriving from a finding's link (#a12): put the focus in that row.
  const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (target && target.closest("tr[data-a]")) {
    const first = target.closest("tr").cells[1];
    if (first) { select(first, false); }
  }
})();
