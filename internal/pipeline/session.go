package pipeline

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// MaxBriefLen bounds a brief or a reply, in characters.
const MaxBriefLen = 4000

// RepeatWindow is how soon the same reply to a session is taken for a
// client's retry of a request that already arrived, and refused (409).
const RepeatWindow = 5 * time.Second

// StartRequest asks for a new shoot.
type StartRequest struct {
	SessionID string // optional; a fresh id when empty
	Brief     string
	Inputs    []string // upload references as the client sent them
	Options   shoot.Options
	Owner     string
}

// Start creates a session, records its references and enqueues the
// director's first turn. It returns the session and the event sequence
// number the caller's stream should start after.
//
// With options.frames the shoot starts from the user's own stills: no
// brief is needed, and the first work is the frames stage.
func (e *Engine) Start(ctx context.Context, req StartRequest) (*shoot.Session, int64, error) {
	own := len(req.Options.Frames) > 0
	if own && strings.TrimSpace(req.Brief) == "" {
		req.Brief = ownFramesBrief
	}
	if err := validateText("prompt", req.Brief); err != nil {
		return nil, 0, err
	}
	if err := e.validateOptions(req.Options); err != nil {
		return nil, 0, err
	}
	uploads, err := e.resolveInputs(ctx, req.Inputs)
	if err != nil {
		return nil, 0, err
	}
	if own {
		if req.Options.Frames, err = e.resolveFrames(ctx, req.Options.Frames); err != nil {
			return nil, 0, err
		}
	}
	if req.Options.Audio != "" {
		if req.Options.Audio, err = e.resolveAudio(ctx, req.Options.Audio); err != nil {
			return nil, 0, err
		}
	}
	id := req.SessionID
	if id == "" {
		id = shoot.NewSessionID(e.now())
	} else if !shoot.ValidSessionID(id) {
		return nil, 0, shoot.Errorf(shoot.EINVALID, "sessionId is malformed")
	}
	s := &shoot.Session{ID: id, Status: shoot.StatusActive, PipelineStage: shoot.StageInit,
		RunState: shoot.RunRunning, Brief: req.Brief, Options: req.Options, Owner: req.Owner}
	m := runMeta{Gen: 1}
	for _, u := range uploads {
		m.Inputs = append(m.Inputs, u.Key)
	}
	writeMeta(s, m)
	if err := e.store.CreateSession(ctx, s); err != nil {
		return nil, 0, err
	}
	if err := e.addInputAssets(ctx, id, uploads); err != nil {
		return nil, 0, err
	}
	e.emit(ctx, id, shoot.EventSessionInit, map[string]any{"sessionId": id})
	e.emit(ctx, id, shoot.EventStatus, map[string]any{"message": "Starting the shoot…"})
	if own {
		return s, 0, e.startWork(ctx, id, shoot.StageFrames, []Work{{Kind: WorkFrames}}, nil)
	}
	if err := e.enqueue(ctx, id, Work{Kind: WorkTurn, SessionID: id, Gen: 1, TurnKind: TurnStart, Text: req.Brief}); err != nil {
		return nil, 0, err
	}
	return s, 0, nil
}

