// Small helpers to build DOM nodes without innerHTML, so text from the
// server or the user is never parsed as markup (and the page stays within a
// strict Content-Security-Policy).

const SVG_NS = "http://www.w3.org/2000/svg";

// h builds an element. props: class, text, dataset (object), on<Event>
// (listeners), boolean DOM properties (hidden, disabled, checked…), and
// any other key as an attribute. Children may be nodes, strings, arrays,
// or null/false (skipped).
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, ...children);
  return el;
}

// s builds an SVG element; every prop is an attribute.
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined && v !== false) el.setAttribute(k, String(v));
  }
  append(el, ...children);
  return el;
}

const PROPERTIES = new Set(["hidden", "disabled", "checked", "value", "selected", "muted", "autoplay",
  "loop", "controls", "multiple", "required", "open", "playsInline", "defaultMuted"]);

function setProps(el, props) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false && !PROPERTIES.has(k)) continue;
    if (k === "class") el.className = Array.isArray(v) ? v.filter(Boolean).join(" ") : v;
    else if (k === "text") el.textContent = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (PROPERTIES.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

// append adds children to el, flattening arrays and turning strings into
// text nodes.
export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// clear empties el and returns it.
export function clear(el) {
  el.replaceChildren();
  return el;
}

// icon returns a small inline SVG drawn from a fixed set of strokes.
export function icon(name) {
  const paths = ICONS[name] || ICONS.dot;
  return s("svg", { class: "icon", viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false" },
    paths.map((d) => s("path", { d })));
}

const ICONS = {
  upload: ["M12 16V4", "M7 9l5-5 5 5", "M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3"],
  close: ["M6 6l12 12", "M18 6L6 18"],
  check: ["M5 12.5l4.5 4.5L19 7"],
  arrow: ["M5 12h14", "M13 6l6 6-6 6"],
  redo: ["M20 11a8 8 0 1 0-2.3 5.7", "M20 4v7h-7"],
  download: ["M12 4v12", "M7 11l5 5 5-5", "M4 20h16"],
  trash: ["M4 7h16", "M9 7V4h6v3", "M6 7l1 13h10l1-13"],
  stop: ["M7 7h10v10H7z"],
  tool: ["M14.5 5.5a4 4 0 0 0-5 5L4 16l4 4 5.5-5.5a4 4 0 0 0 5-5l-2.5 2.5-3-1-1-3z"],
  play: ["M8 5v14l11-7z"],
  alert: ["M12 4l9 16H3z", "M12 10v4", "M12 17v.5"],
  dot: ["M12 12h.01"],
  film: ["M4 5h16v14H4z", "M8 5v14", "M16 5v14", "M4 9h4", "M4 15h4", "M16 9h4", "M16 15h4"],
  spark: ["M12 3v4", "M12 17v4", "M3 12h4", "M17 12h4", "M6 6l2.5 2.5", "M15.5 15.5L18 18", "M6 18l2.5-2.5", "M15.5 8.5L18 6"],
};

// announce puts a short message in a toast that screen readers also hear.
export function toast(message, kind = "info") {
  const host = document.getElementById("toasts");
  if (!host) return;
  const t = h("div", { class: ["toast", `toast-${kind}`] }, message);
  host.append(t);
  setTimeout(() => t.classList.add("toast-out"), 4200);
  setTimeout(() => t.remove(), 4800);
}
