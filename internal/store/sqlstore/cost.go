package sqlstore

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
func (s *Store) AddCost(ctx context.Context, c *shoot.Cost) error {
	if err := store.CheckCost(c); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx conn) error {
		err := tx.row(ctx, `INSERT INTO costs
			(session_id, provider, model, units, unit, usd, ref, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (session_id, ref) WHERE ref <> '' DO NOTHING RETURNING id`,
			c.SessionID, c.Provider, c.Model, c.Units, c.Unit, c.USD, c.Ref,
			s.Time(c.CreatedAt)).Scan(&c.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return s.loadDuplicateCost(ctx, tx, c)
		}
		if err != nil {
			return s.Err(err, "insert cost")
		}
		_, err = tx.exec(ctx, `UPDATE sessions SET total_cost_usd = total_cost_usd + $1
			WHERE id = $2`, c.USD, c.SessionID)
		return s.Err(err, "add to session cost")
	})
}

func (s *Store) loadDuplicateCost(ctx context.Context, tx conn, c *shoot.Cost) error {
	err := tx.row(ctx, `SELECT id FROM costs WHERE session_id = $1 AND ref = $2`,
		c.SessionID, c.Ref).Scan(&c.ID)
	return s.Err(err, "read cost")
}

// ListCosts returns the session's cost entries in the order they were
// recorded.
func (s *Store) ListCosts(ctx context.Context, sessionID string) ([]*shoot.Cost, error) {
	return list(ctx, s.c(), "costs", func(row *sql.Rows) (*shoot.Cost, error) {
		c := &shoot.Cost{SessionID: sessionID}
		return c, row.Scan(&c.ID, &c.Provider, &c.Model, &c.Units, &c.Unit, &c.USD, &c.Ref, scanTime(&c.CreatedAt))
	}, `SELECT id, provider, model, units, unit, usd, ref, created_at FROM costs
		WHERE session_id = $1 ORDER BY id`, sessionID)
}
