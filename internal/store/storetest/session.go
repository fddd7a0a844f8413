package storetest

import (
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var sessionTests = []test{
	{"SessionRoundTrip", testSessionRoundTrip},
	{"SessionDefaults", testSessionDefaults},
	{"SessionInvalid", testSessionInvalid},
	{"SessionDuplicate", testSessionDuplicate},
	{"SessionNotFound", testSessionNotFound},
	{"ListSessionsOrderAndLimit", testListSessionsOrder},
	{"ListSessionsOwnerAndBefore", testListSessionsOwner},
	{"ListSessionsLimits", testListSessionsLimits},
	{"UpdateSession", testUpdateSession},
	{"UpdateSessionRollback", testUpdateSessionRollback},
	{"UpdateSessionConcurrent", testUpdateSessionConcurrent},
}

func testSessionRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	msg := "provider said no"
	created := time.Date(2025, 1, 14, 13, 29, 1, 123456789, time.FixedZone("CET", 3600))
	in := &shoot.Session{
		ID: newID(), CreatedAt: created, UpdatedAt: created.Add(time.Second),
		Status: shoot.StatusError, PipelineStage: shoot.StageFrames, SDKSessionID: "sdk-1",
		TotalCostUSD: 1.25, TotalTurns: 7, ErrorMessage: &msg,
		Metadata: json.RawMessage(`{"b": [1, 2], "a": "x"}`), Owner: "user-1",
		RunState: shoot.RunAwaiting, Brief: "red coat on a rooftop",
		Options: shoot.Options{AspectRatio: "16:9", Loop: true, ClipDuration: 2.5, FPS: 30},
	}
	must(t, s.CreateSession(ctx, in))
	got, err := s.GetSession(ctx, in.ID)
	must(t, err)
	// Times come back in UTC at microsecond precision.
	wantTime(t, "created_at", got.CreatedAt, created.Truncate(time.Microsecond))
	wantTime(t, "updated_at", got.UpdatedAt, created.Add(time.Second).Truncate(time.Microsecond))
	wantTime(t, "CreateSession's created_at", in.CreatedAt, got.CreatedAt)
	if got.ErrorMessage == nil || *got.ErrorMessage != msg {
		t.Errorf("error_message = %v", got.ErrorMessage)
	}
	if !jsonEqual(t, got.Metadata, in.Metadata) {
		t.Errorf("metadata = %s, want %s", got.Metadata, in.Metadata)
	}
	if !reflect.DeepEqual(got.Options, in.Options) {
		t.Errorf("options = %+v, want %+v", got.Options, in.Options)
	}
	want := *in
	got.CreatedAt, got.UpdatedAt, got.ErrorMessage, got.Metadata = want.CreatedAt, want.UpdatedAt, want.ErrorMessage, want.Metadata
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("GetSession = %+v\nwant %+v", *got, want)
	}
}

func testSessionDefaults(t *testing.T, s store.Store) {
	ctx := t.Context()
	in := &shoot.Session{ID: newID()}
	must(t, s.CreateSession(ctx, in))
	got, err := s.GetSession(ctx, in.ID)
	must(t, err)
	if got.Status != shoot.StatusActive || got.PipelineStage != shoot.StageInit || got.RunState != shoot.RunIdle {
		t.Errorf("defaults = %q %q %q", got.Status, got.PipelineStage, got.RunState)
	}
	if got.ErrorMessage != nil || got.Metadata != nil || got.SDKSessionID != "" || got.Owner != "" {
		t.Errorf("empty fields not empty: %+v", got)
	}
	wantRecent(t, "created_at", got.CreatedAt)
	wantTime(t, "updated_at", got.UpdatedAt, got.CreatedAt)
	wantTime(t, "CreateSession's created_at", in.CreatedAt, got.CreatedAt)
}

func testSessionInvalid(t *testing.T, s store.Store) {
	cases := []struct {
		name string
		mod  func(*shoot.Session)
	}{
		{"empty id", func(x *shoot.Session) { x.ID = "" }},
		{"id with slash", func(x *shoot.Session) { x.ID = "../etc" }},
		{"status", func(x *shoot.Session) { x.Status = "paused" }},
		{"stage", func(x *shoot.Session) { x.PipelineStage = "mastering" }},
		{"run state", func(x *shoot.Session) { x.RunState = "sleeping" }},
		{"metadata", func(x *shoot.Session) { x.Metadata = json.RawMessage(`{"a":`) }},
		{"negative cost", func(x *shoot.Session) { x.TotalCostUSD = -1 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := &shoot.Session{ID: newID()}
			tc.mod(x)
			wantCode(t, s.CreateSession(t.Context(), x), shoot.EINVALID)
		})
	}
}

