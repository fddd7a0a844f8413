// What the polite live region says when a session's stage changes: one
// short sentence per change, never the stream of progress numbers.

import { STAGES } from "./state.js";
import { stageLabel } from "./format.js";

// announcement describes where the session is now, or "" while loading.
export function announcement(state, session) {
  if (!state.lastSeq) return "";
  const running = STAGES.find((st) => state.stages[st.id].status === "running");
  if (state.running && running) return `Developing the ${running.label.toLowerCase()}.`;
  if (state.running) return "The director is at work.";
  if (state.error) return `${state.error.stage ? `The ${stageLabel(state.error.stage).toLowerCase()} stage` : "The director"} stopped with an error.`;
  if (state.awaiting && state.checkpoint) return `${stageLabel(state.checkpoint.stage)} ready for your review.`;
  if (state.done || session?.run_state === "done") return "The film is ready.";
  if (state.stopped) return "Stopped. Everything made so far is kept.";
  return "";
}
