package qa

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/packages/param"

	"github.com/fashionshoot/shoot/internal/prompt"
)

// Image is an encoded picture for the vision check.
type Image struct {
	MediaType string // image/png, image/jpeg, image/webp or image/gif
	Data      []byte
}

// Vision is the checker of the Claude director: one Messages API call with
// the references and the new picture as image blocks, answered through the
// forced qa_verdict tool.
type Vision struct {
	Client    anthropic.Client
	Model     string
	MaxTokens int64
	// Price turns a response's usage into US dollars (the director's price
	// table); nil prices nothing.
	Price func(anthropic.Usage) float64
}

// Usage is what one vision call cost, for the session's cost ledger.
type Usage struct {
	MessageID string
	Tokens    anthropic.Usage
	CostUSD   float64
}

// VerdictTool is the name of the tool the model must answer with.
const VerdictTool = "qa_verdict"

// verdictSchema is the qa_verdict tool's input schema.
const verdictSchema = `{"type":"object","properties":{"items":{"type":"array","items":{"type":"object",
"properties":{"item":{"type":"string","description":"what was checked: garment, garment colour, print, logo, bag, face, subject, gutter, duplicate framing"},
"status":{"type":"string","enum":["kept","changed","missing","pass","fail","not_checked"]},
"frame":{"type":"integer","minimum":0,"description":"frame number from 1, 0 for the whole picture"},
"reason":{"type":"string","description":"at most twelve words"}},"required":["item","status"]}}},"required":["items"]}`

func verdictTool() anthropic.ToolUnionParam {
	raw := fmt.Sprintf(`{"name":%q,"description":"Report the check of the new picture against the references.","input_schema":%s}`,
		VerdictTool, verdictSchema)
	return param.Override[anthropic.ToolUnionParam](json.RawMessage(raw))
}

// Check asks the model to compare img with refs. frames says img is a
// contact sheet or a set of frames, whose per-frame checks are asked too.
// A transport error is returned as is; a reply that is not a well-formed
// verdict gives a verdict whose only line is not_checked, never an error.
func (v Vision) Check(ctx context.Context, refs []Image, img Image, frames bool) (Verdict, Usage, error) {
	ask := "The new picture:"
	if frames {
		ask = "The new contact sheet (judge each frame too):"
	}
	return v.ask(ctx, refs, []labelled{{ask, img}})
}

// CheckFrames asks the model to judge a set of frames, numbered from 1, cut
// from one contact sheet: each against the references, and the set for
// repeated framings.
func (v Vision) CheckFrames(ctx context.Context, refs []Image, frames []Image) (Verdict, Usage, error) {
	pics := make([]labelled, len(frames))
	for i, f := range frames {
		pics[i] = labelled{fmt.Sprintf("Frame %d of %d (judge it, and the set for repeated framings):", i+1, len(frames)), f}
	}
	return v.ask(ctx, refs, pics)
}

type labelled struct {
	label string
	img   Image
}

func (v Vision) ask(ctx context.Context, refs []Image, pics []labelled) (Verdict, Usage, error) {
	var blocks []anthropic.ContentBlockParamUnion
	for i, r := range refs {
		blocks = append(blocks, anthropic.NewTextBlock(fmt.Sprintf("Reference %d:", i+1)),
			anthropic.NewImageBlockBase64(r.MediaType, base64.StdEncoding.EncodeToString(r.Data)))
	}
	for _, p := range pics {
		blocks = append(blocks, anthropic.NewTextBlock(p.label),
			anthropic.NewImageBlockBase64(p.img.MediaType, base64.StdEncoding.EncodeToString(p.img.Data)))
	}
	msg, err := v.Client.Messages.New(ctx, anthropic.MessageNewParams{
		Model: anthropic.Model(v.Model), MaxTokens: max(v.MaxTokens, 1024),
		System:     []anthropic.TextBlockParam{{Text: prompt.QAInstructions()}},
		Messages:   []anthropic.MessageParam{anthropic.NewUserMessage(blocks...)},
		Tools:      []anthropic.ToolUnionParam{verdictTool()},
		ToolChoice: anthropic.ToolChoiceParamOfTool(VerdictTool),
	})
	if err != nil {
		return Verdict{}, Usage{}, err
	}
	u := Usage{MessageID: msg.ID, Tokens: msg.Usage}
	if v.Price != nil {
		u.CostUSD = v.Price(msg.Usage)
	}
	verdict := parseVerdict(msg)
	verdict.CostUSD = u.CostUSD
	return verdict, u, nil
}

// ImageTokens is about how many input tokens one picture of at most
// 1568 px on its long side costs a vision call (width × height / 750,
// which the Messages API caps near this), for estimates.
const ImageTokens = 1600

// parseVerdict reads the qa_verdict tool call of a reply.
func parseVerdict(m *anthropic.Message) Verdict {
	for _, b := range m.Content {
		if b.Type != "tool_use" || b.Name != VerdictTool {
			continue
		}
		var in struct {
			Items []Item `json:"items"`
		}
		if err := json.Unmarshal(b.Input, &in); err != nil || len(in.Items) == 0 {
			return unreadable("the verdict was not valid JSON with items")
		}
		for _, it := range in.Items {
			if it.Item == "" || !it.Status.Valid() || it.Frame < 0 {
				return unreadable(fmt.Sprintf("the verdict had a malformed line %q/%q", it.Item, it.Status))
			}
		}
		return Verdict{Checker: "claude", Items: in.Items}.Finish()
	}
	return unreadable("the reply had no qa_verdict call")
}

func unreadable(why string) Verdict {
	return Verdict{Checker: "claude", Items: []Item{{Item: "picture", Status: NotChecked, Reason: why}}}.Finish()
}
