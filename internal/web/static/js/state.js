// The state of one session as the studio shows it, rebuilt from the
// session's event log. Events may arrive from two streams at once (a
// POSTed exchange and the follower) and after reconnects, so SessionState
// applies them strictly in sequence: duplicates are dropped and early
// arrivals wait for the gap before them to fill.

// STAGES are the pipeline's stages in order, with their display names.
export const STAGES = [
  { id: "hero", label: "Hero", caption: "The look, in one image" },
  { id: "contact-sheet", label: "Contact sheet", caption: "Six camera angles" },
  { id: "frames", label: "Frames", caption: "Cut from the sheet" },
  { id: "clips", label: "Clips", caption: "Camera moves between frames" },
  { id: "final", label: "Film", caption: "Eased, hard-cut, finished" },
];

const STAGE_IDS = STAGES.map((s) => s.id);

export class SessionState {
  constructor(sessionId, replies = {}) {
    this.sessionId = sessionId;
    this.lastSeq = 0;
    this.early = new Map();
    this.items = [];
    this.bubble = null;
    this.hint = "response";
    this.stages = Object.fromEntries(STAGE_IDS.map((id) => [id, { status: "idle", percent: 0, message: "" }]));
    this.clips = new Map();
    this.clipCount = 5;
    this.checkpoint = null;
    this.running = false;
    this.awaiting = false;
    this.done = false;
    this.error = null;
    this.stopped = false;
    this.stats = null;
    this.activity = "";
    this.replies = replies;
    this.pendingReply = null;
    this.version = 0;
  }

  // offer takes an event ({id, data}) from any stream and applies every
  // event that is now next in sequence. It returns the events applied.
  offer(ev) {
    if (!Number.isFinite(ev.id) || ev.id <= this.lastSeq) return [];
    this.early.set(ev.id, ev.data);
    const applied = [];
    while (this.early.has(this.lastSeq + 1)) {
      const seq = this.lastSeq + 1;
      const data = this.early.get(seq);
      this.early.delete(seq);
      this.lastSeq = seq;
      this.apply(data, seq);
      applied.push({ id: seq, data });
    }
    if (applied.length) this.version++;
    return applied;
  }

  apply(d, seq) {
    switch (d.type) {
      case "status": return this.onStatus(d, seq);
      case "message_type_hint": this.closeBubble(); this.hint = d.messageType || "response"; return;
      case "text_delta": return this.onDelta(d.text || "");
      case "assistant_message": return this.onMessage(d.content || "");
      case "system": return this.onSystem(d);
      case "checkpoint": return this.onCheckpoint(d);
      case "complete": return this.onComplete(d);
      case "error": return this.onError(d);
    }
  }

  // onStatus: a status carrying `reply` is where the user's answer entered
  // the log; older logs lack it, so the first status after sending a reply
  // is also remembered locally for replays.
  onStatus(d, seq) {
    this.closeBubble();
    const reply = d.reply ?? this.pendingReply ?? this.replies[seq];
    if (reply !== undefined && reply !== null) {
      if (this.pendingReply !== null) this.replies[seq] = this.pendingReply;
      this.pendingReply = null;
      this.add({ kind: "user", text: reply });
    } else {
      this.add({ kind: "status", text: d.message || "" });
    }
    this.running = true;
    this.awaiting = false;
    this.done = false;
    this.error = null;
    this.stopped = false;
    this.activity = d.message || "";
    if (STAGE_IDS.includes(d.stage)) this.startStage(d.stage);
  }

  onDelta(text) {
    if (!this.bubble) this.bubble = this.add({ kind: "assistant", type: this.hint, text: "", done: false });
    this.bubble.text += text;
    this.bubble.rev++;
  }

  // onMessage finalises the streamed bubble with the whole text, which is
  // authoritative; a message that was never streamed gets its own bubble.
  onMessage(content) {
    if (this.bubble) {
      this.bubble.text = content;
      this.bubble.done = true;
      this.bubble.rev++;
    } else {
      this.add({ kind: "assistant", type: this.hint, text: content, done: true });
    }
    this.bubble = null;
  }

