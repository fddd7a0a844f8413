package pipeline_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// faultyStore fails chosen writes once each with a transient error, the way
// a busy database or a lost connection would, so tests can show that a job
// retried after a failure part-way through neither redoes finished work
// nor leaves the session stuck.
type faultyStore struct {
	store.Store
	mu        sync.Mutex
	assetFail func(*shoot.Asset) bool // fail the first AddAsset it matches
	cpFail    bool                    // fail the first CreateCheckpoint
	fired     map[string]bool
}

func (f *faultyStore) once(name string, cond bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !cond || f.fired[name] {
		return false
	}
	if f.fired == nil {
		f.fired = map[string]bool{}
	}
	f.fired[name] = true
	return true
}

func (f *faultyStore) AddAsset(ctx context.Context, a *shoot.Asset) error {
	if f.once("asset", f.assetFail != nil && f.assetFail(a)) {
		return shoot.Errorf(shoot.EUNAVAILABLE, "injected: database busy")
	}
	return f.Store.AddAsset(ctx, a)
}

func (f *faultyStore) CreateCheckpoint(ctx context.Context, c *shoot.Checkpoint) error {
	if f.once("checkpoint", f.cpFail) {
		return shoot.Errorf(shoot.EUNAVAILABLE, "injected: database busy")
	}
	return f.Store.CreateCheckpoint(ctx, c)
}

func (f *faultyStore) hit(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fired[name]
}

