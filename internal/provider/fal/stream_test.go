package fal_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/providertest"
)

// A poll follows the request's status stream: one stream and no status
// polls take a request from the queue to its result, with every log line
// forwarded once; a request that outlasts the stream wait is reported
// unfinished and picked up by the next poll's stream.
func TestPollFollowsTheStatusStream(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		timing providertest.Timing
		wait   time.Duration
		// minPolls and maxPolls bound the PollImage calls until done; a
		// request that outlasts the wait takes more than one, how many
		// more depends on the machine's scheduling.
		minPolls, maxPolls int
	}{
		{"finishes inside one stream", providertest.Timing{QueuePolls: 1, WorkPolls: 3}, 5 * time.Second, 1, 1},
		{"outlasts the stream wait", providertest.Timing{WorkTime: 700 * time.Millisecond}, 300 * time.Millisecond, 2, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, providertest.FALOptions{Timing: tc.timing, StreamTick: 20 * time.Millisecond})
			e.opts.StreamWait = tc.wait
			c, req, h := submitHero(t, e.opts)
			ctx := context.Background()
			var logs []string
			polls := 0
			for done := false; !done; {
				st, err := c.PollImage(ctx, req, h)
				if err != nil {
					t.Fatal(err)
				}
				polls++
				logs = append(logs, st.Logs...)
				done = st.Done
				if done && (st.Result == nil || len(st.Result.Data) == 0) {
					t.Fatal("done without a result")
				}
				if polls > tc.maxPolls {
					t.Fatalf("not done after %d polls", polls)
				}
			}
			// One stream per poll and never a status request.
			if polls < tc.minPolls || e.fake.StatusStreams() != polls || e.fake.Polls() != 0 {
				t.Errorf("%d polls, %d streams, %d status requests; want %d..%d polls, one stream each, 0 status requests",
					polls, e.fake.StatusStreams(), e.fake.Polls(), tc.minPolls, tc.maxPolls)
			}
			seen := slices.Clone(logs)
			slices.Sort(seen)
			if len(slices.Compact(seen)) != len(logs) {
				t.Errorf("log lines repeated: %q", logs)
			}
		})
	}
}

// Without a stream (the service refuses it), a poll asks the status
// endpoint once, as before.
func TestPollWithoutStreamAsksStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{Timing: providertest.Timing{WorkPolls: 1}})
	e.opts.StreamWait = -1
	c, req, h := submitHero(t, e.opts)
	ctx := context.Background()
	for range 2 {
		if _, err := c.PollImage(ctx, req, h); err != nil {
			t.Fatal(err)
		}
	}
	if e.fake.StatusStreams() != 0 || e.fake.Polls() != 2 {
		t.Errorf("%d streams, %d status requests; want 0 and 2", e.fake.StatusStreams(), e.fake.Polls())
	}
}
