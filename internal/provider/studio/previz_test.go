package studio

import (
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"testing"

	"github.com/fashionshoot/shoot/internal/refgen"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// demoRefs are the bundled demo references of the CLI.
func demoRefs(t testing.TB) []*image.RGBA {
	var out []*image.RGBA
	for _, p := range []string{"../../../cmd/shoot/demo/1-model.png", "../../../cmd/shoot/demo/2-accessory.png"} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, decodePNG(t, data))
	}
	return out
}

// refSet returns the pictures of a generated shoot's references.
func refSet(seed uint64) ([]*image.RGBA, []refgen.Ref) {
	refs := refgen.Set(seed)
	imgs := make([]*image.RGBA, len(refs))
	for i, r := range refs {
		imgs[i] = r.Image
	}
	return imgs, refs
}

// framing measures a shot on a w×h frame: the share of the frame's height
// its region spans, where the region's centre falls, and how much of the
// frame the subject's sprites cover.
func framing(st *stage, s shot, cam camera, w, h float64) (share, cx, cy, cover float64) {
	m := cam.toSource(0, 0, w, h).inverse()
	b := mapBox(st.region(s.region), m)
	// A turned camera inflates the box of a box; undo it for the height.
	turn := math.Abs(math.Cos(cam.angle)) + math.Abs(math.Sin(cam.angle))*st.region(s.region).w()/st.region(s.region).h()
	share = b.h() / turn / h
	cx, cy = (b.x0+b.x1)/2/w, (b.y0+b.y1)/2/h
	return share, cx, cy, subjectCover(st, cam, w, h)
}

// subjectCover is the fraction of a 48×48 sample of the frame where the
// model or something placed on her is at least half opaque.
func subjectCover(st *stage, cam camera, w, h float64) float64 {
	toWorld := cam.toSource(0, 0, w, h)
	hit := 0
	for j := range 48 {
		for i := range 48 {
			wx, wy := toWorld.apply((float64(i)+0.5)*w/48, (float64(j)+0.5)*h/48)
			for _, sp := range st.sprites {
				if sp.edgeAA { // the flat-lay card is not the subject
					continue
				}
				sx, sy := sp.toSrc.apply(wx, wy)
				if sx >= 0 && sy >= 0 && sx < float64(sp.img.Bounds().Dx()) && sy < float64(sp.img.Bounds().Dy()) &&
					sp.img.Pix[sp.img.PixOffset(int(sx), int(sy))+3] >= 128 {
					hit++
					break
				}
			}
		}
	}
	return float64(hit) / (48 * 48)
}

// TestFramingsAimAtTheSubject checks every framing of the demo and of 20
// generated reference sets: the region of each shot spans its intended
// share of the frame height (±0.05, or less when a wide region fills the
// width instead), sits where intended, and subject covers part of every
// frame.
func TestFramingsAimAtTheSubject(t *testing.T) {
	t.Parallel()
	sets := map[string][]*image.RGBA{"demo": demoRefs(t)}
	for seed := range uint64(20) {
		imgs, _ := refSet(seed + 500)
		sets[fmt.Sprintf("set %d", seed)] = imgs
	}
	for name, refs := range sets {
		for _, bg := range []string{[]string{StudioGrey, OutdoorUrban, Industrial}[len(name)%3]} {
			st := buildStage(int64(len(name)), "editorial", bg, refs, 2528, 1696)
			for i, s := range shotList {
				w, h := 820.0, 820.0
				cam := st.shotCamera(s, w, h, newRand(1, name, "t"))
				share, cx, cy, cover := framing(st, s, cam, w, h)
				wide := st.region(s.region).w()/cam.scale >= 0.95*w
				if math.Abs(share-s.share) > 0.05 && !(wide && share < s.share) {
					t.Errorf("%s on %s, shot %d (%s): region spans %.2f of the frame height, want %.2f", name, bg, i+1, s.name, share, s.share)
				}
				if math.Abs(cx-0.5) > 0.03 || math.Abs(cy-s.fy) > 0.03 {
					t.Errorf("%s on %s, shot %d: region centred at (%.2f, %.2f), want (0.50, %.2f)", name, bg, i+1, cx, cy, s.fy)
				}
				if cover < 0.05 {
					t.Errorf("%s on %s, shot %d (%s): subject covers only %.1f%% of the frame", name, bg, i+1, s.name, 100*cover)
				}
			}
		}
	}
}

// TestDemoHeroShowsTheWholeCoat checks that the demo model's coat — a camel
// close to its backdrop — comes through whole: the key spans the figure
// from hair to shoes and holds every pixel of the coat's middle, and the
// hero shows the model full length.
func TestDemoHeroShowsTheWholeCoat(t *testing.T) {
	t.Parallel()
	ref := demoRefs(t)[0]
	m := keyImage(ref)
	if !m.ok {
		t.Fatalf("the demo model was not separated: %s", m.reason)
	}
	// The drawn figure spans rows 52–862 and columns 129–477 of 600×900.
	b := m.box
	if math.Abs(float64(b.Min.Y)-52) > 6 || math.Abs(float64(b.Max.Y)-862) > 6 ||
		math.Abs(float64(b.Min.X)-129) > 6 || math.Abs(float64(b.Max.X)-477) > 6 {
		t.Errorf("model mask box %v is not the whole figure", b)
	}
	hole := 0
	for y := 240; y < 700; y++ { // shoulders to hem, either side of the centre line
		for x := 250; x < 350; x++ {
			if m.alpha[y*m.w+x] < 0.5 {
				hole++
			}
		}
	}
	if hole > 0 {
		t.Errorf("%d pixels of the coat's middle are missing from the key", hole)
	}
	if m.alpha[370*m.w+402] >= 0.5 {
		t.Error("the gap between the bent arm and the coat was filled")
	}
	st := buildStage(3, "camel coat editorial", StudioGrey, demoRefs(t), 1264, 848)
	if st.subject.h() < 0.7*848 {
		t.Errorf("subject %v is not standing full length in the hero", st.subject)
	}
}

