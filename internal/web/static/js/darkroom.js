// The "developing" plate shown above the gallery while a stage runs: a
// placeholder shaped like what is coming, with its progress — one tile per
// clip, each over the frame it starts from.

import { h, icon } from "./dom.js";
import { STAGES } from "./state.js";
import { duration } from "./clock.js";
import { money } from "./format.js";

export class Darkroom {
  // stop() cancels the running stage (POST …/cancel).
  constructor(stop) {
    this.stop = stop;
    this.key = "";
    this.el = h("div", { class: "darkroom" });
  }

  // update draws the plate of the running stage; now is the stage clock's
  // figures (clock.js), or null before the first answer.
  update(state, assets, session, now) {
    const running = state.running ? STAGES.find((st) => state.stages[st.id].status === "running") : null;
    const key = running ? `${running.id}:${running.id === "clips" ? state.clipCount : ""}` : "";
    if (key !== this.key) {
      this.key = key;
      this.el.replaceChildren(running ? this.build(running, state, assets, session) : "");
    }
    if (running) {
      this.fill(running.id, state);
      this.time(running.id, now);
    }
  }

  // time shows elapsed, time left and the running cost against the
  // estimate; the figures are also data attributes for tools and tests.
  time(id, now) {
    const plate = this.el.firstElementChild;
    if (!now || now.stage !== id) {
      this.timing.textContent = "Timing…";
      return;
    }
    plate.dataset.elapsed = now.elapsed.toFixed(1);
    plate.dataset.expected = now.expected === null ? "" : now.expected.toFixed(1);
    const parts = [`${duration(now.elapsed)} elapsed`,
      now.expected === null ? "first time on this studio: no estimate yet" : `${now.left} (usually ${duration(now.expected)})`,
      `cost ${money(now.cost)}${now.estimate !== null && now.estimate !== undefined ? ` of ${money(now.estimate)} estimated` : ""}`];
    this.timing.textContent = parts.join(" · ");
  }

  build(stage, state, assets, session) {
    this.bars = [];
    this.pct = h("span", { class: "develop-pct" });
    this.msg = h("p", { class: "develop-msg" });
    this.timing = h("p", { class: "develop-time" }, "Timing…");
    let body;
    if (stage.id === "clips") body = this.clipTiles(state.clipCount, assets.frames || []);
    else if (stage.id === "frames") body = h("div", { class: "tiles tiles-frames" }, [1, 2, 3, 4, 5, 6].map(() => h("div", { class: "tile tile-ghost" })));
    else body = this.box(stage.id, session);
    return h("section", { class: "plate plate-developing", "aria-label": `Developing the ${stage.label.toLowerCase()}` },
      h("header", { class: "plate-head" },
        h("span", { class: "plate-no develop-dot", "aria-hidden": "true" }),
        h("h2", { class: "plate-title", tabindex: "-1" }, `Developing · ${stage.label}`),
        this.pct,
        h("button", { type: "button", class: "btn btn-quiet btn-small", onclick: (e) => this.onStop(e.currentTarget) }, icon("stop"), "Stop")),
      this.timing, body, this.msg);
  }

  async onStop(button) {
    button.disabled = true;
    try { await this.stop(); } catch { button.disabled = false; }
  }

  box(id, session) {
    const el = h("div", { class: "develop-box" }, h("span", { class: "develop-shimmer" }));
    const ratio = id === "final" ? "16 / 9" : (session?.options?.aspectRatio || "3:2").replace(":", " / ");
    el.style.setProperty("--ar", ratio);
    return el;
  }

  clipTiles(count, frames) {
    const tiles = [];
    for (let n = 1; n <= count; n++) {
      const start = frames.find((f) => f.index === n);
      const fill = h("span", { class: "clipbar-fill" });
      const label = h("span", { class: "develop-clip-pct" });
      this.bars[n] = { fill, label };
      const tile = h("div", { class: "tile tile-developing" },
        start ? h("img", { class: "tile-media", src: start.url, alt: "" }) : h("span", { class: "tile-media tile-blank" }),
        h("span", { class: "develop-clip" }, h("span", { class: "develop-clip-no" }, `Clip ${n}`), label,
          h("span", { class: "clipbar" }, fill)));
      const m = start?.metadata || {};
      if (m.width > 0 && m.height > 0) tile.style.setProperty("--tile-ar", `${m.width} / ${m.height}`);
      tiles.push(tile);
    }
    return h("div", { class: "tiles tiles-clips" }, tiles);
  }

  fill(id, state) {
    const st = state.stages[id];
    this.pct.textContent = `${Math.round(st.percent)}%`;
    this.msg.textContent = st.message || state.activity || "";
    this.el.style.setProperty("--p", `${Math.round(st.percent)}%`);
    if (id !== "clips") return;
    for (let n = 1; n < this.bars.length; n++) {
      const p = Math.round(state.clips.get(n)?.percent || 0);
      this.bars[n].fill.parentElement.style.setProperty("--p", `${p}%`);
      this.bars[n].label.textContent = p >= 100 ? "Ready" : p ? `${p}%` : "Developing";
      this.bars[n].fill.closest(".tile").dataset.done = String(p >= 100);
    }
  }
}
