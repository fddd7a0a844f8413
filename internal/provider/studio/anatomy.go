package studio

import "math"

// classify tells what an accessory or garment is from its silhouette:
// eyewear is wide and low; a bag has a handle, a hole in its upper half
// closed all round; a garment is taller than wide; anything else is an
// accessory the layout cannot place on the body.
func classify(mask *grid) string {
	w, h := float64(mask.w), float64(mask.h)
	aspect := w / h
	switch {
	case aspect >= 1.6:
		return kindEyewear
	case hasHandle(mask) && aspect > 0.5:
		return kindBag
	case aspect <= 1.3:
		return kindGarment
	}
	return kindOther
}

// hasHandle reports whether the mask encloses a hole of some size in its
// upper half: backdrop that cannot be reached from the border.
func hasHandle(mask *grid) bool {
	w, h := mask.w, mask.h
	open := make([]bool, w*h)
	var stack []int
	push := func(i int) {
		if !open[i] && mask.pix[i] < 0.5 {
			open[i] = true
			stack = append(stack, i)
		}
	}
	for x := range w {
		push(x)
		push((h-1)*w + x)
	}
	for y := range h {
		push(y * w)
		push(y*w + w - 1)
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		if x > 0 {
			push(i - 1)
		}
		if x < w-1 {
			push(i + 1)
		}
		if y > 0 {
			push(i - w)
		}
		if y < h-1 {
			push(i + w)
		}
	}
	hole := 0
	for y := range h / 2 {
		for x := range w {
			if i := y*w + x; mask.pix[i] < 0.5 && !open[i] {
				hole++
			}
		}
	}
	return hole*150 >= w*h
}

// anatomy is where a standing figure's landmarks are, as fractions of its
// mask's width and height.
type anatomy struct {
	ok                   bool
	eyeX, eyeY, headW    float64
	shoulderY, shoulderW float64
	handX, handY         float64
	handSide             float64 // −1 left, +1 right
}

// findAnatomy reads a figure's landmarks from its silhouette: the head is
// the top down to the narrowest row (the neck), the shoulders are where the
// silhouette then grows wider than the head, the eyes sit halfway down the
// head, and the hand is
// the lowest point of the arm reaching furthest out at mid-height.
func findAnatomy(mask *grid) anatomy {
	w, h := mask.w, mask.h
	left, right := make([]int, h), make([]int, h)
	for y := range h {
		left[y], right[y] = -1, -1
		for x := range w {
			if mask.pix[y*w+x] >= 0.5 {
				if left[y] < 0 {
					left[y] = x
				}
				right[y] = x
			}
		}
	}
	top := 0
	for top < h && left[top] < 0 {
		top++
	}
	if top >= h-8 {
		return anatomy{}
	}
	span := h - top
	width := func(y int) int { return max(0, right[y]-left[y]+1) }
	headRows := max(2, span/16)
	var widths []int
	for y := top + headRows/2; y < top+headRows*3/2 && y < h; y++ {
		widths = append(widths, width(y))
	}
	headW := float64(median(histOf(widths, w+1), len(widths)))
	// The neck is the narrowest row below the head; the shoulders are
	// where the silhouette then grows clearly wider than the head.
	neck := -1
	for y := top + headRows; y < top+span*3/10; y++ {
		if left[y] >= 0 && (neck < 0 || width(y) < width(neck)) {
			neck = y
		}
	}
	shoulder := -1
	for y := max(neck, 0); neck >= 0 && y < top+span*2/5; y++ {
		if float64(width(y)) > 1.25*headW {
			shoulder = y
			break
		}
	}
	if shoulder < 0 || headW < 2 || float64(width(neck)) > 0.9*headW {
		return anatomy{}
	}
	crown := top // the top of the head itself, below stray hairs
	for crown < neck && float64(width(crown)) < 0.3*headW {
		crown++
	}
	var cx float64
	for y := top; y < neck; y++ {
		cx += float64(left[y]+right[y]) / 2
	}
	cx /= float64(neck - top)
	a := anatomy{ok: true, headW: headW / float64(w), shoulderW: float64(width(shoulder+span/40)) / float64(w)}
	a.eyeX, a.eyeY = (cx+0.5)/float64(w), (float64(crown)+0.55*float64(neck-crown))/float64(h)
	a.shoulderY = float64(shoulder) / float64(h)
	a.handX, a.handY, a.handSide = findHand(left, right, top, span, cx)
	a.handX /= float64(w)
	a.handY /= float64(h)
	return a
}

// findHand finds the hand of the arm that hangs: on each side, the point
// reaching furthest from the body's centre line between a third and two
// thirds of the figure's height; the side whose furthest reach lies lowest
// (a hanging hand, not a bent elbow) wins, unless it barely leaves the body.
func findHand(left, right []int, top, span int, cx float64) (x, y, side float64) {
	type reach struct {
		d float64
		y int
	}
	var sides [2]reach // left, right
	for yy := top + span/3; yy < top+span*2/3; yy++ {
		if left[yy] < 0 {
			continue
		}
		for s, d := range [2]float64{cx - float64(left[yy]), float64(right[yy]) - cx} {
			if d >= sides[s].d-math.Max(1, 0.03*sides[s].d) {
				sides[s] = reach{math.Max(d, sides[s].d), yy}
			}
		}
	}
	pick := 0
	if sides[1].y > sides[0].y && sides[1].d > 0.6*sides[0].d || sides[0].d < 0.6*sides[1].d {
		pick = 1
	}
	side = float64(2*pick - 1)
	return cx + side*sides[pick].d, float64(sides[pick].y), side
}
func histOf(vals []int, n int) []int {
	h := make([]int, n)
	for _, v := range vals {
		h[min(max(v, 0), n-1)]++
	}
	return h
}
