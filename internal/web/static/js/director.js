// The director's side of the session: the conversation as it streams in,
// with tool calls, checkpoints and errors shown as compact notes.

import { h, icon } from "./dom.js";
import { humanTool, stageLabel } from "./format.js";

export class Thread {
  constructor() {
    this.rendered = [];
    this.list = h("ol", { class: "thread", "aria-label": "Conversation with the director" });
    this.live = h("p", { class: "visually-hidden", "aria-live": "polite" });
    this.activity = h("p", { class: "activity", hidden: true }, h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), h("span", { class: "activity-text" }));
    this.scroller = h("div", { class: "thread-scroll", tabindex: "0", "aria-label": "Conversation" }, this.list, this.activity);
    this.el = h("div", { class: "director-body" }, this.scroller, this.live);
    // The panel follows the newest message unless the reader scrolled up
    // to read something older; late layout (pictures loading, the brief
    // arriving) keeps it pinned too.
    this.pinned = true;
    this.scroller.addEventListener("scroll", () => { this.pinned = this.nearBottom(); }, { passive: true });
    new ResizeObserver(() => this.pin()).observe(this.list);
  }

  pin() {
    if (this.pinned) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  // setBrief shows the shoot's brief and references as the first message.
  setBrief(brief, refs) {
    const node = h("li", { class: "msg msg-user msg-brief" },
      h("p", { class: "msg-who" }, "Brief"),
      h("div", { class: "msg-body" }, brief || ""),
      refs.length ? h("ul", { class: "msg-refs", "aria-label": "References" },
        refs.map((r) => h("li", {}, h("img", { src: r.url, alt: r.fileName, loading: "lazy" })))) : null);
    this.briefNode?.remove();
    this.briefNode = node;
    this.list.prepend(node);
    this.pin();
  }

  update(state) {
    state.items.forEach((it, i) => {
      const r = this.rendered[i];
      if (r && r.rev === it.rev) return;
      const node = renderItem(it);
      if (r) r.node.replaceWith(node);
      else this.list.append(node);
      this.rendered[i] = { rev: it.rev, node };
      if (it.kind === "assistant" && it.done) this.live.textContent = it.text.replace(STORED_PATH, (_, _sid, p) => pathLabel(p));
    });
    const stage = Object.values(state.stages).find((s) => s.status === "running");
    this.activity.hidden = !state.running;
    this.activity.querySelector(".activity-text").textContent = (stage && stage.message) || state.activity || "The director is thinking…";
    this.pin();
  }

  nearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 96;
  }
}

function renderItem(it) {
  switch (it.kind) {
    case "user":
      return h("li", { class: "msg msg-user" }, h("p", { class: "msg-who" }, "You"), h("div", { class: "msg-body" }, it.text));
    case "assistant":
      return h("li", { class: "msg msg-director", dataset: { type: it.type || "response", streaming: String(!it.done) } },
        h("p", { class: "msg-who" }, it.type === "thinking" ? "Director · thinking" : "Director"),
        h("div", { class: "msg-body" }, it.done ? markdown(it.text) : it.text));
    case "tool":
      return toolNote(it);
    case "checkpoint":
      return h("li", { class: "note note-checkpoint" }, icon("spark"),
        h("span", {}, it.stage === "complete" ? "The film is finished" : `${stageLabel(it.stage)} ready for review`));
    case "error":
      return h("li", { class: "note note-error" }, icon("alert"), h("span", {}, it.text));
    default:
      return h("li", { class: "note" }, h("span", {}, it.text));
  }
}

function toolNote(it) {
  const hasInput = it.input && typeof it.input === "object" && Object.keys(it.input).length > 0;
  const head = [icon("tool"), h("span", { class: "tool-name" }, humanTool(it.name)),
    it.summary ? h("span", { class: "tool-summary" }, it.summary) : null];
  return h("li", { class: "note note-tool", dataset: { state: it.state || "done" } },
    hasInput
      ? h("details", {}, h("summary", {}, head), h("pre", { class: "tool-input" }, JSON.stringify(it.input, null, 2)))
      : h("span", { class: "tool-head" }, head));
}

// markdown renders the small part of Markdown a director writes:
// paragraphs, "-" lists, **bold**, *italic* and `code`. It builds nodes,
// never HTML, so nothing in the text can inject markup.
export function markdown(text) {
  const blocks = String(text).trim().split(/\n{2,}/);
  return blocks.map((block) => {
    const lines = block.split("\n");
    if (lines.every((l) => /^\s*[-*•]\s+/.test(l))) {
      return h("ul", {}, lines.map((l) => h("li", {}, inline(l.replace(/^\s*[-*•]\s+/, "")))));
    }
    return h("p", {}, lines.flatMap((l, i) => (i ? [h("br"), ...inline(l)] : inline(l))));
  });
}

// STORED_PATH finds a storage path of an artifact in a director's text
// (outputs/<session>/final/fashion-video.mp4, with or without a folder or
// URL in front): the reader gets a link to the file instead.
const STORED_PATH = /[^\s"'()<>`]*?outputs\/([A-Za-z0-9_-]+)\/((?:[\w.-]+\/)*[\w-]+(?:\.v\d+)?\.(?:mp4|png|jpe?g|webp|gif))/g;

function linkPaths(text) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(STORED_PATH)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h("a", { href: `/outputs/${m[1]}/${m[2]}`, class: "msg-link", target: "_blank", rel: "noopener" }, pathLabel(m[2])));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function pathLabel(p) {
  if (p.startsWith("final/")) return "the film";
  const n = p.match(/(frame|video)-(\d+)/);
  if (n) return `${n[1] === "video" ? "clip" : "frame"} ${n[2]}`;
  return p.startsWith("hero") ? "the hero" : p.startsWith("contact-sheet") ? "the contact sheet" : p.split("/").pop();
}

function inline(text) {
  const out = [];
  const re = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*\s][^*]*\*)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(...linkPaths(text.slice(last, m.index)));
    const t = m[0];
    if (t.startsWith("**")) out.push(h("strong", {}, linkPaths(t.slice(2, -2))));
    else if (t.startsWith("`")) {
      const inner = linkPaths(t.slice(1, -1));
      out.push(inner.length === 1 && typeof inner[0] !== "string" ? inner[0] : h("code", {}, inner));
    } else out.push(h("em", {}, linkPaths(t.slice(1, -1))));
    last = m.index + t.length;
  }
  if (last < text.length) out.push(...linkPaths(text.slice(last)));
  return out;
}
