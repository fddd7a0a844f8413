package store

import (
	"context"
	"regexp"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Auth keeps what access control needs: API tokens (stored only as hashes),
// browser sign-in sessions, the audit log, and per-user usage counters. It is
// a port of its own, next to Store, so that access control can grow without
// touching the pipeline's store; both implementations satisfy both.
//
// Errors follow Store's rules: a missing row is ENOTFOUND, a duplicate
// ECONFLICT.
type Auth interface {
	// CreateToken records t and assigns its ID and CreatedAt. A name that
	// already has an active (unrevoked) token is ECONFLICT.
	CreateToken(ctx context.Context, t *Token) error
	// ListTokens returns every token, revoked ones included, oldest first.
	ListTokens(ctx context.Context) ([]*Token, error)
	// RevokeToken revokes the active token of name and deletes its browser
	// sessions, in one transaction. No active token of that name is ENOTFOUND.
	RevokeToken(ctx context.Context, name string, at time.Time) error
	// TokenByHash returns the active token whose hash is hash, or ENOTFOUND
	// (also for a revoked one).
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	// TouchToken sets the token's last use to at when the stored value is
	// older than at minus TouchInterval, so a busy client does not write on
	// every request.
	TouchToken(ctx context.Context, id int64, at time.Time) error

	// CreateWebSession records a browser sign-in for an active token.
	CreateWebSession(ctx context.Context, ws *WebSession) error
	// WebSessionToken returns the active token behind an unexpired browser
	// session, or ENOTFOUND.
	WebSessionToken(ctx context.Context, idHash string, now time.Time) (*Token, error)
	// DeleteWebSession removes one browser session; a missing one is not an
	// error (signing out twice is fine).
	DeleteWebSession(ctx context.Context, idHash string) error
	// DeleteExpiredWebSessions removes the sessions that expired before now.
	DeleteExpiredWebSessions(ctx context.Context, now time.Time) error

	// AppendAudit records e and assigns its ID (and At when zero).
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// ListAudit returns entries newest first.
	ListAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)

	// AddUsage adds amount to the owner's counter of kind for period and
	// returns the new total. When limit > 0 the addition is made only if the
	// total stays within limit; otherwise nothing changes and ok is false.
	// A negative amount gives back what an earlier call reserved.
	AddUsage(ctx context.Context, owner, kind, period string, amount, limit float64) (total float64, ok bool, err error)
	// Usage returns the owner's counter of kind for period (0 when unset).
	Usage(ctx context.Context, owner, kind, period string) (float64, error)
	// CountRunning returns how many of the owner's sessions have a stage
	// running.
	CountRunning(ctx context.Context, owner string) (int, error)
}

// TouchInterval is how stale a token's last-use time may get before
// TouchToken writes it again.
const TouchInterval = time.Minute

// Usage counter kinds. Spending is counted by the database itself: every
// cost entry recorded through AddCost is added to its session owner's
// UsageSpendUSD counter for the entry's month, so deleting a session does not
// give its money back.
const (
	UsageUploadBytes = "upload_bytes" // period: DayPeriod
	UsageSpendUSD    = "spend_usd"    // period: MonthPeriod
)

// DayPeriod is the usage period of t's UTC day, e.g. "2026-01-31".
func DayPeriod(t time.Time) string { return t.UTC().Format("2006-01-02") }

// MonthPeriod is the usage period of t's UTC month, e.g. "2026-01".
func MonthPeriod(t time.Time) string { return t.UTC().Format("2006-01") }

// Token is an API token as stored: a name (the user it acts for), whether
// it is an administrator's, and the SHA-256 of its secret. The secret itself
// is never stored.
type Token struct {
	ID         int64
	Name       string
	Hash       string // hex SHA-256 of the whole token string
	Admin      bool
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// WebSession is a browser sign-in: the hash of the random cookie value and
// the token that signed in.
type WebSession struct {
	IDHash    string // hex SHA-256 of the cookie value
	TokenID   int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AuditEntry is one line of the audit log: who did what to what, when.
type AuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Target    string    `json:"target,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	RequestID string    `json:"requestId,omitempty"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Actor  string // "" = everyone
	Target string // "" = everything
	Limit  int    // 1..MaxAuditLimit; 0 means DefaultAuditLimit
	// BeforeID lists only entries older than this id (paging); 0 = no bound.
	BeforeID int64
}

// Limits of ListAudit.
const (
	DefaultAuditLimit = 100
	MaxAuditLimit     = 1000
)

// AuditLimit turns an AuditFilter.Limit into the row count to fetch.
func AuditLimit(n int) int {
	if n <= 0 {
		return DefaultAuditLimit
	}
	return min(n, MaxAuditLimit)
}

var tokenNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// ValidTokenName reports whether name can name a token (and so a user):
// 1–64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.
func ValidTokenName(name string) bool { return tokenNameRe.MatchString(name) }

var hashRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// CheckToken validates a token before it is stored and fills CreatedAt.
func CheckToken(t *Token) error {
	switch {
	case !ValidTokenName(t.Name):
		return shoot.Errorf(shoot.EINVALID, "token name must be 1–64 letters, digits, '.', '_', '@' or '-'")
	case !hashRe.MatchString(t.Hash):
		return shoot.Errorf(shoot.EINVALID, "token hash must be 64 hex digits")
	}
	stamp(&t.CreatedAt)
	return nil
}

// CheckWebSession validates a browser session before it is stored.
func CheckWebSession(ws *WebSession) error {
	switch {
	case !hashRe.MatchString(ws.IDHash):
		return shoot.Errorf(shoot.EINVALID, "session hash must be 64 hex digits")
	case ws.ExpiresAt.IsZero():
		return shoot.Errorf(shoot.EINVALID, "a browser session needs an expiry")
	}
	if ws.CreatedAt.IsZero() {
		ws.CreatedAt = Now()
	}
	ws.CreatedAt, ws.ExpiresAt = Normalize(ws.CreatedAt), Normalize(ws.ExpiresAt)
	return nil
}

// CheckAudit validates an audit entry and fills At.
func CheckAudit(e *AuditEntry) error {
	if e.Actor == "" || e.Action == "" {
		return shoot.Errorf(shoot.EINVALID, "an audit entry needs an actor and an action")
	}
	stamp(&e.At)
	return nil
}

// CheckUsage validates the arguments of AddUsage and Usage.
func CheckUsage(kind, period string, amount, limit float64) error {
	switch {
	case kind != UsageUploadBytes && kind != UsageSpendUSD:
		return shoot.Errorf(shoot.EINVALID, "unknown usage kind %q", kind)
	case period == "" || len(period) > 16:
		return shoot.Errorf(shoot.EINVALID, "bad usage period %q", period)
	case !finite(amount) || !finite(limit):
		return shoot.Errorf(shoot.EINVALID, "usage amounts must be finite numbers")
	}
	return nil
}
