package beat

import (
	"context"
	"errors"
	"math"
	"slices"
)

// Section is a stretch of constant tempo.
type Section struct {
	Start float64 `json:"start"` // seconds
	End   float64 `json:"end"`
	BPM   float64 `json:"bpm"`
}

// Analysis is what Analyze finds in an audio bed.
type Analysis struct {
	// Tempo is the BPM of the longest section.
	Tempo float64 `json:"tempo"`
	// Sections has one entry, or two when the tempo changes once.
	Sections []Section `json:"sections"`
	// Beats are the beat times in seconds from the start of the bed.
	Beats []float64 `json:"beats"`
	// Duration is the length of the samples analysed, in seconds.
	Duration float64 `json:"duration"`
	// Clarity is the share of the onset envelope's variance that repeats
	// at the beat period: about 0 for a drone or noise, near 1 for a
	// metronome.
	Clarity float64 `json:"clarity"`
}

// minClarity is the least Clarity taken for a pulse. A steady tone scores
// under 0.01 and white noise about 0.05; generated click tracks, even
// swung and under noise and a bass line, score several times this.
const minClarity = 0.15

// ErrNoPulse means the audio has no beat to track: silence, or too short.
var ErrNoPulse = errors.New("beat: no steady pulse found in the audio")

// tightness weighs how strongly the tracker keeps to the tempo against
// how strongly it follows onsets: a beat 5 % early or late costs about a
// quarter of a typical onset, one on a swung off-beat (two thirds of a
// beat) far more than any onset is worth.
const tightness = 100

// AnalyzeFile decodes path (its first maxSeconds, or all when 0) and
// analyses it.
func AnalyzeFile(ctx context.Context, path string, maxSeconds float64) (*Analysis, error) {
	x, err := Decode(ctx, path, SampleRate, maxSeconds)
	if err != nil {
		return nil, err
	}
	return Analyze(x)
}

// Analyze finds the tempo and beats of mono samples at SampleRate.
func Analyze(x []float32) (*Analysis, error) {
	fps := framesPerSecond()
	if float64(len(x)) < 3*SampleRate {
		return nil, ErrNoPulse
	}
	env := onsetEnvelope(x)
	var energy float64
	for _, v := range env {
		energy += v
	}
	if energy == 0 {
		return nil, ErrNoPulse
	}
	plan := estimateTempo(env)
	if plan.clarity < minClarity {
		return nil, ErrNoPulse
	}
	frames := track(env, plan)
	if len(frames) < 4 {
		return nil, ErrNoPulse
	}
	beats := make([]float64, len(frames))
	for i, f := range frames {
		beats[i] = snap(x, float64(f)/fps)
	}
	slices.Sort(beats)
	beats = slices.Compact(beats)
	a := &Analysis{Beats: beats, Duration: float64(len(x)) / SampleRate, Clarity: plan.clarity}
	if plan.second == 0 {
		a.Sections = []Section{{Start: 0, End: a.Duration, BPM: fitBPM(beats)}}
	} else {
		lo, hi := (plan.change-plan.zone)/fps, (plan.change+plan.zone)/fps
		var left, right []float64
		for _, b := range beats {
			switch {
			case b < lo:
				left = append(left, b)
			case b > hi:
				right = append(right, b)
			}
		}
		split := changeTime(beats, plan, fps)
		a.Sections = []Section{{Start: 0, End: split, BPM: fitBPM(left)}, {Start: split, End: a.Duration, BPM: fitBPM(right)}}
	}
	long := a.Sections[0]
	for _, s := range a.Sections[1:] {
		if s.End-s.Start > long.End-long.Start {
			long = s
		}
	}
	a.Tempo = long.BPM
	return a, nil
}

