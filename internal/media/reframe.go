package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fashionshoot/shoot/internal/reframe"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// ReframeOptions asks for one delivery format of a finished film.
type ReframeOptions struct {
	// In is the film; Out the MP4 to write (it appears once verified).
	In, Out string
	Format  reframe.Format
	// Subjects are the subject's box in every frame of In, in In's
	// pixels (from the studio's layers); nil finds them by saliency.
	Subjects []reframe.Box
	// Cuts are the first frames of every shot after the first: the crop
	// may jump there, and moves smoothly everywhere else.
	Cuts []int
	// CRF and Preset are libx264's (0 and "": DefaultCRF and FilmPreset).
	CRF    int
	Preset string
	// MaxKbps caps the video bitrate in kbit/s (0: no cap), for a
	// platform that takes nothing above it; a film of the format's own
	// shape is then encoded again rather than copied.
	MaxKbps int

	// saliency are boxes Deliver found once for every format.
	saliency []reframe.Box
}

// ReframeResult describes a delivered format.
type ReframeResult struct {
	Out    string `json:"out"`
	Format string `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Frames int    `json:"frames"`
	Bytes  int64  `json:"bytes"`
	// Mode is "crop" (a window following the subject), "pad" (the whole
	// picture over a blurred, darkened extension of itself) or "same" (the
	// film already has the format's shape and is copied, or encoded again
	// under MaxKbps).
	Mode string `json:"mode"`
	// MaxKbps is the video bitrate cap it was encoded under, if any.
	MaxKbps int `json:"max_kbps,omitempty"`
	// Subject says where the boxes came from: "layers" or "saliency".
	Subject string `json:"subject,omitempty"`
	// Path sums up the crop window's left edge over the film.
	Path *PathSummary `json:"path,omitempty"`
	// Poster is the format's stills, when Deliver was asked for them.
	Poster *PosterResult `json:"poster,omitempty"`
}

// PathSummary is the crop path in brief.
type PathSummary struct {
	MinX     float64 `json:"min_x"`
	MaxX     float64 `json:"max_x"`
	MaxAccel float64 `json:"max_accel"` // shares of the width a frame², at most reframe.MaxAccel
	Moving   int     `json:"moving_frames"`
}

// saliencyWidth is the width frames are decoded at to find the subject.
const saliencyWidth = 96

// Reframe writes In in another aspect ratio. A narrower format is a crop of
// the full height whose window follows the subject (reframe.Path), so it
// never shows bars; a wider one shows the whole picture over a copy of
// itself scaled to fill, blurred and darkened, never black.
func Reframe(ctx context.Context, o ReframeOptions) (*ReframeResult, error) {
	if o.In == "" || o.Out == "" {
		return nil, shoot.Errorf(shoot.EINVALID, "a reframe needs an input and an output")
	}
	info, err := probeClip(ctx, 0, o.In)
	if err != nil {
		return nil, err
	}
	frames, err := CountFrames(ctx, o.In)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINVALID, "cannot count the film's frames")
	}
	if o.Subjects != nil && len(o.Subjects) != frames {
		return nil, shoot.Errorf(shoot.EINVALID, "%d subject boxes for %d frames", len(o.Subjects), frames)
	}
	crf, preset := o.CRF, o.Preset
	if crf == 0 {
		crf = DefaultCRF
	}
	if preset == "" {
		preset = FilmPreset
	}
	w, h := info.Width, info.Height
	ow, oh := o.Format.Size(w, h)
	res := &ReframeResult{Out: o.Out, Format: o.Format.String(), Width: ow, Height: oh, Frames: frames, MaxKbps: o.MaxKbps}
	tmp, err := outputTemp(o.Out)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	same := ow == w&^1 && oh == h&^1 && w%2 == 0 && h%2 == 0
	if same && o.MaxKbps == 0 {
		// The film already has this shape: the film itself is the format.
		res.Mode = "same"
		if err := remux(ctx, o.In, tmp); err != nil {
			return nil, err
		}
		return finishReframe(ctx, res, tmp, frames)
	}
	var filter string
	switch {
	case same:
		res.Mode = "same"
		filter = "[0:v]setsar=1,format=yuv420p[v]"
	case o.Format.Crops(w, h):
		res.Mode = "crop"
		boxes := o.Subjects
		res.Subject = "layers"
		if o.saliency != nil {
			boxes, res.Subject = o.saliency, "saliency"
		}
		if boxes == nil {
			res.Subject = "saliency"
			if boxes, err = saliencyBoxes(ctx, o.In, info, frames); err != nil {
				return nil, err
			}
		}
		x := reframe.Path(boxes, o.Cuts, w, ow, reframe.MaxAccel)
		res.Path = summarise(x, o.Cuts, w)
		cmds := tmp + ".cmds"
		if err := writeCropCommands(cmds, x, info.FPS); err != nil {
			return nil, err
		}
		defer os.Remove(cmds)
		filter = fmt.Sprintf("[0:v]sendcmd=f=%s,crop=w=%d:h=%d:x=%d:y=%d,setsar=1,format=yuv420p[v]",
			filterQuote(cmds), ow, oh, evenPixel(x[0]), (h-oh)/2)
	default:
		res.Mode = "pad"
		filter = fmt.Sprintf("[0:v]split[a][b];"+
			"[a]scale=%[1]d:%[2]d:force_original_aspect_ratio=increase,crop=%[1]d:%[2]d,boxblur=luma_radius=%[3]d:luma_power=2,eq=brightness=-0.18:saturation=0.8[bg];"+
			"[b]scale=%[1]d:%[2]d:force_original_aspect_ratio=decrease:force_divisible_by=2[fg];"+
			"[bg][fg]overlay=x=(W-w)/2:y=(H-h)/2,setsar=1,format=yuv420p[v]", ow, oh, max(2, min(ow, oh)/20))
	}
	args := append([]string{"-nostdin", "-hide_banner", "-v", "error", "-y"}, localInput(o.In)...)
	args = append(args, "-filter_complex", filter, "-map", "[v]", "-map", "0:a?", "-c:a", "copy",
		"-c:v", "libx264", "-profile:v", "high", "-preset", preset, "-crf", strconv.Itoa(crf), "-pix_fmt", "yuv420p")
	if o.MaxKbps > 0 {
		// A capped CRF: quality as asked wherever the cap allows, a
		// one-second buffer so no second of the film passes the cap, and
		// that buffer starting nearly empty so the first second does not
		// spend it on top of the cap.
		args = append(args, "-maxrate", strconv.Itoa(o.MaxKbps)+"k", "-bufsize", strconv.Itoa(o.MaxKbps)+"k",
			"-rc_init_occupancy", strconv.Itoa(o.MaxKbps*100))
	}
	args = append(args, "-fps_mode", "passthrough", "-movflags", "+faststart", "-f", "mp4", "file:"+tmp)
	if _, err := runTool(ctx, "reframe", ffmpegBin, args...); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "reframing the film to "+o.Format.String()+" failed")
	}
	return finishReframe(ctx, res, tmp, frames)
}

// finishReframe verifies the written format and moves it into place.
func finishReframe(ctx context.Context, res *ReframeResult, tmp string, frames int) (*ReframeResult, error) {
	size, err := placeFilm(ctx, tmp, res.Out, frames, verifyJoined)
	if err != nil {
		return nil, err
	}
	res.Bytes = size
	return res, nil
}

// remux copies src's streams into a faststart MP4 at dst, without
// re-encoding.
func remux(ctx context.Context, src, dst string) error {
	args := append([]string{"-nostdin", "-hide_banner", "-v", "error", "-y"}, localInput(src)...)
	args = append(args, "-map", "0:v:0", "-map", "0:a?", "-c", "copy", "-movflags", "+faststart", "-f", "mp4", "file:"+dst)
	if _, err := runTool(ctx, "remux", ffmpegBin, args...); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return shoot.Wrap(err, shoot.EINTERNAL, "copying the film as a format failed")
	}
	return nil
}

// DeliverOptions asks for a film in several formats.
type DeliverOptions struct {
	// In is the film; each format is written to Dir/<format>/Name
	// (<format> as 9x16, 4x5, 1x1, 16x9; Name default fashion-video.mp4).
	In, Dir, Name string
	Formats       []reframe.Format
	// Subjects, Cuts, CRF and Preset are as in ReframeOptions.
	Subjects []reframe.Box
	Cuts     []int
	CRF      int
	Preset   string
	// MaxKbps caps a format's video bitrate (see ReframeOptions.MaxKbps).
	MaxKbps map[reframe.Format]int
	// Posters also writes poster.jpg, poster.webp and preview.webp (see
	// Posters) next to each format.
	Posters bool
}

// Deliver writes the film in every asked format from the one finished
// film: nothing of the clips is eased or cut again, the subject is found
// once for every cropped format, and a format of the film's own shape is a
// copy. With Posters each format gets its stills too.
func Deliver(ctx context.Context, o DeliverOptions) ([]*ReframeResult, error) {
	name := o.Name
	if name == "" {
		name = "fashion-video.mp4"
	}
	var found []reframe.Box
	if o.Subjects == nil {
		info, err := probeClip(ctx, 0, o.In)
		if err != nil {
			return nil, err
		}
		for _, f := range o.Formats {
			ow, oh := f.Size(info.Width, info.Height)
			if f.Crops(info.Width, info.Height) && (ow != info.Width || oh != info.Height) {
				frames, err := CountFrames(ctx, o.In)
				if err != nil {
					return nil, shoot.Wrap(err, shoot.EINVALID, "cannot count the film's frames")
				}
				if found, err = saliencyBoxes(ctx, o.In, info, frames); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	out := make([]*ReframeResult, 0, len(o.Formats))
	for _, f := range o.Formats {
		r, err := Reframe(ctx, ReframeOptions{In: o.In, Out: filepath.Join(o.Dir, f.Dir(), name), Format: f,
			Subjects: o.Subjects, Cuts: o.Cuts, CRF: o.CRF, Preset: o.Preset, MaxKbps: o.MaxKbps[f], saliency: found})
		if err != nil {
			return nil, err
		}
		if o.Posters {
			if r.Poster, err = Posters(ctx, r.Out, filepath.Dir(r.Out)); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// saliencyBoxes decodes the film small and finds the subject in each
// frame, in the film's own pixels.
func saliencyBoxes(ctx context.Context, path string, info Info, frames int) ([]reframe.Box, error) {
	raw, sw, sh, err := smallFrames(ctx, "saliency", path, info, saliencyWidth)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "decoding the film to find its subject failed")
	}
	size := sw * sh * 4
	if len(raw) != frames*size {
		return nil, shoot.Errorf(shoot.EINTERNAL, "decoded %d bytes of frames to find the subject, expected %d", len(raw), frames*size)
	}
	sx, sy := float64(info.Width)/float64(sw), float64(info.Height)/float64(sh)
	boxes := make([]reframe.Box, frames)
	r := bytes.NewReader(raw)
	for i := range boxes {
		img := image.NewRGBA(image.Rect(0, 0, sw, sh))
		if _, err := io.ReadFull(r, img.Pix); err != nil {
			return nil, err
		}
		b := reframe.Saliency(img)
		boxes[i] = reframe.Box{X0: b.X0 * sx, Y0: b.Y0 * sy, X1: b.X1 * sx, Y1: b.Y1 * sy}
	}
	return boxes, nil
}

// writeCropCommands writes the sendcmd script that moves the crop window:
// one command a frame, timed a quarter frame before the frame so rounding
// never applies it late.
func writeCropCommands(path string, x []float64, fps float64) error {
	var b strings.Builder
	for i, v := range x {
		at := math.Max(0, (float64(i)-0.25)/fps)
		fmt.Fprintf(&b, "%.6f crop x %d;\n", at, evenPixel(v))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "cannot write the crop path")
	}
	return nil
}

// evenPixel rounds a left edge to the even pixel yuv420p chroma needs.
func evenPixel(x float64) int { return int(math.Round(x/2)) * 2 }

// filterQuote quotes a file name inside a filter graph.
func filterQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `'\''`, `:`, `\:`)
	return "'" + r.Replace(s) + "'"
}

// summarise sums a crop path up.
func summarise(x []float64, cuts []int, w int) *PathSummary {
	p := &PathSummary{MinX: math.Inf(1), MaxX: math.Inf(-1), MaxAccel: reframe.Accel(x, cuts, w)}
	for i, v := range x {
		p.MinX, p.MaxX = math.Min(p.MinX, v), math.Max(p.MaxX, v)
		if i > 0 && math.Abs(v-x[i-1]) > 1e-9 {
			p.Moving++
		}
	}
	return p
}

// smallFrames decodes every frame of path to RGBA at width w (the height
// keeping the picture's shape), for measuring rather than showing.
func smallFrames(ctx context.Context, op, path string, info Info, w int) (raw []byte, sw, sh int, err error) {
	sw = w
	sh = max(2, int(math.Round(float64(info.Height)*float64(sw)/float64(info.Width))))
	args := append([]string{"-nostdin", "-hide_banner", "-v", "error"}, localInput(path)...)
	args = append(args, "-map", "0:v:0", "-vf", fmt.Sprintf("scale=%d:%d,setsar=1", sw, sh), "-fps_mode", "passthrough",
		"-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	raw, err = runTool(ctx, op, ffmpegBin, args...)
	return raw, sw, sh, err
}
