package shoot

import "time"

// Checkpoint status values: the values the database's CHECK constraint allows.
const (
	CheckpointPending  = "pending"
	CheckpointApproved = "approved"
	CheckpointRejected = "rejected"
	CheckpointModified = "modified"
)

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
