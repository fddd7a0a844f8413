// The upload trays of a new shoot (references, or the user's own frames):
// drop or pick images, each uploaded on its own so it gets its own
// preview, progress and error message (the upload API's per-file
// errors[]). An ordered tray numbers its tiles and lets them be moved,
// since the order of one's own frames is the order of the film.

import { h, icon } from "./dom.js";

// REFERENCES is the default tray: the model, the outfit and accessories.
const REFERENCES = {
  id: "ref-input", max: 10, label: "Reference images", noun: "references", ordered: false,
  title: "Drop reference images here", sub: " — the model, the outfit, accessories.",
};
// MAX_BYTES is the server's limit per file; a larger file is refused here,
// before a single byte is sent.
const MAX_BYTES = 10 * 1024 * 1024;
const PARALLEL = 3;

export class UploadTray {
  constructor(api, onChange, opts = {}) {
    this.api = api;
    this.onChange = onChange;
    this.opts = { ...REFERENCES, ...opts };
    this.items = [];
    this.queue = [];
    this.active = 0;
    this.nextId = 1;
    this.note = h("p", { class: "field-error", role: "alert" });
    this.list = h(this.opts.ordered ? "ol" : "ul", { class: "refs", "aria-label": this.opts.label });
  }

  // build returns the drop zone, its file input and the tray.
  build() {
    const { id } = this.opts;
    this.input = h("input", {
      id, class: "visually-hidden", type: "file", multiple: true, name: "images",
      accept: "image/png,image/jpeg,image/webp,image/gif", "aria-describedby": `${id}-help`,
      onchange: () => { this.add([...this.input.files]); this.input.value = ""; },
    });
    const zone = h("label", { class: "dropzone", for: id },
      h("span", { class: "dropzone-icon" }, icon("upload")),
      h("span", { class: "dropzone-title" }, this.opts.title),
      h("span", { class: "dropzone-sub", id: `${id}-help` },
        "or ", h("span", { class: "link" }, "choose files"), `${this.opts.sub} PNG, JPEG, WebP or GIF, up to 10 MB each.`));
    for (const type of ["dragenter", "dragover"]) {
      zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.add("is-over"); });
    }
    zone.addEventListener("dragleave", () => zone.classList.remove("is-over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("is-over");
      this.add([...(e.dataTransfer?.files || [])]);
    });
    return h("div", { class: "uploader" }, this.input, zone, this.note, this.list);
  }

  add(files) {
    this.note.textContent = "";
    const room = this.opts.max - this.items.length;
    if (files.length > room) {
      this.note.textContent = `At most ${this.opts.max} ${this.opts.noun} per shoot; ${files.length - Math.max(room, 0)} left out.`;
      files = files.slice(0, Math.max(room, 0));
    }
    for (const file of files) {
      const item = { id: this.nextId++, name: file.name, file, status: "uploading", url: "", error: "", preview: URL.createObjectURL(file) };
      if (file.size > MAX_BYTES) {
        Object.assign(item, { status: "error", error: `${(file.size / 1048576).toFixed(1)} MB is over the 10 MB limit; not uploaded.` });
      } else {
        this.queue.push(item);
      }
      this.items.push(item);
    }
    this.pump();
    this.render();
  }

  pump() {
    while (this.active < PARALLEL && this.queue.length) {
      const item = this.queue.shift();
      this.active++;
      this.send(item).finally(() => { this.active--; this.pump(); });
    }
  }

  async send(item) {
    try {
      const res = await this.api.upload(item.file);
      const ok = res.files?.[0];
      if (ok) Object.assign(item, { status: "ok", url: ok.url });
      else Object.assign(item, { status: "error", error: res.errors?.[0]?.error || res.error || "Upload refused." });
    } catch (err) {
      Object.assign(item, { status: "error", error: err.message || "Upload failed." });
    }
    if (this.items.includes(item)) this.render();
  }

  // restore shows references uploaded before a reload: they are on the
  // server already, so their stored URL is both preview and reference.
  restore(saved) {
    for (const r of saved || []) {
      if (this.items.length >= this.opts.max || !r?.url || typeof r.url !== "string" || !r.url.startsWith("/uploads/")) continue;
      this.items.push({ id: this.nextId++, name: String(r.name || "reference"), file: null, status: "ok", url: r.url, error: "", preview: r.url });
    }
    this.render();
  }

  // saved lists the uploaded references, for the draft.
  saved() {
    return this.items.filter((it) => it.status === "ok").map((it) => ({ name: it.name, url: it.url }));
  }

  // clear forgets every reference (after a shoot started with them).
  clear() {
    this.destroy();
    this.items = [];
    this.queue = [];
    this.render();
  }

  remove(item) {
    this.items = this.items.filter((it) => it !== item);
    this.queue = this.queue.filter((it) => it !== item);
    if (item.file) URL.revokeObjectURL(item.preview);
    this.render();
    this.input.focus();
  }

  // move shifts an item by one place (an ordered tray) and keeps the
  // focus on the button that moved it, so the keyboard can go on.
  move(item, by) {
    const i = this.items.indexOf(item);
    const j = i + by;
    if (i < 0 || j < 0 || j >= this.items.length) return;
    [this.items[i], this.items[j]] = [this.items[j], this.items[i]];
    this.render();
    const again = this.list.querySelector(`[data-id="${item.id}"] .ref-move[data-by="${by}"]:not([disabled])`)
      || this.list.querySelector(`[data-id="${item.id}"] .ref-remove`);
    again?.focus();
  }

  render() {
    this.list.replaceChildren(...this.items.map((it, i) => this.tile(it, i)));
    this.onChange();
  }

  // order returns an ordered tray's place number with its "earlier" and
  // "later" buttons (nothing for an unordered tray).
  order(it, i) {
    if (!this.opts.ordered) return null;
    const last = this.items.length - 1;
    return h("span", { class: "ref-order" },
      h("span", { class: "ref-no", "aria-hidden": "true" }, String(i + 1)),
      h("button", { type: "button", class: "ref-move", dataset: { by: "-1" }, disabled: i === 0, "aria-label": `Move ${it.name} earlier`, onclick: () => this.move(it, -1) }, "←"),
      h("button", { type: "button", class: "ref-move", dataset: { by: "1" }, disabled: i === last, "aria-label": `Move ${it.name} later`, onclick: () => this.move(it, 1) }, "→"));
  }

  tile(it, i) {
    const state = { uploading: "Uploading…", ok: "Ready", error: it.error }[it.status];
    const img = h("img", { src: it.preview, alt: "", class: "ref-img" });
    // A file the browser cannot draw keeps its box, without a broken icon.
    img.addEventListener("error", () => img.classList.add("is-broken"));
    return h("li", { class: "ref", dataset: { status: it.status, id: String(it.id) } },
      img,
      this.order(it, i),
      h("span", { class: "ref-name", title: it.name }, it.name),
      h("span", { class: "ref-state", role: it.status === "error" ? "alert" : null }, state),
      h("button", { type: "button", class: "ref-remove", "aria-label": `Remove ${it.name}`, onclick: () => this.remove(it) }, icon("close")));
  }

  urls() { return this.items.filter((it) => it.status === "ok").map((it) => it.url); }
  busy() { return this.items.some((it) => it.status === "uploading"); }

  destroy() {
    for (const it of this.items) if (it.file) URL.revokeObjectURL(it.preview);
  }
}
