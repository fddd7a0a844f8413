// The session view: one shoot, live. It replays the session's event log
// and then follows it (sse.js), folds the events into a SessionState and
// renders the timeline, the decision card, the artifacts and the
// director's conversation. Replies go out as continue-stream exchanges.

import { h, icon, append, toast } from "./dom.js";
import { ago, dateTime, money, runLabel } from "./format.js";
import { Follower, readEvents } from "./sse.js";
import { SessionState } from "./state.js";
import { Timeline } from "./timeline.js";
import { Thread } from "./director.js";
import { Decision } from "./decision.js";
import { Gallery } from "./gallery.js";
import { Darkroom } from "./darkroom.js";
import { Lightbox, confirmDialog } from "./dialogs.js";
import { StageClock } from "./clock.js";
import { announcement } from "./announce.js";

const REFRESH_EVENTS = new Set(["checkpoint", "complete", "error"]);

export class SessionView {
  constructor(app, sessionId) {
    this.app = app;
    this.api = app.api;
    this.sid = sessionId;
    this.state = new SessionState(sessionId, loadReplies(sessionId));
    this.session = null;
    this.assets = {};
    this.exchanges = new Set();
    this.sending = false;
    this.closed = false;
  }

  mount(host) {
    this.lightbox = new Lightbox();
    this.timeline = new Timeline();
    this.thread = new Thread();
    this.decision = new Decision({ send: (t) => this.send(t), cancel: () => this.cancel(), zipHref: this.zipHref() });
    this.gallery = new Gallery({
      regenerate: (n) => this.send(`regenerate frame ${n}`).catch(() => {}),
      redo: (n) => this.send(`redo clip ${n}`).catch(() => {}),
      lightbox: (items, i) => this.lightbox.open(items, i),
    });
    this.darkroom = new Darkroom(() => this.cancel());
    this.clock = new StageClock(this.api, this.sid, () => this.schedule());
    // Stage changes are announced here, politely, once each.
    this.announcer = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite", id: "stage-announcer" });
    this.said = "";
    this.head = this.header();
    this.root = h("article", { class: "session", "aria-labelledby": "session-title" },
      this.head,
      this.timeline.el,
      h("div", { class: "session-layout" },
        h("div", { class: "session-main" }, this.decision.el, this.darkroom.el, this.gallery.el),
        h("aside", { class: "director", "aria-labelledby": "director-title" },
          h("h2", { id: "director-title", class: "director-title" }, "Director"),
          this.thread.el)),
      this.announcer);
    append(host, this.root);
    // Focus that falls out of the decision card or the developing plate
    // (a control disabled or removed under it) is put back by render.
    this.root.addEventListener("focusout", (e) => {
      if (!e.relatedTarget && (this.decision.el.contains(e.target) || this.darkroom.el.contains(e.target))) {
        this.refocus = true;
        this.schedule();
      }
    });
    this.refresh();
    this.connect();
  }

  header() {
    this.title = h("h1", { id: "session-title", class: "session-title", tabindex: "-1" }, "Loading the session…");
    this.badge = h("span", { class: "badge" });
    this.facts = h("dl", { class: "facts" });
    return h("header", { class: "session-head" },
      h("p", { class: "kicker" }, h("a", { href: "#/sessions" }, "Sessions"), " / ", h("span", { class: "mono" }, this.sid)),
      this.title,
      h("div", { class: "session-bar" }, this.badge, this.facts,
        h("div", { class: "session-tools" },
          h("a", { class: "btn btn-quiet", href: this.zipHref(), download: "" }, icon("download"), "Download zip"),
          h("button", { type: "button", class: "btn btn-quiet btn-danger-quiet", onclick: () => this.remove() }, icon("trash"), "Delete"))));
  }

  zipHref() {
    return `/api/sessions/${encodeURIComponent(this.sid)}/export.zip`;
  }

