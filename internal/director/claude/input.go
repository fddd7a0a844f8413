package claude

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Limits on the images shown to the model. The API refuses an image whose
// base64 data is over 5 MB; the engine sends downscaled JPEGs far below
// that, and this check makes sure no larger one ever leaves the process.
const (
	maxImageBase64 = 5 << 20
	maxImages      = 20
)

var imageTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

// opening is the user message that opens a turn, as API content blocks.
// withImages says whether the references go along (they are sent once per
// conversation; the stored history carries them after that).
func (d *Director) opening(in pipeline.TurnInput, withImages bool) ([]json.RawMessage, error) {
	var text string
	switch in.Kind {
	case pipeline.TurnStart:
		text = startText(in)
	case pipeline.TurnReply:
		text = replyText(in)
	case pipeline.TurnResult:
		if in.Result == nil {
			return nil, shoot.Errorf(shoot.EINVALID, "result turn without a stage result")
		}
		text = resultText(*in.Result)
	default:
		return nil, shoot.Errorf(shoot.EINVALID, "unknown turn kind %q", in.Kind)
	}
	var blocks []anthropic.ContentBlockParamUnion
	if withImages && in.Kind != pipeline.TurnResult {
		blocks = d.images(in.Session.ID, in.References)
	}
	blocks = append(blocks, anthropic.NewTextBlock(text))
	return marshalBlocks(blocks)
}

func startText(in pipeline.TurnInput) string {
	var b strings.Builder
	b.WriteString("[New shoot]\n")
	fmt.Fprintf(&b, "Brief: %s\n", orNone(firstNonEmpty(strings.TrimSpace(in.Text), in.Session.Brief)))
	fmt.Fprintf(&b, "Settings: %s\n", settings(in.Session.Options))
	fmt.Fprintf(&b, "References: %s\n", referenceNote(len(in.References)))
	b.WriteString("\nSay in a few sentences how you see the look, then start the hero.")
	return b.String()
}

func replyText(in pipeline.TurnInput) string {
	var b strings.Builder
	stage := in.Session.PipelineStage
	if cp := in.Checkpoint; cp != nil && cp.Status == shoot.CheckpointPending {
		fmt.Fprintf(&b, "[User reply at the %s checkpoint]\n", stageName(cp.Stage))
		writeList(&b, "Waiting for approval", cp.ArtifactKeys)
		if cp.Message != "" {
			fmt.Fprintf(&b, "Checkpoint note: %s\n", oneLine(cp.Message))
		}
	} else {
		fmt.Fprintf(&b, "[User message; nothing is waiting for approval; the shoot is at: %s]\n", stageName(stage))
	}
	fmt.Fprintf(&b, "Settings: %s\n", settings(in.Session.Options))
	fmt.Fprintf(&b, "\nUser: %s", orNone(strings.TrimSpace(in.Text)))
	return b.String()
}

// resultText renders a finished stage with the shared continuation format.
func resultText(r pipeline.StageResult) string {
	return prompt.Continuation(prompt.Outcome{
		Stage: r.Stage, Success: r.Success, Artifacts: r.Artifacts, Message: r.Message,
		Error: r.Error, DurationMS: r.DurationMS, ParamChanges: r.ParamChanges,
	})
}

// settings describes the shoot options in one line, defaults filled in.
func settings(o shoot.Options) string {
	d := o.WithDefaults()
	loop := "off"
	if d.Loop {
		loop = "on (6 clips)"
	}
	parts := []string{
		"aspect ratio " + d.AspectRatio, "resolution " + d.Resolution, "loop " + loop,
		"easing " + d.Easing, fmt.Sprintf("%.1f s per clip in the film", d.ClipDuration),
		fmt.Sprintf("%d s generated clips", d.VideoSeconds), fmt.Sprintf("%d fps", d.FPS),
		"pose " + firstNonEmpty(o.Pose, "(you choose)"), "background " + firstNonEmpty(o.Background, "(you choose)"),
	}
	if o.FrameAspect != "" {
		parts = append(parts, "frames re-cropped to "+o.FrameAspect)
	}
	return strings.Join(parts, "; ")
}

func referenceNote(n int) string {
	switch n {
	case 0:
		return "none attached"
	case 1:
		return "1 photo attached above (a downscaled copy)"
	}
	return fmt.Sprintf("%d photos attached above (downscaled copies)", n)
}

// images turns references into image blocks, skipping any the API would
// refuse: an unsupported type, or data over the 5 MB limit.
func (d *Director) images(sid string, refs []shoot.Reference) []anthropic.ContentBlockParamUnion {
	var out []anthropic.ContentBlockParamUnion
	for _, r := range refs {
		if len(out) == maxImages {
			d.logger.Warn("too many references for the model; the rest are not shown", "session_id", sid, "shown", maxImages)
			break
		}
		if !slices.Contains(imageTypes, r.ContentType) {
			d.logger.Warn("reference not shown to the model: unsupported type", "session_id", sid, "content_type", r.ContentType)
			continue
		}
		data := base64.StdEncoding.EncodeToString(r.Data)
		if len(data) > maxImageBase64 {
			d.logger.Warn("reference not shown to the model: over 5 MB", "session_id", sid, "bytes", len(data))
			continue
		}
		out = append(out, anthropic.NewImageBlockBase64(r.ContentType, data))
	}
	return out
}

func writeList(b *strings.Builder, label string, items []string) {
	if len(items) > 0 {
		fmt.Fprintf(b, "%s: %s\n", label, strings.Join(items, ", "))
	}
}

func marshalBlocks(blocks []anthropic.ContentBlockParamUnion) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, len(blocks))
	for i, b := range blocks {
		raw, err := json.Marshal(b)
		if err != nil {
			return nil, shoot.Wrap(err, shoot.EINTERNAL, "encoding a message for the model")
		}
		out[i] = raw
	}
	return out, nil
}

func stageName(stage string) string {
	switch stage {
	case shoot.StageContactSheet:
		return "contact sheet"
	case "", shoot.StageInit:
		return "start (nothing made yet)"
	case shoot.StageComplete:
		return "finished film"
	}
	return stage
}

func orNone(s string) string { return firstNonEmpty(s, "(none)") }

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