  onSystem(d) {
    const data = d.data || {};
    if (d.subtype === "progress") return this.onProgress(data);
    this.closeBubble();
    const name = data.tool_name || "tool";
    if (d.subtype === "tool_call") {
      this.add({ kind: "tool", name, input: data.input, state: "running", summary: "" });
      return;
    }
    const call = [...this.items].reverse().find((it) => it.kind === "tool" && it.name === name && it.state === "running");
    const item = call || this.add({ kind: "tool", name, input: null });
    item.state = data.is_error ? "failed" : "done";
    item.summary = data.summary || "";
    item.rev++;
  }

  onProgress(p) {
    const st = this.stages[p.stage];
    if (!st) return;
    if (st.status !== "running") this.startStage(p.stage, false);
    if (p.message) st.message = p.message;
    const pct = clamp(Number(p.percent) || 0);
    if (p.clip) {
      this.clips.set(Number(p.clip), { percent: pct, message: p.message || "" });
      if (p.clip > this.clipCount) this.clipCount = p.clip;
      let sum = 0;
      for (let n = 1; n <= this.clipCount; n++) sum += this.clips.get(n)?.percent || 0;
      st.percent = sum / this.clipCount;
    } else {
      st.percent = pct;
    }
  }

  // ownFrames marks a shoot from the user's own n frames: it makes no hero
  // and no contact sheet, and one clip per pair of frames (one more back
  // to the first with loop).
  ownFrames(n, loop) {
    for (const id of ["hero", "contact-sheet"]) Object.assign(this.stages[id], { status: "skipped", percent: 0 });
    this.clipCount = Math.max(1, n - 1 + (loop ? 1 : 0));
  }

  // startStage marks a stage running; finished later stages now depend on
  // work being redone, so they are shown as stale.
  startStage(id, reset = true) {
    const at = STAGE_IDS.indexOf(id);
    const st = this.stages[id];
    if (reset || st.status !== "running") Object.assign(st, { status: "running", percent: 0, message: "" });
    for (const later of STAGE_IDS.slice(at + 1)) {
      if (this.stages[later].status === "done") this.stages[later].status = "stale";
    }
    for (const earlier of STAGE_IDS.slice(0, at)) {
      const e = this.stages[earlier];
      if (e.status === "idle" || e.status === "running") Object.assign(e, { status: "done", percent: 100 });
    }
  }

  onCheckpoint(d) {
    this.closeBubble();
    const id = d.stage === "complete" ? "final" : d.stage;
    if (this.stages[id]) Object.assign(this.stages[id], { status: "done", percent: 100 });
    this.checkpoint = d;
    this.awaiting = Boolean(d.awaitingInput);
    this.activity = "The director is looking at it…";
    if (d.stage === "complete") this.done = true;
    this.add({ kind: "checkpoint", stage: d.stage, text: d.message || "" });
  }

  onComplete(d) {
    this.closeBubble();
    this.running = false;
    this.awaiting = Boolean(d.awaitingInput);
    this.stats = d.sessionStats || this.stats;
    this.activity = "";
    if (d.stage === "complete" || this.stats?.pipelineStage === "complete") this.done = true;
    if (d.cancelled || this.stats?.runState === "cancelled") this.stop();
    for (const it of this.items) {
      if (it.kind === "tool" && it.state === "running") { it.state = "done"; it.rev++; }
    }
  }

  onError(d) {
    this.closeBubble();
    this.running = false;
    this.activity = "";
    this.error = { message: d.message || "Something went wrong.", stage: d.stage || "", retryable: d.retryable !== false };
    if (this.stages[d.stage]) this.stages[d.stage].status = "error";
    this.add({ kind: "error", text: this.error.message });
  }

  // stop marks the session stopped by the user: a stage that was running
  // is stopped, not failed and not still developing.
  stop() {
    this.running = false;
    this.stopped = true;
    this.activity = "";
    for (const st of Object.values(this.stages)) {
      if (st.status === "running") st.status = "stopped";
    }
  }

  closeBubble() {
    if (this.bubble) {
      this.bubble.done = true;
      this.bubble.rev++;
    }
    this.bubble = null;
  }

  add(item) {
    const it = { rev: 0, ...item };
    this.items.push(it);
    return it;
  }
}

function clamp(n) {
  return Math.max(0, Math.min(100, n));
}
