package beat

import "math"

// The envelope's frame: a 1024-sample Hann window (46 ms at SampleRate)
// stepped by 128 samples, so the envelope has about 172 values a second.
const (
	window = 1024
	hop    = 128
)

// onsetEnvelope is the spectral flux of x: for each hop, the summed rise of
// the log-compressed magnitude spectrum over the previous hop, then with
// its running mean (half a second) taken off and negatives dropped, scaled
// to unit standard deviation. Frame t is centred on sample t·hop.
func onsetEnvelope(x []float32) []float64 {
	frames := len(x)/hop + 1
	if frames < 2 {
		return nil
	}
	han := make([]float64, window)
	for i := range han {
		han[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(window))
	}
	tw := twiddles(window)
	re, im := make([]float64, window), make([]float64, window)
	bins := window/2 + 1
	prev, cur := make([]float64, bins), make([]float64, bins)
	flux := make([]float64, frames)
	const gamma = 100 // log(1+γ|X|) compresses loud and quiet partials alike
	for t := range frames {
		start := t*hop - window/2
		for i := range window {
			j := start + i
			v := 0.0
			if j >= 0 && j < len(x) {
				v = float64(x[j])
			}
			re[i], im[i] = v*han[i], 0
		}
		fft(re, im, tw)
		sum := 0.0
		for k := range bins {
			cur[k] = math.Log1p(gamma * math.Hypot(re[k], im[k]))
			if t > 0 {
				if d := cur[k] - prev[k]; d > 0 {
					sum += d
				}
			}
		}
		flux[t] = sum
		prev, cur = cur, prev
	}
	// Take off the running mean so sustained texture does not count.
	half := SampleRate / hop / 4
	pre := make([]float64, frames+1)
	for i, v := range flux {
		pre[i+1] = pre[i] + v
	}
	env := make([]float64, frames)
	for i := range flux {
		lo, hi := max(0, i-half), min(frames, i+half+1)
		mean := (pre[hi] - pre[lo]) / float64(hi-lo)
		env[i] = max(0, flux[i]-mean)
	}
	var s2 float64
	for _, v := range env {
		s2 += v * v
	}
	if sd := math.Sqrt(s2 / float64(frames)); sd > 0 {
		for i := range env {
			env[i] /= sd
		}
	}
	return env
}

// framesPerSecond is the envelope's rate.
func framesPerSecond() float64 { return float64(SampleRate) / hop }
