package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/telemetry"
)

// encoder is the single libx264 process the whole film is piped into.
type encoder struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stderr  *tailBuffer
	written int
	prog    progress
	// endSpan ends the encoder's trace span once the process is reaped.
	endSpan func(error)
}

// encoderGone marks a failed write to the encoder's stdin: the encoder
// died, and its stderr, not the broken pipe, says why.
type encoderGone struct{ err error }

func (e *encoderGone) Error() string { return "writing to the encoder: " + e.err.Error() }

// encodeArgs reads raw yuv420p at the output rate from stdin and writes
// browser-safe H.264 (High, yuv420p, moov first).
func encodeArgs(o StitchOptions, out string, total int) []string {
	fps := strconv.Itoa(o.FPS)
	args := []string{"-hide_banner", "-v", "error", "-y",
		"-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", fmt.Sprintf("%dx%d", o.Width, o.Height),
		"-framerate", fps, "-i", "pipe:0"}
	var audioOut []string
	if o.Audio != "" {
		var audioIn []string
		audioIn, audioOut = audioArgs(o.Audio, float64(total)/float64(o.FPS), o.loudness)
		args = append(args, audioIn...)
	}
	args = append(args, "-map", "0:v:0")
	args = append(args, audioOut...)
	return append(args, "-c:v", "libx264", "-profile:v", "high", "-preset", o.Preset,
		"-crf", strconv.Itoa(o.CRF), "-pix_fmt", "yuv420p", "-r", fps,
		"-movflags", "+faststart", "-f", "mp4", "file:"+out)
}

func startEncoder(ctx context.Context, o StitchOptions, out string, total int) (*encoder, error) {
	e := &encoder{stderr: newTailBuffer(), prog: progress{fn: o.Progress, total: total}}
	e.cmd = command(ctx, ffmpegBin, encodeArgs(o, out, total)...)
	e.cmd.Stderr = e.stderr
	stdin, err := e.cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	widenPipe(stdin)
	e.stdin = stdin
	e.endSpan = telemetry.StartProcess(ctx, ffmpegBin, "encode")
	if err := e.cmd.Start(); err != nil {
		e.endSpan(err)
		return nil, toolError(ctx, ffmpegBin, err, e.stderr)
	}
	return e, nil
}

// write hands one output frame to the encoder and counts it.
func (e *encoder) write(frame []byte) error {
	if _, err := e.stdin.Write(frame); err != nil {
		return &encoderGone{err}
	}
	e.written++
	e.prog.update(e.written)
	return nil
}

// finish ends the input and waits for the encoder to write the file.
func (e *encoder) finish(ctx context.Context) error {
	if err := e.stdin.Close(); err != nil {
		e.endSpan(err)
		return &encoderGone{err}
	}
	err := e.cmd.Wait()
	e.endSpan(err)
	if err != nil {
		return shoot.Wrap(toolError(ctx, ffmpegBin, err, e.stderr), shoot.EINTERNAL, "the encoder failed")
	}
	return nil
}

// abort is called with the error that stopped the film after cancelling
// the encoder's context; it reaps the process and, when the encoder itself
// was the problem, returns its own explanation instead.
func (e *encoder) abort(ctx context.Context, cause error) error {
	_ = e.stdin.Close()
	waitErr := e.cmd.Wait()
	e.endSpan(waitErr)
	var gone *encoderGone
	if errors.As(cause, &gone) && waitErr != nil {
		return shoot.Wrap(toolError(ctx, ffmpegBin, waitErr, e.stderr), shoot.EINTERNAL, "the encoder stopped early")
	}
	return cause
}

// progress reports the share of frames handed to the encoder, once per
// whole percent.
type progress struct {
	fn      func(pct float64)
	total   int
	lastPct int
}

func (p *progress) update(done int) {
	if p.fn == nil || p.total == 0 {
		return
	}
	if pct := done * 100 / p.total; pct > p.lastPct {
		p.lastPct = pct
		p.fn(float64(pct))
	}
}

// encodeFilm runs the encoder, feeds it every clip, verifies the result and
// only then moves it to o.Out, so a failed stitch never leaves a broken file
// where the finished one belongs.
func encodeFilm(ctx context.Context, o StitchOptions, plans []clipPlan, verify verifier) (*StitchResult, error) {
	total := totalFrames(plans)
	tmp, err := tempPath(o.Out)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp) // fails harmlessly once renamed
	encCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	enc, err := startEncoder(encCtx, o, tmp, total)
	if err != nil {
		return nil, err
	}
	reports, err := feedClips(encCtx, o, plans, enc.write)
	if err != nil {
		cancel()
		if ctx.Err() != nil {
			_ = enc.abort(ctx, err)
			return nil, ctx.Err()
		}
		return nil, enc.abort(ctx, err)
	}
	if err := enc.finish(ctx); err != nil {
		return nil, err
	}
	return finishFilm(ctx, o, tmp, enc.written, total, reports, verify)
}

