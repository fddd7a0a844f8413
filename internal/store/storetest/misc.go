package storetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var uploadTests = []test{
	{"UploadRoundTrip", testUpload},
	{"UploadInvalid", testUploadInvalid},
}

var messageTests = []test{{"Messages", testMessages}}

var providerTaskTests = []test{{"ProviderTasks", testProviderTasks}}

func newUpload(name string) *shoot.Upload {
	return &shoot.Upload{Filename: name, Key: "uploads/" + name, OriginalName: "Coat Front.JPG",
		Size: 2048, MimeType: "image/jpeg", Width: 1200, Height: 1600, Owner: "user-9"}
}

func testUpload(t *testing.T, s store.Store) {
	ctx := t.Context()
	in := newUpload("1736860000000-abc123.jpg")
	in.CreatedAt = time.Date(2025, 1, 14, 13, 29, 1, 987654321, time.UTC)
	must(t, s.CreateUpload(ctx, in))
	got, err := s.GetUpload(ctx, in.Filename)
	must(t, err)
	wantTime(t, "created_at", got.CreatedAt, in.CreatedAt.Truncate(time.Microsecond))
	if *got != *in {
		t.Errorf("GetUpload = %+v, want %+v", *got, *in)
	}
	dup := newUpload(in.Filename)
	dup.Size = 1
	wantCode(t, s.CreateUpload(ctx, dup), shoot.ECONFLICT)
	_, err = s.GetUpload(ctx, "1736860000000-zzzzzz.png")
	wantCode(t, err, shoot.ENOTFOUND)
	fresh := newUpload("1736860000001-abc123.png")
	must(t, s.CreateUpload(ctx, fresh))
	wantRecent(t, "created_at", fresh.CreatedAt)
}

func testUploadInvalid(t *testing.T, s store.Store) {
	cases := []struct {
		name string
		mod  func(*shoot.Upload)
	}{
		{"client name", func(u *shoot.Upload) { u.Filename, u.Key = "coat.jpg", "uploads/coat.jpg" }},
		{"traversal", func(u *shoot.Upload) { u.Filename, u.Key = "../1736860000000-abc123.jpg", "uploads/x" }},
		{"key mismatch", func(u *shoot.Upload) { u.Key = "outputs/x.jpg" }},
		{"negative size", func(u *shoot.Upload) { u.Size = -1 }},
		{"no mime type", func(u *shoot.Upload) { u.MimeType = "" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := newUpload("1736860000000-abc123.gif")
			tc.mod(u)
			wantCode(t, s.CreateUpload(t.Context(), u), shoot.EINVALID)
		})
	}
}

func testMessages(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess, other := mkSession(t, s), mkSession(t, s)
	contents := []string{
		`[{"type":"text","text":"Shoot a red coat"}]`,
		`[{"type":"tool_use","id":"tu_1","name":"generate_hero","input":{"prompt":"x"}}]`,
		`[{"type":"tool_result","tool_use_id":"tu_1","content":"ok"}]`,
	}
	var in []*shoot.Message
	for i, c := range contents {
		m := &shoot.Message{SessionID: sess.ID, Role: []string{"user", "assistant"}[i%2], Content: json.RawMessage(c)}
		must(t, s.AppendMessage(ctx, m))
		if m.ID == 0 {
			t.Fatal("message id not assigned")
		}
		in = append(in, m)
	}
	must(t, s.AppendMessage(ctx, &shoot.Message{SessionID: other.ID, Role: "user", Content: json.RawMessage(`"hi"`)}))
	got, err := s.ListMessages(ctx, sess.ID)
	must(t, err)
	if len(got) != len(in) {
		t.Fatalf("%d messages, want %d", len(got), len(in))
	}
	for i, g := range got {
		w := in[i]
		// Content is kept verbatim: it goes back to the model as is.
		if g.ID != w.ID || g.Role != w.Role || string(g.Content) != string(w.Content) || g.SessionID != sess.ID {
			t.Errorf("message %d = %+v (%s), want %+v (%s)", i, g, g.Content, w, w.Content)
		}
		wantTime(t, "created_at", g.CreatedAt, w.CreatedAt)
	}
	cases := []struct {
		name string
		m    shoot.Message
		code string
	}{
		{"role", shoot.Message{SessionID: sess.ID, Role: "system", Content: json.RawMessage(`"x"`)}, shoot.EINVALID},
		{"content", shoot.Message{SessionID: sess.ID, Role: "user", Content: json.RawMessage(`{`)}, shoot.EINVALID},
		{"empty", shoot.Message{SessionID: sess.ID, Role: "user"}, shoot.EINVALID},
		{"unknown session", shoot.Message{SessionID: newID(), Role: "user", Content: json.RawMessage(`"x"`)}, shoot.ENOTFOUND},
	}
	for _, tc := range cases {
		wantCode(t, s.AppendMessage(ctx, &tc.m), tc.code)
	}
}

