// The session's artifacts, newest stage first: the film in a player, the
// clips as a grid of playing videos, the six frames, the contact sheet with
// the detected grid drawn over it, and the hero — each large, with how it
// was made one click away.

import { h, s, icon } from "./dom.js";
import { money } from "./format.js";

const REDUCED_MOTION = window.matchMedia?.("(prefers-reduced-motion: reduce)");

export class Gallery {
  // actions: { regenerate(n), redo(n), lightbox }
  constructor(actions) {
    this.actions = actions;
    this.signature = "";
    this.el = h("div", { class: "gallery" });
    this.enabled = false;
  }

  // render rebuilds the plates when the set of artifacts changed; playing
  // videos are left alone otherwise.
  render(assets, session) {
    const sig = signature(assets);
    if (sig === this.signature) return;
    this.signature = sig;
    const o = session?.options || {};
    this.el.replaceChildren(...[
      this.film(assets.final?.[0], o),
      this.clips(assets.videos || [], o, assets.frames || []),
      this.frames(assets.frames || []),
      this.sheet(assets.contactSheet?.[0], assets.frames || [], o),
      this.hero(assets.hero?.[0], o),
    ].filter(Boolean));
    this.setEnabled(this.enabled);
  }

  // setEnabled turns the per-frame and per-clip buttons on or off: they
  // only make sense while the session waits for the user.
  setEnabled(on) {
    this.enabled = on;
    for (const b of this.el.querySelectorAll("[data-tile-action]")) b.disabled = !on;
  }

  film(a, o) {
    if (!a) return null;
    const video = h("video", { class: "film", controls: true, preload: "metadata", playsInline: true, src: a.url, "aria-label": "The fashion film" });
    video.addEventListener("loadedmetadata", () => {
      if (video.videoWidth && video.videoHeight) video.style.setProperty("--ar", `${video.videoWidth} / ${video.videoHeight}`);
    });
    const facts = [o.easing || "dramaticSwoop", `${o.fps || 60} fps`, `${o.clipDuration || 1.5} s per clip`, o.loop ? "looping" : null].filter(Boolean);
    return plate("05", "Film", facts.join(" · "), "plate-film",
      h("figure", { class: "film-figure" }, video,
        h("figcaption", { class: "figure-foot" },
          versionNote(a),
          h("a", { class: "btn btn-quiet btn-small", href: a.url, download: "fashion-video.mp4" }, icon("download"), "Download film"))),
      madeWith(a.metadata));
  }

  clips(list, o, frames) {
    if (!list.length) return null;
    const autoplay = !REDUCED_MOTION?.matches;
    const tiles = list.map((a) => {
      const [from, to] = clipFrames(a.index);
      const video = h("video", { class: "tile-media", muted: true, defaultMuted: true, loop: true, autoplay, playsInline: true,
        controls: !autoplay, preload: "metadata", src: a.url, "aria-label": `Clip ${a.index}: frame ${from} to frame ${to}` });
      const start = frames.find((f) => f.index === from);
      return tileRatio(h("figure", { class: "tile tile-clip", dataset: { index: a.index, stale: String(a.stale) } },
        video,
        h("figcaption", { class: "tile-cap" }, h("span", { class: "tile-no" }, String(a.index)), `Frame ${from} → ${to}`, sizeChip(a), badges(a)),
        h("button", { type: "button", class: "tile-action", dataset: { tileAction: "redo" }, "aria-label": `Redo clip ${a.index}`,
          onclick: () => this.actions.redo(a.index) }, icon("redo"), "Redo")), start);
    });
    return plate("04", "Clips", `${list.length} camera moves${o.loop ? ", looping back to frame 1" : ""}`, "plate-clips",
      h("div", { class: "tiles tiles-clips" }, tiles));
  }

  frames(list) {
    if (!list.length) return null;
    const items = list.map((a) => ({ src: a.url, caption: `Frame ${a.index}` }));
    const tiles = list.map((a, i) => tileRatio(h("figure", { class: "tile tile-frame", dataset: { index: a.index, stale: String(a.stale) } },
      h("button", { type: "button", class: "tile-open", "aria-label": `View frame ${a.index} large`, onclick: () => this.actions.lightbox(items, i) },
        h("img", { class: "tile-media", src: a.url, alt: `Frame ${a.index}`, loading: "lazy", decoding: "async" })),
      h("figcaption", { class: "tile-cap" }, h("span", { class: "tile-no" }, String(a.index)), sizeChip(a), badges(a)),
      h("button", { type: "button", class: "tile-action", dataset: { tileAction: "regenerate" }, "aria-label": `Regenerate frame ${a.index}`,
        onclick: () => this.actions.regenerate(a.index) }, icon("redo"), "Regenerate")), a));
    return plate("03", "Frames", "Cut from the contact sheet along the detected grid", "plate-frames",
      h("div", { class: "tiles tiles-frames" }, tiles));
  }

