package pipeline_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// markRunningWithJobs makes the session look like a process died after
// recording a request but before queueing its work: running, with only
// the given (dead or unknown) job ids.
func (h *harness) markRunningWithJobs(sid string, jobs []int64) {
	h.t.Helper()
	_, err := h.store.UpdateSession(h.t.Context(), sid, func(s *shoot.Session) error {
		var m map[string]any
		if err := json.Unmarshal(s.Metadata, &m); err != nil {
			return err
		}
		m["jobs"] = jobs
		raw, err := json.Marshal(m)
		s.Metadata, s.RunState = raw, shoot.RunRunning
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// TestInterruptedRunAcceptsAReply: a session stuck "running" with no job
// that can run it takes the next reply and carries on, instead of
// answering 409 for ever.
func TestInterruptedRunAcceptsAReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{interruptedAfter: time.Millisecond})
	sid, evs := h.start(fast, h.upload(21))
	if cp := checkpointOf(t, evs); cp != shoot.StageHero {
		t.Fatalf("checkpoint %q", cp)
	}
	h.markRunningWithJobs(sid, []int64{987654321})
	time.Sleep(5 * time.Millisecond) // older than interruptedAfter
	evs = h.reply(sid, "continue")
	if cp := checkpointOf(t, evs); cp != shoot.StageContactSheet {
		t.Fatalf("after an interrupted run the reply reached %q: %s", cp, types(evs))
	}
}

// TestRunningWithLiveJobsStillConflicts: a run whose jobs are alive is not
// mistaken for an interrupted one.
func TestRunningWithLiveJobsStillConflicts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{interruptedAfter: time.Millisecond, clipConcurrency: 5, clipLatency: time.Hour})
	sid := h.startClips(22)
	time.Sleep(5 * time.Millisecond)
	if _, _, err := h.eng.Continue(t.Context(), sid, "continue"); shoot.ErrorCode(err) != shoot.ECONFLICT {
		t.Fatalf("continue while clip jobs live: %v, want conflict", err)
	}
}

// TestReplyIsInTheLog: the status that opens a reply's exchange carries the
// reply, so another viewer replaying the log sees what the user said.
func TestReplyIsInTheLog(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	sid, _ := h.start(fast, h.upload(23))
	evs := h.reply(sid, "make the background warmer")
	var m map[string]any
	if err := json.Unmarshal(evs[0].Data, &m); err != nil {
		t.Fatal(err)
	}
	if evs[0].Type != shoot.EventStatus || m["reply"] != "make the background warmer" {
		t.Fatalf("first event of the reply's exchange = %s %v", evs[0].Type, m)
	}
}

// TestRepeatedReplyIsRefused: the same reply to the same checkpoint again
// moments after the first was taken (a client retrying a request that did
// arrive) is refused with ECONFLICT and starts nothing; the same words at
// a new checkpoint are a new answer.
func TestRepeatedReplyIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	sid, _ := h.start(fast, h.upload(7))
	const chat = "regenerate frame 3" // no frames yet: the director explains; nothing is made
	h.reply(sid, chat)
	if _, _, err := h.eng.Continue(t.Context(), sid, chat); shoot.ErrorCode(err) != shoot.ECONFLICT || !strings.Contains(shoot.ErrorMessage(err), "received") {
		t.Fatalf("the same words again at once = %v, want ECONFLICT", err)
	}
	evs := h.reply(sid, "make the light warmer")
	if got := checkpointOf(t, evs); got != shoot.StageHero || h.calls.count(shoot.ImageHero) != 2 {
		t.Fatalf("the change ended at %q with %d heroes", got, h.calls.count(shoot.ImageHero))
	}
	h.reply(sid, "make the light warmer") // a new checkpoint: a new answer
	if n := h.calls.count(shoot.ImageHero); n != 3 {
		t.Fatalf("the same change at a new checkpoint made %d heroes in all, want 3", n)
	}
}
