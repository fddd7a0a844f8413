package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// clipList is a repeatable --clip flag.
type clipList []string

func (c *clipList) String() string { return strings.Join(*c, ",") }

func (c *clipList) Set(v string) error {
	*c = append(*c, v)
	return nil
}

// stitchFlags are the parsed flags of `shoot stitch`.
type stitchFlags struct {
	clips         clipList
	out           string
	clipDuration  float64
	fps, crf      int
	easing, bez   string
	audio, preset string
	json          bool
}

// cmdStitch ramps clips with an easing and joins them into one film, the
// final stage of the pipeline run by hand.
func cmdStitch(ctx context.Context, e *env, args []string) error {
	f, err := parseStitchFlags(e, args)
	if err != nil {
		return err
	}
	opts, err := f.options()
	if err != nil {
		return err
	}
	if !f.json {
		opts.Progress = stitchProgress(e)
	}
	res, err := media.Stitch(ctx, opts)
	if err != nil {
		return err
	}
	if f.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d frames, %.2f s at %d fps, %dx%d, %d bytes\n",
		res.Out, res.Frames, res.Duration, res.FPS, res.Width, res.Height, res.Bytes)
	return nil
}

func parseStitchFlags(e *env, args []string) (*stitchFlags, error) {
	f := &stitchFlags{}
	fs := newFlagSet(e, "stitch", "--clip A.mp4 --clip B.mp4 … --out FILE [flags]")
	fs.Var(&f.clips, "clip", "a source clip, in playback order (repeat the flag)")
	fs.StringVar(&f.out, "out", "", "the film to write (MP4)")
	fs.Float64Var(&f.clipDuration, "clip-duration", media.DefaultClipDuration, "seconds each clip lasts after the speed ramp")
	fs.IntVar(&f.fps, "fps", media.DefaultFPS, "output frame rate")
	fs.StringVar(&f.easing, "easing", "", "speed curve by name (default "+media.DefaultEasing+"; see `shoot easings`)")
	fs.StringVar(&f.bez, "bezier", "", "custom speed curve x1,y1,x2,y2 (instead of --easing)")
	fs.StringVar(&f.audio, "audio", "", "optional audio bed, looped, trimmed and faded to the film")
	fs.IntVar(&f.crf, "crf", media.DefaultCRF, "x264 quality (lower is better, 1–51)")
	fs.StringVar(&f.preset, "preset", media.DefaultPreset, "x264 preset (ultrafast … veryslow)")
	fs.BoolVar(&f.json, "json", false, "print a JSON summary instead of progress and a line of text")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	switch {
	case len(f.clips) == 0:
		return nil, usagef("at least one --clip is required")
	case f.out == "":
		return nil, usagef("--out is required")
	case f.easing != "" && f.bez != "":
		return nil, usagef("use --easing or --bezier, not both")
	}
	return f, nil
}

// options turns the flags into checked stitch options; anything wrong with
// them is a usage error.
func (f *stitchFlags) options() (media.StitchOptions, error) {
	ease, err := chooseEasing(f.easing, f.bez)
	if err != nil {
		return media.StitchOptions{}, err
	}
	opts := media.StitchOptions{Clips: f.clips, Out: f.out, ClipDuration: f.clipDuration, FPS: f.fps,
		Easing: ease, CRF: f.crf, Preset: f.preset, Audio: f.audio}
	if f.fps == 0 || f.crf == 0 || f.clipDuration == 0 {
		return opts, usagef("--fps, --crf and --clip-duration must not be 0")
	}
	if err := opts.Validate(); err != nil {
		return opts, usagef("%s", shoot.ErrorMessage(err))
	}
	return opts, nil
}

// chooseEasing resolves --easing or --bezier (default dramaticSwoop).
func chooseEasing(name, bezier string) (media.Easing, error) {
	var ease media.Easing
	var err error
	switch {
	case bezier != "":
		ease, err = media.ParseBezier(bezier)
	case name != "":
		ease, err = media.Lookup(name)
	default:
		ease, err = media.Lookup(media.DefaultEasing)
	}
	if err != nil {
		return nil, usagef("%s", shoot.ErrorMessage(err))
	}
	return ease, nil
}

// stitchProgress prints a line to stderr every ten percent.
func stitchProgress(e *env) func(float64) {
	next := 10.0
	return func(pct float64) {
		if pct >= next {
			fmt.Fprintf(e.stderr, "shoot stitch: %3.0f%%\n", pct)
			for next <= pct {
				next += 10
			}
		}
	}
}
