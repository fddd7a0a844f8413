package storetest

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var callbackTests = []test{
	{"CallbackLifecycle", testCallbackLifecycle},
	{"CallbackMarkedOnce", testCallbackMarkedOnce},
}

// testCallbackLifecycle: a row is recorded once per task key (a re-run
// keeps the first token), found by remote id or by token, and marked with
// the first outcome only.
func testCallbackLifecycle(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	c := &shoot.ProviderCallback{TaskKey: sess.ID + "-clip1-v1-g1", SessionID: sess.ID, Provider: "kling", Token: "tok-first"}
	must(t, s.ExpectCallback(ctx, c))
	wantRecent(t, "created_at", c.CreatedAt)
	again := &shoot.ProviderCallback{TaskKey: c.TaskKey, SessionID: sess.ID, Provider: "kling", Token: "tok-second"}
	must(t, s.ExpectCallback(ctx, again))
	if again.Token != "tok-first" {
		t.Fatalf("a second ExpectCallback replaced the token: %q", again.Token)
	}
	_, err := s.FindCallback(ctx, "kling", "", "tok-second")
	wantCode(t, err, shoot.ENOTFOUND)
	_, err = s.FindCallback(ctx, "kling", "", "")
	wantCode(t, err, shoot.ENOTFOUND)
	must(t, s.SetCallbackTarget(ctx, c.TaskKey, "task-77", 0))
	must(t, s.SetCallbackTarget(ctx, c.TaskKey, "", 42)) // keeps the remote id
	got, err := s.FindCallback(ctx, "kling", "task-77", "")
	must(t, err)
	if got.TaskKey != c.TaskKey || got.JobID != 42 || got.RemoteID != "task-77" || got.Outcome != "" || !got.ArrivedAt.IsZero() {
		t.Fatalf("found %+v", got)
	}
	if _, err := s.FindCallback(ctx, "fal", "task-77", ""); shoot.ErrorCode(err) != shoot.ENOTFOUND {
		t.Fatalf("another provider's id matched: %v", err)
	}
	byToken, err := s.FindCallback(ctx, "kling", "", "tok-first")
	must(t, err)
	if byToken.TaskKey != c.TaskKey {
		t.Fatalf("by token: %+v", byToken)
	}
	wantCode(t, s.SetCallbackTarget(ctx, "no-such-task", "x", 1), shoot.ENOTFOUND)
	_, err = s.MarkCallback(ctx, c.TaskKey, "maybe")
	wantCode(t, err, shoot.EINVALID)
	fresh, err := s.MarkCallback(ctx, c.TaskKey, shoot.CallbackDone)
	must(t, err)
	if !fresh {
		t.Fatal("the first mark was not fresh")
	}
	fresh, err = s.MarkCallback(ctx, c.TaskKey, shoot.CallbackFailed)
	must(t, err)
	if fresh {
		t.Fatal("a second mark was fresh")
	}
	got, err = s.GetCallback(ctx, c.TaskKey)
	must(t, err)
	if got.Outcome != shoot.CallbackDone {
		t.Fatalf("outcome %q after done then failed", got.Outcome)
	}
	wantRecent(t, "arrived_at", got.ArrivedAt)
	_, err = s.MarkCallback(ctx, "no-such-task", shoot.CallbackDone)
	wantCode(t, err, shoot.ENOTFOUND)
	wantCode(t, s.ExpectCallback(ctx, &shoot.ProviderCallback{TaskKey: "k", Provider: ""}), shoot.EINVALID)
	must(t, s.DeleteSession(ctx, sess.ID))
	_, err = s.GetCallback(ctx, c.TaskKey)
	wantCode(t, err, shoot.ENOTFOUND)
}

// testCallbackMarkedOnce: of many concurrent marks, exactly one is fresh.
func testCallbackMarkedOnce(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	key := sess.ID + "-hero0-v1-g1"
	must(t, s.ExpectCallback(ctx, &shoot.ProviderCallback{TaskKey: key, SessionID: sess.ID, Provider: "fal", RemoteID: "req-1"}))
	var fresh atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			ok, err := s.MarkCallback(ctx, key, shoot.CallbackDone)
			if err != nil {
				t.Error(err)
			}
			if ok {
				fresh.Add(1)
			}
		})
	}
	wg.Wait()
	if fresh.Load() != 1 {
		t.Fatalf("%d of 8 concurrent marks were fresh, want exactly 1", fresh.Load())
	}
}
