package media

import (
	"context"
	"errors"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestProbe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "av.mp4")
	cmd := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2",
		"-f", "lavfi", "-i", "sine=d=3", "-c:v", "libx264", "-preset", "superfast", "-pix_fmt", "yuv420p",
		"-c:a", "aac", path)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	info := probe(t, path)
	want := Info{Width: 320, Height: 240, FPS: 25, FrameRate: "25/1", PixFmt: "yuv420p", Codec: "h264",
		Profile: "High", Frames: 50, HasVideo: true, HasAudio: true}
	got := info
	got.Duration = 0
	if got != want {
		t.Errorf("Probe = %+v\nwant   %+v", got, want)
	}
	// The video stream's 2 s, not the container's 3 s the longer audio makes.
	if math.Abs(info.Duration-2) > 0.01 {
		t.Errorf("Duration = %v, want the video's 2 s", info.Duration)
	}
	if n, err := CountFrames(context.Background(), path); err != nil || n != 50 {
		t.Errorf("CountFrames = %d, %v; want 50", n, err)
	}
}

func TestProbeErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	junk := writeFile(t, dir, "junk.mp4", []byte("hello, not a video"))
	_, err := Probe(context.Background(), junk)
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), junk) {
		t.Errorf("Probe(junk) = %v, want EINVALID naming the file", err)
	}
	if _, err := CountFrames(context.Background(), junk); err == nil {
		t.Error("CountFrames(junk) succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Probe(ctx, junk); !errors.Is(err, context.Canceled) {
		t.Errorf("Probe with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestParseRate(t *testing.T) {
	t.Parallel()
	tests := map[string]float64{"24/1": 24, "30000/1001": 30000.0 / 1001, "0/0": 0, "25": 25, "N/A": 0, "": 0, "1/0": 0}
	for in, want := range tests {
		if got := parseRate(in); math.Abs(got-want) > 1e-12 {
			t.Errorf("parseRate(%q) = %v, want %v", in, got, want)
		}
	}
	if r, v := pickRate("0/0", "24/1"); r != "24/1" || v != 24 {
		t.Errorf("pickRate fell back to %q %v, want 24/1", r, v)
	}
	if r, _ := pickRate("90000/1", "30/1"); r != "30/1" {
		t.Errorf("pickRate accepted a timebase-like rate: %q", r)
	}
}

func TestRunToolErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := runTool(ctx, "test", "ffmpeg-that-is-not-installed")
	if shoot.ErrorCode(err) != shoot.EINTERNAL || !strings.Contains(err.Error(), "not installed") {
		t.Errorf("missing tool: %v", err)
	}
	_, err = runTool(ctx, "test", ffmpegBin, "-v", "error", "-i", "/definitely/not/here.mp4")
	if err == nil || !strings.Contains(err.Error(), "exited with status") || !strings.Contains(err.Error(), "No such file") {
		t.Errorf("failing ffmpeg: %v, want exit status and stderr", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = runTool(ctx, "test", ffmpegBin, "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc=r=10", "-f", "null", "-")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("endless ffmpeg under a deadline: %v, want context.DeadlineExceeded", err)
	}
}

func TestTailBuffer(t *testing.T) {
	t.Parallel()
	tb := &tailBuffer{max: 10}
	tb.Write([]byte("hello "))
	if tb.String() != "hello" {
		t.Errorf("short = %q", tb.String())
	}
	tb.Write([]byte("wonderful world"))
	if got := tb.String(); got != "…rful world" {
		t.Errorf("long = %q, want the last 10 bytes marked as cut", got)
	}
}

// A playlist-like input must not make ffprobe open anything but local
// files, and names are never read as protocols.
func TestLocalInputOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	playlist := writeFile(t, dir, "list.ffconcat", []byte("ffconcat version 1.0\nfile http://127.0.0.1:1/x.mp4\n"))
	if _, err := Probe(context.Background(), playlist); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("Probe(playlist with a URL) = %v, want EINVALID", err)
	}
	args := localInput("http://example.com/a.mp4")
	if args[len(args)-1] != "file:http://example.com/a.mp4" {
		t.Errorf("localInput = %v, want a file: input", args)
	}
}
