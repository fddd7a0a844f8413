package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Info is what ffprobe says about a media file's first video stream (video
// fields are zero when there is none).
type Info struct {
	// Duration is the video stream's duration in seconds, or the container's
	// when the stream does not state one.
	Duration float64 `json:"duration"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	// FPS is the average frame rate (the nominal rate when no average is
	// known); FrameRate is the same as ffprobe's exact "num/den".
	FPS       float64 `json:"fps"`
	FrameRate string  `json:"frame_rate"`
	PixFmt    string  `json:"pix_fmt"`
	Codec     string  `json:"codec"`
	Profile   string  `json:"profile"`
	// Frames is the frame count the container header declares (0 if it
	// declares none); CountFrames decodes to get the real number.
	Frames   int  `json:"frames"`
	HasVideo bool `json:"has_video"`
	HasAudio bool `json:"has_audio"`
}

// probeOutput is the subset of `ffprobe -print_format json` we read.
type probeOutput struct {
	Streams []struct {
		CodecType    string `json:"codec_type"`
		CodecName    string `json:"codec_name"`
		Profile      string `json:"profile"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		PixFmt       string `json:"pix_fmt"`
		RFrameRate   string `json:"r_frame_rate"`
		AvgFrameRate string `json:"avg_frame_rate"`
		Duration     string `json:"duration"`
		NbFrames     string `json:"nb_frames"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// Probe describes the media file at path. A file ffprobe cannot read is an
// EINVALID error whose message names the file.
func Probe(ctx context.Context, path string) (Info, error) {
	args := append([]string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams"}, localInput(path)...)
	out, err := runTool(ctx, "probe", ffprobeBin, args...)
	if err != nil {
		var se *shoot.Error
		if ctx.Err() != nil || errors.As(err, &se) {
			return Info{}, err // cancelled, or ffprobe itself is missing
		}
		return Info{}, shoot.Wrap(err, shoot.EINVALID, fmt.Sprintf("%s is not a readable media file", path))
	}
	var po probeOutput
	if err := json.Unmarshal(out, &po); err != nil {
		return Info{}, shoot.Wrap(err, shoot.EINTERNAL, "cannot parse ffprobe output for "+path)
	}
	return po.info(), nil
}

// info turns ffprobe's strings into numbers, preferring the first video
// stream's own duration over the container's (an audio track can make the
// container longer than the picture).
func (po probeOutput) info() Info {
	var in Info
	for _, s := range po.Streams {
		switch {
		case s.CodecType == "audio":
			in.HasAudio = true
		case s.CodecType == "video" && !in.HasVideo:
			in.HasVideo = true
			in.Codec, in.Profile, in.PixFmt = s.CodecName, s.Profile, s.PixFmt
			in.Width, in.Height = s.Width, s.Height
			in.FrameRate, in.FPS = pickRate(s.AvgFrameRate, s.RFrameRate)
			in.Duration = parseFloat(s.Duration)
			in.Frames, _ = strconv.Atoi(s.NbFrames)
		}
	}
	if in.Duration <= 0 {
		in.Duration = parseFloat(po.Format.Duration)
	}
	return in
}

// pickRate returns the first usable "num/den" rate and its value. The
// average rate comes first because the nominal one can be a timebase-like
// 90000/1 for variable-rate phone footage.
func pickRate(rates ...string) (string, float64) {
	for _, r := range rates {
		if v := parseRate(r); v > 0 && v <= 1000 {
			return r, v
		}
	}
	return "", 0
}

// parseRate parses "num/den" or a plain number; anything else is 0.
func parseRate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	if !ok {
		return parseFloat(s)
	}
	n, d := parseFloat(num), parseFloat(den)
	if d <= 0 {
		return 0
	}
	return n / d
}

// parseFloat is strconv.ParseFloat that maps "N/A" and junk to 0.
func parseFloat(s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0
	}
	return v
}

// CountFrames decodes the first video stream of path and returns how many
// frames it really holds (ffprobe -count_frames), the ground truth the
// stitch checks its output against.
func CountFrames(ctx context.Context, path string) (int, error) {
	args := append([]string{"-v", "error", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream=nb_read_frames", "-of", "default=noprint_wrappers=1:nokey=1"}, localInput(path)...)
	out, err := runTool(ctx, "count frames", ffprobeBin, args...)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return 0, fmt.Errorf("ffprobe counted no frames in %s (%q)", path, strings.TrimSpace(string(out)))
	}
	return n, nil
}
