package pipeline

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// How much history the stage clock reads: the newest sessions, and the
// newest full runs of each stage among them.
const (
	clockSessions  = 30
	clockSamples   = 5
	clockPage      = 2000
	clockMaxEvents = 40000
)

// StageTime is how long a stage usually takes on this instance: the median
// of its newest full runs, and how many runs that is (0: no idea yet).
type StageTime struct {
	Seconds float64 `json:"seconds"`
	Samples int     `json:"samples"`
}

// StageRun is one run of a stage found in a session's event log: from the
// event that started it to its checkpoint (End is zero when it never got
// there). Full is false for runs that redo only part of a stage (one
// frame edited, fewer clips than a whole shoot).
type StageRun struct {
	Stage string
	Start time.Time
	End   time.Time
	Full  bool
	clips map[int]bool
	edit  bool
}

// Seconds is how long the run took to reach its checkpoint.
func (r StageRun) Seconds() float64 { return r.End.Sub(r.Start).Seconds() }

// History is what the stage clock reads: the sessions and their logs.
type History interface {
	ListSessions(ctx context.Context, f store.SessionFilter) ([]*shoot.Session, error)
	EventsAfter(ctx context.Context, sessionID string, after int64, limit int) ([]shoot.Event, error)
}

// StageClock learns how long each stage takes from the event logs of this
// instance's recent sessions. It rereads a session's log only when the
// session changed, so asking often is cheap. Safe for concurrent use.
type StageClock struct {
	h     History
	mu    sync.Mutex
	cache map[string]clockEntry
}

type clockEntry struct {
	updated time.Time
	runs    []StageRun
}

// NewStageClock returns a clock reading h.
func NewStageClock(h History) *StageClock {
	return &StageClock{h: h, cache: map[string]clockEntry{}}
}

// Times returns the usual duration of every stage that has finished at
// least once on this instance.
func (c *StageClock) Times(ctx context.Context) (map[string]StageTime, error) {
	list, err := c.h.ListSessions(ctx, store.SessionFilter{Limit: clockSessions})
	if err != nil {
		return nil, err
	}
	samples := map[string][]float64{}
	partial := map[string][]float64{}
	for _, s := range list {
		runs, err := c.runs(ctx, s)
		if err != nil {
			return nil, err
		}
		for _, r := range slices.Backward(runs) {
			if r.End.IsZero() {
				continue
			}
			if r.Full && len(samples[r.Stage]) < clockSamples {
				samples[r.Stage] = append(samples[r.Stage], r.Seconds())
			} else if !r.Full && len(partial[r.Stage]) < clockSamples {
				partial[r.Stage] = append(partial[r.Stage], r.Seconds())
			}
		}
	}
	out := map[string]StageTime{}
	for _, st := range shoot.Stages {
		xs := samples[st]
		if len(xs) == 0 {
			xs = partial[st]
		}
		if len(xs) > 0 {
			out[st] = StageTime{Seconds: median(xs), Samples: len(xs)}
		}
	}
	return out, nil
}

// Current returns the run of the stage a session is working on now, if any.
func (c *StageClock) Current(ctx context.Context, s *shoot.Session) (StageRun, bool, error) {
	if s.RunState != shoot.RunRunning {
		return StageRun{}, false, nil
	}
	runs, err := c.runs(ctx, s)
	if err != nil || len(runs) == 0 {
		return StageRun{}, false, err
	}
	last := runs[len(runs)-1]
	return last, last.End.IsZero(), nil
}

// runs returns the stage runs of a session, from the cache while the
// session has not changed.
func (c *StageClock) runs(ctx context.Context, s *shoot.Session) ([]StageRun, error) {
	c.mu.Lock()
	e, ok := c.cache[s.ID]
	c.mu.Unlock()
	if ok && e.updated.Equal(s.UpdatedAt) {
		return e.runs, nil
	}
	var events []shoot.Event
	for after := int64(0); len(events) < clockMaxEvents; {
		page, err := c.h.EventsAfter(ctx, s.ID, after, clockPage)
		if err != nil {
			return nil, err
		}
		events = append(events, page...)
		if len(page) < clockPage {
			break
		}
		after = page[len(page)-1].Seq
	}
	runs := StageRuns(events)
	c.mu.Lock()
	c.cache[s.ID] = clockEntry{updated: s.UpdatedAt, runs: runs}
	c.mu.Unlock()
	return runs, nil
}

// stageEvent is the part of an event's data the clock reads.
type stageEvent struct {
	Stage   string `json:"stage"`
	Subtype string `json:"subtype"`
	Data    struct {
		Stage string `json:"stage"`
		Clip  int    `json:"clip"`
		Frame int    `json:"frame"`
	} `json:"data"`
}

// StageRuns splits a session's event log into stage runs. A run starts at
// the status event that names its stage (or, after a retry, at the
// stage's first progress event) and ends at that stage's checkpoint; an
// error or a status naming no stage (a reply, a cancel) abandons it.
func StageRuns(events []shoot.Event) []StageRun {
	var runs []StageRun
	open := -1
	for _, ev := range events {
		var d stageEvent
		if json.Unmarshal(ev.Data, &d) != nil {
			continue
		}
		switch {
		case ev.Type == shoot.EventStatus && isStage(d.Stage):
			// A job may report progress before the status that started
			// its stage is written; that run is this one.
			if open < 0 || runs[open].Stage != d.Stage {
				runs, open = append(runs, StageRun{Stage: d.Stage, Start: ev.CreatedAt, clips: map[int]bool{}}), len(runs)
			}
		case ev.Type == shoot.EventStatus, ev.Type == shoot.EventError:
			open = -1
		case ev.Type == shoot.EventSystem && d.Subtype == shoot.SubtypeProgress && isStage(d.Data.Stage):
			if open < 0 || runs[open].Stage != d.Data.Stage {
				runs, open = append(runs, StageRun{Stage: d.Data.Stage, Start: ev.CreatedAt, clips: map[int]bool{}}), len(runs)
			}
			if d.Data.Clip > 0 {
				runs[open].clips[d.Data.Clip] = true
			}
			runs[open].edit = runs[open].edit || d.Data.Frame > 0
		case ev.Type == shoot.EventCheckpoint:
			st := d.Stage
			if st == shoot.StageComplete {
				st = shoot.StageFinal
			}
			if open >= 0 && runs[open].Stage == st {
				runs[open].End = ev.CreatedAt
				runs[open].Full = fullRun(runs[open])
			}
			open = -1
		}
	}
	return runs
}

// fullRun tells a whole stage from a partial redo: an edit of some frames,
// or fewer clips than the five of a shoot.
func fullRun(r StageRun) bool {
	switch r.Stage {
	case shoot.StageFrames:
		return !r.edit
	case shoot.StageClips:
		return len(r.clips) >= 5
	}
	return true
}

func isStage(s string) bool {
	switch s {
	case shoot.StageHero, shoot.StageContactSheet, shoot.StageFrames, shoot.StageClips, shoot.StageFinal:
		return true
	}
	return false
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
