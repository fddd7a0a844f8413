package main

import (
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fashionshoot/shoot/internal/imaging"
)

// framesFlags are the parsed flags of `shoot frames`.
type framesFlags struct {
	in, out, grid, format string
	rows, cols            int
	json                  bool
}

// framesReport is what `shoot frames --json` prints. Rectangles are the
// parts of the sheet the frames show, in the sheet's pixel coordinates;
// Width and Height are the frames' common size (equal to every rectangle's
// size when Sizing is "crop", the median cell size when it is "resample").
type framesReport struct {
	Method string `json:"method"`
	Rows   int    `json:"rows"`
	Cols   int    `json:"cols"`
	// AskedRows and AskedCols are the grid asked for, and GridMismatch says
	// the gutters showed another one, which was used (not in auto mode).
	AskedRows    int           `json:"askedRows,omitempty"`
	AskedCols    int           `json:"askedCols,omitempty"`
	GridMismatch bool          `json:"gridMismatch"`
	Sizing       string        `json:"sizing"`
	Width        int           `json:"width"`
	Height       int           `json:"height"`
	Frames       []frameReport `json:"frames"`
	Warnings     []string      `json:"warnings"`
}

// frameReport is one frame: its file, the part of the sheet it shows, and
// how sure detection is of that cell (0–1); Doubtful marks a confidence
// below imaging.DoubtfulBelow, a frame worth checking or regenerating.
type frameReport struct {
	File       string  `json:"file"`
	X          int     `json:"x"`
	Y          int     `json:"y"`
	W          int     `json:"w"`
	H          int     `json:"h"`
	Confidence float64 `json:"confidence"`
	Doubtful   bool    `json:"doubtful"`
}

// newFramesCmd is `shoot frames`: it crops a contact sheet into frame-1 …
// frame-N, the frames stage of the pipeline run by hand.
func newFramesCmd(e *env) *cobra.Command {
	f := &framesFlags{}
	cmd := &cobra.Command{Use: "frames --in SHEET --out DIR", Short: "crop a contact sheet into frames", Args: noArgs}
	fs := cmd.Flags()
	fs.StringVar(&f.in, "in", "", "the contact `SHEET` (png, jpeg, gif or webp)")
	fs.StringVar(&f.out, "out", "", "folder `DIR` for frame-1 … frame-N (created if missing)")
	fs.IntVar(&f.rows, "rows", 2, "rows of frames on the sheet")
	fs.IntVar(&f.cols, "cols", 3, "columns of frames on the sheet")
	fs.StringVar(&f.grid, "grid", "", `"auto" to detect 2×3, 3×2, 3×3 or 2×2 from the gutters`)
	fs.StringVar(&f.format, "format", "png", "output format: png, jpeg or webp (webp needs ffmpeg with libwebp)")
	bindJSON(fs, &f.json, "the grid and frame rectangles")
	completeWords(cmd, "format", "png", "jpeg", "webp")
	completeWords(cmd, "grid", "auto")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := f.validate(fs); err != nil {
			return err
		}
		return frames(cmd.Context(), e, f)
	}
	return cmd
}

// frames crops the sheet as f says and reports the frames.
func frames(ctx context.Context, e *env, f *framesFlags) error {
	img, err := readImage(f.in)
	if err != nil {
		return err
	}
	g, err := imaging.DetectGrid(img, imaging.GridOptions{Rows: f.rows, Cols: f.cols, Auto: f.grid == "auto"})
	if err != nil {
		return err
	}
	rep, err := writeFrames(ctx, f, img, g)
	if err != nil {
		return err
	}
	return printFrames(e, f.json, rep)
}

func (f *framesFlags) validate(fs *pflag.FlagSet) error {
	set := map[string]bool{"rows": fs.Changed("rows"), "cols": fs.Changed("cols")}
	switch {
	case f.in == "":
		return usagef("--in SHEET is required")
	case f.out == "":
		return usagef("--out DIR is required")
	case f.grid != "" && f.grid != "auto":
		return usagef("--grid must be auto (or use --rows and --cols), not %q", f.grid)
	case f.grid == "auto" && (set["rows"] || set["cols"]):
		return usagef("use either --rows/--cols or --grid auto, not both")
	case f.rows < 1 || f.cols < 1 || f.rows > imaging.MaxGridSide || f.cols > imaging.MaxGridSide:
		return usagef("--rows and --cols must be between 1 and %d, got %d×%d", imaging.MaxGridSide, f.rows, f.cols)
	}
	format, err := imaging.ParseFormat(f.format)
	if err != nil {
		return usagef("%s", err.Error())
	}
	f.format = format
	return nil
}

// writeFrames crops, equalises and writes every cell of g and describes
// what it wrote.
func writeFrames(ctx context.Context, f *framesFlags, img image.Image, g *imaging.Grid) (*framesReport, error) {
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", f.out, err)
	}
	sz := imaging.Equalize(g.Cells)
	rep := &framesReport{Method: g.Method, Rows: g.Rows, Cols: g.Cols, AskedRows: g.AskedRows, AskedCols: g.AskedCols,
		GridMismatch: g.Mismatch(), Sizing: sz.Mode, Width: sz.Width, Height: sz.Height,
		Warnings: append([]string{}, g.Warnings...)}
	for i, fr := range sz.Frames(img) {
		name := filepath.Join(f.out, fmt.Sprintf("frame-%d%s", i+1, imaging.Ext(f.format)))
		if err := writeImage(ctx, name, fr, f.format); err != nil {
			return nil, err
		}
		c, conf := sz.Src[i], g.Confidence[i]
		rep.Frames = append(rep.Frames, frameReport{File: name, X: c.Min.X, Y: c.Min.Y, W: c.Dx(), H: c.Dy(),
			Confidence: roundConf(conf), Doubtful: conf < imaging.DoubtfulBelow})
	}
	return rep, nil
}

// roundConf keeps two decimals, which is all a confidence means.
func roundConf(v float64) float64 { return math.Round(v*100) / 100 }

func printFrames(e *env, asJSON bool, rep *framesReport) error {
	if asJSON {
		return writeJSON(e.stdout, rep)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintln(e.stderr, "warning:", w)
	}
	fmt.Fprintf(e.stdout, "%d×%d grid (%s), frames %d×%d by %s\n", rep.Rows, rep.Cols, rep.Method, rep.Width, rep.Height, rep.Sizing)
	for _, fr := range rep.Frames {
		doubt := ""
		if fr.Doubtful {
			doubt = "  doubtful: check or regenerate"
		}
		fmt.Fprintf(e.stdout, "%s  %d×%d at (%d,%d)  confidence %.2f%s\n", fr.File, fr.W, fr.H, fr.X, fr.Y, fr.Confidence, doubt)
	}
	return nil
}
