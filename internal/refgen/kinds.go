package refgen

import (
	"image"
	"math"
	"math/rand/v2"
)

// model draws a standing figure in a coat near the backdrop colour: one arm
// hanging clear of the body (an open gap), the other bent with the hand on
// the hip (an enclosed hole), legs apart, a head with hair and stray
// strands, sometimes a small bag on a thin strap, and a soft floor shadow.
func model(r *rand.Rand) Ref {
	w, h := 300+r.IntN(200), 480+r.IntN(240)
	bd := randomBackdrop(r)
	F := float64(h) * between(r, 0.72, 0.9) // figure height
	top := between(r, 0.03, float64(h)-F-0.03*float64(h)-2)
	cx := float64(w) * between(r, 0.42, 0.58)
	mirror := 1.0
	if r.IntN(2) == 0 {
		mirror = -1
	}
	P := func(u, v float64) [2]float64 { return [2]float64{cx + mirror*u*F, top + v*F} }
	hem := between(r, 0.55, 0.8)
	hemHalf := between(r, 0.13, 0.21)
	half := func(v float64) float64 { return 0.11 + (hemHalf-0.11)*(v-0.16)/(hem-0.16) }
	feet := P(0, 0.97)
	var shadow func(x, y float64) float64
	withShadow := r.IntN(4) != 0
	if withShadow {
		s := softShadow(feet[0]+mirror*between(r, -0.05, 0.1)*F, feet[1]+0.005*F, between(r, 0.16, 0.3)*F, 0.03*F,
			between(r, 0.15, 0.4), between(r, 0.02, 0.05)*F)
		shadow = s
	}
	c := newCanvas(w, h, bd, shadow)
	main, dE := pick(r, bd, w, h, cx, top+0.4*F, around(0, P(-0.3, 0), P(0.3, 1)))
	skin, hair, legs := other(r, bd, w, h), other(r, bd, w, h), other(r, bd, w, h)
	line := func(a, b [2]float64, rad float64) (sdf, box) {
		return capsule(a[0], a[1], b[0], b[1], rad), around(rad, a, b)
	}
	for _, side := range []float64{-1, 1} { // legs
		d, b := line(P(side*0.045, 0.55), P(side*0.05, 0.97), 0.03*F)
		c.paint(d, b, legs, 0.1)
	}
	// The hanging arm, clear of the coat, and the arm bent to the hip.
	elbow, hand := P(-(half(0.34)+0.05), 0.34), P(-(half(0.5)+0.07), 0.5)
	for _, seg := range [][2][2]float64{{P(-0.1, 0.19), elbow}, {elbow, hand}} {
		d, b := line(seg[0], seg[1], 0.028*F)
		c.paint(d, b, main, 0.05)
	}
	elbow2, hip := P(half(0.3)+0.1, 0.31), P(half(0.42)-0.01, 0.42)
	for _, seg := range [][2][2]float64{{P(0.1, 0.19), elbow2}, {elbow2, hip}} {
		d, b := line(seg[0], seg[1], 0.028*F)
		c.paint(d, b, main, 0.05)
	}
	coat := [4][2]float64{P(-0.11, 0.16), P(0.11, 0.16), P(hemHalf, hem), P(-hemHalf, hem)}
	if mirror < 0 {
		coat = [4][2]float64{coat[1], coat[0], coat[3], coat[2]}
	}
	c.paint(quad(coat), around(0, coat[:]...), main, 0.12)
	d, b := line(P(0, 0.12), P(0, 0.17), 0.022*F)
	c.paint(d, b, skin, 0)
	hd := P(0, 0.075)
	c.paint(ellipse(hd[0], hd[1], 0.055*F, 0.07*F), around(0.07*F, hd), skin, 0.05)
	c.paint(above(ellipse(hd[0], hd[1]-0.015*F, 0.062*F, 0.062*F), hd[1]-0.02*F), around(0.07*F, hd), hair, 0)
	for range 6 + r.IntN(8) { // stray strands, a pixel or two wide
		a := between(r, math.Pi*1.05, math.Pi*1.95)
		s := [2]float64{hd[0] + 0.06*F*math.Cos(a), hd[1] - 0.015*F + 0.06*F*math.Sin(a)}
		l := between(r, 0.02, 0.07) * F
		e := [2]float64{s[0] + l*math.Cos(a+between(r, -0.5, 0.5)), s[1] + l*math.Sin(a) + between(r, 0, 0.5)*l}
		d, b := line(s, e, between(r, 0.5, 1.1))
		c.paint(d, b, hair, 0)
	}
	d, b = line(hand, hand, 0.032*F)
	c.paint(d, b, skin, 0)
	if r.IntN(2) == 0 { // a small bag hanging from the hand on a thin loop
		bag := P(-(half(0.5) + 0.07), 0.6)
		strap := math.Max(1.2, 0.004*F)
		c.paint(ring(ellipse(hand[0], (hand[1]+bag[1])/2, 0.03*F, (bag[1]-hand[1])/2), strap*2), around(0.07*F, hand, bag), other(r, bd, w, h), 0)
		c.paint(roundRect(bag[0], bag[1]+0.03*F, 0.05*F, 0.035*F, 0.008*F), around(0.06*F, bag, P(-(half(0.5)+0.07), 0.67)), other(r, bd, w, h), 0.1)
	}
	ref := result(Model, c, r, dE, withShadow)
	ref.Eyes = image.Pt(int(hd[0]), int(hd[1]))
	ref.Hand = image.Pt(int(hand[0]), int(hand[1]))
	return ref
}

