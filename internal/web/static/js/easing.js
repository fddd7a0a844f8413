// A small plot of an easing curve (time → progress through the clip), drawn
// from the points GET /api/easings samples, with the straight line of
// constant speed behind it for comparison.

import { s } from "./dom.js";

const W = 132;
const H = 88;
const PAD = 8;

export function easingPlot(points) {
  const x = (t) => PAD + t * (W - 2 * PAD);
  // Some curves overshoot; keep the plot in the box with a little margin.
  const lo = Math.min(0, ...points);
  const hi = Math.max(1, ...points);
  const y = (v) => H - PAD - ((v - lo) / (hi - lo)) * (H - 2 * PAD);
  const n = points.length - 1;
  const d = points.map((v, i) => `${i ? "L" : "M"}${x(i / n).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return s("svg", { class: "easing-plot", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Speed curve preview" },
    s("rect", { x: PAD, y: PAD, width: W - 2 * PAD, height: H - 2 * PAD, class: "easing-frame" }),
    s("path", { d: `M${x(0)},${y(0)} L${x(1)},${y(1)}`, class: "easing-linear" }),
    s("path", { d, class: "easing-curve" }),
    s("circle", { cx: x(1), cy: y(points[n]), r: 2.5, class: "easing-dot" }));
}
