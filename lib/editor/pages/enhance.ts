// The desk's one script: suggestion forms post in place (the queue stays put); without it they post and redirect.
import { createHash } from 'node:crypto';

/**
 * Progressive enhancement of forms marked `data-enhance`: posted with fetch (`Accept: application/json`, same
 * fields as the plain form, CSRF token included), the answered row is removed, the survivor's version is updated
 * in the other forms, and the message goes to the page's live region. Any failure is shown in the row.
 */
export const DESK_SCRIPT = `"use strict";
(() => {
  const flash = document.getElementById("flash");
  const say = (text, bad) => {
    if (!flash) return;
    flash.textContent = text;
    flash.className = bad ? "error" : "flash";
    flash.hidden = false;
  };
  const recount = () => {
    const n = document.querySelectorAll("[data-suggestion]").length;
    const count = document.getElementById("suggestion-count");
    if (count) count.textContent = String(n);
    const none = document.getElementById("no-suggestions");
    if (none) none.hidden = n > 0;
  };
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-enhance")) return;
    event.preventDefault();
    const row = form.closest("[data-suggestion]");
    const buttons = (row || form).querySelectorAll("button");
    const problem = row && row.querySelector(".pair-error");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const res = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await res.json().catch(() => ({ message: "Unexpected answer (" + res.status + "); reload the page." }));
      if (!res.ok) throw new Error(data.message || "Failed (" + res.status + ")");
      if (data.absorbed) {
        document.querySelectorAll("[data-suggestion]").forEach((el) => {
          if (el.dataset.a === data.absorbed || el.dataset.b === data.absorbed) el.remove();
        });
        document.querySelectorAll("tr[data-story-id]").forEach((tr) => {
          if (tr.dataset.storyId === data.absorbed) tr.remove();
        });
      }
      if (data.story) {
        document.querySelectorAll("input[data-version-of]").forEach((input) => {
          if (input.dataset.versionOf === data.story.id) input.value = String(data.story.version);
        });
      }
      if (row) row.remove();
      recount();
      say(data.message, false);
    } catch (err) {
      if (problem) {
        problem.textContent = err.message;
        problem.hidden = false;
      } else say(err.message, true);
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
})();
`;

/** Path of the script; the query is its content hash, so browsers may cache it for good. */
export const DESK_SCRIPT_PATH = `/editor/assets/desk.js?v=${createHash('sha256').update(DESK_SCRIPT).digest('hex').slice(0, 12)}`;
