package studio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// clipJob is everything a clip render needs: both frames already at the
// output size, the camera move and the frame count.
type clipJob struct {
	start, end *image.RGBA
	// la and lb are the frames split into subject and set for parallax; a
	// frame that could not be split has an empty subject layer.
	la, lb layers
	move   move
	frames int
	// report receives the fraction of frames written.
	report func(float64)
}

// clipStats reports the cost of a render, for logs and benchmarks.
type clipStats struct {
	ffmpegCPU time.Duration // user + system time of the ffmpeg process
}

// minClipBytes is the least an encoded clip can plausibly weigh; anything
// smaller means ffmpeg wrote a header and nothing else.
const minClipBytes = 1024

// renderClip draws the frames in Go and pipes them, raw, into one ffmpeg
// process that encodes H.264. One encoder and no temporary images: the
// cheapest way to make a clip whose first and last frames are exactly the
// given pictures.
func renderClip(ctx context.Context, o Options, job clipJob) ([]byte, clipStats, error) {
	var stats clipStats
	dir, err := os.MkdirTemp(o.TempDir, "studio-clip-")
	if err != nil {
		return nil, stats, shoot.Wrap(err, shoot.EINTERNAL, "could not create a temporary folder for the clip")
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "clip.mp4")
	w, h := job.start.Bounds().Dx(), job.start.Bounds().Dy()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, o.FFmpeg, ffmpegArgs(w, h, out)...)
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, stats, shoot.Wrap(err, shoot.EINTERNAL, "could not connect to ffmpeg")
	}
	if err := cmd.Start(); err != nil {
		return nil, stats, shoot.Wrap(err, shoot.EINTERNAL, "could not start ffmpeg for the studio clip")
	}
	writeErr := writeFrames(ctx, stdin, job, o.Workers)
	stdin.Close()
	waitErr := cmd.Wait()
	if cmd.ProcessState != nil {
		stats.ffmpegCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err := clipError(ctx, writeErr, waitErr, &stderr); err != nil {
		return nil, stats, err
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, stats, shoot.Wrap(err, shoot.EINTERNAL, "ffmpeg reported success but wrote no clip")
	}
	if len(data) < minClipBytes {
		return nil, stats, shoot.Errorf(shoot.EINTERNAL, "ffmpeg wrote a clip of only %d bytes", len(data))
	}
	return data, stats, nil
}

// ffmpegArgs encodes raw RGB frames from stdin as H.264 High, yuv420p with
// BT.709 colour (what browsers expect), moov atom first, no metadata that
// would change between runs.
func ffmpegArgs(w, h int, out string) []string {
	return []string{
		"-hide_banner", "-loglevel", "error", "-y",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-s", strconv.Itoa(w) + "x" + strconv.Itoa(h),
		"-framerate", strconv.Itoa(ClipFPS), "-i", "pipe:0",
		"-an", "-vf", "scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=yuv420p",
		"-c:v", "libx264", "-preset", "superfast", "-crf", "18", "-profile:v", "high",
		"-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
		"-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
		out,
	}
}

// writeFrames renders and writes every frame, stopping at the first write
// error (ffmpeg gone) or when ctx ends.
func writeFrames(ctx context.Context, w io.Writer, job clipJob, workers int) error {
	fw, fh := job.start.Bounds().Dx(), job.start.Bounds().Dy()
	buf := make([]byte, fw*fh*3)
	for i := range job.frames {
		if err := ctx.Err(); err != nil {
			return err
		}
		switch i {
		case 0: // the clip starts on its start frame, pixel for pixel
			packRGB(buf, job.start)
		case job.frames - 1: // and ends on its end frame
			packRGB(buf, job.end)
		default:
			drawLayeredFrame(buf, job.la, job.lb, job.move.layerPlan(i, job.frames, float64(fw), float64(fh)), workers)
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		if job.report != nil {
			job.report(float64(i+1) / float64(job.frames))
		}
	}
	return nil
}

// clipError turns the outcome of a render into one clear error: a
// cancellation, ffmpeg's own complaint, or a broken pipe.
func clipError(ctx context.Context, writeErr, waitErr error, stderr *bytes.Buffer) error {
	if err := ctx.Err(); err != nil {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "clip rendering was cancelled")
	}
	if waitErr != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 500 {
			msg = msg[len(msg)-500:]
		}
		var exitErr *exec.ExitError
		if errors.As(waitErr, &exitErr) {
			return shoot.Wrap(fmt.Errorf("%w: %s", waitErr, msg), shoot.EINTERNAL, "ffmpeg failed to encode the studio clip")
		}
		return shoot.Wrap(waitErr, shoot.EINTERNAL, "ffmpeg did not finish the studio clip")
	}
	if writeErr != nil {
		return shoot.Wrap(writeErr, shoot.EINTERNAL, "could not feed frames to ffmpeg")
	}
	return nil
}
