package media

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/telemetry"
)

// The film's loudness: −14 LUFS integrated, the level the big streaming
// and social platforms play music at, with true peaks kept 1.5 dB under
// full scale so the AAC encode does not clip, and the bed's own loudness
// range left as it is up to 11 LU.
const (
	TargetLUFS = -14.0
	targetTP   = -1.5
	targetLRA  = 11.0
)

// Loudness is the two-pass normalisation of a film's audio: what the first
// pass measured of the trimmed, faded bed, and the level asked of the
// second.
type Loudness struct {
	// Measured integrated loudness (LUFS), true peak (dBTP), loudness
	// range (LU) and gating threshold of the bed as it plays in the film.
	InputI      float64 `json:"input_i"`
	InputTP     float64 `json:"input_tp"`
	InputLRA    float64 `json:"input_lra"`
	InputThresh float64 `json:"input_thresh"`
	// Offset is the first pass's gain correction for the second.
	Offset float64 `json:"offset"`
	// TargetI is the integrated loudness the film is normalised to.
	TargetI float64 `json:"target_i"`
}

// checkAudio makes sure the audio bed exists and has an audio stream.
func checkAudio(ctx context.Context, path string) error {
	name := fmt.Sprintf("audio bed (%s)", path)
	if _, err := os.Stat(path); err != nil {
		return shoot.Wrap(err, shoot.ENOTFOUND, name+" cannot be opened")
	}
	info, err := Probe(ctx, path)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil && shoot.ErrorCode(err) != shoot.EINVALID:
		return err // ffprobe itself failed, not the bed
	case err != nil:
		return shoot.Wrap(err, shoot.EINVALID, name+" is not a readable media file")
	case !info.HasAudio:
		return shoot.Errorf(shoot.EINVALID, "%s has no audio stream", name)
	}
	return nil
}

// bedFilter cuts the looped bed to the film's length and fades it in and
// out (each fade at most a quarter of the film, so short films keep some
// full-volume sound; the music always ends faded to silence). The film's
// sound is stereo whatever the bed's layout; a layout named up front also
// lets loudnorm's resampler hand a mono bed on to the encoder.
func bedFilter(duration float64) string {
	fadeIn, fadeOut := min(0.5, duration/4), min(1.0, duration/4)
	return fmt.Sprintf("aformat=channel_layouts=stereo,atrim=end=%.6f,asetpts=PTS-STARTPTS,afade=t=in:st=0:d=%.3f,afade=t=out:st=%.6f:d=%.3f",
		duration, fadeIn, duration-fadeOut, fadeOut)
}

// loudnormTargets are loudnorm's target options.
func loudnormTargets() string {
	return fmt.Sprintf("loudnorm=I=%g:TP=%g:LRA=%g", TargetLUFS, targetTP, targetLRA)
}

// loudnormWindow is the span loudnorm looks ahead over when the peaks do
// not allow a plain gain and it works dynamically: a film shorter than
// this comes out far too quiet, so the bed is padded with silence to it
// before loudnorm and cut back after. Silence is gated out of loudness,
// so the padding changes neither pass's measurement.
const loudnormWindow = 3.5

// padFilter and unpadFilter surround loudnorm for a film of duration.
func padFilter(duration float64) string {
	return fmt.Sprintf("apad=whole_dur=%.6f", max(duration, loudnormWindow))
}

func unpadFilter(duration float64) string {
	return fmt.Sprintf("atrim=end=%.6f", duration)
}

// measureBed is the first loudnorm pass: it plays the bed as the film will
// (looped, trimmed, faded) and returns loudnorm's measurement. A silent
// bed has no loudness to correct and gives nil.
func measureBed(ctx context.Context, path string, duration float64) (*Loudness, error) {
	args := []string{"-nostdin", "-hide_banner", "-nostats", "-v", "info", "-stream_loop", "-1"}
	args = append(args, localInput(path)...)
	args = append(args, "-map", "0:a:0", "-af", bedFilter(duration)+","+padFilter(duration)+","+loudnormTargets()+":print_format=json",
		"-f", "null", "-")
	stderr := &tailBuffer{max: 16 << 10}
	cmd := command(ctx, ffmpegBin, args...)
	cmd.Stderr = stderr
	endSpan := telemetry.StartProcess(ctx, ffmpegBin, "measure loudness")
	err := cmd.Run()
	endSpan(err)
	if err != nil {
		return nil, toolError(ctx, ffmpegBin, err, stderr)
	}
	text := string(stderr.buf)
	start, end := strings.LastIndex(text, "{"), strings.LastIndex(text, "}")
	if start < 0 || end < start {
		return nil, fmt.Errorf("loudnorm printed no measurement")
	}
	var raw map[string]string
	if err := json.Unmarshal([]byte(text[start:end+1]), &raw); err != nil {
		return nil, fmt.Errorf("loudnorm's measurement: %w", err)
	}
	num := func(k string) (float64, bool) {
		v, err := strconv.ParseFloat(strings.TrimSpace(raw[k]), 64)
		return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
	}
	l := &Loudness{TargetI: TargetLUFS}
	for _, f := range []struct {
		key string
		to  *float64
	}{{"input_i", &l.InputI}, {"input_tp", &l.InputTP}, {"input_lra", &l.InputLRA},
		{"input_thresh", &l.InputThresh}, {"target_offset", &l.Offset}} {
		v, ok := num(f.key)
		if !ok {
			return nil, nil // silence: −inf loudness, nothing to normalise
		}
		*f.to = v
	}
	return l, nil
}

// audioArgs are the encoder arguments that add the bed: input 1 loops for
// ever so a short bed still fills the film, and the filter cuts it to the
// film's length, fades it, and (given the first pass's measurement) runs
// loudnorm's second pass with the measured values, linear where the peaks
// allow, so the film plays at TargetLUFS.
func audioArgs(path string, duration float64, m *Loudness) (input, output []string) {
	filter := bedFilter(duration)
	if m != nil {
		filter += fmt.Sprintf(",%s,%s:measured_I=%.2f:measured_TP=%.2f:measured_LRA=%.2f:measured_thresh=%.2f:offset=%.2f:linear=true,%s,aresample=48000",
			padFilter(duration), loudnormTargets(), m.InputI, m.InputTP, m.InputLRA, m.InputThresh, m.Offset, unpadFilter(duration))
	}
	input = append([]string{"-stream_loop", "-1"}, localInput(path)...)
	output = []string{"-map", "1:a:0", "-af", filter, "-c:a", "aac", "-b:a", "192k"}
	return input, output
}
