package media

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fashionshoot/shoot/internal/reframe"
)

// BenchmarkDeliver makes a film from four clips the way the pipeline does
// (eased segments at the film preset, joined) and then its formats: "one"
// asks for the film's own 16:9 only, "four" for 9:16, 4:5, 1:1 and 16:9.
// The extra formats reuse the film instead of the clips, so four should
// cost at most 2.5 times one; compare the two ns/op.
func BenchmarkDeliver(b *testing.B) {
	dir := b.TempDir()
	var clips []string
	for i, src := range []string{"testsrc2", "smptebars", "rgbtestsrc", "testsrc"} {
		clips = append(clips, makeClip(b, dir, fmt.Sprintf("c%d.mp4", i), src+"=s=640x360:r=24:d=2"))
	}
	for _, c := range []struct {
		name    string
		formats []reframe.Format
	}{
		{"one", []reframe.Format{{W: 16, H: 9}}},
		{"four", reframe.Formats},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			for n := 0; b.Loop(); n++ {
				out := filepath.Join(dir, fmt.Sprintf("%s-%d", c.name, n))
				var segs []string
				var frames []int
				for i, clip := range clips {
					r, err := EncodeSegment(ctx, StitchOptions{Clips: []string{clip}, Out: filepath.Join(out, fmt.Sprintf("s%d.mp4", i)),
						ClipDuration: 1.5, FPS: 30, Preset: FilmPreset, CRF: FilmCRF})
					if err != nil {
						b.Fatal(err)
					}
					segs, frames = append(segs, r.Out), append(frames, r.Frames)
				}
				film := filepath.Join(out, "film.mp4")
				if _, err := JoinSegments(ctx, JoinOptions{Segments: segs, Frames: frames, Out: film, FPS: 30}); err != nil {
					b.Fatal(err)
				}
				cuts := []int{45, 90, 135}
				if _, err := Deliver(ctx, DeliverOptions{In: film, Dir: filepath.Join(out, "final"), Formats: c.formats, Cuts: cuts}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
