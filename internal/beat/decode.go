package beat

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/telemetry"
)

// SampleRate is the rate Analyze works at: enough bandwidth for the click
// of a hi-hat or a rim, and half the samples of CD audio.
const SampleRate = 22050

// Decode reads the first maxSeconds of path (all of it when maxSeconds is
// 0) through ffmpeg, down-mixed to mono and resampled to rate, as float32
// samples in −1…1.
func Decode(ctx context.Context, path string, rate int, maxSeconds float64) ([]float32, error) {
	if rate < 1000 || rate > 192000 {
		return nil, fmt.Errorf("beat: sample rate %d out of range", rate)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("beat: audio bed: %w", err)
	}
	args := []string{"-hide_banner", "-nostdin", "-v", "error",
		"-protocol_whitelist", "file", "-i", "file:" + path, "-vn", "-sn", "-dn"}
	if maxSeconds > 0 {
		args = append(args, "-t", strconv.FormatFloat(maxSeconds, 'f', 3, 64))
	}
	args = append(args, "-ac", "1", "-ar", strconv.Itoa(rate), "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1")
	cmd := exec.CommandContext(ctx, "ffmpeg", args...)
	// ffmpeg needs nothing of the server's environment but its PATH.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	cmd.WaitDelay = 5 * time.Second
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	end := telemetry.StartProcess(ctx, "ffmpeg", "decode audio")
	err := cmd.Run()
	end(err)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("beat: ffmpeg is not installed or not on PATH: %w", err)
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 800 {
			msg = "…" + msg[len(msg)-800:]
		}
		return nil, fmt.Errorf("beat: decoding %s: %v: %s", path, err, msg)
	}
	raw := out.Bytes()
	if len(raw) < 4 {
		return nil, fmt.Errorf("beat: %s has no audio samples", path)
	}
	samples := make([]float32, len(raw)/4)
	for i := range samples {
		samples[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return samples, nil
}
