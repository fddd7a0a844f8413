package qa

import (
	"fmt"
	"image"
	"math"
)

// Ref is a reference picture the shoot must stay true to.
type Ref struct {
	// Name labels the reference in the verdict, e.g. "reference 2".
	Name  string
	Image image.Image
}

// refColours is a reference reduced to what the offline checks compare:
// its dominant subject colours.
type refColours struct {
	name    string
	colours []swatch // heaviest first
}

func prepareRef(r Ref) refColours {
	p := newPicture(r.Image)
	mask := subjectMask(p, fitBackdrop(p))
	if countTrue(mask) < 50 { // no clear subject: the whole picture counts
		mask = allTrue(len(mask))
	}
	return refColours{name: r.Name, colours: palette(p, interior(p, mask), 3)}
}

func allTrue(n int) []bool {
	m := make([]bool, n)
	for i := range m {
		m[i] = true
	}
	return m
}

// minPatch is how many pixels of a colour must be in the analysed result
// for the colour to count as present: a few hundredths of the picture, so
// a pair of sunglasses in a full-length shot still counts.
func minPatch(p *picture) int { return min(200, max(8, p.w*p.h/1200)) }

// colourItem checks that the reference's main colour is in the result's
// subject. Its ΔE is the distance within which the nearest patch of that
// size lies: near 0 when the colour is there, the drift when it was
// recoloured, and large when the item is gone.
func colourItem(ref refColours, others []refColours, res *picture, mask []bool, limit float64) Item {
	name := ref.name + " colour"
	if len(ref.colours) == 0 {
		return Item{Item: name, Status: NotChecked, Reason: "no subject colour found in the reference"}
	}
	main := ref.colours[0]
	if o, ok := sharedColour(main.c, others, 1.5*limit); ok {
		return Item{Item: name, Status: NotChecked, Reason: "its main colour is also in " + o + ", so its presence cannot be told by colour"}
	}
	d := kthDistance(res, mask, main.c, minPatch(res))
	if math.IsInf(d, 1) {
		return Item{Item: name, Status: Changed, Reason: "the picture has too little subject to compare"}
	}
	d = math.Round(d*10) / 10
	it := Item{Item: name, DeltaE: &d}
	if d <= limit {
		it.Status, it.Reason = Kept, fmt.Sprintf("main colour found within ΔE %.1f", d)
		return it
	}
	it.Status = Changed
	it.Reason = fmt.Sprintf("main colour L%.0f a%.0f b%.0f not found; the nearest patch is ΔE %.1f away",
		main.c[0], main.c[1], main.c[2], d)
	return it
}

// sharedColour reports another reference with a colour within r of c.
func sharedColour(c lab, others []refColours, r float64) (string, bool) {
	for _, o := range others {
		for _, sw := range o.colours {
			if sw.weight >= 0.1 && dist(c, sw.c) <= r {
				return o.name, true
			}
		}
	}
	return "", false
}
