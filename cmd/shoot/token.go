package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// cliActor is who the audit log names for changes made from the terminal.
const cliActor = "cli"

// cmdToken manages API tokens: create (printing the token once), list and
// revoke. Tokens live in the studio's database, so the command takes the same
// storage flags as serve and works while the studio is running; a revoked
// token stops working on the studio's very next request.
func cmdToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(e.stdout, "Usage: shoot token create --name NAME [--admin] | list | revoke NAME  [storage flags]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return usagef("name a subcommand: create, list or revoke")
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, e, args[1:])
	case "list":
		return tokenList(ctx, e, args[1:])
	case "revoke":
		return tokenRevoke(ctx, e, args[1:])
	}
	return usagef("unknown subcommand %q (create, list or revoke)", args[0])
}

// openAuthStore loads the configuration from args and opens the database.
func openAuthStore(ctx context.Context, e *env, fs *flag.FlagSet, args []string) (store.Auth, func() error, error) {
	cfg, err := loadConfig(e, fs, args, nil)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	as, ok := st.(store.Auth)
	if !ok {
		st.Close()
		return nil, nil, fmt.Errorf("the %s store keeps no tokens", st.Dialect())
	}
	return as, st.Close, nil
}

func tokenCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "token create", "--name NAME [--admin] [storage flags]")
	var name string
	var admin bool
	fs.StringVar(&name, "name", "", "the user the token acts for: 1–64 letters, digits, '.', '_', '@' or '-'")
	fs.BoolVar(&admin, "admin", false, "an administrator's token: sees every user's sessions and the audit log")
	as, closeStore, err := openAuthStore(ctx, e, fs, args)
	if err != nil {
		return err
	}
	defer closeStore()
	if !store.ValidTokenName(name) {
		return usagef("--name must be 1–64 letters, digits, '.', '_', '@' or '-' (got %q)", name)
	}
	token, hash := auth.NewToken()
	if err := as.CreateToken(ctx, &store.Token{Name: name, Hash: hash, Admin: admin}); err != nil {
		return err
	}
	kind, detail := "token", ""
	if admin {
		kind, detail = "administrator token", "admin"
	}
	recordCLI(ctx, e, as, "token.create", name, detail)
	fmt.Fprintf(e.stderr, "Created an %s for %q. Copy it now: it is stored only as a hash and cannot be shown again.\n", kind, name)
	fmt.Fprintln(e.stdout, token)
	return nil
}

func tokenList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "token list", "[storage flags]")
	as, closeStore, err := openAuthStore(ctx, e, fs, args)
	if err != nil {
		return err
	}
	defer closeStore()
	tokens, err := as.ListTokens(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tLAST USED\tSTATUS")
	for _, t := range tokens {
		role, status := "user", "active"
		if t.Admin {
			role = "admin"
		}
		if t.RevokedAt != nil {
			status = "revoked " + t.RevokedAt.Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, role, t.CreatedAt.Format(time.DateTime), when(t.LastUsedAt), status)
	}
	return tw.Flush()
}

func when(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.Format(time.DateTime)
}

func tokenRevoke(ctx context.Context, e *env, args []string) error {
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	fs := newFlagSet(e, "token revoke", "NAME [storage flags]")
	as, closeStore, err := openAuthStore(ctx, e, fs, args)
	if err != nil {
		return err
	}
	defer closeStore()
	if name == "" {
		return usagef("name the token to revoke: shoot token revoke NAME")
	}
	if err := as.RevokeToken(ctx, name, store.Now()); err != nil {
		if shoot.ErrorCode(err) == shoot.ENOTFOUND {
			return fmt.Errorf("no active token is named %q (see shoot token list)", name)
		}
		return err
	}
	recordCLI(ctx, e, as, "token.revoke", name, "")
	fmt.Fprintf(e.stdout, "Revoked the token of %q; its requests and browser sign-ins stop working now.\n", name)
	return nil
}

// recordCLI writes an audit entry for a change made from the terminal; the
// change is done, so a failure only warns.
func recordCLI(ctx context.Context, e *env, as store.Auth, action, target, detail string) {
	if err := as.AppendAudit(ctx, &store.AuditEntry{Actor: cliActor, Action: action, Target: target, Detail: detail}); err != nil {
		fmt.Fprintf(e.stderr, "warning: audit entry not recorded: %v\n", err)
	}
}

// checkAuthExposure is serve's refusal to run open on a public address.
func checkAuthExposure(cfg *config.Config) error {
	if err := cfg.CheckAuthExposure(); err != nil {
		return usagef("%v", err)
	}
	return nil
}
