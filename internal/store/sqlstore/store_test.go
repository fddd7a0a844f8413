package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlstore"
	"github.com/fashionshoot/shoot/internal/store/storetest"
)

// TestConformance runs the store conformance suite on each backend.
func TestConformance(t *testing.T) {
	suites := map[string]func(*testing.T, func(*testing.T) store.Store){
		"store": storetest.Run, "auth": storetest.RunAuth,
		"idempotency": storetest.RunIdempotency, "webhooks": storetest.RunWebhooks,
	}
	eachBackend(t, func(t *testing.T, b backend) {
		for name, run := range suites {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				run(t, func(t *testing.T) store.Store {
					s, _ := openFresh(t, b)
					return s
				})
			})
		}
	})
}

// TestMigrateTwice: opening a migrated database again, and migrating it
// again, changes nothing and leaves it at the latest version.
func TestMigrateTwice(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		place, _ := b.place(t)
		for range 2 {
			s, err := b.open(ctx, place)
			if err != nil {
				t.Fatal(err)
			}
			m := s.(interface {
				Migrate(context.Context) error
				SchemaVersion(context.Context) (int64, int64, error)
			})
			if err := m.Migrate(ctx); err != nil {
				t.Error(err)
			}
			cur, latest, err := m.SchemaVersion(ctx)
			if err != nil || cur != latest || cur < 6 {
				t.Errorf("SchemaVersion = %d, %d, %v", cur, latest, err)
			}
			s.Close()
		}
	})
}

// TestTwoPools stands in for two processes on one database: each has its
// own pool, and appends and updates from both stay gapless and lose
// nothing (SQLite's write lock and PostgreSQL's row locks serialise them).
func TestTwoPools(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		place, _ := b.place(t)
		var pools [2]store.Store
		for i := range pools {
			s, err := b.open(ctx, place)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			pools[i] = s
		}
		if err := pools[0].CreateSession(ctx, &shoot.Session{ID: "shared"}); err != nil {
			t.Fatal(err)
		}
		const each = 20
		var wg sync.WaitGroup
		for i, s := range pools {
			wg.Go(func() {
				for n := range each {
					data := fmt.Appendf(nil, `{"type":"status","pool":%d,"n":%d}`, i, n)
					if _, err := s.AppendEvent(ctx, "shared", "status", data); err != nil {
						t.Error(err)
						return
					}
					if _, err := s.UpdateSession(ctx, "shared", func(x *shoot.Session) error { x.TotalTurns++; return nil }); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		events, err := pools[1].EventsAfter(ctx, "shared", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2*each {
			t.Fatalf("%d events, want %d", len(events), 2*each)
		}
		for i, e := range events {
			if e.Seq != int64(i+1) || !strings.Contains(string(e.Data), `"type":"status"`) {
				t.Fatalf("event %d: seq %d data %s", i, e.Seq, e.Data)
			}
		}
		s, err := pools[0].GetSession(ctx, "shared")
		if err != nil || s.TotalTurns != 2*each {
			t.Errorf("total_turns = %v (%v), want %d", s, err, 2*each)
		}
	})
}

// TestQuestionMarks checks the placeholder rewrite SQLite's queries go
// through.
func TestQuestionMarks(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{`SELECT a FROM t WHERE id = $1`, `SELECT a FROM t WHERE id = ?1`},
		{`VALUES ($1::text, $12::timestamptz, $3)`, `VALUES (?1, ?12, ?3)`},
		{`x * (1 - $4::float8) + $4::float8`, `x * (1 - ?4) + ?4`},
		{`CASE WHEN $2::text <> '' THEN $2 END`, `CASE WHEN ?2 <> '' THEN ?2 END`},
		{`'$' || $1`, `'$' || ?1`},
		{`a::text = $1`, `a::text = ?1`},
		{`$1`, `?1`},
	}
	for _, tc := range cases {
		if got := sqlstore.QuestionMarks(tc.in); got != tc.want {
			t.Errorf("QuestionMarks(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
