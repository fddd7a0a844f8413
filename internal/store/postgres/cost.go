package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// AddCost records c and adds c.USD to the session's total in one
// transaction, assigning c.ID. A second entry with the same non-empty
// (SessionID, Ref) is ignored: the total is unchanged and c.ID is set to the
// first entry's id.
func (d *DB) AddCost(ctx context.Context, c *shoot.Cost) error {
	if err := store.CheckCost(c); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO costs
			(session_id, provider, model, units, unit, usd, ref, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (session_id, ref) WHERE ref <> '' DO NOTHING RETURNING id`,
			c.SessionID, c.Provider, c.Model, c.Units, c.Unit, c.USD, c.Ref,
			c.CreatedAt).Scan(&c.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return d.loadDuplicateCost(ctx, tx, c)
		}
		if err != nil {
			return dbError(err, "insert cost")
		}
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET total_cost_usd = total_cost_usd + $1
			WHERE id = $2`, c.USD, c.SessionID)
		return dbError(err, "add to session cost")
	})
}

func (d *DB) loadDuplicateCost(ctx context.Context, tx *sql.Tx, c *shoot.Cost) error {
	err := tx.QueryRowContext(ctx, `SELECT id FROM costs WHERE session_id = $1 AND ref = $2`,
		c.SessionID, c.Ref).Scan(&c.ID)
	return dbError(err, "read cost")
}

// ListCosts returns the session's cost entries in the order they were
// recorded.
func (d *DB) ListCosts(ctx context.Context, sessionID string) ([]*shoot.Cost, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, provider, model, units, unit, usd, ref,
		created_at FROM costs WHERE session_id = $1 ORDER BY id`, sessionID)
	if err != nil {
		return nil, dbError(err, "list costs")
	}
	defer rows.Close()
	list := []*shoot.Cost{}
	for rows.Next() {
		c := &shoot.Cost{SessionID: sessionID}
		err := rows.Scan(&c.ID, &c.Provider, &c.Model, &c.Units, &c.Unit, &c.USD, &c.Ref,
			scanTime(&c.CreatedAt))
		if err != nil {
			return nil, dbError(err, "read cost")
		}
		list = append(list, c)
	}
	return list, dbError(rows.Err(), "list costs")
}
