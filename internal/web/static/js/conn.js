// The connection badge in the top bar: whether the session's live stream
// is up, and a visible "Reconnecting…" while it is not.

const LABELS = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  gone: "Offline",
};

export class ConnectionBadge {
  constructor(el) {
    this.el = el;
    this.label = el.querySelector(".conn-label");
  }

  set(state) {
    this.el.hidden = false;
    this.el.dataset.state = state;
    this.label.textContent = LABELS[state] || state;
    this.el.title = state === "reconnecting"
      ? "The connection dropped; resuming from the last event received."
      : "";
  }

  hide() {
    this.el.hidden = true;
    this.el.dataset.state = "idle";
  }
}
