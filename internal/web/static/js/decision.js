// The decision card at the top of a session: what is happening now and
// what the user can do about it — approve a checkpoint, ask for changes,
// retry after an error, stop a running stage, or ask for a re-cut.

import { h, icon } from "./dom.js";
import { stageLabel } from "./format.js";
import { canCompare, reviewArt, reviewKey } from "./review.js";

const CHECKPOINT_TITLES = {
  hero: "The hero is ready",
  "contact-sheet": "The contact sheet is ready",
  frames: "The six frames are cut",
  clips: "The clips are ready",
};

const CHANGE_HINTS = {
  hero: "“Warmer light”, “a lower camera”, “use 9:16”…",
  "contact-sheet": "“More variety in the angles”, “tighter crops”…",
  frames: "“Regenerate frame 3”, “use 9:16”… or use the buttons on the frames.",
  clips: "“Redo clip 2”, “loop it”, “use cinematic easing”… or use the buttons on the clips.",
  complete: "“Use cinematic easing”, “loop it”, “regenerate frame 2”…",
};

export class Decision {
  // actions: { send(text) → Promise, cancel() → Promise, zipHref }
  constructor(actions) {
    this.actions = actions;
    this.mode = "";
    this.busy = false;
    this.compare = false;
    this.artKey = "";
    this.el = h("section", { class: "decision", "aria-labelledby": "decision-title" });
  }

  // update redraws the card when the mode changes; a new checkpoint is
  // scrolled into view with focus on its heading, so the next Tab reaches
  // "Approve & continue". It returns true when the mode changed.
  update(state, session, assets) {
    const mode = modeOf(state, session);
    const changed = mode !== this.mode;
    if (changed) {
      this.mode = mode;
      this.compare = false;
      this.artKey = "";
      this.el.dataset.mode = mode.split(":")[0];
      this.el.replaceChildren(...this.build(mode, state));
    }
    if (mode === "running") this.progress(state);
    if (mode.startsWith("awaiting:")) this.drawArt(mode.split(":")[1], assets);
    if (changed && mode.startsWith("awaiting:")) this.present();
    return changed;
  }

  // present brings the checkpoint on screen and focuses its heading.
  present() {
    const title = this.el.querySelector("#decision-title");
    const bar = document.querySelector(".topbar")?.getBoundingClientRect().bottom || 0;
    window.scrollTo({ top: Math.max(0, this.el.getBoundingClientRect().top + window.scrollY - bar - 8) });
    title?.focus({ preventScroll: true });
  }

  // drawArt fills the review area with the checkpoint's artifacts once
  // they are loaded, and again when they change.
  drawArt(stage, assets) {
    const key = `${reviewKey(stage, assets)}:${this.compare}`;
    if (!this.art || key === this.artKey) return;
    this.artKey = key;
    this.art.replaceChildren(...reviewArt(stage, assets, this.compare));
    const can = canCompare(stage, assets);
    this.compareBtn.hidden = !can;
    this.compareBtn.setAttribute("aria-pressed", String(this.compare && can));
    this.lastAssets = assets;
  }

  toggleCompare(stage) {
    this.compare = !this.compare;
    this.drawArt(stage, this.lastAssets);
  }

  build(mode, state) {
    const [kind, stage] = mode.split(":");
    // While a stage develops, the developing plate below says so and
    // holds the Stop button; this card would only repeat it.
    this.el.hidden = kind === "loading" || kind === "developing";
    this.art = null;
    switch (kind) {
      case "loading":
      case "developing":
        return [];
      case "running":
        this.runText = h("h2", { id: "decision-title", class: "decision-title", tabindex: "-1" });
        this.runMsg = h("p", { class: "decision-text" });
        return [h("div", { class: "decision-head" }, h("span", { class: "pulse", "aria-hidden": "true" }), this.runText),
          this.runMsg,
          h("div", { class: "decision-actions" },
            h("button", { type: "button", class: "btn btn-quiet", onclick: (e) => this.run(e.currentTarget, () => this.actions.cancel()) }, icon("stop"), "Stop"))];
      case "awaiting":
        this.art = h("div", { class: "review-art", dataset: { stage } });
        this.compareBtn = h("button", { type: "button", class: "btn btn-quiet", hidden: true, "aria-pressed": "false",
          onclick: () => this.toggleCompare(stage) }, "Compare with the previous version");
        // The heading and the approve button come first in the document
        // (one Tab from the focused heading); the grid places the art.
        return [h("div", { class: "review-call" },
          h("p", { class: "decision-kicker" }, "Checkpoint · your call"),
          h("h2", { id: "decision-title", class: "decision-title", tabindex: "-1" }, CHECKPOINT_TITLES[stage] || `${stageLabel(stage)} ready`),
          h("div", { class: "decision-actions" },
            h("button", { type: "button", class: "btn btn-primary", dataset: { action: "approve" },
              onclick: (e) => this.run(e.currentTarget, () => this.actions.send("continue")) }, "Approve & continue", icon("arrow")),
            this.compareBtn),
          this.verdict(stage, state.checkpoint?.qa)),
        this.art,
        h("div", { class: "review-more" },
          h("p", { class: "decision-text" }, state.checkpoint?.message || ""),
          this.changes("Request changes", CHANGE_HINTS[stage] || "Describe what to change…", "Send changes"))];
      case "error":
        return [h("p", { class: "decision-kicker" }, "Something went wrong"),
          h("h2", { id: "decision-title", class: "decision-title", tabindex: "-1" }, state.error?.stage ? `The ${stageLabel(state.error.stage).toLowerCase()} stage stopped` : "The director stopped"),
          h("p", { class: "decision-text" }, state.error?.message || ""),
          h("div", { class: "decision-actions" },
            h("button", { type: "button", class: "btn btn-primary", dataset: { action: "retry" },
              onclick: (e) => this.run(e.currentTarget, () => this.actions.send("retry")) }, icon("redo"), "Retry")),
          this.changes("Or tell the director what to do instead", "Describe a change…", "Send")];
      case "done":
        return [h("p", { class: "decision-kicker" }, "Finished"),
          h("h2", { id: "decision-title", class: "decision-title", tabindex: "-1" }, "The film is ready"),
          h("p", { class: "decision-text" }, "Watch it below, download everything, or ask for a re-cut."),
          h("div", { class: "decision-actions" },
            h("a", { class: "btn btn-primary", href: this.actions.zipHref, download: "" }, icon("download"), "Download everything (.zip)")),
          this.changes("Ask for a re-cut", CHANGE_HINTS.complete, "Send")];
      default:
        return [h("p", { class: "decision-kicker" }, kind === "stopped" ? "Stopped" : "Paused"),
          h("h2", { id: "decision-title", class: "decision-title", tabindex: "-1" }, "Pick up where you left off"),
          h("p", { class: "decision-text" }, "Everything made so far is kept. Continue, or describe what to change."),
          h("div", { class: "decision-actions" },
            h("button", { type: "button", class: "btn btn-primary", onclick: (e) => this.run(e.currentTarget, () => this.actions.send("continue")) }, "Continue", icon("arrow"))),
          this.changes("Or describe a change", "Describe a change…", "Send")];
    }
  }

