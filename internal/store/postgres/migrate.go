package postgres

import (
	"context"
	"database/sql"
)

// Migrations (DB.Migrate, which Open calls) run in the schema first on the
// connection's search_path. Processes starting together take turns on an
// advisory lock, so each migration runs once.

// schemaLocker is a goose session locker that blocks on a session advisory
// lock keyed by the current schema. goose's own locker polls every few
// seconds; blocking wakes as soon as the lock is free, and keying by schema
// lets migrations of different schemas (parallel tests) run at once.
type schemaLocker struct{}

const lockKey = `hashtext('shoot-migrate:' || current_schema())`

// SessionLock implements lock.SessionLocker.
func (schemaLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+lockKey+`)`)
	return err
}

// SessionUnlock implements lock.SessionLocker.
func (schemaLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock(`+lockKey+`)`)
	return err
}
