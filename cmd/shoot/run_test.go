package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/media"
)

// runCLI runs `shoot args…` in-process with stdin and env, returning the
// exit code and both outputs.
func runCLI(t *testing.T, vars map[string]string, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{getenv: testGetenv(vars), stdin: stdin, stdout: &stdout, stderr: &stderr}
	code := runWith(t.Context(), args, e)
	return code, stdout.String(), stderr.String()
}

// writeRefs writes n reference pictures into a temporary folder.
func writeRefs(t *testing.T, n int) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := 1; i <= n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("look-%d.png", i))
		if err := os.WriteFile(p, refPNG(i+2), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// fastRunArgs are the flags that keep a test shoot small.
func fastRunArgs(out string, refs ...string) []string {
	args := []string{"run", "--brief", "street editorial, late light", "--out", out,
		"--resolution", "1K", "--clip-duration", "0.5"}
	for _, r := range refs {
		args = append(args, "--ref", r)
	}
	return args
}

// manifestFile is the part of manifest.json the tests read. Prompt, seed,
// cost and duration are pointers so a test can tell a missing field from a
// zero one.
type manifestFile struct {
	SessionID string `json:"sessionId"`
	Status    string `json:"status"`
	Options   struct {
		Audio  string `json:"audio"`
		Preset string `json:"preset"`
	} `json:"options"`
	ProviderRequests int `json:"providerRequests"`
	Artifacts        []struct {
		File       string   `json:"file"`
		Type       string   `json:"type"`
		Version    int      `json:"version"`
		Prompt     *string  `json:"prompt"`
		Provider   string   `json:"provider"`
		Model      string   `json:"model"`
		Seed       *int64   `json:"seed"`
		CostUSD    *float64 `json:"costUsd"`
		DurationMS *int64   `json:"durationMs"`
		Details    struct {
			Beat *struct {
				Tempo float64   `json:"tempo"`
				Cuts  []float64 `json:"cuts"`
			} `json:"beat"`
			Loudness *struct {
				TargetI float64 `json:"target_i"`
			} `json:"loudness"`
			MaxKbps int `json:"max_kbps"`
		} `json:"details"`
	} `json:"artifacts"`
}

// readManifest reads and decodes out/manifest.json.
func readManifest(t testing.TB, out string) manifestFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifestFile
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	return m
}

// outputLayout lists the files a finished shoot writes under --out.
func outputLayout(clips int) []string {
	files := []string{"hero.png", "contact-sheet.png", "final/fashion-video.mp4", "manifest.json"}
	for n := 1; n <= 6; n++ {
		files = append(files, fmt.Sprintf("frames/frame-%d.png", n))
	}
	for n := 1; n <= clips; n++ {
		files = append(files, fmt.Sprintf("videos/video-%d.mp4", n))
	}
	return files
}

