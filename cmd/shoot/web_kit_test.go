package main

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/fashionshoot/shoot/internal/media"
)

// webSize is a browser window the studio must work in.
type webSize struct {
	name          string
	width, height int64
	mobile        bool
}

// eachWebSize runs body in a parallel subtest per window size, each with a
// studio of its own started with env and a browser of that size on it;
// axe is the axe-core source for audits.
func eachWebSize(t *testing.T, env map[string]string, body func(t *testing.T, sz webSize, studio *liveStudio, b *webBrowser, axe string)) {
	chrome := webChromium(t)
	axe := axeSource(t)
	for _, sz := range webSizes {
		t.Run(sz.name, func(t *testing.T) {
			t.Parallel()
			studio := startStudio(t, env)
			body(t, sz, studio, newSizedBrowser(t, chrome, studio.Base, sz), axe)
		})
	}
}

// webSizes are the two windows every studio screen is checked at: a laptop
// and a phone.
var webSizes = []webSize{{"desktop", 1440, 900, false}, {"phone", 390, 844, true}}

// newSizedBrowser is a headless Chromium tab at one of webSizes.
func newSizedBrowser(t *testing.T, chrome, base string, sz webSize) *webBrowser {
	t.Helper()
	b := newWebBrowser(t, chrome, base)
	// A whole shoot at 2K shares this machine with other tests.
	b.patience = 10 * time.Minute
	if sz.mobile {
		b.do(chromedp.EmulateViewport(sz.width, sz.height, chromedp.EmulateMobile))
	} else {
		b.do(chromedp.EmulateViewport(sz.width, sz.height))
	}
	return b
}

// axeSource is axe-core's browser bundle, which scripts/setup.sh installs
// from npm into .cache/axe (or $SHOOT_AXE_JS names it). Without it the
// accessibility audit cannot run: with CI set that fails the test.
func axeSource(t *testing.T) string {
	t.Helper()
	p := os.Getenv("SHOOT_AXE_JS")
	if p == "" {
		p = filepath.Join("..", "..", ".cache", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err == nil {
		return string(b)
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("axe-core is not installed (%v); scripts/setup.sh installs it", err)
	}
	t.Skipf("axe-core is not installed (%v); run scripts/setup.sh", err)
	return ""
}

// axe runs axe-core on the page and fails on any serious or critical
// violation, naming each with the elements it found.
func (b *webBrowser) axe(src, screen string) {
	b.t.Helper()
	if webEval[bool](b, `typeof window.axe === "undefined"`) {
		b.eval(src + "\n;true")
	}
	bad := webEval[[]string](b, `(async () => {
		const r = await axe.run(document, { resultTypes: ["violations"] });
		return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
			.map((v) => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", "));
	})()`)
	if len(bad) > 0 {
		b.t.Errorf("axe on %s: %d serious or critical violations:\n%s", screen, len(bad), strings.Join(bad, "\n"))
	}
}

// viewShot saves what the window shows now, without scrolling: the first
// screen a user sees.
func (b *webBrowser) viewShot(name string) {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.fail("screenshot %s: %v", name, err)
	}
	b.n++
	if err := os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.n, name)), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// reviewLoaded waits until every picture or clip of the checkpoint under
// review has loaded.
func (b *webBrowser) reviewLoaded(stage string) {
	b.t.Helper()
	b.wait(stage+" review pictures", `(() => {
		const m = [...document.querySelectorAll('.decision[data-mode="awaiting"] .review-media')];
		return m.length > 0 && m.every((e) => e.tagName === "VIDEO" ? e.readyState >= 1 : e.complete && e.naturalWidth > 0);
	})()`)
}

// artOnFirstScreen checks, from element positions, that the window shows
// at least half of the artifact under review (or half a window of it when
// it is taller than the window), below the sticky top bar.
func (b *webBrowser) artOnFirstScreen(stage string) {
	b.t.Helper()
	r := webEval[map[string]float64](b, `(() => {
		const art = document.querySelector('.decision[data-mode="awaiting"] .review-grid').getBoundingClientRect();
		const bar = document.querySelector(".topbar").getBoundingClientRect().bottom;
		const seen = Math.max(0, Math.min(art.bottom, innerHeight) - Math.max(art.top, bar));
		const wide = Math.max(0, Math.min(art.right, innerWidth) - Math.max(art.left, 0));
		return { top: art.top, height: art.height, seen, wide, width: art.width, window: innerHeight, bar };
	})()`)
	need := min(r["height"]/2, r["window"]/2)
	if r["height"] < 100 || r["seen"] < need || r["wide"] < r["width"]-1 {
		b.t.Errorf("%s checkpoint: %.0f of the artifact's %.0f px are on the first screen (need %.0f; window %.0f, top bar ends at %.0f, art at %.0f)",
			stage, r["seen"], r["height"], need, r["window"], r["bar"], r["top"])
	}
	b.t.Logf("%s checkpoint: %.0f of %.0f px of the artifact on the first screen", stage, r["seen"], r["height"])
}

