package pipeline_test

import (
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var fast = shoot.Options{Resolution: "1K", ClipDuration: 0.5, FPS: 24}

func (h *harness) start(opts shoot.Options, refs ...string) (string, []shoot.Event) {
	h.t.Helper()
	s, after, err := h.eng.Start(h.t.Context(), pipeline.StartRequest{Brief: "streetwear editorial, confident energy",
		Inputs: refs, Options: opts})
	if err != nil {
		h.t.Fatal(err)
	}
	return s.ID, h.exchange(s.ID, after)
}

// latestAsset returns the newest asset of a slot, failing when there is none.
func (h *harness) latestAsset(sid, typ string, index int) *shoot.Asset {
	h.t.Helper()
	as, err := h.store.LatestAssets(h.t.Context(), sid)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, a := range as {
		if a.Type == typ && a.Index == index {
			return a
		}
	}
	h.t.Fatalf("no %s %d asset", typ, index)
	return nil
}

// runToEnd answers "continue" until the film exists and returns the
// stages whose checkpoints were seen.
func (h *harness) runToEnd(sid string, first []shoot.Event) []string {
	h.t.Helper()
	stages := []string{checkpointOf(h.t, first)}
	evs := first
	for i := 0; i < 6 && last(h.t, evs)["stage"] != shoot.StageComplete; i++ {
		if last(h.t, evs)["type"] != shoot.EventComplete {
			h.t.Fatalf("exchange ended with %v: %s", last(h.t, evs), types(evs))
		}
		evs = h.reply(sid, "continue")
		stages = append(stages, checkpointOf(h.t, evs))
	}
	return stages
}

func TestFullShootAnsweringContinue(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 3})
	sid, evs := h.start(fast, h.upload(1), h.upload(2))
	if evs[0].Type != shoot.EventSessionInit {
		t.Fatalf("first event = %s, want session_init", evs[0].Type)
	}
	got := h.runToEnd(sid, evs)
	want := []string{"hero", "contact-sheet", "frames", "clips", "complete"}
	if len(got) != len(want) {
		t.Fatalf("checkpoints = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("checkpoints = %v, want %v", got, want)
		}
	}
	s, err := h.store.GetSession(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != shoot.StatusCompleted || s.PipelineStage != shoot.StageComplete || s.RunState != shoot.RunDone {
		t.Fatalf("session = %s/%s/%s, want completed/complete/done", s.Status, s.PipelineStage, s.RunState)
	}
	for n := 1; n <= 6; n++ {
		h.latestAsset(sid, shoot.AssetFrame, n)
	}
	for n := 1; n <= 5; n++ {
		if a := h.latestAsset(sid, shoot.AssetClip, n); a.Key != shoot.AssetKey(sid, shoot.AssetClip, n, 1) {
			t.Errorf("clip %d key = %s", n, a.Key)
		}
	}
	final := h.latestAsset(sid, shoot.AssetFinal, 0)
	if final.Key != "outputs/"+sid+"/final/fashion-video.mp4" || final.Size == 0 {
		t.Fatalf("final = %+v", final)
	}
	if h.calls.count(shoot.ImageHero) != 1 || h.calls.count(shoot.ImageContactSheet) != 1 || h.calls.count("clip") != 5 {
		t.Fatalf("provider calls = %v, want one hero, one sheet, five clips", h.calls.counts)
	}
	cps, err := h.store.ListCheckpoints(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	for _, cp := range cps {
		if cp.Status != shoot.CheckpointApproved {
			t.Errorf("checkpoint %s is %s, want approved", cp.Stage, cp.Status)
		}
	}
}

func TestRegenerateFrameRedoesOnlyItsClipsAndFilm(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 5})
	sid, evs := h.start(fast, h.upload(3))
	h.runToEnd(sid, evs)
	clipsBefore := h.calls.count("clip")
	old := map[int]string{}
	for n := 1; n <= 5; n++ {
		old[n] = h.latestAsset(sid, shoot.AssetClip, n).Key
	}
	evs = h.reply(sid, "regenerate frame 3")
	if cp := checkpointOf(t, evs); cp != shoot.StageFrames {
		t.Fatalf("after regenerating a frame the checkpoint is %q: %s", cp, types(evs))
	}
	if v := h.latestAsset(sid, shoot.AssetFrame, 3).Version; v != 2 {
		t.Fatalf("frame 3 version = %d, want 2", v)
	}
	if v := h.latestAsset(sid, shoot.AssetFrame, 2).Version; v != 1 {
		t.Fatalf("frame 2 version = %d, want 1", v)
	}
	h.runToEnd(sid, evs)
	if got := h.calls.count("clip") - clipsBefore; got != 2 {
		t.Fatalf("clips redone = %d, want 2 (clips 2 and 3)", got)
	}
	for n := 1; n <= 5; n++ {
		changed := h.latestAsset(sid, shoot.AssetClip, n).Key != old[n]
		if changed != (n == 2 || n == 3) {
			t.Errorf("clip %d changed = %v", n, changed)
		}
	}
	if v := h.latestAsset(sid, shoot.AssetFinal, 0).Version; v != 2 {
		t.Fatalf("film version = %d, want 2", v)
	}
	if h.calls.count(shoot.ImageFrameEdit) != 1 {
		t.Fatalf("frame edits = %d, want 1", h.calls.count(shoot.ImageFrameEdit))
	}
}

