package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
)

// TestEveryActionCarriesItsOwnKey checks that each POST carries a fresh
// UUID key, that a caller's key is sent as given (quoted), and that reads
// carry none.
func TestEveryActionCarriesItsOwnKey(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]string{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Call")] = r.Header.Get(IdempotencyKeyHeader)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"success":true,"runState":"cancelled","sessions":[]}`))
	}))
	defer ts.Close()
	c := New(ts.URL)
	ctx := context.Background()
	var s1keys []string
	for range 2 {
		if _, err := c.Cancel(ctx, "s1"); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		s1keys = append(s1keys, seen["POST /api/sessions/s1/cancel "])
		mu.Unlock()
	}
	if s1keys[0] == s1keys[1] {
		t.Errorf("two separate actions sent the same key %s", s1keys[0])
	}
	if _, err := c.Cancel(WithIdempotencyKey(ctx, `retry "7"`), "s2"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sessions(ctx, 0); err != nil {
		t.Fatal(err)
	}
	uuid := regexp.MustCompile(`^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$`)
	k1 := seen["POST /api/sessions/s1/cancel "]
	if !uuid.MatchString(k1) {
		t.Errorf("cancel key %q is not a quoted UUID", k1)
	}
	if got := seen["POST /api/sessions/s2/cancel "]; got != `"retry \"7\""` {
		t.Errorf("caller's key sent as %q", got)
	}
	if got := seen["GET /api/sessions "]; got != "" {
		t.Errorf("a GET carried key %q", got)
	}
}
