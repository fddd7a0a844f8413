package main

import (
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
)

// TestControlCharactersRefusedOnEveryDatabase sends text fields with
// control characters to a studio on SQLite and on PostgreSQL: each is a
// 400 naming the field, the same on both, and nothing is stored — no
// session for a refused brief, no reply in the log for a refused reply.
func TestControlCharactersRefusedOnEveryDatabase(t *testing.T) {
	t.Parallel()
	dbs := map[string]func(t *testing.T) map[string]string{
		"sqlite": func(*testing.T) map[string]string { return nil },
		"postgres": func(t *testing.T) map[string]string {
			u, _ := postgrestest.FreshSchema(t)
			return map[string]string{"SHOOT_DATABASE_URL": u}
		},
	}
	for name, env := range dbs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := startStudio(t, env(t))
			sid, _ := s.beginShoot(2, "linen suit, warm concrete", fastShoot(nil))
			ref := s.upload(refPNG(3))
			cases := []struct {
				path  string
				body  map[string]any
				field string
			}{
				{"/api/generate-stream", map[string]any{"prompt": "linen\x00suit", "inputImages": ref}, "prompt"},
				{"/api/generate", map[string]any{"prompt": "linen suit\x1b[2J", "inputImages": ref}, "prompt"},
				{"/api/generate-stream", map[string]any{"prompt": "linen suit", "options": map[string]any{"pose": "edgy\x07"}}, "options.pose"},
				{"/api/sessions/" + sid + "/continue-stream", map[string]any{"prompt": "warmer\x00 please"}, "prompt"},
				{"/api/sessions/" + sid + "/continue-stream", map[string]any{"prompt": "lone\rreturn"}, "prompt"},
			}
			before := s.sessionCount()
			for _, c := range cases {
				status, body := s.postJSON(c.path, c.body)
				msg, _ := body["error"].(string)
				if status != 400 || body["success"] != false || !strings.Contains(msg, c.field) || !strings.Contains(msg, "control character") {
					t.Errorf("POST %s %q: %d %v, want 400 naming %s", c.path, c.body["prompt"], status, body, c.field)
				}
			}
			if after := s.sessionCount(); after != before {
				t.Errorf("%d sessions after the refusals, %d before", after, before)
			}
			// The session still takes a good reply: nothing was left half-done.
			wantCheckpoint(t, s.answer(sid, "continue"), "contact-sheet")
		})
	}
}

// sessionCount is the number of sessions GET /api/sessions lists.
func (s *liveStudio) sessionCount() int {
	s.t.Helper()
	_, body := s.fetchJSON("/api/sessions?limit=200")
	n, _ := body["count"].(float64)
	return int(n)
}
