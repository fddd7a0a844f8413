package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWebDeliverFormats checks, at both window sizes, the new-shoot page's
// "Formats" choice: four checkboxes, 9:16, 4:5, 1:1 and 16:9, none ticked
// at first; ticking 9:16 and 1:1 (by their labels, as a user would) starts
// a shoot whose session has options.deliver ["9:16","1:1"]; the choice is
// remembered for the next shoot, and a shoot with none ticked asks for no
// format. axe-core audits the form with formats ticked.
func TestWebDeliverFormats(t *testing.T) {
	t.Parallel()
	chrome := webChromium(t)
	axe := axeSource(t)
	for _, sz := range webSizes {
		t.Run(sz.name, func(t *testing.T) {
			t.Parallel()
			studio := startStudio(t, map[string]string{"SHOOT_STUDIO_IMAGE_LATENCY": "20s"})
			b := newSizedBrowser(t, chrome, studio.Base, sz)
			b.open("/")
			b.wait("the new-shoot form", `document.querySelectorAll("#pose option").length > 1`)
			b.eval(`localStorage.clear()`)
			b.do(chromedp.Reload())
			b.wait("the new-shoot form", `document.querySelectorAll("#pose option").length > 1`)

			boxes := webEval[[]string](b, `[...document.querySelectorAll('fieldset[data-name="deliver"] input[type="checkbox"]')].map((c) => c.value + (c.checked ? "+" : ""))`)
			if !slices.Equal(boxes, []string{"9:16", "4:5", "1:1", "16:9"}) {
				t.Fatalf("format checkboxes %v, want 9:16, 4:5, 1:1, 16:9, none ticked", boxes)
			}
			if legend := webEval[string](b, `document.querySelector('fieldset[data-name="deliver"] legend').textContent`); legend != "Formats" {
				t.Errorf("the formats group is labelled %q", legend)
			}
			for _, v := range []string{"9:16", "1:1"} {
				sel := fmt.Sprintf(`fieldset[data-name="deliver"] input[value=%q]`, v)
				b.eval(fmt.Sprintf(`document.querySelector(%q).closest("label").scrollIntoView({ block: "center" })`, sel))
				b.do(chromedp.Click(fmt.Sprintf(`//fieldset[@data-name="deliver"]//label[.//input[@value=%q]]`, v)))
				b.wait(v+" ticked", fmt.Sprintf(`document.querySelector(%q).checked`, sel))
			}
			b.axe(axe, "new shoot with formats ticked")
			b.viewShot("formats-ticked")

			sid := b.startShoot(webRefFiles(t), "Wet stone, late light, the coat in the wind.", nil, "1.5")
			opts := studio.getJSON("/api/sessions/" + sid)["session"].(map[string]any)["options"].(map[string]any)
			got, _ := opts["deliver"].([]any)
			if fmt.Sprint(got) != "[9:16 1:1]" {
				t.Errorf("the session's options.deliver is %v, want [9:16 1:1]", opts["deliver"])
			}

			// The next shoot starts from the same formats; none ticked asks
			// for none.
			b.open("/")
			b.wait("the new-shoot form again", `document.querySelectorAll("#pose option").length > 1`)
			ticked := webEval[[]string](b, `[...document.querySelectorAll('fieldset[data-name="deliver"] input:checked')].map((c) => c.value)`)
			if !slices.Equal(ticked, []string{"9:16", "1:1"}) {
				t.Errorf("after a shoot the form has %v ticked, want the last shoot's 9:16 and 1:1", ticked)
			}
			b.eval(`document.querySelectorAll('fieldset[data-name="deliver"] input:checked').forEach((c) => c.click())`)
			plain := b.startShoot(webRefFiles(t), "The same coat, no extra formats.", nil, "1.5")
			opts = studio.getJSON("/api/sessions/" + plain)["session"].(map[string]any)["options"].(map[string]any)
			if d, ok := opts["deliver"]; ok {
				t.Errorf("a shoot with no format ticked has options.deliver %v", d)
			}
			b.checkConsole()
		})
	}
}
