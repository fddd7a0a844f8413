package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWebNewShootAndStop checks, at both window sizes, what a new user hit
// on the new-shoot page and when stopping: the "write a brief" error goes
// as soon as a brief is written; the brief and uploaded references survive
// a reload; a file over 10 MB is refused in the browser without being
// sent; starting with no references asks first; and a stopped shoot shows
// its stage as stopped (not failed, not still developing), also after a
// reload. axe-core audits the stopped session.
func TestWebNewShootAndStop(t *testing.T) {
	t.Parallel()
	eachWebSize(t, map[string]string{"SHOOT_STUDIO_IMAGE_LATENCY": "20s"}, func(t *testing.T, sz webSize, studio *liveStudio, b *webBrowser, axe string) {
		b.open("/")
		b.wait("the new-shoot form", `document.querySelectorAll("#pose option").length > 1`)
		b.eval(`localStorage.clear()`)

		// A stale "write a brief first".
		b.eval(`document.querySelector('button[type="submit"]').click()`)
		b.wait("the missing-brief error", `document.querySelector(".form-error").textContent.includes("Write a brief first")`)
		b.do(chromedp.SendKeys(chromedp.CSS("#brief"), "Late light on wet stone."))
		if msg := webEval[string](b, `document.querySelector(".form-error").textContent`); msg != "" {
			t.Errorf("after writing a brief the form still says %q", msg)
		}

		// Drafts across a reload.
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#ref-input"), webRefFiles(t)))
		b.wait("two uploaded references", `document.querySelectorAll('.ref[data-status="ok"]').length === 2`)
		b.do(chromedp.Reload())
		b.wait("the draft after a reload", `document.querySelectorAll('.ref[data-status="ok"] img').length === 2 && document.querySelector("#brief")?.value === "Late light on wet stone."`)
		b.wait("the restored previews", `[...document.querySelectorAll(".ref img")].every((i) => i.complete && i.naturalWidth > 0)`)
		b.viewShot("draft-restored")

		// A file over 10 MB never leaves the browser.
		big := filepath.Join(t.TempDir(), "huge.png")
		if err := os.WriteFile(big, append(refPNG(3), make([]byte, 11<<20)...), 0o644); err != nil {
			t.Fatal(err)
		}
		b.eval(`(() => {
			window.__uploads = 0;
			const real = window.fetch;
			window.fetch = (u, o) => { if (String(u).includes("/api/upload")) window.__uploads++; return real(u, o); };
		})()`)
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#ref-input"), []string{big}))
		b.wait("the refusal of the big file", `document.querySelector('.ref[data-status="error"] .ref-state')?.textContent.includes("10 MB")`)
		if n := webEval[float64](b, `window.__uploads`); n != 0 {
			t.Errorf("the 11 MB file was sent to the server (%v uploads)", n)
		}
		b.viewShot("big-file-refused")

		// No references: a warning first.
		b.eval(`document.querySelectorAll(".ref-remove").forEach((x) => x.click())`)
		b.wait("an empty tray", `document.querySelectorAll(".ref").length === 0`)
		b.eval(`document.querySelector('button[type="submit"]').click()`)
		b.wait("the no-references warning", `document.querySelector("dialog[open]")?.textContent.includes("without references")`)
		b.axe(axe, "no-references warning")
		b.viewShot("no-references-warning")
		b.eval(`document.querySelector("dialog[open] .btn-quiet").click()`)
		b.wait("the form again", `document.querySelector("dialog[open]") === null && !location.hash.startsWith("#/session/")`)
		b.eval(`document.querySelector('button[type="submit"]').click()`)
		b.wait("the warning again", `document.querySelector("dialog[open] .btn-primary") !== null`)
		b.eval(`document.querySelector("dialog[open] .btn-primary").click()`)
		b.wait("the session view", `location.hash.startsWith("#/session/") && document.querySelector(".session") !== null`)

		// Stop while the hero develops.
		b.wait("the hero developing", `document.querySelector('.step[data-stage="hero"]').dataset.status === "running" && document.querySelector(".plate-developing button") !== null`)
		b.eval(`document.querySelector(".plate-developing button").click()`)
		for _, when := range []string{"stopped", "reloaded"} {
			b.wait("the stopped shoot ("+when+")", `document.querySelector('.decision[data-mode="stopped"]') !== null`)
			steps := webEval[[]string](b, `[...document.querySelectorAll(".step")].map((s) => s.dataset.stage + "=" + s.dataset.status + ":" + s.querySelector(".step-state").textContent)`)
			if steps[0] != "hero=stopped:Stopped" {
				t.Errorf("%s: the hero step reads %q, want stopped", when, steps[0])
			}
			for _, s := range steps {
				if strings.Contains(s, "=running") || strings.Contains(s, "=error") || strings.Contains(s, "Developing") {
					t.Errorf("%s: a step still reads %q beside the stopped badge", when, s)
				}
			}
			if badge := webEval[string](b, `document.querySelector(".session-head .badge").textContent`); badge != "Stopped" {
				t.Errorf("%s: the badge says %q", when, badge)
			}
			b.axe(axe, "stopped session ("+when+")")
			b.viewShot("stopped-" + when)
			if when == "stopped" {
				b.do(chromedp.Reload())
			}
		}
		b.checkConsole()
	})
}
