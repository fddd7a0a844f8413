// The new-shoot view: references, the brief and the direction (presets and
// film options), with a live price estimate. Starting a shoot opens the
// POST /api/generate-stream exchange and hands it to the session view as
// soon as the session exists.

import { h, icon, append } from "./dom.js";
import { money } from "./format.js";
import { readEvents, Relay } from "./sse.js";
import { UploadTray } from "./uploads.js";
import { easingPlot } from "./easing.js";
import { confirmDialog } from "./dialogs.js";

const ASPECTS = ["21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16"];
const DEFAULTS = { aspectRatio: "3:2", resolution: "2K", fps: "60", clipDuration: 1.5, easing: "dramaticSwoop", loop: false, autoApprove: false, pose: "", background: "", deliver: [] };
// DELIVER_FORMATS are the shapes the film can also be delivered in
// (options.deliver): each is the film reframed around the subject, with
// its poster and preview.
const DELIVER_FORMATS = ["9:16", "4:5", "1:1", "16:9"];
const MAX_BRIEF = 4000;
// FRAME_SHAPES are the ratios one's own frames can be cut to; "" keeps the
// shape nearest the frames as they are.
const FRAME_SHAPES = ["", "16:9", "3:2", "4:3", "1:1", "3:4", "2:3", "9:16"];
const MIN_FRAMES = 2;
const MAX_FRAMES = 12;
// FRAMES_TRAY is the tray of "I have my frames": stills in film order.
const FRAMES_TRAY = {
  id: "frame-input", max: MAX_FRAMES, label: "Your frames, in film order", noun: "frames", ordered: true,
  title: "Drop your frames here", sub: ` — ${MIN_FRAMES} to ${MAX_FRAMES} stills, in the order of the film (move them after).`,
};
const REMEMBER = "shoot:options";
// DRAFT keeps the brief and the uploaded references across reloads until
// the shoot starts.
const DRAFT = "shoot:draft";

export class NewShootView {
  constructor(app) {
    this.app = app;
    this.tray = new UploadTray(app.api, () => this.refresh());
    this.framesTray = new UploadTray(app.api, () => this.refresh(), FRAMES_TRAY);
    this.mode = "refs";
    this.easings = [];
    this.estimateSeq = 0;
    this.estimateTimer = null;
    this.starting = false;
  }

  mount(host) {
    this.form = h("form", { class: "compose-grid", novalidate: true, onsubmit: (e) => { e.preventDefault(); this.start(); } },
      h("div", { class: "compose-main" }, this.referencesCard(), this.briefCard(), stagesStrip()),
      this.directionCard());
    append(host, h("section", { class: "compose", "aria-labelledby": "compose-title" },
      h("header", { class: "page-head" },
        h("p", { class: "kicker" }, "New shoot"),
        h("h1", { id: "compose-title", class: "display", tabindex: "-1" }, "From a few references to a finished fashion film."),
        h("p", { class: "lede" }, "Bring the person and the pieces, write the brief, then direct each stage as it develops — hero, contact sheet, frames, clips, film.")),
      this.form));
    this.restore();
    this.restoreDraft();
    this.loadPresets();
    this.loadEasings();
    this.loadEstimate();
    this.refresh();
  }

  // referencesCard holds the two ways in: references for the director to
  // shoot from, or one's own frames (straight to clips and the film).
  referencesCard() {
    this.sourceTitle = h("span", {}, "References");
    this.refsPanel = h("div", { class: "source-panel" }, this.tray.build());
    this.framesPanel = h("div", { class: "source-panel", hidden: true },
      h("p", { class: "hint" }, "Already shot it? Your stills become the frames: no hero, no contact sheet, just a camera move between each pair and the film."),
      this.framesTray.build());
    const choice = (value, label) => h("label", { class: "segment" },
      h("input", { type: "radio", name: "source", value, class: "visually-hidden", checked: value === "refs", onchange: () => this.setMode(value) }),
      h("span", {}, label));
    return h("fieldset", { class: "card" },
      h("legend", { class: "card-title" }, h("span", { class: "step-num" }, "1"), this.sourceTitle),
      h("div", { class: "segments source-switch", role: "radiogroup", "aria-label": "Start from" },
        choice("refs", "From references"), choice("frames", "I have my frames")),
      this.refsPanel, this.framesPanel);
  }

