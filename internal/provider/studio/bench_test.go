package studio

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// cpuTime is this process's user + system time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchImage(b *testing.B, req shoot.ImageRequest) {
	im := NewImages(Options{PollWait: time.Hour}) // one poll renders
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		h, err := im.SubmitImage(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		st, err := im.PollImage(ctx, req, h)
		if err != nil || !st.Done {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Milliseconds())/float64(b.N), "go-cpu-ms/op")
}

// BenchmarkHero2K renders a 2528×1696 hero from one reference.
func BenchmarkHero2K(b *testing.B) {
	ref := pngOf(b, subjectReference(600, 900))
	benchImage(b, shoot.ImageRequest{Kind: shoot.ImageHero, AspectRatio: "3:2", Resolution: "2K", Seed: 1,
		Background: StudioGrey, References: []shoot.Reference{{Data: ref}}})
}

// BenchmarkDemoHero2K renders the demo's previz hero: both bundled
// references keyed, the sunglasses and bag placed, at 2528×1696.
func BenchmarkDemoHero2K(b *testing.B) {
	var refs []shoot.Reference
	for _, img := range demoRefs(b) {
		refs = append(refs, shoot.Reference{Data: pngOf(b, img)})
	}
	benchImage(b, shoot.ImageRequest{Kind: shoot.ImageHero, AspectRatio: "3:2", Resolution: "2K", Seed: 1,
		Background: WarmDaylight, References: refs})
}

// BenchmarkHeroFigure2K renders a 2528×1696 hero with no reference (the
// drawn figure).
func BenchmarkHeroFigure2K(b *testing.B) {
	benchImage(b, shoot.ImageRequest{Kind: shoot.ImageHero, AspectRatio: "3:2", Resolution: "2K", Seed: 1, Background: OutdoorUrban})
}

// BenchmarkContactSheet2K renders a 2528×1696 sheet from a 2K hero.
func BenchmarkContactSheet2K(b *testing.B) {
	hero := renderHero(shoot.ImageRequest{Seed: 1}, nil, 2528, 1696, 0)
	benchImage(b, shoot.ImageRequest{Kind: shoot.ImageContactSheet, AspectRatio: "3:2", Resolution: "2K", Seed: 1,
		References: []shoot.Reference{{Data: pngOf(b, hero)}}})
}

// BenchmarkClip5s renders a 5 s 720×480 clip between two 1264×848 frames
// and reports ffmpeg's CPU time per clip beside the Go process's.
func BenchmarkClip5s(b *testing.B) {
	o := Options{}.withDefaults()
	a := renderHero(shoot.ImageRequest{Seed: 1}, nil, 1264, 848, o.Workers)
	e := renderHero(shoot.ImageRequest{Seed: 2, Background: ColorGel}, nil, 1264, 848, o.Workers)
	W, H := evenFit(1264, 848, o.MaxSide)
	job := clipJob{start: fitTo(a, W, H), end: fitTo(e, W, H), move: planMove("arc", newRand(1, "", "m")), frames: 5 * ClipFPS}
	job.la, job.lb = layersOf(job.start), layersOf(job.end)
	var ffmpeg time.Duration
	cpu0 := cpuTime(b)
	for b.Loop() {
		_, st, err := renderClip(context.Background(), o, job)
		if err != nil {
			b.Fatal(err)
		}
		ffmpeg += st.ffmpegCPU
	}
	b.ReportMetric(float64(ffmpeg.Milliseconds())/float64(b.N), "ffmpeg-cpu-ms/op")
	b.ReportMetric(float64((cpuTime(b)-cpu0).Milliseconds())/float64(b.N), "go-cpu-ms/op")
}
