package media

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU used by who (syscall.RUSAGE_SELF or
// syscall.RUSAGE_CHILDREN, the reaped ones), user and system.
func cpuTime(b *testing.B, who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSegmentCPU cuts one 5 s 720p clip's segment at the film's
// settings, as the pipeline does when a clip lands, and reports the CPU
// it costs (this process and ffmpeg's, user and system): on a busy
// machine the wall time says little, the CPU time is what the last
// clip's segment makes the film wait for, divided by the cores.
// go-cpu-s is this process's share: moving raw frames between the decoder
// and the encoder.
//
//	go test ./internal/media -run '^$' -bench SegmentCPU
func BenchmarkSegmentCPU(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	clip := benchClips(b, dir)[0]
	ease, err := Lookup(DefaultEasing)
	if err != nil {
		b.Fatal(err)
	}
	self, children := cpuTime(b, syscall.RUSAGE_SELF), cpuTime(b, syscall.RUSAGE_CHILDREN)
	for i := 0; b.Loop(); i++ {
		if _, err := EncodeSegment(ctx, StitchOptions{Clips: []string{clip}, Out: filepath.Join(dir, fmt.Sprintf("seg-%d.mp4", i)),
			Easing: ease, Preset: FilmPreset, CRF: FilmCRF}); err != nil {
			b.Fatal(err)
		}
	}
	self = cpuTime(b, syscall.RUSAGE_SELF) - self
	children = cpuTime(b, syscall.RUSAGE_CHILDREN) - children
	b.ReportMetric((self+children).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(self.Seconds()/float64(b.N), "go-cpu-s/op")
}