  // setMode shows the references or the frames side of the form.
  setMode(mode) {
    this.mode = mode === "frames" ? "frames" : "refs";
    const frames = this.mode === "frames";
    setRadio(this.form?.elements.source, this.mode);
    this.sourceTitle.textContent = frames ? "Your frames" : "References";
    this.refsPanel.hidden = frames;
    this.framesPanel.hidden = !frames;
    for (const el of this.generationOnly || []) el.hidden = frames;
    if (this.frameShape) this.frameShape.hidden = !frames;
    this.error.textContent = "";
    this.queueEstimate();
    this.refresh();
  }

  briefCard() {
    this.brief = h("textarea", {
      id: "brief", name: "brief", rows: "6", maxlength: String(MAX_BRIEF), required: true, "aria-describedby": "brief-help brief-count",
      placeholder: "A rain-slicked street at dusk, the coat catching the flash — confident, cinematic, a little dangerous.",
      oninput: () => { if (this.brief.value.trim()) this.error.textContent = ""; this.refresh(); },
      onkeydown: (e) => { if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) { e.preventDefault(); this.start(); } },
    });
    this.count = h("span", { id: "brief-count", class: "counter", "aria-live": "off" });
    return h("div", { class: "card" },
      h("label", { for: "brief", class: "card-title" }, h("span", { class: "step-num" }, "2"), "The brief"),
      this.brief,
      h("p", { class: "field-foot" },
        h("span", { id: "brief-help", class: "muted" }, "The mood, the place, the attitude. The director picks pose and backdrop from it unless you choose them."),
        this.count));
  }

  directionCard() {
    this.pose = selectField("pose", "Pose", this.onInput());
    this.background = selectField("background", "Background", this.onInput());
    this.easingSelect = h("select", { id: "easing", name: "easing", onchange: () => { this.drawEasing(); this.queueEstimate(); } });
    this.easingPreview = h("div", { class: "easing-preview", "aria-hidden": "true" });
    this.duration = h("input", { id: "clip-duration", name: "clipDuration", type: "range", min: "0.5", max: "5", step: "0.1",
      "aria-describedby": "clip-duration-out", oninput: () => { this.durationOut.textContent = `${Number(this.duration.value).toFixed(1)} s`; this.queueEstimate(); } });
    this.durationOut = h("output", { id: "clip-duration-out", for: "clip-duration", class: "range-out" });
    this.loop = switchField("loop", "Loop the film", "Adds a sixth clip from the last frame back to the first.", this.onInput());
    this.auto = switchField("auto-approve", "Auto-approve", "Run straight through every checkpoint.", () => {});
    this.frameShape = radioGroup("frame-shape", "Frame shape", FRAME_SHAPES, null, this.onInput(), (v) => v || "As shot");
    this.frameShape.hidden = true;
    this.formats = checkGroup("deliver", "Formats", "Also deliver the film in these shapes, reframed around the model, each with a poster.",
      DELIVER_FORMATS, (v) => aspectSwatch(v), () => {});
    this.estimate = h("p", { class: "estimate", role: "status", "aria-live": "polite" });
    this.error = h("p", { class: "form-error", role: "alert" });
    this.submit = h("button", { type: "submit", class: "btn btn-primary btn-wide" }, "Start the shoot", icon("arrow"));
    const aspect = radioGroup("aspect", "Aspect ratio", ASPECTS, (v) => aspectSwatch(v), this.onInput());
    const resolution = radioGroup("resolution", "Resolution", ["1K", "2K", "4K"], null, this.onInput());
    // These only shape generated pictures: one's own frames have their own.
    this.generationOnly = [this.pose.el, this.background.el, aspect, resolution];
    return h("aside", { class: "card compose-side", "aria-labelledby": "direction-title" },
      h("h2", { id: "direction-title", class: "card-title" }, h("span", { class: "step-num" }, "3"), "Direction"),
      this.pose.el, this.background.el,
      aspect, this.frameShape,
      h("div", { class: "pair" },
        resolution,
        radioGroup("fps", "Frame rate", ["24", "30", "60"], null, this.onInput())),
      h("div", { class: "field" },
        h("div", { class: "field-row" }, h("label", { for: "clip-duration", class: "label" }, "Seconds per clip in the film"), this.durationOut),
        this.duration),
      h("div", { class: "field" },
        h("label", { for: "easing", class: "label" }, "Speed curve"),
        h("div", { class: "easing-row" }, this.easingSelect, this.easingPreview)),
      this.formats,
      this.loop.el, this.auto.el,
      h("div", { class: "compose-go" }, this.estimate, this.error, this.submit));
  }

  onInput() {
    return () => this.queueEstimate();
  }

  async loadPresets() {
    try {
      const p = await this.app.api.get("/api/presets");
      this.pose.fill(p.poses || [], "Let the director choose");
      this.background.fill(p.backgrounds || [], "Let the director choose");
      this.pose.set(this.saved.pose);
      this.background.set(this.saved.background);
    } catch (err) {
      this.error.textContent = `Could not load the presets: ${err.message}`;
    }
  }

  async loadEasings() {
    try {
      const res = await this.app.api.get("/api/easings");
      this.easings = res.easings || [];
      this.easingSelect.replaceChildren(...this.easings.map((e) => h("option", { value: e.name }, e.name)));
      this.easingSelect.value = this.easings.some((e) => e.name === this.saved.easing) ? this.saved.easing : DEFAULTS.easing;
      this.drawEasing();
    } catch (err) {
      this.error.textContent = `Could not load the speed curves: ${err.message}`;
    }
  }

  drawEasing() {
    const e = this.easings.find((x) => x.name === this.easingSelect.value);
    this.easingPreview.replaceChildren(e ? easingPlot(e.points) : "");
  }

  // restore fills the direction with the options of the last shoot.
  restore() {
    let saved = {};
    try { saved = JSON.parse(localStorage.getItem(REMEMBER) || "{}"); } catch { saved = {}; }
    this.saved = { ...DEFAULTS, ...saved };
    const f = this.form.elements;
    setRadio(f.aspect, this.saved.aspectRatio);
    setRadio(f.resolution, this.saved.resolution);
    setRadio(f.fps, String(this.saved.fps));
    setRadio(f["frame-shape"], this.saved.frameAspect || "");
    this.duration.value = String(this.saved.clipDuration);
    this.durationOut.textContent = `${Number(this.duration.value).toFixed(1)} s`;
    this.loop.input.checked = Boolean(this.saved.loop);
    this.auto.input.checked = Boolean(this.saved.autoApprove);
    const deliver = Array.isArray(this.saved.deliver) ? this.saved.deliver : [];
    for (const c of this.formats.querySelectorAll('input[name="deliver"]')) c.checked = deliver.includes(c.value);
  }

  // deliver is the formats ticked, in the order they are shown.
  deliver() {
    return [...this.formats.querySelectorAll('input[name="deliver"]:checked')].map((c) => c.value);
  }

  restoreDraft() {
    let d = {};
    try { d = JSON.parse(localStorage.getItem(DRAFT) || "{}"); } catch { d = {}; }
    if (typeof d.brief === "string") this.brief.value = d.brief.slice(0, MAX_BRIEF);
    this.restoring = true;
    this.tray.restore(Array.isArray(d.refs) ? d.refs : []);
    this.framesTray.restore(Array.isArray(d.frames) ? d.frames : []);
    this.restoring = false;
    this.setMode(d.mode);
  }

  saveDraft() {
    if (!this.brief || this.restoring || this.starting) return;
    try {
      localStorage.setItem(DRAFT, JSON.stringify({ brief: this.brief.value, refs: this.tray.saved(), frames: this.framesTray.saved(), mode: this.mode }));
    } catch { /* storage full or off: the draft is only a convenience */ }
  }

  options() {
    const f = this.form.elements;
    if (this.mode === "frames") {
      return {
        frames: this.framesTray.urls(),
        frameAspect: f["frame-shape"].value || "",
        fps: Number(f.fps.value || DEFAULTS.fps),
        clipDuration: Number(this.duration.value),
        easing: this.easingSelect.value || DEFAULTS.easing,
        loop: this.loop.input.checked,
        autoApprove: this.auto.input.checked,
        ...withDeliver(this.deliver()),
      };
    }
    return {
      aspectRatio: f.aspect.value || DEFAULTS.aspectRatio,
      resolution: f.resolution.value || DEFAULTS.resolution,
      fps: Number(f.fps.value || DEFAULTS.fps),
      clipDuration: Number(this.duration.value),
      easing: this.easingSelect.value || DEFAULTS.easing,
      loop: this.loop.input.checked,
      autoApprove: this.auto.input.checked,
      pose: this.pose.select.value,
      background: this.background.select.value,
      ...withDeliver(this.deliver()),
    };
  }

  refresh() {
    this.saveDraft();
    const n = this.brief?.value.length || 0;
    if (this.count) this.count.textContent = `${n.toLocaleString()} / ${MAX_BRIEF.toLocaleString()}`;
    if (!this.submit) return;
    const busy = this.activeTray().busy();
    this.submit.disabled = this.starting || busy;
    const idle = this.mode === "frames" ? "Make the film" : "Start the shoot";
    this.submit.replaceChildren(this.starting ? "Starting…" : busy ? `Uploading ${this.mode === "frames" ? "frames" : "references"}…` : idle, icon("arrow"));
    if (this.mode === "frames") this.queueEstimate(); // the price follows the number of frames
  }

  activeTray() { return this.mode === "frames" ? this.framesTray : this.tray; }

  queueEstimate() {
    clearTimeout(this.estimateTimer);
    this.estimateTimer = setTimeout(() => this.loadEstimate(), 150);
  }

  async loadEstimate() {
    const o = this.options();
    const q = new URLSearchParams({ loop: String(o.loop), clipDuration: String(o.clipDuration), easing: o.easing });
    if (o.frames) q.set("frames", String(Math.min(MAX_FRAMES, Math.max(MIN_FRAMES, o.frames.length))));
    else { q.set("aspectRatio", o.aspectRatio); q.set("resolution", o.resolution); }
    const key = q.toString();
    if (key === this.estimateKey) return; // the same price as shown
    const seq = ++this.estimateSeq;
    try {
      const { estimate: e } = await this.app.api.get(`/api/estimate?${q}`);
      if (seq !== this.estimateSeq) return;
      this.estimateKey = key;
      this.estimate.replaceChildren(
        h("span", { class: "estimate-label" }, "Estimated cost"),
        h("strong", { class: "estimate-value" }, money(e.totalUsd)),
        h("span", { class: "estimate-note" }, `${e.images} images + ${e.clips} clips on ${e.imageProvider} / ${e.videoProvider}. ${e.note || ""}`));
    } catch (err) {
      if (seq === this.estimateSeq) this.estimate.textContent = `No estimate: ${err.message}`;
    }
  }

  async start() {
    if (this.starting || this.tray.busy()) return;
    this.error.textContent = "";
    const prompt = this.brief.value.trim();
    // One's own frames need no brief: it only colours the camera moves.
    if (!prompt && this.mode !== "frames") {
      this.error.textContent = "Write a brief first: a sentence about the mood is enough.";
      this.brief.focus();
      return;
    }
    const frames = this.mode === "frames";
    const inputImages = frames ? [] : this.tray.urls();
    if (frames) {
      const n = this.framesTray.urls().length;
      if (n < MIN_FRAMES || n > MAX_FRAMES) {
        this.error.textContent = `Add ${MIN_FRAMES} to ${MAX_FRAMES} frames; ${n === 1 ? "1 is" : `${n} are`} ready.`;
        this.framesTray.input.focus();
        return;
      }
    } else if (!inputImages.length && !(await this.confirmNoReferences())) return;
    const options = this.options();
    const { frames: _, ...remembered } = options;
    localStorage.setItem(REMEMBER, JSON.stringify({ ...this.saved, ...remembered, deliver: options.deliver || [] }));
    this.starting = true;
    this.refresh();
    try {
      await this.open({ prompt, inputImages, options });
    } catch (err) {
      this.error.textContent = err.message;
      this.starting = false;
      this.refresh();
    }
  }

  // open starts the exchange and, at session_init, moves to the session
  // view with the stream still flowing.
  async open(body) {
    const controller = new AbortController();
    const res = await this.app.api.stream("/api/generate-stream", body, controller.signal);
    const relay = new Relay(controller);
    let opened = false;
    const reading = readEvents(res.body, (ev) => {
      relay.push(ev);
      if (!opened && ev.data?.type === "session_init") {
        opened = true;
        try { localStorage.removeItem(DRAFT); } catch { /* nothing to forget */ }
        this.app.handoff = { sessionId: ev.data.sessionId, relay };
        this.app.go(`#/session/${ev.data.sessionId}`);
      }
    });
    reading.then(() => relay.end(null), (err) => relay.end(err));
    await reading.catch(() => {});
    if (!opened) throw new Error("The server ended the exchange before the session started.");
  }

  // confirmNoReferences warns that without references the director
  // invents the person and the clothes.
  confirmNoReferences() {
    return confirmDialog({
      title: "Start without references?",
      body: "With no pictures of the model or the outfit, the director invents both. Add references first for your look.",
      confirm: "Start anyway",
    });
  }

  destroy() {
    this.starting = true; // no draft writes from a view being torn down
    clearTimeout(this.estimateTimer);
    this.tray.destroy();
    this.framesTray.destroy();
  }
}

