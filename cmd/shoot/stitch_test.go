package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/beatgen"
)

// runMediaCmd runs `shoot args…` in-process, with an empty environment and
// stdin, and returns the exit code and both outputs.
func runMediaCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	code := runWith(context.Background(), args, e)
	return code, stdout.String(), stderr.String()
}

// testClip renders a short synthetic clip with ffmpeg.
func testClip(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=24:d=1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", p).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	return p
}

// stitchSummary is what `shoot stitch --json` prints, as far as the tests
// read it.
type stitchSummary struct {
	Out    string `json:"out"`
	Frames int    `json:"frames"`
	FPS    int    `json:"fps"`
	Width  int    `json:"width"`
	Clips  []struct {
		OutputFrames int `json:"output_frames"`
	} `json:"clips"`
	Beat struct {
		Tempo float64   `json:"tempo"`
		Cuts  []float64 `json:"cuts"`
	} `json:"beat"`
	Loudness struct {
		TargetI float64 `json:"target_i"`
	} `json:"loudness"`
	Formats []struct {
		Out     string `json:"out"`
		Format  string `json:"format"`
		Width   int    `json:"width"`
		Height  int    `json:"height"`
		MaxKbps int    `json:"max_kbps"`
	} `json:"formats"`
	Preset struct {
		Name    string `json:"name"`
		MaxKbps int    `json:"maxKbps"`
	} `json:"preset"`
	PlatformFile string `json:"platformFile"`
}

