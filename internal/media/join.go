package media

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// JoinOptions configures JoinSegments.
type JoinOptions struct {
	// Segments are EncodeSegment outputs in playback order, all of one
	// size and frame rate.
	Segments []string
	// Frames is each segment's frame count (EncodeSegment's result), used
	// to place every segment on the film's timeline exactly.
	Frames []int
	// Out is the MP4 to write; it appears only once verified.
	Out string
	// FPS is the segments' (and the film's) frame rate.
	FPS int
	// Audio is the optional bed, muxed last: looped, trimmed to the film
	// and faded exactly as Stitch does.
	Audio string
}

// JoinResult describes the joined film.
type JoinResult struct {
	Film
	// Loudness is the audio's two-pass normalisation (nil without a bed or
	// for a silent one).
	Loudness *Loudness `json:"loudness,omitempty"`
}

func (o JoinOptions) validate() error {
	bad := func(format string, args ...any) error { return shoot.Errorf(shoot.EINVALID, format, args...) }
	switch {
	case len(o.Segments) == 0:
		return bad("a join needs at least one segment")
	case len(o.Frames) != len(o.Segments):
		return bad("%d frame counts for %d segments", len(o.Frames), len(o.Segments))
	case o.Out == "":
		return bad("a join needs an output file")
	case o.FPS < 1 || o.FPS > 240:
		return bad("output fps must be between 1 and 240, got %d", o.FPS)
	}
	for i, n := range o.Frames {
		if n < 1 {
			return bad("segment %d has no frames", i+1)
		}
	}
	return nil
}

// JoinSegments puts segments one after another without decoding them (the
// H.264 packets are copied), muxes the audio bed if any, and writes a
// faststart MP4 whose frame count, timing and pictures are those of the
// film Stitch makes from the same clips with the same settings.
//
// The segments must agree on codec, size and pixel format, or the join is
// refused rather than producing a film a player cannot show.
func JoinSegments(ctx context.Context, o JoinOptions) (*JoinResult, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	w, h, err := checkSegments(o.Segments)
	if err != nil {
		return nil, err
	}
	total := 0
	for _, n := range o.Frames {
		total += n
	}
	var loud *Loudness
	if o.Audio != "" {
		if err := checkAudio(ctx, o.Audio); err != nil {
			return nil, err
		}
		if loud, err = measureBed(ctx, o.Audio, float64(total)/float64(o.FPS)); err != nil {
			return nil, shoot.Wrap(err, shoot.EINTERNAL, "measuring the audio bed's loudness failed")
		}
	}
	tmp, err := outputTemp(o.Out)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	list, err := writeConcatList(o, tmp)
	if err != nil {
		return nil, err
	}
	defer os.Remove(list)
	if _, err := runTool(ctx, "join", ffmpegBin, joinArgs(o, list, tmp, total, loud)...); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "joining the segments failed")
	}
	size, err := placeFilm(ctx, tmp, o.Out, total, verifyJoined)
	if err != nil {
		return nil, err
	}
	return &JoinResult{Film: newFilm(o.Out, total, o.FPS, w, h, size, o.Audio != ""), Loudness: loud}, nil
}

// checkSegments reads every segment's index and insists they can share
// one H.264 stream: 8-bit 4:2:0 H.264 of one size and profile. The
// segments are this package's own files, so Go reads their index rather
// than starting an ffprobe for each.
func checkSegments(segs []string) (int, int, error) {
	var first videoTrack
	for i, p := range segs {
		v, err := readVideoTrack(p)
		switch {
		case err != nil && os.IsNotExist(err):
			return 0, 0, shoot.Wrap(err, shoot.ENOTFOUND, fmt.Sprintf("segment %d (%s) cannot be opened", i+1, p))
		case err != nil:
			return 0, 0, shoot.Wrap(err, shoot.EINVALID, fmt.Sprintf("segment %d (%s) is not a readable MP4", i+1, p))
		case !v.h264yuv420p():
			return 0, 0, shoot.Errorf(shoot.EINVALID, "segment %d is %s, not h264/yuv420p", i+1, v.format())
		}
		if i == 0 {
			first = v
			continue
		}
		if v.width != first.width || v.height != first.height || v.profile != first.profile || v.constraints != first.constraints {
			return 0, 0, shoot.Errorf(shoot.EINVALID, "segment %d is %dx%d %s, segment 1 is %dx%d %s", i+1,
				v.width, v.height, v.format(), first.width, first.height, first.format())
		}
	}
	return first.width, first.height, nil
}

// writeConcatList writes the concat demuxer's script next to tmp. Each
// entry states its duration (frames / fps), so segment k starts exactly
// where the frames before it end, as in a one-pass film.
func writeConcatList(o JoinOptions, tmp string) (string, error) {
	var b strings.Builder
	b.WriteString("ffconcat version 1.0\n")
	for i, p := range o.Segments {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", shoot.Wrap(err, shoot.EINTERNAL, "cannot name a segment")
		}
		fmt.Fprintf(&b, "file %s\nduration %s\n", concatQuote("file:"+abs),
			strconv.FormatFloat(float64(o.Frames[i])/float64(o.FPS), 'f', -1, 64))
	}
	list := tmp + ".ffconcat"
	if err := os.WriteFile(list, []byte(b.String()), 0o600); err != nil {
		return "", shoot.Wrap(err, shoot.EINTERNAL, "cannot write the segment list")
	}
	return list, nil
}

// concatQuote quotes a path for a concat script: inside single quotes
// everything is literal, and a single quote is closed, escaped and reopened.
func concatQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// joinArgs copies the video packets of the list into out, adding the bed.
// The list may name only local files, and only by the "file:" protocol.
func joinArgs(o JoinOptions, list, out string, total int, loud *Loudness) []string {
	args := []string{"-nostdin", "-hide_banner", "-v", "error", "-y",
		"-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", "file:" + list}
	var audioOut []string
	if o.Audio != "" {
		var audioIn []string
		audioIn, audioOut = audioArgs(o.Audio, float64(total)/float64(o.FPS), loud)
		args = append(args, audioIn...)
	}
	args = append(args, "-map", "0:v:0")
	args = append(args, audioOut...)
	return append(args, "-c:v", "copy", "-movflags", "+faststart", "-f", "mp4", "file:"+out)
}

// verifyJoined checks the joined file like a segment: its packets were
// copied from verified segments, so the samples its index lists, backed
// by the bytes of its media box, are the frames.
func verifyJoined(ctx context.Context, path string, total int) (int64, error) {
	size, err := checkWritten(ctx, path, "the join wrote no file")
	if err != nil {
		return 0, err
	}
	v, err := readVideoTrack(path)
	if err != nil || v.samples != total {
		return verifyFailure(ctx)(err, fmt.Sprintf("the film has %d frames, expected %d", v.samples, total))
	}
	return size, nil
}

// verifyFailure reports a failed check of a written film: the context's
// error when the work was cancelled, else EINTERNAL with msg.
func verifyFailure(ctx context.Context) func(err error, msg string) (int64, error) {
	return func(err error, msg string) (int64, error) {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, shoot.Wrap(err, shoot.EINTERNAL, msg)
	}
}

// checkWritten checks that path is a non-empty faststart MP4 and returns
// its size; empty names the failure of writing nothing.
func checkWritten(ctx context.Context, path, empty string) (int64, error) {
	fail := verifyFailure(ctx)
	st, err := os.Stat(path)
	if err != nil || st.Size() == 0 {
		return fail(err, empty)
	}
	if err := checkFaststart(path); err != nil {
		return fail(err, "the film is not a faststart MP4")
	}
	return st.Size(), nil
}
