// Package storetest is the conformance suite every store.Store
// implementation runs: the same tests hold SQLite and PostgreSQL to one
// behaviour, so callers never need to know which one they talk to.
package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// caseOf is one conformance case on a store seen as P: store.Store itself
// or one of the optional parts (store.Auth, store.Idempotency, …).
type caseOf[P any] struct {
	name string
	fn   func(t *testing.T, p P)
}

type test = caseOf[store.Store]

// runCases is the suite's one runner: every case runs in a parallel subtest
// on a fresh store of its own from open, seen as P; a store that does not
// implement P fails the case.
func runCases[P any](t *testing.T, open func(t *testing.T) store.Store, cases []caseOf[P]) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			p, ok := s.(P)
			if !ok {
				var want *P
				t.Fatalf("%T does not implement %s", s, reflect.TypeOf(want).Elem())
			}
			tc.fn(t, p)
		})
	}
}

// Run runs the conformance suite. open must return a fresh, empty, migrated
// store and close it when the test ends; every case gets its own store and
// runs in parallel with the others.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	runCases(t, open, slices.Concat(sessionTests, uploadTests, assetTests, checkpointTests,
		eventTests, messageTests, providerTaskTests, callbackTests, latencyTests, costTests, deleteTests, miscTests))
}

var idCounter atomic.Int64

// newID returns a session id unique within the test binary.
func newID() string {
	return fmt.Sprintf("session_%d_t%d", time.Now().UnixMilli(), idCounter.Add(1))
}

// mkSession creates a session with a fresh id after applying mods.
func mkSession(t *testing.T, s store.Store, mods ...func(*shoot.Session)) *shoot.Session {
	t.Helper()
	sess := &shoot.Session{ID: newID()}
	for _, m := range mods {
		m(sess)
	}
	if err := s.CreateSession(t.Context(), sess); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return sess
}

// wantCode fails unless err carries the domain error code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := shoot.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (err %v), want %q", got, err, want)
	}
}

// must fails the test on a non-nil error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// jsonEqual reports whether a and b hold the same JSON value (PostgreSQL's
// jsonb does not keep whitespace or key order).
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("bad JSON %q: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("bad JSON %q: %v", b, err)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}

// wantTime fails unless got is in UTC and equal to want.
func wantTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if got.Location() != time.UTC {
		t.Errorf("%s location = %v, want UTC", what, got.Location())
	}
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// wantRecent fails unless tm is in UTC, set, and within a minute of now
// (a sanity bound against unset or unit-confused times, not a timing test).
func wantRecent(t *testing.T, what string, tm time.Time) {
	t.Helper()
	if tm.Location() != time.UTC {
		t.Errorf("%s location = %v, want UTC", what, tm.Location())
	}
	if d := time.Since(tm); d < -time.Minute || d > time.Minute {
		t.Errorf("%s = %v, not near now", what, tm)
	}
}

var miscTests = []test{
	{"DialectAndDB", func(t *testing.T, s store.Store) {
		if d := s.Dialect(); d != "sqlite" && d != "postgres" {
			t.Errorf("Dialect() = %q", d)
		}
		if s.DB() == nil {
			t.Fatal("DB() = nil")
		}
		must(t, s.DB().PingContext(t.Context()))
	}},
}
