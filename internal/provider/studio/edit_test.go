package studio

import (
	"bytes"
	"image"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestFrameEdit(t *testing.T) {
	t.Parallel()
	frame := renderHero(shoot.ImageRequest{Seed: 4}, []*image.RGBA{subjectReference(200, 300)}, 826, 836, 2)
	ref := shoot.Reference{Data: pngOf(t, frame)}
	im := NewImages(Options{})
	edit := func(prompt string, seed int64) []byte {
		req := shoot.ImageRequest{Kind: shoot.ImageFrameEdit, Prompt: prompt, Seed: seed, References: []shoot.Reference{ref}}
		st := generate(t, im, req)
		if st.Result.Model != ModelEdit {
			t.Errorf("model %q", st.Result.Model)
		}
		return st.Result.Data
	}
	a := edit("make it warmer", 1)
	out := decodePNG(t, a)
	if out.Bounds() != frame.Bounds() {
		t.Fatalf("edit changed the frame size: %v → %v", frame.Bounds(), out.Bounds())
	}
	if d := meanAbsDiff(frame, out); d < 0.03 {
		t.Errorf("edit is not visible: mean difference %.3f", d)
	}
	if !bytes.Equal(a, edit("make it warmer", 1)) {
		t.Error("the same edit gave different bytes")
	}
	if bytes.Equal(a, edit("make it warmer", 2)) || bytes.Equal(a, edit("add a hat", 1)) {
		t.Error("a different seed or instruction gave the same picture")
	}
	warm := measure(out, out.Bounds()).mean
	cool := measure(decodePNG(t, edit("make it cooler", 1)), out.Bounds()).mean
	if warm[0]-warm[2] < cool[0]-cool[2]+8 {
		t.Errorf("'warmer' (%v) is not warmer than 'cooler' (%v)", warm, cool)
	}
	mono := measure(decodePNG(t, edit("black and white", 1)), image.Rect(300, 300, 500, 500)).mean
	if d := max(mono[0], mono[1], mono[2]) - min(mono[0], mono[1], mono[2]); d > 6 {
		t.Errorf("'black and white' still has colour in the middle: %v", mono)
	}
}
