package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/store"
)

// Row mappers take the concrete *sql.Rows (single rows are read through one
// rather than *sql.Row): calling Scan on a concrete type lets the compiler
// keep its argument list off the heap, one allocation less per row.

// timeDest scans a nullable time: PostgreSQL's timestamptz arrives as a
// time.Time; SQLite's stored text arrives parsed or as text depending on the
// value. Either way it reads back in UTC at microsecond precision.
type timeDest struct {
	p     *time.Time
	valid bool
}

func scanTime(p *time.Time) *timeDest { return &timeDest{p: p} }

// Scan implements sql.Scanner.
func (d *timeDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		d.valid = false
		return nil
	case time.Time:
		*d.p = store.Normalize(x)
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	default:
		return fmt.Errorf("sqlstore: cannot scan %T as a time", v)
	}
	d.valid = true
	return nil
}

// parse reads the stored text form, or SQLite's CURRENT_TIMESTAMP form (UTC
// without a zone) should a row carry one.
func (d *timeDest) parse(text string) error {
	text = strings.Replace(text, " ", "T", 1)
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		t, err = time.Parse("2006-01-02T15:04:05.999999999", text)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: bad stored time %q: %w", text, err)
	}
	*d.p = store.Normalize(t)
	d.valid = true
	return nil
}

// ptr returns the scanned time, or nil for NULL.
func (d *timeDest) ptr() *time.Time {
	if !d.valid {
		return nil
	}
	return d.p
}

// newTime scans a nullable time into a fresh *time.Time (see ptr).
func newTime() *timeDest { return scanTime(new(time.Time)) }

// one runs query and maps its first row with scan. No row is ENOTFOUND
// naming noun ("Session").
func one[T any](ctx context.Context, c conn, noun string, scan func(*sql.Rows) (T, error), query string, args ...any) (T, error) {
	var zero T
	rows, err := c.rows(ctx, query, args...)
	if err != nil {
		return zero, c.s.Err(err, "read "+noun)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return zero, c.s.Err(err, "read "+noun)
		}
		return zero, store.NotFound(noun)
	}
	v, err := scan(rows)
	if err == nil {
		err = rows.Close()
	}
	if err != nil {
		return zero, c.s.Err(err, "read "+noun)
	}
	return v, nil
}

// list runs query and maps each row with scan; what names the rows in
// errors. An empty result is an empty, non-nil slice.
func list[T any](ctx context.Context, c conn, what string, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := c.rows(ctx, query, args...)
	if err != nil {
		return nil, c.s.Err(err, "list "+what)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, c.s.Err(err, "read "+what)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, c.s.Err(err, "list "+what)
	}
	return out, nil
}
