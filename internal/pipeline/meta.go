package pipeline

import (
	"encoding/json"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// runMeta is the engine's state of a session, kept in sessions.metadata so
// that it changes in the same transaction as the session row.
type runMeta struct {
	// Gen numbers requests; work from an older Gen is ignored.
	Gen int `json:"gen"`
	// Stage is the stage being worked on (or last worked on).
	Stage string `json:"stage,omitempty"`
	// Pending are the work items of the current stage run not yet done.
	Pending map[string]bool `json:"pending,omitempty"`
	// ClipSlots are the clip numbers holding a provider slot right now.
	ClipSlots []int `json:"clipSlots,omitempty"`
	// Jobs are the queue ids of the current run, for cancelling.
	Jobs []int64 `json:"jobs,omitempty"`
	// StartedAt is when the current stage run began.
	StartedAt time.Time `json:"startedAt,omitempty"`
	// Handover is the work item that finished the current stage run while
	// the stage's hand-over (checkpoint, then the next stage or the
	// director's turn) is not yet complete; a retry of that item's job
	// completes it. Cleared when the next run starts or the turn is queued.
	Handover string `json:"handover,omitempty"`

	Inputs      []string       `json:"inputs,omitempty"` // upload keys
	Pose        string         `json:"pose,omitempty"`
	Background  string         `json:"background,omitempty"`
	Glasses     bool           `json:"glasses,omitempty"`
	Hero        HeroParams     `json:"hero"`
	Sheet       SheetParams    `json:"sheet"`
	Frames      FramesParams   `json:"frames"`
	ClipPrompts map[int]string `json:"clipPrompts,omitempty"`
	Negative    string         `json:"negativePrompt,omitempty"`
	FrameEdits  map[int]string `json:"frameEdits,omitempty"` // instruction per frame being edited
	Stitch      StitchParams   `json:"stitch"`
	// FailedWork is the work that failed permanently, for a retry.
	FailedWork *Work `json:"failedWork,omitempty"`
	// LastReply and LastReplyAt are the latest reply accepted, to refuse
	// the same words again moments later (a client retrying a request that
	// did reach us) instead of paying for them twice.
	// LastReplyTo is the checkpoint it answered: the same words at a new
	// checkpoint are a new answer.
	LastReply   string    `json:"lastReply,omitempty"`
	LastReplyAt time.Time `json:"lastReplyAt,omitempty"`
	LastReplyTo string    `json:"lastReplyTo,omitempty"`
	// Acted is set when a director turn requested work.
	Acted bool `json:"acted,omitempty"`
	// TurnStage and TurnItems are the stage and work items the director
	// started for the current request (Gen): one stage per request, each
	// item once. See gate.
	TurnStage string   `json:"turnStage,omitempty"`
	TurnItems []string `json:"turnItems,omitempty"`
	// Tasks are the provider tasks in flight: idempotency key → "image" or "clip".
	Tasks map[string]string `json:"tasks,omitempty"`
	// Reserved holds the estimated USD of paid calls submitted but not yet
	// in the cost ledger, by idempotency key, for the budget check.
	Reserved map[string]float64 `json:"reserved,omitempty"`
	// Requests counts the provider requests (submits and polls) made for
	// the session, for the manifest.
	Requests int `json:"providerRequests,omitempty"`
}

func readMeta(s *shoot.Session) runMeta {
	var m runMeta
	if len(s.Metadata) > 0 {
		_ = json.Unmarshal(s.Metadata, &m) // a foreign or empty object gives a zero runMeta
	}
	return m
}

func writeMeta(s *shoot.Session, m runMeta) {
	b, _ := json.Marshal(m) // runMeta always marshals
	s.Metadata = b
}
