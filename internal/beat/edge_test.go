package beat_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/fashionshoot/shoot/internal/beat"
	"github.com/fashionshoot/shoot/internal/beatgen"
)

// TestSilenceHasNoPulse: silence and a too-short bed are reported, not
// given made-up beats.
func TestSilenceHasNoPulse(t *testing.T) {
	if _, err := beat.Analyze(make([]float32, 10*beat.SampleRate)); !errors.Is(err, beat.ErrNoPulse) {
		t.Errorf("silence: got %v, want ErrNoPulse", err)
	}
	if _, err := beat.Analyze(make([]float32, beat.SampleRate)); !errors.Is(err, beat.ErrNoPulse) {
		t.Errorf("one second: got %v, want ErrNoPulse", err)
	}
	tone := make([]float32, 10*beat.SampleRate)
	noise := make([]float32, 10*beat.SampleRate)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range tone {
		tone[i] = float32(0.5 * math.Sin(2*math.Pi*330*float64(i)/beat.SampleRate))
		noise[i] = float32(0.1 * r.NormFloat64())
	}
	if a, err := beat.Analyze(tone); !errors.Is(err, beat.ErrNoPulse) {
		t.Errorf("a steady tone: got %+v, %v, want ErrNoPulse", a, err)
	}
	if a, err := beat.Analyze(noise); !errors.Is(err, beat.ErrNoPulse) {
		t.Errorf("white noise: got %+v, %v, want ErrNoPulse", a, err)
	}
}

// TestDecodeRefusesWhatIsNotAudio: a missing file and a file ffmpeg cannot
// read are errors.
func TestDecodeRefusesWhatIsNotAudio(t *testing.T) {
	dir := t.TempDir()
	if _, err := beat.Decode(context.Background(), filepath.Join(dir, "none.wav"), beat.SampleRate, 0); err == nil {
		t.Error("a missing file decoded")
	}
	junk := filepath.Join(dir, "junk.wav")
	if err := os.WriteFile(junk, []byte("not audio at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := beat.Decode(context.Background(), junk, beat.SampleRate, 0); err == nil {
		t.Error("junk decoded")
	}
}

// TestDecodeLimitsLength: maxSeconds caps what is read.
func TestDecodeLimitsLength(t *testing.T) {
	g := beatgen.Generate(beatgen.Track{BPM: 100, Seconds: 6, Seed: 1})
	path := filepath.Join(t.TempDir(), "bed.wav")
	if err := beatgen.WriteWAV(path, g.Samples); err != nil {
		t.Fatal(err)
	}
	x, err := beat.Decode(context.Background(), path, beat.SampleRate, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := float64(len(x)) / beat.SampleRate; got < 1.99 || got > 2.01 {
		t.Errorf("decoded %.3f s, want 2", got)
	}
}

// TestPlanRefusesWhatCannotFit: too few beats, or beats too sparse for the
// asked shots within ±10 %, is ErrNoFit; bad arguments are errors.
func TestPlanRefusesWhatCannotFit(t *testing.T) {
	every := func(step, until float64) []float64 {
		var b []float64
		for x := step; x <= until; x += step {
			b = append(b, x)
		}
		return b
	}
	cases := []struct {
		name string
		o    beat.PlanOptions
		fit  error
	}{
		{"fits", beat.PlanOptions{Beats: every(0.5, 20), Segments: 6, Length: 9, FPS: 30}, nil},
		{"beats end early", beat.PlanOptions{Beats: every(0.5, 5), Segments: 6, Length: 9, FPS: 30}, beat.ErrNoFit},
		{"beats too sparse", beat.PlanOptions{Beats: every(4, 40), Segments: 6, Length: 9, FPS: 30}, beat.ErrNoFit},
		{"no beats", beat.PlanOptions{Segments: 2, Length: 3, FPS: 30}, beat.ErrNoFit},
	}
	for _, c := range cases {
		p, err := beat.PlanCuts(c.o)
		if !errors.Is(err, c.fit) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.fit)
		}
		if err == nil && (p.Total < 0.9*c.o.Length || p.Total > 1.1*c.o.Length) {
			t.Errorf("%s: total %.2f for %.2f asked", c.name, p.Total, c.o.Length)
		}
	}
	for _, o := range []beat.PlanOptions{
		{Beats: every(0.5, 20), Segments: 0, Length: 9, FPS: 30},
		{Beats: every(0.5, 20), Segments: 3, Length: 0, FPS: 30},
		{Beats: every(0.5, 20), Segments: 3, Length: 9, FPS: 0},
	} {
		if _, err := beat.PlanCuts(o); err == nil || errors.Is(err, beat.ErrNoFit) {
			t.Errorf("%+v: got %v, want an argument error", o, err)
		}
	}
}
