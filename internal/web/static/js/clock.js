// The stage clock: how long the running stage has taken, how long it
// usually takes on this studio (learned from past shoots by the server,
// GET /api/sessions/{id}/eta) and what the session has cost against its
// estimate. It asks the server every two seconds while a stage runs and
// ticks the elapsed time locally in between.

const POLL_MS = 2000;

export class StageClock {
  // onChange is called whenever the figures change (at least once a second
  // while a stage runs).
  constructor(api, sessionId, onChange) {
    this.api = api;
    this.sid = sessionId;
    this.onChange = onChange;
    this.data = null;
    this.fetchedAt = 0;
    this.timer = 0;
    this.ticker = 0;
    this.closed = false;
  }

  // follow starts or stops polling as the session runs or rests.
  follow(running) {
    if (running && !this.timer) {
      this.poll();
      this.timer = setInterval(() => this.poll(), POLL_MS);
      this.ticker = setInterval(() => this.onChange(), 1000);
    } else if (!running && this.timer) {
      clearInterval(this.timer);
      clearInterval(this.ticker);
      this.timer = this.ticker = 0;
      this.poll();
    }
  }

  async poll() {
    try {
      const d = await this.api.get(`/api/sessions/${encodeURIComponent(this.sid)}/eta`);
      if (this.closed) return;
      this.data = d;
      this.fetchedAt = performance.now();
      this.onChange();
    } catch { /* the next poll tries again */ }
  }

  // now returns the figures as of this moment.
  now() {
    const d = this.data;
    if (!d) return null;
    const since = (performance.now() - this.fetchedAt) / 1000;
    const elapsed = d.running ? d.elapsedSeconds + since : 0;
    const expected = d.running && d.expectedSeconds !== null ? d.expectedSeconds : null;
    const leftSeconds = expected === null ? null : Math.max(0, expected - elapsed);
    let left = "";
    if (expected !== null) left = leftSeconds > 0.5 ? `about ${duration(leftSeconds)} left` : "any moment now";
    return { stage: d.running ? d.stage : "", elapsed, expected, leftSeconds, left, cost: d.costUsd, estimate: d.estimateUsd };
  }

  destroy() {
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.ticker);
  }
}

// duration renders seconds as "8 s", "1 min 5 s" or "1 h 2 min".
export function duration(secs) {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
