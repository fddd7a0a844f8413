package main

import (
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/imaging"
)

// writeSheet draws a rows×cols contact sheet (white gutters 20 px, margins
// 12 px, 300×260 cells of textured colour) to dir/name and returns the
// true cells.
func writeSheet(t *testing.T, dir, name string, rows, cols int) (string, []image.Rectangle) {
	t.Helper()
	const cw, ch, gut, mar = 300, 260, 20, 12
	w, h := 2*mar+cols*cw+(cols-1)*gut, 2*mar+rows*ch+(rows-1)*gut
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	var cells []image.Rectangle
	for r := range rows {
		for c := range cols {
			x, y := mar+c*(cw+gut), mar+r*(ch+gut)
			cell := image.Rect(x, y, x+cw, y+ch)
			cells = append(cells, cell)
			for py := cell.Min.Y; py < cell.Max.Y; py++ {
				for px := cell.Min.X; px < cell.Max.X; px++ {
					v := uint8(40 + (px*7+py*13+r*50+c*30)%120)
					img.SetRGBA(px, py, color.RGBA{v, uint8(200 - int(v)/2), uint8(r * 60), 255})
				}
			}
		}
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p, cells
}

func TestFramesCommandJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		rows, cols int
		args       []string
		ext        string
	}{
		{"default 2x3 png", 2, 3, nil, ".png"},
		{"auto 3x2 jpeg", 3, 2, []string{"--grid", "auto", "--format", "jpeg"}, ".jpg"},
		{"given 2x2 webp", 2, 2, []string{"--rows", "2", "--cols", "2", "--format", "webp"}, ".webp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			sheet, cells := writeSheet(t, dir, "sheet.png", tc.rows, tc.cols)
			out := filepath.Join(dir, "frames")
			code, stdout, stderr := runMediaCmd(t, append([]string{"frames", "--in", sheet, "--out", out, "--json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var rep framesReport
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("%v in %s", err, stdout)
			}
			if rep.Method != "gutters" || rep.Rows != tc.rows || rep.Cols != tc.cols || len(rep.Frames) != len(cells) || rep.Warnings == nil {
				t.Fatalf("report %+v", rep)
			}
			if !strings.Contains(stdout, `"warnings": []`) {
				t.Errorf("warnings should print as an empty list: %s", stdout)
			}
			if rep.Sizing != "crop" || rep.GridMismatch {
				t.Errorf("equal cells should be cropped, grid as asked: %+v", rep)
			}
			for i, fr := range rep.Frames {
				checkFrameFile(t, fr, filepath.Join(out, "frame-"+itoa(i+1)+tc.ext), cells[i], rep)
				if fr.Confidence < imaging.DoubtfulBelow || fr.Doubtful {
					t.Errorf("frame %d of a clean sheet: confidence %.2f, doubtful %v", i+1, fr.Confidence, fr.Doubtful)
				}
			}
		})
	}
}

// checkFrameFile asserts a reported frame lies inside its true cell, keeps
// most of it, has the common size, and that its file decodes to that size.
func checkFrameFile(t *testing.T, fr frameReport, wantFile string, cell image.Rectangle, rep framesReport) {
	t.Helper()
	r := image.Rect(fr.X, fr.Y, fr.X+fr.W, fr.Y+fr.H)
	if fr.File != wantFile || !r.In(cell) || fr.W*fr.H < cell.Dx()*cell.Dy()*95/100 {
		t.Errorf("frame %+v: want file %s inside %v keeping ≥ 95 %%", fr, wantFile, cell)
	}
	if fr.W != rep.Width || fr.H != rep.Height {
		t.Errorf("frame %+v not the common size %d×%d", fr, rep.Width, rep.Height)
	}
	f, err := os.Open(fr.File)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := imaging.Decode(f)
	if err != nil || img.Bounds().Dx() != rep.Width || img.Bounds().Dy() != rep.Height {
		t.Errorf("%s: %v, size %v", fr.File, err, img)
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

func TestFramesCommandText(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sheet, _ := writeSheet(t, dir, "sheet.png", 2, 3)
	code, stdout, stderr := runMediaCmd(t, "frames", "--in", sheet, "--out", filepath.Join(dir, "f"))
	if code != 0 || !strings.Contains(stdout, "2×3 grid (gutters)") || !strings.Contains(stdout, "frame-6.png") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestFramesCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sheet, _ := writeSheet(t, dir, "sheet.png", 2, 3)
	notImage := filepath.Join(dir, "notes.png")
	if err := os.WriteFile(notImage, []byte("hello, not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFrame(t, dir, "tiny.png", 20, 20)
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no input", []string{"--out", out}, 2, "--in"},
		{"no output", []string{"--in", sheet}, 2, "--out"},
		{"missing file", []string{"--in", filepath.Join(dir, "nope.png"), "--out", out}, 1, "cannot open"},
		{"not an image", []string{"--in", notImage, "--out", out}, 1, "not a PNG, JPEG, GIF or WebP"},
		{"zero rows", []string{"--in", sheet, "--out", out, "--rows", "0"}, 2, "--rows"},
		{"too many cols", []string{"--in", sheet, "--out", out, "--cols", "40"}, 2, "--cols"},
		{"auto and rows", []string{"--in", sheet, "--out", out, "--grid", "auto", "--rows", "3"}, 2, "either"},
		{"bad grid", []string{"--in", sheet, "--out", out, "--grid", "magic"}, 2, "--grid"},
		{"bad format", []string{"--in", sheet, "--out", out, "--format", "tiff"}, 2, "tiff"},
		{"sheet too small", []string{"--in", filepath.Join(dir, "tiny.png"), "--out", out, "--rows", "12", "--cols", "12"}, 1, "too small"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runMediaCmd(t, append([]string{"frames"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
}

// TestFramesCommandGridMismatch: a 3×3 sheet cut with the default 2×3 is
// reported as 3×3 with the mismatch, nine whole frames, not forced.
func TestFramesCommandGridMismatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sheet, cells := writeSheet(t, dir, "sheet.png", 3, 3)
	out := filepath.Join(dir, "frames")
	code, stdout, stderr := runMediaCmd(t, "frames", "--in", sheet, "--out", out, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep framesReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	if !rep.GridMismatch || rep.Rows != 3 || rep.Cols != 3 || rep.AskedRows != 2 || rep.AskedCols != 3 || len(rep.Frames) != 9 {
		t.Fatalf("report %+v", rep)
	}
	if !strings.Contains(stdout, `"confidence"`) || !strings.Contains(stdout, `"gridMismatch": true`) {
		t.Errorf("JSON lacks confidence or gridMismatch: %s", stdout)
	}
	for i, fr := range rep.Frames {
		checkFrameFile(t, fr, filepath.Join(out, "frame-"+itoa(i+1)+".png"), cells[i], rep)
	}
}
