// Package store declares the persistence port of the studio. Two
// implementations live below it (sqlite, postgres); both pass the conformance
// suite in storetest.
package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Store keeps sessions, uploads, assets, checkpoints, the event log, the
// director's conversation, provider tasks and the cost ledger.
//
// Errors: a missing row is a shoot.ENOTFOUND *shoot.Error; a duplicate that
// the caller should not have created is shoot.ECONFLICT.
type Store interface {
	// Sessions.
	CreateSession(ctx context.Context, s *shoot.Session) error
	GetSession(ctx context.Context, id string) (*shoot.Session, error)
	// ListSessions returns sessions newest first (by updated_at). Owner ""
	// means all owners.
	ListSessions(ctx context.Context, f SessionFilter) ([]*shoot.Session, error)
	// UpdateSession reads the session, calls fn on it and writes it back in
	// one transaction. updated_at is set by the store.
	UpdateSession(ctx context.Context, id string, fn func(*shoot.Session) error) (*shoot.Session, error)
	// DeleteSession removes the session and every row that belongs to it.
	DeleteSession(ctx context.Context, id string) error

	// Uploads.
	CreateUpload(ctx context.Context, u *shoot.Upload) error
	GetUpload(ctx context.Context, filename string) (*shoot.Upload, error)

	// Assets. AddAsset assigns ID, Version (latest of the same session, type
	// and index + 1, starting at 1) and CreatedAt unless Version is already
	// set; adding an existing (session, type, index, version) again is a no-op
	// that returns the stored row in *a (idempotent re-runs).
	AddAsset(ctx context.Context, a *shoot.Asset) error
	// ListAssets returns every version of every asset of a session, ordered
	// by type, index, version.
	ListAssets(ctx context.Context, sessionID string) ([]*shoot.Asset, error)
	// LatestAssets returns the newest version of each (type, index).
	LatestAssets(ctx context.Context, sessionID string) ([]*shoot.Asset, error)
	// SetAssetsStale marks the latest versions of the given (type, index)
	// pairs stale (or fresh).
	SetAssetsStale(ctx context.Context, sessionID string, refs []AssetRef, stale bool) error

	// Checkpoints.
	CreateCheckpoint(ctx context.Context, c *shoot.Checkpoint) error
	// LatestCheckpoint returns the newest checkpoint, or ENOTFOUND.
	LatestCheckpoint(ctx context.Context, sessionID string) (*shoot.Checkpoint, error)
	// ResolveCheckpoint sets status, user response and resolved_at.
	ResolveCheckpoint(ctx context.Context, id int64, status, response string) error
	ListCheckpoints(ctx context.Context, sessionID string) ([]*shoot.Checkpoint, error)

	// Event log. AppendEvent assigns the next Seq of the session (1, 2, …)
	// atomically, also under concurrent appenders in several processes.
	AppendEvent(ctx context.Context, sessionID, typ string, data []byte) (shoot.Event, error)
	// EventsAfter returns up to limit events with Seq > after, in order.
	EventsAfter(ctx context.Context, sessionID string, after int64, limit int) ([]shoot.Event, error)

	// Conversation.
	AppendMessage(ctx context.Context, m *shoot.Message) error
	ListMessages(ctx context.Context, sessionID string) ([]*shoot.Message, error)

	// Provider tasks. PutProviderTask inserts or updates by Key.
	PutProviderTask(ctx context.Context, t *shoot.ProviderTask) error
	GetProviderTask(ctx context.Context, key string) (*shoot.ProviderTask, error)

	// Provider callbacks (shoot.ProviderCallback). ExpectCallback records c
	// unless a row with its TaskKey exists, and loads the stored row into c
	// either way, so a re-run keeps the token it sent first.
	// SetCallbackTarget sets the task's remote id (unless remoteID is "") and
	// the job to wake (0: none). FindCallback returns the row of provider's
	// task remoteID, or, when remoteID is "", the row holding token.
	// MarkCallback records outcome and the arrival time unless an outcome is
	// already recorded; fresh reports whether this call recorded it. Missing
	// rows are ENOTFOUND.
	ExpectCallback(ctx context.Context, c *shoot.ProviderCallback) error
	SetCallbackTarget(ctx context.Context, key, remoteID string, jobID int64) error
	GetCallback(ctx context.Context, key string) (*shoot.ProviderCallback, error)
	FindCallback(ctx context.Context, provider, remoteID, token string) (*shoot.ProviderCallback, error)
	MarkCallback(ctx context.Context, key, outcome string) (fresh bool, err error)

	// Provider latency: the usual duration of a class of provider tasks.
	// ObserveLatency folds one finished task's duration into the class's
	// running mean (the newest observation weighs LatencyWeight) in one
	// statement, so concurrent observers never lose one; the first
	// observation is the mean. ProviderLatency returns the mean, or
	// ENOTFOUND when nothing was observed.
	ObserveLatency(ctx context.Context, class string, d time.Duration) error
	ProviderLatency(ctx context.Context, class string) (time.Duration, error)

	// Cost ledger. AddCost records c and adds c.USD to the session's
	// total_cost_usd in one transaction. A second entry with the same
	// non-empty (SessionID, Ref) is ignored, so a retried job never pays twice.
	AddCost(ctx context.Context, c *shoot.Cost) error
	ListCosts(ctx context.Context, sessionID string) ([]*shoot.Cost, error)

	// DB returns the underlying pool (River shares it).
	DB() *sql.DB
	// Dialect returns "sqlite" or "postgres".
	Dialect() string
	Close() error
}

// SessionFilter selects sessions to list.
type SessionFilter struct {
	Owner string
	Limit int // 1..200; 0 means 50
	// Before lists only sessions updated before this time (paging); zero = no bound.
	Before time.Time
}

// AssetRef names one artifact slot of a session: a type and an index.
type AssetRef struct {
	Type  string
	Index int
}