// garment draws a flat-lay dress or coat: a body, sleeves lying apart from
// it, and sometimes two thin straps, with a soft drop shadow.
func garment(r *rand.Rand) Ref {
	w, h := 320+r.IntN(200), 380+r.IntN(200)
	bd := randomBackdrop(r)
	G := math.Min(float64(w), float64(h)) * between(r, 0.6, 0.8)
	cx, cy := float64(w)/2+between(r, -0.05, 0.05)*float64(w), float64(h)/2
	top, bot := cy-0.5*G, cy+0.5*G
	topHalf, botHalf := between(r, 0.16, 0.24)*G, between(r, 0.26, 0.4)*G
	body := [4][2]float64{{cx - topHalf, top + 0.08*G}, {cx + topHalf, top + 0.08*G}, {cx + botHalf, bot}, {cx - botHalf, bot}}
	withShadow := r.IntN(3) != 0
	var shadow func(x, y float64) float64
	if withShadow {
		shadow = softShadow(cx+0.04*G, cy+0.06*G, botHalf*0.9, 0.5*G, between(r, 0.1, 0.3), 0.06*G)
	}
	c := newCanvas(w, h, bd, shadow)
	main, dE := pick(r, bd, w, h, cx, cy, around(0, [2]float64{cx - 0.6*G, top}, [2]float64{cx + 0.6*G, bot}))
	c.paint(quad(body), around(0, body[:]...), main, 0.1)
	if r.IntN(2) == 0 { // sleeves, apart from the body below the shoulder
		for _, s := range []float64{-1, 1} {
			a := [2]float64{cx + s*topHalf*0.9, top + 0.12*G}
			b := [2]float64{cx + s*(botHalf+0.12*G), top + 0.6*G}
			c.paint(capsule(a[0], a[1], b[0], b[1], 0.05*G), around(0.05*G, a, b), main, 0.05)
		}
	} else { // thin straps up to the top edge of the picture
		for _, s := range []float64{-1, 1} {
			a := [2]float64{cx + s*topHalf*0.7, top + 0.1*G}
			b := [2]float64{cx + s*topHalf*0.5, top - 0.07*G}
			rad := between(r, 0.8, 1.6)
			c.paint(capsule(a[0], a[1], b[0], b[1], rad), around(rad, a, b), main, 0)
		}
	}
	return result(Garment, c, r, dE, withShadow)
}

