package postgres

import (
	"fmt"
	"time"
)

// timeDest scans a nullable timestamp, in UTC. The other nullable scanners
// are shared with the SQLite store (internal/store/scan.go).

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
