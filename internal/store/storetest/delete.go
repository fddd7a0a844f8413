package storetest

import (
	"encoding/json"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var deleteTests = []test{{"DeleteSessionCascade", testDeleteCascade}}

// fill gives a session one row of every kind that belongs to it.
func fill(t *testing.T, s store.Store, id string) {
	t.Helper()
	ctx := t.Context()
	addAsset(t, s, asset(id, shoot.AssetHero, 0))
	mkCheckpoint(t, s, id, shoot.StageHero)
	_, err := s.AppendEvent(ctx, id, shoot.EventStatus, []byte(`{"type":"status"}`))
	must(t, err)
	must(t, s.AppendMessage(ctx, &shoot.Message{SessionID: id, Role: "user", Content: json.RawMessage(`"x"`)}))
	must(t, s.PutProviderTask(ctx, &shoot.ProviderTask{Key: "task:" + id, SessionID: id, Provider: "fal", State: shoot.TaskSubmitted}))
	must(t, s.AddCost(ctx, &shoot.Cost{SessionID: id, Provider: "fal", USD: 0.1, Ref: "r"}))
}

// counts returns how many rows of each kind the session has.
func counts(t *testing.T, s store.Store, id string) map[string]int {
	t.Helper()
	ctx := t.Context()
	assets, err := s.ListAssets(ctx, id)
	must(t, err)
	cps, err := s.ListCheckpoints(ctx, id)
	must(t, err)
	events, err := s.EventsAfter(ctx, id, 0, 0)
	must(t, err)
	msgs, err := s.ListMessages(ctx, id)
	must(t, err)
	costs, err := s.ListCosts(ctx, id)
	must(t, err)
	tasks := 0
	if _, err := s.GetProviderTask(ctx, "task:"+id); err == nil {
		tasks = 1
	}
	return map[string]int{"assets": len(assets), "checkpoints": len(cps), "events": len(events),
		"messages": len(msgs), "costs": len(costs), "tasks": tasks}
}

func testDeleteCascade(t *testing.T, s store.Store) {
	ctx := t.Context()
	doomed, kept := mkSession(t, s), mkSession(t, s)
	fill(t, s, doomed.ID)
	fill(t, s, kept.ID)
	upload := newUpload("1736860000000-keep01.png")
	must(t, s.CreateUpload(ctx, upload))
	must(t, s.DeleteSession(ctx, doomed.ID))
	_, err := s.GetSession(ctx, doomed.ID)
	wantCode(t, err, shoot.ENOTFOUND)
	for kind, n := range counts(t, s, doomed.ID) {
		if n != 0 {
			t.Errorf("%d %s left after delete", n, kind)
		}
	}
	for kind, n := range counts(t, s, kept.ID) {
		if n != 1 {
			t.Errorf("other session has %d %s, want 1", n, kind)
		}
	}
	_, err = s.GetUpload(ctx, upload.Filename)
	must(t, err) // uploads belong to no session
	wantCode(t, s.DeleteSession(ctx, doomed.ID), shoot.ENOTFOUND)
	// The id can be used again, and its event log starts afresh.
	must(t, s.CreateSession(ctx, &shoot.Session{ID: doomed.ID}))
	e, err := s.AppendEvent(ctx, doomed.ID, shoot.EventStatus, []byte(`{"type":"status"}`))
	must(t, err)
	if e.Seq != 1 {
		t.Errorf("recreated session's first seq = %d", e.Seq)
	}
}
