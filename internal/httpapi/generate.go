package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 64 << 10

// generation serves the generation routes (listed in routes.go): starting
// and continuing shoots as SSE streams, the session event stream, cancel,
// estimates and presets.
type generation struct {
	srv       *Server
	eng       *pipeline.Engine
	heartbeat time.Duration // keep-alive interval of streams; 0: heartbeatEvery
}

// generateRequest is the body of POST /api/generate(-stream).
type generateRequest struct {
	Prompt      string        `json:"prompt"`
	SessionID   string        `json:"sessionId"`
	InputImages []string      `json:"inputImages"`
	Options     shoot.Options `json:"options"`
}

// start validates and records a new shoot for the request's user (or a
// continuation when the body names an existing session of theirs),
// returning where its stream begins. Another user's session is not found,
// exactly like a missing one.
// startRepeatWindow is how long after a session's creation the same
// creating request is taken for a client's retry rather than a reply.
const startRepeatWindow = 10 * time.Minute

func (p *generation) start(w http.ResponseWriter, r *http.Request) (*shoot.Session, int64, error) {
	u, err := user(r)
	if err != nil {
		return nil, 0, err
	}
	var req generateRequest
	if err := DecodeJSON(w, r, maxJSONBody, &req); err != nil {
		return nil, 0, err
	}
	if req.SessionID != "" {
		if !shoot.ValidSessionID(req.SessionID) {
			return nil, 0, shoot.Errorf(shoot.EINVALID, "sessionId is malformed")
		}
		ss, err := p.srv.store.GetSession(r.Context(), req.SessionID)
		switch {
		case err == nil && !u.CanSee(ss.Owner):
			return nil, 0, store.NotFound("Session")
		case err == nil && req.Prompt == ss.Brief && time.Since(ss.CreatedAt) < startRepeatWindow:
			// The request that created this session, sent again (a client's
			// retry after a timeout): taking it as a reply would pay twice.
			return nil, 0, shoot.Errorf(shoot.ECONFLICT, "session %s was just started with this same request; follow it with GET /api/sessions/%s/events", ss.ID, ss.ID)
		case err == nil:
			return p.continueSession(w, r, u, req.SessionID, req.Prompt)
		case shoot.ErrorCode(err) != shoot.ENOTFOUND:
			return nil, 0, err
		}
	}
	if err := p.srv.checkInputs(r.Context(), u, req.InputImages); err != nil {
		return nil, 0, err
	}
	if err := p.srv.checkUploads(r.Context(), u, "options.frames", req.Options.Frames); err != nil {
		return nil, 0, err
	}
	if a := req.Options.Audio; a != "" {
		if err := p.srv.checkUploads(r.Context(), u, "options.audio", []string{a}); err != nil {
			return nil, 0, err
		}
	}
	done, err := p.srv.beforeRun(r.Context(), w, u)
	if err != nil {
		return nil, 0, err
	}
	defer done() // deferred: a panic in Start must not keep other starts waiting
	s, after, err := p.eng.Start(r.Context(), pipeline.StartRequest{SessionID: req.SessionID, Brief: req.Prompt,
		Inputs: req.InputImages, Options: req.Options, Owner: u.Name})
	if err == nil {
		p.srv.audit(r, AuditSessionCreate, s.ID, req.Prompt)
	}
	return s, after, err
}

// continueSession answers a checkpoint of one of u's sessions, within u's
// limits.
func (p *generation) continueSession(w http.ResponseWriter, r *http.Request, u auth.User, sid, text string) (*shoot.Session, int64, error) {
	done, err := p.srv.beforeRun(r.Context(), w, u)
	if err != nil {
		return nil, 0, err
	}
	defer done()
	s, after, err := p.eng.Continue(r.Context(), sid, text)
	if err == nil {
		p.srv.audit(r, AuditSessionContinue, sid, text)
	}
	return s, after, err
}

func (p *generation) generateStream(w http.ResponseWriter, r *http.Request) error {
	s, after, err := p.start(w, r)
	if err != nil {
		return err
	}
	markSession(r.Context(), s.ID, after)
	streamEvents(r.Context(), w, p.eng.Events(), s.ID, after, p.streamOptions(true))
	return nil
}

