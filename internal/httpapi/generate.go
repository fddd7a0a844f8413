package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 64 << 10

// Pipeline serves the generation routes: starting and continuing shoots as
// SSE streams, the session event stream, cancel, estimates and presets.
type Pipeline struct {
	srv       *Server
	eng       *pipeline.Engine
	heartbeat time.Duration // see SetHeartbeat
}

// RegisterPipeline adds the generation routes to s.
func RegisterPipeline(s *Server, eng *pipeline.Engine) *Pipeline {
	p := &Pipeline{srv: s, eng: eng}
	for _, rt := range []Route{
		{"POST /api/generate-stream", p.generateStream},
		{"POST /api/generate", p.generateBlocking},
		{"POST /api/sessions/{id}/continue-stream", p.continueStream},
		{"GET /api/sessions/{id}/events", p.events},
		{"POST /api/sessions/{id}/cancel", p.cancel},
		{"GET /api/estimate", p.estimate},
		{"GET /api/presets", p.presets},
		{"GET /api/easings", p.easings},
	} {
		s.Handle(rt.Pattern, rt.Handler)
	}
	return p
}

// generateRequest is the body of POST /api/generate(-stream).
type generateRequest struct {
	Prompt      string        `json:"prompt"`
	SessionID   string        `json:"sessionId"`
	InputImages []string      `json:"inputImages"`
	Options     shoot.Options `json:"options"`
}

// decodeStrict reads a JSON body: bounded size, unknown fields and wrong
// types rejected with a message naming the field.
func decodeStrict(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return shoot.Errorf(shoot.EINVALID, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxJSONBody+1))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
		if dec.More() {
			return shoot.Errorf(shoot.EINVALID, "the body must be one JSON object")
		}
		return nil
	case errors.Is(err, io.EOF):
		return shoot.Errorf(shoot.EINVALID, "the body must be a JSON object")
	case errors.As(err, &typeErr):
		return shoot.Errorf(shoot.EINVALID, "field %q must be %s", typeErr.Field, typeErr.Type.String())
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		if dec.InputOffset() > maxJSONBody {
			return shoot.Errorf(shoot.ETOOLARGE, "the body is larger than %d bytes", maxJSONBody)
		}
		return shoot.Errorf(shoot.EINVALID, "the body is not valid JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return shoot.Errorf(shoot.EINVALID, "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return shoot.Errorf(shoot.EINVALID, "the body is not valid JSON")
}

// start validates and records a new shoot (or a continuation when the body
// names an existing session), returning where its stream begins.
func (p *Pipeline) start(r *http.Request) (*shoot.Session, int64, error) {
	var req generateRequest
	if err := decodeStrict(r, &req); err != nil {
		return nil, 0, err
	}
	if req.SessionID != "" {
		if !shoot.ValidSessionID(req.SessionID) {
			return nil, 0, shoot.Errorf(shoot.EINVALID, "sessionId is malformed")
		}
		if _, err := p.srv.store.GetSession(r.Context(), req.SessionID); err == nil {
			return p.eng.Continue(r.Context(), req.SessionID, req.Prompt)
		}
	}
	return p.eng.Start(r.Context(), pipeline.StartRequest{SessionID: req.SessionID, Brief: req.Prompt,
		Inputs: req.InputImages, Options: req.Options})
}

func (p *Pipeline) generateStream(w http.ResponseWriter, r *http.Request) error {
	s, after, err := p.start(r)
	if err != nil {
		return err
	}
	streamEvents(r.Context(), w, p.eng.Events(), s.ID, after, p.streamOptions(true))
	return nil
}

func (p *Pipeline) continueStream(w http.ResponseWriter, r *http.Request) error {
	sid, err := sessionIDParam(r)
	if err != nil {
		return err
	}
	var req struct {
		Prompt string `json:"prompt"`
	}
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	_, after, err := p.eng.Continue(r.Context(), sid, req.Prompt)
	if err != nil {
		return err
	}
	streamEvents(r.Context(), w, p.eng.Events(), sid, after, p.streamOptions(true))
	return nil
}

// generateBlocking runs like generate-stream but answers with one JSON
// document when the exchange ends (a checkpoint, the film, or an error).
func (p *Pipeline) generateBlocking(w http.ResponseWriter, r *http.Request) error {
	s, after, err := p.start(r)
	if err != nil {
		return err
	}
	var text strings.Builder
	var last, checkpoint map[string]any
	var evs []json.RawMessage
	_ = p.eng.Events().Subscribe(r.Context(), s.ID, after, func(ev shoot.Event) bool {
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
	resp := map[string]any{"success": ok, "sessionId": s.ID, "response": strings.TrimSpace(text.String()),
		"checkpoint": checkpoint, "events": evs}
	if ok {
		resp["sessionStats"] = last["sessionStats"]
		resp["awaitingInput"] = last["awaitingInput"]
	} else if last != nil {
		resp["error"] = last["message"]
	}
	return writeJSONStatus(w, http.StatusOK, resp)
}

func (p *Pipeline) events(w http.ResponseWriter, r *http.Request) error {
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

func (p *Pipeline) cancel(w http.ResponseWriter, r *http.Request) error {
	sid, err := sessionIDParam(r)
	if err != nil {
		return err
	}
	s, err := p.eng.Cancel(r.Context(), sid)
	if err != nil {
		return err
	}
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
