// Modal dialogs built on <dialog>, which gives focus trapping, Escape and
// an inert page for free.

import { h } from "./dom.js";

// confirmDialog asks a yes/no question and resolves true on confirm.
export function confirmDialog({ title, body, confirm = "OK", danger = false }) {
  return new Promise((resolve) => {
    const back = document.activeElement;
    const no = h("button", { type: "button", class: "btn btn-quiet", value: "no" }, "Cancel");
    const yes = h("button", { type: "button", class: ["btn", danger ? "btn-danger" : "btn-primary"], value: "yes" }, confirm);
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": "confirm-title", "aria-describedby": "confirm-body" },
      h("h2", { id: "confirm-title", class: "dialog-title" }, title),
      h("p", { id: "confirm-body", class: "muted" }, body),
      h("div", { class: "dialog-actions" }, no, yes));
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      back?.focus?.();
      resolve(answer);
    };
    no.addEventListener("click", () => done(false));
    yes.addEventListener("click", () => done(true));
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

// Lightbox shows one image of a group full-screen; arrow keys move through
// the group and Escape closes it.
export class Lightbox {
  constructor() {
    this.img = h("img", { class: "lightbox-img", alt: "" });
    this.caption = h("p", { class: "lightbox-caption" });
    this.prevBtn = h("button", { type: "button", class: "lightbox-nav lightbox-prev", "aria-label": "Previous image", onclick: () => this.step(-1) }, "‹");
    this.nextBtn = h("button", { type: "button", class: "lightbox-nav lightbox-next", "aria-label": "Next image", onclick: () => this.step(1) }, "›");
    const closeBtn = h("button", { type: "button", class: "lightbox-close", "aria-label": "Close", onclick: () => this.dialog.close() }, "×");
    this.dialog = h("dialog", { class: "lightbox", "aria-label": "Image viewer" },
      h("figure", { class: "lightbox-figure" }, this.img, this.caption), this.prevBtn, this.nextBtn, closeBtn);
    this.dialog.addEventListener("keydown", (e) => {
      if (e.key === "ArrowLeft") this.step(-1);
      if (e.key === "ArrowRight") this.step(1);
    });
    this.dialog.addEventListener("click", (e) => { if (e.target === this.dialog) this.dialog.close(); });
    this.dialog.addEventListener("close", () => this.back?.focus?.());
    document.body.append(this.dialog);
  }

  // open shows items[index]; items are {src, caption}.
  open(items, index) {
    this.items = items;
    this.index = index;
    this.back = document.activeElement;
    this.show();
    if (!this.dialog.open) this.dialog.showModal();
  }

  step(d) {
    if (!this.items?.length) return;
    this.index = (this.index + d + this.items.length) % this.items.length;
    this.show();
  }

  show() {
    const it = this.items[this.index];
    this.img.src = it.src;
    this.img.alt = it.caption;
    this.caption.textContent = this.items.length > 1 ? `${it.caption} — ${this.index + 1} of ${this.items.length}` : it.caption;
    this.prevBtn.hidden = this.nextBtn.hidden = this.items.length < 2;
  }

  destroy() {
    this.dialog.remove();
  }
}
