// The stage timeline: hero → contact sheet → frames → clips → film, each
// with its state and a progress bar, and one small bar per clip.

import { h } from "./dom.js";
import { STAGES } from "./state.js";

const STATE_TEXT = { idle: "Waiting", running: "Developing", done: "Done", stale: "Needs redoing", error: "Failed", stopped: "Stopped", skipped: "Skipped: your frames" };

export class Timeline {
  constructor() {
    this.steps = new Map();
    this.el = h("ol", { class: "timeline", "aria-label": "Stages" },
      STAGES.map((st, i) => {
        const bar = h("span", { class: "bar", role: "progressbar", "aria-label": `${st.label} progress`, "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0" },
          h("span", { class: "bar-fill" }));
        const state = h("span", { class: "step-state" });
        const clips = st.id === "clips" ? h("span", { class: "clipbars", "aria-hidden": "true" }) : null;
        const li = h("li", { class: "step", dataset: { stage: st.id, status: "idle" } },
          h("span", { class: "step-no", "aria-hidden": "true" }, String(i + 1).padStart(2, "0")),
          h("span", { class: "step-label" }, st.label),
          state, bar, clips);
        this.steps.set(st.id, { li, bar, state, clips });
        return li;
      }));
  }

  // update draws every step; clock is the running stage's timing from
  // /api/sessions/{id}/eta ({stage, left}), or null.
  update(state, clock) {
    for (const st of STAGES) {
      const s = state.stages[st.id];
      const v = this.steps.get(st.id);
      const pct = Math.round(s.percent);
      v.li.dataset.status = s.status;
      if (s.status === "running") v.li.setAttribute("aria-current", "step");
      else v.li.removeAttribute("aria-current");
      const eta = s.status === "running" && clock?.stage === st.id ? clock.left : "";
      v.state.textContent = s.status === "running" ? [`${STATE_TEXT.running} · ${pct}%`, eta].filter(Boolean).join(" · ") : STATE_TEXT[s.status];
      v.bar.style.setProperty("--p", `${pct}%`);
      v.bar.setAttribute("aria-valuenow", String(pct));
      if (v.clips) this.clipBars(v.clips, state);
    }
  }

  clipBars(host, state) {
    const n = state.clipCount;
    while (host.children.length < n) host.append(h("span", { class: "clipbar" }, h("span", { class: "clipbar-fill" })));
    while (host.children.length > n) host.lastChild.remove();
    [...host.children].forEach((el, i) => {
      const c = state.clips.get(i + 1);
      el.style.setProperty("--p", `${Math.round(c?.percent || 0)}%`);
      el.dataset.done = String((c?.percent || 0) >= 100);
    });
  }
}