  sheet(a, frames, o) {
    if (!a) return null;
    const grid = gridFor(a, frames);
    const img = shaped(h("img", { class: "sheet-img", src: a.url, alt: "The contact sheet: six camera angles in a grid", decoding: "async" }), o);
    const wrap = h("button", { type: "button", class: "sheet-wrap", "aria-label": "View the contact sheet large",
      onclick: () => this.actions.lightbox([{ src: a.url, caption: "Contact sheet" }], 0) }, img, grid ? gridOverlay(grid) : null);
    const note = grid ? `Grid found by ${grid.method || "detection"}: ${grid.rows || 2} × ${grid.cols || 3}` : "Six camera angles";
    return plate("02", "Contact sheet", note, "plate-sheet", h("figure", { class: "sheet" }, wrap,
      h("figcaption", { class: "figure-foot" }, versionNote(a), grid?.warnings?.length ? h("span", { class: "warn" }, grid.warnings.join(" ")) : null)),
    madeWith(a.metadata));
  }

  hero(a, o) {
    if (!a) return null;
    return plate("01", "Hero", "The look, in one image", "plate-hero",
      h("figure", { class: "hero" },
        h("button", { type: "button", class: "hero-open", "aria-label": "View the hero image large",
          onclick: () => this.actions.lightbox([{ src: a.url, caption: "Hero" }], 0) },
          shaped(h("img", { class: "hero-img", src: a.url, alt: "The hero image", decoding: "async" }), o)),
        h("figcaption", { class: "figure-foot" }, versionNote(a))),
      madeWith(a.metadata));
  }
}

function plate(no, title, note, cls, ...body) {
  const id = `plate-${no}`;
  return h("section", { class: ["plate", cls], "aria-labelledby": id },
    h("header", { class: "plate-head" },
      h("span", { class: "plate-no", "aria-hidden": "true" }, no),
      h("h2", { id, class: "plate-title" }, title),
      h("p", { class: "plate-note" }, note)),
    body);
}

function sizeChip(a) {
  const [w, hgt] = pixels(a);
  return w ? h("span", { class: "tile-size", dataset: { size: `${w}x${hgt}` } }, `${w} × ${hgt}`) : null;
}

function badges(a) {
  return [a.version > 1 ? h("span", { class: "chip" }, `v${a.version}`) : null,
    a.stale ? h("span", { class: "chip chip-warn", title: "Made from an older input; it will be redone" }, "stale") : null];
}

// shaped gives a large image the shoot's aspect ratio before it loads, so
// the page does not jump when a multi-megabyte picture arrives.
function shaped(img, o) {
  img.style.setProperty("--ar", (o.aspectRatio || "3:2").replace(":", " / "));
  return img;
}

// tileRatio sets a tile's shape from the picture's recorded size, so a
// 9:16 frame is not cropped into a square.
function tileRatio(el, a) {
  const [w, hgt] = pixels(a);
  if (w > 0 && hgt > 0) el.style.setProperty("--tile-ar", `${w} / ${hgt}`);
  return el;
}

// pixels is an artifact's real size: what the assets API read from the
// stored file, else what was recorded when it was made.
function pixels(a) {
  const m = meta(a?.metadata);
  return a?.width > 0 ? [a.width, a.height] : [m.width || 0, m.height || 0];
}

function versionNote(a) {
  const [w, hgt] = pixels(a);
  const size = w && hgt ? `${w} × ${hgt} px` : "";
  return h("span", { class: "figure-meta", dataset: { size: w ? `${w}x${hgt}` : "" } },
    [a.version > 1 ? `Version ${a.version}` : "Version 1", size].filter(Boolean).join(" · "));
}

// madeWith is the artifact's provenance: prompt, provider, model, seed, cost.
function madeWith(raw) {
  const m = meta(raw);
  if (!m.prompt && !m.provider) return null;
  const rows = [["Provider", [m.provider, m.model].filter(Boolean).join(" · ")], ["Seed", m.seed], ["Cost", m.costUsd !== undefined ? money(m.costUsd) : null]]
    .filter(([, v]) => v !== undefined && v !== null && v !== "");
  return h("details", { class: "made" }, h("summary", {}, "How it was made"),
    h("dl", { class: "made-list" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])),
    m.prompt ? h("p", { class: "made-prompt" }, m.prompt) : null);
}

function meta(raw) {
  return raw && typeof raw === "object" ? raw : {};
}

// gridFor finds the crop grid recorded on the frames cut from this very
// version of the sheet; a newer sheet that has not been cut has none.
function gridFor(sheet, frames) {
  const key = sheet.url.replace(/^\//, "");
  for (const f of frames) {
    const m = meta(f.metadata);
    if (m.grid && (!m.inputs || m.inputs.includes(key))) return m.grid;
  }
  return null;
}

function gridOverlay(grid) {
  const w = grid.width || 1;
  const hgt = grid.height || 1;
  return s("svg", { class: "grid-overlay", viewBox: `0 0 ${w} ${hgt}`, preserveAspectRatio: "none", "aria-hidden": "true" },
    (grid.cells || []).map((c, i) => s("g", {},
      s("rect", { x: c.x, y: c.y, width: c.w, height: c.h, class: "grid-cell", "vector-effect": "non-scaling-stroke" }),
      s("text", { x: c.x + c.w * 0.03, y: c.y + c.h * 0.1, class: "grid-label", "font-size": Math.max(12, c.h * 0.08) }, String(i + 1)))));
}

function clipFrames(n) {
  return n === 6 ? [6, 1] : [n, n + 1];
}

function signature(assets) {
  const parts = [];
  for (const [group, list] of Object.entries(assets || {})) {
    for (const a of list || []) parts.push(`${group}:${a.url}:${a.stale}:${meta(a.metadata).grid ? 1 : 0}`);
  }
  return parts.join("|");
}