func testProviderTasks(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	task := &shoot.ProviderTask{Key: "hero:" + sess.ID + ":v1", SessionID: sess.ID, Provider: "fal",
		Handle: `{"request_id":"r-1"}`, State: shoot.TaskSubmitted}
	must(t, s.PutProviderTask(ctx, task))
	wantRecent(t, "created_at", task.CreatedAt)
	first := *task
	got, err := s.GetProviderTask(ctx, task.Key)
	must(t, err)
	if *got != first {
		t.Errorf("GetProviderTask = %+v, want %+v", *got, first)
	}
	update := &shoot.ProviderTask{Key: task.Key, SessionID: sess.ID, Provider: "fal", Handle: `{"request_id":"r-1","url":"u"}`, State: shoot.TaskDone}
	must(t, s.PutProviderTask(ctx, update))
	got, err = s.GetProviderTask(ctx, task.Key)
	must(t, err)
	if got.State != shoot.TaskDone || got.Handle != update.Handle {
		t.Errorf("update not stored: %+v", *got)
	}
	wantTime(t, "created_at after update", got.CreatedAt, first.CreatedAt)
	wantTime(t, "returned created_at", update.CreatedAt, first.CreatedAt)
	if got.UpdatedAt.Before(first.UpdatedAt) {
		t.Errorf("updated_at went back: %v < %v", got.UpdatedAt, first.UpdatedAt)
	}
	// A task may belong to no session.
	loose := &shoot.ProviderTask{Key: "frames:cli:1", Provider: "studio", State: shoot.TaskSubmitted}
	must(t, s.PutProviderTask(ctx, loose))
	got, err = s.GetProviderTask(ctx, loose.Key)
	must(t, err)
	if got.SessionID != "" || got.Handle != "" {
		t.Errorf("loose task = %+v", *got)
	}
	_, err = s.GetProviderTask(ctx, "no-such-task")
	wantCode(t, err, shoot.ENOTFOUND)
	cases := []struct {
		name string
		task shoot.ProviderTask
		code string
	}{
		{"no key", shoot.ProviderTask{Provider: "fal", State: shoot.TaskSubmitted}, shoot.EINVALID},
		{"no state", shoot.ProviderTask{Key: "k", Provider: "fal"}, shoot.EINVALID},
		{"unknown state", shoot.ProviderTask{Key: "k", Provider: "fal", State: "maybe"}, shoot.EINVALID},
		{"no provider", shoot.ProviderTask{Key: "k", State: shoot.TaskSubmitted}, shoot.EINVALID},
		{"unknown session", shoot.ProviderTask{Key: "k2", SessionID: newID(), Provider: "fal", State: shoot.TaskSubmitted}, shoot.ENOTFOUND},
	}
	for _, tc := range cases {
		wantCode(t, s.PutProviderTask(ctx, &tc.task), tc.code)
	}
}

var costTests = []test{{"CostLedger", testCosts}}

