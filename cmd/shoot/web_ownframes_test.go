package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWebOwnFrames: "I have my frames" on the home page takes stills of
// mixed sizes in film order, lets the order be changed with buttons,
// prices the film without hero and sheet, refuses a single frame, needs no
// brief, and opens the session at the frames checkpoint with the frames
// in the order chosen. axe-core audits the form in that mode.
func TestWebOwnFrames(t *testing.T) {
	t.Parallel()
	eachWebSize(t, nil, func(t *testing.T, sz webSize, studio *liveStudio, b *webBrowser, axe string) {
		b.open("/")
		b.wait("the new-shoot form", `document.querySelectorAll("#pose option").length > 1`)
		b.eval(`localStorage.clear()`)
		b.eval(`document.querySelector('input[name="source"][value="frames"]').click()`)
		b.wait("the frames side", `document.querySelector("#frame-input") !== null && !document.querySelector("#frame-input").closest(".source-panel").hidden
			&& document.querySelector("#pose").closest(".field").hidden`)

		files := ownFrameFiles(t)
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#frame-input"), files[:1]))
		b.wait("one uploaded frame", `document.querySelectorAll('.ref[data-status="ok"]').length === 1`)
		b.eval(`document.querySelector('button[type="submit"]').click()`)
		b.wait("the too-few-frames error", `document.querySelector(".form-error").textContent.includes("Add 2 to 12 frames")`)
		if strings.HasPrefix(webEval[string](b, `location.hash`), "#/session/") {
			t.Fatal("a single frame started a shoot")
		}

		b.do(chromedp.SetUploadFiles(chromedp.CSS("#frame-input"), files[1:]))
		b.wait("three uploaded frames", `document.querySelectorAll('.ref[data-status="ok"]').length === 3`)
		// Uploaded red, green, blue; blue moves one place earlier.
		b.eval(`document.querySelector('.ref-move[aria-label="Move blue.png earlier"]').click()`)
		order := webEval[[]string](b, `[...document.querySelectorAll(".refs .ref")].map((r) => r.querySelector(".ref-no").textContent + ":" + r.querySelector(".ref-name").textContent)`)
		if strings.Join(order, " ") != "1:red.png 2:blue.png 3:green.png" {
			t.Errorf("after moving blue earlier the tray reads %v", order)
		}
		if f := webEval[string](b, `document.activeElement?.getAttribute("aria-label") || ""`); f != "Move blue.png earlier" {
			t.Errorf("focus after moving is on %q, want the same button", f)
		}
		b.wait("the price of two clips and no images", `document.querySelector(".estimate-note")?.textContent.startsWith("0 images + 2 clips")`)
		b.axe(axe, "new shoot from own frames")
		b.viewShot("own-frames")

		b.do(chromedp.Click(chromedp.CSS(`button[type="submit"]`)))
		b.wait("the session view", `location.hash.startsWith("#/session/") && document.querySelector(".session") !== null`)
		sid := strings.TrimPrefix(webEval[string](b, `location.hash`), "#/session/")
		b.waitCheckpoint(studio, sid, "frames")
		b.reviewLoaded("frames")
		b.wait("hero and sheet shown as skipped", `["hero", "contact-sheet"].every((s) => document.querySelector('.step[data-stage="' + s + '"]').dataset.status === "skipped")`)
		if n := webEval[float64](b, `document.querySelectorAll(".clipbar").length`); n != 2 {
			t.Errorf("the clips step has %v clip bars for three frames, want 2", n)
		}
		b.axe(axe, "frames checkpoint of own frames")
		wantFrameColours(t, studio, sid, []string{"red", "blue", "green"})
		b.checkConsole()
	})
}

// ownFrameFiles writes three stills of mixed sizes and orientations, each
// one flat colour so their order can be told apart after resizing.
func ownFrameFiles(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, f := range []struct {
		name string
		w, h int
		c    color.RGBA
	}{{"red", 640, 480, color.RGBA{220, 30, 30, 255}}, {"green", 480, 720, color.RGBA{30, 200, 40, 255}}, {"blue", 900, 600, color.RGBA{30, 40, 220, 255}}} {
		img := image.NewRGBA(image.Rect(0, 0, f.w, f.h))
		for i := 0; i < len(img.Pix); i += 4 {
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = f.c.R, f.c.G, f.c.B, 255
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, f.name+".png")
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// wantFrameColours checks the session's frames, as the assets API lists
// them, are the named flat colours in that order.
func wantFrameColours(t *testing.T, s *liveStudio, sid string, want []string) {
	t.Helper()
	assets, _ := s.getJSON("/api/sessions/" + sid + "/assets")["assets"].(map[string]any)
	frames, _ := assets["frames"].([]any)
	var got []string
	for _, f := range frames {
		u, _ := f.(map[string]any)["url"].(string)
		img, _, err := image.Decode(bytes.NewReader(webGetBytes(t, s.Base+u)))
		if err != nil {
			t.Fatalf("frame %s: %v", u, err)
		}
		b := img.Bounds()
		r, g, bl, _ := img.At(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2).RGBA()
		switch {
		case r > 2*g && r > 2*bl:
			got = append(got, "red")
		case g > 2*r && g > 2*bl:
			got = append(got, "green")
		case bl > 2*r && bl > 2*g:
			got = append(got, "blue")
		default:
			got = append(got, fmt.Sprintf("rgb(%d,%d,%d)", r>>8, g>>8, bl>>8))
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the session's frames are %v, want %v", got, want)
	}
}
