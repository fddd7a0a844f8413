// Server-sent events over fetch: a parser for a response body, and a
// follower that keeps a session's event stream open, resuming after the
// last event it saw whenever the connection drops.

// readEvents parses an SSE body and calls onEvent({id, data}) for each
// event, data being the decoded JSON. onBytes is called for every chunk,
// heartbeats included, so a watchdog can tell a quiet stream from a dead
// one. It resolves when the body ends and rejects if reading fails.
export async function readEvents(body, onEvent, onBytes = () => {}) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      onBytes();
      buf += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const ev = parseBlock(block);
        if (ev && onEvent(ev) === false) return;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

// parseBlock turns one event block into {id, data}, or null for comments
// and blocks without data.
export function parseBlock(block) {
  let id = null;
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const i = line.indexOf(":");
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
    if (field === "id") id = Number(value);
    else if (field === "data") data.push(value);
  }
  if (!data.length) return null;
  try {
    return { id, data: JSON.parse(data.join("\n")) };
  } catch {
    return null;
  }
}

// Follower keeps GET /api/sessions/{id}/events open. After a drop it waits
// (0.5 s, 1 s, 2 s … capped at 10 s, at once when the browser comes back
// online) and reconnects with lastEventId, so no event is lost or repeated.
// onState gets "connecting", "live", "reconnecting" or "gone".
export class Follower {
  constructor({ api, sessionId, after, onEvent, onState }) {
    Object.assign(this, { api, sessionId, after, onEvent, onState });
    this.closed = false;
    this.attempt = 0;
    this.controller = null;
    this.wake = null;
    this.onOnline = () => this.wake?.();
    window.addEventListener("online", this.onOnline);
  }

  // seen records the newest event applied, from any source, so a
  // reconnect resumes after it.
  seen(id) {
    if (id > this.after) this.after = id;
  }

  async run() {
    while (!this.closed) {
      this.onState(this.attempt ? "reconnecting" : "connecting");
      const outcome = await this.connectOnce();
      if (this.closed || outcome === "gone") break;
      await this.backoff();
    }
    if (!this.closed) this.onState("gone");
  }

  async connectOnce() {
    this.controller = new AbortController();
    const watchdog = new Watchdog(45000, () => this.controller.abort());
    watchdog.kick();
    try {
      const res = await this.api.fetch(`/api/sessions/${encodeURIComponent(this.sessionId)}/events?lastEventId=${this.after}`, {
        signal: this.controller.signal,
        headers: { Accept: "text/event-stream", "Last-Event-ID": String(this.after) },
      });
      if (res.status === 404) return "gone";
      if (!res.ok) return "retry";
      this.attempt = 0;
      this.onState("live");
      await readEvents(res.body, (ev) => {
        if (ev.id !== null) this.seen(ev.id);
        this.onEvent(ev);
      }, () => watchdog.kick());
      return "retry";
    } catch {
      return "retry";
    } finally {
      watchdog.stop();
    }
  }

  backoff() {
    const delay = Math.min(10000, 500 * 2 ** this.attempt++);
    return new Promise((resolve) => {
      const t = setTimeout(resolve, delay);
      this.wake = () => { clearTimeout(t); resolve(); };
    }).finally(() => { this.wake = null; });
  }

  close() {
    this.closed = true;
    this.controller?.abort();
    this.wake?.();
    window.removeEventListener("online", this.onOnline);
  }
}

// Watchdog calls onTimeout when kick has not been called for ms: the server
// sends a heartbeat every 15 s, so a longer silence means a dead link.
class Watchdog {
  constructor(ms, onTimeout) {
    this.ms = ms;
    this.onTimeout = onTimeout;
    this.timer = null;
  }
  kick() {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onTimeout, this.ms);
  }
  stop() {
    clearTimeout(this.timer);
  }
}

// Relay hands a live exchange stream from the view that opened it (a new
// shoot) to the session view: events are kept until a sink attaches, and
// the end of the stream (cleanly, or with an error) is passed on.
export class Relay {
  constructor(controller) {
    this.controller = controller;
    this.buffer = [];
    this.sink = null;
    this.onEnd = null;
    this.ended = false;
    this.error = null;
  }

  push(ev) {
    if (this.sink) this.sink(ev);
    else this.buffer.push(ev);
  }

  attach(sink, onEnd) {
    this.sink = sink;
    this.onEnd = onEnd;
    for (const ev of this.buffer.splice(0)) sink(ev);
    if (this.ended) onEnd(this.error);
  }

  end(error) {
    if (this.ended) return;
    this.ended = true;
    this.error = error || null;
    this.onEnd?.(this.error);
  }

  abort() {
    this.controller.abort();
  }
}
