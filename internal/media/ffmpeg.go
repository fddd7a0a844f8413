package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/telemetry"
)

// The tools are looked up on PATH; the pipeline's container image and the
// test machines install them as ffmpeg and ffprobe.
const (
	ffmpegBin  = "ffmpeg"
	ffprobeBin = "ffprobe"
)

// stderrTail is how much of a tool's stderr an error message keeps: enough
// for ffmpeg's last few lines, which name the actual problem.
const stderrTail = 1500

// waitDelay bounds how long Wait lingers for pipes after a killed child.
const waitDelay = 5 * time.Second

// localInput names a local file as an ffmpeg/ffprobe input. The "file:"
// prefix stops a name such as "http://…" or "concat:…" from being read as a
// protocol, and the whitelist stops a playlist-like file from making ffmpeg
// open anything but local files.
func localInput(path string) []string {
	return []string{"-protocol_whitelist", "file", "-i", "file:" + path}
}

// tailBuffer is an io.Writer that keeps only the last max bytes written, so
// a chatty child cannot grow memory without bound.
type tailBuffer struct {
	max int
	buf []byte
}

func newTailBuffer() *tailBuffer { return &tailBuffer{max: stderrTail} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// String returns the kept text, trimmed, with a marker when it was cut.
func (t *tailBuffer) String() string {
	s := strings.TrimSpace(string(t.buf))
	if len(t.buf) >= t.max {
		s = "…" + s
	}
	return s
}

// command prepares name with args under ctx. Cancelling ctx kills the
// child. The child gets a minimal environment: ffmpeg needs no secrets, so
// it is never handed the provider keys the server holds.
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	}
	cmd.WaitDelay = waitDelay
	return cmd
}

// runTool runs a tool to completion and returns its stdout. A non-zero exit
// becomes an error carrying the tail of stderr; a cancelled ctx wins over
// whatever the killed child said. op names the run in its trace span
// ("probe", "join").
func runTool(ctx context.Context, op, name string, args ...string) ([]byte, error) {
	var stdout bytes.Buffer
	stderr := newTailBuffer()
	cmd := command(ctx, name, args...)
	cmd.Stdout = &stdout
	cmd.Stderr = stderr
	end := telemetry.StartProcess(ctx, name, op)
	err := cmd.Run()
	end(err)
	if err != nil {
		return nil, toolError(ctx, name, err, stderr)
	}
	return stdout.Bytes(), nil
}

// toolError explains why a child failed: the context ended, the binary is
// missing, or it exited badly (with its last stderr lines).
func toolError(ctx context.Context, name string, err error, stderr *tailBuffer) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, exec.ErrNotFound) {
		return shoot.Wrap(err, shoot.EINTERNAL, name+" is not installed or not on PATH")
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if tail := stderr.String(); tail != "" {
			return fmt.Errorf("%s exited with status %d: %s", name, exit.ExitCode(), tail)
		}
		return fmt.Errorf("%s exited with status %d", name, exit.ExitCode())
	}
	return fmt.Errorf("%s: %w", name, err)
}
