package qa

import (
	"math"
	"sort"
)

// swatch is one dominant colour and the share of the subject it covers.
type swatch struct {
	c      lab
	weight float64
}

// palette returns up to k dominant colours of the masked pixels by k-means
// in CIELAB, heaviest first. Seeds are picked farthest-first, so the result
// is deterministic.
func palette(p *picture, mask []bool, k int) []swatch {
	var pts []lab
	step := max(1, countTrue(mask)/6000)
	n := 0
	for i, m := range mask {
		if m {
			if n%step == 0 {
				pts = append(pts, p.px[i])
			}
			n++
		}
	}
	if len(pts) == 0 {
		return nil
	}
	centres := farthestFirst(pts, k)
	assign := make([]int, len(pts))
	for range 12 {
		for i, c := range pts {
			assign[i] = nearest(centres, c)
		}
		centres = means(pts, assign, centres)
	}
	out := make([]swatch, len(centres))
	for i := range out {
		out[i].c = centres[i]
	}
	for _, a := range assign {
		out[a].weight++
	}
	for i := range out {
		out[i].weight /= float64(len(pts))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].weight > out[j].weight })
	return out
}

func farthestFirst(pts []lab, k int) []lab {
	centres := []lab{median(pts)}
	for len(centres) < k {
		best, bestD := -1, 0.0
		for i, c := range pts {
			if d := dist(c, centres[nearest(centres, c)]); d > bestD {
				best, bestD = i, d
			}
		}
		if best < 0 || bestD < 6 { // nothing clearly different is left
			break
		}
		centres = append(centres, pts[best])
	}
	return centres
}

func median(pts []lab) lab {
	var m lab
	for ch := range 3 {
		v := make([]float64, len(pts))
		for i, c := range pts {
			v[i] = c[ch]
		}
		sort.Float64s(v)
		m[ch] = v[len(v)/2]
	}
	return m
}

func nearest(centres []lab, c lab) int {
	best, bestD := 0, math.Inf(1)
	for i, m := range centres {
		if d := dist(c, m); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

func means(pts []lab, assign []int, old []lab) []lab {
	sum := make([]lab, len(old))
	cnt := make([]int, len(old))
	for i, c := range pts {
		a := assign[i]
		for ch := range 3 {
			sum[a][ch] += c[ch]
		}
		cnt[a]++
	}
	for i := range sum {
		if cnt[i] == 0 {
			sum[i] = old[i]
			continue
		}
		for ch := range 3 {
			sum[i][ch] /= float64(cnt[i])
		}
	}
	return sum
}

func countTrue(mask []bool) int {
	n := 0
	for _, m := range mask {
		if m {
			n++
		}
	}
	return n
}

// kthDistance is the distance from c within which at least k of the masked
// pixels lie: how far the k nearest pixels of the picture are from c. It is
// an order statistic, so a few noisy pixels cannot make a missing colour
// look present, and a small accessory still counts when k is small.
func kthDistance(p *picture, mask []bool, c lab, k int) float64 {
	const bins, width = 512, 0.25 // up to ΔE 128 in quarter steps
	var hist [bins]int
	for i, m := range mask {
		if !m {
			continue
		}
		b := int(dist(c, p.px[i]) / width)
		hist[min(b, bins-1)]++
	}
	n := 0
	for b, h := range hist {
		n += h
		if n >= k {
			return float64(b+1) * width
		}
	}
	return math.Inf(1)
}
