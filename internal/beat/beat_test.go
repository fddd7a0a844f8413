package beat_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/fashionshoot/shoot/internal/beat"
	"github.com/fashionshoot/shoot/internal/beatgen"
)

// seeds is how many seeds the property tests draw: 2 by default, more
// with SHOOT_BEAT_SEEDS.
func seeds(t *testing.T) int {
	if s := os.Getenv("SHOOT_BEAT_SEEDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("SHOOT_BEAT_SEEDS=%q is not a positive number", s)
		}
		return n
	}
	return 2
}

// nearest is the distance from x to the closest of the sorted times.
func nearest(times []float64, x float64) float64 {
	i := sort.SearchFloat64s(times, x)
	d := math.Inf(1)
	if i < len(times) {
		d = times[i] - x
	}
	if i > 0 {
		d = min(d, x-times[i-1])
	}
	return d
}

// TestTempoAndCutsOnGeneratedTracks writes every generated click track as
// a WAV, analyses it through ffmpeg, and checks the detected tempo (each
// section's, for the track that changes tempo) is within 2 % of the truth
// and that every cut of a beat-cut plan is within one frame of a true beat
// with the film within ±10 % of the asked length.
func TestTempoAndCutsOnGeneratedTracks(t *testing.T) {
	dir := t.TempDir()
	for seed := range uint64(seeds(t)) {
		for _, tr := range beatgen.Suite(seed + 1) {
			t.Run(fmt.Sprintf("seed%d/%s", seed+1, tr.Name), func(t *testing.T) {
				g := beatgen.Generate(tr)
				path := filepath.Join(dir, fmt.Sprintf("%d-%s.wav", seed, tr.Name))
				if err := beatgen.WriteWAV(path, g.Samples); err != nil {
					t.Fatal(err)
				}
				a, err := beat.AnalyzeFile(context.Background(), path, 0)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("clarity %.2f", a.Clarity)
				checkTempo(t, g, a)
				for i, fps := range []int{24, 30, 60} {
					segs := 5 + i
					length := 1.5 * float64(segs)
					if tr.ChangeBPM != 0 {
						segs, length = 10, g.ChangeAt+4 // the cuts cross the change
					}
					p, err := beat.PlanCuts(beat.PlanOptions{Beats: a.Beats, Segments: segs, Length: length, FPS: fps})
					if err != nil {
						t.Fatalf("%d fps, %d segments, %.1f s: %v", fps, segs, length, err)
					}
					checkPlan(t, g.Beats, p, segs, length, fps)
				}
			})
		}
	}
}

func checkTempo(t *testing.T, g beatgen.Generated, a *beat.Analysis) {
	t.Helper()
	tr := g.Track
	within := func(what string, got, want float64) {
		t.Helper()
		err := math.Abs(got-want) / want
		if err > 0.02 {
			t.Errorf("%s: detected %.2f BPM, true %.2f (%.1f %% off)", what, got, want, 100*err)
		}
		t.Logf("%s: detected %.2f BPM, true %.2f (%.2f %% off)", what, got, want, 100*err)
	}
	if tr.ChangeBPM == 0 {
		if len(a.Sections) != 1 {
			t.Errorf("a steady %.1f BPM track split into %d sections: %+v", tr.BPM, len(a.Sections), a.Sections)
		}
		within("tempo", a.Tempo, tr.BPM)
		return
	}
	if len(a.Sections) != 2 {
		t.Fatalf("tempo change %.1f→%.1f at %.2f s: got sections %+v", tr.BPM, tr.ChangeBPM, tr.ChangeAt, a.Sections)
	}
	within("first section", a.Sections[0].BPM, tr.BPM)
	within("second section", a.Sections[1].BPM, tr.ChangeBPM)
	if d := math.Abs(a.Sections[1].Start - g.ChangeAt); d > 0.5*60/tr.BPM {
		t.Errorf("change placed at %.2f s, true %.2f s", a.Sections[1].Start, g.ChangeAt)
	}
}

func checkPlan(t *testing.T, truth []float64, p *beat.Plan, segs int, length float64, fps int) {
	t.Helper()
	if len(p.Frames) != segs || len(p.Cuts) != segs {
		t.Fatalf("%d fps: plan has %d segments and %d cuts, want %d", fps, len(p.Frames), len(p.Cuts), segs)
	}
	sum, worst := 0, 0.0
	for i, f := range p.Frames {
		if f < 1 {
			t.Fatalf("%d fps: segment %d has %d frames", fps, i+1, f)
		}
		sum += f
		// The cut is where the frames put it, not just what the plan says.
		at := float64(sum) / float64(fps)
		d := nearest(truth, at)
		if d > 1/float64(fps) {
			t.Errorf("%d fps: cut %d at %.4f s is %.1f ms from the nearest true beat (a frame is %.1f ms)",
				fps, i+1, at, 1000*d, 1000/float64(fps))
		}
		worst = max(worst, d)
	}
	t.Logf("%d fps: the farthest of %d cuts is %.1f ms from a true beat (%.2f frames)", fps, segs, 1000*worst, worst*float64(fps))
	total := float64(sum) / float64(fps)
	if math.Abs(total-length) > 0.1*length {
		t.Errorf("%d fps: film is %.3f s, asked %.3f s (more than 10 %% off)", fps, total, length)
	}
}
