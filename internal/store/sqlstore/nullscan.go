package sqlstore

import (
	"encoding/json"
	"fmt"
)

// Scanners for nullable columns: NULL reads as the zero value, so the domain
// types need no sql.Null* fields.

type nullStringDest struct{ p *string }

// scanNullString scans a nullable text column into p ("" for NULL).
func scanNullString(p *string) interface{ Scan(any) error } { return nullStringDest{p} }

// Scan implements sql.Scanner.
func (n nullStringDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = ""
	case string:
		*n.p = x
	case []byte:
		*n.p = string(x)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T as text", v)
	}
	return nil
}

type nullIntDest struct{ p *int64 }

// scanNullInt64 scans a nullable integer column into p (0 for NULL).
func scanNullInt64(p *int64) interface{ Scan(any) error } { return nullIntDest{p} }

// Scan implements sql.Scanner.
func (n nullIntDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = 0
	case int64:
		*n.p = x
	default:
		return fmt.Errorf("sqlstore: cannot scan %T as an integer", v)
	}
	return nil
}

type rawJSONDest struct{ p *json.RawMessage }

// scanRawJSON scans a nullable JSON column into p (nil for NULL). The bytes are
// copied: the driver may reuse its buffer.
func scanRawJSON(p *json.RawMessage) interface{ Scan(any) error } { return rawJSONDest{p} }

// Scan implements sql.Scanner.
func (r rawJSONDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*r.p = nil
	case string:
		*r.p = json.RawMessage(x)
	case []byte:
		*r.p = json.RawMessage(append([]byte(nil), x...))
	default:
		return fmt.Errorf("sqlstore: cannot scan %T as JSON", v)
	}
	return nil
}
