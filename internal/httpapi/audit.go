package httpapi

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// Audit actions.
const (
	AuditSessionCreate   = "session.create"
	AuditSessionContinue = "session.continue"
	AuditSessionCancel   = "session.cancel"
	AuditSessionDelete   = "session.delete"
)

// maxAuditDetail bounds the free text kept with an audit entry (a brief or
// a reply), in characters.
const maxAuditDetail = 200

// audit records that the request's user did action to target. The action
// has happened by now, so a failure to record it is logged, not returned.
func (s *Server) audit(r *http.Request, action, target, detail string) {
	if s.authStore == nil {
		return
	}
	u, ok := auth.UserFrom(r.Context())
	if !ok {
		return
	}
	e := &store.AuditEntry{Actor: u.Name, Action: action, Target: target, Detail: shorten(detail, maxAuditDetail),
		RequestID: RequestID(r.Context())}
	if err := s.authStore.AppendAudit(r.Context(), e); err != nil {
		s.logger.Warn("audit entry not recorded", "action", action, "target", target, "err", err)
	}
}

// shorten cuts s to at most n characters.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// listAudit answers GET /api/audit for administrators: the newest entries
// first, filtered by ?actor= and ?target= (a session id), paged with
// ?before=<id>&limit=N. To anyone else the route does not exist.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	u, err := user(r)
	if err != nil {
		return err
	}
	if !u.Admin || s.authStore == nil {
		return shoot.Errorf(shoot.ENOTFOUND, "Not found")
	}
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Target: q.Get("target")}
	if f.Limit, err = queryInt(q.Get("limit"), "limit"); err != nil {
		return err
	}
	before, err := queryInt(q.Get("before"), "before")
	if err != nil {
		return err
	}
	f.BeforeID = int64(before)
	entries, err := s.authStore.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "count": len(entries), "entries": entries})
	return nil
}

// queryInt parses an optional non-negative whole-number query parameter.
func queryInt(raw, name string) (int, error) {
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, shoot.Errorf(shoot.EINVALID, "%s must be a whole number", name)
	}
	return n, nil
}
