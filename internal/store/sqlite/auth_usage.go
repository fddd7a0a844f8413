package sqlite

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
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, formatTime(e.At), e.Actor, e.Action, e.Target, e.Detail,
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
		FROM audit_log WHERE (? = '' OR actor = ?) AND (? = '' OR target = ?) AND id < ?
		ORDER BY id DESC LIMIT ?`, f.Actor, f.Actor, f.Target, f.Target, before, store.AuditLimit(f.Limit))
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

// AddUsage adds amount to a usage counter, within limit when limit > 0.
func (d *DB) AddUsage(ctx context.Context, owner, kind, period string, amount, limit float64) (float64, bool, error) {
	if err := store.CheckUsage(kind, period, amount, limit); err != nil {
		return 0, false, err
	}
	var total float64
	ok := true
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := usageIn(ctx, tx, owner, kind, period)
		if err != nil {
			return err
		}
		total = cur
		if limit > 0 && amount > 0 && cur+amount > limit {
			ok = false
			return nil
		}
		total = max(cur+amount, 0)
		_, err = tx.ExecContext(ctx, `INSERT INTO usage_counters (owner, kind, period, amount) VALUES (?, ?, ?, ?)
			ON CONFLICT (owner, kind, period) DO UPDATE SET amount = excluded.amount`, owner, kind, period, total)
		return dbError(err, "add usage")
	})
	return total, ok, err
}

// Usage returns a usage counter, 0 when it was never set.
func (d *DB) Usage(ctx context.Context, owner, kind, period string) (float64, error) {
	if err := store.CheckUsage(kind, period, 0, 0); err != nil {
		return 0, err
	}
	var total float64
	err := d.db.QueryRowContext(ctx, `SELECT amount FROM usage_counters WHERE owner = ? AND kind = ? AND period = ?`,
		owner, kind, period).Scan(&total)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return total, dbError(err, "read usage")
}

func usageIn(ctx context.Context, tx *sql.Tx, owner, kind, period string) (float64, error) {
	var cur float64
	err := tx.QueryRowContext(ctx, `SELECT amount FROM usage_counters WHERE owner = ? AND kind = ? AND period = ?`,
		owner, kind, period).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return cur, dbError(err, "read usage")
}

// CountRunning counts the owner's sessions with a stage running.
func (d *DB) CountRunning(ctx context.Context, owner string) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE owner = ? AND run_state = ?`,
		owner, shoot.RunRunning).Scan(&n)
	return n, dbError(err, "count running sessions")
}
