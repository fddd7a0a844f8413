package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// migrateReport is what `shoot migrate --json` prints. The schema versions
// are known for SQLite only.
type migrateReport struct {
	Dialect       string `json:"dialect"`
	SchemaVersion int64  `json:"schemaVersion,omitempty"`
	LatestVersion int64  `json:"latestVersion,omitempty"`
}

// newMigrateCmd is `shoot migrate`: it applies the database migrations and
// reports the schema version. serve applies them at start-up too; this is
// for deployments that migrate as a separate step.
func newMigrateCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "apply the database migrations and exit",
		Args:  noArgs,
	}
	fs := cmd.Flags()
	cc := bindConfig(e, fs)
	var asJSON bool
	bindJSON(fs, &asJSON, "the database and its schema version")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := cc.finish()
		if err != nil {
			return err
		}
		rep, err := migrate(cmd.Context(), cfg)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(e.stdout, rep)
		}
		if rep.LatestVersion > 0 {
			fmt.Fprintf(e.stdout, "database %s migrated: schema version %d of %d\n", rep.Dialect, rep.SchemaVersion, rep.LatestVersion)
			return nil
		}
		fmt.Fprintf(e.stdout, "database %s migrated\n", rep.Dialect)
		return nil
	}
	return cmd
}

// migrate opens the database, which applies the migrations.
func migrate(ctx context.Context, cfg *config.Config) (*migrateReport, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	rep := &migrateReport{Dialect: st.Dialect()}
	if st.Dialect() == "sqlite" {
		current, latest, err := sqlite.SchemaVersion(ctx, st.DB())
		if err != nil {
			return nil, err
		}
		rep.SchemaVersion, rep.LatestVersion = current, latest
	}
	return rep, nil
}