// checkLayout fails unless out holds exactly the output layout's files, each
// non-empty.
func checkLayout(t *testing.T, out string, clips int) {
	t.Helper()
	want := map[string]bool{}
	for _, f := range outputLayout(clips) {
		want[f] = true
	}
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		if !want[rel] {
			t.Errorf("unexpected file %s", rel)
		}
		if info, _ := d.Info(); info.Size() == 0 {
			t.Errorf("%s is empty", rel)
		}
		delete(want, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for f := range want {
		t.Errorf("missing %s", f)
	}
}

// checkClipSize fails unless each of the shoot's clips and its film have
// a long side of exactly long pixels, read from the MP4s' track headers.
func checkClipSize(t *testing.T, out string, clips, long int) {
	t.Helper()
	files := []string{filepath.Join(out, "final", "fashion-video.mp4")}
	for n := 1; n <= clips; n++ {
		files = append(files, filepath.Join(out, "videos", fmt.Sprintf("video-%d.mp4", n)))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w, h, err := media.VideoSize(bytes.NewReader(data), int64(len(data)))
		if err != nil || max(w, h) != long {
			t.Errorf("%s is %dx%d (%v), want a long side of %d px", filepath.Base(f), w, h, err, long)
		}
	}
}

// TestRunYesWritesTheOutputLayoutAndManifest runs a whole shoot with --yes,
// with slowed clips so the test can see that all five were in flight at
// once.
func TestRunYesWritesTheOutputLayoutAndManifest(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "shoot")
	data := t.TempDir()
	args := append(fastRunArgs(out, writeRefs(t, 2)...), "--yes", "--data-dir", data)
	code, stdout, stderr := runCLI(t, map[string]string{"SHOOT_STUDIO_CLIP_LATENCY": "2s"}, strings.NewReader(""), args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	checkClipsOverlapped(t, data, 5)
	if got := strings.TrimSpace(stdout); got != filepath.Join(out, "final", "fashion-video.mp4") {
		t.Fatalf("stdout = %q, want the film's path", got)
	}
	checkLayout(t, out, 5)
	checkClipSize(t, out, 5, 240) // the tests' SHOOT_STUDIO_CLIP_SIZE reached the studio
	m := readManifest(t, out)
	if m.Status != "completed" || len(m.Artifacts) != 14 {
		t.Fatalf("manifest status %s with %d artifacts, want completed with 14", m.Status, len(m.Artifacts))
	}
	for _, a := range m.Artifacts {
		if a.Prompt == nil || a.Seed == nil || a.CostUSD == nil || a.DurationMS == nil || a.Provider == "" || a.Model == "" {
			t.Errorf("%s: manifest entry lacks prompt/provider/model/seed/cost/duration: %+v", a.File, a)
			continue
		}
		if a.Version != 1 {
			t.Errorf("%s: version %d, want 1", a.File, a.Version)
		}
		switch a.Type {
		case "hero", "contact-sheet", "clip":
			if *a.Prompt == "" || *a.Seed == 0 || *a.DurationMS <= 0 || a.Provider != "studio" {
				t.Errorf("%s: generated artifact without its prompt, seed, duration or provider: %+v", a.File, a)
			}
		case "final":
			if a.Provider != "ffmpeg" || *a.DurationMS <= 0 {
				t.Errorf("film entry %+v", a)
			}
		}
	}
	clipPrompts := map[string]bool{}
	for _, a := range m.Artifacts {
		if a.Type == "clip" && a.Prompt != nil {
			clipPrompts[*a.Prompt] = true
		}
	}
	if len(clipPrompts) != 5 {
		t.Errorf("the five clips have %d different prompts, want one camera move each", len(clipPrompts))
	}
	if !strings.Contains(stderr, "clip 5") || !strings.Contains(stderr, "100%") {
		t.Errorf("no per-clip progress bars on stderr:\n%s", stderr)
	}
	closing := ""
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "director:") {
			closing = l
		}
	}
	if film := filepath.Join(out, "final", "fashion-video.mp4"); !strings.Contains(closing, film) || strings.Contains(stderr, "outputs/") {
		t.Errorf("the director's closing line %q should name %s, and no storage key should be shown", closing, film)
	}
}

