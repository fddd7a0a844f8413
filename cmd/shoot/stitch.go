package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fashionshoot/shoot/internal/beat"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/reframe"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/social"
)

// clipList is a repeatable --clip flag.
type clipList []string

func (c *clipList) String() string { return strings.Join(*c, ",") }

// Type names the flag's value in --help.
func (c *clipList) Type() string { return "FILE" }

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
	// x264 is --x264-preset, the encoder's speed; platform is the
	// platform --preset named, if it named one.
	x264     string
	platform *social.Preset
	json     bool
	// onBeat cuts on the bed's beats; onBeatSet says the user asked for it
	// by name, so a bed without a beat is an error rather than a note.
	onBeat, onBeatSet bool
	// deliver are the extra formats, each written to <dir of --out>/<9x16…>/<name of --out>.
	deliver []string
}

// newStitchCmd is `shoot stitch`: it ramps clips with an easing and joins
// them into one film, the final stage of the pipeline run by hand.
func newStitchCmd(e *env) *cobra.Command {
	f := &stitchFlags{}
	cmd := &cobra.Command{Use: "stitch --clip A.mp4 --clip B.mp4 … --out FILE",
		Short: "ramp clips with a speed curve and join them into one film", Args: noArgs}
	fs := cmd.Flags()
	fs.Var(&f.clips, "clip", "a source clip `FILE`, in playback order (repeat the flag)")
	fs.StringVar(&f.out, "out", "", "the film `FILE` to write (MP4)")
	fs.Float64Var(&f.clipDuration, "clip-duration", media.DefaultClipDuration, "seconds each clip lasts after the speed ramp")
	fs.IntVar(&f.fps, "fps", media.DefaultFPS, "output frame rate")
	fs.StringVar(&f.easing, "easing", "", "speed curve by name (default "+media.DefaultEasing+"; see shoot easings)")
	fs.StringVar(&f.bez, "bezier", "", "custom speed curve x1,y1,x2,y2 (instead of --easing)")
	fs.StringVar(&f.audio, "audio", "", "optional audio bed, looped, trimmed, faded and normalised to −14 LUFS")
	fs.StringSliceVar(&f.deliver, "deliver", nil, "also write the film in these formats, e.g. 9:16,4:5,1:1,16:9, each in a folder 9x16, 4x5, 1x1, 16x9 next to --out, reframed to follow the subject, with poster.jpg, poster.webp and a 3 s preview.webp")
	fs.BoolVar(&f.onBeat, "on-beat", true, "with --audio, time each clip so every cut lands on a beat of the bed")
	fs.IntVar(&f.crf, "crf", media.DefaultCRF, "x264 quality (lower is better, 1–51)")
	fs.StringVar(&f.preset, "preset", "", "post to this platform: reels, tiktok, feed or youtube; adds its format to --deliver, checks its frame-rate and length limits, caps its bitrate and names the file <name>-reels-9x16.mp4 … (an x264 speed preset is still taken here, as --x264-preset)")
	fs.StringVar(&f.x264, "x264-preset", media.DefaultPreset, "x264 speed preset (ultrafast … veryslow)")
	bindJSON(fs, &f.json, "a summary of the film, without progress,")
	completeWords(cmd, "easing", media.Names()...)
	completeWords(cmd, "preset", social.Names()...)
	completeWords(cmd, "x264-preset", social.X264Presets...)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := f.choosePreset(cmd.Flags().Changed("x264-preset")); err != nil {
			return err
		}
		if err := f.check(); err != nil {
			return err
		}
		f.onBeatSet = cmd.Flags().Changed("on-beat")
		if f.onBeatSet && f.onBeat && f.audio == "" {
			return usagef("--on-beat needs --audio")
		}
		return stitch(cmd.Context(), e, f)
	}
	return cmd
}

