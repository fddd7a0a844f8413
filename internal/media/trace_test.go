package media_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/fashionshoot/shoot/internal/media"
)

// TestFFmpegRunsAreChildSpans stitches two tiny clips and probes a broken
// file under an active span: every ffmpeg and ffprobe run is a child span
// of it, named after the tool, with the operation, the exit code, and none
// of the arguments (no file path in any attribute); a failed run is marked
// as an error.
func TestFFmpegRunsAreChildSpans(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var clips []string
	for _, name := range []string{"a.mp4", "b.mp4"} {
		out := filepath.Join(dir, name)
		cmd := exec.Command("ffmpeg", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=s=160x120:r=24:d=1",
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("making %s: %v\n%s", name, err, b)
		}
		clips = append(clips, out)
	}
	broken := filepath.Join(dir, "broken.mp4")
	if err := os.WriteFile(broken, []byte("not a video"), 0o644); err != nil {
		t.Fatal(err)
	}

	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ctx, parent := tp.Tracer("media-test").Start(context.Background(), "stitch job")
	if _, err := media.Stitch(ctx, media.StitchOptions{Clips: clips, Out: filepath.Join(dir, "film.mp4"),
		ClipDuration: 0.25, FPS: 24, Preset: "ultrafast"}); err != nil {
		t.Fatal(err)
	}
	if _, err := media.Probe(ctx, broken); err == nil {
		t.Fatal("probing a text file succeeded")
	}
	parent.End()

	ops := map[string]int{} // "tool op" → runs
	failed := 0
	for _, s := range rec.Ended() {
		if s.Name() == "stitch job" {
			continue
		}
		if s.Parent().SpanID() != parent.SpanContext().SpanID() || s.SpanContext().TraceID() != parent.SpanContext().TraceID() {
			t.Errorf("span %q is not a child of the active span", s.Name())
		}
		attrs := map[string]string{}
		for _, kv := range s.Attributes() {
			v := kv.Value.Emit()
			attrs[string(kv.Key)] = v
			if strings.Contains(v, dir) {
				t.Errorf("span %q attribute %s holds a path: %q", s.Name(), kv.Key, v)
			}
		}
		if attrs["process.executable.name"] != s.Name() || (s.Name() != "ffmpeg" && s.Name() != "ffprobe") {
			t.Errorf("span %q names executable %q", s.Name(), attrs["process.executable.name"])
		}
		if _, ok := attrs["process.exit.code"]; !ok {
			t.Errorf("span %q (%s) has no exit code", s.Name(), attrs["shoot.media.op"])
		}
		if s.EndTime().Before(s.StartTime()) {
			t.Errorf("span %q ends before it starts", s.Name())
		}
		ops[s.Name()+" "+attrs["shoot.media.op"]]++
		if s.Status().Code == codes.Error {
			failed++
			if attrs["process.exit.code"] == "0" {
				t.Errorf("failed span %q reports exit code 0", s.Name())
			}
		}
	}
	if ops["ffmpeg decode"] != 2 || ops["ffmpeg encode"] != 1 || ops["ffprobe probe"] < 3 {
		t.Errorf("runs by tool and operation %v; want 2 decodes, 1 encode and a probe per clip plus the broken file", ops)
	}
	if failed != 1 {
		t.Errorf("%d failed runs, want 1 (the broken file's probe)", failed)
	}
}
