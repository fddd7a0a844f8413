package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// authStore is a store with its store.Auth part.
type authStore interface {
	store.Store
	store.Auth
}

type authTest = caseOf[authStore]

// both hands a case the store twice: as store.Store and as store.Auth.
func both(fn func(t *testing.T, s store.Store, a store.Auth)) func(*testing.T, authStore) {
	return func(t *testing.T, s authStore) { fn(t, s, s) }
}

var authTests = []authTest{
	{"TokenLifecycle", both(testTokenLifecycle)},
	{"TokenInvalid", both(testTokenInvalid)},
	{"TokenTouch", both(testTokenTouch)},
	{"WebSessions", both(testWebSessions)},
	{"Audit", both(testAudit)},
	{"UsageLimit", both(testUsageLimit)},
	{"UsageConcurrent", both(testUsageConcurrent)},
	{"SpendFollowsCosts", both(testSpendFollowsCosts)},
	{"CountRunning", both(testCountRunning)},
}

// RunAuth runs the conformance suite of store.Auth. open must return a
// fresh, empty, migrated store that also implements store.Auth.
func RunAuth(t *testing.T, open func(t *testing.T) store.Store) {
	runCases(t, open, authTests)
}

// hashOf is a stand-in token hash.
func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func mkToken(t *testing.T, a store.Auth, name string, admin bool) *store.Token {
	t.Helper()
	tok := &store.Token{Name: name, Hash: hashOf(name + time.Now().String()), Admin: admin}
	must(t, a.CreateToken(t.Context(), tok))
	if tok.ID == 0 {
		t.Fatal("CreateToken assigned no id")
	}
	return tok
}

func testTokenLifecycle(t *testing.T, _ store.Store, a store.Auth) {
	ctx := t.Context()
	alice := mkToken(t, a, "alice", false)
	root := mkToken(t, a, "root", true)
	wantCode(t, a.CreateToken(ctx, &store.Token{Name: "alice", Hash: hashOf("another")}), shoot.ECONFLICT)
	wantCode(t, a.CreateToken(ctx, &store.Token{Name: "bob", Hash: alice.Hash}), shoot.ECONFLICT)

	got, err := a.TokenByHash(ctx, alice.Hash)
	must(t, err)
	if got.ID != alice.ID || got.Name != "alice" || got.Admin || got.RevokedAt != nil {
		t.Fatalf("TokenByHash = %+v", got)
	}
	wantTime(t, "created_at", got.CreatedAt, alice.CreatedAt)
	got, err = a.TokenByHash(ctx, root.Hash)
	must(t, err)
	if !got.Admin {
		t.Fatal("admin flag lost")
	}
	_, err = a.TokenByHash(ctx, hashOf("nobody"))
	wantCode(t, err, shoot.ENOTFOUND)

	must(t, a.RevokeToken(ctx, "alice", store.Now()))
	_, err = a.TokenByHash(ctx, alice.Hash)
	wantCode(t, err, shoot.ENOTFOUND)
	wantCode(t, a.RevokeToken(ctx, "alice", store.Now()), shoot.ENOTFOUND)
	wantCode(t, a.RevokeToken(ctx, "nobody", store.Now()), shoot.ENOTFOUND)

	// A revoked name can be given a new token: that is how a token rotates.
	again := mkToken(t, a, "alice", false)
	list, err := a.ListTokens(ctx)
	must(t, err)
	if len(list) != 3 || list[0].ID != alice.ID || list[1].ID != root.ID || list[2].ID != again.ID {
		t.Fatalf("ListTokens = %d tokens", len(list))
	}
	if list[0].RevokedAt == nil || list[2].RevokedAt != nil {
		t.Fatalf("revoked flags: %v, %v", list[0].RevokedAt, list[2].RevokedAt)
	}
	wantRecent(t, "revoked_at", *list[0].RevokedAt)
}

func testTokenInvalid(t *testing.T, _ store.Store, a store.Auth) {
	ctx := t.Context()
	for _, tok := range []*store.Token{
		{Name: "", Hash: hashOf("x")},
		{Name: "has space", Hash: hashOf("x")},
		{Name: "../etc", Hash: hashOf("x")},
		{Name: "ok", Hash: "not-a-hash"},
		{Name: "ok", Hash: ""},
	} {
		wantCode(t, a.CreateToken(ctx, tok), shoot.EINVALID)
	}
}

func testTokenTouch(t *testing.T, _ store.Store, a store.Auth) {
	ctx := t.Context()
	tok := mkToken(t, a, "carol", false)
	t0 := store.Now()
	must(t, a.TouchToken(ctx, tok.ID, t0))
	must(t, a.TouchToken(ctx, tok.ID, t0.Add(30*time.Second))) // within the interval: no write
	got, err := a.TokenByHash(ctx, tok.Hash)
	must(t, err)
	if got.LastUsedAt == nil {
		t.Fatal("last use not recorded")
	}
	wantTime(t, "last_used_at", *got.LastUsedAt, t0)
	t1 := t0.Add(2 * store.TouchInterval)
	must(t, a.TouchToken(ctx, tok.ID, t1))
	got, err = a.TokenByHash(ctx, tok.Hash)
	must(t, err)
	wantTime(t, "last_used_at", *got.LastUsedAt, t1)
}

