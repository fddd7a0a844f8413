package media

import (
	"context"
	"errors"

	"github.com/fashionshoot/shoot/internal/beat"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// BeatReport is how a film was cut to its audio bed.
type BeatReport struct {
	// Tempo is the bed's main tempo in BPM; Sections its tempo over time
	// (two when it changes once).
	Tempo    float64        `json:"tempo"`
	Sections []beat.Section `json:"sections"`
	// Beats is the beat grid under the film, in seconds from its start.
	Beats []float64 `json:"beats"`
	// Cuts are the film's hard cuts and its end, in seconds, each within
	// half a frame of a beat; Frames are the segments' frame counts.
	Cuts   []float64 `json:"cuts"`
	Frames []int     `json:"frames"`
}

// PlanBeat analyses the bed and plans a film of clips segments, asked to
// last clips × clipDuration, whose cuts all land on the bed's beats (see
// beat.PlanCuts). A bed shorter than the film loops in it, so its beats
// are repeated at each loop. A bed without a pulse, or whose beats cannot
// fit the film within ±10 %, is an EINVALID error wrapping beat.ErrNoPulse
// or beat.ErrNoFit.
func PlanBeat(ctx context.Context, audio string, clips int, clipDuration float64, fps int) (*BeatReport, error) {
	length := float64(clips) * clipDuration
	horizon := (1+beat.LengthTolerance)*length + 1
	a, err := beat.AnalyzeFile(ctx, audio, horizon)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, beat.ErrNoPulse):
		return nil, shoot.Wrap(err, shoot.EINVALID, "the audio bed has no beat to cut on")
	case err != nil:
		return nil, shoot.Wrap(err, shoot.EINVALID, "the audio bed cannot be analysed")
	}
	beats := append([]float64(nil), a.Beats...)
	for loop := a.Duration; loop < horizon && a.Duration > 0; loop += a.Duration {
		for _, b := range a.Beats {
			if t := loop + b; t <= horizon {
				beats = append(beats, t)
			}
		}
	}
	p, err := beat.PlanCuts(beat.PlanOptions{Beats: beats, Segments: clips, Length: length, FPS: fps})
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINVALID, "the audio bed's beats do not fit the film")
	}
	r := &BeatReport{Tempo: a.Tempo, Sections: a.Sections, Cuts: p.Cuts, Frames: p.Frames}
	for _, b := range beats {
		if b <= p.Total {
			r.Beats = append(r.Beats, b)
		}
	}
	return r, nil
}
