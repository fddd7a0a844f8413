package imaging

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

// Synthetic contact sheets. The generator draws cells of "picture" between
// gutters and margins and remembers exactly where each cell is, so tests
// check detection against the truth instead of against golden files.

// sheetSpec describes one synthetic sheet.
type sheetSpec struct {
	rows, cols   int
	cellW, cellH int
	jitter       int    // each column width / row height varies by ± this
	gutter       int    // vertical gutter width (0: cells touch)
	gutterY      int    // horizontal gutter width; 0: same as gutter, -1: rows touch
	margins      [4]int // left, top, right, bottom
	gutterRGB    color.RGBA
	flats        bool // flat patches near the gutter colour touching the edges
	flatDelta    int  // luma distance of those patches from the gutter colour
	floor        bool // a flat "studio floor" band across the whole bottom row
	aa           bool // anti-aliased (blended) ring round every cell
	noise        int  // uniform noise ± this on every channel
	jpegQ        int  // JPEG round trip at this quality (0: none)
	brick        bool // every row has its own column widths: gutters misalign
	cellJitter   int  // every edge of every cell moves by ± this on its own
	seed         uint64
	colW, rowH   []int // exact sizes, overriding cellW/cellH and jitter
}

// sheet is a generated sheet and its truth.
type sheet struct {
	img     image.Image
	cells   []image.Rectangle // true picture rectangles, row-major
	picture []bool            // per pixel: inside a true cell
	w, h    int
}

func (s *sheet) isPicture(x, y int) bool { return s.picture[y*s.w+x] }

// makeSheet draws the sheet described by sp.
func makeSheet(tb testing.TB, sp sheetSpec) *sheet {
	tb.Helper()
	rng := rand.New(rand.NewPCG(sp.seed, 7))
	gy := sp.gutterY
	if gy == 0 {
		gy = sp.gutter
	}
	gy = max(gy, 0)
	widths := make([][]int, sp.rows)
	for r := range widths {
		if r == 0 || sp.brick {
			widths[r] = sizes(rng, sp.cols, sp.cellW, sp.jitter)
		} else {
			widths[r] = widths[0]
		}
	}
	heights := sizes(rng, sp.rows, sp.cellH, sp.jitter)
	if sp.colW != nil {
		for r := range widths {
			widths[r] = sp.colW
		}
		heights = sp.rowH
	}
	W := 0
	for _, ws := range widths {
		W = max(W, sp.margins[0]+sum(ws)+(sp.cols-1)*sp.gutter+sp.margins[2])
	}
	H := sp.margins[1] + sum(heights) + (sp.rows-1)*gy + sp.margins[3]
	s := &sheet{w: W, h: H, picture: make([]bool, W*H)}
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	fill(img, img.Bounds(), sp.gutterRGB)
	y := sp.margins[1]
	for r := range sp.rows {
		x := sp.margins[0]
		for c := range sp.cols {
			cr := image.Rect(x, y, x+widths[r][c], y+heights[r])
			if j := sp.cellJitter; j > 0 {
				// Like an image model's drawing: each edge wanders on its
				// own, into the gutter or into the cell.
				d := func() int { return rng.IntN(2*j+1) - j }
				cr = image.Rect(cr.Min.X+d(), cr.Min.Y+d(), cr.Max.X+d(), cr.Max.Y+d()).Intersect(image.Rect(0, 0, W, H))
			}
			s.cells = append(s.cells, cr)
			x += widths[r][c] + sp.gutter
		}
		y += heights[r] + gy
	}
	for i, cr := range s.cells {
		paintPicture(img, cr, rng, sp, i/sp.cols == sp.rows-1)
		for py := cr.Min.Y; py < cr.Max.Y; py++ {
			for px := cr.Min.X; px < cr.Max.X; px++ {
				s.picture[py*W+px] = true
			}
		}
	}
	if sp.aa {
		for _, cr := range s.cells {
			antialias(img, cr, sp.gutterRGB, rng, min(sp.gutter, gy))
		}
	}
	addNoise(img, rng, sp.noise)
	s.img = img
	if sp.jpegQ > 0 {
		s.img = jpegRoundTrip(tb, img, sp.jpegQ)
	}
	return s
}

func sizes(rng *rand.Rand, n, base, jitter int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = base
		if jitter > 0 {
			out[i] += rng.IntN(2*jitter+1) - jitter
		}
	}
	return out
}