// approveByKeyboard checks focus sits on the checkpoint's heading, then
// approves with two key presses — Tab to "Approve & continue", Enter —
// and checks focus did not fall back to the page body.
func (b *webBrowser) approveByKeyboard(stage string) {
	b.t.Helper()
	b.wait(stage+" heading focused", `document.activeElement?.id === "decision-title"`)
	b.do(chromedp.KeyEvent(kb.Tab))
	if got := webEval[string](b, `document.activeElement?.dataset.action || document.activeElement?.outerHTML.slice(0, 80) || ""`); got != "approve" {
		b.fail("%s checkpoint: one Tab from the heading reaches %q, not Approve", stage, got)
	}
	b.do(chromedp.KeyEvent(kb.Enter))
	b.wait("the "+stage+" approval to go through", `document.querySelector('.decision[data-mode="awaiting"]') === null`)
	b.wait("focus kept after approving", `document.activeElement !== document.body && document.activeElement !== null`)
}

// webImageSize decodes the header of a picture the studio serves.
func webImageSize(t *testing.T, u string) string {
	t.Helper()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(webGetBytes(t, u)))
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	return fmt.Sprintf("%dx%d", cfg.Width, cfg.Height)
}

// webVideoSize reads the size of a video the studio serves.
func webVideoSize(t *testing.T, u string) string {
	t.Helper()
	data := webGetBytes(t, u)
	w, h, err := media.VideoSize(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	return fmt.Sprintf("%dx%d", w, h)
}

// startShoot fills the new-shoot form (references, brief, look) and starts
// it, returning the new session's id.
func (b *webBrowser) startShoot(refs []string, brief string, choices map[string]string, duration string) string {
	b.t.Helper()
	b.wait("the new-shoot form", `document.querySelector("#ref-input") !== null && document.querySelectorAll("#pose option").length > 1`)
	if len(refs) > 0 {
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#ref-input"), refs))
		b.wait("uploaded references", fmt.Sprintf(`document.querySelectorAll('.ref[data-status="ok"]').length === %d`, len(refs)))
	}
	b.eval(`document.querySelector("#brief").value = ""`)
	b.do(chromedp.SendKeys(chromedp.CSS("#brief"), brief))
	for name, value := range choices {
		if name == "auto-approve" {
			b.eval(`(() => { const c = document.querySelector("#auto-approve"); if (!c.checked) c.click(); })()`)
			continue
		}
		b.eval(fmt.Sprintf(`document.querySelector('input[name=%q][value=%q]').click()`, name, value))
	}
	b.eval(fmt.Sprintf(`(() => { const d = document.querySelector("#clip-duration"); d.value = %q; d.dispatchEvent(new Event("input", { bubbles: true })); })()`, duration))
	b.do(chromedp.Click(chromedp.CSS(`button[type="submit"]`)))
	b.wait("the session view", `location.hash.startsWith("#/session/") && document.querySelector(".session") !== null`)
	return strings.TrimPrefix(webEval[string](b, `location.hash`), "#/session/")
}

// reply types a change at the current checkpoint and sends it with Enter.
func (b *webBrowser) reply(text string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.CSS(`.decision textarea#reply`), text+kb.Enter))
	b.wait("the change to start", `document.querySelector('.decision[data-mode="awaiting"]') === null`)
}

// since is a short duration for logs.
func since(t0 time.Time) string { return time.Since(t0).Round(100 * time.Millisecond).String() }

// TestWebAxeRequiredInCI runs the accessibility-checked browser tests in a
// child process as CI would on a machine without axe-core: they must fail
// and say so, never skip.
func TestWebAxeRequiredInCI(t *testing.T) {
	t.Parallel()
	webChromium(t) // without chromium the children fail on that first
	for _, test := range []string{"TestWebCheckpoints", "TestWebNewShootAndStop", "TestWebDeliverFormats"} {
		cmd := exec.Command(os.Args[0], "-test.run", "^"+test+"$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "CI=true", "SHOOT_AXE_JS="+filepath.Join(t.TempDir(), "none.js"))
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "axe-core is not installed") || strings.Contains(string(out), "--- SKIP") {
			t.Errorf("%s with CI set and no axe-core: err %v, output:\n%s", test, err, out)
		}
	}
}
