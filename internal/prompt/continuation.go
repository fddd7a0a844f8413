package prompt

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Outcome is what a finished stage hands back to the director, mirroring
// pipeline.StageResult (this package cannot import pipeline, which uses it)
// plus the user's words.
type Outcome struct {
	// Action is the tool that ran, e.g. "generate_hero"; "" derives it from Stage.
	Action     string
	Stage      string
	Success    bool
	Artifacts  []string
	Message    string
	Error      string
	DurationMS int64
	// ParamChanges are options the user changed since the last turn: key → {from, to}.
	ParamChanges map[string][2]string
	// UserMessage is what the user typed with their go-ahead, if anything
	// beyond a plain "continue".
	UserMessage string
}

// ActionForStage returns the tool name that produces stage.
func ActionForStage(stage string) string {
	switch stage {
	case shoot.StageHero:
		return "generate_hero"
	case shoot.StageContactSheet:
		return "generate_contact_sheet"
	case shoot.StageFrames:
		return "extract_frames"
	case shoot.StageClips:
		return "generate_all_clips"
	case shoot.StageFinal:
		return "stitch_final"
	}
	return stage
}

// Continuation renders an outcome as the next user message for a model
// director: what ran, whether it worked, what it made, how long it took,
// which settings the user changed by hand, and what the user said: one
// block per stage, always in the same layout, so the model reads them alike.
func Continuation(o Outcome) string {
	var b strings.Builder
	action := o.Action
	if action == "" {
		action = ActionForStage(o.Stage)
	}
	fmt.Fprintf(&b, "[Step finished: %s]\n", action)
	fmt.Fprintf(&b, "Outcome: %s\n", map[bool]string{true: "SUCCESS", false: "FAILED"}[o.Success])
	writeArtifacts(&b, o.Artifacts)
	if o.Message != "" {
		fmt.Fprintf(&b, "Note: %s\n", oneLine(o.Message))
	}
	if o.DurationMS > 0 {
		fmt.Fprintf(&b, "Took: %.1fs\n", float64(o.DurationMS)/1000)
	}
	if o.Error != "" {
		fmt.Fprintf(&b, "Error: %s\n", oneLine(o.Error))
	}
	writeParamChanges(&b, o.ParamChanges)
	b.WriteString("\nThe user has not answered yet: this is not a go-ahead. Say briefly how the step went and what they can ask for next, then end your turn. The next stage starts only when they reply, so call no tool that makes or changes anything now.")
	if msg := strings.TrimSpace(o.UserMessage); msg != "" && !strings.EqualFold(msg, "continue") {
		fmt.Fprintf(&b, "\n\nUser message: %s", msg)
	}
	return b.String()
}

func writeArtifacts(b *strings.Builder, keys []string) {
	switch len(keys) {
	case 0:
	case 1:
		fmt.Fprintf(b, "Artifact: %s\n", keys[0])
	default:
		fmt.Fprintf(b, "Artifacts: %s\n", strings.Join(keys, ", "))
	}
}

// writeParamChanges lists changes sorted by key so the message is stable.
func writeParamChanges(b *strings.Builder, changes map[string][2]string) {
	if len(changes) == 0 {
		return
	}
	keys := make([]string, 0, len(changes))
	for k := range changes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.WriteString("\nSettings the user changed:\n")
	for _, k := range keys {
		c := changes[k]
		fmt.Fprintf(b, "- %s: %s → %s\n", k, strconv.Quote(c[0]), strconv.Quote(c[1]))
	}
}

// oneLine keeps a message from breaking the block's line structure.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
