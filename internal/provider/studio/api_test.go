package studio_test

import (
	"context"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/provider/studio"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// The studio generators are the pipeline's ports.
var (
	_ pipeline.ImageGenerator = (*studio.Images)(nil)
	_ pipeline.VideoGenerator = (*studio.Videos)(nil)
)

func TestThroughThePipelinePorts(t *testing.T) {
	t.Parallel()
	var images pipeline.ImageGenerator = studio.NewImages(studio.Options{PollWait: time.Minute})
	var videos pipeline.VideoGenerator = studio.NewVideos(studio.Options{MaxSide: 120, PollWait: time.Minute})
	if images.Name() != "studio" || videos.Name() != "studio" || videos.Model() != "studio-motion-v1" {
		t.Errorf("names: %s %s %s", images.Name(), videos.Name(), videos.Model())
	}
	ctx := context.Background()
	hero := shoot.ImageRequest{Kind: shoot.ImageHero, Resolution: "1K", AspectRatio: "2:3", Background: "studio-black", Seed: 11}
	if m := images.Model(hero); m != "studio-composite-v1" {
		t.Errorf("hero model %q", m)
	}
	h, err := images.SubmitImage(ctx, hero)
	if err != nil {
		t.Fatal(err)
	}
	st, err := images.PollImage(ctx, hero, h)
	if err != nil || !st.Done {
		t.Fatalf("hero: %+v %v", st, err)
	}
	sheet := shoot.ImageRequest{Kind: shoot.ImageContactSheet, Resolution: "1K", AspectRatio: "2:3", Seed: 11,
		References: []shoot.Reference{{Name: "hero.png", ContentType: "image/png", Data: st.Result.Data}}}
	h, err = images.SubmitImage(ctx, sheet)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := images.PollImage(ctx, sheet, h)
	if err != nil || !st2.Done || len(st2.Result.Data) == 0 {
		t.Fatalf("sheet: %+v %v", st2, err)
	}
	clip := shoot.ClipRequest{Start: sheet.References[0], End: shoot.Reference{Data: st2.Result.Data}, Seconds: 5, Seed: 1}
	ch, err := videos.SubmitClip(ctx, clip)
	if err != nil {
		t.Fatal(err)
	}
	st3, err := videos.PollClip(ctx, clip, ch)
	if err != nil || !st3.Done || st3.Result.ContentType != "video/mp4" {
		t.Fatalf("clip: %+v %v", st3, err)
	}
	if err := videos.CancelClip(ctx, ch); err != nil {
		t.Errorf("cancel after done: %v", err)
	}
}
