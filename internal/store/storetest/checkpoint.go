package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var checkpointTests = []test{
	{"CheckpointLifecycle", testCheckpointLifecycle},
	{"CheckpointLatest", testCheckpointLatest},
	{"CheckpointInvalid", testCheckpointInvalid},
}

func mkCheckpoint(t *testing.T, s store.Store, sessionID, stage string, keys ...string) *shoot.Checkpoint {
	t.Helper()
	c := &shoot.Checkpoint{SessionID: sessionID, Stage: stage, ArtifactKeys: keys, Message: "Look at " + stage}
	must(t, s.CreateCheckpoint(t.Context(), c))
	return c
}

func testCheckpointLifecycle(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	c := mkCheckpoint(t, s, sess.ID, shoot.StageHero, "outputs/x/hero.png")
	if c.ID == 0 || c.Status != shoot.CheckpointPending {
		t.Fatalf("created %+v", *c)
	}
	wantRecent(t, "created_at", c.CreatedAt)
	got, err := s.LatestCheckpoint(ctx, sess.ID)
	must(t, err)
	if got.ID != c.ID || got.Stage != shoot.StageHero || got.Message != c.Message ||
		!slices.Equal(got.ArtifactKeys, c.ArtifactKeys) || got.UserResponse != nil || got.ResolvedAt != nil {
		t.Errorf("LatestCheckpoint = %+v, want %+v", *got, *c)
	}
	wantTime(t, "created_at", got.CreatedAt, c.CreatedAt)
	before := store.Now()
	must(t, s.ResolveCheckpoint(ctx, c.ID, shoot.CheckpointModified, "make it blue"))
	got, err = s.LatestCheckpoint(ctx, sess.ID)
	must(t, err)
	if got.Status != shoot.CheckpointModified || got.UserResponse == nil || *got.UserResponse != "make it blue" {
		t.Errorf("resolved checkpoint = %+v", *got)
	}
	if got.ResolvedAt == nil || got.ResolvedAt.Before(before) {
		t.Fatalf("resolved_at = %v, want >= %v", got.ResolvedAt, before)
	}
	wantRecent(t, "resolved_at", *got.ResolvedAt)
	// A decided checkpoint cannot be decided again.
	wantCode(t, s.ResolveCheckpoint(ctx, c.ID, shoot.CheckpointApproved, ""), shoot.ECONFLICT)
	wantCode(t, s.ResolveCheckpoint(ctx, c.ID+1000, shoot.CheckpointApproved, ""), shoot.ENOTFOUND)
	// Empty artifact keys come back as an empty list, not null.
	empty := mkCheckpoint(t, s, sess.ID, shoot.StageComplete)
	list, err := s.ListCheckpoints(ctx, sess.ID)
	must(t, err)
	if len(list) != 2 || list[0].ID != c.ID || list[1].ID != empty.ID {
		t.Fatalf("ListCheckpoints = %v", list)
	}
	if list[1].ArtifactKeys == nil || len(list[1].ArtifactKeys) != 0 {
		t.Errorf("artifact keys = %#v, want []", list[1].ArtifactKeys)
	}
}

func testCheckpointLatest(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	other := mkSession(t, s)
	_, err := s.LatestCheckpoint(ctx, sess.ID)
	wantCode(t, err, shoot.ENOTFOUND)
	// Latest means last created, even when a caller-set created_at is older.
	mkCheckpoint(t, s, sess.ID, shoot.StageHero)
	late := &shoot.Checkpoint{SessionID: sess.ID, Stage: shoot.StageContactSheet,
		CreatedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
	must(t, s.CreateCheckpoint(ctx, late))
	mkCheckpoint(t, s, other.ID, shoot.StageFrames)
	got, err := s.LatestCheckpoint(ctx, sess.ID)
	must(t, err)
	if got.ID != late.ID || got.Stage != shoot.StageContactSheet {
		t.Errorf("latest = %+v, want the contact-sheet checkpoint", *got)
	}
	list, err := s.ListCheckpoints(ctx, newID())
	must(t, err)
	if list == nil || len(list) != 0 {
		t.Errorf("unknown session: %v, want an empty slice", list)
	}
}

func testCheckpointInvalid(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	cases := []struct {
		name string
		c    shoot.Checkpoint
		code string
	}{
		{"stage", shoot.Checkpoint{SessionID: sess.ID, Stage: "final"}, shoot.EINVALID},
		{"status", shoot.Checkpoint{SessionID: sess.ID, Stage: shoot.StageHero, Status: "maybe"}, shoot.EINVALID},
		{"unknown session", shoot.Checkpoint{SessionID: newID(), Stage: shoot.StageHero}, shoot.ENOTFOUND},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, s.CreateCheckpoint(ctx, &tc.c), tc.code)
		})
	}
	c := mkCheckpoint(t, s, sess.ID, shoot.StageFrames)
	for _, status := range []string{"", shoot.CheckpointPending, "done"} {
		wantCode(t, s.ResolveCheckpoint(ctx, c.ID, status, ""), shoot.EINVALID)
	}
}
