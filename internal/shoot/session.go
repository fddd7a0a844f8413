package shoot

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// SessionStatus is a session's status column. Its values are the constants
// below: the values the database's CHECK constraint allows.
type SessionStatus string

// Session status values.
const (
	StatusActive    = "active"
	StatusCompleted = "completed"
	StatusError     = "error"
	StatusExpired   = "expired"
)

// Valid reports whether s is one of the session status values.
func (s SessionStatus) Valid() bool {
	return oneOf(s, StatusActive, StatusCompleted, StatusError, StatusExpired)
}

// RunState says what the engine is doing for a session right now. The
// status column cannot say "waiting for the user" or "cancelled", so this
// is a column of its own; its values are the Run* constants.
type RunState string

// Run states.
const (
	RunIdle      = "idle"      // created, nothing started
	RunRunning   = "running"   // a stage job is queued or working
	RunAwaiting  = "awaiting"  // paused at a checkpoint for the user
	RunCancelled = "cancelled" // the user stopped it; artifacts kept
	RunDone      = "done"      // the film exists
	RunFailed    = "failed"    // a permanent error; a retry is possible
)

// Valid reports whether r is one of the run states.
func (r RunState) Valid() bool {
	return oneOf(r, RunIdle, RunRunning, RunAwaiting, RunCancelled, RunDone, RunFailed)
}

// Session is one shoot: references, brief, options, and where the pipeline is.
type Session struct {
	ID            string          `json:"id"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
	Status        string          `json:"status"`
	PipelineStage string          `json:"pipeline_stage"`
	SDKSessionID  string          `json:"sdk_session_id,omitempty"`
	TotalCostUSD  float64         `json:"total_cost_usd"`
	TotalTurns    int             `json:"total_turns"`
	ErrorMessage  *string         `json:"error_message"`
	Metadata      json.RawMessage `json:"metadata"`
	// Owner is the user id that owns the session ("" before auth exists).
	Owner string `json:"owner,omitempty"`
	// RunState is one of the Run* constants.
	RunState string `json:"run_state"`
	// Brief is the user's one-line direction.
	Brief string `json:"brief,omitempty"`
	// Options are the shoot's parameters.
	Options Options `json:"options"`
}

var sessionIDRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

// ValidSessionID reports whether id is a well-formed session id: 1–128
// characters of letters, digits, '_' and '-', starting with a letter or digit.
func ValidSessionID(id string) bool { return sessionIDRe.MatchString(id) }

// NewSessionID returns a fresh id of the form session_<epochms>_<rand>.
func NewSessionID(now time.Time) string {
	return fmt.Sprintf("session_%d_%s", now.UnixMilli(), RandomToken(8))
}

// RandomToken returns n random characters from [a-z0-9].
func RandomToken(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
