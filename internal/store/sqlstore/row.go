package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// A column maps one column of a table to a field of a Go value: how the
// field is read from a row (dest) and written as a parameter (arg). A table
// whose rows are listed as []column in one function gets its column list,
// INSERT and UPDATE statements and scanner from that one list.
type column struct {
	name string
	dest any
	arg  func(s *Store) (any, error)
	// fixed columns (keys, creation times) are not rewritten by an update.
	fixed bool
}

// plain maps a column that is never NULL to a field of the same type.
func plain[V any](name string, p *V) column {
	return column{name: name, dest: p, arg: func(*Store) (any, error) { return *p, nil }}
}

// timeCol maps a timestamp column.
func timeCol(name string, p *time.Time) column {
	return column{name: name, dest: scanTime(p), arg: func(s *Store) (any, error) { return s.Time(*p), nil }}
}

// nullText maps a nullable text column to a string ("" for NULL).
func nullText(name string, p *string) column {
	return column{name: name, dest: scanNullString(p), arg: func(*Store) (any, error) { return nullString(*p), nil }}
}

// textPtr maps a nullable text column to a *string (nil for NULL).
func textPtr(name string, p **string) column {
	return column{name: name, dest: textPtrDest{p}, arg: func(*Store) (any, error) { return *p, nil }}
}

// rawJSON maps a nullable JSON column to raw bytes (nil for NULL).
func rawJSON(name string, p *json.RawMessage) column {
	return column{name: name, dest: scanRawJSON(p), arg: func(*Store) (any, error) { return nullJSON(*p), nil }}
}

// jsonDoc maps a JSON column to a Go value, encoded and decoded with
// encoding/json. A NULL or empty column leaves the value as it is.
func jsonDoc(name string, p any) column {
	return column{name: name, dest: jsonDest{p}, arg: func(*Store) (any, error) {
		b, err := json.Marshal(p)
		if err != nil {
			return nil, shoot.Wrap(err, shoot.EINVALID, "invalid "+strings.ReplaceAll(name, "_", " "))
		}
		return string(b), nil
	}}
}

// fixed marks c as not rewritten by an update.
func fixed(c column) column { c.fixed = true; return c }

// table is the SQL made from a []column, once per table. The first column
// is the key.
type table struct {
	columns string // "a, b, c"
	insert  string // INSERT INTO t (a, b, c) VALUES ($1, $2, $3)
	update  string // UPDATE t SET b = $1, c = $2 WHERE a = $3 (fixed columns left out)
}

func newTable(name string, cols []column) table {
	var names, ph, set []string
	for i, c := range cols {
		names = append(names, c.name)
		ph = append(ph, fmt.Sprintf("$%d", i+1))
		if !c.fixed {
			set = append(set, fmt.Sprintf("%s = $%d", c.name, len(set)+1))
		}
	}
	columns := strings.Join(names, ", ")
	return table{
		columns: columns,
		insert:  "INSERT INTO " + name + " (" + columns + ") VALUES (" + strings.Join(ph, ", ") + ")",
		update: fmt.Sprintf("UPDATE %s SET %s WHERE %s = $%d", name, strings.Join(set, ", "),
			cols[0].name, len(set)+1),
	}
}

// updateArgs returns the parameters of table.update: those of the columns
// that are not fixed, then the key.
func (s *Store) updateArgs(cols []column) ([]any, error) {
	var out []any
	for _, c := range append(cols[1:len(cols):len(cols)], cols[0]) {
		if c.fixed && c.name != cols[0].name {
			continue
		}
		v, err := c.arg(s)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// dests returns the scan destinations of cols.
func dests(cols []column) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c.dest
	}
	return out
}

// args returns the parameters of cols.
func (s *Store) args(cols []column) ([]any, error) {
	out := make([]any, len(cols))
	for i, c := range cols {
		v, err := c.arg(s)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

type textPtrDest struct{ p **string }

// Scan implements sql.Scanner.
func (d textPtrDest) Scan(v any) error {
	if v == nil {
		*d.p = nil
		return nil
	}
	var s string
	if err := scanNullString(&s).Scan(v); err != nil {
		return err
	}
	*d.p = &s
	return nil
}

type jsonDest struct{ p any }

// Scan implements sql.Scanner.
func (d jsonDest) Scan(v any) error {
	var raw json.RawMessage
	if err := scanRawJSON(&raw).Scan(v); err != nil || len(raw) == 0 {
		return err
	}
	return json.Unmarshal(raw, d.p)
}
