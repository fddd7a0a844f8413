package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fashionshoot/shoot/internal/store"
)

// ObserveLatency folds dur into the running mean of class.
func (d *DB) ObserveLatency(ctx context.Context, class string, dur time.Duration) error {
	if err := store.CheckLatency(class, dur); err != nil {
		return err
	}
	ms := float64(dur) / float64(time.Millisecond)
	_, err := d.db.ExecContext(ctx, `INSERT INTO provider_latencies (class, mean_ms, samples, updated_at)
		VALUES (?1, ?2, 1, ?3)
		ON CONFLICT (class) DO UPDATE SET
			mean_ms = provider_latencies.mean_ms * (1 - ?4) + excluded.mean_ms * ?4,
			samples = provider_latencies.samples + 1, updated_at = excluded.updated_at`,
		class, ms, formatTime(store.Now()), store.LatencyWeight)
	return dbError(err, "record provider latency")
}

// ProviderLatency returns the running mean of class, or ENOTFOUND.
func (d *DB) ProviderLatency(ctx context.Context, class string) (time.Duration, error) {
	var ms float64
	err := d.db.QueryRowContext(ctx, `SELECT mean_ms FROM provider_latencies WHERE class = ?`, class).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.NotFound("Provider latency")
	}
	if err != nil {
		return 0, dbError(err, "read provider latency")
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}
