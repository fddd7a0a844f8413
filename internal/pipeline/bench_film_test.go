package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// remoteClips stands for a remote clip service: it spends none of this
// machine's CPU, finishes clip n latency[n-1] after its submission and
// then answers with a ready-made 5 s 720p clip, as Kling would. It notes
// when each clip was ready at the provider and when the engine got it.
type remoteClips struct {
	pipeline.VideoGenerator
	latency []time.Duration
	clips   [][]byte

	mu        sync.Mutex
	submitted map[string]time.Time
	ready     time.Time // the latest clip's provider-side finish
	landed    time.Time // the latest clip result handed to the engine
}

func clipNumber(key string) int {
	var n int
	if i := strings.Index(key, "-clip"); i >= 0 {
		_, _ = fmt.Sscanf(key[i+len("-clip"):], "%d", &n)
	}
	return max(n, 1)
}

func (s *remoteClips) SubmitClip(_ context.Context, req shoot.ClipRequest) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := fmt.Sprintf("remote-%s", req.Key)
	s.submitted[h] = time.Now()
	return h, nil
}

func (s *remoteClips) PollClip(_ context.Context, req shoot.ClipRequest, h string) (shoot.TaskStatus, error) {
	n := clipNumber(req.Key)
	s.mu.Lock()
	defer s.mu.Unlock()
	due := s.submitted[h].Add(s.latency[(n-1)%len(s.latency)])
	now := time.Now()
	if now.Before(due) {
		return shoot.TaskStatus{Progress: 0.5}, nil
	}
	if due.After(s.ready) {
		s.ready = due
	}
	if now.After(s.landed) {
		s.landed = now
	}
	data := s.clips[(n-1)%len(s.clips)]
	return shoot.TaskStatus{Done: true, Progress: 1, Result: &shoot.Artifact{Data: data, ContentType: "video/mp4",
		Provider: "remote", Model: "remote-clip"}}, nil
}

func (s *remoteClips) CancelClip(context.Context, string) error { return nil }

// remoteClipFiles encodes five distinct 5 s 1280x720 24 fps clips once.
func remoteClipFiles(b *testing.B) [][]byte {
	b.Helper()
	dir := b.TempDir()
	out := make([][]byte, 5)
	for i := range out {
		p := filepath.Join(dir, fmt.Sprintf("clip-%d.mp4", i+1))
		cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
			fmt.Sprintf("testsrc2=s=1280x720:r=24:d=5.0416667,hue=h=%d", 70*i),
			"-c:v", "libx264", "-preset", "veryfast", "-g", "24", "-pix_fmt", "yuv420p", p)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("making a clip: %v: %s", err, msg)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = data
	}
	return out
}

// BenchmarkStaggeredClips runs auto-approved shoots whose clips take 4, 6,
// 8, 10 and 12 s at a remote-like clip provider, landing in different
// orders, at the film's default settings, and reports how long after the
// last clip was ready at the provider the film was complete (the
// exchange's closing event), and the same from the moment the engine
// picked the clip up:
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
	files := remoteClipFiles(b)
	for _, o := range orders {
		b.Run(o.name, func(b *testing.B) {
			var afterReady, afterLanded time.Duration
			for b.Loop() {
				var clips *remoteClips
				h := newHarness(b, harnessOptions{production: true, pollWindow: 30 * time.Second,
					videos: func(v pipeline.VideoGenerator) pipeline.VideoGenerator {
						clips = &remoteClips{VideoGenerator: v, latency: o.latency, clips: files, submitted: map[string]time.Time{}}
						return clips
					}})
				sid, evs := h.start(shoot.Options{AutoApprove: true, Resolution: "1K"}, h.upload(1))
				done := time.Now()
				if last(b, evs)["stage"] != shoot.StageComplete {
					b.Fatalf("the shoot ended at %v: %s", last(b, evs), types(evs))
				}
				h.latestAsset(sid, shoot.AssetFinal, 0)
				clips.mu.Lock()
				afterReady, afterLanded = done.Sub(clips.ready), done.Sub(clips.landed)
				clips.mu.Unlock()
			}
			b.ReportMetric(afterReady.Seconds(), "film-after-last-clip-s")
			b.ReportMetric(afterLanded.Seconds(), "film-after-pickup-s")
		})
	}
}
