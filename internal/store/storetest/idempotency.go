package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

type idemTest = caseOf[store.Idempotency]

var idemTests = []idemTest{
	{"ClaimThenHeld", testIdemClaimThenHeld},
	{"SaveAndReplay", testIdemSave},
	{"ScopedByOwner", testIdemOwners},
	{"ExpiredIsReplaced", testIdemExpired},
	{"StaleRunning", testIdemStale},
	{"Sweep", testIdemSweep},
	{"ConcurrentClaims", testIdemConcurrent},
	{"Invalid", testIdemInvalid},
}

// RunIdempotency runs the conformance suite of store.Idempotency. open must
// return a fresh, empty, migrated store that also implements it.
func RunIdempotency(t *testing.T, open func(t *testing.T) store.Store) {
	runCases(t, open, idemTests)
}

// fingerprint is a stand-in request fingerprint.
func fingerprint(n int) string { return hashOf(fmt.Sprint("request ", n)) }

func newIdem(owner, key string, n int) *store.IdemKey {
	return &store.IdemKey{Owner: owner, Key: key, Fingerprint: fingerprint(n), State: store.IdemRunning}
}

// claim claims k and returns what was held (nil when k was claimed).
func claim(t *testing.T, s store.Idempotency, k *store.IdemKey) *store.IdemKey {
	t.Helper()
	held, err := s.ClaimIdempotencyKey(t.Context(), k, time.Now().Add(-time.Hour))
	must(t, err)
	return held
}

func testIdemClaimThenHeld(t *testing.T, s store.Idempotency) {
	first := newIdem("ana", "key-1", 1)
	if held := claim(t, s, first); held != nil {
		t.Fatalf("a fresh key was held already: %+v", held)
	}
	wantRecent(t, "CreatedAt", first.CreatedAt)
	if d := first.ExpiresAt.Sub(first.CreatedAt); d != store.IdempotencyTTL {
		t.Errorf("ExpiresAt - CreatedAt = %v, want %v", d, store.IdempotencyTTL)
	}
	held := claim(t, s, newIdem("ana", "key-1", 2))
	if held == nil {
		t.Fatal("a second claim of the same key succeeded")
	}
	if held.Fingerprint != fingerprint(1) || held.State != store.IdemRunning || held.Status != 0 {
		t.Errorf("held = %+v, want the first claim's fingerprint, running", held)
	}
	wantTime(t, "held CreatedAt", held.CreatedAt, first.CreatedAt)
}

func testIdemSave(t *testing.T, s store.Idempotency) {
	ctx := t.Context()
	k := newIdem("ana", "save", 1)
	claim(t, s, k)
	k.State, k.Status, k.SessionID, k.AfterSeq = store.IdemDone, 201, "session_1_x", 7
	k.Header = map[string]string{"Content-Type": "application/json", "Location": "/x"}
	k.Body = []byte("{\"ok\":true}\n\x00\xff")
	must(t, s.SaveIdempotencyKey(ctx, k))
	held := claim(t, s, newIdem("ana", "save", 1))
	if held == nil {
		t.Fatal("a saved key was claimed again")
	}
	if held.State != store.IdemDone || held.Status != 201 || held.SessionID != "session_1_x" || held.AfterSeq != 7 {
		t.Errorf("held = %+v", held)
	}
	if !bytes.Equal(held.Body, k.Body) || len(held.Header) != 2 || held.Header["Location"] != "/x" {
		t.Errorf("held answer = %q %v, want %q %v", held.Body, held.Header, k.Body, k.Header)
	}
	missing := newIdem("ana", "never-claimed", 1)
	wantCode(t, s.SaveIdempotencyKey(ctx, missing), shoot.ENOTFOUND)
	must(t, s.DeleteIdempotencyKey(ctx, "ana", "save"))
	must(t, s.DeleteIdempotencyKey(ctx, "ana", "save")) // twice is fine
	if held := claim(t, s, newIdem("ana", "save", 3)); held != nil {
		t.Errorf("a deleted key was still held: %+v", held)
	}
}

func testIdemOwners(t *testing.T, s store.Idempotency) {
	if claim(t, s, newIdem("ana", "shared", 1)) != nil || claim(t, s, newIdem("bo", "shared", 2)) != nil {
		t.Fatal("one user's key blocked another's")
	}
}

