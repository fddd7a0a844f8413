package postgres

import (
	"encoding/json"
	"fmt"
	"time"
)

// Scanners for nullable columns and JSON: NULL reads as the zero value, so
// the domain types need no sql.Null* fields, and times come back in UTC.

type nullStrDest struct{ p *string }

func nullStr(p *string) nullStrDest { return nullStrDest{p} }

// Scan implements sql.Scanner.
func (n nullStrDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = ""
	case string:
		*n.p = x
	case []byte:
		*n.p = string(x)
	default:
		return fmt.Errorf("postgres: cannot scan %T as text", v)
	}
	return nil
}

type nullIntDest struct{ p *int64 }

func nullInt(p *int64) nullIntDest { return nullIntDest{p} }

// Scan implements sql.Scanner.
func (n nullIntDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = 0
	case int64:
		*n.p = x
	default:
		return fmt.Errorf("postgres: cannot scan %T as an integer", v)
	}
	return nil
}

type rawJSONDest struct{ p *json.RawMessage }

func rawJSON(p *json.RawMessage) rawJSONDest { return rawJSONDest{p} }

// Scan implements sql.Scanner. The bytes are copied: the driver may reuse
// its buffer.
func (r rawJSONDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*r.p = nil
	case string:
		*r.p = json.RawMessage(x)
	case []byte:
		*r.p = json.RawMessage(append([]byte(nil), x...))
	default:
		return fmt.Errorf("postgres: cannot scan %T as JSON", v)
	}
	return nil
}

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
	case time.Time:
		*d.p, d.valid = x.UTC(), true
	default:
		return fmt.Errorf("postgres: cannot scan %T as a time", v)
	}
	return nil
}

// ptr returns the scanned time, or nil for NULL.
func (d *timeDest) ptr() *time.Time {
	if !d.valid {
		return nil
	}
	return d.p
}