func testCosts(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess, other := mkSession(t, s), mkSession(t, s)
	entries := []struct {
		session, ref string
		usd          float64
		counted      bool
	}{
		{sess.ID, "hero:1", 0.15, true},
		{sess.ID, "clip:1", 0.35, true},
		{sess.ID, "hero:1", 0.15, false}, // a retried job: ignored
		{sess.ID, "", 0.01, true},        // no ref: always counted
		{sess.ID, "", 0.01, true},
		{other.ID, "hero:1", 0.15, true}, // same ref, other session
	}
	var ids []int64
	for i, e := range entries {
		c := &shoot.Cost{SessionID: e.session, Provider: "fal", Model: "m", Units: 1, Unit: "image", USD: e.usd, Ref: e.ref}
		must(t, s.AddCost(ctx, c))
		if c.ID == 0 {
			t.Fatalf("entry %d: no id", i)
		}
		if e.counted {
			if e.session == sess.ID {
				ids = append(ids, c.ID)
			}
		} else if c.ID != ids[0] {
			t.Errorf("duplicate ref got id %d, want the first entry's %d", c.ID, ids[0])
		}
	}
	got, err := s.GetSession(ctx, sess.ID)
	must(t, err)
	if want := 0.15 + 0.35 + 0.01 + 0.01; fmt.Sprintf("%.6f", got.TotalCostUSD) != fmt.Sprintf("%.6f", want) {
		t.Errorf("total_cost_usd = %v, want %v", got.TotalCostUSD, want)
	}
	o, err := s.GetSession(ctx, other.ID)
	must(t, err)
	if o.TotalCostUSD != 0.15 {
		t.Errorf("other session's total = %v", o.TotalCostUSD)
	}
	list, err := s.ListCosts(ctx, sess.ID)
	must(t, err)
	if len(list) != 4 {
		t.Fatalf("%d cost rows, want 4", len(list))
	}
	for i, c := range list {
		if c.ID != ids[i] || c.SessionID != sess.ID || c.Provider != "fal" || c.Unit != "image" {
			t.Errorf("row %d = %+v", i, *c)
		}
		wantRecent(t, "created_at", c.CreatedAt)
	}
	cases := []struct {
		name string
		c    shoot.Cost
		code string
	}{
		{"negative", shoot.Cost{SessionID: sess.ID, Provider: "fal", USD: -1}, shoot.EINVALID},
		{"no provider", shoot.Cost{SessionID: sess.ID, USD: 1}, shoot.EINVALID},
		{"unknown session", shoot.Cost{SessionID: newID(), Provider: "fal", USD: 1}, shoot.ENOTFOUND},
	}
	for _, tc := range cases {
		wantCode(t, s.AddCost(ctx, &tc.c), tc.code)
	}
	got, err = s.GetSession(ctx, sess.ID)
	must(t, err)
	if fmt.Sprintf("%.6f", got.TotalCostUSD) != "0.520000" {
		t.Errorf("rejected entries changed the total: %v", got.TotalCostUSD)
	}
}

var latencyTests = []test{{"ProviderLatency", testProviderLatency}}

// testProviderLatency: the first observation is the mean, later ones move
// it by LatencyWeight, classes are apart, concurrent observers do not
// fail, and bad observations are refused.
func testProviderLatency(t *testing.T, s store.Store) {
	ctx := t.Context()
	class := "fal/clip/" + newID() + "/5s"
	_, err := s.ProviderLatency(ctx, class)
	wantCode(t, err, shoot.ENOTFOUND)
	must(t, s.ObserveLatency(ctx, class, 4*time.Second))
	got, err := s.ProviderLatency(ctx, class)
	must(t, err)
	if got != 4*time.Second {
		t.Errorf("after one observation the mean is %v, want 4s", got)
	}
	must(t, s.ObserveLatency(ctx, class, 14*time.Second))
	got, err = s.ProviderLatency(ctx, class)
	must(t, err)
	want := time.Duration(float64(4*time.Second)*(1-store.LatencyWeight) + float64(14*time.Second)*store.LatencyWeight)
	if d := got - want; d > time.Millisecond || d < -time.Millisecond {
		t.Errorf("after two observations the mean is %v, want %v", got, want)
	}
	other := class + "-other"
	_, err = s.ProviderLatency(ctx, other)
	wantCode(t, err, shoot.ENOTFOUND)
	// Concurrent observations of one duration leave that duration.
	same := class + "-same"
	errs := make(chan error, 8)
	for range 8 {
		go func() { errs <- s.ObserveLatency(ctx, same, 2*time.Second) }()
	}
	for range 8 {
		must(t, <-errs)
	}
	got, err = s.ProviderLatency(ctx, same)
	must(t, err)
	if d := got - 2*time.Second; d > time.Millisecond || d < -time.Millisecond {
		t.Errorf("concurrent observations of 2s give %v", got)
	}
	for _, tc := range []struct {
		class string
		d     time.Duration
	}{{"", time.Second}, {class, 0}, {class, -time.Second}, {class, 25 * time.Hour}, {strings.Repeat("x", 513), time.Second}} {
		wantCode(t, s.ObserveLatency(ctx, tc.class, tc.d), shoot.EINVALID)
	}
}