// changeTime places a tempo change at the beat from which the beat
// intervals keep to the second period: of the beats near the estimated
// change, the one that best splits the intervals into a run near the first
// period and a run near the second.
func changeTime(beats []float64, plan tempoPlan, fps float64) float64 {
	p1, p2 := 60/plan.first, 60/plan.second
	lo, hi := (plan.change-2*plan.zone)/fps, (plan.change+2*plan.zone)/fps
	var near []int
	for i := 1; i < len(beats); i++ {
		if beats[i-1] >= lo && beats[i] <= hi {
			near = append(near, i)
		}
	}
	if len(near) == 0 {
		return plan.change / fps
	}
	miss := func(d, p float64) float64 { x := math.Log(d / p); return x * x }
	best, bestCost := plan.change/fps, math.Inf(1)
	for _, s := range near {
		cost := 0.0
		for _, i := range near {
			d := beats[i] - beats[i-1]
			if i <= s {
				cost += miss(d, p1)
			} else {
				cost += miss(d, p2)
			}
		}
		if cost < bestCost {
			best, bestCost = beats[s], cost
		}
	}
	return best
}

// fitBPM is the tempo of evenly spaced beats: the least-squares slope of
// beat time against beat number. Fewer than two beats give 0.
func fitBPM(beats []float64) float64 {
	n := float64(len(beats))
	if n < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i, b := range beats {
		x := float64(i)
		sx += x
		sy += b
		sxx += x * x
		sxy += x * b
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	if slope <= 0 {
		return 0
	}
	return 60 / slope
}

// track chooses the beat frames by dynamic programming: the best chain of
// frames that collects the most onset strength while each step stays close
// (on a log scale) to the beat period in force there. Around a tempo
// change either period is accepted.
func track(env []float64, plan tempoPlan) []int {
	n := len(env)
	periods := func(t int) []float64 {
		if plan.second == 0 || float64(t) < plan.change-plan.zone {
			return []float64{period(plan.first)}
		}
		if float64(t) > plan.change+plan.zone {
			return []float64{period(plan.second)}
		}
		return []float64{period(plan.first), period(plan.second)}
	}
	score := make([]float64, n)
	back := make([]int, n)
	for t := range n {
		back[t] = -1
		best := 0.0
		for _, p := range periods(t) {
			lo, hi := t-int(math.Round(2*p)), t-int(math.Round(p/2))
			for tau := max(0, lo); tau <= hi; tau++ {
				d := math.Log(float64(t-tau) / p)
				if v := score[tau] - tightness*d*d; v > best {
					best, back[t] = v, tau
				}
			}
		}
		score[t] = env[t] + best
	}
	// End on the best frame of the last beat period.
	last := period(plan.first)
	if plan.second != 0 {
		last = period(plan.second)
	}
	end := n - 1
	for t := max(0, n-int(last)); t < n; t++ {
		if score[t] > score[end] {
			end = t
		}
	}
	var beats []int
	for t := end; t >= 0; t = back[t] {
		beats = append(beats, t)
	}
	slices.Reverse(beats)
	// The chain runs on through silence at either end; keep only beats
	// that sit on a real onset there.
	strong := make([]float64, len(beats))
	for i, b := range beats {
		strong[i] = env[b]
	}
	slices.Sort(strong)
	floor := 0.2 * strong[len(strong)/2]
	for len(beats) > 0 && env[beats[0]] < floor {
		beats = beats[1:]
	}
	for len(beats) > 0 && env[beats[len(beats)-1]] < floor {
		beats = beats[:len(beats)-1]
	}
	return beats
}

// snap moves a beat found on the envelope's coarse grid onto the onset in
// the samples: within ±30 ms, the start of the 32-sample block whose
// energy (after a first difference, which keeps clicks and drops bass)
// rises most over the block before it.
func snap(x []float32, at float64) float64 {
	const block, step = 32, 8
	reach := SampleRate * 3 / 100
	c := int(at * SampleRate)
	energy := func(s int) float64 {
		e := 0.0
		for i := s; i < s+block; i++ {
			if i < 1 || i >= len(x) {
				continue
			}
			d := float64(x[i] - x[i-1])
			e += d * d
		}
		return e
	}
	best, bestJump := c, math.Inf(-1)
	for s := c - reach; s <= c+reach; s += step {
		if s-block < 1 || s+block > len(x) {
			continue
		}
		jump := math.Log(energy(s)+1e-9) - math.Log(energy(s-block)+1e-9)
		if jump > bestJump {
			best, bestJump = s, jump
		}
	}
	return float64(best) / SampleRate
}
