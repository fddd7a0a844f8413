package pipeline_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// staggered holds clip n back until latency[n-1] after its submission and
// notes when each clip's result was handed to the engine.
type staggered struct {
	pipeline.VideoGenerator
	latency []time.Duration

	mu        sync.Mutex
	submitted map[string]time.Time
	landed    time.Time // the latest clip result handed over
}

func (s *staggered) SubmitClip(ctx context.Context, req shoot.ClipRequest) (string, error) {
	h, err := s.VideoGenerator.SubmitClip(ctx, req)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.submitted[h] = time.Now()
	return h, err
}

func (s *staggered) PollClip(ctx context.Context, req shoot.ClipRequest, h string) (shoot.TaskStatus, error) {
	var n int
	if i := strings.Index(req.Key, "-clip"); i >= 0 {
		_, _ = fmt.Sscanf(req.Key[i+len("-clip"):], "%d", &n)
	}
	s.mu.Lock()
	due := s.submitted[h].Add(s.latency[(n-1)%len(s.latency)])
	s.mu.Unlock()
	if time.Now().Before(due) {
		return shoot.TaskStatus{Progress: 0.5}, nil
	}
	st, err := s.VideoGenerator.PollClip(ctx, req, h)
	if err == nil && st.Done {
		s.mu.Lock()
		s.landed = time.Now()
		s.mu.Unlock()
	}
	return st, err
}

// BenchmarkStaggeredClips runs auto-approved shoots whose clips take 4, 6,
// 8, 10 and 12 s, landing in different orders, at the film's default
// settings, and reports how long after the last clip landed the film was
// complete (the exchange's closing event):
//
//	go test ./internal/pipeline -run '^$' -bench StaggeredClips -benchtime 1x
func BenchmarkStaggeredClips(b *testing.B) {
	s := func(secs ...int) []time.Duration {
		out := make([]time.Duration, len(secs))
		for i, v := range secs {
			out[i] = time.Duration(v) * time.Second
		}
		return out
	}
	orders := []struct {
		name    string
		latency []time.Duration
	}{
		{"ascending", s(4, 6, 8, 10, 12)},
		{"descending", s(12, 10, 8, 6, 4)},
		{"shuffled", s(8, 12, 4, 10, 6)},
	}
	for _, o := range orders {
		b.Run(o.name, func(b *testing.B) {
			var after time.Duration
			for b.Loop() {
				var clips *staggered
				h := newHarness(b, harnessOptions{production: true, pollWindow: 30 * time.Second,
					videos: func(v pipeline.VideoGenerator) pipeline.VideoGenerator {
						clips = &staggered{VideoGenerator: v, latency: o.latency, submitted: map[string]time.Time{}}
						return clips
					}})
				sid, evs := h.start(shoot.Options{AutoApprove: true, Resolution: "1K"}, h.upload(1))
				done := time.Now()
				if last(b, evs)["stage"] != shoot.StageComplete {
					b.Fatalf("the shoot ended at %v: %s", last(b, evs), types(evs))
				}
				h.latestAsset(sid, shoot.AssetFinal, 0)
				clips.mu.Lock()
				after = done.Sub(clips.landed)
				clips.mu.Unlock()
			}
			b.ReportMetric(after.Seconds(), "film-after-last-clip-s")
		})
	}
}