// stagesStrip explains what happens after "Start": the five stages, each
// a checkpoint where the user approves or asks for changes.
function stagesStrip() {
  const steps = [
    ["Hero", "One image that sets the look."],
    ["Contact sheet", "Six camera angles on one sheet."],
    ["Frames", "Cut along the detected grid."],
    ["Clips", "A camera move between each pair."],
    ["Film", "Eased, hard-cut, ready to post."],
  ];
  return h("section", { class: "stages-strip", "aria-labelledby": "stages-title" },
    h("h2", { id: "stages-title", class: "kicker" }, "What happens next"),
    h("ol", {}, steps.map(([name, text], i) => h("li", {},
      h("span", { class: "strip-no", "aria-hidden": "true" }, String(i + 1).padStart(2, "0")),
      h("span", { class: "strip-name" }, name),
      h("span", { class: "strip-text" }, text)))),
    h("p", { class: "muted strip-foot" }, "You approve each stage or ask for changes; nothing is redone that does not need to be."));
}

// selectField is a labelled <select> of presets with the chosen one's
// summary under it.
function selectField(id, label, onChange) {
  const hint = h("p", { class: "hint", id: `${id}-hint` });
  const select = h("select", { id, name: id, "aria-describedby": `${id}-hint` });
  let items = [];
  const describe = () => {
    const p = items.find((x) => x.id === select.value);
    hint.textContent = p ? p.summary : "Chosen from the brief's mood.";
  };
  select.addEventListener("change", () => { describe(); onChange(); });
  return {
    el: h("div", { class: "field" }, h("label", { for: id, class: "label" }, label), select, hint),
    select,
    fill(list, none) {
      items = list;
      select.replaceChildren(h("option", { value: "" }, none), ...list.map((p) => h("option", { value: p.id }, p.name)));
      describe();
    },
    set(v) {
      if (items.some((p) => p.id === v)) select.value = v;
      describe();
    },
  };
}

