package qa

import (
	"image"
	"image/color"
	"testing"

	"github.com/fashionshoot/shoot/internal/qagen"
)

// TestOfflineOddPictures feeds pictures with no subject, one pixel, or no
// references: every check answers, none panics.
func TestOfflineOddPictures(t *testing.T) {
	t.Parallel()
	flat := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range flat.Pix {
		flat.Pix[i] = 200
	}
	tiny := image.NewRGBA(image.Rect(0, 0, 1, 1))
	tiny.Set(0, 0, color.White)
	off := NewOffline()
	for _, c := range []struct {
		name string
		img  image.Image
		refs []Ref
	}{
		{"flat", flat, []Ref{{Name: "reference 1", Image: flat}}},
		{"one pixel", tiny, []Ref{{Name: "reference 1", Image: tiny}}},
		{"no references", flat, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			v := off.CheckPicture(c.refs, c.img)
			if len(v.Items) != len(c.refs)+len(notChecked) {
				t.Errorf("%d lines for %d references", len(v.Items), len(c.refs))
			}
			f := off.CheckFrames(nil, []image.Image{c.img, c.img})
			for _, it := range f.Items {
				if !it.Status.Valid() {
					t.Errorf("line %+v has no valid status", it)
				}
			}
		})
	}
}

func BenchmarkOffline(b *testing.B) {
	k := qagen.New(qagen.Kept, 42)
	refs := make([]Ref, len(k.Refs))
	for i, r := range k.Refs {
		refs[i] = Ref{Name: "reference", Image: r.Image}
	}
	frames := make([]image.Image, len(k.Frames))
	for i, f := range k.Frames {
		frames[i] = f
	}
	off := NewOffline()
	b.Run("picture", func(b *testing.B) {
		for b.Loop() {
			off.CheckPicture(refs, k.Hero)
		}
	})
	b.Run("six-frames", func(b *testing.B) {
		for b.Loop() {
			off.CheckFrames(k.Hero, frames)
		}
	})
}