func testIdemExpired(t *testing.T, s store.Idempotency) {
	old := newIdem("ana", "old", 1)
	old.CreatedAt = time.Now().Add(-25 * time.Hour)
	old.State = store.IdemDone
	claim(t, s, old)
	if held := claim(t, s, newIdem("ana", "old", 2)); held != nil {
		t.Fatalf("an expired key was held: %+v", held)
	}
	if held := claim(t, s, newIdem("ana", "old", 3)); held == nil || held.Fingerprint != fingerprint(2) {
		t.Fatalf("the replacing claim was not kept: %+v", held)
	}
}

func testIdemStale(t *testing.T, s store.Idempotency) {
	ctx := t.Context()
	for _, tc := range []struct {
		key      string
		state    string
		session  string
		replaced bool
	}{
		{"stale-empty", store.IdemRunning, "", true},
		{"stale-session", store.IdemRunning, "session_1_y", false},
		{"stale-done", store.IdemDone, "", false},
	} {
		k := newIdem("ana", tc.key, 1)
		k.CreatedAt = time.Now().Add(-20 * time.Minute)
		k.State, k.SessionID = tc.state, tc.session
		claim(t, s, k)
		held, err := s.ClaimIdempotencyKey(ctx, newIdem("ana", tc.key, 2), time.Now().Add(-10*time.Minute))
		must(t, err)
		if (held == nil) != tc.replaced {
			t.Errorf("%s: held = %+v, want replaced %v", tc.key, held, tc.replaced)
		}
		// Not stale yet at this bound: kept whatever its state.
		held, err = s.ClaimIdempotencyKey(ctx, newIdem("ana", tc.key, 3), time.Now().Add(-30*time.Minute))
		must(t, err)
		if held == nil {
			t.Errorf("%s: a fresh in-flight key was replaced", tc.key)
		}
	}
}

func testIdemSweep(t *testing.T, s store.Idempotency) {
	ctx := t.Context()
	for i, age := range []time.Duration{30 * time.Hour, 25 * time.Hour, time.Hour, 0} {
		k := newIdem("ana", fmt.Sprint("sweep-", i), i)
		k.CreatedAt = time.Now().Add(-age)
		claim(t, s, k)
	}
	n, err := s.DeleteExpiredIdempotencyKeys(ctx, time.Now())
	must(t, err)
	if n != 2 {
		t.Errorf("swept %d keys, want 2", n)
	}
	for i, kept := range []bool{false, false, true, true} {
		k := newIdem("ana", fmt.Sprint("sweep-", i), 9)
		k.State = store.IdemDone
		// A swept key can be saved no more: the record is gone.
		err := s.SaveIdempotencyKey(ctx, k)
		if got := err == nil; got != kept {
			t.Errorf("sweep-%d kept = %v (err %v), want %v", i, got, err, kept)
		}
	}
}

func testIdemConcurrent(t *testing.T, s store.Idempotency) {
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			held, err := s.ClaimIdempotencyKey(t.Context(), newIdem("ana", "race", i), time.Now().Add(-time.Hour))
			if err != nil {
				t.Error(err)
				return
			}
			if held == nil {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d of %d concurrent claims won, want exactly 1", won, n)
	}
}

func testIdemInvalid(t *testing.T, s store.Idempotency) {
	ctx := t.Context()
	for _, k := range []*store.IdemKey{
		{Owner: "", Key: "k", Fingerprint: fingerprint(1), State: store.IdemRunning},
		{Owner: "ana", Key: "", Fingerprint: fingerprint(1), State: store.IdemRunning},
		{Owner: "ana", Key: "with space", Fingerprint: fingerprint(1), State: store.IdemRunning},
		{Owner: "ana", Key: string(bytes.Repeat([]byte("k"), 256)), Fingerprint: fingerprint(1), State: store.IdemRunning},
		{Owner: "ana", Key: "k", Fingerprint: "short", State: store.IdemRunning},
		{Owner: "ana", Key: "k", Fingerprint: fingerprint(1), State: "lost"},
	} {
		_, err := s.ClaimIdempotencyKey(ctx, k, time.Now())
		wantCode(t, err, shoot.EINVALID)
	}
}
