package beat

import "math"

// The tempo range searched, and the grid step of the search.
const (
	MinBPM  = 60
	MaxBPM  = 180
	bpmStep = 0.2
)

// autocorr is the mean-removed autocorrelation of env for lags 0…maxLag,
// each lag divided by its number of products so long lags are not
// penalised for overlapping less.
func autocorr(env []float64, maxLag int) []float64 {
	n := len(env)
	maxLag = min(maxLag, n-1)
	if maxLag < 1 {
		return nil
	}
	mean := 0.0
	for _, v := range env {
		mean += v
	}
	mean /= float64(n)
	c := make([]float64, n)
	for i, v := range env {
		c[i] = v - mean
	}
	r := make([]float64, maxLag+1)
	for l := range r {
		s := 0.0
		for i := 0; i+l < n; i++ {
			s += c[i] * c[i+l]
		}
		r[l] = s / float64(n-l)
	}
	return r
}

// peakNear is the largest value of r within one lag of x (linear
// interpolation between lags), or 0 past the end.
func peakNear(r []float64, x float64) float64 {
	best := math.Inf(-1)
	for d := -1.0; d <= 1.0; d += 0.25 {
		y := x + d
		i := int(math.Floor(y))
		if i < 0 || i+1 >= len(r) {
			continue
		}
		f := y - float64(i)
		best = max(best, r[i]*(1-f)+r[i+1]*f)
	}
	if math.IsInf(best, -1) {
		return 0
	}
	return best
}

// combScore is how strongly r repeats at period p: the mean of its peaks
// at the first four multiples of p that fit, never below zero.
func combScore(r []float64, p float64) float64 {
	s, n := 0.0, 0
	for k := 1.0; k <= 4; k++ {
		if k*p+1 >= float64(len(r)) {
			break
		}
		s += peakNear(r, k*p)
		n++
	}
	if n == 0 {
		return 0
	}
	return max(0, s/float64(n))
}

// prior gently prefers tempos near 120 BPM: a log-normal a little over an
// octave wide. It only settles near-ties between a tempo and its double or
// half, which the comb scores almost equally.
func prior(bpm float64) float64 {
	x := math.Log2(bpm/120) / 1.2
	return math.Exp(-0.5 * x * x)
}

// grid is the list of tempos searched.
func grid() []float64 {
	var g []float64
	for b := float64(MinBPM); b <= MaxBPM+1e-9; b += bpmStep {
		g = append(g, b)
	}
	return g
}

// period turns a tempo into envelope frames a beat.
func period(bpm float64) float64 { return 60 * framesPerSecond() / bpm }

// scores is combScore at every grid tempo.
func scores(r []float64, g []float64) []float64 {
	s := make([]float64, len(g))
	for i, b := range g {
		s[i] = combScore(r, period(b))
	}
	return s
}

// bestTempo picks the tempo of an autocorrelation: the best prior-weighted
// comb score, then the octave check. A comb at twice the true period scores
// as well as the true one (every second beat still lines up), so when the
// autocorrelation at half the chosen period is nearly as strong as at the
// period itself, a pulse runs between the chosen beats and the faster
// tempo is the beat.
func bestTempo(r []float64, g []float64) float64 {
	s := scores(r, g)
	bi := 0
	for i := range s {
		if s[i]*prior(g[i]) > s[bi]*prior(g[bi]) {
			bi = i
		}
	}
	bpm := g[bi]
	for 2*bpm <= MaxBPM {
		p := period(bpm)
		if peakNear(r, p/2) < 0.6*peakNear(r, p) {
			break
		}
		bpm *= 2
	}
	// The same trap one step over: with a beat and a pulse halfway between
	// beats, a comb at one and a half beats meets beat on off-beat and
	// off-beat on beat, and can edge out the beat. There the
	// autocorrelation at two thirds of the chosen period (the true beat) is
	// as strong as at the period itself; a swung off-beat, alone between
	// two beats, never makes it so.
	if p := period(bpm); 1.5*bpm <= MaxBPM && peakNear(r, 2*p/3) >= 0.8*peakNear(r, p) {
		bpm *= 1.5
	}
	return bpm
}