// eyewear draws sunglasses: two lenses in rims near the backdrop colour, a
// thin bridge and thin temples.
func eyewear(r *rand.Rand) Ref {
	w, h := 360+r.IntN(200), 220+r.IntN(120)
	bd := randomBackdrop(r)
	S := float64(w) * between(r, 0.6, 0.8)
	cx, cy := float64(w)/2, float64(h)/2
	rx, ry := 0.2*S, 0.2*S*between(r, 0.6, 0.9)
	c := newCanvas(w, h, bd, nil)
	rim, dE := pick(r, bd, w, h, cx, cy, around(0, [2]float64{cx - 0.5*S, cy - ry}, [2]float64{cx + 0.5*S, cy + ry}))
	lens := other(r, bd, w, h)
	t := math.Max(2, 0.03*S)
	for _, s := range []float64{-1, 1} {
		lx := cx + s*0.26*S
		c.paint(ellipse(lx, cy, rx, ry), around(rx+t, [2]float64{lx, cy}), lens, 0.2)
		c.paint(ring(ellipse(lx, cy, rx, ry), t), around(rx+t, [2]float64{lx, cy}), rim, 0)
		a, b := [2]float64{lx + s*rx, cy - 0.3*ry}, [2]float64{lx + s*(rx+0.08*S), cy - 0.45*ry}
		c.paint(capsule(a[0], a[1], b[0], b[1], 1), around(1, a, b), rim, 0)
	}
	a, b := [2]float64{cx - 0.26*S + rx, cy - 0.2*ry}, [2]float64{cx + 0.26*S - rx, cy - 0.2*ry}
	c.paint(capsule(a[0], a[1], b[0], b[1], math.Max(1, t/2)), around(t, a, b), rim, 0)
	return result(Eyewear, c, r, dE, false)
}

// bag draws a handbag: a rounded body, a handle with the backdrop showing
// through it, and sometimes a thin shoulder strap; it casts a soft shadow.
func bag(r *rand.Rand) Ref {
	w, h := 320+r.IntN(160), 320+r.IntN(200)
	bd := randomBackdrop(r)
	B := math.Min(float64(w), float64(h)) * between(r, 0.45, 0.6)
	cx, cy := float64(w)/2, float64(h)*0.58
	hw, hh := 0.5*B, 0.35*B
	withShadow := r.IntN(2) == 0
	var shadow func(x, y float64) float64
	if withShadow {
		shadow = softShadow(cx, cy+hh, hw*1.1, 0.08*B, between(r, 0.15, 0.35), 0.05*B)
	}
	c := newCanvas(w, h, bd, shadow)
	main, dE := pick(r, bd, w, h, cx, cy, around(0, [2]float64{cx - hw, cy - hh - 0.5*B}, [2]float64{cx + hw, cy + hh}))
	hr := between(r, 0.22, 0.32) * B
	t := math.Max(2, between(r, 0.03, 0.07)*B)
	c.paint(above(ring(ellipse(cx, cy-hh, hr, hr*1.1), t), cy-hh+1), around(hr+t, [2]float64{cx, cy - hh}), main, 0)
	if r.IntN(2) == 0 {
		rad := between(r, 0.8, 1.5)
		for _, s := range []float64{-1, 1} {
			a, b := [2]float64{cx + s*hw*0.9, cy - hh}, [2]float64{cx, cy - hh - 0.55*B}
			c.paint(capsule(a[0], a[1], b[0], b[1], rad), around(rad, a, b), main, 0)
		}
	}
	c.paint(roundRect(cx, cy, hw, hh, 0.08*B), around(0, [2]float64{cx - hw, cy - hh}, [2]float64{cx + hw, cy + hh}), main, 0.15)
	return result(Bag, c, r, dE, withShadow)
}
