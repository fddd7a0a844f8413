package pipeline_test

import (
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/kling"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// BenchmarkPollingWithoutCallbacks runs two shoots in a row, with no public
// URL (so no webhook or callback), against the FAL fake for images (2 s a
// task) and, for clips (4 s a task), either FAL again (its status stream
// is followed) or Kling (polled on the adaptive schedule). The first shoot
// knows nothing of these tasks' usual time; the second has learned it
// from the first. It reports the most and the mean status requests a task
// took in each shoot, and how far each shoot's wall time runs past the 8 s
// its provider tasks keep it waiting on the critical path (hero, sheet,
// one clip).
//
//	go test ./internal/pipeline -run '^$' -bench PollingWithoutCallbacks -benchtime 1x
func BenchmarkPollingWithoutCallbacks(b *testing.B) {
	clip := smallClip(b)
	for _, clips := range []string{"fal", "kling"} {
		b.Run(clips, func(b *testing.B) {
			images := providertest.NewFAL(providertest.FALOptions{Image: sheetImage, Timing: providertest.Timing{WorkTime: 2 * time.Second}})
			b.Cleanup(images.Close)
			fv := providertest.NewFAL(providertest.FALOptions{Video: func(string, map[string]any) []byte { return clip },
				Timing: providertest.Timing{WorkTime: 4 * time.Second}})
			b.Cleanup(fv.Close)
			kf := providertest.NewKling(providertest.KlingOptions{Video: func(string, map[string]any) []byte { return clip },
				Timing: providertest.Timing{WorkTime: 4 * time.Second}})
			b.Cleanup(kf.Close)
			var videos pipeline.VideoGenerator = fal.NewVideos(fal.Options{Key: fv.Key(), QueueURL: fv.URL, RestURL: fv.URL})
			if clips == "kling" {
				videos = kling.NewVideos(kling.Options{AccessKey: kf.AccessKey(), SecretKey: kf.SecretKey(), BaseURL: kf.URL})
			}
			// The engine polls at its production pace, not the harness's.
			h := newHarness(b, harnessOptions{clipConcurrency: 5, clips: videos,
				images: fal.NewImages(fal.Options{Key: images.Key(), QueueURL: images.URL, RestURL: images.URL}),
				engine: func(o *pipeline.Options) { o.PollInterval, o.PollWindow = 0, 0 }})
			asked := func() map[string]int {
				all := map[string]int{}
				for id, n := range images.StatusRequestsByRequest() {
					all["image "+id] = n
				}
				for id, n := range fv.StatusRequestsByRequest() {
					all["fal clip "+id] = n
				}
				for id, n := range kf.PollsByTask() {
					all["kling "+id] = n
				}
				return all
			}
			opts := fast
			opts.AutoApprove = true
			for b.Loop() {
				for n := 1; n <= 2; n++ {
					before := asked()
					start := time.Now()
					_, evs := h.start(opts, h.upload(n))
					wall := time.Since(start)
					if end := last(b, evs); end["stage"] != shoot.StageComplete {
						b.Fatalf("shoot %d ended with %v", n, end)
					}
					most, sum, tasks := 0, 0, 0
					for id, c := range asked() {
						if _, old := before[id]; old {
							continue
						}
						most, sum, tasks = max(most, c), sum+c, tasks+1
					}
					if tasks == 0 {
						b.Fatalf("shoot %d made no provider task", n)
					}
					b.ReportMetric(float64(most), "shoot"+string(rune('0'+n))+"-max-status/task")
					b.ReportMetric(float64(sum)/float64(tasks), "shoot"+string(rune('0'+n))+"-mean-status/task")
					b.ReportMetric((wall - 8*time.Second).Seconds(), "shoot"+string(rune('0'+n))+"-past-tasks-s")
				}
			}
		})
	}
}
