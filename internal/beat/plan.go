package beat

import (
	"errors"
	"fmt"
	"math"
)

// PlanOptions asks for a film cut on the beat.
type PlanOptions struct {
	// Beats are the beat times of the bed, in seconds, ascending.
	Beats []float64
	// Segments is how many shots the film has (at least one).
	Segments int
	// Length is the asked film length in seconds.
	Length float64
	// FPS is the film's frame rate; cuts fall on its frame grid.
	FPS int
	// MinSegment is the shortest shot allowed, in seconds (zero: 40 % of
	// an even share, and never under two frames).
	MinSegment float64
}

// Plan is the film's timing: each shot's length in frames, chosen so that
// every boundary between shots, and the end, is on a beat.
type Plan struct {
	// Frames is each segment's frame count, in order.
	Frames []int `json:"frames"`
	// Cuts are the times of the n−1 hard cuts and then the end, in
	// seconds (whole frames at FPS).
	Cuts []float64 `json:"cuts"`
	// OnBeats are the beat times those cuts land on.
	OnBeats []float64 `json:"on_beats"`
	// Total is the film's length in seconds.
	Total float64 `json:"total"`
	FPS   int     `json:"fps"`
}

// LengthTolerance is how far the planned film may stray from the asked
// length: ±10 %.
const LengthTolerance = 0.10

// ErrNoFit means no choice of beats gives the asked shots within the
// length tolerance (too few beats, or beats too far apart).
var ErrNoFit = errors.New("beat: the beats do not fit the asked shots within ±10 % of the length")

// Durations returns each segment's length in seconds.
func (p *Plan) Durations() []float64 {
	d := make([]float64, len(p.Frames))
	for i, f := range p.Frames {
		d[i] = float64(f) / float64(p.FPS)
	}
	return d
}

// PlanCuts chooses, by dynamic programming over the beats, the beat each
// of the n−1 cuts and the end lands on, keeping every cut as near as it
// can to where an even split of the asked length puts it (squared error
// in shares of a shot) and every shot at least MinSegment long. Times are
// rounded to the film's frame grid, so a cut is never more than half a
// frame from its beat.
func PlanCuts(o PlanOptions) (*Plan, error) {
	switch {
	case o.Segments < 1:
		return nil, fmt.Errorf("beat: a plan needs at least one segment, got %d", o.Segments)
	case o.FPS < 1 || o.FPS > 240:
		return nil, fmt.Errorf("beat: fps must be between 1 and 240, got %d", o.FPS)
	case !(o.Length > 0):
		return nil, fmt.Errorf("beat: the asked length must be positive, got %g", o.Length)
	}
	share := o.Length / float64(o.Segments)
	minFrames := int(math.Ceil(o.MinSegment * float64(o.FPS)))
	if o.MinSegment == 0 {
		minFrames = int(math.Ceil(0.4 * share * float64(o.FPS)))
	}
	minFrames = max(2, minFrames)
	lo := int(math.Ceil((1 - LengthTolerance) * o.Length * float64(o.FPS)))
	hi := int(math.Floor((1 + LengthTolerance) * o.Length * float64(o.FPS)))
	// Candidate beats on the frame grid, after the first frame and not past
	// the longest allowed film.
	var at []int
	var src []float64
	for _, b := range o.Beats {
		f := int(math.Round(b * float64(o.FPS)))
		if f < minFrames || f > hi || (len(at) > 0 && f == at[len(at)-1]) {
			continue
		}
		at = append(at, f)
		src = append(src, b)
	}
	m := len(at)
	if m < o.Segments {
		return nil, ErrNoFit
	}
	inf := math.Inf(1)
	cost := make([][]float64, o.Segments)
	from := make([][]int, o.Segments)
	for i := range cost {
		cost[i] = make([]float64, m)
		from[i] = make([]int, m)
		target := float64(i+1) * share
		for j := range m {
			cost[i][j], from[i][j] = inf, -1
			d := (float64(at[j])/float64(o.FPS) - target) / share
			if i == 0 {
				cost[i][j] = d * d // the film starts at frame 0
				continue
			}
			for k := range j {
				if at[j]-at[k] < minFrames || math.IsInf(cost[i-1][k], 1) {
					continue
				}
				if v := cost[i-1][k] + d*d; v < cost[i][j] {
					cost[i][j], from[i][j] = v, k
				}
			}
		}
	}
	last, end := o.Segments-1, -1
	for j := range m {
		if at[j] < lo || math.IsInf(cost[last][j], 1) {
			continue
		}
		if end < 0 || cost[last][j] < cost[last][end] {
			end = j
		}
	}
	if end < 0 {
		return nil, ErrNoFit
	}
	idx := make([]int, o.Segments)
	for i, j := last, end; i >= 0; i-- {
		idx[i] = j
		j = from[i][j]
	}
	p := &Plan{FPS: o.FPS, Frames: make([]int, o.Segments), Cuts: make([]float64, o.Segments), OnBeats: make([]float64, o.Segments)}
	prev := 0
	for i, j := range idx {
		p.Frames[i] = at[j] - prev
		prev = at[j]
		p.Cuts[i] = float64(at[j]) / float64(o.FPS)
		p.OnBeats[i] = src[j]
	}
	p.Total = float64(prev) / float64(o.FPS)
	return p, nil
}