func TestLocalPaths(t *testing.T) {
	t.Parallel()
	out := filepath.Join("/tmp", "my shoot")
	cases := []struct{ in, want string }{
		{"The film is ready: outputs/s1/final/fashion-video.mp4.", "The film is ready: " + filepath.Join(out, "final", "fashion-video.mp4") + "."},
		{"New sheet outputs/s1/contact-sheet.v3.png and frame outputs/s1/frames/frame-2.v2.png",
			"New sheet " + filepath.Join(out, "contact-sheet.png") + " and frame " + filepath.Join(out, "frames", "frame-2.png")},
		{"another session's outputs/s2/hero.png stays", "another session's outputs/s2/hero.png stays"},
		{"no keys here", "no keys here"},
	}
	for _, c := range cases {
		if got := localPaths(c.in, "s1", out); got != c.want {
			t.Errorf("localPaths(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestRunAnsweringOnStdin approves with Enter, changes the contact sheet
// once by typing, and loops: the film has a sixth clip, frame 6 → 1.
func TestRunAnsweringOnStdin(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	answers := strings.NewReader("\nmake the background warmer\n\ncontinue\nlooks good\n")
	code, _, stderr := runCLI(t, nil, answers, append(fastRunArgs(out, writeRefs(t, 1)...), "--loop")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if n := strings.Count(stderr, "Press Enter to approve"); n != 5 {
		t.Errorf("asked %d times, want 5 (hero, sheet, sheet again, frames, clips)", n)
	}
	checkLayout(t, out, 6)
	versions := map[string]int{}
	for _, a := range readManifest(t, out).Artifacts {
		versions[a.File] = a.Version
	}
	if versions["contact-sheet.png"] != 2 || versions["hero.png"] != 1 || versions["videos/video-6.mp4"] != 1 {
		t.Fatalf("versions = %v, want the sheet at 2 after the change and one loop clip", versions)
	}
}

func TestRunWithoutAnAnswerFails(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, nil, strings.NewReader(""), fastRunArgs(t.TempDir(), writeRefs(t, 1)...)...)
	if code != 1 || !strings.Contains(stderr, "no answer on standard input") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	ref := writeRefs(t, 1)[0]
	out := t.TempDir()
	base := []string{"run", "--ref", ref, "--brief", "b", "--out", out}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", append(base, "--colour", "red"), nil, "unknown flag: --colour"},
		{"no out", []string{"run", "--ref", ref, "--brief", "b"}, nil, "--out"},
		{"no brief", []string{"run", "--ref", ref, "--out", out}, nil, "--brief"},
		{"no ref", []string{"run", "--brief", "b", "--out", out}, nil, "--ref"},
		{"stray argument", append(base, "extra"), nil, "unexpected argument"},
		{"aspect", append(base, "--aspect", "7:3"), nil, "--aspect"},
		{"resolution", append(base, "--resolution", "8K"), nil, "--resolution"},
		{"clip duration", append(base, "--clip-duration", "9"), nil, "--clip-duration"},
		{"easing", append(base, "--easing", "wobble"), nil, "--easing"},
		{"audio", append(base, "--audio", filepath.Join(out, "no-such-bed.wav")), nil, "--audio"},
		{"deliver", append(base, "--deliver", "9:16,2:1"), nil, "deliver"},
		{"preset", append(base, "--preset", "myspace"), nil, "--preset: unknown preset"},
		{"x264 preset", append(base, "--preset", "veryfast"), nil, "x264 speed preset"},
		{"preset length", append(base, "--preset", "reels", "--clip-duration", "0.5"), nil, "at least 3 s"},
		{"provider", base, map[string]string{"SHOOT_IMAGE_PROVIDER": "nope"}, "SHOOT_IMAGE_PROVIDER"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, c.env, strings.NewReader(""), c.args...)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Fatalf("exit %d, want 2 with %q in:\n%s", code, c.want, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("a usage error should be one line:\n%s", stderr)
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("a rejected run wrote %d files to --out", len(entries))
	}
}

func TestRunWithAMissingReferenceFile(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "no-such-look.png")
	out := t.TempDir()
	code, _, stderr := runCLI(t, nil, strings.NewReader(""), "run", "--ref", missing, "--brief", "b", "--out", out, "--yes")
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "--ref "+missing) || !strings.Contains(stderr, "no such file") {
		t.Fatalf("stderr does not name the missing file:\n%s", stderr)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("a failed run wrote %d files to --out", len(entries))
	}
}

// checkClipsOverlapped fails unless every clip job had started before the
// first one finished: the clips ran in parallel, not in worker-sized
// batches.
func checkClipsOverlapped(t *testing.T, dataDir string, clips int) {
	t.Helper()
	db := peekDB(t, dataDir)
	var n int
	var lastStart, firstEnd float64 // julian days
	err := db.QueryRow(`SELECT count(*), max(julianday(attempted_at)), min(julianday(finalized_at)) FROM river_job
		WHERE json_extract(args, '$.kind') = 'clip' AND state = 'completed'`).Scan(&n, &lastStart, &firstEnd)
	if err != nil {
		t.Fatal(err)
	}
	if n != clips || lastStart >= firstEnd {
		t.Fatalf("%d clip jobs; the last started %.0f ms after the first finished", n, (lastStart-firstEnd)*864e5)
	}
}