func testSessionDuplicate(t *testing.T, s store.Store) {
	first := mkSession(t, s, func(x *shoot.Session) { x.Brief = "first" })
	err := s.CreateSession(t.Context(), &shoot.Session{ID: first.ID, Brief: "second"})
	wantCode(t, err, shoot.ECONFLICT)
	got, err := s.GetSession(t.Context(), first.ID)
	must(t, err)
	if got.Brief != "first" {
		t.Errorf("duplicate create overwrote the session: brief %q", got.Brief)
	}
}

func testSessionNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, id := range []string{newID(), "", "bad/id"} {
		_, err := s.GetSession(ctx, id)
		wantCode(t, err, shoot.ENOTFOUND)
		_, err = s.UpdateSession(ctx, id, func(*shoot.Session) error { return nil })
		wantCode(t, err, shoot.ENOTFOUND)
		wantCode(t, s.DeleteSession(ctx, id), shoot.ENOTFOUND)
	}
}

// at returns a session modifier setting both times to base+offset.
func at(base time.Time, offset time.Duration) func(*shoot.Session) {
	return func(x *shoot.Session) { x.CreatedAt = base.Add(offset); x.UpdatedAt = x.CreatedAt }
}

func ids(list []*shoot.Session) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = x.ID
	}
	return out
}

func wantIDs(t *testing.T, got []*shoot.Session, want ...string) {
	t.Helper()
	g := ids(got)
	if len(g) != len(want) {
		t.Fatalf("ids = %v, want %v", g, want)
	}
	for i := range g {
		if g[i] != want[i] {
			t.Fatalf("ids = %v, want %v", g, want)
		}
	}
}

func testListSessionsOrder(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a := mkSession(t, s, at(base, 0))
	b := mkSession(t, s, at(base, 2*time.Microsecond))
	c := mkSession(t, s, at(base, time.Microsecond))
	list, err := s.ListSessions(ctx, store.SessionFilter{})
	must(t, err)
	wantIDs(t, list, b.ID, c.ID, a.ID)
	list, err = s.ListSessions(ctx, store.SessionFilter{Limit: 2})
	must(t, err)
	wantIDs(t, list, b.ID, c.ID)
	// Touching a moves it to the front: the order is by updated_at.
	_, err = s.UpdateSession(ctx, a.ID, func(x *shoot.Session) error { x.TotalTurns++; return nil })
	must(t, err)
	list, err = s.ListSessions(ctx, store.SessionFilter{Limit: 1})
	must(t, err)
	wantIDs(t, list, a.ID)
}

func testListSessionsOwner(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	owner := func(o string) func(*shoot.Session) { return func(x *shoot.Session) { x.Owner = o } }
	a1 := mkSession(t, s, at(base, 0), owner("alice"))
	b1 := mkSession(t, s, at(base, time.Second), owner("bob"))
	a2 := mkSession(t, s, at(base, 2*time.Second), owner("alice"))
	cases := []struct {
		name   string
		filter store.SessionFilter
		want   []string
	}{
		{"all owners", store.SessionFilter{}, []string{a2.ID, b1.ID, a1.ID}},
		{"alice", store.SessionFilter{Owner: "alice"}, []string{a2.ID, a1.ID}},
		{"bob", store.SessionFilter{Owner: "bob"}, []string{b1.ID}},
		{"nobody", store.SessionFilter{Owner: "carol"}, nil},
		{"before a2", store.SessionFilter{Before: base.Add(2 * time.Second)}, []string{b1.ID, a1.ID}},
		{"alice before a2", store.SessionFilter{Owner: "alice", Before: base.Add(2 * time.Second)}, []string{a1.ID}},
		{"before all", store.SessionFilter{Before: base}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			list, err := s.ListSessions(ctx, tc.filter)
			must(t, err)
			if list == nil {
				t.Error("ListSessions returned a nil slice")
			}
			wantIDs(t, list, tc.want...)
		})
	}
}

