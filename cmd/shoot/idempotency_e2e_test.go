package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
)

// TestRetriedGeneratePaysOnce sends the same POST /api/generate twice,
// with one Idempotency-Key and then with none (a client-chosen session id),
// against the FAL and Kling fakes, on both databases: each pair submits one
// provider task, and the keyed repeat is answered with the first answer.
func TestRetriedGeneratePaysOnce(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			p := startProviderFakes(t, providertest.FALOptions{}, providertest.KlingOptions{})
			env := p.env("kling")
			if db == "postgres" {
				u, _ := postgrestest.FreshSchema(t)
				env["SHOOT_DATABASE_URL"] = u
			}
			s := startStudio(t, env)
			refs := s.upload(refPNG(5))
			keyed := map[string]any{"prompt": "linen suit on a rooftop", "inputImages": refs,
				"options": map[string]any{"resolution": "1K"}, "sessionId": "session_1736860000000_idemkey1"}
			st1, b1, _ := postGenerate(t, s.Base, keyed, `"7d1c1b8e-3f51-4b8c-9a55-0d5e3c1f2a10"`)
			after := p.FAL.Submissions("")
			st2, b2, replayed := postGenerate(t, s.Base, keyed, `"7d1c1b8e-3f51-4b8c-9a55-0d5e3c1f2a10"`)
			if st1 != 200 || st2 != 200 || !bytes.Equal(b1, b2) || !replayed {
				t.Fatalf("keyed pair: %d %s / %d (replayed %v) %s", st1, b1, st2, replayed, b2)
			}
			if after != 1 || p.FAL.Submissions("") != 1 {
				t.Fatalf("keyed pair submitted %d then %d provider tasks, want 1", after, p.FAL.Submissions(""))
			}
			plain := map[string]any{"prompt": "linen suit on a rooftop", "inputImages": refs,
				"options": map[string]any{"resolution": "1K"}, "sessionId": "session_1736860000000_idemnone"}
			if st, b, _ := postGenerate(t, s.Base, plain, ""); st != 200 {
				t.Fatalf("unkeyed: %d %s", st, b)
			}
			if st, b, _ := postGenerate(t, s.Base, plain, ""); st != http.StatusConflict {
				t.Fatalf("unkeyed repeat: %d %s, want 409", st, b)
			}
			if n := p.FAL.Submissions(""); n != 2 {
				t.Fatalf("after the unkeyed pair: %d provider tasks, want 2", n)
			}
		})
	}
}

// postGenerate POSTs /api/generate and returns status, body and whether
// the answer was a replay.
func postGenerate(t *testing.T, base string, body map[string]any, key string) (int, []byte, bool) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/api/generate", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header.Get("Idempotent-Replayed") == "true"
}
