// Package sqlite implements store.Store on SQLite (modernc.org/sqlite, pure
// Go). The database runs in WAL mode with foreign keys on, a busy timeout,
// and immediate transactions, and the pool holds a single connection because
// SQLite allows one writer and River's riversqlite driver shares the pool.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	msqlite "modernc.org/sqlite"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// DriverName is the database/sql driver name the pool is opened with (River's
// riversqlite driver expects this driver).
const DriverName = "sqlite"

// connParams are added to every DSN. busy_timeout makes a second process
// wait for the write lock instead of failing; _txlock=immediate takes the
// write lock at BEGIN so read-then-write transactions never fail to upgrade.
var connParams = []string{
	"_pragma=busy_timeout(10000)",
	"_pragma=foreign_keys(1)",
	"_pragma=journal_mode(WAL)",
	"_pragma=synchronous(NORMAL)",
	"_txlock=immediate",
}

// DB is a SQLite store. It implements store.Store.
type DB struct {
	db *sql.DB
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the SQLite database named by dsnOrPath and
// applies the migrations. dsnOrPath is a file path ("data/shoot.db"), a
// "sqlite://" or "sqlite:" URL of one ("sqlite:///abs/shoot.db"), a "file:"
// URI, or ":memory:". The connection settings of this package are appended to
// whatever query the DSN already has.
func Open(ctx context.Context, dsnOrPath string) (*DB, error) {
	dsn, err := DSN(dsnOrPath)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(DriverName, dsn)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINVALID, "invalid SQLite database name")
	}
	db.SetMaxOpenConns(1)
	// Keep the one connection for ever: an in-memory database lives only as
	// long as its connection.
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return &DB{db: db}, nil
}

// DSN turns dsnOrPath (see Open) into the modernc DSN this package opens,
// with its connection settings appended.
func DSN(dsnOrPath string) (string, error) {
	name := strings.TrimSpace(dsnOrPath)
	switch {
	case strings.HasPrefix(name, "sqlite://"):
		name = strings.TrimPrefix(name, "sqlite://")
	case strings.HasPrefix(name, "sqlite:"):
		name = strings.TrimPrefix(name, "sqlite:")
	}
	if name == "" {
		return "", shoot.Errorf(shoot.EINVALID, "empty SQLite database path")
	}
	base, query, _ := strings.Cut(name, "?")
	if base == "" {
		return "", shoot.Errorf(shoot.EINVALID, "empty SQLite database path")
	}
	if _, err := url.ParseQuery(query); err != nil {
		return "", shoot.Wrap(err, shoot.EINVALID, "invalid SQLite DSN parameters")
	}
	params := strings.Join(connParams, "&")
	if query != "" {
		params = query + "&" + params
	}
	return base + "?" + params, nil
}

// DB returns the pool; River's riversqlite driver shares it.
func (d *DB) DB() *sql.DB { return d.db }

// Dialect returns "sqlite".
func (d *DB) Dialect() string { return "sqlite" }

// Close closes the pool.
func (d *DB) Close() error { return d.db.Close() }

// inTx runs fn in a transaction, committing if fn returns nil.
func (d *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err, "begin transaction")
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return dbError(err, "commit")
	}
	return nil
}

// Extended SQLite result codes this package maps to domain errors.
const (
	codeBusy        = 5
	codeLocked      = 6
	codeCheck       = 275
	codeForeignKey  = 787
	codeNotNull     = 1299
	codePrimaryKey  = 1555
	codeUnique      = 2067
	primaryCodeMask = 0xff
)

// dbError maps a driver error to a *shoot.Error. Constraint failures become
// the caller's problem (conflict, not found, invalid); a busy database is
// worth retrying; anything else is internal. what names the operation for
// the log.
func dbError(err error, what string) error {
	if err == nil {
		return nil
	}
	var se *shoot.Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "Request cancelled.")
	}
	var le *msqlite.Error
	if !errors.As(err, &le) {
		return shoot.Wrap(err, shoot.EINTERNAL, "database error: "+what)
	}
	switch code := le.Code(); {
	case code == codeUnique || code == codePrimaryKey:
		return shoot.Wrap(err, shoot.ECONFLICT, "Already exists.")
	case code == codeForeignKey:
		return shoot.Wrap(err, shoot.ENOTFOUND, "Session not found.")
	case code == codeCheck || code == codeNotNull:
		return shoot.Wrap(err, shoot.EINVALID, "Invalid value.")
	case code&primaryCodeMask == codeBusy || code&primaryCodeMask == codeLocked:
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "Database busy, retry.")
	}
	return shoot.Wrap(err, shoot.EINTERNAL, "database error: "+what)
}

// timeLayout is the one form every time is stored in: fixed width, so string
// order is time order, and microseconds to match PostgreSQL.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return store.Normalize(t).Format(timeLayout) }

// sqlTime scans a stored time. The driver hands DATETIME columns back either
// parsed or as text depending on the value, so both are accepted.
type sqlTime struct {
	t     *time.Time
	valid bool
}

// Scan implements sql.Scanner.
func (s *sqlTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		s.valid = false
		return nil
	case time.Time:
		*s.t = store.Normalize(x)
	case string:
		return s.parse(x)
	case []byte:
		return s.parse(string(x))
	default:
		return fmt.Errorf("sqlite: cannot scan %T as a time", v)
	}
	s.valid = true
	return nil
}

// parse reads our fixed form, or SQLite's CURRENT_TIMESTAMP form (UTC
// without a zone) should a row carry one.
func (s *sqlTime) parse(text string) error {
	text = strings.Replace(text, " ", "T", 1)
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		t, err = time.Parse("2006-01-02T15:04:05.999999999", text)
	}
	if err != nil {
		return fmt.Errorf("sqlite: bad stored time %q: %w", text, err)
	}
	*s.t = store.Normalize(t)
	s.valid = true
	return nil
}

func scanTime(t *time.Time) *sqlTime { return &sqlTime{t: t} }

// nullString stores "" as NULL, for the schema's nullable text columns.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullJSON stores an empty or JSON-null value as SQL NULL.
func nullJSON(raw []byte) any {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return string(raw)
}
