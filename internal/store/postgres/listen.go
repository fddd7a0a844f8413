package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Reconnect back-off of ListenEvents.
const (
	listenRetryMin = 100 * time.Millisecond
	listenRetryMax = 5 * time.Second
)

// ListenEvents follows the events every process appends to this database
// and calls fn(sessionID, seq) for each, in the order PostgreSQL delivers
// them (commit order). fn runs on the listening goroutine, so it should hand
// off rather than block. ListenEvents blocks until ctx is done, then returns
// ctx's error.
//
// It listens on a dedicated connection (not one of the pool's). Each time
// listening starts — first, and again after a lost connection is re-made —
// it calls fn("", 0): notifications sent while nobody listened are lost, so
// on that call the caller should re-read the log (EventsAfter) of every
// session it follows. Failing to connect the first time is returned at once
// (a bad URL should not hang); later losses are retried with back-off.
func (d *DB) ListenEvents(ctx context.Context, fn func(sessionID string, seq int64)) error {
	delay := listenRetryMin
	for first := true; ; first = false {
		listened, err := d.listenOnce(ctx, fn)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if first && !listened {
			return shoot.Wrap(err, shoot.EUNAVAILABLE, "cannot listen for events")
		}
		if listened {
			delay = listenRetryMin
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, listenRetryMax)
	}
}

// listenOnce connects, listens and delivers notifications until the
// connection fails or ctx ends. listened reports whether LISTEN succeeded.
func (d *DB) listenOnce(ctx context.Context, fn func(string, int64)) (listened bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, d.pool.Config().ConnConfig.Copy())
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+EventChannel); err != nil {
		return false, err
	}
	fn("", 0)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		if id, seq, ok := parseNotification(n.Payload); ok {
			fn(id, seq)
		}
	}
}

// parseNotification splits a "<sessionID>:<seq>" payload. Session ids hold
// no colon, so the last one separates.
func parseNotification(payload string) (string, int64, bool) {
	i := strings.LastIndexByte(payload, ':')
	if i <= 0 {
		return "", 0, false
	}
	seq, err := strconv.ParseInt(payload[i+1:], 10, 64)
	if err != nil || seq < 1 || !shoot.ValidSessionID(payload[:i]) {
		return "", 0, false
	}
	return payload[:i], seq, true
}
