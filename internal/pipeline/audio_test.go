package pipeline_test

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/fashionshoot/shoot/internal/beatgen"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestFilmOnTheBeatOfItsAudioBed runs a shoot with an audio bed: the film
// carries the bed at −14 ± 1 LUFS (measured with ffmpeg's EBU R128 meter),
// and the manifest gives the bed's tempo within 2 %, cuts each within one
// frame of a true beat, and the loudness pass.
func TestFilmOnTheBeatOfItsAudioBed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 5})
	g := beatgen.Generate(beatgen.Track{BPM: 140, Bass: true, Noise: 0.02, Lead: 0.17, Seconds: 8, Seed: 9})
	u := h.uploadBed(g)
	o := fast
	o.AutoApprove, o.Audio = true, "/uploads/"+u.Filename
	sid, evs := h.start(o, h.upload(5))
	if m := last(t, evs); m["type"] != shoot.EventComplete || m["stage"] != shoot.StageComplete {
		t.Fatalf("the shoot ended with %v: %s", m, types(evs))
	}
	m, err := h.eng.Manifest(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	var film *pipeline.ManifestEntry
	for i := range m.Artifacts {
		if m.Artifacts[i].Type == shoot.AssetFinal {
			film = &m.Artifacts[i]
		}
	}
	if film == nil {
		t.Fatal("no film in the manifest")
	}
	var d struct {
		Beat struct {
			Tempo  float64   `json:"tempo"`
			Beats  []float64 `json:"beats"`
			Cuts   []float64 `json:"cuts"`
			Frames []int     `json:"frames"`
		} `json:"beat"`
		Loudness struct {
			TargetI float64 `json:"target_i"`
			InputI  float64 `json:"input_i"`
		} `json:"loudness"`
	}
	if err := json.Unmarshal(film.Details, &d); err != nil {
		t.Fatalf("film details %s: %v", film.Details, err)
	}
	if math.Abs(d.Beat.Tempo-140) > 0.02*140 || len(d.Beat.Beats) == 0 || d.Loudness.TargetI != -14 {
		t.Fatalf("film details %s", film.Details)
	}
	clips := o.WithDefaults().ClipCount()
	if len(d.Beat.Cuts) != clips || len(d.Beat.Frames) != clips {
		t.Fatalf("%d cuts and %d segment lengths for %d clips", len(d.Beat.Cuts), len(d.Beat.Frames), clips)
	}
	sum := 0
	for _, f := range d.Beat.Frames {
		sum += f
		at := float64(sum) / float64(fast.FPS)
		near := math.Inf(1)
		for _, b := range g.Beats {
			near = min(near, math.Abs(b-at))
		}
		if near > 1/float64(fast.FPS) {
			t.Errorf("a cut at %.3f s is %.1f ms from a beat", at, 1000*near)
		}
	}
	asked := float64(clips) * fast.ClipDuration
	if got := float64(film.DurationMS) / 1000; math.Abs(got-asked) > 0.1*asked+0.001 {
		t.Errorf("film %.3f s, asked %.3f s", got, asked)
	}
	blob, err := h.bucket.ReadAll(t.Context(), film.Key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "film.mp4")
	if err := os.WriteFile(path, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", path, "-map", "0:a:0",
		"-af", "ebur128", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("ebur128: %v\n%s", err, out)
	}
	found := regexp.MustCompile(`I:\s+(-?[0-9.]+) LUFS`).FindAllSubmatch(out, -1)
	if len(found) == 0 {
		t.Fatalf("no loudness measured:\n%s", out)
	}
	lufs, _ := strconv.ParseFloat(string(found[len(found)-1][1]), 64)
	t.Logf("the film plays at %.1f LUFS", lufs)
	if math.Abs(lufs+14) > 1 {
		t.Errorf("the film plays at %.2f LUFS, want −14 ± 1", lufs)
	}
}

// uploadBed stores the generated track g as the audio upload bed.wav.
func (h *harness) uploadBed(g beatgen.Generated) *shoot.Upload {
	h.t.Helper()
	wav := filepath.Join(h.t.TempDir(), "bed.wav")
	if err := beatgen.WriteWAV(wav, g.Samples); err != nil {
		h.t.Fatal(err)
	}
	data, err := os.ReadFile(wav)
	if err != nil {
		h.t.Fatal(err)
	}
	u, err := pipeline.StoreAudio(h.t.Context(), h.store, h.bucket, "bed.wav", data, "")
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// TestAudioBedRefusals: an audio bed must be an audio upload, and an audio
// upload is no reference picture; a file that is not audio is not stored.
func TestAudioBedRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	g := beatgen.Generate(beatgen.Track{BPM: 90, Seconds: 4, Seed: 1})
	u := h.uploadBed(g)
	if _, err := pipeline.StoreAudio(t.Context(), h.store, h.bucket, "notes.txt", []byte("la la la, not audio"), ""); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("text stored as audio: %v", err)
	}
	pic := h.upload(2)
	o := fast
	o.Audio = pic
	if _, _, err := h.eng.Start(t.Context(), pipeline.StartRequest{Brief: "a film", Inputs: []string{h.upload(3)}, Options: o}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("a picture as the audio bed: %v, want EINVALID", err)
	}
	o.Audio = "/uploads/nope.wav"
	if _, _, err := h.eng.Start(t.Context(), pipeline.StartRequest{Brief: "a film", Inputs: []string{pic}, Options: o}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("an unknown audio bed: %v, want EINVALID", err)
	}
	if _, _, err := h.eng.Start(t.Context(), pipeline.StartRequest{Brief: "a film", Inputs: []string{"/uploads/" + u.Filename}, Options: fast}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("an audio upload as a reference picture: %v, want EINVALID", err)
	}
}
