// Package sqlstore is the SQL the SQLite and PostgreSQL stores share: the
// queries, the column lists and the row mapping of every table, written once
// and run through database/sql. What differs between the two databases is a
// small Dialect value each adapter supplies (placeholders, how a time is
// stored, how driver errors map to domain errors, the words of the schema),
// plus the few statements that have no common form, which stay in the
// adapters (appending an event, for one).
//
// Queries are written with PostgreSQL's numbered placeholders ($1, $2, …),
// optionally followed by a cast ($1::text) where PostgreSQL cannot infer a
// parameter's type. SQLite reads them as ?1, ?2, … with the casts dropped.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// ErrorClass is what a driver error means to the store.
type ErrorClass int

// Driver error classes. Dialect.Classify sorts each error into one.
const (
	ErrOther       ErrorClass = iota // anything else: an internal error
	ErrConflict                      // unique or primary key violated
	ErrForeignKey                    // the referenced row is missing
	ErrInvalid                       // a check, not-null or type rule violated
	ErrBusy                          // locked or serialisation failure: retry
	ErrUnavailable                   // the connection failed: retry
)

// Dialect is what one database does differently.
type Dialect struct {
	// Name is "sqlite" or "postgres" (Store.Dialect), and the name the
	// migration templates test.
	Name string
	// Title names the database in messages ("SQLite").
	Title string
	// QuestionMarks: placeholders are ?n rather than $n, without casts.
	QuestionMarks bool
	// EncodeTime turns a time into the value stored for it.
	EncodeTime func(time.Time) any
	// LockRow is appended to the SELECT that UpdateSession reads the row
	// with, to hold it until the transaction ends ("" where the transaction
	// already excludes other writers).
	LockRow string
	// Classify sorts a driver error (not a context error) into a class.
	Classify func(error) ErrorClass
	// Goose is goose's name for the database; GooseOptions are added to the
	// migration provider's options.
	Goose        goose.Dialect
	GooseOptions []goose.ProviderOption
	// Schema holds the words the migration templates are rendered with.
	Schema Schema
}

// Err maps a driver error to a *shoot.Error: constraint failures become the
// caller's problem (conflict, not found, invalid), transient failures are
// worth retrying, anything else is internal. what names the operation for
// the log. Errors that already are *shoot.Error pass unchanged.
func (d *Dialect) Err(err error, what string) error {
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
	switch d.Classify(err) {
	case ErrConflict:
		return shoot.Wrap(err, shoot.ECONFLICT, "Already exists.")
	case ErrForeignKey:
		return shoot.Wrap(err, shoot.ENOTFOUND, "Session not found.")
	case ErrInvalid:
		return shoot.Wrap(err, shoot.EINVALID, "Invalid value.")
	case ErrBusy:
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "Database busy, retry.")
	case ErrUnavailable:
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "Database unavailable, retry.")
	}
	return shoot.Wrap(err, shoot.EINTERNAL, "database error: "+what)
}

// Store implements the SQL part of store.Store, store.Auth,
// store.Idempotency and store.Webhooks on a database/sql pool. An adapter
// embeds it and adds what its database does differently.
type Store struct {
	db      *sql.DB
	dialect *Dialect
	mu      sync.RWMutex
	bound   map[string]string // query as written -> query as the driver reads it
}

// New returns a Store on db speaking dialect d.
func New(db *sql.DB, d *Dialect) *Store {
	return &Store{db: db, dialect: d, bound: map[string]string{}}
}

// DB returns the pool.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the dialect's name.
func (s *Store) Dialect() string { return s.dialect.Name }

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Err maps a driver error to a *shoot.Error (see Dialect.Err).
func (s *Store) Err(err error, what string) error { return s.dialect.Err(err, what) }

// Time returns the value t is stored as.
func (s *Store) Time(t time.Time) any { return s.dialect.EncodeTime(store.Normalize(t)) }

// nullTime is Time, or NULL for nil.
func (s *Store) nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.Time(*t)
}

// QueryRow runs query (written with $n placeholders) on the pool.
func (s *Store) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.bind(query), args...)
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// conn runs queries written with $n placeholders on a pool or transaction.
type conn struct {
	s *Store
	q querier
}

func (s *Store) on(q querier) conn { return conn{s, q} }

// c runs on the pool.
func (s *Store) c() conn { return conn{s, s.db} }

func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.s.bind(query), args...)
}

func (c conn) rows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.s.bind(query), args...)
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.s.bind(query), args...)
}

// inTx runs fn in a transaction, committing if fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx conn) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.Err(err, "begin transaction")
	}
	if err := fn(s.on(tx)); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.Err(err, "commit")
	}
	return nil
}

// bind returns query in the dialect's placeholder form, converting each
// query once.
func (s *Store) bind(query string) string {
	if !s.dialect.QuestionMarks {
		return query
	}
	s.mu.RLock()
	q, ok := s.bound[query]
	s.mu.RUnlock()
	if ok {
		return q
	}
	q = QuestionMarks(query)
	s.mu.Lock()
	s.bound[query] = q
	s.mu.Unlock()
	return q
}

// QuestionMarks rewrites the placeholders of query from $n to ?n and drops
// the cast that may follow one ($2::text becomes ?2).
func QuestionMarks(query string) string {
	var b strings.Builder
	b.Grow(len(query))
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c != '$' || i+1 >= len(query) || !isDigit(query[i+1]) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('?')
		for i+1 < len(query) && isDigit(query[i+1]) {
			i++
			b.WriteByte(query[i])
		}
		if strings.HasPrefix(query[i+1:], "::") {
			i += 2
			for i+1 < len(query) && isWordByte(query[i+1]) {
				i++
			}
		}
	}
	return b.String()
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isWordByte(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'z' || c == '_' }

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
