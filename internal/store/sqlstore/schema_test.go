package sqlstore_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.schema.txt from fresh databases")

// TestSchemaDump compares the schema a fresh database gets from the
// migrations with testdata/<backend>.schema.txt. The files were first
// written from the migrations as they stood when each database had its own
// copy, so the shared templates must render to the same tables, columns,
// types, defaults, constraints, indexes and triggers. A new migration
// rewrites them with -update.
func TestSchemaDump(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		s, schema := openFresh(t, b)
		got := b.dump(t, s.DB(), schema)
		golden := filepath.Join("testdata", b.name+".schema.txt")
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("schema differs from %s:\n%s", golden, lineDiff(string(want), got))
		}
	})
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

// dumpSQLite lists every schema object with the SQL SQLite keeps for it.
func dumpSQLite(t *testing.T, db *sql.DB, _ string) string {
	return dumpRows(t, db, `SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
		ORDER BY type, name`)
}

// dumpPostgres lists the schema's columns, constraints, indexes, sequences,
// triggers and functions as PostgreSQL's catalog describes them, with the
// (random) schema name replaced by "<schema>".
func dumpPostgres(t *testing.T, db *sql.DB, schema string) string {
	queries := []string{
		`SELECT 'column', table_name, column_name, ordinal_position, data_type, is_nullable,
			coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = $1
			ORDER BY table_name, ordinal_position`,
		`SELECT 'constraint', c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
			FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1
			ORDER BY 2, 3`,
		`SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY 2, 3`,
		`SELECT 'sequence', sequence_name, data_type FROM information_schema.sequences
			WHERE sequence_schema = $1 ORDER BY 2`,
		`SELECT 'trigger', tg.tgname, pg_get_triggerdef(tg.oid) FROM pg_trigger tg
			JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = $1 AND NOT tg.tgisinternal ORDER BY 2`,
		`SELECT 'function', p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
			JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 2`,
	}
	var b strings.Builder
	for _, q := range queries {
		b.WriteString(dumpRows(t, db, q, schema))
	}
	return strings.ReplaceAll(b.String(), schema, "<schema>")
}

// dumpRows prints each row of query as its columns joined by " | ".
func dumpRows(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v.String
		}
		b.WriteString(strings.Join(parts, " | ") + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