func testWebSessions(t *testing.T, _ store.Store, a store.Auth) {
	ctx := t.Context()
	tok := mkToken(t, a, "dora", false)
	now := store.Now()
	live := &store.WebSession{IDHash: hashOf("cookie-1"), TokenID: tok.ID, ExpiresAt: now.Add(time.Hour)}
	old := &store.WebSession{IDHash: hashOf("cookie-2"), TokenID: tok.ID, ExpiresAt: now.Add(-time.Second)}
	must(t, a.CreateWebSession(ctx, live))
	must(t, a.CreateWebSession(ctx, old))
	wantCode(t, a.CreateWebSession(ctx, &store.WebSession{IDHash: hashOf("c"), TokenID: tok.ID + 100,
		ExpiresAt: now.Add(time.Hour)}), shoot.ENOTFOUND)
	wantCode(t, a.CreateWebSession(ctx, &store.WebSession{IDHash: "short", TokenID: tok.ID,
		ExpiresAt: now.Add(time.Hour)}), shoot.EINVALID)

	got, err := a.WebSessionToken(ctx, live.IDHash, now)
	must(t, err)
	if got.ID != tok.ID || got.Name != "dora" {
		t.Fatalf("WebSessionToken = %+v", got)
	}
	_, err = a.WebSessionToken(ctx, old.IDHash, now)
	wantCode(t, err, shoot.ENOTFOUND) // expired
	_, err = a.WebSessionToken(ctx, live.IDHash, now.Add(2*time.Hour))
	wantCode(t, err, shoot.ENOTFOUND)

	must(t, a.DeleteExpiredWebSessions(ctx, now))
	must(t, a.DeleteWebSession(ctx, old.IDHash)) // already gone: fine

	must(t, a.RevokeToken(ctx, "dora", now))
	_, err = a.WebSessionToken(ctx, live.IDHash, now)
	wantCode(t, err, shoot.ENOTFOUND)
	wantCode(t, a.CreateWebSession(ctx, &store.WebSession{IDHash: hashOf("cookie-3"), TokenID: tok.ID,
		ExpiresAt: now.Add(time.Hour)}), shoot.ENOTFOUND)

	// Signing out removes the one session and leaves others.
	erin := mkToken(t, a, "erin", false)
	a1 := &store.WebSession{IDHash: hashOf("e1"), TokenID: erin.ID, ExpiresAt: now.Add(time.Hour)}
	a2 := &store.WebSession{IDHash: hashOf("e2"), TokenID: erin.ID, ExpiresAt: now.Add(time.Hour)}
	must(t, a.CreateWebSession(ctx, a1))
	must(t, a.CreateWebSession(ctx, a2))
	must(t, a.DeleteWebSession(ctx, a1.IDHash))
	_, err = a.WebSessionToken(ctx, a1.IDHash, now)
	wantCode(t, err, shoot.ENOTFOUND)
	_, err = a.WebSessionToken(ctx, a2.IDHash, now)
	must(t, err)
}

func testAudit(t *testing.T, _ store.Store, a store.Auth) {
	ctx := t.Context()
	base := store.Now().Add(-time.Minute)
	entries := []store.AuditEntry{
		{Actor: "alice", Action: "session.create", Target: "s1", At: base},
		{Actor: "bob", Action: "session.create", Target: "s2", Detail: "brief", RequestID: "r2"},
		{Actor: "alice", Action: "session.delete", Target: "s1"},
	}
	var ids []int64
	for i := range entries {
		must(t, a.AppendAudit(ctx, &entries[i]))
		ids = append(ids, entries[i].ID)
	}
	wantTime(t, "at", entries[0].At, base)
	wantRecent(t, "at", entries[1].At)
	wantCode(t, a.AppendAudit(ctx, &store.AuditEntry{Action: "x"}), shoot.EINVALID)

	all, err := a.ListAudit(ctx, store.AuditFilter{})
	must(t, err)
	if len(all) != 3 || all[0].ID != ids[2] || all[2].ID != ids[0] {
		t.Fatalf("ListAudit order: %v", auditIDs(all))
	}
	if all[1].Detail != "brief" || all[1].RequestID != "r2" || all[1].Actor != "bob" {
		t.Fatalf("entry round trip: %+v", all[1])
	}
	for _, c := range []struct {
		f    store.AuditFilter
		want []int64
	}{
		{store.AuditFilter{Actor: "alice"}, []int64{ids[2], ids[0]}},
		{store.AuditFilter{Target: "s2"}, []int64{ids[1]}},
		{store.AuditFilter{Limit: 1}, []int64{ids[2]}},
		{store.AuditFilter{BeforeID: ids[2]}, []int64{ids[1], ids[0]}},
	} {
		got, err := a.ListAudit(ctx, c.f)
		must(t, err)
		if fmt.Sprint(auditIDs(got)) != fmt.Sprint(c.want) {
			t.Errorf("ListAudit(%+v) = %v, want %v", c.f, auditIDs(got), c.want)
		}
	}
}

