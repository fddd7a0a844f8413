// Package sqlite implements store.Store on SQLite (modernc.org/sqlite, pure
// Go). The SQL it shares with PostgreSQL lives in internal/store/sqlstore;
// this package holds the dialect (placeholders, stored time form, result
// code mapping, schema words) and how events are numbered. The database runs in WAL mode with foreign keys on, a busy timeout,
// and immediate transactions, and the pool holds a single connection because
// SQLite allows one writer and River's riversqlite driver shares the pool.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	msqlite "modernc.org/sqlite"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlstore"
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
	*sqlstore.Store
}

var _ store.Store = (*DB)(nil)

// dialect is how SQLite differs from PostgreSQL for the shared SQL.
var dialect = &sqlstore.Dialect{
	Name:          "sqlite",
	Title:         "SQLite",
	QuestionMarks: true,
	EncodeTime:    func(t time.Time) any { return t.Format(timeLayout) },
	// LockRow is empty: a transaction takes the write lock at BEGIN
	// (_txlock=immediate), so no other writer runs meanwhile.
	Classify: classify,
	Goose:    goose.DialectSQLite3,
	Schema: sqlstore.Schema{
		ID:     "INTEGER PRIMARY KEY AUTOINCREMENT",
		Time:   "DATETIME",
		Now:    "(strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))",
		Float:  "REAL",
		BigInt: "INTEGER",
		JSONB:  "JSON",
		Bytes:  "BLOB",
		Bool: func(col string) string {
			return "INTEGER NOT NULL DEFAULT 0 CHECK (" + col + " IN (0, 1))"
		},
		WithoutRowID: " WITHOUT ROWID",
	},
}

// timeLayout is the one form every time is stored in: fixed width, so string
// order is time order, and microseconds to match PostgreSQL.
const timeLayout = "2006-01-02T15:04:05.000000Z"

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
	return &DB{sqlstore.New(db, dialect)}, nil
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

// classify sorts a driver error by its extended result code.
func classify(err error) sqlstore.ErrorClass {
	var le *msqlite.Error
	if !errors.As(err, &le) {
		return sqlstore.ErrOther
	}
	switch code := le.Code(); {
	case code == codeUnique || code == codePrimaryKey:
		return sqlstore.ErrConflict
	case code == codeForeignKey:
		return sqlstore.ErrForeignKey
	case code == codeCheck || code == codeNotNull:
		return sqlstore.ErrInvalid
	case code&primaryCodeMask == codeBusy || code&primaryCodeMask == codeLocked:
		return sqlstore.ErrBusy
	}
	return sqlstore.ErrOther
}
