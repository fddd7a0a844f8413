// Formatting shared by the views.

export function money(usd) {
  const n = Number(usd) || 0;
  return n.toLocaleString("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: n && n < 0.1 ? 3 : 2 });
}

const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

// ago renders a timestamp relative to now ("3 minutes ago").
export function ago(iso) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "";
  const secs = Math.round((t - Date.now()) / 1000);
  const steps = [[60, "second"], [60, "minute"], [24, "hour"], [7, "day"], [4.35, "week"], [12, "month"], [Infinity, "year"]];
  let v = secs;
  for (const [size, unit] of steps) {
    if (Math.abs(v) < size) return RELATIVE.format(Math.round(v), unit);
    v /= size;
  }
  return "";
}

export function dateTime(iso) {
  const t = new Date(iso);
  return Number.isFinite(t.getTime()) ? t.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }) : "";
}

// runLabel names a session's run state for people.
export function runLabel(runState, status) {
  switch (runState) {
    case "running": return { text: "Developing", tone: "live" };
    case "awaiting": return { text: "Awaiting you", tone: "accent" };
    case "done": return { text: "Finished", tone: "done" };
    case "failed": return { text: "Needs attention", tone: "bad" };
    case "cancelled": return { text: "Stopped", tone: "muted" };
  }
  return status === "error" ? { text: "Needs attention", tone: "bad" } : { text: "New", tone: "muted" };
}

export function stageLabel(stage) {
  return {
    init: "Starting", hero: "Hero", "contact-sheet": "Contact sheet", frames: "Frames",
    clips: "Clips", final: "Film", complete: "Complete",
  }[stage] || stage || "";
}

export function bytes(n) {
  if (!(n > 0)) return "";
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

// humanTool turns a tool name like generate_hero into "Generate hero".
export function humanTool(name) {
  const s = String(name || "").replace(/[_-]+/g, " ").trim();
  return s ? s[0].toUpperCase() + s.slice(1) : "Tool";
}