// feedClips decodes the clips in order into emit.
func feedClips(ctx context.Context, o StitchOptions, plans []clipPlan, emit func([]byte) error) ([]ClipReport, error) {
	reports := make([]ClipReport, len(plans))
	for i, p := range plans {
		decoded, err := decodeClip(ctx, i, p, o.Width, o.Height, emit)
		if err != nil {
			return nil, err
		}
		reports[i] = ClipReport{Path: p.path, Duration: p.info.Duration, FPS: p.info.FPS,
			Width: p.info.Width, Height: p.info.Height, SourceFrames: decoded, OutputFrames: len(p.indices)}
	}
	return reports, nil
}

// finishFilm verifies the encoded file and moves it into place.
func finishFilm(ctx context.Context, o StitchOptions, tmp string, written, total int, reports []ClipReport, verify verifier) (*StitchResult, error) {
	if written != total {
		return nil, shoot.Errorf(shoot.EINTERNAL, "wrote %d frames to the encoder, expected %d", written, total)
	}
	size, err := placeFilm(ctx, tmp, o.Out, total, verify)
	if err != nil {
		return nil, err
	}
	return &StitchResult{Film: newFilm(o.Out, total, o.FPS, o.Width, o.Height, size, o.Audio != ""), Clips: reports}, nil
}

// Film describes a written film: where it is, its frames, length, rate,
// size in pixels and bytes, and whether it carries an audio track.
type Film struct {
	Out      string  `json:"out"`
	Frames   int     `json:"frames"`
	Duration float64 `json:"duration"`
	FPS      int     `json:"fps"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	Bytes    int64   `json:"bytes"`
	Audio    bool    `json:"audio"`
}

func newFilm(out string, frames, fps, w, h int, size int64, audio bool) Film {
	return Film{Out: out, Frames: frames, Duration: float64(frames) / float64(fps), FPS: fps,
		Width: w, Height: h, Bytes: size, Audio: audio}
}

// placeFilm verifies the film of total frames written to tmp and only then
// moves it to out, returning its size; a film that fails the check never
// takes the place of the finished one.
func placeFilm(ctx context.Context, tmp, out string, total int, verify verifier) (int64, error) {
	size, err := verify(ctx, tmp, total)
	if err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, out); err != nil {
		return 0, shoot.Wrap(err, shoot.EINTERNAL, "cannot move the film into place")
	}
	return size, nil
}

// verifier checks a written film of total frames and returns its size.
type verifier func(ctx context.Context, path string, total int) (int64, error)

// verifyFilm checks what the encoder wrote: a non-empty faststart MP4 of
// H.264 yuv420p holding exactly total frames when decoded.
func verifyFilm(ctx context.Context, path string, total int) (int64, error) {
	fail := verifyFailure(ctx)
	size, err := checkWritten(ctx, path, "the encoder wrote no file")
	if err != nil {
		return 0, err
	}
	info, err := Probe(ctx, path)
	if err != nil || info.Codec != "h264" || info.PixFmt != "yuv420p" {
		return fail(err, fmt.Sprintf("the film is %s/%s, not h264/yuv420p", info.Codec, info.PixFmt))
	}
	n, err := CountFrames(ctx, path)
	if err != nil || n != total {
		return fail(err, fmt.Sprintf("the film has %d frames, expected %d", n, total))
	}
	return size, nil
}

// verifySegment is the check of one segment, which sits on the path from
// a landed clip to the film: a non-empty faststart MP4 whose first video
// track is 8-bit 4:2:0 H.264 with exactly total samples, all read from the
// file's index in Go, with no ffprobe start. The encoder was handed
// exactly total frames and libx264 writes one sample per frame, so the
// samples are the frames; the film joined from the segments is counted
// again.
func verifySegment(ctx context.Context, path string, total int) (int64, error) {
	fail := verifyFailure(ctx)
	size, err := checkWritten(ctx, path, "the encoder wrote no segment")
	if err != nil {
		return 0, err
	}
	v, err := readVideoTrack(path)
	if err != nil || !v.h264yuv420p() {
		return fail(err, fmt.Sprintf("the segment is %s, not h264/yuv420p", v.format()))
	}
	if v.samples != total {
		return fail(nil, fmt.Sprintf("the segment has %d frames, expected %d", v.samples, total))
	}
	return size, nil
}

// outputTemp creates out's folder and reserves a temporary file in it (see
// tempPath).
func outputTemp(out string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", shoot.Wrap(err, shoot.EINTERNAL, "cannot create the output directory")
	}
	return tempPath(out)
}

// tempPath reserves a hidden file next to out for the encoder to write.
func tempPath(out string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.partial")
	if err != nil {
		return "", shoot.Wrap(err, shoot.EINTERNAL, "cannot create the output file")
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		return "", shoot.Wrap(err, shoot.EINTERNAL, "cannot create the output file")
	}
	return name, nil
}