  // connect attaches to the exchange a new shoot left running, or replays
  // the log from the start; either way the follower keeps it live.
  connect() {
    const handoff = this.app.takeHandoff(this.sid);
    if (!handoff) {
      this.follow(false);
      return;
    }
    this.relay = handoff.relay;
    this.app.conn.set("live");
    this.relay.attach((ev) => this.ingest(ev), (err) => { if (!this.closed) this.follow(Boolean(err)); });
  }

  follow(afterDrop) {
    this.follower = new Follower({
      api: this.api, sessionId: this.sid, after: this.state.lastSeq,
      onEvent: (ev) => this.ingest(ev),
      onState: (st) => this.onConnection(st),
    });
    if (afterDrop) this.follower.attempt = 1;
    this.follower.run();
  }

  onConnection(st) {
    this.app.conn.set(st);
    if (st === "gone" && !this.closed) this.notFound();
  }

  ingest(ev) {
    const applied = this.state.offer(ev);
    if (!applied.length) return;
    this.follower?.seen(this.state.lastSeq);
    if (applied.some((a) => REFRESH_EVENTS.has(a.data.type))) this.refreshSoon();
    if (applied.some((a) => a.data.type === "status")) saveReplies(this.sid, this.state.replies);
    this.schedule();
  }

  schedule() {
    if (this.frame || this.closed) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  render() {
    const st = this.state;
    // The newest event shown, for people debugging a stream (and tests).
    this.root.dataset.lastSeq = String(st.lastSeq);
    this.clock.follow(st.running);
    const now = this.clock.now();
    const hadFocus = this.refocus || this.decision.el.contains(document.activeElement) || this.darkroom.el.contains(document.activeElement);
    this.refocus = false;
    this.timeline.update(st, now);
    this.thread.update(st);
    this.decision.update(st, this.session, this.assets);
    this.darkroom.update(st, this.assets, this.session, now);
    this.gallery.setEnabled(!st.running && !this.sending && st.lastSeq > 0);
    this.renderFacts(now);
    if (hadFocus) this.keepFocus();
    this.announce();
  }

  // keepFocus: when the control that had focus went away with the card
  // it was on (approving replaces the checkpoint with the developing
  // plate), focus goes to the heading of what replaced it, never to the
  // page body.
  keepFocus() {
    const a = document.activeElement;
    if (a && a !== document.body && a.isConnected && !a.closest("[hidden]")) return;
    const target = [this.darkroom.el.querySelector(".plate-title"), this.decision.el.hidden ? null : this.decision.el.querySelector("#decision-title"), this.title]
      .find((el) => el && el.isConnected);
    target?.focus({ preventScroll: true });
  }

  announce() {
    const text = announcement(this.state, this.session);
    if (text && text !== this.said) {
      this.said = text;
      this.announcer.textContent = text;
    }
  }

  renderFacts(now) {
    const s = this.session;
    if (!s) return;
    const label = this.state.running ? runLabel("running") : runLabel(this.runState(), s.status);
    this.badge.className = `badge badge-${label.tone}`;
    this.badge.textContent = label.text;
    const cost = now?.cost ?? this.state.stats?.totalCostUsd ?? s.total_cost_usd;
    const estimate = now?.estimate ?? this.clock.data?.estimateUsd;
    const spent = estimate === null || estimate === undefined ? money(cost) : `${money(cost)} of ${money(estimate)} est.`;
    const rows = [["Cost", spent], ["Turns", String(this.state.stats?.totalTurns ?? s.total_turns)],
      ["Started", ago(s.created_at)], ["Look", s.options?.frames?.length ? `${s.options.frames.length} frames of your own` : [s.options?.aspectRatio || "3:2", s.options?.resolution || "2K"].join(" · ")]];
    this.facts.replaceChildren(...rows.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", { title: k === "Started" ? dateTime(s.created_at) : null, dataset: { fact: k.toLowerCase() } }, v))));
  }

  runState() {
    const st = this.state;
    if (st.error) return "failed";
    if (st.stopped) return "cancelled";
    if (st.awaiting) return "awaiting";
    if (st.done) return "done";
    return this.session?.run_state;
  }

  refreshSoon() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 120);
  }

