package pipeline

import (
	"strconv"
	"testing"
	"time"
)

func TestPacer(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type update struct {
		after   time.Duration // since t0
		item    string
		percent int
		message bool
	}
	// every percent of one item, 10 ms apart: a stitch reporting each frame.
	var dense []update
	for p := 0; p <= 100; p++ {
		dense = append(dense, update{time.Duration(p) * 10 * time.Millisecond, "", p, false})
	}
	// the same, but spread over 100 s: only the 5-point steps count.
	var slow []update
	for p := 0; p <= 100; p++ {
		slow = append(slow, update{time.Duration(p) * time.Second, "", p, false})
	}
	// five clips reporting 1 % each every 100 ms, interleaved.
	var clips []update
	for p := 0; p <= 100; p++ {
		for c := 1; c <= 5; c++ {
			clips = append(clips, update{time.Duration(p)*100*time.Millisecond + time.Duration(c)*time.Millisecond, "clip" + string(rune('0'+c)), p, false})
		}
	}
	// one clip creeping 1 % every 500 ms for 20 s: shown every second anyway.
	var creep []update
	for p := 0; p <= 40; p++ {
		creep = append(creep, update{time.Duration(p) * 500 * time.Millisecond, "clip1", p, false})
	}
	cases := []struct {
		name    string
		updates []update
		min     int
		max     int
		mustEnd bool // the last update (100 %) must pass
	}{
		{"a burst of every percent", dense, 2, 6, true},
		{"a clip creeping", creep, 19, 21, false},
		{"one percent a second", slow, 20, 21, true},
		{"five clips side by side", clips, 85, 97, true},
		{"messages inside the pacing window", []update{{0, "", 10, true}, {100 * time.Millisecond, "", 10, true}, {300 * time.Millisecond, "", 10, true}}, 2, 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPacer()
			n, lastPassed := 0, false
			for _, u := range c.updates {
				lastPassed = p.allow(t0.Add(u.after), "s1", "final", u.item, u.percent, u.message)
				if lastPassed {
					n++
				}
			}
			if n < c.min || n > c.max {
				t.Errorf("%d events, want %d to %d", n, c.min, c.max)
			}
			if c.mustEnd && !lastPassed {
				t.Error("the 100 % update was dropped")
			}
			dur := c.updates[len(c.updates)-1].after
			// the bucket's rate and burst, plus the finished items' events
			if limit := stageRate*dur.Seconds() + stageBurst + 5; float64(n) > limit {
				t.Errorf("%d events in %v, want at most %.0f (about stageRate a second)", n, dur, limit)
			}
		})
	}
}

func TestPacerKeepsSessionsAndStagesApart(t *testing.T) {
	t.Parallel()
	p := newPacer()
	t0 := time.Now()
	if !p.allow(t0, "a", "clips", "clip1", 10, false) || !p.allow(t0, "b", "clips", "clip1", 10, false) || !p.allow(t0, "a", "final", "", 10, false) {
		t.Fatal("updates of other sessions or stages were held back by one another")
	}
	if p.allow(t0.Add(time.Millisecond), "a", "clips", "clip1", 20, false) {
		t.Fatal("a second update of the same clip within the window passed")
	}
	// Clips polled at the same moment all get through, up to the burst.
	passed := 0
	for c := 2; c <= 20; c++ {
		if p.allow(t0.Add(2*time.Millisecond), "a", "clips", "clip"+strconv.Itoa(c), 10, false) {
			passed++
		}
	}
	if passed != stageBurst-1 {
		t.Fatalf("%d of 19 simultaneous clips passed, want the burst (%d) less the first", passed, stageBurst-1)
	}
	p.allow(t0.Add(2*progressKeep), "a", "clips", "clip1", 100, false)
	p.allow(t0.Add(3*progressKeep), "z", "hero", "", 1, false)
	if len(p.items) > 1 || len(p.stages) > 2 {
		t.Errorf("the pacer kept %d items and %d stages after they went idle", len(p.items), len(p.stages))
	}
}

// Six clips in flight, each polled once a second and moving 10 points a
// poll (a 10 s clip), must each show every move: none may lose a second's
// update to the stage's budget and stand still for two.
func TestPacerShowsEveryClipEverySecond(t *testing.T) {
	t.Parallel()
	p := newPacer()
	t0 := time.Now()
	for sec := 1; sec <= 9; sec++ {
		for c := 1; c <= 6; c++ {
			// The polls of one round land a few milliseconds apart.
			at := t0.Add(time.Duration(sec)*time.Second + time.Duration(c)*3*time.Millisecond)
			if !p.allow(at, "s", "clips", "clip"+strconv.Itoa(c), 10*sec, false) {
				t.Fatalf("second %d: clip %d's move to %d %% was held back", sec, c, 10*sec)
			}
		}
	}
}