// stitchJSON runs `shoot stitch args… --json`, fails the test unless it
// exits 0 with a JSON summary, and returns the summary and stderr.
func stitchJSON(t *testing.T, args ...string) (stitchSummary, string) {
	t.Helper()
	code, stdout, stderr := runMediaCmd(t, append(append([]string{"stitch"}, args...), "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res stitchSummary
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	return res, stderr
}

func TestStitchCommandJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := testClip(t, dir, "a.mp4"), testClip(t, dir, "b.mp4")
	out := filepath.Join(dir, "out", "film.mp4")
	res, stderr := stitchJSON(t, "--clip", a, "--clip", b, "--out", out,
		"--clip-duration", "0.5", "--fps", "30", "--easing", "easeInOutSine", "--preset", "superfast")
	if res.Out != out || res.Frames != 30 || res.FPS != 30 || res.Width != 160 || len(res.Clips) != 2 || res.Clips[1].OutputFrames != 15 {
		t.Errorf("summary = %+v", res)
	}
	if stderr != "" {
		t.Errorf("--json wrote to stderr: %q", stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Errorf("film not written: %v", err)
	}
}

func TestStitchCommandTextAndBezier(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := testClip(t, dir, "a.mp4")
	out := filepath.Join(dir, "film.mp4")
	code, stdout, stderr := runMediaCmd(t, "stitch", "--clip", a, "--out", out, "--clip-duration", "0.4",
		"--fps", "25", "--bezier", "0.85,0,0.15,1", "--preset", "superfast")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out+": 10 frames") {
		t.Errorf("stdout = %q", stdout)
	}
	if !strings.Contains(stderr, "100%") {
		t.Errorf("no progress on stderr: %q", stderr)
	}
}

func TestStitchCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clip := testClip(t, dir, "a.mp4")
	notVideo := filepath.Join(dir, "notes.mp4")
	if err := os.WriteFile(notVideo, []byte("just some text"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "film.mp4")
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no clip", []string{"--out", out}, 2, "--clip is required"},
		{"no out", []string{"--clip", clip}, 2, "--out is required"},
		{"bad easing", []string{"--clip", clip, "--out", out, "--easing", "wobble"}, 2, `unknown easing "wobble"`},
		{"bad bezier", []string{"--clip", clip, "--out", out, "--bezier", "0.1,0.2,0.3"}, 2, "four comma-separated"},
		{"bezier x out of range", []string{"--clip", clip, "--out", out, "--bezier", "1.5,0,0.5,1"}, 2, "within [0,1]"},
		{"both curves", []string{"--clip", clip, "--out", out, "--easing", "linear", "--bezier", "0,0,1,1"}, 2, "not both"},
		{"bad fps", []string{"--clip", clip, "--out", out, "--fps", "-2"}, 2, "fps"},
		{"zero duration", []string{"--clip", clip, "--out", out, "--clip-duration", "0"}, 2, "must not be 0"},
		{"bad preset", []string{"--clip", clip, "--out", out, "--preset", "warp"}, 2, "preset"},
		{"stray argument", []string{"--clip", clip, "--out", out, "extra"}, 2, "unexpected argument"},
		{"missing file", []string{"--clip", filepath.Join(dir, "gone.mp4"), "--out", out}, 1, "cannot be opened"},
		{"not a video", []string{"--clip", clip, "--clip", notVideo, "--out", out}, 1, "clip 2"},
		{"missing audio", []string{"--clip", clip, "--out", out, "--audio", filepath.Join(dir, "gone.mp3")}, 1, "audio bed"},
		{"bad format", []string{"--clip", clip, "--out", out, "--deliver", "9:16,3:2"}, 2, "--deliver"},
		{"unknown preset names both kinds", []string{"--clip", clip, "--out", out, "--preset", "myspace"}, 2, "reels, tiktok, feed, youtube"},
		{"two x264 presets", []string{"--clip", clip, "--out", out, "--preset", "ultrafast", "--x264-preset", "slow"}, 2, "--x264-preset"},
		{"platform frame rate", []string{"--clip", clip, "--out", out, "--preset", "reels", "--fps", "120"}, 2, "23 to 60 fps"},
		{"platform length", []string{"--clip", clip, "--clip", clip, "--out", out, "--preset", "feed", "--clip-duration", "0.5"}, 2, "at least"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runMediaCmd(t, append([]string{"stitch"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tt.code, tt.msg)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed stitch wrote the film")
	}
}

// TestStitchCommandOnTheBeat: with --audio the cuts follow the bed's beat
// and the summary carries the tempo, the cuts and the loudness; a bed
// without a beat falls back to even cuts with a note, unless --on-beat was
// asked for by name.
func TestStitchCommandOnTheBeat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b, c := testClip(t, dir, "a.mp4"), testClip(t, dir, "b.mp4"), testClip(t, dir, "c.mp4")
	g := beatgen.Generate(beatgen.Track{BPM: 112, Bass: true, Noise: 0.02, Lead: 0.13, Seconds: 6, Seed: 4})
	bed := filepath.Join(dir, "bed.wav")
	if err := beatgen.WriteWAV(bed, g.Samples); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "film.mp4")
	res, _ := stitchJSON(t, "--clip", a, "--clip", b, "--clip", c, "--out", out,
		"--clip-duration", "0.8", "--fps", "30", "--preset", "ultrafast", "--audio", bed)
	if math.Abs(res.Beat.Tempo-112)/112 > 0.02 || len(res.Beat.Cuts) != 3 || res.Loudness.TargetI != -14 {
		t.Fatalf("summary = %+v", res)
	}
	for _, cut := range res.Beat.Cuts {
		near := math.Inf(1)
		for _, bt := range g.Beats {
			near = min(near, math.Abs(bt-cut))
		}
		if near > 1.0/30 {
			t.Errorf("cut at %.3f s is %.1f ms from a beat", cut, 1000*near)
		}
	}
	tone := filepath.Join(dir, "tone.wav")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=330:d=4", tone).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	code, stdout, stderr := runMediaCmd(t, "stitch", "--clip", a, "--clip", b, "--out", out,
		"--clip-duration", "0.5", "--fps", "30", "--preset", "ultrafast", "--audio", tone)
	if code != 0 || !strings.Contains(stderr, "no beat") || !strings.Contains(stdout, "30 frames") {
		t.Errorf("tone bed by default: exit %d, stdout %q, stderr %q; want even cuts and a note", code, stdout, stderr)
	}
	code, _, stderr = runMediaCmd(t, "stitch", "--clip", a, "--clip", b, "--out", out,
		"--clip-duration", "0.5", "--fps", "30", "--preset", "ultrafast", "--audio", tone, "--on-beat")
	if code != 1 || !strings.Contains(stderr, "no beat") {
		t.Errorf("tone bed with --on-beat: exit %d, stderr %q; want exit 1", code, stderr)
	}
	code, _, stderr = runMediaCmd(t, "stitch", "--clip", a, "--out", out, "--on-beat")
	if code != 2 || !strings.Contains(stderr, "--on-beat needs --audio") {
		t.Errorf("--on-beat alone: exit %d, stderr %q; want a usage error", code, stderr)
	}
}

