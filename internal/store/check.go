package store

import (
	"encoding/json"
	"math"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Limits of the list methods. Both dialects apply them the same way, so the
// conformance suite can hold them to it.
const (
	// DefaultSessionLimit is what ListSessions returns at most when the
	// filter's Limit is 0.
	DefaultSessionLimit = 50
	// MaxSessionLimit caps ListSessions.
	MaxSessionLimit = 200
	// DefaultEventLimit is what EventsAfter returns at most when limit <= 0.
	DefaultEventLimit = 1000
	// MaxEventLimit caps EventsAfter.
	MaxEventLimit = 10000
)

// The checks below hold each enum field to the Valid method of its type in
// internal/shoot (the values of the schema's CHECK constraints), so bad
// input becomes a clear EINVALID before it reaches the database, whose
// constraint errors differ by dialect.

// Now returns the current time as the stores keep it: UTC, truncated to the
// microsecond that PostgreSQL stores, so a value read back equals the value
// written on both dialects.
func Now() time.Time { return Normalize(time.Now()) }

// Normalize returns t in UTC truncated to microseconds (see Now).
func Normalize(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// stamp sets a zero *t to Now and normalizes it: the creation time of a
// row a caller may leave to the store.
func stamp(t *time.Time) {
	if t.IsZero() {
		*t = Now()
	}
	*t = Normalize(*t)
}

// SessionLimit turns a SessionFilter.Limit into the row count to fetch:
// 0 means DefaultSessionLimit, larger values are capped at MaxSessionLimit.
func SessionLimit(n int) (int, error) {
	switch {
	case n < 0:
		return 0, shoot.Errorf(shoot.EINVALID, "limit must not be negative")
	case n == 0:
		return DefaultSessionLimit, nil
	}
	return min(n, MaxSessionLimit), nil
}

// EventLimit turns an EventsAfter limit into the row count to fetch: zero or
// negative means DefaultEventLimit, larger values are capped at MaxEventLimit.
func EventLimit(n int) int {
	if n <= 0 {
		return DefaultEventLimit
	}
	return min(n, MaxEventLimit)
}

// PrepareSession fills the defaults of a new session (status, stage, run
// state, times) and checks its fields.
func PrepareSession(s *shoot.Session) error {
	if s.Status == "" {
		s.Status = shoot.StatusActive
	}
	if s.PipelineStage == "" {
		s.PipelineStage = shoot.StageInit
	}
	if s.RunState == "" {
		s.RunState = shoot.RunIdle
	}
	stamp(&s.CreatedAt)
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = s.CreatedAt
	}
	s.UpdatedAt = Normalize(s.UpdatedAt)
	return CheckSession(s)
}

// CheckSession checks the fields of a session against the schema's rules.
func CheckSession(s *shoot.Session) error {
	switch {
	case !shoot.ValidSessionID(s.ID):
		return shoot.Errorf(shoot.EINVALID, "invalid session id")
	case !shoot.SessionStatus(s.Status).Valid():
		return shoot.Errorf(shoot.EINVALID, "invalid session status %q", s.Status)
	case !shoot.Stage(s.PipelineStage).Valid():
		return shoot.Errorf(shoot.EINVALID, "invalid pipeline stage %q", s.PipelineStage)
	case !shoot.RunState(s.RunState).Valid():
		return shoot.Errorf(shoot.EINVALID, "invalid run state %q", s.RunState)
	case !finite(s.TotalCostUSD) || s.TotalCostUSD < 0:
		return shoot.Errorf(shoot.EINVALID, "total cost must be a non-negative number")
	case s.TotalTurns < 0:
		return shoot.Errorf(shoot.EINVALID, "total turns must not be negative")
	}
	return checkJSON("session metadata", s.Metadata)
}

// CheckUpload checks an upload row and fills its creation time.
func CheckUpload(u *shoot.Upload) error {
	switch {
	case !shoot.ValidUploadFilename(u.Filename):
		return shoot.Errorf(shoot.EINVALID, "invalid upload filename")
	case u.Key != "uploads/"+u.Filename:
		return shoot.Errorf(shoot.EINVALID, "upload key must be uploads/<filename>")
	case u.Size < 0 || u.Width < 0 || u.Height < 0:
		return shoot.Errorf(shoot.EINVALID, "upload size and dimensions must not be negative")
	case u.MimeType == "":
		return shoot.Errorf(shoot.EINVALID, "upload mime type is required")
	}
	stamp(&u.CreatedAt)
	return nil
}

// CheckAsset checks an asset row and fills its creation time.
func CheckAsset(a *shoot.Asset) error {
	switch {
	case !shoot.ValidSessionID(a.SessionID):
		return NotFound("Session")
	case !shoot.AssetType(a.Type).Valid():
		return shoot.Errorf(shoot.EINVALID, "invalid asset type %q", a.Type)
	case a.Index < 0 || a.Version < 0 || a.Size < 0:
		return shoot.Errorf(shoot.EINVALID, "asset index, version and size must not be negative")
	case a.Key == "" || a.FileName == "":
		return shoot.Errorf(shoot.EINVALID, "asset key and file name are required")
	}
	stamp(&a.CreatedAt)
	return checkJSON("asset metadata", a.Metadata)
}

// CheckAssetRefs checks the refs given to SetAssetsStale.
func CheckAssetRefs(refs []AssetRef) error {
	for _, r := range refs {
		if !shoot.AssetType(r.Type).Valid() || r.Index < 0 {
			return shoot.Errorf(shoot.EINVALID, "invalid asset ref %s/%d", r.Type, r.Index)
		}
	}
	return nil
}

// PrepareCheckpoint fills the defaults of a new checkpoint and checks it.
func PrepareCheckpoint(c *shoot.Checkpoint) error {
	if c.Status == "" {
		c.Status = shoot.CheckpointPending
	}
	if c.ArtifactKeys == nil {
		c.ArtifactKeys = []string{}
	}
	stamp(&c.CreatedAt)
	if c.ResolvedAt != nil {
		t := Normalize(*c.ResolvedAt)
		c.ResolvedAt = &t
	}
	switch {
	case !shoot.ValidSessionID(c.SessionID):
		return NotFound("Session")
	case !shoot.Stage(c.Stage).HoldsCheckpoint():
		return shoot.Errorf(shoot.EINVALID, "invalid checkpoint stage %q", c.Stage)
	case !shoot.CheckpointStatus(c.Status).Valid():
		return shoot.Errorf(shoot.EINVALID, "invalid checkpoint status %q", c.Status)
	}
	return nil
}

// CheckResolution checks the status given to ResolveCheckpoint: a decision,
// never "pending".
func CheckResolution(status string) error {
	if !shoot.CheckpointStatus(status).Resolved() {
		return shoot.Errorf(shoot.EINVALID, "checkpoint can only be resolved as approved, rejected or modified")
	}
	return nil
}

// CheckEvent checks the arguments of AppendEvent. Data must be a JSON object
// because it is sent to SSE clients as is.
func CheckEvent(sessionID, typ string, data []byte) error {
	switch {
	case !shoot.ValidSessionID(sessionID):
		return NotFound("Session")
	case typ == "" || len(typ) > 64:
		return shoot.Errorf(shoot.EINVALID, "event type must be 1 to 64 characters")
	case !json.Valid(data) || !strings.HasPrefix(strings.TrimSpace(string(data)), "{"):
		return shoot.Errorf(shoot.EINVALID, "event data must be a JSON object")
	}
	return nil
}

// CheckMessage checks a conversation entry and fills its creation time.
func CheckMessage(m *shoot.Message) error {
	switch {
	case !shoot.ValidSessionID(m.SessionID):
		return NotFound("Session")
	case !shoot.Role(m.Role).Valid():
		return shoot.Errorf(shoot.EINVALID, "message role must be user or assistant")
	case len(m.Content) == 0 || !json.Valid(m.Content):
		return shoot.Errorf(shoot.EINVALID, "message content must be JSON")
	}
	stamp(&m.CreatedAt)
	return nil
}

// CheckProviderTask checks a provider task. SessionID may be empty (a task
// outside any session, e.g. from `shoot frames`).
func CheckProviderTask(t *shoot.ProviderTask) error {
	switch {
	case t.Key == "" || len(t.Key) > 512:
		return shoot.Errorf(shoot.EINVALID, "provider task key must be 1 to 512 characters")
	case t.SessionID != "" && !shoot.ValidSessionID(t.SessionID):
		return NotFound("Session")
	case t.Provider == "":
		return shoot.Errorf(shoot.EINVALID, "provider task needs a provider")
	case !shoot.TaskState(t.State).Valid():
		return shoot.Errorf(shoot.EINVALID, "provider task state must be submitted, done, failed or cancelled, not %q", t.State)
	}
	return nil
}

// CheckCost checks a cost entry and fills its creation time.
func CheckCost(c *shoot.Cost) error {
	switch {
	case !shoot.ValidSessionID(c.SessionID):
		return NotFound("Session")
	case c.Provider == "":
		return shoot.Errorf(shoot.EINVALID, "cost provider is required")
	case !finite(c.USD) || c.USD < 0 || !finite(c.Units) || c.Units < 0:
		return shoot.Errorf(shoot.EINVALID, "cost amounts must be non-negative numbers")
	}
	stamp(&c.CreatedAt)
	return nil
}

// NotFound returns the ENOTFOUND error for a missing thing, e.g. "Session".
func NotFound(what string) error {
	return shoot.Errorf(shoot.ENOTFOUND, "%s not found.", what)
}

func checkJSON(what string, raw json.RawMessage) error {
	if len(raw) > 0 && !json.Valid(raw) {
		return shoot.Errorf(shoot.EINVALID, "%s must be valid JSON", what)
	}
	return nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// LatencyWeight is the weight of the newest observation in a provider
// latency's running mean.
const LatencyWeight = 0.3

// CheckLatency checks a provider latency observation.
func CheckLatency(class string, d time.Duration) error {
	switch {
	case class == "" || len(class) > 512:
		return shoot.Errorf(shoot.EINVALID, "a latency class must be 1 to 512 characters")
	case d <= 0 || d > 24*time.Hour:
		return shoot.Errorf(shoot.EINVALID, "a provider latency must be between 0 and 24 h, got %s", d)
	}
	return nil
}

// CheckCallback checks a provider callback row before it is stored.
func CheckCallback(c *shoot.ProviderCallback) error {
	switch {
	case c.TaskKey == "" || len(c.TaskKey) > 512:
		return shoot.Errorf(shoot.EINVALID, "provider callback task key must be 1 to 512 characters")
	case c.SessionID != "" && !shoot.ValidSessionID(c.SessionID):
		return NotFound("Session")
	case c.Provider == "":
		return shoot.Errorf(shoot.EINVALID, "provider callback needs a provider")
	case len(c.RemoteID) > 512 || len(c.Token) > 512:
		return shoot.Errorf(shoot.EINVALID, "provider callback ids are at most 512 characters")
	}
	return nil
}

// CheckOutcome checks a callback outcome.
func CheckOutcome(outcome string) error {
	if !shoot.CallbackOutcome(outcome).Valid() {
		return shoot.Errorf(shoot.EINVALID, "a callback outcome is %q or %q", shoot.CallbackDone, shoot.CallbackFailed)
	}
	return nil
}
