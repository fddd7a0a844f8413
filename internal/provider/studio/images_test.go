package studio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// generate submits and polls one image request through the public API.
func generate(t *testing.T, im *Images, req shoot.ImageRequest) shoot.TaskStatus {
	t.Helper()
	ctx := context.Background()
	h, err := im.SubmitImage(ctx, req)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	for {
		st, err := im.PollImage(ctx, req, h)
		if err != nil {
			t.Fatalf("poll: %v", err)
		}
		if st.Done {
			if st.Result == nil {
				t.Fatalf("poll: done without a result: %+v", st)
			}
			return st
		}
	}
}

func TestHeroSizeAspectAndTexture(t *testing.T) {
	t.Parallel()
	ref := shoot.Reference{Name: "dress.png", Data: pngOf(t, subjectReference(240, 360))}
	presets := []string{StudioGrey, StudioWhite, StudioBlack, Industrial, WarmDaylight, ColorGel, OutdoorUrban}
	type tc struct{ aspect, res, bg string }
	var cases []tc
	for i, a := range shoot.ImageAspectRatios {
		cases = append(cases, tc{a, "1K", presets[i%len(presets)]})
	}
	cases = append(cases, tc{"3:2", "2K", StudioGrey}, tc{"3:2", "4K", ColorGel}, tc{"", "", ""})
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%s-%s", c.aspect, c.res, c.bg), func(t *testing.T) {
			t.Parallel()
			req := shoot.ImageRequest{Kind: shoot.ImageHero, AspectRatio: c.aspect, Resolution: c.res, Background: c.bg,
				Seed: 5, References: []shoot.Reference{ref}}
			st := generate(t, NewImages(Options{}), req)
			a := st.Result
			if a.ContentType != "image/png" || a.Provider != "studio" || a.Model != ModelComposite || a.Units != 1 || a.Unit != "image" || a.CostUSD != 0 || a.Seed != 5 {
				t.Errorf("artifact fields: %+v", *a)
			}
			img := decodePNG(t, a.Data)
			wantW, wantH := expectedSize(t, c.aspect, c.res)
			if img.Bounds().Dx() != wantW || img.Bounds().Dy() != wantH {
				t.Fatalf("size %v, want %d×%d", img.Bounds().Size(), wantW, wantH)
			}
			if s := measure(img, img.Bounds()); s.variance < 150 || s.colours < 400 {
				t.Errorf("picture looks flat: luminance variance %.0f, %d colours", s.variance, s.colours)
			}
			var details struct{ Width, Height int }
			if err := json.Unmarshal(a.Details, &details); err != nil || details.Width != wantW || details.Height != wantH {
				t.Errorf("details %s do not give the real size %d×%d", a.Details, wantW, wantH)
			}
		})
	}
}

// expectedSize is the FAL size table, written out independently of the code.
func expectedSize(t *testing.T, aspect, res string) (int, int) {
	if aspect == "" {
		aspect = "3:2"
	}
	var p, q int
	fmt.Sscanf(aspect, "%d:%d", &p, &q)
	known := map[string][2]int{"3:2": {1264, 848}, "2:3": {848, 1264}, "1:1": {1024, 1024}, "16:9": {1376, 768},
		"9:16": {768, 1376}, "4:3": {1200, 896}, "3:4": {896, 1200}, "5:4": {1152, 928}, "4:5": {928, 1152}, "21:9": {1584, 672}}
	s := known[aspect]
	if math.Abs(float64(s[0])/float64(s[1])-float64(p)/float64(q)) > 0.03 {
		t.Fatalf("size table entry %v does not have aspect %s", s, aspect)
	}
	switch res {
	case "1K":
		return s[0], s[1]
	case "4K":
		return 4 * s[0], 4 * s[1]
	}
	return 2 * s[0], 2 * s[1]
}

func TestHeroBackdropsDiffer(t *testing.T) {
	t.Parallel()
	ref := shoot.Reference{Data: pngOf(t, subjectReference(240, 360))}
	presets := []string{StudioGrey, StudioWhite, StudioBlack, Industrial, WarmDaylight, ColorGel, OutdoorUrban}
	means := make([][3]float64, len(presets))
	im := NewImages(Options{})
	for i, bg := range presets {
		img := decodePNG(t, generate(t, im, shoot.ImageRequest{Kind: shoot.ImageHero, Resolution: "1K", Background: bg, Seed: 1,
			References: []shoot.Reference{ref}}).Result.Data)
		// The left fifth of the frame is backdrop: the subject stands near the centre.
		means[i] = measure(img, image.Rect(0, 0, img.Bounds().Dx()/5, img.Bounds().Dy())).mean
	}
	for i := range presets {
		for j := i + 1; j < len(presets); j++ {
			d := math.Sqrt(sq(means[i][0]-means[j][0]) + sq(means[i][1]-means[j][1]) + sq(means[i][2]-means[j][2]))
			if d < 20 {
				t.Errorf("%s %v and %s %v backdrops are too alike (distance %.1f)", presets[i], means[i], presets[j], means[j], d)
			}
		}
	}
	if means[1][0] < 200 || means[2][0] > 40 {
		t.Errorf("studio-white should be high-key and studio-black low-key: %v %v", means[1], means[2])
	}
}

