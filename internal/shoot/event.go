package shoot

import (
	"encoding/json"
	"time"

	"github.com/fashionshoot/shoot/client"
)

// EventType is the type of a session event. Its values are the Event*
// constants: exactly the studio's SSE protocol (see the README's event
// protocol).
type EventType string

// Event types: the API's own (client.Event*), named here for the server.
const (
	EventSessionInit      = client.EventSessionInit
	EventStatus           = client.EventStatus
	EventTextDelta        = client.EventTextDelta
	EventMessageTypeHint  = client.EventMessageTypeHint
	EventAssistantMessage = client.EventAssistantMessage
	EventSystem           = client.EventSystem
	EventCheckpoint       = client.EventCheckpoint
	EventComplete         = client.EventComplete
	EventError            = client.EventError
)

// Valid reports whether t is one of the event types.
func (t EventType) Valid() bool {
	return oneOf(t, EventSessionInit, EventStatus, EventTextDelta, EventMessageTypeHint, EventAssistantMessage,
		EventSystem, EventCheckpoint, EventComplete, EventError)
}

// System event subtypes.
const (
	SubtypeToolCall   = "tool_call"
	SubtypeToolResult = "tool_result"
	SubtypeProgress   = "progress"
)

// Event is one entry of a session's event log. Seq numbers a session's
// events from 1 without gaps; it is the SSE id. Data is the JSON object sent
// to clients, always holding a "type" field equal to Type.
type Event struct {
	SessionID string          `json:"sessionId"`
	Seq       int64           `json:"seq"`
	Type      string          `json:"type"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"createdAt"`
}

// Terminal reports whether a stream ends after this event.
func (e Event) Terminal() bool { return e.Type == EventComplete || e.Type == EventError }

// Role says who wrote a message of the director's conversation: RoleUser
// or RoleAssistant.
type Role string

// Message roles.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Valid reports whether r is one of the message roles.
func (r Role) Valid() bool { return r == RoleUser || r == RoleAssistant }

// Message is one entry of the director's conversation with the model, kept so
// a session continues with its whole context after a restart.
type Message struct {
	ID        int64           `json:"id"`
	SessionID string          `json:"sessionId"`
	Role      string          `json:"role"`    // RoleUser or RoleAssistant
	Content   json.RawMessage `json:"content"` // the API's content blocks, verbatim
	CreatedAt time.Time       `json:"createdAt"`
}

// Cost is one paid call recorded in the cost ledger.
type Cost struct {
	ID        int64     `json:"id"`
	SessionID string    `json:"sessionId"`
	Provider  string    `json:"provider"` // fal, kling, anthropic, studio
	Model     string    `json:"model"`
	Units     float64   `json:"units"`
	Unit      string    `json:"unit"` // image, second, token
	USD       float64   `json:"usd"`
	Ref       string    `json:"ref,omitempty"` // e.g. the idempotency key of the call
	CreatedAt time.Time `json:"createdAt"`
}

// ProviderTask is a remote job (FAL request, Kling task) recorded before
// polling starts, so a restarted worker re-attaches instead of paying twice.
type ProviderTask struct {
	Key       string    `json:"key"` // idempotency key: session, artifact, inputs version
	SessionID string    `json:"sessionId"`
	Provider  string    `json:"provider"`
	Handle    string    `json:"handle"` // provider's opaque handle (ids, URLs)
	State     string    `json:"state"`  // one of the Task* states
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// TaskState is where a provider task stands. The constants below are its
// values, untyped like the other enums' so the stored string field takes
// them as they are.
type TaskState string

// Provider task states.
const (
	TaskSubmitted = "submitted" // sent; the provider has not said it ended
	TaskDone      = "done"      // ended with a result
	TaskFailed    = "failed"    // ended without one
	TaskCancelled = "cancelled" // the shoot stopped waiting for it
)

// Valid reports whether s is one of the provider task states.
func (s TaskState) Valid() bool {
	return oneOf(s, TaskSubmitted, TaskDone, TaskFailed, TaskCancelled)
}

// CallbackOutcome is what a provider's callback said about its task. The
// constants below are its values, untyped like the other enums' so the
// stored string field takes them as they are.
type CallbackOutcome string

// Callback outcomes.
const (
	CallbackDone   = "done"
	CallbackFailed = "failed"
)

// Valid reports whether o is one of the callback outcomes.
func (o CallbackOutcome) Valid() bool { return o == CallbackDone || o == CallbackFailed }

// ProviderCallback is a provider task whose end the provider announces by
// calling the studio back (a FAL webhook, a Kling callback_url). It is
// recorded before the task is submitted; the callback only marks it, and
// the worker waiting on the task then fetches and records the result, so
// a callback and a poll that both see the end record it once.
type ProviderCallback struct {
	TaskKey   string `json:"taskKey"` // the ProviderTask's key
	SessionID string `json:"sessionId"`
	Provider  string `json:"provider"`
	// RemoteID is the provider's id of the task (FAL request_id, Kling
	// task_id), known once the submission is answered.
	RemoteID string `json:"remoteId"`
	// Token is the secret in the callback URL, for providers that do not
	// sign their callbacks; "" for those that do.
	Token string `json:"-"`
	// JobID is the queue job to wake when the callback lands while the
	// job sleeps (snoozed); 0 when it is not snoozed.
	JobID int64 `json:"jobId,omitempty"`
	// Outcome is "" until a callback reported the end: CallbackDone or
	// CallbackFailed.
	Outcome   string    `json:"outcome"`
	ArrivedAt time.Time `json:"arrivedAt"`
	CreatedAt time.Time `json:"createdAt"`
}