func (p *generation) continueStream(w http.ResponseWriter, r *http.Request) error {
	sid, err := sessionIDParam(r)
	if err != nil {
		return err
	}
	u, err := user(r)
	if err != nil {
		return err
	}
	var req struct {
		Prompt string `json:"prompt"`
	}
	if err := DecodeJSON(w, r, maxJSONBody, &req); err != nil {
		return err
	}
	_, after, err := p.continueSession(w, r, u, sid, req.Prompt)
	if err != nil {
		return err
	}
	markSession(r.Context(), sid, after)
	streamEvents(r.Context(), w, p.eng.Events(), sid, after, p.streamOptions(true))
	return nil
}

// generateBlocking runs like generate-stream but answers with one JSON
// document when the exchange ends (a checkpoint, the film, or an error).
func (p *generation) generateBlocking(w http.ResponseWriter, r *http.Request) error {
	s, after, err := p.start(w, r)
	if err != nil {
		return err
	}
	markSession(r.Context(), s.ID, after)
	return p.blockingAnswer(w, r, s.ID, after)
}

// blockingAnswer follows the session's events after `after` to the end of
// the exchange and answers with them as one JSON document. The answer
// depends on the event log alone, so a replay composes the same one.
func (p *generation) blockingAnswer(w http.ResponseWriter, r *http.Request, sid string, after int64) error {
	var text strings.Builder
	var last, checkpoint map[string]any
	var evs []json.RawMessage
	_ = p.eng.Events().Subscribe(r.Context(), sid, after, func(ev shoot.Event) bool {
		var m map[string]any
		_ = json.Unmarshal(ev.Data, &m)
		switch ev.Type {
		case shoot.EventAssistantMessage:
			if c, ok := m["content"].(string); ok {
				text.WriteString(c)
				text.WriteString("\n")
			}
		case shoot.EventCheckpoint:
			checkpoint = m
		case shoot.EventTextDelta:
			return true // the assistant messages carry the same text whole
		}
		evs = append(evs, ev.Data)
		last = m
		return !ev.Terminal()
	})
	if r.Context().Err() != nil {
		return nil
	}
	ok := last != nil && last["type"] == shoot.EventComplete
	resp := map[string]any{"success": ok, "sessionId": sid, "response": strings.TrimSpace(text.String()),
		"checkpoint": checkpoint, "events": evs}
	if ok {
		resp["sessionStats"] = last["sessionStats"]
		resp["awaitingInput"] = last["awaitingInput"]
	} else if last != nil {
		resp["error"] = last["message"]
	}
	return writeJSONStatus(w, http.StatusOK, resp)
}

// replayStream answers a repeated stream request: the same events, read
// again from the session's log, ending where the first stream ended.
func (p *generation) replayStream(w http.ResponseWriter, r *http.Request, k *store.IdemKey) error {
	if _, err := p.srv.store.GetSession(r.Context(), k.SessionID); err != nil {
		return err
	}
	streamEvents(r.Context(), w, p.eng.Events(), k.SessionID, k.AfterSeq, p.streamOptions(true))
	return nil
}

// replayBlocking answers a repeated POST /api/generate whose first answer
// never went out whole (its client left): composed again from the log.
func (p *generation) replayBlocking(w http.ResponseWriter, r *http.Request, k *store.IdemKey) error {
	if _, err := p.srv.store.GetSession(r.Context(), k.SessionID); err != nil {
		return err
	}
	return p.blockingAnswer(w, r, k.SessionID, k.AfterSeq)
}

func (p *generation) events(w http.ResponseWriter, r *http.Request) error {
	sid, err := sessionIDParam(r)
	if err != nil {
		return err
	}
	after, err := lastEventID(r)
	if err != nil {
		return err
	}
	if _, err := p.srv.store.GetSession(r.Context(), sid); err != nil {
		return err
	}
	streamEvents(r.Context(), w, p.eng.Events(), sid, after, p.streamOptions(false))
	return nil
}

func (p *generation) cancel(w http.ResponseWriter, r *http.Request) error {
	sid, err := sessionIDParam(r)
	if err != nil {
		return err
	}
	s, err := p.eng.Cancel(r.Context(), sid)
	if err != nil {
		return err
	}
	p.srv.audit(r, AuditSessionCancel, sid, "")
	return writeJSONStatus(w, http.StatusOK, map[string]any{"success": true, "sessionId": s.ID, "runState": s.RunState})
}

// sessionIDParam reads and checks the {id} path parameter.
func sessionIDParam(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !shoot.ValidSessionID(id) {
		return "", shoot.Errorf(shoot.EINVALID, "malformed session id")
	}
	return id, nil
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
