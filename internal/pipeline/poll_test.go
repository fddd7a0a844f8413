package pipeline

import (
	"math/rand/v2"
	"testing"
	"time"
)

// simulatePolls counts the polls of a task that finishes after took, with
// the schedule of runTask: an immediate first poll only when nothing is
// known, then pollDelay between polls. It returns the polls and how late
// the result was picked up.
func simulatePolls(took, expected, ceiling time.Duration) (polls int, late time.Duration) {
	now := time.Duration(0)
	for first := true; ; first = false {
		if !first || expected > 0 {
			now += pollDelay(now, expected, ceiling)
		}
		polls++
		if now >= took {
			return polls, now - took
		}
	}
}

func TestPollSchedule(t *testing.T) {
	t.Parallel()
	const ceiling = 2 * time.Second
	cases := []struct {
		name           string
		took, expected time.Duration
		maxPolls       int
		maxLate        time.Duration
	}{
		{"unknown class polls like the fixed poller", 4 * time.Second, 0, 3, ceiling},
		{"learned 4 s task", 4 * time.Second, 4 * time.Second, 6, 300 * time.Millisecond},
		{"task a little faster than usual", 3500 * time.Millisecond, 4 * time.Second, 6, 300 * time.Millisecond},
		{"task much slower than usual", 12 * time.Second, 4 * time.Second, 14, ceiling},
		{"long video", 90 * time.Second, 80 * time.Second, 14, ceiling},
	}
	for _, tc := range cases {
		polls, late := simulatePolls(tc.took, tc.expected, ceiling)
		if polls > tc.maxPolls || late > tc.maxLate {
			t.Errorf("%s: %d polls, %v late; want ≤ %d polls, ≤ %v late", tc.name, polls, late, tc.maxPolls, tc.maxLate)
		}
	}
}

// Whatever the task and the guess, a wait is positive, and a wait longer
// than the ceiling never goes past the usual end: near and after it the
// task is polled at least as often as by the fixed poller.
func TestPollDelayBounds(t *testing.T) {
	t.Parallel()
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		expected := time.Duration(r.Int64N(int64(120 * time.Second)))
		elapsed := time.Duration(r.Int64N(int64(240 * time.Second)))
		d := pollDelay(elapsed, expected, 2*time.Second)
		if d <= 0 {
			t.Fatalf("seed %d: delay %v at %v of %v", seed, d, elapsed, expected)
		}
		if d > 2*time.Second && elapsed+d > expected {
			t.Fatalf("seed %d: delay %v near the end (%v of %v)", seed, d, elapsed, expected)
		}
	}
}

func TestLatenciesLearn(t *testing.T) {
	t.Parallel()
	var l latencies
	if l.expected("a") != 0 {
		t.Fatal("an unknown class has a usual duration")
	}
	l.observe("a", 4*time.Second)
	l.observe("a", 6*time.Second)
	l.observe("b", -time.Second)
	if got := l.expected("a"); got <= 4*time.Second || got >= 6*time.Second {
		t.Errorf("after 4 s and 6 s the usual duration is %v", got)
	}
	if l.expected("b") != 0 {
		t.Error("a negative duration was learned")
	}
}

// What a task is learned to take: the provider's own figure, else the
// callback's arrival, else the midpoint of the last window, and never a
// figure outside what the polls saw.
func TestTookBetween(t *testing.T) {
	t.Parallel()
	s := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return s.Add(d) }
	cases := []struct {
		name              string
		pending, done, cb time.Duration
		said, want        time.Duration
	}{
		{"midpoint of a coarse window", 2 * time.Second, 4 * time.Second, 0, 0, 3 * time.Second},
		{"the provider's own figure", 2 * time.Second, 4 * time.Second, 0, 3900 * time.Millisecond, 3900 * time.Millisecond},
		{"a figure past the poll that saw it done", 2 * time.Second, 4 * time.Second, 0, 9 * time.Second, 4 * time.Second},
		{"a figure before the poll that saw it pending", 2 * time.Second, 4 * time.Second, 0, time.Second, 2 * time.Second},
		{"the callback's arrival", 2 * time.Second, 4 * time.Second, 2500 * time.Millisecond, 0, 2500 * time.Millisecond},
		{"the provider's figure over the callback", 2 * time.Second, 4 * time.Second, 2500 * time.Millisecond, 3 * time.Second, 3 * time.Second},
		{"done at the first poll", 0, 4 * time.Second, 0, 0, 2 * time.Second},
	}
	for _, tc := range cases {
		var arrived time.Time
		if tc.cb > 0 {
			arrived = at(tc.cb)
		}
		if got := tookBetween(s, at(tc.pending), at(tc.done), arrived, tc.said); got != tc.want {
			t.Errorf("%s: learned %v, want %v", tc.name, got, tc.want)
		}
	}
}
