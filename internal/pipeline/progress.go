package pipeline

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Progress pacing: an item (a clip, the film) reports at most one event
// per progressEvery, and only when its percent has moved by progressStep
// points or it has new words; a stage reports about stageRate events a
// second, with a burst of stageBurst so that clips polled at the same
// moment all get through. A finished item (100 %) always goes through. A
// viewer sees steady movement without the log filling with near-identical
// events.
const (
	progressEvery = 250 * time.Millisecond
	progressStep  = 5
	// progressHeartbeat: a named item (a clip, a frame) whose percent moved
	// at all is shown at least this often, however small the move. It
	// equals the local provider's poll pace, so a clip of the offline
	// studio shows every move it reports: at 1.5 s a small move waited for
	// the poll after next, and a clip stood still for 2.3 s.
	progressHeartbeat = time.Second
	// stageRate leaves room for every clip in flight (five by default, up
	// to six a session) to move once a second: at 4 a second, one clip in
	// five lost its update each second and stood still for two.
	stageRate  = 8
	stageBurst = 12
	// progressKeep bounds the pacer's memory: entries idle this long are
	// forgotten.
	progressKeep = 10 * time.Minute
)

// pacer decides which progress updates become events. It is per process:
// across workers the bound holds per process, which is what a viewer needs.
type pacer struct {
	mu     sync.Mutex
	stages map[string]*pacedStage // session|stage
	items  map[string]pacedItem   // session|stage|item → last event
	swept  time.Time
}

type pacedStage struct {
	bucket *rate.Limiter
	at     time.Time
}

type pacedItem struct {
	percent int
	at      time.Time
}

func newPacer() *pacer {
	return &pacer{stages: map[string]*pacedStage{}, items: map[string]pacedItem{}}
}

// allow reports whether an update of item (within stage of session sid)
// at percent, with a new message or not, should be emitted now.
func (p *pacer) allow(now time.Time, sid, stage, item string, percent int, newMessage bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sweep(now)
	sk := sid + "|" + stage
	ik := sk + "|" + item
	st := p.stages[sk]
	if st == nil {
		st = &pacedStage{bucket: rate.NewLimiter(stageRate, stageBurst)}
		p.stages[sk] = st
	}
	st.at = now
	last, seen := p.items[ik]
	switch {
	case percent >= 100:
		delete(p.items, ik)
		st.bucket.AllowN(now, 1) // counted, but never refused
		return true
	case seen && now.Sub(last.at) < progressEvery:
		return false
	case seen && !newMessage && percent-last.percent < progressStep && !(item != "" && percent > last.percent && now.Sub(last.at) >= progressHeartbeat):
		// Small moves wait for a bigger one; a clip or frame that keeps
		// moving slowly still shows it every progressHeartbeat.
		return false
	case !st.bucket.AllowN(now, 1):
		return false
	}
	p.items[ik] = pacedItem{percent: percent, at: now}
	return true
}

// sweep forgets entries idle for progressKeep, at most once a minute.
func (p *pacer) sweep(now time.Time) {
	if now.Sub(p.swept) < time.Minute {
		return
	}
	p.swept = now
	for k, it := range p.items {
		if now.Sub(it.at) > progressKeep {
			delete(p.items, k)
		}
	}
	for k, st := range p.stages {
		if now.Sub(st.at) > progressKeep {
			delete(p.stages, k)
		}
	}
}

// progressItem names the item an update is about, from its extra fields.
func progressItem(extra map[string]any) string {
	for _, k := range []string{"clip", "frame"} {
		if v, ok := extra[k]; ok {
			return fmt.Sprintf("%s%v", k, v)
		}
	}
	return ""
}

// progressMessage is the words of an update that came without any: what
// is being made and how far along it is.
func progressMessage(stage string, percent int, extra map[string]any) string {
	what := "Working on the " + stageLabel(stage)
	switch {
	case extra["clip"] != nil:
		what = fmt.Sprintf("Clip %v", extra["clip"])
	case extra["frame"] != nil:
		what = fmt.Sprintf("Reworking frame %v", extra["frame"])
	case stage == "hero":
		what = "Shooting the hero"
	case stage == "contact-sheet":
		what = "Shooting the contact sheet"
	case stage == "final":
		what = "Cutting the film"
	}
	return fmt.Sprintf("%s: %d%%", what, percent)
}
