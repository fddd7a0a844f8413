package pipeline

import (
	"fmt"
	"sync"
	"time"
)

// Progress pacing: a stage reports at most one progress event per
// progressEvery, and one item (a clip, the film) only when its percent has
// moved by progressStep points since its last event, so a viewer sees
// steady movement without the log filling with near-identical events. A
// finished item (100 %) and a new provider log line always go through.
const (
	progressEvery = 250 * time.Millisecond
	progressStep  = 5
	// progressKeep bounds the pacer's memory: entries idle this long are
	// forgotten.
	progressKeep = 10 * time.Minute
)

// pacer decides which progress updates become events. It is per process:
// across workers the bound holds per process, which is what a viewer needs.
type pacer struct {
	mu     sync.Mutex
	stages map[string]time.Time // session|stage → last event
	items  map[string]pacedItem // session|stage|item → last event
	swept  time.Time
}

type pacedItem struct {
	percent int
	at      time.Time
}

func newPacer() *pacer {
	return &pacer{stages: map[string]time.Time{}, items: map[string]pacedItem{}}
}

// allow reports whether an update of item (within stage of session sid)
// at percent, with a new message or not, should be emitted now.
func (p *pacer) allow(now time.Time, sid, stage, item string, percent int, newMessage bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sweep(now)
	sk := sid + "|" + stage
	ik := sk + "|" + item
	last, seen := p.items[ik]
	switch {
	case percent >= 100:
		delete(p.items, ik)
		p.stages[sk] = now
		return true
	case seen && !newMessage && percent-last.percent < progressStep:
		return false
	case now.Sub(p.stages[sk]) < progressEvery:
		return false
	}
	p.stages[sk] = now
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
	for k, at := range p.stages {
		if now.Sub(at) > progressKeep {
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
