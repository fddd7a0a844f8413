package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"io/fs"
	"path"
	"testing/fstest"
	"text/template"

	"github.com/pressly/goose/v3"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// The migrations are goose SQL files written once as text/template
// templates and rendered per database: a column type the databases spell
// differently is a word of Schema ({{.Time}}), and the rare statement with
// no common form sits in {{if eq .Name "postgres"}} … {{else}} … {{end}}.
//
//go:embed migrations/*.sql
var migrationTemplates embed.FS

// MigrationTable keeps goose's bookkeeping apart from River's river_* tables
// and from any other goose user of the same database.
const MigrationTable = "shoot_migrations"

// Schema is the vocabulary of the migration templates.
type Schema struct {
	Name   string // the dialect's name
	ID     string // an auto-assigned integer primary key
	Time   string // a timestamp
	Now    string // the current time as a column default
	Float  string // a double-precision number
	BigInt string // a 64-bit integer
	JSONB  string // a JSON document (jsonb where there is one)
	Bytes  string // a byte string
	// Bool declares the NOT NULL boolean column col, false by default
	// ({{bool "stale"}}).
	Bool func(col string) string
	// WithoutRowID ends a table whose primary key clusters its rows.
	WithoutRowID string
}

// Migrations returns the migration files rendered for d.
func Migrations(d *Dialect) (fs.FS, error) {
	files, err := fs.Glob(migrationTemplates, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	schema := d.Schema
	schema.Name = d.Name
	funcs := template.FuncMap{"bool": schema.Bool}
	out := fstest.MapFS{}
	for _, name := range files {
		t, err := template.New(path.Base(name)).Funcs(funcs).Option("missingkey=error").ParseFS(migrationTemplates, name)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, schema); err != nil {
			return nil, err
		}
		out[path.Base(name)] = &fstest.MapFile{Data: b.Bytes(), Mode: 0o444}
	}
	return out, nil
}

// Migrate applies every pending migration to db, each in its own
// transaction. Running it again on a migrated database does nothing.
func Migrate(ctx context.Context, db *sql.DB, d *Dialect) error {
	p, err := provider(db, d)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return d.Err(err, "apply "+d.Title+" migrations")
	}
	return nil
}

// SchemaVersion returns the version the database is at and the latest
// version this binary knows.
func SchemaVersion(ctx context.Context, db *sql.DB, d *Dialect) (current, latest int64, err error) {
	p, err := provider(db, d)
	if err != nil {
		return 0, 0, err
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, d.Err(err, "read "+d.Title+" schema version")
	}
	return current, latest, nil
}

// Migrate applies every pending migration to the store's database (see
// the package function Migrate).
func (s *Store) Migrate(ctx context.Context) error { return Migrate(ctx, s.db, s.dialect) }

// SchemaVersion returns the version the store's database is at and the
// latest version this binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	return SchemaVersion(ctx, s.db, s.dialect)
}

func provider(db *sql.DB, d *Dialect) (*goose.Provider, error) {
	files, err := Migrations(d)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "render "+d.Title+" migrations")
	}
	opts := append([]goose.ProviderOption{
		goose.WithTableName(MigrationTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithLogger(goose.NopLogger()),
	}, d.GooseOptions...)
	p, err := goose.NewProvider(d.Goose, db, files, opts...)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "load "+d.Title+" migrations")
	}
	return p, nil
}