// TestFramesCutShortAreNotMadeTwice fails the write of frame 4: the retried
// job must keep frames 1–3 as they are instead of making second versions.
func TestFramesCutShortAreNotMadeTwice(t *testing.T) {
	t.Parallel()
	fs := &faultyStore{assetFail: func(a *shoot.Asset) bool { return a.Type == shoot.AssetFrame && a.Index == 4 }}
	h := newHarness(t, harnessOptions{wrap: func(s store.Store) store.Store { fs.Store = s; return fs }})
	sid, _ := h.start(fast, h.upload(7))
	h.reply(sid, "continue")
	evs := h.reply(sid, "continue")
	if cp := checkpointOf(t, evs); cp != shoot.StageFrames || !fs.hit("asset") {
		t.Fatalf("checkpoint %q (fault fired: %v): %s", cp, fs.hit("asset"), types(evs))
	}
	all, err := h.store.ListAssets(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	frames := 0
	for _, a := range all {
		if a.Type == shoot.AssetFrame {
			frames++
			if a.Version != 1 {
				t.Errorf("frame %d has version %d after a retried crop, want only version 1", a.Index, a.Version)
			}
		}
	}
	if frames != 6 {
		t.Fatalf("%d frame rows, want 6", frames)
	}
}

// TestStageEndSurvivesAFailedCheckpointWrite fails the write of the hero's
// checkpoint: the retried job must still hand the stage over (checkpoint
// and end of the exchange) instead of leaving the session waiting forever.
func TestStageEndSurvivesAFailedCheckpointWrite(t *testing.T) {
	t.Parallel()
	fs := &faultyStore{cpFail: true}
	h := newHarness(t, harnessOptions{wrap: func(s store.Store) store.Store { fs.Store = s; return fs }})
	sid, evs := h.start(fast, h.upload(8))
	if cp := checkpointOf(t, evs); cp != shoot.StageHero || last(t, evs)["type"] != shoot.EventComplete || !fs.hit("checkpoint") {
		t.Fatalf("checkpoint %q, last %v (fault fired: %v): %s", cp, last(t, evs), fs.hit("checkpoint"), types(evs))
	}
	cps, err := h.store.ListCheckpoints(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	if len(cps) != 1 || cps[0].Stage != shoot.StageHero || cps[0].Status != shoot.CheckpointPending {
		t.Fatalf("checkpoints = %+v, want one pending hero checkpoint", cps)
	}
	if h.calls.count(shoot.ImageHero) != 1 {
		t.Fatalf("hero submitted %d times, want 1", h.calls.count(shoot.ImageHero))
	}
	if cp := checkpointOf(t, h.reply(sid, "continue")); cp != shoot.StageContactSheet {
		t.Fatalf("after the hero the checkpoint is %q", cp)
	}
}

// startClips starts a shoot from upload n, approves the hero and the sheet,
// asks for the clips and waits until all five were submitted.
func (h *harness) startClips(n int) string {
	h.t.Helper()
	sid, _ := h.start(fast, h.upload(n))
	h.reply(sid, "continue")
	h.reply(sid, "continue")
	if _, _, err := h.eng.Continue(h.t.Context(), sid, "continue"); err != nil {
		h.t.Fatal(err)
	}
	for h.calls.count("clip") < 5 {
		if h.t.Context().Err() != nil {
			h.t.Fatal("the clips never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return sid
}

// TestCancelledWorkEndsQuietly cancels clips whose jobs the queue cannot
// stop (workers in another process): the jobs learn of it from the
// provider, and must end without reporting an error into the session.
func TestCancelledWorkEndsQuietly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 5, clipLatency: time.Hour, remoteWorkers: true})
	sid := h.startClips(9)
	if _, err := h.eng.Cancel(t.Context(), sid); err != nil {
		t.Fatal(err)
	}
	for clipJobsLeft(t, h, sid) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	evs, err := h.store.EventsAfter(t.Context(), sid, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := false
	for _, ev := range evs {
		if ev.Type == shoot.EventComplete && strings.Contains(string(ev.Data), `"cancelled":true`) {
			cancelled = true
			continue
		}
		if cancelled && (ev.Type == shoot.EventError || ev.Type == shoot.EventCheckpoint || ev.Type == shoot.EventComplete) {
			t.Errorf("after the cancel: %d %s %s", ev.Seq, ev.Type, ev.Data)
		}
	}
	s, _ := h.store.GetSession(t.Context(), sid)
	if s.RunState != shoot.RunCancelled || s.ErrorMessage != nil {
		t.Fatalf("session %s error=%v after cancel", s.RunState, s.ErrorMessage)
	}
}

// deafVideos is a clip provider without a cancel (like Kling's API): a
// cancelled clip keeps answering "still processing".
type deafVideos struct{ pipeline.VideoGenerator }

func (deafVideos) CancelClip(context.Context, string) error { return nil }

// TestCancelStopsPollingWithoutProviderCancel cancels clips whose jobs the
// queue cannot interrupt and whose provider ignores cancels, with a polling
// window of an hour: the jobs must notice between polls and end.
func TestCancelStopsPollingWithoutProviderCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 5, clipLatency: time.Hour, remoteWorkers: true,
		pollWindow: time.Hour, videos: func(v pipeline.VideoGenerator) pipeline.VideoGenerator { return deafVideos{v} }})
	sid := h.startClips(19)
	if _, err := h.eng.Cancel(t.Context(), sid); err != nil {
		t.Fatal(err)
	}
	for clipJobsLeft(t, h, sid) > 0 {
		if t.Context().Err() != nil {
			t.Fatal("cancelled clip jobs kept polling")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// clipJobsLeft counts the session's clip jobs that may still run.
func clipJobsLeft(t *testing.T, h *harness, sid string) int {
	t.Helper()
	var n int
	err := h.store.DB().QueryRowContext(t.Context(), `SELECT count(*) FROM river_job
		WHERE json_extract(args, '$.session_id') = ? AND json_extract(args, '$.kind') = 'clip'
		AND state NOT IN ('completed', 'cancelled', 'discarded')`, sid).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// refusingVideos refuses the first request for one clip, as a provider's
// content filter would, and passes everything else on.
type refusingVideos struct {
	pipeline.VideoGenerator
	clip    string // key fragment, e.g. "-clip2-"
	mu      sync.Mutex
	refused bool
}

func (r *refusingVideos) SubmitClip(ctx context.Context, req shoot.ClipRequest) (string, error) {
	r.mu.Lock()
	refuse := !r.refused && strings.Contains(req.Key, r.clip)
	r.refused = r.refused || refuse
	r.mu.Unlock()
	if refuse {
		return "", shoot.Errorf(shoot.EINVALID, "the provider refused this clip")
	}
	return r.VideoGenerator.SubmitClip(ctx, req)
}

// TestFailedClipKeepsItsPlace refuses clip 2 while the other clips are in
// flight. The others finish in their own places, the session waits for
// them before it can be retried (a retry meanwhile would pay for them
// twice), and the retry makes clip 2 alone.
func TestFailedClipKeepsItsPlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 5, clipLatency: 1500 * time.Millisecond,
		videos: func(v pipeline.VideoGenerator) pipeline.VideoGenerator {
			return &refusingVideos{VideoGenerator: v, clip: "-clip2-"}
		}})
	sid, _ := h.start(fast, h.upload(10))
	h.reply(sid, "continue")
	h.reply(sid, "continue")
	evs := h.reply(sid, "continue")
	if m := last(t, evs); m["type"] != shoot.EventError || !strings.Contains(m["message"].(string), "refused") {
		t.Fatalf("the clips exchange ended with %v", m)
	}
	if _, _, err := h.eng.Continue(t.Context(), sid, "retry"); shoot.ErrorCode(err) != shoot.ECONFLICT {
		t.Fatalf("retry while the other clips are still made: %v, want a conflict", err)
	}
	for {
		s, err := h.store.GetSession(t.Context(), sid)
		if err != nil {
			t.Fatal(err)
		}
		if s.RunState == shoot.RunFailed {
			if s.Status != shoot.StatusError || s.ErrorMessage == nil || !strings.Contains(*s.ErrorMessage, "refused") {
				t.Fatalf("failed session %s with message %v", s.Status, s.ErrorMessage)
			}
			break
		}
		if t.Context().Err() != nil {
			t.Fatal("the session never settled in failed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	evs = h.reply(sid, "retry")
	if cp := checkpointOf(t, evs); cp != shoot.StageClips {
		t.Fatalf("after the retry the checkpoint is %q: %s", cp, types(evs))
	}
	if n := h.calls.count("clip"); n != 6 {
		t.Fatalf("%d clip submissions, want 6 (five, then clip 2 again)", n)
	}
	for n := 1; n <= 5; n++ {
		a := h.latestAsset(sid, shoot.AssetClip, n)
		var m shoot.AssetMeta
		_ = json.Unmarshal(a.Metadata, &m)
		if a.Version != 1 || len(m.Inputs) < 2 || m.Inputs[0] != shoot.AssetKey(sid, shoot.AssetFrame, n, 1) ||
			m.Inputs[1] != shoot.AssetKey(sid, shoot.AssetFrame, n+1, 1) {
			t.Errorf("clip %d: version %d made from %v, want version 1 from frames %d and %d", n, a.Version, m.Inputs, n, n+1)
		}
	}
}
