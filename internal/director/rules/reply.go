package rules

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/director"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// replyTurn is one checkpoint reply being handled.
type replyTurn struct {
	d      *Director
	in     pipeline.TurnInput
	act    pipeline.Actions
	stage  string
	intent director.Intent
	opts   shoot.Options // with defaults
}

// reply reads the user's answer at a checkpoint and acts on it.
func (d *Director) reply(ctx context.Context, in pipeline.TurnInput, act pipeline.Actions, out pipeline.Emitter) error {
	stage := in.Session.PipelineStage
	if in.Checkpoint != nil {
		stage = in.Checkpoint.Stage
	}
	r := replyTurn{d: d, in: in, act: act, stage: stage, opts: in.Session.Options.WithDefaults(),
		intent: director.ParseReply(in.Text, stage, d.easings)}
	p, err := r.plan()
	if err != nil {
		return err
	}
	return d.execute(ctx, p, out)
}

func (r *replyTurn) plan() (plan, error) {
	switch r.intent.Kind {
	case director.IntentApprove:
		return r.approve(), nil
	case director.IntentRegenerateFrames:
		return r.frames(), nil
	case director.IntentRedoClips:
		return r.clips(), nil
	case director.IntentSetAspect:
		return r.aspect(r.intent.Aspect, "")
	case director.IntentSetLoop:
		return r.loop(*r.intent.Loop), nil
	case director.IntentSetEasing:
		return r.easing(), nil
	case director.IntentUnclear:
		return plan{say: r.intent.Note}, nil
	}
	return r.change()
}

// hasFrames reports whether the stage comes after the frames exist.
func (r *replyTurn) hasFrames() bool {
	return r.stage == shoot.StageFrames || r.hasClips()
}

func (r *replyTurn) hasClips() bool {
	return r.stage == shoot.StageClips || r.stage == shoot.StageComplete
}

func (r *replyTurn) approve() plan {
	next := map[string]string{
		shoot.StageHero:         "Approved. Next, the contact sheet: six camera angles around this look.",
		shoot.StageContactSheet: "Great sheet. Cutting it into six frames now.",
		shoot.StageFrames:       fmt.Sprintf("Lovely. Animating the frames: %d camera moves between them.", r.opts.ClipCount()),
		shoot.StageClips:        fmt.Sprintf("Stitching the film now, with %s easing and hard cuts.", r.opts.Easing),
	}
	if r.stage == shoot.StageComplete {
		return plan{say: "The film is already finished. I can re-cut it with another easing, add a loop, or redo a clip."}
	}
	msg, ok := next[r.stage]
	if !ok {
		msg = "Approved. Moving on."
	}
	return plan{say: msg, steps: []step{approveStep(r.act, r.stage)}}
}

func (r *replyTurn) frames() plan {
	if !r.hasFrames() {
		return plan{say: "There are no frames yet: they are cut from the contact sheet. Say \"continue\" to get there."}
	}
	var steps []step
	for _, n := range r.intent.Frames {
		steps = append(steps, frameStep(r.act, n, r.intent.Instruction))
	}
	msg := "Reworking " + numbered("frame", r.intent.Frames)
	if r.intent.Instruction != "" {
		msg += ": " + r.intent.Instruction
	}
	return plan{say: msg + ".", steps: steps}
}

func (r *replyTurn) clips() plan {
	if !r.hasClips() {
		return plan{say: "There are no clips yet: approve the frames first and I'll animate them."}
	}
	if len(r.intent.Clips) == 0 {
		return plan{say: "Remaking every clip.", steps: []step{allClips(r.act, r.opts.FrameCount(), r.opts.Loop, r.opts.VideoSeconds, r.intent.Instruction)}}
	}
	var steps []step
	var done []int
	for _, n := range r.intent.Clips {
		if n > r.opts.ClipCount() {
			continue
		}
		steps = append(steps, clipStep(r.act, n, clipPrompt(n, r.opts.FrameCount(), r.opts.Loop, r.intent.Instruction)))
		done = append(done, n)
	}
	if len(done) == 0 {
		return plan{say: fmt.Sprintf("Clip %d only exists when the film loops. Say \"loop it\" to add it.", r.opts.FrameCount())}
	}
	msg := "Redoing " + numbered("clip", done)
	if len(done) == 1 {
		msg += " (" + prompt.ClipMove(done[0]) + ")"
	}
	if len(done) < len(r.intent.Clips) {
		msg += "; clip 6 only exists when the film loops"
	}
	return plan{say: msg + ".", steps: steps}
}

