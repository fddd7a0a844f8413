package media

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"testing"

	"github.com/fashionshoot/shoot/internal/beat"
	"github.com/fashionshoot/shoot/internal/beatgen"
	"github.com/fashionshoot/shoot/internal/reframe"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// integratedLUFS measures a file's integrated loudness with ffmpeg's
// EBU R128 meter (a different filter from the loudnorm that set it).
func integratedLUFS(t testing.TB, path string) float64 {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", path, "-map", "0:a:0",
		"-af", "ebur128", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("ebur128: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`I:\s+(-?[0-9.]+) LUFS`).FindAllSubmatch(out, -1)
	if len(m) == 0 {
		t.Fatalf("ebur128 printed no integrated loudness:\n%s", out)
	}
	v, err := strconv.ParseFloat(string(m[len(m)-1][1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: integrated loudness %.1f LUFS", filepath.Join(filepath.Base(filepath.Dir(path)), filepath.Base(path)), v)
	return v
}

// monoSamples decodes a file's audio to mono float samples at rate.
func monoSamples(t testing.TB, path string, rate int) []float32 {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-vn", "-ac", "1", "-ar",
		strconv.Itoa(rate), "-f", "f32le", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(out)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
	}
	return x
}

func rms(x []float32) float64 {
	s := 0.0
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(max(1, len(x))))
}

// cutFrames decodes a film to 8×8 RGB and returns the frame numbers where
// the picture jumps (the film's hard cuts between flat-colour clips).
func cutFrames(t testing.TB, path string) []int {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-vf", "scale=8:8",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	const size = 8 * 8 * 3
	var cuts []int
	for f := 1; (f+1)*size <= len(out); f++ {
		d := 0.0
		for i := range size {
			d += math.Abs(float64(out[f*size+i]) - float64(out[(f-1)*size+i]))
		}
		if d/size > 30 {
			cuts = append(cuts, f)
		}
	}
	return cuts
}

// writeBed renders a generated click track at a gain and returns its path
// and true beats.
func writeBed(t testing.TB, dir string, tr beatgen.Track, gain float32) (string, []float64) {
	t.Helper()
	g := beatgen.Generate(tr)
	for i := range g.Samples {
		g.Samples[i] *= gain
	}
	path := filepath.Join(dir, fmt.Sprintf("bed-%g.wav", tr.BPM))
	if err := beatgen.WriteWAV(path, g.Samples); err != nil {
		t.Fatal(err)
	}
	return path, g.Beats
}

// TestStitchOnTheBeatAtMinus14LUFS stitches four flat-colour clips over a
// quiet click track: the cuts found in the pictures each sit within one
// frame of a true beat, the film is within ±10 % of the asked length, its
// measured loudness is −14 ± 1 LUFS, and the music is faded out at the end.
func TestStitchOnTheBeatAtMinus14LUFS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var clips []string
	for _, c := range []string{"red", "blue", "white", "green"} {
		clips = append(clips, makeClip(t, dir, c+".mp4", "color=c="+c+":s=64x48:r=24:d=1"))
	}
	bed, truth := writeBed(t, dir, beatgen.Track{BPM: 97, Bass: true, Noise: 0.01, Lead: 0.21, Seconds: 8, Seed: 7}, 0.08)
	const fps, dur = 30, 0.9
	res, err := Stitch(context.Background(), StitchOptions{Clips: clips, Out: filepath.Join(dir, "film.mp4"),
		ClipDuration: dur, FPS: fps, Preset: "ultrafast", Audio: bed, OnBeat: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Beat == nil || math.Abs(res.Beat.Tempo-97)/97 > 0.02 {
		t.Fatalf("beat report %+v, want a tempo within 2 %% of 97", res.Beat)
	}
	asked := float64(len(clips)) * dur
	if math.Abs(res.Duration-asked) > 0.1*asked {
		t.Errorf("film %.3f s, asked %.3f s", res.Duration, asked)
	}
	cuts := cutFrames(t, res.Out)
	if len(cuts) != len(clips)-1 {
		t.Fatalf("found cuts at frames %v, want %d cuts", cuts, len(clips)-1)
	}
	for _, f := range cuts {
		at := float64(f) / fps
		i := sort.SearchFloat64s(truth, at)
		d := math.Inf(1)
		for _, j := range []int{i - 1, i} {
			if j >= 0 && j < len(truth) {
				d = min(d, math.Abs(truth[j]-at))
			}
		}
		if d > 1.0/fps {
			t.Errorf("cut at frame %d (%.3f s) is %.1f ms from a beat", f, at, 1000*d)
		}
	}
	if got := integratedLUFS(t, res.Out); math.Abs(got-TargetLUFS) > 1 {
		t.Errorf("film loudness %.2f LUFS, want %.0f ± 1", got, TargetLUFS)
	}
	if res.Loudness == nil || res.Loudness.InputI > -25 {
		t.Errorf("first pass %+v, want the quiet bed measured well under −14", res.Loudness)
	}
	x := monoSamples(t, res.Out, 8000)
	tail, body := x[len(x)-400:], x[len(x)/4:len(x)/2]
	if rms(tail) > 0.1*rms(body) {
		t.Errorf("last 50 ms at RMS %.4f against %.4f mid-film: the music is not faded out", rms(tail), rms(body))
	}
}

// TestJoinNormalisesALoudBed joins two segments over a loud bed and
// measures −14 ± 1 LUFS.
func TestJoinNormalisesALoudBed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clip := makeClip(t, dir, "a.mp4", "testsrc2=s=64x48:r=24:d=1")
	var segs []string
	var frames []int
	for i := range 2 {
		r, err := EncodeSegment(context.Background(), StitchOptions{Clips: []string{clip},
			Out: filepath.Join(dir, fmt.Sprintf("s%d.mp4", i)), ClipDuration: 1.5, FPS: 24, Preset: "ultrafast"})
		if err != nil {
			t.Fatal(err)
		}
		segs, frames = append(segs, r.Out), append(frames, r.Frames)
	}
	bed, _ := writeBed(t, dir, beatgen.Track{BPM: 128, Swing: 0.5, Bass: true, Noise: 0.3, Seconds: 5, Seed: 3}, 1)
	res, err := JoinSegments(context.Background(), JoinOptions{Segments: segs, Frames: frames,
		Out: filepath.Join(dir, "film.mp4"), FPS: 24, Audio: bed})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loudness == nil || res.Loudness.InputI < -12 {
		t.Errorf("first pass %+v, want the loud bed measured above −12", res.Loudness)
	}
	if got := integratedLUFS(t, res.Out); math.Abs(got-TargetLUFS) > 1 {
		t.Errorf("film loudness %.2f LUFS, want %.0f ± 1", got, TargetLUFS)
	}
}

// TestOnBeatRefusesABedWithoutPulse: a steady tone has no beat, and the
// stitch says so instead of cutting anywhere.
func TestOnBeatRefusesABedWithoutPulse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clip := makeClip(t, dir, "a.mp4", "testsrc2=s=64x48:r=24:d=1")
	tone := makeClip(t, dir, "tone.wav", "sine=f=330:d=6")
	_, err := Stitch(context.Background(), StitchOptions{Clips: []string{clip, clip}, Out: filepath.Join(dir, "f.mp4"),
		ClipDuration: 1, FPS: 24, Preset: "ultrafast", Audio: tone, OnBeat: true})
	if shoot.ErrorCode(err) != shoot.EINVALID || !errors.Is(err, beat.ErrNoPulse) {
		t.Errorf("err = %v, want EINVALID wrapping beat.ErrNoPulse", err)
	}
}

// TestShortFilmWithPeakyBed: a film shorter than loudnorm's look-ahead,
// over a bed whose peaks rule out a plain gain, still plays at −14 ± 1.
func TestShortFilmWithPeakyBed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clip := makeClip(t, dir, "a.mp4", "testsrc2=s=64x48:r=24:d=1")
	bed, _ := writeBed(t, dir, beatgen.Track{BPM: 140, Bass: true, Noise: 0.02, Lead: 0.17, Seconds: 4, Seed: 9}, 1)
	res, err := Stitch(context.Background(), StitchOptions{Clips: []string{clip, clip}, Out: filepath.Join(dir, "f.mp4"),
		ClipDuration: 1.2, FPS: 24, Preset: "ultrafast", Audio: bed})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loudness == nil || res.Loudness.InputTP+(TargetLUFS-res.Loudness.InputI) <= targetTP {
		t.Fatalf("first pass %+v: the bed's peaks would allow a plain gain, so this tests nothing", res.Loudness)
	}
	if got := integratedLUFS(t, res.Out); math.Abs(got-TargetLUFS) > 1 {
		t.Errorf("a %.1f s film plays at %.2f LUFS, want %.0f ± 1", res.Duration, got, TargetLUFS)
	}
}

// TestDeliveredFormatsKeepTheLoudness: every format Deliver makes from a
// film over a bed carries the film's sound, measured at −14 ± 1 LUFS.
func TestDeliveredFormatsKeepTheLoudness(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var clips []string
	for _, c := range []string{"red", "blue", "white"} {
		clips = append(clips, makeClip(t, dir, c+".mp4", "color=c="+c+":s=96x54:r=24:d=1"))
	}
	bed, _ := writeBed(t, dir, beatgen.Track{BPM: 110, Bass: true, Noise: 0.01, Lead: 0.1, Seconds: 6, Seed: 3}, 0.1)
	film, err := Stitch(context.Background(), StitchOptions{Clips: clips, Out: filepath.Join(dir, "film.mp4"),
		ClipDuration: 1, FPS: 24, Preset: "ultrafast", Audio: bed, OnBeat: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Deliver(context.Background(), DeliverOptions{In: film.Out, Dir: filepath.Join(dir, "final"),
		Formats: reframe.Formats, Preset: "ultrafast"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if got := integratedLUFS(t, r.Out); math.Abs(got-TargetLUFS) > 1 {
			t.Errorf("%s: %.2f LUFS, want %.0f ± 1", r.Format, got, TargetLUFS)
		}
	}
}