func sum(v []int) int {
	t := 0
	for _, x := range v {
		t += x
	}
	return t
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

// paintPicture draws something photo-like in r: a two-colour gradient far
// from the gutter colour, a few blobs, fine texture, and optionally flat
// patches near the gutter colour that touch the cell's edges.
func paintPicture(img *image.RGBA, r image.Rectangle, rng *rand.Rand, sp sheetSpec, bottomRow bool) {
	g := luma8(sp.gutterRGB)
	top, bot := farColor(rng, g), farColor(rng, g)
	type blob struct {
		cx, cy, rx, ry float64
		c              color.RGBA
	}
	blobs := make([]blob, 3)
	for i := range blobs {
		blobs[i] = blob{
			cx: float64(r.Min.X) + rng.Float64()*float64(r.Dx()), cy: float64(r.Min.Y) + rng.Float64()*float64(r.Dy()),
			rx: float64(r.Dx()) * (0.1 + 0.2*rng.Float64()), ry: float64(r.Dy()) * (0.1 + 0.3*rng.Float64()),
			c: farColor(rng, g),
		}
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		t := float64(y-r.Min.Y) / float64(max(1, r.Dy()-1))
		base := mix(top, bot, t)
		for x := r.Min.X; x < r.Max.X; x++ {
			c := base
			for _, b := range blobs {
				dx, dy := (float64(x)-b.cx)/b.rx, (float64(y)-b.cy)/b.ry
				if dx*dx+dy*dy < 1 {
					c = b.c
				}
			}
			n := int(hash2(x, y)%17) - 8
			img.SetRGBA(x, y, color.RGBA{clamp8(int(c.R) + n), clamp8(int(c.G) + n), clamp8(int(c.B) + n), 255})
		}
	}
	if sp.flats {
		paintFlats(img, r, rng, sp)
	}
	if sp.floor && bottomRow {
		// The same band in every bottom cell: a row through it is flat
		// across the whole sheet except where it crosses the gutters.
		f := shift(sp.gutterRGB, sp.flatDelta+12)
		fill(img, image.Rect(r.Min.X, r.Max.Y-r.Dy()/4, r.Max.X, r.Max.Y), f)
	}
}

// paintFlats adds two flat patches close to (or equal to) the gutter colour
// on two different edges of the cell, each touching its edge along part of
// its length but reaching neither corner: a patch that covered a whole edge
// in exactly the gutter colour would make that edge invisible.
func paintFlats(img *image.RGBA, r image.Rectangle, rng *rand.Rand, sp sheetSpec) {
	first := rng.IntN(4)
	for i := range 2 {
		c := shift(sp.gutterRGB, sp.flatDelta)
		cover := 0.4 + 0.3*rng.Float64()
		depth := 0.1 + 0.2*rng.Float64()
		along := func(n int) (int, int) {
			l := int(cover * float64(n))
			off := n/20 + rng.IntN(max(1, n-l-n/10))
			return off, off + l
		}
		var p image.Rectangle
		switch (first + i) % 4 {
		case 0: // left edge
			a, b := along(r.Dy())
			p = image.Rect(r.Min.X, r.Min.Y+a, r.Min.X+int(depth*float64(r.Dx())), r.Min.Y+b)
		case 1: // right edge
			a, b := along(r.Dy())
			p = image.Rect(r.Max.X-int(depth*float64(r.Dx())), r.Min.Y+a, r.Max.X, r.Min.Y+b)
		case 2: // top edge
			a, b := along(r.Dx())
			p = image.Rect(r.Min.X+a, r.Min.Y, r.Min.X+b, r.Min.Y+int(depth*float64(r.Dy())))
		default: // bottom edge
			a, b := along(r.Dx())
			p = image.Rect(r.Min.X+a, r.Max.Y-int(depth*float64(r.Dy())), r.Min.X+b, r.Max.Y)
		}
		fill(img, p, c)
	}
}

// antialias blends the ring of gutter pixels round r with the picture edge
// next to them, as a resampled drawing would; a second, fainter ring is
// added where the gutter is wide enough.
func antialias(img *image.RGBA, r image.Rectangle, g color.RGBA, rng *rand.Rand, gutter int) {
	rings := []float64{0.3 + 0.4*rng.Float64()}
	if gutter >= 8 {
		rings = append(rings, 0.1+0.15*rng.Float64())
	}
	b := img.Bounds()
	for i, alpha := range rings {
		d := i + 1
		ring := r.Inset(-d).Intersect(b)
		for y := ring.Min.Y; y < ring.Max.Y; y++ {
			for x := ring.Min.X; x < ring.Max.X; x++ {
				if image.Pt(x, y).In(r.Inset(-d + 1)) {
					continue
				}
				ex, ey := min(max(x, r.Min.X), r.Max.X-1), min(max(y, r.Min.Y), r.Max.Y-1)
				img.SetRGBA(x, y, mix(g, img.RGBAAt(ex, ey), alpha))
			}
		}
	}
}

func addNoise(img *image.RGBA, rng *rand.Rand, n int) {
	if n == 0 {
		return
	}
	for i := range img.Pix {
		if i%4 != 3 {
			img.Pix[i] = clamp8(int(img.Pix[i]) + rng.IntN(2*n+1) - n)
		}
	}
}

func jpegRoundTrip(tb testing.TB, img image.Image, q int) image.Image {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		tb.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// farColor returns a random colour whose luma is at least 40 from g, so the
// plain picture never passes for gutter.
func farColor(rng *rand.Rand, g int) color.RGBA {
	for {
		c := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		if d := luma8(c) - g; d >= 40 || d <= -40 {
			return c
		}
	}
}

// shift moves every channel of c by d towards the middle grey, so the
// result stays in range and its luma is about d away.
func shift(c color.RGBA, d int) color.RGBA {
	if luma8(c) > 127 {
		d = -d
	}
	return color.RGBA{clamp8(int(c.R) + d), clamp8(int(c.G) + d), clamp8(int(c.B) + d), 255}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

func luma8(c color.RGBA) int {
	return int((19595*uint32(c.R) + 38470*uint32(c.G) + 7471*uint32(c.B) + 1<<15) >> 16)
}

func clamp8(v int) uint8 { return uint8(min(max(v, 0), 255)) }

func hash2(x, y int) uint32 {
	h := uint32(x)*374761393 + uint32(y)*668265263
	h = (h ^ (h >> 13)) * 1274126177
	return h ^ (h >> 16)
}
