package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writeStills writes photographs of the given sizes, alternating JPEG and
// PNG, and returns their paths in order.
func writeStills(t *testing.T, sizes [][2]int) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, s := range sizes {
		img := image.NewRGBA(image.Rect(0, 0, s[0], s[1]))
		for y := 0; y < s[1]; y++ {
			for x := 0; x < s[0]; x++ {
				img.Set(x, y, color.RGBA{uint8(30 * i), uint8(y * 255 / s[1]), uint8(x * 255 / s[0]), 255})
			}
		}
		var buf bytes.Buffer
		name := fmt.Sprintf("still-%d.jpg", i+1)
		err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
		if i%2 == 1 {
			name = fmt.Sprintf("still-%d.png", i+1)
			buf.Reset()
			err = png.Encode(&buf, img)
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func frameArgs(out string, frames []string) []string {
	args := []string{"run", "--out", out, "--yes", "--clip-duration", "0.5"}
	for _, f := range frames {
		args = append(args, "--frame", f)
	}
	return args
}

// TestRunFromOwnFrames: six photographs of mixed sizes and orientations
// make a film of five clips, with no hero and no contact sheet; every
// frame has one size.
func TestRunFromOwnFrames(t *testing.T) {
	t.Parallel()
	stills := writeStills(t, [][2]int{{900, 600}, {600, 900}, {1200, 800}, {750, 500}, {480, 640}, {1500, 1000}})
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, nil, strings.NewReader(""), frameArgs(out, stills)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	film := filepath.Join(out, "final", "fashion-video.mp4")
	if strings.TrimSpace(stdout) != film {
		t.Fatalf("stdout %q, want the film's path", stdout)
	}
	counts := map[string]int{}
	for _, a := range readManifest(t, out).Artifacts {
		counts[a.Type]++
	}
	if counts["frame"] != 6 || counts["clip"] != 5 || counts["final"] != 1 || counts["hero"] != 0 || counts["contact-sheet"] != 0 {
		t.Fatalf("manifest artifacts by type %v, want 6 frames, 5 clips, a film and no hero or sheet", counts)
	}
	var size image.Point
	for n := 1; n <= 6; n++ {
		f, err := os.Open(filepath.Join(out, "frames", fmt.Sprintf("frame-%d.png", n)))
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			size = image.Pt(cfg.Width, cfg.Height)
		}
		if image.Pt(cfg.Width, cfg.Height) != size || size.X*2 != size.Y*3 {
			t.Errorf("frame %d is %d×%d; want every frame the size of frame 1 (%v), at the majority's 3:2", n, cfg.Width, cfg.Height, size)
		}
	}
	if d := filmSeconds(t, film); d < 2.3 || d > 2.7 {
		t.Errorf("the film lasts %.2f s, want five half-second clips", d)
	}
}

// filmSeconds asks ffprobe how long a video lasts.
func filmSeconds(t *testing.T, path string) float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRunFromOwnFramesRefusesBadFiles: a file that is not a picture, a
// truncated picture, or too few or too many frames stop `shoot run` with
// exit 2 and a line naming the problem, before any work (no --out folder
// is made).
func TestRunFromOwnFramesRefusesBadFiles(t *testing.T) {
	t.Parallel()
	stills := writeStills(t, [][2]int{{300, 200}, {300, 200}, {300, 200}, {300, 200}, {300, 200}, {300, 200}})
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.jpg")
	if err := os.WriteFile(text, []byte("call the model agency at nine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(stills[0])
	cut := filepath.Join(dir, "cut.jpg")
	if err := os.WriteFile(cut, whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	var thirteen []string
	for range 13 {
		thirteen = append(thirteen, stills[0])
	}
	cases := []struct {
		name   string
		frames []string
		want   string
	}{
		{"a text file", append(stills[:6:6], text), text},
		{"a truncated picture", append(stills[:3:3], cut), cut},
		{"one frame", stills[:1], "2 to 12"},
		{"thirteen frames", thirteen, "2 to 12"},
		{"a missing file", append(stills[:2:2], filepath.Join(dir, "gone.png")), "gone.png"},
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "shoot")
		code, _, stderr := runCLI(t, nil, strings.NewReader(""), frameArgs(out, c.frames)...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 2 || !strings.Contains(stderr, c.want) || len(lines) > 2 {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and a line naming %s", c.name, code, stderr, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: %s was created before the input was checked", c.name, out)
		}
	}
}

// TestOwnFramesOverHTTP starts a shoot from uploaded stills through
// generate-stream: the first exchange ends at the frames checkpoint with
// one frame per still; a list naming an unknown upload is a 400 naming it.
func TestOwnFramesOverHTTP(t *testing.T) {
	t.Parallel()
	s := startStudio(t, nil)
	var stills [][]byte
	for _, p := range writeStills(t, [][2]int{{640, 360}, {1280, 720}, {360, 640}, {960, 540}}) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		stills = append(stills, data)
	}
	refs := s.upload(stills...)
	evs := s.postStream("/api/generate-stream", map[string]any{"prompt": "", "options": fastShoot(map[string]any{"frames": refs})})
	wantCheckpoint(t, evs, "frames")
	var cp sseEvent
	for _, e := range evs {
		if e.Type() == "checkpoint" {
			cp = e
		}
	}
	if arts, _ := cp.Data["artifacts"].([]any); len(arts) != 4 {
		t.Errorf("the frames checkpoint shows %v, want four frames", cp.Data["artifacts"])
	}
	status, body := s.postJSON("/api/generate-stream", map[string]any{"prompt": "x",
		"options": map[string]any{"frames": []string{refs[0], "/uploads/1700000000000-nothere.png"}}})
	if msg, _ := body["error"].(string); status != 400 || !strings.Contains(msg, "options.frames") {
		t.Errorf("unknown frame upload: %d %v, want 400 naming options.frames", status, body)
	}
}
