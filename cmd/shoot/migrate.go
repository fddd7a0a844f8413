package main

import (
	"context"
	"fmt"

	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// cmdMigrate applies the database migrations and reports the schema version.
// serve applies them at start-up too; this is for deployments that migrate
// as a separate step.
func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "migrate", "[--data-dir DIR] [--database-url URL]")
	cfg, err := loadConfig(e, fs, args, nil)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if st.Dialect() == "sqlite" {
		current, latest, err := sqlite.SchemaVersion(ctx, st.DB())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "database %s migrated: schema version %d of %d\n", st.Dialect(), current, latest)
		return nil
	}
	fmt.Fprintf(e.stdout, "database %s migrated\n", st.Dialect())
	return nil
}
