package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// cliActor is who the audit log names for changes made from the terminal.
const cliActor = "cli"

// newTokenCmd is `shoot token`: create (printing the token once), list and
// revoke API tokens. Tokens live in the studio's database, so the commands
// take the same storage flags as serve and work while the studio is
// running; a revoked token stops working on the studio's very next request.
func newTokenCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "create, list and revoke API tokens",
		Long: "Create, list and revoke API tokens.\n\n" +
			"  shoot token create --name NAME [--admin] | list | revoke NAME  [storage flags]",
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("name a subcommand: create, list or revoke")
			}
			return unknownCommand(cmd, args[0])
		},
	}
	cmd.AddCommand(newTokenCreateCmd(e), newTokenListCmd(e), newTokenRevokeCmd(e))
	return cmd
}

// openAuthStore finishes the configuration and opens the database.
func openAuthStore(ctx context.Context, cc *cmdConfig) (store.Auth, func() error, error) {
	cfg, err := cc.finish()
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

// createdToken is what `shoot token create --json` prints.
type createdToken struct {
	Name  string `json:"name"`
	Admin bool   `json:"admin"`
	Token string `json:"token"`
}

func newTokenCreateCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "create --name NAME", Short: "create a token and print it once", Args: noArgs}
	fs := cmd.Flags()
	cc := bindConfig(e, fs)
	var name string
	var admin, asJSON bool
	fs.StringVar(&name, "name", "", "the user the token acts for: 1–64 letters, digits, '.', '_', '@' or '-'")
	fs.BoolVar(&admin, "admin", false, "an administrator's token: sees every user's sessions and the audit log")
	bindJSON(fs, &asJSON, "the name, role and token")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ctx := cmd.Context()
		as, closeStore, err := openAuthStore(ctx, cc)
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
		if asJSON {
			return writeJSON(e.stdout, createdToken{Name: name, Admin: admin, Token: token})
		}
		fmt.Fprintln(e.stdout, token)
		return nil
	}
	return cmd
}

// listedToken is one token in `shoot token list --json`; times are RFC 3339
// and null when they never happened.
type listedToken struct {
	Name       string     `json:"name"`
	Admin      bool       `json:"admin"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	RevokedAt  *time.Time `json:"revokedAt"`
}

func newTokenListCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "list the tokens, revoked ones too", Args: noArgs}
	fs := cmd.Flags()
	cc := bindConfig(e, fs)
	var asJSON bool
	bindJSON(fs, &asJSON, "the tokens")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		as, closeStore, err := openAuthStore(cmd.Context(), cc)
		if err != nil {
			return err
		}
		defer closeStore()
		tokens, err := as.ListTokens(cmd.Context())
		if err != nil {
			return err
		}
		if asJSON {
			list := make([]listedToken, 0, len(tokens))
			for _, t := range tokens {
				list = append(list, listedToken{t.Name, t.Admin, t.CreatedAt, t.LastUsedAt, t.RevokedAt})
			}
			return writeJSON(e.stdout, list)
		}
		return printTokens(e, tokens)
	}
	return cmd
}

func printTokens(e *env, tokens []*store.Token) error {
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

func newTokenRevokeCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "revoke NAME", Short: "revoke a user's token", Args: cobra.ArbitraryArgs}
	fs := cmd.Flags()
	cc := bindConfig(e, fs)
	var asJSON bool
	bindJSON(fs, &asJSON, "the revoked name")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		as, closeStore, err := openAuthStore(ctx, cc)
		if err != nil {
			return err
		}
		defer closeStore()
		switch {
		case len(args) == 0:
			return usagef("name the token to revoke: shoot token revoke NAME")
		case len(args) > 1:
			return usagef("unexpected argument %q", args[1])
		}
		name := args[0]
		if err := as.RevokeToken(ctx, name, store.Now()); err != nil {
			if shoot.ErrorCode(err) == shoot.ENOTFOUND {
				return fmt.Errorf("no active token is named %q (see shoot token list)", name)
			}
			return err
		}
		recordCLI(ctx, e, as, "token.revoke", name, "")
		if asJSON {
			return writeJSON(e.stdout, map[string]any{"name": name, "revoked": true})
		}
		fmt.Fprintf(e.stdout, "Revoked the token of %q; its requests and browser sign-ins stop working now.\n", name)
		return nil
	}
	return cmd
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