// aspect changes the ratio and remakes what it shapes: the hero or sheet is
// regenerated, frames are re-cropped. extra is a change asked for alongside.
func (r *replyTurn) aspect(ratio, extra string) (plan, error) {
	switch r.stage {
	case shoot.StageHero:
		c, err := r.d.choose(r.in.Session.Brief, "", r.in.Session.Options)
		if err != nil {
			return plan{}, err
		}
		p := heroParams(c, r.in.Session, ratio, r.in.Text, extra)
		return plan{say: "Switching to " + ratio + " and reshooting the hero.", steps: []step{
			optionsStep(r.act, map[string]any{"aspectRatio": ratio}), heroStep(r.act, p)}}, nil
	case shoot.StageContactSheet:
		return plan{say: "Switching to " + ratio + " and redrawing the contact sheet.", steps: []step{
			optionsStep(r.act, map[string]any{"aspectRatio": ratio}), r.sheetStep(ratio, extra)}}, nil
	}
	if !slices.Contains(shoot.FrameAspectRatios, ratio) {
		return plan{say: fmt.Sprintf("Frames can be re-cropped to %s only.", strings.Join(shoot.FrameAspectRatios, ", "))}, nil
	}
	msg := "Re-cropping the six frames to " + ratio + "."
	if extra != "" {
		msg += " Once you've seen them, tell me the other change again and I'll apply it."
	}
	return plan{say: msg, steps: []step{optionsStep(r.act, map[string]any{"frameAspect": ratio}), resizeStep(r.act, ratio)}}, nil
}

func (r *replyTurn) sheetStep(ratio, extra string) step {
	ratio = firstNonEmpty(ratio, r.opts.AspectRatio)
	glasses := prompt.MentionsGlasses(r.in.Session.Brief) || prompt.MentionsGlasses(r.in.Text)
	return sheetStep(r.act, pipeline.SheetParams{
		Prompt:      prompt.ContactSheet(prompt.SheetVars{AspectRatio: ratio, Glasses: glasses}),
		AspectRatio: ratio, Resolution: r.opts.Resolution, Extra: extra,
	})
}

func (r *replyTurn) loop(on bool) plan {
	if !on {
		return plan{say: "No loop: the film ends on the final detail shot.", steps: []step{optionsStep(r.act, map[string]any{"loop": false})}}
	}
	if r.opts.Loop {
		return plan{say: "The film already loops: clip 6 runs from frame 6 back to frame 1."}
	}
	steps := []step{optionsStep(r.act, map[string]any{"loop": true})}
	if !r.hasClips() {
		return plan{say: "The film will loop: when we animate, I'll add a sixth clip from frame 6 back to frame 1.", steps: steps}
	}
	last := r.opts.FrameCount()
	steps = append(steps, clipStep(r.act, last, prompt.ClipFor(last, last, true)))
	return plan{say: "Adding a sixth clip that pulls back from the detail to the opening portrait, so the film loops.", steps: steps}
}

func (r *replyTurn) easing() plan {
	name := r.intent.Easing
	steps := []step{optionsStep(r.act, map[string]any{"easing": name})}
	if r.stage == shoot.StageComplete {
		steps = append(steps, stitchStep(r.act, pipeline.StitchParams{Easing: name}))
		return plan{say: "Re-cutting the film with " + name + " easing.", steps: steps}
	}
	return plan{say: "Noted: the film will be cut with " + name + " easing.", steps: steps}
}

// change redoes the current stage with the reply added to its prompt.
func (r *replyTurn) change() (plan, error) {
	extra := r.intent.Instruction
	if r.intent.Aspect != "" {
		return r.aspect(r.intent.Aspect, extra)
	}
	how := "Another take"
	if extra != "" {
		how = "On it: " + extra
	}
	switch r.stage {
	case shoot.StageHero:
		return r.heroChange(how, extra)
	case shoot.StageContactSheet:
		return plan{say: how + ". Redrawing the contact sheet.", steps: []step{r.sheetStep("", extra)}}, nil
	case shoot.StageFrames:
		var steps []step
		for n := 1; n <= 6; n++ {
			steps = append(steps, frameStep(r.act, n, extra))
		}
		return plan{say: how + ". Applying it to all six frames.", steps: steps}, nil
	case shoot.StageClips:
		return plan{say: how + ". Remaking the clips.", steps: []step{allClips(r.act, r.opts.FrameCount(), r.opts.Loop, r.opts.VideoSeconds, extra)}}, nil
	case shoot.StageComplete:
		return plan{say: "The film is finished. I can re-cut it with another easing (\"use cinematic easing\"), add a loop (\"loop it\") or redo a clip (\"redo clip 2\")."}, nil
	}
	return plan{say: "Nothing is waiting for changes right now."}, nil
}

// heroChange reshoots the hero; mood words in the reply re-pick the presets,
// and the new pick is saved so later retakes keep it.
func (r *replyTurn) heroChange(how, extra string) (plan, error) {
	s := r.in.Session
	c, err := r.d.choose(s.Brief, r.in.Text, s.Options)
	if err != nil {
		return plan{}, err
	}
	var steps []step
	msg := how + ". Reshooting the hero."
	if c.picked {
		steps = append(steps, optionsStep(r.act, map[string]any{"pose": c.pose.ID, "background": c.background.ID}))
		msg = fmt.Sprintf("%s. Reshooting the hero as %s on %s.", how, c.pose.Name, c.background.Name)
	}
	steps = append(steps, heroStep(r.act, heroParams(c, s, "", r.in.Text, extra)))
	return plan{say: msg, steps: steps}, nil
}

// numbered renders "frame 3", "frames 2 and 5" or "frames 1, 2 and 3".
func numbered(noun string, nums []int) string {
	parts := make([]string, len(nums))
	for i, n := range nums {
		parts[i] = fmt.Sprint(n)
	}
	switch len(parts) {
	case 0:
		return noun + "s"
	case 1:
		return noun + " " + parts[0]
	}
	return noun + "s " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
