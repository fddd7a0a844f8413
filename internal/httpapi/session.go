package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/blobstore"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// sessionSummary is one row of the session list plus what the
// studio adds: the run state and the brief. It is the very type the Go
// client decodes.
type sessionSummary = client.SessionSummary

type sessionListResponse struct {
	Success  bool             `json:"success"`
	Count    int              `json:"count"`
	Sessions []sessionSummary `json:"sessions"`
}

// listSessions answers GET /api/sessions?limit=N: the caller's own sessions,
// newest first, N from 1 to 200 (larger values are capped), 50 by default.
// An administrator adds ?all=1 to list everyone's; without access control
// the one local user sees every session, including those `shoot run` made.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	u, err := user(r)
	if err != nil {
		return err
	}
	limit, err := parseLimit(r.URL.Query().Get("limit"))
	if err != nil {
		return err
	}
	owner := u.Name
	if u.Via == auth.ViaLocal || (u.Admin && r.URL.Query().Get("all") == "1") {
		owner = ""
	}
	sessions, err := s.store.ListSessions(r.Context(), store.SessionFilter{Owner: owner, Limit: limit})
	if err != nil {
		return err
	}
	resp := sessionListResponse{Success: true, Count: len(sessions), Sessions: make([]sessionSummary, 0, len(sessions))}
	for _, ss := range sessions {
		resp.Sessions = append(resp.Sessions, sessionSummary{
			ID: ss.ID, CreatedAt: ss.CreatedAt, UpdatedAt: ss.UpdatedAt, Status: ss.Status,
			PipelineStage: ss.PipelineStage, TotalCostUSD: ss.TotalCostUSD, TotalTurns: ss.TotalTurns,
			RunState: ss.RunState, Brief: ss.Brief,
		})
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func parseLimit(raw string) (int, error) {
	if raw == "" {
		return store.DefaultSessionLimit, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, shoot.Errorf(shoot.EINVALID, "limit must be a whole number from 1 to %d", store.MaxSessionLimit)
	}
	return min(n, store.MaxSessionLimit), nil
}

// SessionID returns the {id} path value of r, or EINVALID when it is not a
// well-formed session id.
func SessionID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !shoot.ValidSessionID(id) {
		return "", shoot.Errorf(shoot.EINVALID, "Invalid session id")
	}
	return id, nil
}

// session reads the session named by the request path, if the caller may
// see it; another user's session is not found, like a missing one.
func (s *Server) session(r *http.Request) (*shoot.Session, error) {
	id, err := SessionID(r)
	if err != nil {
		return nil, err
	}
	ss, err := s.store.GetSession(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if u, ok := auth.UserFrom(r.Context()); !ok || !u.CanSee(ss.Owner) {
		return nil, store.NotFound("Session")
	}
	return ss, nil
}

// getSession answers GET /api/sessions/{id} with the whole row.
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.session(r)
	if err != nil {
		return err
	}
	if len(ss.Metadata) == 0 {
		ss.Metadata = json.RawMessage("{}")
	}
	ss.Owner = ""
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "session": ss})
	return nil
}

// pipelineCheckpoint is the latest checkpoint as the pipeline answer shows
// it, and pipelineStatus that answer: the very types the Go client decodes,
// so the two cannot drift.
type (
	pipelineCheckpoint = client.Checkpoint
	pipelineStatus     = client.Pipeline
)

// getPipeline answers GET /api/sessions/{id}/pipeline: stage, status and
// the latest checkpoint or null.
func (s *Server) getPipeline(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.session(r)
	if err != nil {
		return err
	}
	p := pipelineStatus{Stage: ss.PipelineStage, Status: ss.Status, RunState: ss.RunState}
	cp, err := s.store.LatestCheckpoint(r.Context(), ss.ID)
	switch {
	case err == nil:
		p.Checkpoint = &pipelineCheckpoint{
			ID: cp.ID, Stage: cp.Stage, Status: cp.Status, ArtifactKeys: cp.ArtifactKeys, Message: cp.Message,
			UserResponse: cp.UserResponse, CreatedAt: cp.CreatedAt, ResolvedAt: cp.ResolvedAt,
		}
		if p.Checkpoint.ArtifactKeys == nil {
			p.Checkpoint.ArtifactKeys = []string{}
		}
	case shoot.ErrorCode(err) != shoot.ENOTFOUND:
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "sessionId": ss.ID, "pipeline": p})
	return nil
}

// deleteSession answers DELETE /api/sessions/{id}: it removes the rows,
// then every blob under outputs/<id>/. Uploads are shared and stay.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.session(r)
	if err != nil {
		return err
	}
	if s.stopSession != nil {
		if err := s.stopSession(r.Context(), ss.ID); err != nil {
			return err
		}
	}
	if err := s.store.DeleteSession(r.Context(), ss.ID); err != nil {
		return err
	}
	s.audit(r, AuditSessionDelete, ss.ID, "")
	n, err := blobstore.DeletePrefix(r.Context(), s.bucket, "outputs/"+ss.ID+"/")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "sessionId": ss.ID, "deletedFiles": n})
	return nil
}
