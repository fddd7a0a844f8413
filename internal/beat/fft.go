package beat

import (
	"math"
	"math/bits"
)

// fft is an in-place iterative radix-2 transform of re+i·im; the length
// must be a power of two. The twiddles come from tw (cos, sin pairs for
// the full length), computed once per analysis.
func fft(re, im []float64, tw []float64) {
	n := len(re)
	shift := 64 - uint(bits.Len(uint(n))-1)
	for i := range n {
		j := int(bits.Reverse64(uint64(i)) >> shift)
		if j > i {
			re[i], re[j] = re[j], re[i]
			im[i], im[j] = im[j], im[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		half, step := size/2, n/size
		for start := 0; start < n; start += size {
			for k := range half {
				c, s := tw[2*k*step], tw[2*k*step+1]
				a, b := start+k, start+k+half
				xr := re[b]*c + im[b]*s
				xi := im[b]*c - re[b]*s
				re[b], im[b] = re[a]-xr, im[a]-xi
				re[a] += xr
				im[a] += xi
			}
		}
	}
}

// twiddles returns cos and sin of 2πk/n for k < n/2, interleaved.
func twiddles(n int) []float64 {
	tw := make([]float64, n)
	for k := range n / 2 {
		a := 2 * math.Pi * float64(k) / float64(n)
		tw[2*k], tw[2*k+1] = math.Cos(a), math.Sin(a)
	}
	return tw
}
