package media

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRecut is "redo clip 2" after a finished film: five 5 s 720p
// clips at 1.5 s per clip, 60 fps. "full" is a one-pass Stitch of all five
// at its defaults (preset slow, what `shoot stitch` makes); "recut" cuts
// the new clip 2's segment at the film's settings (FilmPreset, FilmCRF)
// and joins it with the four segments already cut, which is what the
// pipeline does once the new clip lands. ratio = recut / full.
//
//	go test ./internal/media -run '^$' -bench Recut -benchtime 1x
func BenchmarkRecut(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	clips := benchClips(b, dir)
	ease, err := Lookup(DefaultEasing)
	if err != nil {
		b.Fatal(err)
	}
	segs := make([]string, len(clips))
	frames := make([]int, len(clips))
	for i, c := range clips {
		res, err := EncodeSegment(ctx, StitchOptions{Clips: []string{c}, Out: filepath.Join(dir, fmt.Sprintf("seg-%d.mp4", i)), Easing: ease,
			Preset: FilmPreset, CRF: FilmCRF})
		if err != nil {
			b.Fatal(err)
		}
		segs[i], frames[i] = res.Out, res.Frames
	}
	var full, recut time.Duration
	b.Run("full", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := Stitch(ctx, StitchOptions{Clips: clips, Easing: ease, Out: filepath.Join(dir, fmt.Sprintf("full-%d.mp4", i))}); err != nil {
				b.Fatal(err)
			}
		}
		full = b.Elapsed() / time.Duration(b.N)
	})
	b.Run("recut", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			seg := filepath.Join(dir, fmt.Sprintf("new-2-%d.mp4", i))
			if _, err := EncodeSegment(ctx, StitchOptions{Clips: []string{clips[1]}, Out: seg, Easing: ease,
				Preset: FilmPreset, CRF: FilmCRF}); err != nil {
				b.Fatal(err)
			}
			joined := append([]string{segs[0], seg}, segs[2:]...)
			out := filepath.Join(dir, fmt.Sprintf("recut-%d.mp4", i))
			if _, err := JoinSegments(ctx, JoinOptions{Segments: joined, Frames: frames, Out: out, FPS: DefaultFPS}); err != nil {
				b.Fatal(err)
			}
		}
		recut = b.Elapsed() / time.Duration(b.N)
		if full > 0 {
			b.ReportMetric(recut.Seconds()/full.Seconds(), "ratio")
		}
	})
}
