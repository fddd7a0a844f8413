package claude

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Tool names: one per pipeline action (hero, sheet, frames, clips, film)
// plus frame edits, options and approval. The rules director uses the same
// names, so the event log reads the same whichever director ran.
const (
	toolHero     = "generate_hero"
	toolSheet    = "generate_contact_sheet"
	toolFrames   = "extract_frames"
	toolResize   = "resize_frames"
	toolClip     = "generate_video_clip"
	toolAllClips = "generate_all_clips"
	toolStitch   = "stitch_final"
	toolFrame    = "regenerate_frame"
	toolOptions  = "set_options"
	toolApprove  = "approve"
)

// Length limits on free text a tool accepts; far above what a good prompt
// needs, low enough that a runaway generation is refused.
const (
	maxPrompt = 4000
	maxNote   = 1000
)

// tool is one function the model may call.
type tool struct {
	name, description string
	input             *schema
	// run decodes the validated input, asks the engine, and returns the
	// tool_result text for success.
	run func(ctx context.Context, act pipeline.Actions, input json.RawMessage) (string, error)
}

// catalog lists the tools. poses, backgrounds and easings become enums when
// known; empty lists leave those fields free text that the engine checks.
func catalog(poses, backgrounds, easings []string) []tool {
	return []tool{
		heroTool(poses, backgrounds), sheetTool(), framesTool(), resizeTool(), frameTool(),
		clipTool(), allClipsTool(), stitchTool(easings), optionsTool(poses, backgrounds, easings), approveTool(),
	}
}

// started is the summary of a tool that started a job.
func started(what string) string { return "started: " + what }

func heroTool(poses, backgrounds []string) tool {
	return tool{
		name: toolHero,
		description: "Start making the hero image: one finished editorial photograph of the look, from the reference photos. " +
			"Leave prompt empty to use the studio's hero template (recommended): it combines the pose and background presets, " +
			"the brief and the house film look. Put the user's wishes in extra.",
		input: object(nil, map[string]*schema{
			"prompt":      str("A complete image prompt replacing the template. Rarely needed.", maxPrompt),
			"pose":        choice("Pose preset id.", poses),
			"background":  choice("Background preset id.", backgrounds),
			"aspectRatio": oneOf("Image aspect ratio; default the shoot's.", shoot.ImageAspectRatios),
			"resolution":  oneOf("Image resolution; default the shoot's.", shoot.Resolutions),
			"extra":       str("Changes or details to add to the prompt, in plain words.", maxNote),
		}),
		run: func(ctx context.Context, act pipeline.Actions, in json.RawMessage) (string, error) {
			var p pipeline.HeroParams
			if err := decode(in, &p); err != nil {
				return "", err
			}
			return started("hero image"), act.GenerateHero(ctx, p)
		},
	}
}

func sheetTool() tool {
	return tool{
		name: toolSheet,
		description: "Start making the contact sheet from the approved hero: a 2×3 grid of the same look from six camera angles. " +
			"Leave prompt empty to use the studio's six-shot template; put changes in extra.",
		input: object(nil, map[string]*schema{
			"prompt":      str("A complete prompt replacing the template. Rarely needed.", maxPrompt),
			"aspectRatio": oneOf("Sheet aspect ratio; default the shoot's.", shoot.ImageAspectRatios),
			"resolution":  oneOf("Sheet resolution; default the shoot's.", shoot.Resolutions),
			"extra":       str("Changes to add to the prompt, in plain words.", maxNote),
		}),
		run: func(ctx context.Context, act pipeline.Actions, in json.RawMessage) (string, error) {
			var p pipeline.SheetParams
			if err := decode(in, &p); err != nil {
				return "", err
			}
			return started("contact sheet"), act.GenerateContactSheet(ctx, p)
		},
	}
}

func framesTool() tool {
	return tool{
		name:        toolFrames,
		description: "Start cutting the contact sheet into its six frames. The defaults (2 rows, 3 columns) fit the studio's sheet.",
		input: object(nil, map[string]*schema{
			"rows": integer("Grid rows; default 2.", 1, 4),
			"cols": integer("Grid columns; default 3.", 1, 4),
			"grid": oneOf(`"auto" detects the layout from the gutters.`, []string{"auto"}),
		}),
		run: func(ctx context.Context, act pipeline.Actions, in json.RawMessage) (string, error) {
			var p pipeline.FramesParams
			if err := decode(in, &p); err != nil {
				return "", err
			}
			return started("cutting the sheet into frames"), act.ExtractFrames(ctx, p)
		},
	}
}

func resizeTool() tool {
	return tool{
		name:        toolResize,
		description: "Start re-cropping all six frames to another aspect ratio, e.g. 9:16 for vertical video.",
		input: object([]string{"aspectRatio"}, map[string]*schema{
			"aspectRatio": oneOf("Target aspect ratio.", shoot.FrameAspectRatios),
		}),
		run: func(ctx context.Context, act pipeline.Actions, in json.RawMessage) (string, error) {
			var p struct {
				AspectRatio string `json:"aspectRatio"`
			}
			if err := decode(in, &p); err != nil {
				return "", err
			}
			return started("re-cropping the frames to " + p.AspectRatio), act.ResizeFrames(ctx, p.AspectRatio)
		},
	}
}

func frameTool() tool {
	return tool{
		name:        toolFrame,
		description: "Start reworking one frame (1–6) with an edit instruction. Call once per frame to change several.",
		input: object([]string{"frame"}, map[string]*schema{
			"frame":       integer("Frame number.", 1, 6),
			"instruction": str("What to change, in plain words; empty asks for a fresh take of the same moment.", maxNote),
		}),
		run: func(ctx context.Context, act pipeline.Actions, in json.RawMessage) (string, error) {
			var p struct {
				Frame       int    `json:"frame"`
				Instruction string `json:"instruction"`
			}
			if err := decode(in, &p); err != nil {
				return "", err
			}
			return started(fmt.Sprintf("reworking frame %d", p.Frame)), act.RegenerateFrame(ctx, p.Frame, p.Instruction)
		},
	}
}

