package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/beatgen"
)

// TestRunWithAnAudioBed: `shoot run --audio` puts the bed under the film,
// and the manifest's film entry gives the tempo, the cuts and the
// loudness pass; `--deliver` writes the asked formats under final/, and
// `--preset youtube` adds 16:9 under YouTube's 12 Mbps cap for 60 fps with
// the platform's file name beside it.
func TestRunWithAnAudioBed(t *testing.T) {
	t.Parallel()
	g := beatgen.Generate(beatgen.Track{BPM: 150, Bass: true, Noise: 0.02, Lead: 0.1, Seconds: 8, Seed: 5})
	bed := filepath.Join(t.TempDir(), "bed.wav")
	if err := beatgen.WriteWAV(bed, g.Samples); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "shoot")
	args := append(fastRunArgs(out, writeRefs(t, 1)...), "--yes", "--audio", bed, "--deliver", "9:16,1:1", "--preset", "youtube")
	code, _, stderr := runCLI(t, nil, strings.NewReader(""), args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	m := readManifest(t, out)
	if !strings.HasPrefix(m.Options.Audio, "uploads/") {
		t.Errorf("options.audio = %q, want the stored bed", m.Options.Audio)
	}
	if m.Options.Preset != "youtube" {
		t.Errorf("options.preset = %q", m.Options.Preset)
	}
	found := false
	for _, a := range m.Artifacts {
		if a.File == "final/16x9/fashion-video.mp4" && a.Details.MaxKbps != 12000 {
			t.Errorf("the YouTube film was encoded under %d kbit/s, want 12000", a.Details.MaxKbps)
		}
		if a.Type != "final" || a.File != "final/fashion-video.mp4" {
			continue
		}
		found = true
		b, l := a.Details.Beat, a.Details.Loudness
		if b == nil || math.Abs(b.Tempo-150) > 3 || len(b.Cuts) != 5 || l == nil || l.TargetI != -14 {
			t.Errorf("film details: beat %+v, loudness %+v", b, l)
		}
	}
	if !found {
		t.Error("no film in the manifest")
	}
	for _, f := range []string{"final/9x16/fashion-video.mp4", "final/9x16/poster.jpg", "final/9x16/poster.webp",
		"final/9x16/preview.webp", "final/1x1/fashion-video.mp4", "final/1x1/poster.jpg",
		"final/16x9/fashion-video.mp4", "final/16x9/fashion-video-youtube-16x9.mp4", "final/16x9/poster.jpg"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("--deliver did not write %s: %v", f, err)
		}
	}
}
