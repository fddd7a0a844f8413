// Package sheetgen draws contact sheets of the kinds image models return,
// with the exact rectangle of every cell, for testing a grid detector
// against the truth. It shares nothing with any detector: it only knows how
// such sheets look (gutters, margins, furniture, noise, compression).
//
// A cell's truth rectangle holds the picture and nothing else. Everything a
// model draws round the picture (anti-aliased blends, labels, keylines,
// drop shadows, film sprockets) lies outside it. The one exception is a
// rounded corner: the truth is the bounding box of the rounded picture, so
// its four corner cut-outs lie inside; no axis-aligned frame can avoid them
// without losing far more picture.
package sheetgen

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
)

// Class names one kind of sheet.
type Class string

// The classes Generate knows.
const (
	Plain          Class = "plain"            // gutters and margins of random width and colour
	Gutterless     Class = "gutterless"       // cells touch; sizes differ by a pixel where the division is uneven
	NearGutterBand Class = "near-gutter-band" // one cell has a band close to the gutter colour along a whole edge
	UnequalMargins Class = "unequal-margins"  // very different margins on the four sides
	Small          Class = "small"            // 1264×848, a 2K sheet at half scale
	Labels         Class = "labels"           // frame numbers or captions in the gutters and margins
	Rounded        Class = "rounded"          // cells with rounded corners
	Shadow         Class = "shadow"           // drop shadows under the cells
	FilmStrip      Class = "film-strip"       // black film with sprocket holes above and below every row
	Keyline        Class = "keyline"          // a thin line drawn round every cell, a gap away
	WrongGrid      Class = "wrong-grid"       // a 3×3 (or 3×2, 2×2) sheet where 2×3 is asked for
	WorkedExample  Class = "worked-example"   // the 2528×1696 sheet with known gutters, as JPEG
)

// Classes lists every class, in a fixed order.
var Classes = []Class{Plain, Gutterless, NearGutterBand, UnequalMargins, Small, Labels, Rounded, Shadow, FilmStrip, Keyline, WrongGrid, WorkedExample}

// Sheet is a generated sheet and its truth.
type Sheet struct {
	Class Class
	Seed  uint64
	// Image is the sheet as a decoder would return it: *image.RGBA, or
	// *image.YCbCr after a JPEG round trip.
	Image image.Image
	// Rows and Cols are the grid actually drawn; AskRows and AskCols the one
	// the caller should ask for (they differ only for WrongGrid).
	Rows, Cols       int
	AskRows, AskCols int
	// Cells are the true picture rectangles, row-major.
	Cells []image.Rectangle
	// Gutter is the background colour; Describe summarises the draw.
	Gutter   color.RGBA
	Describe string
}

// spec is everything drawn, decided up front from the seed.
type spec struct {
	w, h        int
	rows, cols  int
	margins     [4]int // left, top, right, bottom
	gx, gy      int    // gutter widths
	colW, rowH  []int  // exact sizes; nil: divide the content evenly (remainders placed at random)
	wander      int    // each cell edge moves by up to this
	gutter      color.RGBA
	gradient    int // gutter brightness drifts by up to this across the sheet
	blend       int // anti-aliased ring width outside each cell (0–2)
	noise       int
	jpegQ       int
	band        bool
	labels      bool
	radius      int
	shadow      bool
	film        bool
	keyline     bool
	description string
}

// Generate draws one sheet of class c; the same class and seed always give
// the same sheet.
func Generate(c Class, seed uint64) *Sheet {
	rng := rand.New(rand.NewPCG(seed, uint64(len(c))*7919+0x5eed))
	sp := specFor(c, rng)
	img, cells := draw(sp, rng)
	s := &Sheet{Class: c, Seed: seed, Image: img, Rows: sp.rows, Cols: sp.cols, AskRows: sp.rows, AskCols: sp.cols,
		Cells: cells, Gutter: sp.gutter}
	if c == WrongGrid {
		s.AskRows, s.AskCols = 2, 3
	}
	if sp.jpegQ > 0 {
		s.Image = jpegTrip(img, sp.jpegQ)
	}
	s.Describe = fmt.Sprintf("%s seed %d: %d×%d grid on %d×%d, margins %v, gutters %d/%d, colour %v, gradient %d, blend %d, wander %d, noise %d, jpeg %d",
		c, seed, sp.rows, sp.cols, sp.w, sp.h, sp.margins, sp.gx, sp.gy, sp.gutter, sp.gradient, sp.blend, sp.wander, sp.noise, sp.jpegQ)
	return s
}

func jpegTrip(img image.Image, q int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		panic(err) // encoding an in-memory RGBA image cannot fail
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}
