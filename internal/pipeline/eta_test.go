package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// etaLog builds an event log one event at a time, each at its own instant.
type etaLog struct {
	at  time.Time
	evs []shoot.Event
}

func (l *etaLog) add(after time.Duration, typ string, data map[string]any) {
	l.at = l.at.Add(after)
	data["type"] = typ
	b, _ := json.Marshal(data)
	l.evs = append(l.evs, shoot.Event{Seq: int64(len(l.evs) + 1), Type: typ, Data: b, CreatedAt: l.at})
}

func (l *etaLog) progress(after time.Duration, data map[string]any) {
	l.add(after, shoot.EventSystem, map[string]any{"subtype": shoot.SubtypeProgress, "data": data})
}

// shootLog is a whole shoot whose stages take the given times, a frame
// edit and a redone clip of their own length, then a cancelled clips run.
func shootLog(start time.Time, d map[string]time.Duration, edit, redo time.Duration) []shoot.Event {
	l := &etaLog{at: start}
	l.add(0, shoot.EventStatus, map[string]any{"message": "Starting the shoot…"})
	for _, st := range shoot.Stages {
		l.add(time.Second, shoot.EventStatus, map[string]any{"stage": st, "message": "Working"})
		if st == shoot.StageClips {
			for n := 1; n <= 5; n++ {
				l.progress(d[st]/10, map[string]any{"stage": st, "percent": 50, "clip": n})
			}
			l.add(d[st]/2, shoot.EventCheckpoint, map[string]any{"stage": st})
		} else {
			l.progress(d[st]/2, map[string]any{"stage": st, "percent": 50})
			cp := st
			if st == shoot.StageFinal {
				cp = shoot.StageComplete
			}
			l.add(d[st]/2, shoot.EventCheckpoint, map[string]any{"stage": cp})
		}
		if st == shoot.StageFrames {
			l.add(time.Second, shoot.EventStatus, map[string]any{"message": "Reading your reply…", "reply": "regenerate frame 3"})
			l.add(0, shoot.EventStatus, map[string]any{"stage": st})
			l.progress(edit, map[string]any{"stage": st, "percent": 100, "frame": 3})
			l.add(0, shoot.EventCheckpoint, map[string]any{"stage": st})
		}
		if st == shoot.StageClips {
			l.add(0, shoot.EventStatus, map[string]any{"stage": st})
			l.progress(redo, map[string]any{"stage": st, "percent": 100, "clip": 2})
			l.add(0, shoot.EventCheckpoint, map[string]any{"stage": st})
			l.add(0, shoot.EventStatus, map[string]any{"stage": st})
			l.progress(time.Hour, map[string]any{"stage": st, "percent": 10, "clip": 1})
			l.add(time.Second, shoot.EventStatus, map[string]any{"message": "Cancelled."})
			l.add(time.Second, shoot.EventError, map[string]any{"message": "stopped"})
		}
	}
	return l.evs
}

// etaHistory serves shoot logs as the store would.
type etaHistory struct{ logs map[string][]shoot.Event }

func (h etaHistory) ListSessions(_ context.Context, f store.SessionFilter) ([]*shoot.Session, error) {
	var out []*shoot.Session
	for id := range h.logs {
		out = append(out, &shoot.Session{ID: id, UpdatedAt: time.Unix(int64(len(id)), 0), RunState: shoot.RunDone})
	}
	return out, nil
}

func (h etaHistory) EventsAfter(_ context.Context, id string, after int64, limit int) ([]shoot.Event, error) {
	evs := h.logs[id]
	lo := min(int(after), len(evs))
	return evs[lo:min(lo+limit, len(evs))], nil
}

// TestStageClockLearnsFullRuns: over random stage lengths, the clock's
// time for each stage is the median of the whole runs, never polluted by
// frame edits, single-clip redos or cancelled runs.
func TestStageClockLearnsFullRuns(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 99))
		h := etaHistory{logs: map[string][]shoot.Event{}}
		want := map[string][]float64{}
		shoots := 1 + rng.IntN(4)
		for i := range shoots {
			d := map[string]time.Duration{}
			for _, st := range shoot.Stages {
				d[st] = time.Duration(2+rng.IntN(120)) * time.Second
				want[st] = append(want[st], d[st].Seconds())
			}
			edit, redo := time.Duration(1+rng.IntN(500))*time.Second, time.Duration(1+rng.IntN(500))*time.Second
			h.logs[fmt.Sprintf("s%d", i)] = shootLog(time.Unix(1e9, 0), d, edit, redo)
		}
		got, err := NewStageClock(h).Times(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range shoot.Stages {
			if w := median(want[st]); math.Abs(got[st].Seconds-w) > 1e-6 || got[st].Samples != shoots {
				t.Errorf("seed %d, %s: got %+v, want %.0f s from %d runs", seed, st, got[st], w, shoots)
			}
		}
	}
}

// TestStageClockCurrent: a running session's open run is its stage and
// start; a session at a checkpoint has none.
func TestStageClockCurrent(t *testing.T) {
	t.Parallel()
	l := &etaLog{at: time.Unix(1e9, 0)}
	l.add(0, shoot.EventStatus, map[string]any{"stage": shoot.StageHero})
	l.add(3*time.Second, shoot.EventCheckpoint, map[string]any{"stage": shoot.StageHero})
	l.progress(2*time.Second, map[string]any{"stage": shoot.StageContactSheet, "percent": 5})
	l.add(time.Second, shoot.EventStatus, map[string]any{"stage": shoot.StageContactSheet})
	h := etaHistory{logs: map[string][]shoot.Event{"a": l.evs}}
	c := NewStageClock(h)
	for _, tc := range []struct {
		state string
		ok    bool
	}{{shoot.RunRunning, true}, {shoot.RunAwaiting, false}, {shoot.RunCancelled, false}} {
		run, ok, err := c.Current(context.Background(), &shoot.Session{ID: "a", RunState: tc.state})
		if err != nil || ok != tc.ok {
			t.Fatalf("%s: ok %v err %v", tc.state, ok, err)
		}
		if ok && (run.Stage != shoot.StageContactSheet || !run.Start.Equal(time.Unix(1e9+5, 0))) {
			t.Errorf("current run %+v, want the contact sheet from its first progress", run)
		}
	}
}
