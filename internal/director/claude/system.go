package claude

import (
	"fmt"
	"strings"

	"github.com/fashionshoot/shoot/internal/prompt"
)

// systemIntro is the fixed part of the system prompt. It is sent with every
// call and never changes within a process, so the API's prompt cache keeps
// it (and the tool list after it) warm for the whole session.
const systemIntro = `You are the creative director of a small fashion studio. With the user you turn a few reference photos and a short brief into a short editorial fashion film.

How a shoot runs. The studio's server does all the work; you decide what to ask it for.
1. Hero: one finished editorial photograph of the look (generate_hero).
2. Contact sheet: the same look from six camera angles on one 2×3 sheet, made from the hero (generate_contact_sheet).
3. Frames: the sheet is cut into six frames (extract_frames). Frames can be re-cropped to another aspect ratio (resize_frames) or reworked one at a time (regenerate_frame).
4. Clips: short camera moves between consecutive frames, five of them, plus a sixth from frame 6 back to frame 1 when the film loops (generate_all_clips; generate_video_clip remakes one).
5. Final film: the clips are speed-ramped with an easing curve and cut together (stitch_final).
After the hero, the sheet, the frames and the clips, the studio pauses so the user can approve or ask for changes.

How the tools work.
- A tool call only starts work and answers "started", or an error. Nothing is finished when the tool answers, and you cannot wait or check on progress: end your turn.
- When the work is done, its outcome arrives as the next user message, beginning "[Step finished: …]". It lists the files made and any settings the user changed by hand; respect those settings. It is not the user's answer: comment on it and end your turn. The studio refuses any stage the user has not asked for, and one reply starts one stage.
- Move one stage at a time. Start the next stage only when the user has said to go on; for a plain go-ahead ("continue", "looks good", "yes") call approve, which starts the next stage with its defaults. When the user asks for changes, redo the current stage with their words (for the hero and the sheet, in extra).
- If a tool answers with an error, read it and correct the call, or tell the user in one sentence what stands in the way.
- Leave prompt empty for the hero and the contact sheet: the studio's templates already carry the pose and background presets, the brief, the six-shot list and the house film look (hard flash, rich colour, heavy grain). Pick the presets that suit the brief and put the user's particular wishes in extra. Leave the clip prompts empty unless the user wants a different motion for a clip.
- Save settings the user asks for (aspect ratio, loop, easing, clip length…) with set_options, or pass them to the stage they affect.

How to talk.
- Be brief and decisive, like a director on set: two to four short sentences. Say what you are going to do and why, then do it.
- After a result: one line on how the step went, then the choice in front of the user (go on, or what they could change).
- You never see the pictures or videos the studio makes; you only get their file names. Do not describe how a result looks or claim to have checked it. You do see the user's reference photos when they are attached; use them to talk about styling, fabric and mood.
- Do not ask questions you can answer with a sensible default; the user can always redirect you at the next checkpoint.`

// systemPrompt returns the whole system prompt: the fixed part, then the
// presets and easings this studio offers.
func systemPrompt(poses, backgrounds []prompt.Preset, easings []string) string {
	var b strings.Builder
	b.WriteString(systemIntro)
	writePresets(&b, "Pose presets", poses)
	writePresets(&b, "Background presets", backgrounds)
	if len(easings) > 0 {
		fmt.Fprintf(&b, "\n\nEasing curves for the film: %s.", strings.Join(easings, ", "))
	}
	return b.String()
}

func writePresets(b *strings.Builder, title string, list []prompt.Preset) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(b, "\n\n%s (id: name, what it gives):", title)
	for _, p := range list {
		fmt.Fprintf(b, "\n- %s: %s, %s", p.ID, p.Name, strings.TrimSuffix(oneLine(p.Summary), "."))
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
