package media

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// cpuSeconds is the CPU time used so far by this process and every child it
// has waited for; on a shared machine it is steadier than wall time.
func cpuSeconds() float64 {
	var self, kids syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}

// BenchmarkStitch is the stitch benchmark: five 5 s 720p 24 fps clips
// become a 7.5 s 60 fps film (1.5 s per clip), once with Stitch and once
// with the two-step method (one ffmpeg per
// output frame seeking with -ss and writing a PNG, then one encode of the
// PNG sequence), with the same x264 settings (preset slow, CRF 18). Run it
// alone, it is slow:
//
//	go test ./internal/media -run '^$' -bench Stitch -benchtime 1x -timeout 30m
func BenchmarkStitch(b *testing.B) {
	dir := b.TempDir()
	clips := benchClips(b, dir)
	ease, err := Lookup(DefaultEasing)
	if err != nil {
		b.Fatal(err)
	}
	var onePass, perFrame time.Duration
	var onePassCPU, perFrameCPU float64
	b.Run("onepass", func(b *testing.B) {
		var ms runtime.MemStats
		cpu := cpuSeconds()
		for i := range b.N {
			out := filepath.Join(dir, fmt.Sprintf("onepass-%d.mp4", i))
			res, err := Stitch(context.Background(), StitchOptions{Clips: clips, Out: out, Easing: ease})
			if err != nil {
				b.Fatal(err)
			}
			if res.Frames != 450 {
				b.Fatalf("%d frames, want 450", res.Frames)
			}
		}
		onePass = b.Elapsed() / time.Duration(b.N)
		onePassCPU = (cpuSeconds() - cpu) / float64(b.N)
		b.ReportMetric(onePassCPU, "cpu-s/op")
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.TotalAlloc)/float64(b.N)/(1<<20), "MB-allocated/op")
	})
	b.Run("perframe-png", func(b *testing.B) {
		cpu := cpuSeconds()
		for i := range b.N {
			out := filepath.Join(dir, fmt.Sprintf("perframe-%d.mp4", i))
			pngBytes, err := stitchPerFramePNG(b, clips, out, ease)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(pngBytes)/(1<<20), "MB-of-PNGs/op")
		}
		perFrame = b.Elapsed() / time.Duration(b.N)
		perFrameCPU = (cpuSeconds() - cpu) / float64(b.N)
		b.ReportMetric(perFrameCPU, "cpu-s/op")
	})
	if onePass > 0 && perFrame > 0 {
		b.Logf("wall: one pass %v, per-frame PNG %v (%.1f× faster); CPU: %.1f s vs %.1f s (%.1f× less)",
			onePass.Round(time.Millisecond), perFrame.Round(time.Millisecond), perFrame.Seconds()/onePass.Seconds(),
			onePassCPU, perFrameCPU, perFrameCPU/onePassCPU)
	}
}

// benchClips renders the five sources outside the timer. A keyframe every
// second keeps the baseline's seeks cheap, so the comparison does not
// flatter the one-pass method.
func benchClips(b *testing.B, dir string) []string {
	b.Helper()
	clips := make([]string, 5)
	for i := range clips {
		src := fmt.Sprintf("testsrc2=s=1280x720:r=24:d=5.0416667,hue=h=%d", 70*i)
		clips[i] = makeClip(b, dir, fmt.Sprintf("clip-%d.mp4", i+1), src,
			"-c:v", "libx264", "-preset", "veryfast", "-g", "24", "-pix_fmt", "yuv420p")
	}
	b.ResetTimer()
	return clips
}

// stitchPerFramePNG is the naive method (every output frame extracted to a
// PNG, then encoded), kept here only as the benchmark's point of comparison. It returns the bytes of PNG written.
func stitchPerFramePNG(b *testing.B, clips []string, out string, ease Easing) (int64, error) {
	tmp := b.TempDir()
	n := OutputFrames(DefaultClipDuration, DefaultFPS)
	frame := 0
	for _, clip := range clips {
		info, err := Probe(context.Background(), clip)
		if err != nil {
			return 0, err
		}
		for _, t := range SourceTimes(ease, n, info.Duration, info.FPS) {
			png := filepath.Join(tmp, fmt.Sprintf("frame_%06d.png", frame))
			cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-ss", fmt.Sprintf("%.6f", t), "-i", clip,
				"-frames:v", "1", "-vf", fmt.Sprintf("scale=%d:%d", info.Width, info.Height), "-q:v", "1", png)
			if out, err := cmd.CombinedOutput(); err != nil {
				return 0, fmt.Errorf("frame %d: %v: %s", frame, err, out)
			}
			frame++
		}
	}
	var size int64
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			size += fi.Size()
		}
	}
	cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-framerate", fmt.Sprint(DefaultFPS),
		"-i", filepath.Join(tmp, "frame_%06d.png"), "-c:v", "libx264", "-preset", "slow", "-crf", "18",
		"-b:v", "25M", "-pix_fmt", "yuv420p", "-movflags", "+faststart", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("encode: %v: %s", err, msg)
	}
	return size, nil
}