func sq(v float64) float64 { return v * v }

func TestBackdropPreset(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"": StudioGrey, "studio-white": StudioWhite, " Studio-Black ": StudioBlack, "industrial": Industrial,
		"a raw concrete loft": Industrial, "rainy city street at night": OutdoorUrban, "pink neon gel": ColorGel,
		"soft window light": WarmDaylight, "dark void": StudioBlack, "something else": StudioGrey,
	} {
		if got := backdropPreset(in); got != want {
			t.Errorf("backdropPreset(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHeroDeterministic(t *testing.T) {
	t.Parallel()
	req := shoot.ImageRequest{Kind: shoot.ImageHero, Resolution: "1K", AspectRatio: "4:5", Background: OutdoorUrban,
		Seed: 42, Prompt: "a hero", References: []shoot.Reference{{Data: pngOf(t, subjectReference(200, 300))}, {Data: pngOf(t, busyPhoto(120, 90))}}}
	a := generate(t, NewImages(Options{Workers: 1}), req).Result.Data
	b := generate(t, NewImages(Options{Workers: 3}), req).Result.Data
	if !bytes.Equal(a, b) {
		t.Error("same request gave different bytes (1 vs 3 workers)")
	}
	for _, change := range []func(r *shoot.ImageRequest){
		func(r *shoot.ImageRequest) { r.Seed = 43 },
		func(r *shoot.ImageRequest) { r.Prompt = "another hero" },
	} {
		other := req
		change(&other)
		if bytes.Equal(a, generate(t, NewImages(Options{}), other).Result.Data) {
			t.Errorf("a different seed or prompt gave the same picture: %+v", other.Seed)
		}
	}
}

// countPixels counts pixels of r for which keep is true.
func countPixels(img *image.RGBA, r image.Rectangle, keep func(r, g, b uint8) bool) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := img.PixOffset(x, y)
			if keep(img.Pix[i], img.Pix[i+1], img.Pix[i+2]) {
				n++
			}
		}
	}
	return n
}

func TestHeroUsesTheSubject(t *testing.T) {
	t.Parallel()
	red := func(r, g, b uint8) bool { return r > 150 && g < 90 && b < 110 }
	vivid := func(r, g, b uint8) bool { return g > 150 && r < 100 } // the busy photo's greens
	im := NewImages(Options{})
	hero := func(refs ...*image.RGBA) *image.RGBA {
		req := shoot.ImageRequest{Kind: shoot.ImageHero, Resolution: "1K", Background: StudioGrey, Seed: 3}
		for _, r := range refs {
			req.References = append(req.References, shoot.Reference{Data: pngOf(t, r)})
		}
		return decodePNG(t, generate(t, im, req).Result.Data)
	}
	keyed, arch, drawn := hero(subjectReference(240, 360)), hero(busyPhoto(300, 400)), hero()
	centre := image.Rect(1264*3/8, 848/4, 1264*5/8, 848*3/4)
	if n := countPixels(keyed, centre, red); n < centre.Dx()*centre.Dy()/4 {
		t.Errorf("keyed reference: only %d red pixels in the centre", n)
	}
	if n := countPixels(arch, centre, vivid); n < 1000 {
		t.Errorf("photo reference: only %d of its pixels in the centre", n)
	}
	// The keyed reference's off-white background must be gone: the frame's
	// corner region is grey backdrop, not the reference's paper.
	corner := image.Rect(0, 0, 120, 120)
	if n := countPixels(keyed, corner, func(r, g, b uint8) bool { return r > 225 && g > 225 }); n > 0 {
		t.Errorf("%d reference-background pixels leaked into the corner", n)
	}
	if s := measure(drawn, centre); s.variance < 300 {
		t.Errorf("drawn figure missing: centre variance %.0f", s.variance)
	}
}

func TestReferenceFormats(t *testing.T) {
	t.Parallel()
	src := subjectReference(120, 180)
	var jb, gb bytes.Buffer
	if err := jpeg.Encode(&jb, src, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gb, src, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pngPath, webpPath := filepath.Join(dir, "in.png"), filepath.Join(dir, "in.webp")
	if err := os.WriteFile(pngPath, pngOf(t, src), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("ffmpeg", "-v", "error", "-i", pngPath, "-c:v", "libwebp", webpPath).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg webp: %v %s", err, out)
	}
	webp, err := os.ReadFile(webpPath)
	if err != nil {
		t.Fatal(err)
	}
	// Tolerances allow for each format's loss: JPEG blocks, GIF's palette,
	// lossy WebP at its default quality.
	for name, data := range map[string][]byte{"jpeg": jb.Bytes(), "gif": gb.Bytes(), "webp": webp} {
		img, err := decodeReference(shoot.Reference{Data: data}, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if img.Bounds().Dx() != 120 || img.Bounds().Dy() != 180 {
			t.Errorf("%s: decoded %v", name, img.Bounds())
		}
		if d := meanAbsDiff(img, src); d > 0.08 {
			t.Errorf("%s: decoded picture differs from the source by %.3f", name, d)
		}
	}
}