func TestLoopMakesSixClipsAndAutoApproveRunsThrough(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 2})
	o := fast
	o.Loop, o.AutoApprove = true, true
	sid, evs := h.start(o, h.upload(4))
	if m := last(t, evs); m["type"] != shoot.EventComplete || m["stage"] != shoot.StageComplete {
		t.Fatalf("auto-approve ended with %v: %s", m, types(evs))
	}
	h.latestAsset(sid, shoot.AssetClip, 6)
	if h.calls.count("clip") != 6 {
		t.Fatalf("clips = %d, want 6", h.calls.count("clip"))
	}
}

func TestChangesAtEachCheckpoint(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 5})
	sid, evs := h.start(fast, h.upload(5))
	steps := []struct {
		stage string
		typ   string
		index int
	}{
		{shoot.StageHero, shoot.AssetHero, 0},
		{shoot.StageContactSheet, shoot.AssetContactSheet, 0},
		{shoot.StageFrames, shoot.AssetFrame, 4},
		{shoot.StageClips, shoot.AssetClip, 1},
	}
	for _, st := range steps {
		if cp := checkpointOf(t, evs); cp != st.stage {
			t.Fatalf("checkpoint = %q, want %q: %s", cp, st.stage, types(evs))
		}
		evs = h.reply(sid, "make the background warmer")
		if cp := checkpointOf(t, evs); cp != st.stage {
			t.Fatalf("after a change at %s the checkpoint is %q: %s", st.stage, cp, types(evs))
		}
		if v := h.latestAsset(sid, st.typ, st.index).Version; v != 2 {
			t.Fatalf("%s version after a change = %d, want 2", st.typ, v)
		}
		evs = h.reply(sid, "looks good")
	}
	if m := last(t, evs); m["stage"] != shoot.StageComplete {
		t.Fatalf("ended at %v", m)
	}
}

func TestCancelDuringClipsKeepsArtifacts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 5, clipLatency: time.Hour})
	sid, evs := h.start(fast, h.upload(6))
	for i := 0; i < 2; i++ {
		evs = h.reply(sid, "continue")
	}
	_, after, err := h.eng.Continue(t.Context(), sid, "continue")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for h.calls.count("clip") < 5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, _, err := h.eng.Continue(t.Context(), sid, "continue"); shoot.ErrorCode(err) != shoot.ECONFLICT {
		t.Fatalf("continue while clips run: %v, want conflict", err)
	}
	if _, err := h.eng.Cancel(t.Context(), sid); err != nil {
		t.Fatal(err)
	}
	evs = h.exchange(sid, after)
	if m := last(t, evs); m["cancelled"] != true {
		t.Fatalf("last event after cancel = %v", m)
	}
	s, _ := h.store.GetSession(t.Context(), sid)
	if s.RunState != shoot.RunCancelled {
		t.Fatalf("run state = %s", s.RunState)
	}
	as, _ := h.store.LatestAssets(t.Context(), sid)
	kinds := map[string]int{}
	for _, a := range as {
		kinds[a.Type]++
	}
	if kinds[shoot.AssetFrame] != 6 || kinds[shoot.AssetHero] != 1 || kinds[shoot.AssetClip] != 0 {
		t.Fatalf("assets after cancel = %v", kinds)
	}
}

func TestStartRejectsForeignReferences(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	for _, ref := range []string{"/etc/passwd", "../uploads/1700000000000-abcd.png", "uploads/../x.png",
		"/storage/uploads/1700000000000-abcd.png", "1700000000000-abcd.png", "http://example.com/a.png"} {
		_, _, err := h.eng.Start(t.Context(), pipeline.StartRequest{Brief: "x", Inputs: []string{ref}})
		if shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("ref %q: err = %v, want invalid", ref, err)
		}
	}
	list, _ := h.store.ListSessions(t.Context(), store.SessionFilter{})
	if len(list) != 0 {
		t.Fatalf("a rejected start created %d sessions", len(list))
	}
}
