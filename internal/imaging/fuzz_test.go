package imaging

import (
	"image"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// fuzzImage builds an image and options from fuzz bytes:
// [w, h, mode, grid, pixels…]. mode bit 0 quantises pixels to black and
// white (so flat lines, i.e. gutter candidates, are common), bit 1 makes
// an RGBA image instead of a gray one, bits 4–7 offset the bounds.
func fuzzImage(data []byte) (image.Image, GridOptions, bool) {
	if len(data) < 4 {
		return nil, GridOptions{}, false
	}
	w, h, mode, grid := 1+int(data[0])%96, 1+int(data[1])%96, data[2], data[3]
	opt := GridOptions{Rows: 1 + int(grid)%4, Cols: 1 + int(grid>>2)%4, Auto: grid&0x10 != 0}
	pix := data[4:]
	at := func(i int) uint8 {
		if len(pix) == 0 {
			return 0
		}
		v := pix[i%len(pix)]
		if mode&1 != 0 {
			v &= 0x80
			v |= v >> 1 // 0 or 192
		}
		return v
	}
	off := image.Pt(int(mode>>4), int(mode>>6))
	r := image.Rectangle{Min: off, Max: off.Add(image.Pt(w, h))}
	if mode&2 == 0 {
		img := image.NewGray(r)
		for i := range img.Pix {
			img.Pix[i] = at(i)
		}
		return img, opt, true
	}
	img := image.NewRGBA(r)
	for i := range img.Pix {
		img.Pix[i] = at(i)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img, opt, true
}

// sheetSeed encodes a tiny gray contact sheet with white gutters in the
// fuzz format, so the fuzzer starts from inputs that find gutters.
func sheetSeed(rows, cols, cell, gutter int, grid byte) []byte {
	w, h := cols*cell+(cols+1)*gutter, rows*cell+(rows+1)*gutter
	data := []byte{byte(w - 1), byte(h - 1), 0, grid}
	for y := range h {
		for x := range w {
			inX := (x%(cell+gutter) >= gutter) && x < w-gutter
			inY := (y%(cell+gutter) >= gutter) && y < h-gutter
			v := byte(255)
			if inX && inY {
				v = byte(40 + (x*5+y*11)%90)
			}
			data = append(data, v)
		}
	}
	return data
}

func FuzzDetectGrid(f *testing.F) {
	f.Add([]byte{10, 10, 0, 0})
	f.Add([]byte{95, 63, 1, 0x05, 1, 2, 3, 200, 0, 255})
	f.Add(sheetSeed(2, 3, 20, 3, 0x09)) // 2×3 given
	f.Add(sheetSeed(3, 2, 18, 4, 0x10)) // auto
	f.Add(sheetSeed(3, 3, 12, 2, 0x1A))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, opt, ok := fuzzImage(data)
		if !ok {
			return
		}
		g, err := DetectGrid(img, opt)
		b := img.Bounds()
		if err != nil {
			rows, cols := opt.Rows, opt.Cols
			if opt.Auto {
				rows, cols = 3, 3
			}
			if shoot.ErrorCode(err) != shoot.EINVALID || (b.Dx() >= cols*minCellSide && b.Dy() >= rows*minCellSide) {
				t.Fatalf("%v×%v %+v: unexpected error %v", b.Dx(), b.Dy(), opt, err)
			}
			return
		}
		if !opt.Auto && (g.Rows != opt.Rows || g.Cols != opt.Cols) {
			t.Fatalf("asked %d×%d, got %d×%d", opt.Rows, opt.Cols, g.Rows, g.Cols)
		}
		if len(g.Cells) != g.Rows*g.Cols || g.Rows < 1 || g.Cols < 1 {
			t.Fatalf("%d cells for %d×%d", len(g.Cells), g.Rows, g.Cols)
		}
		if g.Method != MethodGutters && g.Method != MethodEqual {
			t.Fatalf("method %q", g.Method)
		}
		for i, c := range g.Cells {
			if c.Empty() || !c.In(b) {
				t.Fatalf("cell %d %v empty or outside %v", i, c, b)
			}
		}
		if len(g.Confidence) != len(g.Cells) {
			t.Fatalf("%d confidences for %d cells", len(g.Confidence), len(g.Cells))
		}
		sz := Equalize(g.Cells)
		for i, c := range sz.Src {
			if c.Empty() || !c.In(g.Cells[i]) {
				t.Fatalf("equalised cell %d %v outside %v", i, c, g.Cells[i])
			}
		}
		frames := sz.Frames(img)
		if len(frames) != len(g.Cells) {
			t.Fatalf("%d frames", len(frames))
		}
		for i, f := range frames {
			if f.Bounds().Dx() != sz.Width || f.Bounds().Dy() != sz.Height {
				t.Fatalf("frame %d is %v, want %d×%d", i, f.Bounds(), sz.Width, sz.Height)
			}
		}
	})
}
