package qa

import (
	"fmt"
	"math"

	"github.com/corona10/goimagehash"
)

// print is what the duplicate check keeps of a frame: its 64-bit DCT
// perceptual hash (goimagehash's pHash) and a 16×16 CIELAB thumbnail.
type print struct {
	hash  *goimagehash.ImageHash
	thumb []lab
}

const thumbSide = 16

func fingerprint(p *picture) print {
	var pr print
	if h, err := goimagehash.PerceptionHash(p.rgba); err == nil {
		pr.hash = h
	}
	pr.thumb = make([]lab, thumbSide*thumbSide)
	cnt := make([]int, len(pr.thumb))
	for y := range p.h {
		for x := range p.w {
			i := (y*thumbSide/p.h)*thumbSide + x*thumbSide/p.w
			for ch := range 3 {
				pr.thumb[i][ch] += p.at(x, y)[ch]
			}
			cnt[i]++
		}
	}
	for i := range pr.thumb {
		for ch := range 3 {
			pr.thumb[i][ch] /= float64(max(1, cnt[i]))
		}
	}
	return pr
}

// thumbDistance is the mean CIE76 difference of two thumbnails at the best
// of the shifts by up to one cell, so a copy nudged by a few pixels still
// matches.
func thumbDistance(a, b []lab) float64 {
	best := math.Inf(1)
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			sum, n := 0.0, 0
			for y := max(0, -dy); y < thumbSide-max(0, dy); y++ {
				for x := max(0, -dx); x < thumbSide-max(0, dx); x++ {
					sum += dist(a[y*thumbSide+x], b[(y+dy)*thumbSide+x+dx])
					n++
				}
			}
			best = math.Min(best, sum/float64(n))
		}
	}
	return best
}

// duplicateItems reports, for each frame, whether an earlier frame has the
// same framing: hashes within maxBits, or thumbnails within maxDeltaE.
func duplicateItems(prints []print, maxBits int, maxDeltaE float64) []Item {
	out := make([]Item, len(prints))
	for j := range prints {
		out[j] = Item{Item: "duplicate framing", Frame: j + 1, Status: Pass, Reason: "distinct from the other frames"}
		for i := range j {
			if why, same := samePrint(prints[i], prints[j], maxBits, maxDeltaE); same {
				out[j].Status, out[j].Reason = Fail, fmt.Sprintf("same framing as frame %d (%s)", i+1, why)
				break
			}
		}
	}
	return out
}

func samePrint(a, b print, maxBits int, maxDeltaE float64) (string, bool) {
	if a.hash != nil && b.hash != nil {
		if d, err := a.hash.Distance(b.hash); err == nil && d <= maxBits {
			return fmt.Sprintf("hashes %d bits apart", d), true
		}
	}
	if d := thumbDistance(a.thumb, b.thumb); d <= maxDeltaE {
		return fmt.Sprintf("thumbnails ΔE %.1f apart", d), true
	}
	return "", false
}
