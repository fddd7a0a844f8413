package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
	"github.com/fashionshoot/shoot/internal/qa"
)

// bagLost is a model whose picture check finds the bag missing from every
// picture, and who starts the hero and otherwise only talks.
func bagLost(r claudetest.Request) claudetest.Response {
	if isCheck(r) {
		return claudetest.Reply(claudetest.ToolUse(qa.VerdictTool, map[string]any{"items": []map[string]any{
			{"item": "garment colour", "status": "kept", "reason": "same red"},
			{"item": "bag", "status": "missing", "reason": "empty hands"}}}))
	}
	if len(r.Last().Blocks("tool_result")) > 0 {
		return claudetest.Reply(claudetest.Text(modelStarted))
	}
	if strings.Contains(r.Last().Text(), "[New shoot]") {
		return claudetest.Reply(claudetest.Text(modelOpening), claudetest.ToolUse("generate_hero", map[string]any{}))
	}
	return claudetest.Reply(claudetest.Text("Noted; I will keep that in mind."))
}

// TestWebQAFixThis: at the hero checkpoint the studio shows the picture
// check's verdict in one line, axe-core finds nothing serious on it, and
// "Fix this" sends a change request built from the verdict: the model is
// asked about the bag, and the assets answer carries the same verdict.
func TestWebQAFixThis(t *testing.T) {
	t.Parallel()
	chrome := webChromium(t)
	axe := axeSource(t)
	api := claudetest.Start(t)
	api.Handle(bagLost)
	studio := startStudio(t, claudeEnv(api))
	b := newSizedBrowser(t, chrome, studio.Base, webSizes[0])

	b.open("/")
	sid := b.startShoot(webRefFiles(t), "A red coat with a small black bag.",
		map[string]string{"resolution": "1K", "fps": "24"}, "0.5")
	b.waitCheckpoint(studio, sid, "hero")
	b.wait("the check's verdict", `document.querySelector('.decision[data-mode="awaiting"] .qa-verdict')?.textContent.includes("bag missing") === true`)
	b.axe(axe, "hero checkpoint with a verdict")
	b.viewShot("qa-verdict")

	hero := webGetJSON(t, studio.Base+"/api/sessions/"+sid+"/assets")["assets"].(map[string]any)["hero"].([]any)[0].(map[string]any)
	if v, _ := hero["qa"].(map[string]any); v == nil || v["summary"] != "bag missing" || v["by"] != "vision" {
		t.Fatalf("the assets answer gives the hero qa %v", hero["qa"])
	}

	before := len(api.Requests())
	b.do(chromedp.Click(chromedp.CSS(`.qa-verdict [data-action="fix"]`)))
	var sent string
	for deadline := time.Now().Add(time.Minute); sent == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, r := range api.Requests()[before:] {
			// The user's own words follow "User:"; the checkpoint's note
			// above them repeats the verdict whatever was sent.
			if text := r.Last().Text(); strings.Contains(text, "[User reply") {
				if _, words, ok := strings.Cut(text, "\nUser: "); ok {
					sent = words
				}
			}
		}
	}
	if !strings.Contains(sent, "bag") || !strings.Contains(sent, "missing") {
		t.Fatalf("Fix this sent %q, want a change naming the missing bag", sent)
	}
	b.waitCheckpoint(studio, sid, "hero")
	b.checkConsole()
}
