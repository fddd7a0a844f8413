package shoot

import "time"

// CheckpointStatus is where a checkpoint stands. Its values are the
// Checkpoint* constants: the values the database's CHECK constraint allows.
type CheckpointStatus string

// Checkpoint status values.
const (
	CheckpointPending  = "pending"
	CheckpointApproved = "approved"
	CheckpointRejected = "rejected"
	CheckpointModified = "modified"
)

// Valid reports whether s is one of the checkpoint status values.
func (s CheckpointStatus) Valid() bool { return s == CheckpointPending || s.Resolved() }

// Resolved reports whether s is the status of an answered checkpoint:
// approved, rejected or modified.
func (s CheckpointStatus) Resolved() bool {
	return oneOf(s, CheckpointApproved, CheckpointRejected, CheckpointModified)
}

// Checkpoint is a pause after a stage for the user's approval or changes.
// Stage is hero, contact-sheet, frames, clips or complete.
type Checkpoint struct {
	ID           int64      `json:"id"`
	SessionID    string     `json:"session_id"`
	Stage        string     `json:"stage"`
	Status       string     `json:"status"`
	ArtifactKeys []string   `json:"artifact_keys"`
	Message      string     `json:"message"`
	UserResponse *string    `json:"user_response"`
	CreatedAt    time.Time  `json:"created_at"`
	ResolvedAt   *time.Time `json:"resolved_at"`
}
