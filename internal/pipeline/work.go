package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// WorkKind is the kind of a unit of work: one durable job each. Its values
// are the Work* constants (WorkSegment is in segments.go).
type WorkKind string

// Work kinds.
const (
	WorkTurn      = "turn"       // a director turn
	WorkHero      = "hero"       // generate the hero
	WorkSheet     = "sheet"      // generate the contact sheet
	WorkFrames    = "frames"     // crop the six frames from the sheet
	WorkFrameEdit = "frame-edit" // regenerate one frame
	WorkResize    = "resize"     // re-crop all frames to an aspect ratio
	WorkClip      = "clip"       // one clip between two frames
	WorkFinal     = "final"      // stitch the film
)

// Valid reports whether k is one of the work kinds.
func (k WorkKind) Valid() bool {
	switch k {
	case WorkTurn, WorkHero, WorkSheet, WorkFrames, WorkFrameEdit, WorkResize, WorkClip, WorkFinal, WorkSegment:
		return true
	}
	return false
}

// Work is the argument of one durable job. Gen ties it to one request of
// the session: a job whose Gen is no longer current (cancelled or replaced)
// ends without effect.
type Work struct {
	Kind      string `json:"kind"`
	SessionID string `json:"session_id"`
	Gen       int    `json:"gen"`
	// N is the frame or clip number (1-based) for frame-edit and clip work.
	N int `json:"n,omitempty"`
	// Version is the asset version this work writes (fixed when the work is
	// requested, so a re-run after a crash writes the same version).
	Version int `json:"version,omitempty"`
	// Turn fields.
	TurnKind string          `json:"turn_kind,omitempty"`
	Text     string          `json:"text,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
}

// Item names the work item this work completes within a stage run.
func (w Work) Item() string {
	switch w.Kind {
	case WorkFrameEdit, WorkClip:
		return fmt.Sprintf("%s:%d", w.Kind, w.N)
	}
	return w.Kind
}

// Snooze asks the queue to run the job again after a delay without counting
// an attempt: the job is waiting on a provider or a concurrency slot.
type Snooze struct{ After time.Duration }

func (s *Snooze) Error() string { return fmt.Sprintf("snooze %s", s.After) }

// AsSnooze reports whether err asks for a snooze.
func AsSnooze(err error) (*Snooze, bool) {
	var s *Snooze
	ok := errors.As(err, &s)
	return s, ok
}