  // verdict is the picture check's finding on the checkpoint in one line,
  // with a button that asks for exactly that to be fixed; nothing when
  // the check found nothing wrong.
  verdict(stage, qa) {
    if (!qa?.summary) return null;
    const who = qa.by === "vision" ? "The director's check" : "The measured check";
    const retry = qa.retry?.status === "skipped" ? ` No automatic retry: ${qa.retry.reason}.` : "";
    return h("div", { class: "qa-verdict", dataset: { verdict: qa.verdict } },
      h("p", { class: "qa-summary" }, icon("alert"), h("span", {}, `${who} found: `, h("strong", {}, qa.summary), `.${retry}`)),
      h("button", { type: "button", class: "btn btn-secondary", dataset: { action: "fix" },
        onclick: (e) => this.run(e.currentTarget, () => this.actions.send(fixRequest(stage, qa))) }, icon("redo"), "Fix this"));
  }

  // changes is the free-text reply form.
  changes(label, placeholder, button) {
    const area = h("textarea", { id: "reply", name: "reply", rows: "2", placeholder, required: true, maxlength: "4000" });
    const send = h("button", { type: "submit", class: "btn btn-secondary" }, button);
    const form = h("form", { class: "reply", onsubmit: (e) => {
      e.preventDefault();
      const text = area.value.trim();
      if (!text) { area.focus(); return; }
      this.run(send, () => this.actions.send(text)).then((ok) => { if (ok) area.value = ""; });
    } },
    h("label", { for: "reply", class: "label" }, label),
    h("div", { class: "reply-row" }, area, send));
    area.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
    });
    return form;
  }

  // run disables the card's controls while an action is in flight.
  async run(button, fn) {
    if (this.busy) return false;
    this.busy = true;
    const controls = [...this.el.querySelectorAll("button, textarea")];
    // Disabling the focused control would drop focus to the page body:
    // it moves to the card's heading first and stays in the card.
    const focused = this.el.contains(document.activeElement);
    controls.forEach((c) => { c.disabled = true; });
    if (focused) this.el.querySelector("#decision-title")?.focus({ preventScroll: true });
    button?.setAttribute("aria-busy", "true");
    try {
      await fn();
      return true;
    } catch {
      return false;
    } finally {
      this.busy = false;
      button?.removeAttribute("aria-busy");
      controls.forEach((c) => { if (c.isConnected) c.disabled = false; });
    }
  }

  progress(state) {
    this.runText.textContent = "The director is at work";
    this.runMsg.textContent = state.activity || "";
  }
}

function modeOf(state, session) {
  if (!state.lastSeq) return "loading";
  if (state.running) return Object.values(state.stages).some((s) => s.status === "running") ? "developing" : "running";
  if (state.error) return "error";
  if (state.awaiting && state.checkpoint) return `awaiting:${state.checkpoint.stage}`;
  if (state.done || session?.run_state === "done") return "done";
  if (state.stopped || session?.run_state === "cancelled") return "stopped";
  return "idle";
}

// fixRequest turns a check's verdict into the change to ask for: the
// frames to redo with the items that drifted, or the picture to make again
// keeping them as in the references.
export function fixRequest(stage, qa) {
  const bad = (qa.checks || []).filter((c) => c.status === "changed" || c.status === "missing" || c.status === "fail");
  const items = [...new Set(bad.map((c) => c.item))];
  const what = items.length ? items.join(", ") : "every reference item";
  if (stage === "frames") {
    const frames = [...new Set(bad.flatMap((c) => c.frames || []))].sort((a, b) => a - b);
    if (frames.length) {
      const list = frames.length === 1 ? `frame ${frames[0]}` : `frames ${frames.slice(0, -1).join(", ")} and ${frames.at(-1)}`;
      return `regenerate ${list} with the ${what} exactly as in the references`;
    }
  }
  const found = bad.map((c) => `${c.item} ${c.status === "fail" ? "wrong" : c.status}`);
  return `Keep the ${what} exactly as in the references; the check found: ${[...new Set(found)].join("; ")}.`;
}
