/* The review page's keyboard loop.
 *
 * The sentence list is one Tab stop: a roving tabindex puts only the active sentence (and the
 * controls inside it) in the Tab order, so Tab moves past the list instead of through hundreds
 * of buttons. Single-key shortcuts act on the active sentence by clicking its own links and
 * buttons — the mouse path and the keyboard path are the same requests. A toggle turns the
 * shortcuts off (WCAG 2.1.4) and is remembered. After htmx swaps a row, focus stays on it.
 */
(() => {
  "use strict";

  const STORAGE_KEY = "interview-analyzer:shortcuts";
  const FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  const ROW_ACTIONS = new Set(["e", "o", "r", "c", "n"]);
  const TEXT_ENTRY =
    "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit])," +
    " textarea, select, [contenteditable]";
  let activeId = null;
  let helpOpener = null;

  const list = () => document.getElementById("sentences");
  const rowsIn = (root) => (root ? Array.from(root.querySelectorAll(".sentence")) : []);
  const byId = (id) => (id ? document.getElementById(id) : null);
  const activeRow = () => byId(activeId) || rowsIn(list())[0] || null;
  const isRow = (el) => Boolean(el && el.classList && el.classList.contains("sentence"));

  function shortcutsOn() {
    try {
      return localStorage.getItem(STORAGE_KEY) !== "off";
    } catch {
      return true; // storage blocked: the default, on
    }
  }

  /* Only the active row and what is inside it take part in the Tab order. */
  function setTabbable(row, on) {
    row.tabIndex = on ? 0 : -1;
    row.classList.toggle("is-active", on);
    for (const el of row.querySelectorAll(FOCUSABLE)) el.tabIndex = on ? 0 : -1;
  }

  function activate(row, focus) {
    if (!row) return;
    const previous = byId(activeId);
    if (previous && previous !== row) setTabbable(previous, false);
    setTabbable(row, true);
    activeId = row.id;
    if (focus) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function sibling(row, delta) {
    let next = delta > 0 ? row.nextElementSibling : row.previousElementSibling;
    while (next && !isRow(next)) next = delta > 0 ? next.nextElementSibling : next.previousElementSibling;
    return next;
  }

  /* j/k: the first press from outside the list lands on the active row itself. */
  function move(delta) {
    const row = activeRow();
    if (!row) return;
    if (!row.contains(document.activeElement)) return activate(row, true);
    activate(sibling(row, delta) || row, true);
  }

  function navigate(key, row) {
    const rows = rowsIn(list());
    const targets = {
      ArrowDown: () => sibling(row, 1),
      ArrowUp: () => sibling(row, -1),
      Home: () => rows[0],
      End: () => rows[rows.length - 1],
    };
    if (!(key in targets)) return false;
    activate(targets[key]() || row, true);
    return true;
  }

  /* A row action key clicks the row's own control: the same request as a mouse click. */
  function press(key) {
    const row = activeRow();
    const control = row && row.querySelector(`[data-shortcut="${key}"]`);
    if (!control) return false;
    activate(row, !row.contains(document.activeElement));
    control.click();
    return true;
  }

  /* Enter: confirm the active sentence (if it is not yet) and move on at once; the reply
     swaps the confirmed row in the background without taking the focus back. */
  function confirmAndNext(row) {
    const confirm = row.querySelector('[data-shortcut="c"]');
    const next = sibling(row, 1);
    if (confirm) confirm.click();
    if (next) activate(next, true);
  }

  /* Escape: close the form or conflict open in the row (its Cancel link reloads the row). */
  function closeForm(target) {
    // With the focus nowhere (a swap just replaced the focused element), the active row.
    const row = target === document.body ? activeRow() : target.closest?.(".sentence");
    const cancel = row && row.querySelector("[data-cancel]");
    if (!cancel) return false;
    activate(row, false);
    cancel.click();
    return true;
  }

  function openHelp() {
    const dialog = document.getElementById("shortcut-help");
    if (!dialog || dialog.open) return;
    helpOpener = document.activeElement;
    dialog.showModal();
  }

  function shortcut(key, target) {
    switch (key) {
      case "j":
        move(1);
        return true;
      case "k":
        move(-1);
        return true;
      case "/":
        document.getElementById("filter-q")?.focus();
        return true;
      case "?":
        openHelp();
        return true;
      case "Enter":
        if (!isRow(target)) return false;
        confirmAndNext(target);
        return true;
      default:
        return ROW_ACTIONS.has(key) && press(key);
    }
  }

  function typing(target) {
    if (!target.closest) return false;
    return Boolean(target.closest("form.correction, .conflict") || target.matches(TEXT_ENTRY));
  }

  function onKeydown(event) {
    if (event.defaultPrevented) return;
    const target = event.target;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && target.form && typing(target)) {
      event.preventDefault(); // Ctrl+Enter saves a textarea's form (Enter adds a line there)
      target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      if (closeForm(target)) event.preventDefault();
      return;
    }
    // Arrow keys inside the list are the list's own navigation, not shortcuts: always on.
    if (isRow(target) && navigate(event.key, target)) return event.preventDefault();
    if (!shortcutsOn() || typing(target) || document.querySelector("dialog[open]")) return;
    if (shortcut(event.key, target)) event.preventDefault();
  }

  /* After a swap: new rows join the roving tabindex; the active row gets the focus back if
     the swap took it away (a focused element was replaced), never if the reviewer moved on. */
  function focusInside(row) {
    const field =
      row.querySelector("[aria-invalid=true]") ||
      row.querySelector(".correction [data-autofocus], .conflict [data-autofocus]");
    (field || row).focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function focusWasLost() {
    const focused = document.activeElement;
    return !focused || focused === document.body || Boolean(list()?.contains(focused));
  }

  function adopt(content) {
    const rows = isRow(content) ? [content] : rowsIn(content);
    if (rows.length === 0 && !content.querySelector?.("#sentences")) return;
    for (const row of rows) setTabbable(row, row.id === activeId);
    if (!byId(activeId)) {
      activeId = null;
      activate(rowsIn(list())[0], false);
    }
    const fresh = rows.find((row) => row.id === activeId);
    if (fresh && (fresh.querySelector(".correction, .conflict") || focusWasLost())) {
      focusInside(fresh);
    }
    applyShortcutSetting(content);
  }

  function applyShortcutSetting(root) {
    const on = shortcutsOn();
    document.documentElement.classList.toggle("shortcuts-off", !on);
    const toggle = document.getElementById("shortcuts-toggle");
    if (toggle) toggle.checked = on;
    for (const el of (root || document).querySelectorAll("[data-shortcut]")) {
      if (on) el.setAttribute("aria-keyshortcuts", el.dataset.shortcut);
      else el.removeAttribute("aria-keyshortcuts");
    }
  }

  function announce(message) {
    const status = document.getElementById("review-status");
    if (status) status.textContent = message;
  }

  function start() {
    for (const row of rowsIn(list())) setTabbable(row, false);
    const fromHash = location.hash.startsWith("#s-") ? byId(location.hash.slice(1)) : null;
    activate(fromHash || rowsIn(list())[0], Boolean(fromHash));
    applyShortcutSetting(document);

    document.addEventListener("keydown", onKeydown);
    // A click or Tab into a row makes it the active one.
    document.addEventListener("focusin", (event) => {
      const row = event.target.closest ? event.target.closest("#sentences .sentence") : null;
      if (row && row.id !== activeId) activate(row, false);
    });
    document.getElementById("shortcuts-toggle")?.addEventListener("change", (event) => {
      try {
        localStorage.setItem(STORAGE_KEY, event.target.checked ? "on" : "off");
      } catch {
        /* not remembered, still applied */
      }
      applyShortcutSetting(document);
      announce(event.target.checked ? "Keyboard shortcuts on" : "Keyboard shortcuts off");
    });
    document.getElementById("shortcuts-open")?.addEventListener("click", openHelp);
    document.getElementById("shortcut-help")?.addEventListener("close", () => {
      if (helpOpener && document.contains(helpOpener)) helpOpener.focus();
    });

    // Filters: leave empty fields out of the URL, which stays shareable and short.
    document.body.addEventListener("htmx:configRequest", (event) => {
      if (event.detail.elt.id !== "filters" || !event.detail.formData) return;
      const data = event.detail.formData;
      for (const key of new Set(data.keys())) {
        if (data.getAll(key).every((value) => value === "")) data.delete(key);
      }
    });
    document.body.addEventListener("htmx:responseError", (event) => {
      const xhr = event.detail.xhr;
      announce(`Not saved: the server answered ${xhr.status} ${xhr.statusText}.`);
    });
    document.body.addEventListener("htmx:sendError", () => {
      announce("Not saved: the server cannot be reached. Try again.");
    });
    document.body.addEventListener("htmx:beforeRequest", () => announce(""));
    htmx.onLoad((content) => {
      if (content !== document.body) adopt(content);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
