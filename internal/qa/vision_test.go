package qa

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
)

func pngOf(t *testing.T, w, h int) Image {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return Image{MediaType: "image/png", Data: buf.Bytes()}
}

// TestVisionAgainstFake sends references and a picture to the fake Messages
// API and reads back well-formed and malformed verdicts.
func TestVisionAgainstFake(t *testing.T) {
	t.Parallel()
	good := map[string]any{"items": []map[string]any{
		{"item": "garment colour", "status": "kept", "reason": "same red"},
		{"item": "bag", "status": "missing", "frame": 4, "reason": "hand is empty"},
		{"item": "bag", "status": "missing", "frame": 6},
	}}
	cases := []struct {
		name    string
		reply   claudetest.Response
		summary string
		checked bool
	}{
		{"verdict", claudetest.Reply(claudetest.ToolUse(VerdictTool, good)), "bag missing in frames 4, 6", true},
		{"unknown status", claudetest.Reply(claudetest.ToolUse(VerdictTool, `{"items":[{"item":"bag","status":"lost"}]}`)), "", false},
		{"items not a list", claudetest.Reply(claudetest.ToolUse(VerdictTool, `{"items":"all fine"}`)), "", false},
		{"negative frame", claudetest.Reply(claudetest.ToolUse(VerdictTool, `{"items":[{"item":"bag","status":"kept","frame":-2}]}`)), "", false},
		{"no tool call", claudetest.Reply(claudetest.Text("Looks great!")), "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := claudetest.Start(t)
			c.reply.Usage = claudetest.Usage{InputTokens: 4000, OutputTokens: 200}
			fake.Script(c.reply)
			v := Vision{Client: anthropic.NewClient(option.WithBaseURL(fake.URL), option.WithAPIKey(fake.Key), option.WithMaxRetries(0)),
				Model: "claude-sonnet-5", Price: func(u anthropic.Usage) float64 {
					return (float64(u.InputTokens)*3 + float64(u.OutputTokens)*15) / 1e6
				}}
			refs := []Image{pngOf(t, 8, 8), pngOf(t, 9, 9)}
			verdict, usage, err := v.Check(context.Background(), refs, pngOf(t, 12, 8), true)
			if err != nil {
				t.Fatal(err)
			}
			reqs := fake.Requests()
			if len(reqs) != 1 || reqs[0].Rejection != "" {
				t.Fatalf("requests %+v", reqs)
			}
			r := reqs[0]
			if n := len(r.Images()); n != 3 {
				t.Errorf("sent %d image blocks, want 3 (two references and the picture)", n)
			}
			if r.ToolChoice != "tool" || len(r.Tools) != 1 || r.Tools[0] != VerdictTool {
				t.Errorf("tool choice %q tools %v, want the forced %s", r.ToolChoice, r.Tools, VerdictTool)
			}
			if want := (4000*3 + 200*15) / 1e6; math.Abs(usage.CostUSD-want) > 1e-12 || verdict.CostUSD != usage.CostUSD || usage.MessageID == "" {
				t.Errorf("usage %+v verdict cost %v, want $%v with a message id", usage, verdict.CostUSD, want)
			}
			if verdict.Checker != "claude" || verdict.Summary != c.summary {
				t.Errorf("verdict %+v, want summary %q", verdict, c.summary)
			}
			if !c.checked && (len(verdict.Items) != 1 || verdict.Items[0].Status != NotChecked || !verdict.OK) {
				t.Errorf("malformed reply gave %+v, want one not_checked line", verdict.Items)
			}
		})
	}
}

func TestVisionTransportError(t *testing.T) {
	t.Parallel()
	fake := claudetest.Start(t)
	fake.Script(claudetest.Overloaded())
	v := Vision{Client: anthropic.NewClient(option.WithBaseURL(fake.URL), option.WithAPIKey(fake.Key), option.WithMaxRetries(0)), Model: "claude-sonnet-5"}
	if _, _, err := v.Check(context.Background(), nil, pngOf(t, 4, 4), false); err == nil {
		t.Fatal("an overloaded API gave no error")
	}
}

// TestVisionFrames sends the six frames of a set, each labelled with its
// number, after the references.
func TestVisionFrames(t *testing.T) {
	t.Parallel()
	fake := claudetest.Start(t)
	fake.Script(claudetest.Reply(claudetest.ToolUse(VerdictTool, map[string]any{"items": []map[string]any{
		{"item": "subject", "status": "fail", "frame": 2, "reason": "empty backdrop"}}})))
	v := Vision{Client: anthropic.NewClient(option.WithBaseURL(fake.URL), option.WithAPIKey(fake.Key), option.WithMaxRetries(0)), Model: "claude-sonnet-5"}
	frames := make([]Image, 6)
	for i := range frames {
		frames[i] = pngOf(t, 6+i, 4)
	}
	verdict, _, err := v.CheckFrames(context.Background(), []Image{pngOf(t, 8, 8)}, frames)
	if err != nil {
		t.Fatal(err)
	}
	r := fake.Requests()[0]
	if n := len(r.Images()); n != 7 {
		t.Errorf("sent %d image blocks, want the reference and six frames", n)
	}
	for n := 1; n <= 6; n++ {
		if !strings.Contains(r.Last().Text(), fmt.Sprintf("Frame %d of 6", n)) {
			t.Errorf("frame %d is not labelled", n)
		}
	}
	if verdict.Summary != "subject missing in frame 2" || verdict.OK {
		t.Errorf("verdict %+v", verdict)
	}
}
