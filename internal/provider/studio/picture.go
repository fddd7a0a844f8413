package studio

import (
	"image"
	"math"
)

// stageFromPicture makes a stage of a finished picture (a hero from another
// provider, with no recipe to rebuild): the picture is the world, its
// blurred copy is the backdrop past its edges, and the subject is where the
// picture's detail stands out from its smooth surroundings.
func stageFromPicture(img *image.RGBA) *stage {
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	st := &stage{W: W, H: H, preset: "picture"}
	k := 1 + 2*stageMargin
	st.bg = newGrid(max(1, int(float64(W)*k/lowRes)), max(1, int(float64(H)*k/lowRes)), 3)
	small := scaled(img, img.Bounds(), max(1, W/lowRes), max(1, H/lowRes))
	for gy := range st.bg.h {
		for gx := range st.bg.w {
			wx, wy := st.fromGrid(gx, gy)
			x := clamp(int(wx/float64(W)*float64(small.Bounds().Dx())), 0, small.Bounds().Dx()-1)
			y := clamp(int(wy/float64(H)*float64(small.Bounds().Dy())), 0, small.Bounds().Dy()-1)
			p := small.Pix[small.PixOffset(x, y):]
			for c := range 3 {
				st.bg.pix[st.bg.at(gx, gy)+c] = float32(p[c]) / 255
			}
		}
	}
	st.bg.blur(max(2, st.bg.h/40))
	st.sprites = []sprite{spriteAt(img, rectF{0, 0, float64(W), float64(H)})}
	st.subject = subjectBox(img)
	s := st.subject
	st.head = rectF{s.x0 + 0.3*s.w(), s.y0, s.x1 - 0.3*s.w(), s.y0 + s.h()/6}
	side := 0.24 * s.h()
	st.detail = rectF{s.x0 + s.w()/2 - side/2, s.y0 + 0.42*s.h(), s.x0 + s.w()/2 + side/2, s.y0 + 0.42*s.h() + side}
	st.notes = previzNotes{Subject: "the hero picture, framed by its salient region", Backdrop: "picture"}
	return st
}

// subjectBox estimates where the subject of a picture is. Studio backdrops
// are smooth and subjects are not, so each pixel is marked salient when it
// differs clearly from a heavily blurred copy of the picture (a
// centre–surround measure); the subject is the largest connected salient
// region, so props and prints beside it do not drag the box away. A picture
// with nothing standing out gets a central portrait box.
func subjectBox(img *image.RGBA) rectF {
	W, H := float64(img.Bounds().Dx()), float64(img.Bounds().Dy())
	k := math.Min(1, 160/math.Max(W, H))
	small := scaled(img, img.Bounds(), max(1, int(W*k)), max(1, int(H*k)))
	sw, sh := small.Bounds().Dx(), small.Bounds().Dy()
	salient := saliency(small)
	b, area := largestRegion(salient, sw, sh)
	if area < sw*sh/100 {
		return rectF{0.3 * W, 0.08 * H, 0.7 * W, 0.95 * H}
	}
	fx, fy := W/float64(sw), H/float64(sh)
	return rectF{float64(b.Min.X) * fx, float64(b.Min.Y) * fy, float64(b.Max.X) * fx, float64(b.Max.Y) * fy}
}

// saliency marks the pixels of a small picture that differ from their
// blurred surroundings by more than a clear step.
func saliency(small *image.RGBA) []bool {
	sw, sh := small.Bounds().Dx(), small.Bounds().Dy()
	sharp := newGrid(sw, sh, 3)
	for i := range sw * sh {
		for c := range 3 {
			sharp.pix[i*3+c] = float32(small.Pix[i*4+c])
		}
	}
	soft := &grid{w: sw, h: sh, c: 3, pix: append([]float32(nil), sharp.pix...)}
	soft.blur(max(2, max(sw, sh)/12))
	out := make([]bool, sw*sh)
	for i := range out {
		var d float32
		for c := range 3 {
			d = max(d, abs32(sharp.pix[i*3+c]-soft.pix[i*3+c]))
		}
		out[i] = d > 24
	}
	return out
}

// largestRegion returns the bounding box and size of the largest
// 8-connected region of set pixels.
func largestRegion(set []bool, w, h int) (image.Rectangle, int) {
	seen := make([]bool, len(set))
	var best image.Rectangle
	bestArea := 0
	var stack []int
	for start := range set {
		if !set[start] || seen[start] {
			continue
		}
		var b image.Rectangle
		area := 0
		seen[start] = true
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%w, i/w
			area++
			b = b.Union(image.Rect(x, y, x+1, y+1))
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					if j := ny*w + nx; set[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if area > bestArea {
			best, bestArea = b, area
		}
	}
	return best, bestArea
}