  // refresh reloads the session row and its newest assets.
  async refresh() {
    try {
      const [s, a] = await Promise.all([
        this.api.get(`/api/sessions/${encodeURIComponent(this.sid)}`),
        this.api.get(`/api/sessions/${encodeURIComponent(this.sid)}/assets`),
      ]);
      if (this.closed) return;
      this.session = s.session;
      this.assets = a.assets || {};
      const own = this.session.options?.frames?.length || 0;
      if (own) this.state.ownFrames(own, this.session.options.loop);
      else this.state.clipCount = Math.max(this.state.clipCount, this.session.options?.loop ? 6 : 5);
      this.title.textContent = this.session.brief ? `“${this.session.brief}”` : "Untitled shoot";
      document.title = `${this.session.brief || "Session"} — shoot`;
      this.thread.setBrief(this.session.brief, this.assets.inputs || []);
      this.gallery.render(this.assets, this.session);
      if (!this.clock.data) this.clock.poll();
      this.render();
    } catch (err) {
      if (this.closed) return;
      if (err.status === 404) this.notFound();
      else toast(`Could not load the session: ${err.message}`, "bad");
    }
  }

  // send answers the director: the reply opens a continue-stream exchange
  // whose events are merged with the follower's (duplicates are dropped).
  async send(text) {
    if (this.sending) throw new Error("busy");
    this.sending = true;
    this.state.pendingReply = text;
    this.schedule();
    const controller = new AbortController();
    try {
      const res = await this.api.stream(`/api/sessions/${encodeURIComponent(this.sid)}/continue-stream`, { prompt: text }, controller.signal);
      this.exchanges.add(controller);
      readEvents(res.body, (ev) => this.ingest(ev)).catch(() => {}).finally(() => this.exchanges.delete(controller));
    } catch (err) {
      this.state.pendingReply = null;
      toast(err.status === 409 ? "A stage is still running; wait for it to finish." : `Not sent: ${err.message}`, "bad");
      throw err;
    } finally {
      this.sending = false;
      this.schedule();
    }
  }

  async cancel() {
    try {
      await this.api.post(`/api/sessions/${encodeURIComponent(this.sid)}/cancel`, {});
      toast("Stopped. Everything made so far is kept.");
      this.state.stop();
      this.state.version++;
      this.refreshSoon();
      this.schedule();
    } catch (err) {
      toast(`Could not stop: ${err.message}`, "bad");
      throw err;
    }
  }

  async remove() {
    const ok = await confirmDialog({ title: "Delete this session?", body: "Its images, clips and film are deleted for good.", confirm: "Delete session", danger: true });
    if (!ok) return;
    try {
      this.follower?.close();
      await this.api.del(`/api/sessions/${encodeURIComponent(this.sid)}`);
      toast("Session deleted.");
      this.app.go("#/sessions");
    } catch (err) {
      toast(`Could not delete: ${err.message}`, "bad");
    }
  }

  notFound() {
    this.follower?.close();
    this.app.conn.hide();
    this.app.main.replaceChildren(h("section", { class: "empty" },
      h("h1", { class: "display", tabindex: "-1" }, "No such session"),
      h("p", { class: "muted" }, "It may have been deleted, or the link is wrong."),
      h("a", { class: "btn btn-primary", href: "#/sessions" }, "All sessions")));
    this.closed = true;
  }

  destroy() {
    this.closed = true;
    this.follower?.close();
    this.relay?.abort();
    for (const c of this.exchanges) c.abort();
    cancelAnimationFrame(this.frame);
    this.clock?.destroy();
    clearTimeout(this.refreshTimer);
    this.lightbox?.destroy();
  }
}

// Replies are kept per session in localStorage, keyed by the event they
// produced, so a replayed conversation still shows what the user said.
function loadReplies(sid) {
  try { return JSON.parse(localStorage.getItem(`shoot:replies:${sid}`) || "{}"); } catch { return {}; }
}

function saveReplies(sid, replies) {
  try { localStorage.setItem(`shoot:replies:${sid}`, JSON.stringify(replies)); } catch { /* storage full or off */ }
}