func (e *Engine) addInputAssets(ctx context.Context, sid string, uploads []*shoot.Upload) error {
	for i, u := range uploads {
		a := &shoot.Asset{SessionID: sid, Type: shoot.AssetInput, Index: i + 1, Version: 1,
			FileName: u.OriginalName, Key: u.Key, Size: u.Size, MimeType: u.MimeType}
		if err := e.store.AddAsset(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// resolveInputs maps client references to stored uploads; any reference
// that is not an upload this server issued is EINVALID, before any work.
func (e *Engine) resolveInputs(ctx context.Context, refs []string) ([]*shoot.Upload, error) {
	if len(refs) > 10 {
		return nil, shoot.Errorf(shoot.EINVALID, "inputImages: at most 10 references")
	}
	var out []*shoot.Upload
	seen := map[string]bool{}
	for _, ref := range refs {
		name, err := ParseReference(ref)
		if err != nil {
			return nil, err
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		u, err := e.store.GetUpload(ctx, name)
		if shoot.ErrorCode(err) == shoot.ENOTFOUND {
			return nil, shoot.Errorf(shoot.EINVALID, "inputImages: unknown upload %q", name)
		}
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(u.MimeType, "image/") {
			return nil, shoot.Errorf(shoot.EINVALID, "inputImages: upload %q is not a picture", name)
		}
		out = append(out, u)
	}
	return out, nil
}

// resolveAudio maps options.audio to the key of the audio upload it names.
func (e *Engine) resolveAudio(ctx context.Context, ref string) (string, error) {
	name, err := ParseReference(ref)
	if err != nil {
		return "", shoot.Errorf(shoot.EINVALID, "options.audio: %s", shoot.ErrorMessage(err))
	}
	u, err := e.store.GetUpload(ctx, name)
	if shoot.ErrorCode(err) == shoot.ENOTFOUND {
		return "", shoot.Errorf(shoot.EINVALID, "options.audio: unknown upload %q", name)
	}
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(u.MimeType, "audio/") {
		return "", shoot.Errorf(shoot.EINVALID, "options.audio: upload %q is not audio", name)
	}
	return u.Key, nil
}

func validateText(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return shoot.Errorf(shoot.EINVALID, "%s is required", field)
	}
	if err := shoot.CheckText(field, s); err != nil {
		return err
	}
	if utf8.RuneCountInString(s) > MaxBriefLen {
		return shoot.Errorf(shoot.EINVALID, "%s is longer than %d characters", field, MaxBriefLen)
	}
	return nil
}

// Continue answers the pending checkpoint (or retries a failed stage) with
// the user's reply. A session with a stage running is ECONFLICT.
func (e *Engine) Continue(ctx context.Context, sid, text string) (*shoot.Session, int64, error) {
	if err := validateText("prompt", text); err != nil {
		return nil, 0, err
	}
	interrupted, err := e.interrupted(ctx, sid)
	if err != nil {
		return nil, 0, err
	}
	answering := "" // the checkpoint this reply answers
	if cp, err := e.store.LatestCheckpoint(ctx, sid); err == nil {
		answering = fmt.Sprint(cp.ID)
	}
	var retry *Work
	s, err := e.store.UpdateSession(ctx, sid, func(s *shoot.Session) error {
		m := readMeta(s)
		if s.RunState == shoot.RunRunning {
			if !interrupted {
				return shoot.Errorf(shoot.ECONFLICT, "a stage of this session is already running")
			}
			// Nothing will ever finish this run: start over from its state.
			m.Pending, m.ClipSlots, m.Jobs, m.Reserved, m.Handover = nil, nil, nil, nil, ""
		}
		if !interrupted && m.LastReply == text && m.LastReplyTo == answering && e.now().Sub(m.LastReplyAt) < RepeatWindow {
			return shoot.Errorf(shoot.ECONFLICT, "this reply was received %s ago; send it again after %s if you mean it twice",
				e.now().Sub(m.LastReplyAt).Round(time.Second), RepeatWindow)
		}
		m.LastReply, m.LastReplyAt, m.LastReplyTo = text, e.now(), answering
		if s.RunState == shoot.RunFailed && m.FailedWork != nil && isRetry(text) {
			w := *m.FailedWork
			retry = &w
		}
		m.Gen++
		m.Acted, m.TurnStage, m.TurnItems = false, "", nil
		m.FailedWork = nil
		s.RunState, s.Status, s.ErrorMessage = shoot.RunRunning, shoot.StatusActive, nil
		writeMeta(s, m)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	m := readMeta(s)
	// The reply itself rides along, so every viewer of the log (another tab,
	// a replay) sees what the user said.
	ev, err := e.events.Append(ctx, sid, shoot.EventStatus, map[string]any{"message": "Reading your reply…", "reply": text})
	if err != nil {
		return nil, 0, err
	}
	after := ev.Seq - 1
	if retry != nil {
		return s, after, e.retry(ctx, s, *retry, m.Gen)
	}
	w := Work{Kind: WorkTurn, SessionID: sid, Gen: m.Gen, TurnKind: TurnReply, Text: text}
	return s, after, e.enqueue(ctx, sid, w)
}

// interrupted reports whether a session marked running has no job that can
// still run it: the process died between recording a request and queueing
// its work. Such a session accepts a reply instead of answering 409 forever.
// A run younger than InterruptedAfter is never judged, so a request whose
// enqueue is a moment behind its commit is not mistaken for one.
func (e *Engine) interrupted(ctx context.Context, sid string) (bool, error) {
	s, err := e.store.GetSession(ctx, sid)
	if err != nil {
		return false, err
	}
	if s.RunState != shoot.RunRunning || e.now().Sub(s.UpdatedAt) < e.opts.InterruptedAfter {
		return false, nil
	}
	alive, err := e.queue.Alive(ctx, readMeta(s).Jobs)
	return !alive, err
}

func isRetry(text string) bool {
	t := strings.ToLower(strings.Trim(strings.TrimSpace(text), ".!"))
	switch t {
	case "retry", "try again", "continue", "yes", "go", "resume":
		return true
	}
	return false
}

// retry re-runs failed work under the new generation.
func (e *Engine) retry(ctx context.Context, s *shoot.Session, w Work, gen int) error {
	w.Gen = gen
	stage := stageOf(w.Kind)
	e.emit(ctx, s.ID, shoot.EventStatus, map[string]any{"message": "Retrying the " + stageLabel(stage) + "…"})
	works := []Work{w}
	if w.Kind == WorkClip {
		// Every clip that is missing or out of date, not only the one that failed.
		more, err := e.defaultWorks(ctx, s.ID, shoot.StageClips)
		if err != nil {
			return err
		}
		if len(more) > 0 {
			works = more
		}
	}
	return e.startWork(ctx, s.ID, stage, works, nil)
}

// Cancel stops a session's running jobs and provider tasks. Artifacts made
// so far are kept; the session can be continued later.
func (e *Engine) Cancel(ctx context.Context, sid string) (*shoot.Session, error) {
	var jobs []int64
	var m runMeta
	s, err := e.store.UpdateSession(ctx, sid, func(s *shoot.Session) error {
		m = readMeta(s)
		jobs = m.Jobs
		cur := m
		cur.Gen++
		cur.TurnStage, cur.TurnItems = "", nil
		cur.Pending, cur.ClipSlots, cur.Jobs, cur.Reserved = nil, nil, nil, nil
		if s.RunState == shoot.RunRunning {
			s.RunState = shoot.RunCancelled
		}
		writeMeta(s, cur)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := e.queue.Cancel(ctx, jobs); err != nil {
		e.logger.Warn("cancelling jobs failed", "session_id", sid, "err", err)
	}
	e.cancelTasks(ctx, sid, m.Tasks)
	e.emit(ctx, sid, shoot.EventStatus, map[string]any{"message": "Cancelled. Everything made so far is kept."})
	e.emitComplete(ctx, s, map[string]any{"cancelled": true})
	return s, nil
}
