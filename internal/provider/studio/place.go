package studio

import (
	"image"
	"math"
	"math/rand/v2"
)

// placeAll puts each garment and accessory where it is worn — sunglasses
// at the eyes, a bag at the hand, a garment over the body — when the
// model's anatomy was found and the slot is free, and gathers the rest
// into a styled flat-lay inset beside the model.
func (st *stage) placeAll(items []cutout, an anatomy, at rectF, r *rand.Rand) {
	used := map[string]bool{}
	var worn [3][]sprite // garments, then bags, then eyewear: back to front
	var inset []cutout
	for _, it := range items {
		if it.note != "" {
			st.notes.Fallbacks = append(st.notes.Fallbacks, it.note+" in the flat-lay inset")
		}
		slot, layer := slotFor(it.kind)
		if !an.ok || it.note != "" || slot == "" || used[slot] {
			inset = append(inset, it)
			st.notes.Placements = append(st.notes.Placements, placementNote{Reference: it.ref, Kind: it.kind, Placed: "inset"})
			continue
		}
		used[slot] = true
		sp := wear(it, an, at)
		worn[layer] = append(worn[layer], sp)
		st.notes.Placements = append(st.notes.Placements, placementNote{Reference: it.ref, Kind: it.kind, Placed: slot})
		if st.detail.w() == 0 || slot != "body" {
			st.detail = detailAround(worldBox(it.mask, sp.box))
		}
	}
	for _, l := range worn {
		st.sprites = append(st.sprites, l...)
	}
	if st.detail.w() == 0 { // the model's own garment at the waist
		s := st.subject
		side := 0.24 * s.h()
		st.detail = rectF{s.x0 + s.w()/2 - side/2, s.y0 + 0.42*s.h(), s.x0 + s.w()/2 + side/2, s.y0 + 0.42*s.h() + side}
	}
	if len(inset) > 0 {
		st.sprites = append(st.sprites, st.insetSprite(inset, r))
	}
}

// slotFor is where a kind is worn and its layer (0 garment, 1 bag, 2 eyewear).
func slotFor(kind string) (string, int) {
	switch kind {
	case kindEyewear:
		return "eyes", 2
	case kindBag:
		return "hand", 1
	case kindGarment:
		return "body", 0
	}
	return "", 0
}

// detailAround is a square a little larger than a box, for the detail shot.
func detailAround(b rectF) rectF {
	side := 1.15 * math.Max(b.w(), b.h())
	cx, cy := b.x0+b.w()/2, b.y0+b.h()/2
	return rectF{cx - side/2, cy - side/2, cx + side/2, cy + side/2}
}

// wear sizes and places a piece on the model (at is the model's sprite
// box) from the anatomy: sunglasses as wide as the face across the eyes, a
// bag a fifth of the figure tall hanging from the hand, a garment from the
// shoulders, a little wider than them.
func wear(it cutout, an anatomy, at rectF) sprite {
	lw, lh := float64(it.layer.Bounds().Dx()), float64(it.layer.Bounds().Dy())
	aspect := lw / lh
	var w, h, x0, y0 float64
	switch it.kind {
	case kindEyewear:
		w = 1.2 * an.headW * at.w()
		h = w / aspect
		x0, y0 = at.x0+an.eyeX*at.w()-w/2, at.y0+an.eyeY*at.h()-0.45*h
	case kindBag:
		h = 0.2 * at.h()
		w = h * aspect
		hx, hy := at.x0+an.handX*at.w(), at.y0+an.handY*at.h()
		x0, y0 = hx-w/2+an.handSide*0.15*w, hy-0.1*h
	default:
		w = 1.3 * an.shoulderW * at.w()
		h = w / aspect
		if h > 0.62*at.h() {
			h = 0.62 * at.h()
			w = h * aspect
		}
		x0, y0 = at.x0+an.eyeX*at.w()-w/2, at.y0+an.shoulderY*at.h()-0.03*h
	}
	return spriteAt(it.layer, rectF{x0, y0, x0 + w, y0 + h})
}

// insetSprite lays the unplaced pieces flat on a paper card, each with a
// soft shadow — a flat-lay of the look — and places the card on the side of
// the frame away from the model, turned a little.
func (st *stage) insetSprite(items []cutout, r *rand.Rand) sprite {
	W, H := float64(st.W), float64(st.H)
	cw, ch := 0.24*W, math.Min(0.5*H, 0.24*W*1.3)
	scale := 2.0 // the card is drawn at twice its world size, for close-ups
	card := image.NewRGBA(image.Rect(0, 0, int(cw*scale), int(ch*scale)))
	fill(card, card.Bounds(), [3]float32{0.95, 0.94, 0.91})
	n := len(items)
	cellH := float64(card.Bounds().Dy()) / float64(n)
	for i, it := range items {
		lw, lh := float64(it.layer.Bounds().Dx()), float64(it.layer.Bounds().Dy())
		k := math.Min(0.8*float64(card.Bounds().Dx())/lw, 0.78*cellH/lh)
		w, h := lw*k, lh*k
		x0, y0 := (float64(card.Bounds().Dx())-w)/2, float64(i)*cellH+(cellH-h)/2
		softShadow(card, x0+w/2+0.02*w, y0+h/2+0.04*h, w/2*0.9, h/2*0.9, 0, 0.06*math.Max(w, h), 0.22)
		sp := spriteAt(it.layer, rectF{x0, y0, x0 + w, y0 + h})
		drawOver(card, placement{src: it.layer, toSrc: sp.toSrc, area: sp.box}, 1)
	}
	side := 1.0
	if st.subject.x0+st.subject.w()/2 > W/2 {
		side = -1
	}
	cx, cy := W/2+side*0.33*W, 0.42*H
	angle := deg(between(r, 1.5, 3.5) * sign(r))
	cam := camera{cx: cw * scale / 2, cy: ch * scale / 2, scale: scale, angle: -angle}
	ext := math.Hypot(cw, ch)/2 + 2
	return sprite{img: card, toSrc: cam.toSource(cx-ext, cy-ext, 2*ext, 2*ext),
		box: rectF{cx - ext, cy - ext, cx + ext, cy + ext}, edgeAA: true}
}
