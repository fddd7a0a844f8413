package shoot

import (
	"fmt"
	"math"
	"slices"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/reframe"
	"github.com/fashionshoot/shoot/internal/social"
)

// Options are the parameters of a shoot. Zero values mean "the default".
// Their fields and JSON names are the API's (client.Options, which
// documents each field): the shoot stores, validates and runs what a
// request sent, so the two cannot drift apart.
type Options client.Options

// QAOn reports whether the picture check runs.
func (o Options) QAOn() bool { return o.QA == nil || *o.QA }

// QARetryOn reports whether a failed check may regenerate once.
func (o Options) QARetryOn() bool {
	if !o.QAOn() {
		return false
	}
	if o.QARetry == nil {
		return o.AutoApprove
	}
	return *o.QARetry
}

// Bounds of a shoot from the user's own frames.
const (
	MinOwnFrames = 2
	MaxOwnFrames = 12
	// SheetFrames is the number of frames cut from a contact sheet.
	SheetFrames = 6
)

// Defaults of the shoot options.
const (
	DefaultAspectRatio  = "3:2"
	DefaultResolution   = "2K"
	DefaultEasing       = "dramaticSwoop"
	DefaultClipDuration = 1.5
	DefaultVideoSeconds = 5
	DefaultFPS          = 60
)

// ImageAspectRatios are the ratios the image providers accept.
var ImageAspectRatios = []string{"21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16"}

// FrameAspectRatios are the ratios frames can be re-cropped to.
var FrameAspectRatios = []string{"16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3"}

// Resolutions are the image sizes the image providers accept.
var Resolutions = []string{"1K", "2K", "4K"}

// WithDefaults returns o with every zero field set to its default.
func (o Options) WithDefaults() Options {
	if o.AspectRatio == "" {
		o.AspectRatio = DefaultAspectRatio
	}
	if o.Resolution == "" {
		o.Resolution = DefaultResolution
	}
	if o.Easing == "" {
		o.Easing = DefaultEasing
	}
	if o.ClipDuration == 0 {
		o.ClipDuration = DefaultClipDuration
	}
	if o.VideoSeconds == 0 {
		o.VideoSeconds = DefaultVideoSeconds
	}
	if o.FPS == 0 {
		o.FPS = DefaultFPS
	}
	if p, ok := social.Lookup(o.Preset); ok && !slices.ContainsFunc(o.Deliver, func(d string) bool {
		f, err := reframe.ParseFormat(d)
		return err == nil && f == p.Format
	}) {
		o.Deliver = append(slices.Clip(o.Deliver), p.Format.String())
	}
	return o
}

// Validate checks the options' values (not the easing name, which the media
// package knows). It returns an EINVALID *Error naming the field.
func (o Options) Validate() error {
	if o.AspectRatio != "" && !slices.Contains(ImageAspectRatios, o.AspectRatio) {
		return Errorf(EINVALID, "options.aspectRatio must be one of %v", ImageAspectRatios)
	}
	if o.FrameAspect != "" && !slices.Contains(FrameAspectRatios, o.FrameAspect) {
		return Errorf(EINVALID, "options.frameAspect must be one of %v", FrameAspectRatios)
	}
	if o.Resolution != "" && !slices.Contains(Resolutions, o.Resolution) {
		return Errorf(EINVALID, "options.resolution must be one of %v", Resolutions)
	}
	if o.ClipDuration != 0 && (math.IsNaN(o.ClipDuration) || o.ClipDuration < 0.5 || o.ClipDuration > 5) {
		return Errorf(EINVALID, "options.clipDuration must be between 0.5 and 5 seconds")
	}
	if o.VideoSeconds != 0 && o.VideoSeconds != 5 && o.VideoSeconds != 10 {
		return Errorf(EINVALID, "options.videoSeconds must be 5 or 10")
	}
	if o.FPS != 0 && (o.FPS < 12 || o.FPS > 120) {
		return Errorf(EINVALID, "options.fps must be between 12 and 120")
	}
	seen := map[string]bool{}
	for _, d := range o.Deliver {
		f, err := reframe.ParseFormat(d)
		if err != nil {
			return Errorf(EINVALID, "options.deliver: %v", err)
		}
		if seen[f.String()] {
			return Errorf(EINVALID, "options.deliver names %s twice", f)
		}
		seen[f.String()] = true
	}
	if o.Preset != "" {
		p, err := social.Parse(o.Preset)
		if err != nil {
			return Errorf(EINVALID, "options.preset: %v", err)
		}
		d := o.WithDefaults()
		if err := p.CheckFPS(d.FPS); err != nil {
			return Errorf(EINVALID, "options.fps: %v", err)
		}
		if err := p.CheckLength(float64(d.ClipCount()) * d.ClipDuration); err != nil {
			return Errorf(EINVALID, "options.clipDuration: %v", err)
		}
	}
	if n := len(o.Frames); n != 0 && (n < MinOwnFrames || n > MaxOwnFrames) {
		return Errorf(EINVALID, "options.frames must list %d to %d frames in film order, not %d", MinOwnFrames, MaxOwnFrames, n)
	}
	return nil
}

// FrameCount is the number of frames of the film: the user's own frames,
// or the six cut from the contact sheet.
func (o Options) FrameCount() int {
	if len(o.Frames) > 0 {
		return len(o.Frames)
	}
	return SheetFrames
}

// ClipCount is the number of clips a shoot with these options makes: one
// between each pair of consecutive frames, plus one from the last frame
// back to the first when the film loops.
func (o Options) ClipCount() int {
	if o.Loop {
		return o.FrameCount()
	}
	return o.FrameCount() - 1
}

// ClipFrames returns the frame numbers (1-based) clip n runs between: clip n
// is frame n → n+1, and the loop clip (n = FrameCount) is the last frame
// back to frame 1.
func (o Options) ClipFrames(n int) (start, end int) {
	if last := o.FrameCount(); n == last {
		return last, 1
	}
	return n, n + 1
}

// String renders o for logs.
func (o Options) String() string {
	return fmt.Sprintf("aspect=%s res=%s loop=%t easing=%s clip=%.2fs", o.AspectRatio, o.Resolution, o.Loop, o.Easing, o.ClipDuration)
}

// DeliverIndex is the final-asset index of a delivery format: 1 for 9:16,
// 2 for 4:5, 3 for 1:1, 4 for 16:9 (index 0 is the film itself), or 0 for
// a format that is not one of them.
func DeliverIndex(f reframe.Format) int {
	for i, k := range reframe.Formats {
		if k == f {
			return i + 1
		}
	}
	return 0
}