// tempoPlan is the tempo estimate before tracking: one tempo, or two with
// the time the music changes from the first to the second.
type tempoPlan struct {
	first, second float64 // BPM; second is 0 without a change
	change        float64 // envelope frame of the change
	zone          float64 // frames either side of change where both hold
	// clarity is how much of the envelope's variance repeats at the
	// chosen beat: near 0 for a drone or noise, well above for a pulse.
	clarity float64
}

// Windows for the change search: 8 s stepped by 1 s.
const (
	changeWindow = 8.0
	changeStep   = 1.0
)

// estimateTempo finds the tempo of env, and one change of tempo if the
// music has one: the track is cut into overlapping windows, each window's
// comb scores are summed on either side of every candidate split, and a
// split is kept when two tempos explain the windows clearly better than
// one.
func estimateTempo(env []float64) tempoPlan {
	g := grid()
	fps := framesPerSecond()
	maxLag := int(4*period(MinBPM)) + 2
	all := autocorr(env, maxLag)
	whole := bestTempo(all, g)
	plan := tempoPlan{first: whole}
	if all[0] > 0 {
		plan.clarity = combScore(all, period(whole)) / all[0]
	}
	win, step := int(changeWindow*fps), int(changeStep*fps)
	var accs [][]float64
	var sc [][]float64
	for start := 0; start+win <= len(env); start += step {
		r := autocorr(env[start:start+win], maxLag)
		accs = append(accs, r)
		sc = append(sc, scores(r, g))
	}
	const minSide = 4
	w := len(sc)
	if w < 2*minSide {
		return plan
	}
	pr := make([]float64, len(g))
	for i, b := range g {
		pr[i] = prior(b)
	}
	// pre[k][c]: summed score of windows < k at grid tempo c.
	pre := make([][]float64, w+1)
	pre[0] = make([]float64, len(g))
	for k := range w {
		pre[k+1] = make([]float64, len(g))
		for c := range g {
			pre[k+1][c] = pre[k][c] + sc[k][c]
		}
	}
	argmax := func(lo, hi int) (int, float64) {
		bi, bv := 0, math.Inf(-1)
		for c := range g {
			if v := (pre[hi][c] - pre[lo][c]) * pr[c]; v > bv {
				bi, bv = c, v
			}
		}
		return bi, bv
	}
	_, one := argmax(0, w)
	bestSplit, bestGain := -1, 0.0
	for s := minSide; s <= w-minSide; s++ {
		_, lv := argmax(0, s)
		_, rv := argmax(s, w)
		if gain := lv + rv - one; gain > bestGain {
			bestSplit, bestGain = s, gain
		}
	}
	if bestSplit < 0 || bestGain < 0.15*one {
		return plan
	}
	sum := func(lo, hi int) []float64 {
		r := make([]float64, len(accs[0]))
		for _, a := range accs[lo:hi] {
			for i, v := range a {
				r[i] += v
			}
		}
		return r
	}
	left, right := bestTempo(sum(0, bestSplit), g), bestTempo(sum(bestSplit, w), g)
	ratio := left / right
	if math.Abs(ratio-1) < 0.05 || math.Abs(ratio-2) < 0.06 || math.Abs(ratio-0.5) < 0.03 {
		return plan // one tempo after all, or the same pulse at another level
	}
	// Window k is centred at k·step + win/2; the change lies between the
	// centres of the last window on the left and the first on the right.
	centre := float64(bestSplit)*float64(step) - float64(step)/2 + float64(win)/2
	return tempoPlan{first: left, second: right, change: centre, zone: 2.5 * fps, clarity: plan.clarity}
}
