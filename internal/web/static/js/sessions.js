// The sessions view: every past shoot as a card with its hero, state and
// cost; open, download or delete.

import { h, icon, append, toast } from "./dom.js";
import { ago, money, runLabel, stageLabel } from "./format.js";
import { confirmDialog } from "./dialogs.js";

export class SessionsView {
  constructor(app) {
    this.app = app;
    this.heroes = new HeroLoader(app.api);
  }

  mount(host) {
    this.grid = h("ul", { class: "cards", "aria-busy": "true", "aria-label": "Sessions" });
    this.status = h("p", { class: "muted", role: "status" }, "Loading sessions…");
    append(host, h("section", { class: "sessions", "aria-labelledby": "sessions-title" },
      h("header", { class: "page-head page-head-row" },
        h("div", {},
          h("p", { class: "kicker" }, "Archive"),
          h("h1", { id: "sessions-title", class: "display", tabindex: "-1" }, "Sessions")),
        h("a", { class: "btn btn-primary", href: "#/" }, "New shoot", icon("arrow"))),
      this.status, this.grid));
    this.load();
  }

  async load() {
    try {
      const res = await this.app.api.get("/api/sessions?limit=100");
      const list = res.sessions || [];
      this.grid.replaceChildren(...list.map((s) => this.card(s)));
      this.status.textContent = list.length ? `${list.length} session${list.length === 1 ? "" : "s"}` : "";
      if (!list.length) this.grid.replaceWith(this.empty());
    } catch (err) {
      this.status.replaceChildren(`Could not load the sessions: ${err.message} `,
        h("button", { type: "button", class: "btn btn-quiet", onclick: () => this.load() }, "Retry"));
    } finally {
      this.grid.setAttribute("aria-busy", "false");
    }
  }

  empty() {
    return h("div", { class: "empty" },
      h("p", { class: "empty-title" }, "No shoots yet."),
      h("p", { class: "muted" }, "Start one: a couple of references and a sentence of brief are enough."),
      h("a", { class: "btn btn-primary", href: "#/" }, "Start a shoot", icon("arrow")));
  }

  card(s) {
    const label = runLabel(s.run_state, s.status);
    const href = `#/session/${s.id}`;
    const title = s.brief || "Untitled shoot";
    const thumb = h("span", { class: "card-img card-img-empty", "aria-hidden": "true" }, icon("film"));
    this.heroes.add(s.id, thumb);
    const li = h("li", { class: "session-card", dataset: { id: s.id } },
      h("a", { class: "card-link", href }, h("span", { class: "card-media" }, thumb),
        h("span", { class: "card-body" },
          h("span", { class: ["badge", `badge-${label.tone}`] }, label.text),
          h("span", { class: "sc-title" }, title),
          h("span", { class: "sc-meta" }, `${stageLabel(s.pipeline_stage)} · ${money(s.total_cost_usd)} · ${ago(s.updated_at)}`))),
      h("div", { class: "card-actions" },
        h("a", { class: "icon-btn", href: `/api/sessions/${s.id}/export.zip`, download: "", "aria-label": `Download ${title} as a zip`, title: "Download zip" }, icon("download")),
        h("button", { type: "button", class: "icon-btn icon-btn-danger", "aria-label": `Delete ${title}`, title: "Delete",
          onclick: () => this.remove(s, li) }, icon("trash"))));
    return li;
  }

  async remove(s, li) {
    const ok = await confirmDialog({
      title: "Delete this session?",
      body: "Its images, clips and film are deleted for good. The reference uploads stay.",
      confirm: "Delete session",
      danger: true,
    });
    if (!ok) return;
    try {
      await this.app.api.del(`/api/sessions/${s.id}`);
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      toast("Session deleted.");
      (next?.querySelector("a") || this.app.main.querySelector("h1"))?.focus();
    } catch (err) {
      toast(`Could not delete: ${err.message}`, "bad");
    }
  }

  destroy() {
    this.heroes.stop();
  }
}

// HeroLoader puts each card's newest hero (the version last made, which is
// the one approved or being judged) in place of its placeholder, asking
// the assets API for a few cards at a time.
class HeroLoader {
  constructor(api) {
    this.api = api;
    this.queue = [];
    this.active = 0;
    this.stopped = false;
  }

  add(id, placeholder) {
    this.queue.push({ id, placeholder });
    this.pump();
  }

  pump() {
    while (!this.stopped && this.active < 4 && this.queue.length) {
      const job = this.queue.shift();
      this.active++;
      this.load(job).finally(() => { this.active--; this.pump(); });
    }
  }

  async load({ id, placeholder }) {
    try {
      const res = await this.api.get(`/api/sessions/${encodeURIComponent(id)}/assets`);
      const hero = res.assets?.hero?.[0];
      if (!hero || this.stopped || !placeholder.isConnected) return;
      const img = h("img", { class: "card-img", alt: "", decoding: "async", src: hero.url, dataset: { version: String(hero.version) } });
      placeholder.replaceWith(img);
    } catch { /* the placeholder stays */ }
  }

  stop() {
    this.stopped = true;
  }
}