func clipTool() tool {
	return tool{
		name: toolClip,
		description: "Start (re)making one video clip. Clip n moves from frame n to frame n+1; clip 6 runs from frame 6 back to frame 1 " +
			"and makes the film loop. Leave prompt empty for the studio's camera move for that pair.",
		input: object([]string{"clip"}, map[string]*schema{
			"clip":   integer("Clip number.", 1, 6),
			"prompt": str("Camera-move prompt for this clip only.", maxPrompt),
		}),
		run: func(ctx context.Context, act pipeline.Actions, in json.RawMessage) (string, error) {
			var p struct {
				Clip   int    `json:"clip"`
				Prompt string `json:"prompt"`
			}
			if err := decode(in, &p); err != nil {
				return "", err
			}
			return started(fmt.Sprintf("clip %d", p.Clip)), act.GenerateClip(ctx, p.Clip, p.Prompt)
		},
	}
}

func allClipsTool() tool {
	prompts := map[string]*schema{}
	for n := 1; n <= 6; n++ {
		prompts[strconv.Itoa(n)] = str(fmt.Sprintf("Camera move for clip %d (%s).", n, prompt.ClipMove(n)), maxPrompt)
	}
	return tool{
		name: toolAllClips,
		description: "Start making every clip of the film at once, in parallel: five moves between consecutive frames, " +
			"six when the film loops. Each clip has its own default camera move; override only the ones the user wants different.",
		input: object(nil, map[string]*schema{
			"prompts":        {Type: "object", Description: "Per-clip camera-move prompts keyed by clip number.", Properties: prompts},
			"duration":       {Type: "integer", Description: "Length of each generated clip in seconds.", Enum: []any{5, 10}},
			"includeLoop":    boolean("Add clip 6 (frame 6 back to frame 1) so the film loops; default the shoot's setting."),
			"negativePrompt": str("What the video model should avoid.", maxNote),
		}),
		run: func(ctx context.Context, act pipeline.Actions, in json.RawMessage) (string, error) {
			var p pipeline.ClipsParams
			if err := decode(in, &p); err != nil {
				return "", err
			}
			return started("all clips"), act.GenerateAllClips(ctx, p)
		},
	}
}

func stitchTool(easings []string) tool {
	return tool{
		name:        toolStitch,
		description: "Start stitching the clips into the final film: each clip is time-remapped with an easing curve and joined with hard cuts.",
		input: object(nil, map[string]*schema{
			"clipDuration": number("Seconds each clip lasts in the film; default 1.5.", 0.5, 5),
			"easingCurve":  choice("Speed curve applied to every clip; default the shoot's.", easings),
			"includeLoop":  boolean("Include clip 6 so the film loops."),
			"outputFps":    integer("Frame rate of the film; default 60.", 12, 120),
		}),
		run: func(ctx context.Context, act pipeline.Actions, in json.RawMessage) (string, error) {
			var p pipeline.StitchParams
			if err := decode(in, &p); err != nil {
				return "", err
			}
			return started("stitching the film"), act.StitchFinal(ctx, p)
		},
	}
}

func optionsTool(poses, backgrounds, easings []string) tool {
	s := object(nil, map[string]*schema{
		"aspectRatio":  oneOf("Hero and sheet aspect ratio.", shoot.ImageAspectRatios),
		"frameAspect":  oneOf("Aspect ratio the frames are re-cropped to.", shoot.FrameAspectRatios),
		"resolution":   oneOf("Image resolution.", shoot.Resolutions),
		"loop":         boolean("Whether the film loops (adds clip 6)."),
		"easing":       choice("Speed curve for the stitch.", easings),
		"clipDuration": number("Seconds per clip in the film.", 0.5, 5),
		"videoSeconds": {Type: "integer", Description: "Length of each generated clip.", Enum: []any{5, 10}},
		"pose":         choice("Pose preset id.", poses),
		"background":   choice("Background preset id.", backgrounds),
		"fps":          integer("Film frame rate.", 12, 120),
	})
	s.MinProperties = 1
	return tool{
		name:        toolOptions,
		description: "Save shoot settings the user asked for without running anything; later stages use them.",
		input:       s,
		run: func(ctx context.Context, act pipeline.Actions, in json.RawMessage) (string, error) {
			return "saved: the settings apply from the next stage that uses them", act.SetOptions(ctx, in)
		},
	}
}

func approveTool() tool {
	return tool{
		name: toolApprove,
		description: "Accept the result waiting at the checkpoint and start the next stage with its defaults. " +
			"Use it only when the user has said to go on (\"continue\", \"looks good\", …).",
		input: object(nil, nil),
		run: func(ctx context.Context, act pipeline.Actions, _ json.RawMessage) (string, error) {
			return started("the next stage (approved)"), act.Approve(ctx)
		},
	}
}

// choice is an enum of ids when the list is known, else free text.
func choice(desc string, ids []string) *schema {
	if len(ids) == 0 {
		return str(desc, 100)
	}
	return oneOf(desc, ids)
}

// decode reads validated input into the engine's parameter struct.
func decode(in json.RawMessage, v any) error {
	if len(in) == 0 {
		return nil
	}
	if err := json.Unmarshal(in, v); err != nil {
		return shoot.Errorf(shoot.EINVALID, "the input does not fit the tool: %v", err)
	}
	return nil
}