// radioGroup is a fieldset of radio buttons drawn as a segmented control.
// label names a value on screen (the value itself by default).
function radioGroup(name, legend, values, decorate, onChange, label = (v) => v) {
  return h("fieldset", { class: "field segmented", "data-name": name },
    h("legend", { class: "label" }, legend),
    h("div", { class: "segments" }, values.map((v) => h("label", { class: "segment" },
      h("input", { type: "radio", name, value: v, class: "visually-hidden", onchange: onChange }),
      decorate ? decorate(v) : null,
      h("span", {}, label(v))))));
}

// checkGroup is a fieldset of checkboxes drawn as a segmented control,
// any number of them on, with a hint under it.
function checkGroup(name, legend, help, values, decorate, onChange) {
  return h("fieldset", { class: "field segmented", "data-name": name, "aria-describedby": `${name}-help` },
    h("legend", { class: "label" }, legend),
    h("div", { class: "segments" }, values.map((v) => h("label", { class: "segment" },
      h("input", { type: "checkbox", name, value: v, class: "visually-hidden", onchange: onChange }),
      decorate ? decorate(v) : null,
      h("span", {}, v)))),
    h("p", { id: `${name}-help`, class: "hint" }, help));
}

// withDeliver is the deliver option when any format is ticked.
function withDeliver(formats) {
  return formats.length ? { deliver: formats } : {};
}

function aspectSwatch(ratio) {
  const [w, hgt] = ratio.split(":").map(Number);
  const el = h("span", { class: "swatch", "aria-hidden": "true" });
  const scale = 18 / Math.max(w, hgt);
  el.style.setProperty("--w", `${Math.round(w * scale)}px`);
  el.style.setProperty("--h", `${Math.round(hgt * scale)}px`);
  return el;
}

function switchField(id, label, help, onChange) {
  const input = h("input", { id, type: "checkbox", role: "switch", class: "switch-input", "aria-describedby": `${id}-help`, onchange: onChange });
  return {
    input,
    el: h("div", { class: "switch-field" },
      input,
      h("label", { for: id, class: "switch" }, h("span", { class: "switch-track", "aria-hidden": "true" }), h("span", { class: "switch-label" }, label)),
      h("p", { id: `${id}-help`, class: "hint" }, help)),
  };
}

function setRadio(list, value) {
  if (!list) return;
  for (const r of list) r.checked = r.value === value;
}