// stitch makes the film and reports it.
func stitch(ctx context.Context, e *env, f *stitchFlags) error {
	opts, err := f.options()
	if err != nil {
		return err
	}
	if !f.json {
		bar := newStitchBar(e)
		opts.Progress = bar.set
		defer bar.done()
	}
	res, err := media.Stitch(ctx, opts)
	if opts.OnBeat && !f.onBeatSet && (errors.Is(err, beat.ErrNoPulse) || errors.Is(err, beat.ErrNoFit)) {
		// Cutting on the beat was only the default: say why not, and cut
		// evenly instead.
		fmt.Fprintf(e.stderr, "note: %s; cutting every %.2f s instead\n", shoot.ErrorMessage(err), opts.ClipDuration)
		opts.OnBeat = false
		res, err = media.Stitch(ctx, opts)
	}
	if err != nil {
		return err
	}
	formats, err := f.formats()
	if err != nil {
		return err
	}
	var caps map[reframe.Format]int
	if p := f.platform; p != nil {
		if err := p.CheckLength(res.Duration); err != nil {
			return usagef("--preset %s: %v", p.Name, err)
		}
		if k := p.Kbps(res.FPS); k > 0 {
			caps = map[reframe.Format]int{p.Format: k}
		}
	}
	var delivered []*media.ReframeResult
	if len(formats) > 0 {
		var cuts []int
		at := 0
		for _, c := range res.Clips[:len(res.Clips)-1] {
			at += c.OutputFrames
			cuts = append(cuts, at)
		}
		delivered, err = media.Deliver(ctx, media.DeliverOptions{In: res.Out, Dir: filepath.Dir(res.Out), Name: filepath.Base(res.Out),
			Formats: formats, Cuts: cuts, Posters: true, MaxKbps: caps})
		if err != nil {
			return err
		}
	}
	var platformFile string
	if p := f.platform; p != nil {
		for _, d := range delivered {
			if d.Format == p.Format.String() {
				if platformFile, err = linkPresetFile(d.Out, *p); err != nil {
					return err
				}
			}
		}
	}
	if f.json {
		if len(delivered) > 0 {
			return writeJSON(e.stdout, struct {
				*media.StitchResult
				Formats  []*media.ReframeResult `json:"formats"`
				Preset   *social.Preset         `json:"preset,omitempty"`
				Platform string                 `json:"platformFile,omitempty"`
			}{res, delivered, f.platform, platformFile})
		}
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d frames, %.2f s at %d fps, %dx%d, %d bytes\n",
		res.Out, res.Frames, res.Duration, res.FPS, res.Width, res.Height, res.Bytes)
	if b := res.Beat; b != nil {
		fmt.Fprintf(e.stdout, "cut on the beat: %.1f BPM, cuts at %s s\n", b.Tempo, joinSeconds(b.Cuts[:len(b.Cuts)-1]))
	}
	if l := res.Loudness; l != nil {
		fmt.Fprintf(e.stdout, "audio normalised from %.1f to %.0f LUFS\n", l.InputI, l.TargetI)
	}
	for _, d := range delivered {
		fmt.Fprintf(e.stdout, "wrote %s: %s, %dx%d (%s)\n", d.Out, d.Format, d.Width, d.Height, d.Mode)
	}
	if platformFile != "" {
		fmt.Fprintf(e.stdout, "for %s: %s\n", f.platform.Platform, platformFile)
	}
	return nil
}

// choosePreset sorts --preset into a platform or, as it was before the
// platforms, an x264 speed preset; the two sets of names are disjoint.
func (f *stitchFlags) choosePreset(x264Set bool) error {
	switch p, ok := social.Lookup(f.preset); {
	case f.preset == "":
	case ok:
		f.platform = &p
	case social.IsX264(f.preset):
		if x264Set && f.x264 != f.preset {
			return usagef("--preset %s and --x264-preset %s both set the x264 preset; use --x264-preset", f.preset, f.x264)
		}
		f.x264 = f.preset
	default:
		return usagef("--preset: unknown preset %q (a platform: %s; or an x264 speed preset: %s)",
			f.preset, strings.Join(social.Names(), ", "), strings.Join(social.X264Presets, ", "))
	}
	return nil
}

// formats parses --deliver, with the platform's format after the asked ones.
func (f *stitchFlags) formats() ([]reframe.Format, error) {
	var out []reframe.Format
	seen := map[reframe.Format]bool{}

	for _, s := range f.deliver {
		r, err := reframe.ParseFormat(s)
		if err != nil {
			return nil, usagef("--deliver: %v", err)
		}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if p := f.platform; p != nil && !seen[p.Format] {
		out = append(out, p.Format)
	}
	return out, nil
}

// joinSeconds writes times as "1.20, 2.40".
func joinSeconds(ts []float64) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = strconv.FormatFloat(t, 'f', 2, 64)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// check refuses missing or conflicting flags.
func (f *stitchFlags) check() error {
	switch {
	case len(f.clips) == 0:
		return usagef("at least one --clip is required")
	case f.out == "":
		return usagef("--out is required")
	case f.easing != "" && f.bez != "":
		return usagef("use --easing or --bezier, not both")
	}
	if _, err := f.formats(); err != nil {
		return err
	}
	if p := f.platform; p != nil {
		if err := p.CheckFPS(f.fps); err != nil {
			return usagef("--preset %s: %v", p.Name, err)
		}
		if err := p.CheckLength(float64(len(f.clips)) * f.clipDuration); err != nil && !(f.audio != "" && f.onBeat) {
			return usagef("--preset %s: %v", p.Name, err)
		}
	}
	return nil
}

// options turns the flags into checked stitch options; anything wrong with
// them is a usage error.
func (f *stitchFlags) options() (media.StitchOptions, error) {
	ease, err := chooseEasing(f.easing, f.bez)
	if err != nil {
		return media.StitchOptions{}, err
	}
	opts := media.StitchOptions{Clips: f.clips, Out: f.out, ClipDuration: f.clipDuration, FPS: f.fps,
		Easing: ease, CRF: f.crf, Preset: f.x264, Audio: f.audio, OnBeat: f.audio != "" && f.onBeat}
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

// stitchBar shows the encoding's progress on stderr: a bar redrawn in
// place on a terminal, otherwise a line every ten percent.
type stitchBar struct {
	e    *env
	next float64
	last int
	drew bool
}

func newStitchBar(e *env) *stitchBar { return &stitchBar{e: e, next: 10, last: -1} }

func (b *stitchBar) set(pct float64) {
	if b.e.tty {
		if p := int(pct); p != b.last {
			b.last, b.drew = p, true
			fmt.Fprintf(b.e.stderr, "\r\x1b[2K%s", barLine("stitch", p))
		}
		return
	}
	if pct >= b.next {
		fmt.Fprintf(b.e.stderr, "shoot stitch: %3.0f%%\n", pct)
		for b.next <= pct {
			b.next += 10
		}
	}
}

// done ends the bar's line on a terminal.
func (b *stitchBar) done() {
	if b.drew {
		fmt.Fprintln(b.e.stderr)
	}
}