func testListSessionsLimits(t *testing.T, s store.Store) {
	ctx := t.Context()
	for range store.MaxSessionLimit + 5 {
		mkSession(t, s)
	}
	cases := []struct{ limit, want int }{
		{0, store.DefaultSessionLimit}, {1, 1}, {store.MaxSessionLimit, store.MaxSessionLimit},
		{store.MaxSessionLimit + 1, store.MaxSessionLimit}, {1 << 30, store.MaxSessionLimit},
	}
	for _, tc := range cases {
		list, err := s.ListSessions(ctx, store.SessionFilter{Limit: tc.limit})
		must(t, err)
		if len(list) != tc.want {
			t.Errorf("limit %d: got %d sessions, want %d", tc.limit, len(list), tc.want)
		}
	}
	_, err := s.ListSessions(ctx, store.SessionFilter{Limit: -1})
	wantCode(t, err, shoot.EINVALID)
}

func testUpdateSession(t *testing.T, s store.Store) {
	ctx := t.Context()
	old := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	orig := mkSession(t, s, at(old, 0))
	msg := "boom"
	got, err := s.UpdateSession(ctx, orig.ID, func(x *shoot.Session) error {
		x.Status, x.PipelineStage, x.RunState = shoot.StatusError, shoot.StageClips, shoot.RunFailed
		x.ErrorMessage, x.TotalTurns, x.Brief = &msg, 3, "new brief"
		x.Options.Loop = true
		x.Metadata = json.RawMessage(`{"k":1}`)
		return nil
	})
	must(t, err)
	wantRecent(t, "updated_at", got.UpdatedAt)
	wantTime(t, "created_at", got.CreatedAt, old)
	read, err := s.GetSession(ctx, orig.ID)
	must(t, err)
	wantTime(t, "stored updated_at", read.UpdatedAt, got.UpdatedAt)
	if read.Status != shoot.StatusError || read.PipelineStage != shoot.StageClips || read.RunState != shoot.RunFailed ||
		read.ErrorMessage == nil || *read.ErrorMessage != msg || read.TotalTurns != 3 ||
		read.Brief != "new brief" || !read.Options.Loop || !jsonEqual(t, read.Metadata, []byte(`{"k":1}`)) {
		t.Errorf("update not stored: %+v", read)
	}
	// Clearing nullable fields stores NULL again.
	_, err = s.UpdateSession(ctx, orig.ID, func(x *shoot.Session) error {
		x.ErrorMessage, x.Metadata = nil, nil
		return nil
	})
	must(t, err)
	read, err = s.GetSession(ctx, orig.ID)
	must(t, err)
	if read.ErrorMessage != nil || read.Metadata != nil {
		t.Errorf("cleared fields came back: %v %s", read.ErrorMessage, read.Metadata)
	}
}

func testUpdateSessionRollback(t *testing.T, s store.Store) {
	ctx := t.Context()
	orig := mkSession(t, s, func(x *shoot.Session) { x.Brief = "keep" })
	sentinel := errors.New("changed my mind")
	cases := []struct {
		name string
		fn   func(*shoot.Session) error
		code string
	}{
		{"fn error", func(x *shoot.Session) error { x.Brief = "lost"; return sentinel }, shoot.EINTERNAL},
		{"invalid status", func(x *shoot.Session) error { x.Brief = "lost"; x.Status = "nope"; return nil }, shoot.EINVALID},
		{"id change", func(x *shoot.Session) error { x.Brief = "lost"; x.ID = newID(); return nil }, shoot.EINVALID},
		{"domain error", func(x *shoot.Session) error { x.Brief = "lost"; return shoot.Errorf(shoot.ECONFLICT, "busy") }, shoot.ECONFLICT},
	}
	for _, tc := range cases {
		_, err := s.UpdateSession(ctx, orig.ID, tc.fn)
		wantCode(t, err, tc.code)
		if tc.name == "fn error" && !errors.Is(err, sentinel) {
			t.Errorf("fn's error not returned: %v", err)
		}
		got, err := s.GetSession(ctx, orig.ID)
		must(t, err)
		if got.Brief != "keep" || !got.UpdatedAt.Equal(orig.UpdatedAt) {
			t.Errorf("%s: update was not rolled back: brief %q updated_at %v", tc.name, got.Brief, got.UpdatedAt)
		}
	}
}

// testUpdateSessionConcurrent shows read-modify-write is one transaction:
// concurrent increments are never lost.
func testUpdateSessionConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	orig := mkSession(t, s)
	const n = 10
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := s.UpdateSession(ctx, orig.ID, func(x *shoot.Session) error { x.TotalTurns++; return nil })
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	got, err := s.GetSession(ctx, orig.ID)
	must(t, err)
	if got.TotalTurns != n {
		t.Errorf("total_turns = %d after %d concurrent increments", got.TotalTurns, n)
	}
}