// psnr is the peak signal-to-noise ratio of two same-sized pictures.
func psnr(a, b *image.RGBA) float64 {
	var se float64
	n := 0
	for i := range a.Pix {
		if i%4 == 3 {
			continue
		}
		d := float64(a.Pix[i]) - float64(b.Pix[i])
		se += d * d
		n++
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// TestClipSeams renders the demo's contact sheet, cuts its six frames, makes
// the five clips between them and decodes each clip's first and last frame
// with ffmpeg: each must match its frame at ≥ 35 dB, so the film's hard cuts
// join seamlessly; the middle must differ (the camera moved).
func TestClipSeams(t *testing.T) {
	t.Parallel()
	st := buildStage(3, "camel coat editorial", WarmDaylight, demoRefs(t), 1264, 848)
	sheet := renderSheet(shoot.ImageRequest{Seed: 5}, st, 1264, 848, 2)
	l := layoutSheet(1264, 848, newRand(5, "", "sheet-layout"))
	frames := make([]*image.RGBA, len(l.cells))
	for i, c := range l.cells {
		r := inner(c).Inset(2)
		frames[i] = scaled(sheet, r, 320, 320)
	}
	v := NewVideos(Options{MaxSide: 320, Workers: 2})
	for i := range 5 {
		req := shoot.ClipRequest{Prompt: "slow push in", Seconds: 5, Seed: int64(i),
			Start: shoot.Reference{Data: pngOf(t, frames[i])}, End: shoot.Reference{Data: pngOf(t, frames[i+1])}}
		h, err := v.SubmitClip(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		stt := pollClip(t, v, req, h)
		path := writeTemp(t, stt.Result.Data)
		first, last := decodedFrame(t, path, 0, 320, 320), decodedFrame(t, path, 119, 320, 320)
		mid := decodedFrame(t, path, 60, 320, 320)
		p0, p1 := psnr(first, frames[i]), psnr(last, frames[i+1])
		t.Logf("clip %d: first frame %.1f dB, last frame %.1f dB; %s", i+1, p0, p1, stt.Logs)
		if p0 < 35 || p1 < 35 {
			t.Errorf("clip %d: seams at %.1f dB and %.1f dB, want ≥ 35", i+1, p0, p1)
		}
		if psnr(mid, frames[i]) > 30 || psnr(mid, frames[i+1]) > 30 {
			t.Errorf("clip %d: the middle frame is one of its ends: no motion", i+1)
		}
	}
}

// TestPresetsChangeThePreviz checks that the background preset changes the
// set (its colour where the model is not) and the pose preset's words move
// and size the model.
func TestPresetsChangeThePreviz(t *testing.T) {
	t.Parallel()
	refs := demoRefs(t)
	presets := []string{StudioGrey, StudioWhite, StudioBlack, Industrial, WarmDaylight, ColorGel, OutdoorUrban}
	means := make([][3]float64, len(presets))
	for i, p := range presets {
		img, _ := heroStage(shoot.ImageRequest{Seed: 2, Prompt: "editorial", Background: p}, refs, 632, 424, 2)
		s := measure(img, image.Rect(0, 0, 120, 424)) // the left edge: set only
		means[i] = s.mean
	}
	for i := range presets {
		for j := i + 1; j < len(presets); j++ {
			d := math.Abs(means[i][0]-means[j][0]) + math.Abs(means[i][1]-means[j][1]) + math.Abs(means[i][2]-means[j][2])
			if d < 12 {
				t.Errorf("%s and %s backdrops look alike: mean colours %v and %v", presets[i], presets[j], means[i], means[j])
			}
		}
	}
	poses := map[string]string{
		"standing": "Standing tall with the weight shifted onto one leg",
		"seated":   "Seated on the floor or a low plinth",
		"leaning":  "Leaning a shoulder against a wall with the body loose",
		"walking":  "Walking toward the camera caught mid-stride",
	}
	boxes := map[string]rectF{}
	for name, prompt := range poses {
		st := buildStage(2, prompt, StudioGrey, refs[:1], 632, 424)
		if st.notes.Pose != name {
			t.Errorf("prompt %q read as pose %q", prompt, st.notes.Pose)
		}
		boxes[name] = st.subject
	}
	mid := func(r rectF) float64 { return (r.x0 + r.x1) / 2 }
	if d := math.Abs(mid(boxes["leaning"]) - mid(boxes["standing"])); d < 0.08*632 {
		t.Errorf("leaning moves the model only %.0f px from standing", d)
	}
	if boxes["seated"].h() > 0.85*boxes["standing"].h() {
		t.Errorf("seated model %.0f px tall, standing %.0f: the pose does not show", boxes["seated"].h(), boxes["standing"].h())
	}
}
