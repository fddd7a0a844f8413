package media

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// A segment whose curve never swings back (each output frame shows the
// same source frame as the one before it or a later one) is cut by one
// ffmpeg process: the decoder's frames go through the same normalising
// filter as in a stitch, a select filter keeps the source frames the
// mapping names, each is stamped with the output frame that first shows
// it, and the fps filter repeats it until the next one is due. No raw
// frame crosses a pipe, which saves about a third of a segment's CPU
// (BenchmarkSegmentCPU). A curve that swings back (a bounce, an overshoot)
// shows a source frame again after a later one, which a filter chain
// cannot do; those clips go through the decoder pipe and the selector.

// monotonic reports whether indices never decrease.
func monotonic(indices []int) bool {
	for i := 1; i < len(indices); i++ {
		if indices[i] < indices[i-1] {
			return false
		}
	}
	return len(indices) > 0
}

// onePassFilter is the filter chain of a one-process segment: the
// stitch's normalisation to w×h, then the source frames of indices, each
// at the output frame that first shows it, at fps, the last one held
// until the encoder has all its frames.
func onePassFilter(p clipPlan, w, h, fps int) string {
	var sel, pts strings.Builder
	kept := 0
	for j, k := range p.indices {
		if j > 0 && k == p.indices[j-1] {
			continue
		}
		if kept > 0 {
			sel.WriteByte('+')
			pts.WriteByte('+')
		}
		fmt.Fprintf(&sel, "eq(n,%d)", k)
		fmt.Fprintf(&pts, "eq(N,%d)*%d", kept, j)
		kept++
	}
	return fmt.Sprintf("%s,select='%s',settb=1/%d,setpts='%s',tpad=stop=-1:stop_mode=clone,fps=%d",
		decodeFilter(p.info, w, h), sel.String(), fps, pts.String(), fps)
}

// onePassArgs decodes, selects and encodes in one ffmpeg, with the
// encoder settings of encodeArgs, stopping at exactly total frames.
func onePassArgs(o StitchOptions, p clipPlan, out string, total int) []string {
	args := append([]string{"-nostdin", "-hide_banner", "-v", "error", "-y"}, localInput(p.path)...)
	return append(args, "-map", "0:v:0", "-vf", onePassFilter(p, o.Width, o.Height, o.FPS),
		"-frames:v", strconv.Itoa(total), "-c:v", "libx264", "-profile:v", "high", "-preset", o.Preset,
		"-crf", strconv.Itoa(o.CRF), "-pix_fmt", "yuv420p", "-r", strconv.Itoa(o.FPS),
		"-movflags", "+faststart", "-f", "mp4", "file:"+out)
}

// encodeOnePass cuts a segment of one monotonic clip plan in one ffmpeg
// process. Its source frames are counted from the container at the same time,
// so a truncated clip fails as it does through the decoder pipe instead of
// having its gap filled with its last frame.
func encodeOnePass(ctx context.Context, o StitchOptions, p clipPlan, verify verifier) (*StitchResult, error) {
	total := len(p.indices)
	tmp, err := tempPath(o.Out)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp) // fails harmlessly once renamed
	var (
		packets  int
		countErr error
		wg       sync.WaitGroup
	)
	wg.Go(func() { packets, countErr = sourceFrames(ctx, p.path) })
	_, err = runTool(ctx, "segment", ffmpegBin, onePassArgs(o, p, tmp, total)...)
	wg.Wait()
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, shoot.Wrap(err, shoot.EINVALID, fmt.Sprintf("clip 1 (%s) could not be cut: %v", p.path, err))
	case countErr != nil:
		return nil, shoot.Wrap(countErr, shoot.EINVALID, fmt.Sprintf("clip 1 (%s) could not be read", p.path))
	}
	if err := checkDecodedCount(fmt.Sprintf("clip 1 (%s)", p.path), p.info, packets); err != nil {
		return nil, err
	}
	if o.Progress != nil {
		o.Progress(100)
	}
	report := ClipReport{Path: p.path, Duration: p.info.Duration, FPS: p.info.FPS, Width: p.info.Width,
		Height: p.info.Height, SourceFrames: packets, OutputFrames: total}
	return finishFilm(ctx, o, tmp, total, total, []ClipReport{report}, verify)
}

// sourceFrames is how many frames the clip at path holds: an MP4's sample
// count when its index reads in Go and its media boxes hold every sample
// (no ffprobe start on the way from a landed clip to the film), else the
// packets ffprobe finds.
func sourceFrames(ctx context.Context, path string) (int, error) {
	if v, err := readVideoTrack(path); err == nil && v.samples > 0 {
		return v.samples, nil
	}
	return countPackets(ctx, path)
}

// countPackets counts the packets of path's first video stream by reading
// the container, without decoding: one per frame for the codecs clips come
// in, and short of the header's count when the file is cut off.
func countPackets(ctx context.Context, path string) (int, error) {
	args := append([]string{"-v", "error", "-select_streams", "v:0", "-count_packets",
		"-show_entries", "stream=nb_read_packets", "-of", "default=noprint_wrappers=1:nokey=1"}, localInput(path)...)
	out, err := runTool(ctx, "count packets", ffprobeBin, args...)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return 0, fmt.Errorf("ffprobe counted %q packets", strings.TrimSpace(string(out)))
	}
	return n, nil
}