// TestStitchCommandDeliver: --deliver writes each format next to the film,
// in its folder, at its exact size, with its posters and preview.
func TestStitchCommandDeliver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := testClip(t, dir, "a.mp4"), testClip(t, dir, "b.mp4")
	out := filepath.Join(dir, "out", "film.mp4")
	res, _ := stitchJSON(t, "--clip", a, "--clip", b, "--out", out, "--clip-duration", "0.5",
		"--fps", "24", "--preset", "ultrafast", "--deliver", "9:16,4:5,1:1,16:9")
	want := map[string][3]any{"9:16": {"9x16", 66, 120}, "4:5": {"4x5", 96, 120}, "1:1": {"1x1", 120, 120}, "16:9": {"16x9", 160, 90}}
	if len(res.Formats) != 4 {
		t.Fatalf("formats %+v", res.Formats)
	}
	for _, f := range res.Formats {
		w := want[f.Format]
		path := filepath.Join(dir, "out", w[0].(string), "film.mp4")
		if f.Out != path || f.Width != w[1].(int) || f.Height != w[2].(int) {
			t.Errorf("%s: %+v, want %s at %dx%d", f.Format, f, path, w[1], w[2])
		}
		for _, name := range []string{"film.mp4", "poster.jpg", "poster.webp", "preview.webp"} {
			p := filepath.Join(filepath.Dir(path), name)
			if st, err := os.Stat(p); err != nil || st.Size() == 0 {
				t.Errorf("%s not written: %v", p, err)
			}
		}
	}
}

// TestStitchCommandPlatformPreset: --preset feed adds 4:5 to the asked
// formats, encodes it under the feed's 25 Mbps cap (recorded in the
// summary) and gives it the platform's file name next to the film's; the
// encoder's speed comes from --x264-preset alongside.
func TestStitchCommandPlatformPreset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := testClip(t, dir, "a.mp4"), testClip(t, dir, "b.mp4")
	out := filepath.Join(dir, "out", "look.mp4")
	res, _ := stitchJSON(t, "--clip", a, "--clip", b, "--out", out, "--clip-duration", "1.5",
		"--fps", "30", "--preset", "feed", "--x264-preset", "ultrafast", "--deliver", "1:1")
	if len(res.Formats) != 2 || res.Formats[0].Format != "1:1" || res.Formats[1].Format != "4:5" {
		t.Fatalf("formats %+v, want 1:1 then the feed's 4:5", res.Formats)
	}
	if res.Formats[0].MaxKbps != 0 || res.Formats[1].MaxKbps != 25000 || res.Preset.Name != "feed" {
		t.Errorf("caps %d and %d, preset %+v: want none on 1:1 and the feed's 25000 on 4:5", res.Formats[0].MaxKbps, res.Formats[1].MaxKbps, res.Preset)
	}
	want := filepath.Join(dir, "out", "4x5", "look-feed-4x5.mp4")
	if res.PlatformFile != want {
		t.Errorf("platform file %q, want %q", res.PlatformFile, want)
	}
	film, err1 := os.ReadFile(filepath.Join(dir, "out", "4x5", "look.mp4"))
	named, err2 := os.ReadFile(want)
	if err1 != nil || err2 != nil || len(film) == 0 || !bytes.Equal(film, named) {
		t.Errorf("the platform file is not the 4:5 film: %v, %v", err1, err2)
	}
}
