// The artifact under review at a checkpoint, drawn inside the decision
// card so that what is approved is on screen next to the button that
// approves it: the hero, the contact sheet, the six frames or the clips,
// each with its real pixel size, and for a reworked sheet or frame a
// side-by-side view against the version before.

import { h } from "./dom.js";

const GROUPS = { hero: "hero", "contact-sheet": "contactSheet", frames: "frames", clips: "videos" };

// reviewItems returns the newest artifacts a checkpoint of stage shows.
export function reviewItems(stage, assets) {
  return (assets?.[GROUPS[stage]] || []).filter(Boolean);
}

// reviewKey changes whenever what the review shows changes.
export function reviewKey(stage, assets) {
  return reviewItems(stage, assets).map((a) => `${a.url}:${a.width}x${a.height}`).join("|");
}

// canCompare reports whether any artifact of the review has a version
// before it to compare with.
export function canCompare(stage, assets) {
  return stage !== "clips" && reviewItems(stage, assets).some((a) => a.version > 1);
}

// reviewArt draws the artifacts; compare puts each reworked one beside its
// previous version.
export function reviewArt(stage, assets, compare) {
  const items = reviewItems(stage, assets);
  if (!items.length) return [h("div", { class: "review-wait" }, "Loading the pictures…")];
  const multi = stage === "frames" || stage === "clips";
  const shown = compare ? items.filter((a) => a.version > 1) : items;
  const cells = shown.map((a) => (compare ? pair(stage, a) : cell(stage, a, multi)));
  return [h("div", { class: ["review-grid", multi && !compare ? "review-grid-multi" : null, compare ? "review-grid-compare" : null] }, cells),
    h("p", { class: "review-size", dataset: { sizes: items.map((a) => `${a.width}x${a.height}`).join(" ") } }, sizeNote(stage, items))];
}

function cell(stage, a, multi) {
  const label = multi ? `${stage === "clips" ? "Clip" : "Frame"} ${a.index}` : stage === "hero" ? "The hero" : "The contact sheet";
  return h("figure", { class: "review-cell", dataset: { index: String(a.index || 0) } },
    media(stage, a, label),
    multi ? h("figcaption", { class: "review-cap" }, `${a.index}`, a.version > 1 ? ` · v${a.version}` : "") : null);
}

function pair(stage, a) {
  const name = stage === "frames" ? `Frame ${a.index}` : stage === "hero" ? "Hero" : "Contact sheet";
  const before = { ...a, url: previousUrl(a.url, a.version), version: a.version - 1 };
  return h("div", { class: "review-pair", role: "group", "aria-label": `${name}: version ${a.version - 1} and version ${a.version}` },
    h("figure", { class: "review-cell review-before" }, media(stage, before, `${name}, version ${before.version}`),
      h("figcaption", { class: "review-cap" }, `Before · v${before.version}`)),
    h("figure", { class: "review-cell review-after" }, media(stage, a, `${name}, version ${a.version}`),
      h("figcaption", { class: "review-cap" }, `Now · v${a.version}`)));
}

function media(stage, a, label) {
  const el = stage === "clips"
    ? h("video", { class: "review-media", src: a.url, muted: true, defaultMuted: true, loop: true, autoplay: true, playsInline: true, preload: "metadata", "aria-label": label })
    : h("img", { class: "review-media", src: a.url, alt: label, decoding: "async" });
  if (a.width > 0 && a.height > 0) {
    el.style.setProperty("--ar", `${a.width} / ${a.height}`);
    el.style.setProperty("--ar-n", (a.width / a.height).toFixed(4));
  }
  return el;
}

// previousUrl names the version before: files are hero.png, hero.v2.png,
// hero.v3.png… so version 2's predecessor has no suffix.
export function previousUrl(url, version) {
  const suffix = new RegExp(`\\.v${version}(\\.[a-z0-9]+)$`);
  return url.replace(suffix, version - 1 > 1 ? `.v${version - 1}$1` : "$1");
}

// sizeNote states the real pixel size of what was made.
function sizeNote(stage, items) {
  const sizes = [...new Set(items.map((a) => (a.width > 0 ? `${a.width} × ${a.height} px` : "size unknown")))];
  if (items.length === 1) return `Actual size ${sizes[0]}`;
  const what = stage === "clips" ? "clips" : "frames";
  return sizes.length === 1 ? `${items.length} ${what}, each ${sizes[0]}` : `${items.length} ${what}: ${sizes.join(", ")}`;
}
