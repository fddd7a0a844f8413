package rules

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
)

// Tool names, the same the Claude director offers its model, so the event
// log reads the same whichever director ran.
const (
	toolHero      = "generate_hero"
	toolSheet     = "generate_contact_sheet"
	toolResize    = "resize_frames"
	toolFrame     = "regenerate_frame"
	toolClip      = "generate_video_clip"
	toolAllClips  = "generate_all_clips"
	toolStitch    = "stitch_final"
	toolOptions   = "set_options"
	toolApprove   = "approve"
	summaryQueued = "started"
)

func heroStep(act pipeline.Actions, p pipeline.HeroParams) step {
	return step{toolHero, p, summaryQueued, func(ctx context.Context) error { return act.GenerateHero(ctx, p) }}
}

func sheetStep(act pipeline.Actions, p pipeline.SheetParams) step {
	return step{toolSheet, p, summaryQueued, func(ctx context.Context) error { return act.GenerateContactSheet(ctx, p) }}
}

func resizeStep(act pipeline.Actions, aspect string) step {
	in := map[string]string{"aspectRatio": aspect}
	return step{toolResize, in, summaryQueued, func(ctx context.Context) error { return act.ResizeFrames(ctx, aspect) }}
}

func frameStep(act pipeline.Actions, n int, instruction string) step {
	in := map[string]any{"frame": n, "instruction": instruction}
	return step{toolFrame, in, summaryQueued, func(ctx context.Context) error { return act.RegenerateFrame(ctx, n, instruction) }}
}

func clipStep(act pipeline.Actions, n int, prompt string) step {
	in := map[string]any{"clip": n, "prompt": prompt}
	return step{toolClip, in, summaryQueued, func(ctx context.Context) error { return act.GenerateClip(ctx, n, prompt) }}
}

func allClipsStep(act pipeline.Actions, p pipeline.ClipsParams) step {
	return step{toolAllClips, p, summaryQueued, func(ctx context.Context) error { return act.GenerateAllClips(ctx, p) }}
}

func stitchStep(act pipeline.Actions, p pipeline.StitchParams) step {
	return step{toolStitch, p, summaryQueued, func(ctx context.Context) error { return act.StitchFinal(ctx, p) }}
}

// optionsStep saves option changes; patch keys are shoot.Options JSON names.
func optionsStep(act pipeline.Actions, patch map[string]any) step {
	raw, err := json.Marshal(patch)
	return step{toolOptions, patch, "saved", func(ctx context.Context) error {
		if err != nil {
			return err
		}
		return act.SetOptions(ctx, raw)
	}}
}

func approveStep(act pipeline.Actions, stage string) step {
	in := map[string]string{"stage": stage}
	return step{toolApprove, in, "approved", func(ctx context.Context) error { return act.Approve(ctx) }}
}

// clipPrompt is clip n's camera move, with the user's note added when there
// is one.
func clipPrompt(n, frames int, loop bool, note string) string {
	p := prompt.ClipFor(n, frames, loop)
	if note = strings.TrimSpace(note); note != "" {
		p += " Extra direction: " + note
	}
	return p
}

// allClips builds the parameters that remake every clip of the film.
func allClips(act pipeline.Actions, frames int, loop bool, seconds int, note string) step {
	prompts := map[int]string{}
	count := frames - 1
	if loop {
		count++
	}
	for n := 1; n <= count; n++ {
		prompts[n] = clipPrompt(n, frames, loop, note)
	}
	return allClipsStep(act, pipeline.ClipsParams{Prompts: prompts, Seconds: seconds, IncludeLoop: &loop, NegativePrompt: prompt.NegativePrompt()})
}
