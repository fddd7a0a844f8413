package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// AppendAudit records one audit entry.
func (s *Store) AppendAudit(ctx context.Context, e *store.AuditEntry) error {
	if err := store.CheckAudit(e); err != nil {
		return err
	}
	err := s.c().row(ctx, `INSERT INTO audit_log (at, actor, action, target, detail, request_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, s.Time(e.At), e.Actor, e.Action, e.Target, e.Detail,
		e.RequestID).Scan(&e.ID)
	return s.Err(err, "append audit entry")
}

// ListAudit returns audit entries newest first.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter) ([]*store.AuditEntry, error) {
	before := f.BeforeID
	if before <= 0 {
		before = 1<<63 - 1
	}
	return list(ctx, s.c(), "audit entries", func(row *sql.Rows) (*store.AuditEntry, error) {
		e := new(store.AuditEntry)
		return e, row.Scan(&e.ID, scanTime(&e.At), &e.Actor, &e.Action, &e.Target, &e.Detail, &e.RequestID)
	}, `SELECT id, at, actor, action, target, detail, request_id
		FROM audit_log WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR target = $2) AND id < $3
		ORDER BY id DESC LIMIT $4`, f.Actor, f.Target, before, store.AuditLimit(f.Limit))
}

// AddUsage adds amount to a usage counter, within limit when limit > 0. One
// statement does the check and the addition, so concurrent callers on any
// number of processes cannot both squeeze under the limit.
func (s *Store) AddUsage(ctx context.Context, owner, kind, period string, amount, limit float64) (float64, bool, error) {
	if err := store.CheckUsage(kind, period, amount, limit); err != nil {
		return 0, false, err
	}
	if limit > 0 && amount > limit {
		cur, err := s.Usage(ctx, owner, kind, period)
		return cur, false, err
	}
	var total float64
	err := s.c().row(ctx, `INSERT INTO usage_counters (owner, kind, period, amount)
		VALUES ($1, $2, $3, CASE WHEN $4::float8 > 0 THEN $4 ELSE 0 END)
		ON CONFLICT (owner, kind, period) DO UPDATE SET amount = CASE
			WHEN usage_counters.amount + $4::float8 > 0 THEN usage_counters.amount + $4 ELSE 0 END
		WHERE $5::float8 <= 0 OR $4::float8 <= 0 OR usage_counters.amount + $4::float8 <= $5::float8
		RETURNING amount`, owner, kind, period, amount, limit).Scan(&total)
	if errors.Is(err, sql.ErrNoRows) {
		cur, err := s.Usage(ctx, owner, kind, period)
		return cur, false, err
	}
	if err != nil {
		return 0, false, s.Err(err, "add usage")
	}
	return total, true, nil
}

// Usage returns a usage counter, 0 when it was never set.
func (s *Store) Usage(ctx context.Context, owner, kind, period string) (float64, error) {
	if err := store.CheckUsage(kind, period, 0, 0); err != nil {
		return 0, err
	}
	var total float64
	err := s.c().row(ctx, `SELECT amount FROM usage_counters WHERE owner = $1 AND kind = $2 AND period = $3`,
		owner, kind, period).Scan(&total)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return total, s.Err(err, "read usage")
}

// CountRunning counts the owner's sessions with a stage running.
func (s *Store) CountRunning(ctx context.Context, owner string) (int, error) {
	var n int
	err := s.c().row(ctx, `SELECT count(*) FROM sessions WHERE owner = $1 AND run_state = $2`,
		owner, shoot.RunRunning).Scan(&n)
	return n, s.Err(err, "count running sessions")
}
