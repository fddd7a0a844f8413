package rules

import (
	"context"
	"fmt"
	"strings"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// result says in one sentence what a stage made and what the user can say
// next; the engine emits the checkpoint itself.
func (d *Director) result(ctx context.Context, in pipeline.TurnInput, out pipeline.Emitter) error {
	if in.Result == nil {
		return shoot.Errorf(shoot.EINVALID, "result turn without a stage result")
	}
	say(ctx, out, resultLine(*in.Result))
	return nil
}

func resultLine(r pipeline.StageResult) string {
	if !r.Success {
		why := strings.TrimSuffix(strings.Join(strings.Fields(firstNonEmpty(r.Error, "something went wrong")), " "), ".")
		return fmt.Sprintf("The %s step failed (%s). Say \"try again\", or tell me what to change.", stageLabel(r.Stage), why)
	}
	n := len(r.Artifacts)
	switch r.Stage {
	case shoot.StageHero:
		return "The hero is ready. Say \"continue\" for the contact sheet, or tell me what to change."
	case shoot.StageContactSheet:
		return "The contact sheet is ready. Say \"continue\" to cut it into six frames, or tell me what to change."
	case shoot.StageFrames:
		what := "The six frames are ready."
		if n != 6 {
			what = fmt.Sprintf("The %d frames are ready.", n)
		}
		if n == 1 {
			what = "The new frame is ready."
		}
		return what + " Say \"continue\" to animate them, \"regenerate frame 3\" to rework one, or \"use 9:16\" to re-crop."
	case shoot.StageClips:
		what := fmt.Sprintf("All %d clips are ready.", n)
		if n == 1 {
			what = "The new clip is ready."
		}
		return what + " Say \"continue\" to stitch the film, \"redo clip 2\", \"loop it\" or \"use cinematic easing\"."
	case shoot.StageFinal, shoot.StageComplete:
		film := "The film is ready"
		if n > 0 {
			film += ": " + r.Artifacts[n-1]
		}
		return film + ". Ask for another easing or a loop and I'll re-cut it."
	}
	return fmt.Sprintf("The %s step is done.", stageLabel(r.Stage))
}

func stageLabel(stage string) string {
	switch stage {
	case shoot.StageContactSheet:
		return "contact sheet"
	case "":
		return "last"
	}
	return stage
}
