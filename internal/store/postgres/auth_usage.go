package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// AppendAudit records one audit entry.
func (d *DB) AppendAudit(ctx context.Context, e *store.AuditEntry) error {
	if err := store.CheckAudit(e); err != nil {
		return err
	}
	err := d.db.QueryRowContext(ctx, `INSERT INTO audit_log (at, actor, action, target, detail, request_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, e.At, e.Actor, e.Action, e.Target, e.Detail,
		e.RequestID).Scan(&e.ID)
	return dbError(err, "append audit entry")
}

// ListAudit returns audit entries newest first.
func (d *DB) ListAudit(ctx context.Context, f store.AuditFilter) ([]*store.AuditEntry, error) {
	before := f.BeforeID
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, actor, action, target, detail, request_id
		FROM audit_log WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR target = $2) AND id < $3
		ORDER BY id DESC LIMIT $4`, f.Actor, f.Target, before, store.AuditLimit(f.Limit))
	if err != nil {
		return nil, dbError(err, "list audit")
	}
	defer rows.Close()
	list := []*store.AuditEntry{}
	for rows.Next() {
		var e store.AuditEntry
		if err := rows.Scan(&e.ID, scanTime(&e.At), &e.Actor, &e.Action, &e.Target, &e.Detail, &e.RequestID); err != nil {
			return nil, dbError(err, "read audit entry")
		}
		list = append(list, &e)
	}
	return list, dbError(rows.Err(), "list audit")
}

// AddUsage adds amount to a usage counter, within limit when limit > 0. One
// statement does the check and the addition, so concurrent callers on any
// number of processes cannot both squeeze under the limit.
func (d *DB) AddUsage(ctx context.Context, owner, kind, period string, amount, limit float64) (float64, bool, error) {
	if err := store.CheckUsage(kind, period, amount, limit); err != nil {
		return 0, false, err
	}
	if limit > 0 && amount > limit {
		cur, err := d.Usage(ctx, owner, kind, period)
		return cur, false, err
	}
	var total float64
	err := d.db.QueryRowContext(ctx, `INSERT INTO usage_counters (owner, kind, period, amount)
		VALUES ($1, $2, $3, GREATEST($4::float8, 0))
		ON CONFLICT (owner, kind, period) DO UPDATE SET amount = GREATEST(usage_counters.amount + $4::float8, 0)
		WHERE $5::float8 <= 0 OR $4::float8 <= 0 OR usage_counters.amount + $4::float8 <= $5::float8
		RETURNING amount`, owner, kind, period, amount, limit).Scan(&total)
	if errors.Is(err, sql.ErrNoRows) {
		cur, err := d.Usage(ctx, owner, kind, period)
		return cur, false, err
	}
	if err != nil {
		return 0, false, dbError(err, "add usage")
	}
	return total, true, nil
}

// Usage returns a usage counter, 0 when it was never set.
func (d *DB) Usage(ctx context.Context, owner, kind, period string) (float64, error) {
	if err := store.CheckUsage(kind, period, 0, 0); err != nil {
		return 0, err
	}
	var total float64
	err := d.db.QueryRowContext(ctx, `SELECT amount FROM usage_counters WHERE owner = $1 AND kind = $2 AND period = $3`,
		owner, kind, period).Scan(&total)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return total, dbError(err, "read usage")
}

// CountRunning counts the owner's sessions with a stage running.
func (d *DB) CountRunning(ctx context.Context, owner string) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE owner = $1 AND run_state = $2`,
		owner, shoot.RunRunning).Scan(&n)
	return n, dbError(err, "count running sessions")
}