func auditIDs(es []*store.AuditEntry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func testUsageLimit(t *testing.T, _ store.Store, a store.Auth) {
	ctx := t.Context()
	const kind, day = store.UsageUploadBytes, "2026-01-31"
	steps := []struct {
		amount, limit, total float64
		ok                   bool
	}{
		{600, 1000, 600, true},
		{500, 1000, 600, false}, // would pass the limit: nothing changes
		{400, 1000, 1000, true}, // exactly at the limit is allowed
		{1, 0, 1001, true},      // no limit
		{-2000, 1000, 0, true},  // giving back never goes below zero
		{1500, 1000, 0, false},  // more than the whole limit
	}
	for i, st := range steps {
		total, ok, err := a.AddUsage(ctx, "frank", kind, day, st.amount, st.limit)
		must(t, err)
		if ok != st.ok || total != st.total {
			t.Fatalf("step %d: AddUsage(%v, limit %v) = %v, %v; want %v, %v", i, st.amount, st.limit, total, ok, st.total, st.ok)
		}
	}
	if got, err := a.Usage(ctx, "frank", kind, day); err != nil || got != 0 {
		t.Fatalf("Usage = %v, %v", got, err)
	}
	if got, err := a.Usage(ctx, "frank", kind, "2026-02-01"); err != nil || got != 0 {
		t.Fatalf("other day = %v, %v", got, err)
	}
	_, _, err := a.AddUsage(ctx, "frank", "bogus", day, 1, 0)
	wantCode(t, err, shoot.EINVALID)
	_, err = a.Usage(ctx, "frank", kind, "")
	wantCode(t, err, shoot.EINVALID)
}

// testUsageConcurrent checks that the limit holds when many callers reserve
// at once: exactly limit/amount of them succeed.
func testUsageConcurrent(t *testing.T, _ store.Store, a store.Auth) {
	ctx := t.Context()
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := a.AddUsage(ctx, "gina", store.UsageUploadBytes, "2026-03-01", 10, 100)
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				mu.Lock()
				granted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	total, err := a.Usage(ctx, "gina", store.UsageUploadBytes, "2026-03-01")
	must(t, err)
	if granted != 10 || total != 100 {
		t.Fatalf("granted %d reservations, total %v; want 10 and 100", granted, total)
	}
}

func testSpendFollowsCosts(t *testing.T, s store.Store, a store.Auth) {
	ctx := t.Context()
	sess := mkSession(t, s, func(x *shoot.Session) { x.Owner = "hana" })
	other := mkSession(t, s, func(x *shoot.Session) { x.Owner = "ivan" })
	at := time.Date(2026, 4, 30, 23, 59, 0, 0, time.UTC)
	for _, c := range []*shoot.Cost{
		{SessionID: sess.ID, Provider: "fal", USD: 0.25, Ref: "hero:1", CreatedAt: at},
		{SessionID: sess.ID, Provider: "fal", USD: 0.25, Ref: "hero:1", CreatedAt: at}, // retried: ignored
		{SessionID: sess.ID, Provider: "kling", USD: 0.5, CreatedAt: at},
		{SessionID: sess.ID, Provider: "kling", USD: 1, CreatedAt: at.Add(time.Hour)}, // next month
		{SessionID: other.ID, Provider: "fal", USD: 2, CreatedAt: at},
	} {
		must(t, s.AddCost(ctx, c))
	}
	want := map[string]float64{"hana 2026-04": 0.75, "hana 2026-05": 1, "ivan 2026-04": 2}
	check := func() {
		t.Helper()
		for k, v := range want {
			var owner, month string
			fmt.Sscan(k, &owner, &month)
			got, err := a.Usage(ctx, owner, store.UsageSpendUSD, month)
			must(t, err)
			if diff := got - v; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("spend of %s = %v, want %v", k, got, v)
			}
		}
	}
	check()
	// Deleting the session does not give its money back.
	must(t, s.DeleteSession(ctx, sess.ID))
	check()
	if p := store.MonthPeriod(at); p != "2026-04" {
		t.Fatalf("MonthPeriod = %q", p)
	}
}

func testCountRunning(t *testing.T, s store.Store, a store.Auth) {
	ctx := t.Context()
	for _, st := range []string{shoot.RunRunning, shoot.RunRunning, shoot.RunAwaiting, shoot.RunDone} {
		mkSession(t, s, func(x *shoot.Session) { x.Owner = "jack"; x.RunState = st })
	}
	mkSession(t, s, func(x *shoot.Session) { x.Owner = "kate"; x.RunState = shoot.RunRunning })
	for owner, want := range map[string]int{"jack": 2, "kate": 1, "nobody": 0} {
		n, err := a.CountRunning(ctx, owner)
		must(t, err)
		if n != want {
			t.Errorf("CountRunning(%s) = %d, want %d", owner, n, want)
		}
	}
}
