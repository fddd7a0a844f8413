package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// accToken runs `shoot token create` against a data dir and returns the
// printed token.
func accToken(t *testing.T, dir, name string, admin bool) string {
	t.Helper()
	args := []string{"token", "create", "--name", name, "--data-dir", dir}
	if admin {
		args = append(args, "--admin")
	}
	code, stdout, stderr := runShoot(t.Context(), nil, args...)
	if code != 0 {
		t.Fatalf("token create %s: exit %d: %s", name, code, stderr)
	}
	tok := strings.TrimSpace(stdout)
	if !auth.WellFormed(tok) {
		t.Fatalf("token create printed %q", stdout)
	}
	return tok
}

func TestTokenCommands(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	alice := accToken(t, dir, "alice", false)
	root := accToken(t, dir, "root", true)
	if alice == root {
		t.Fatal("two tokens are the same")
	}

	// Only the hash is stored.
	db, err := sqlite.Open(ctx, filepath.Join(dir, "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	if err := db.DB().QueryRowContext(ctx, `SELECT count(*) FROM tokens WHERE hash = ? AND hash <> ?`,
		auth.Hash(alice), alice).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("stored hash rows %d, %v", rows, err)
	}
	var dump string
	if err := db.DB().QueryRowContext(ctx, `SELECT (SELECT group_concat(name || hash, ' ') FROM tokens) || ' ' ||
		(SELECT group_concat(actor || action || target || detail, ' ') FROM audit_log)`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, alice[len(auth.TokenPrefix):]) || !strings.Contains(dump, "alice") {
		t.Fatalf("the token itself is in the database: %q", dump)
	}

	code, out, _ := runShoot(ctx, nil, "token", "list", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "alice") || !strings.Contains(out, "admin") || strings.Contains(out, alice) ||
		strings.Count(out, "active") != 2 {
		t.Fatalf("list: %d %q", code, out)
	}
	code, _, stderr := runShoot(ctx, nil, "token", "create", "--name", "alice", "--data-dir", dir)
	if code != 1 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("duplicate name: %d %q", code, stderr)
	}
	code, out, _ = runShoot(ctx, nil, "token", "revoke", "alice", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "Revoked") {
		t.Fatalf("revoke: %d %q", code, out)
	}
	if _, err := db.TokenByHash(ctx, auth.Hash(alice)); err == nil {
		t.Fatal("a revoked token still resolves")
	}
	code, out, _ = runShoot(ctx, nil, "token", "list", "--data-dir", dir)
	if !strings.Contains(out, "revoked") || strings.Count(out, "active") != 1 {
		t.Fatalf("list after revoke: %q", out)
	}
	code, _, stderr = runShoot(ctx, nil, "token", "revoke", "alice", "--data-dir", dir)
	if code != 1 || !strings.Contains(stderr, "no active token") {
		t.Fatalf("revoke twice: %d %q", code, stderr)
	}
	// A revoked name can get a new token.
	if again := accToken(t, dir, "alice", false); again == alice {
		t.Fatal("rotation gave the same token")
	}
	entries, err := db.ListAudit(ctx, store.AuditFilter{Actor: "cli"})
	if err != nil || len(entries) != 4 || entries[1].Action != "token.revoke" || entries[1].Target != "alice" {
		t.Fatalf("audit %v %v", entries, err)
	}
}

func TestTokenCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"token"}, 2, "create, list or revoke"},
		{[]string{"token", "rotate"}, 2, "unknown subcommand"},
		{[]string{"token", "create", "--data-dir", dir}, 2, "--name"},
		{[]string{"token", "create", "--name", "has space", "--data-dir", dir}, 2, "--name"},
		{[]string{"token", "revoke", "--data-dir", dir}, 2, "name the token"},
		{[]string{"token", "list", "extra", "--data-dir", dir}, 2, "unexpected argument"},
	} {
		code, _, stderr := runShoot(t.Context(), nil, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q, want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
	if code, out, _ := runShoot(t.Context(), nil, "token", "--help"); code != 0 || !strings.Contains(out, "revoke NAME") {
		t.Errorf("help: %d %q", code, out)
	}
}

// TestServeRefusesOpenPublicAddress checks that `shoot serve` will not run
// without access control on an address other machines can reach, and says
// why. It fails before listening, so nothing is ever exposed.
func TestServeRefusesOpenPublicAddress(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	env := map[string]string{"SHOOT_AUTH": "none"}
	code, _, stderr := runShoot(ctx, env, "serve", "--addr", "0.0.0.0:0", "--data-dir", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "SHOOT_AUTH=none") || !strings.Contains(stderr, "--insecure-no-auth") ||
		!strings.Contains(stderr, "shoot token create") {
		t.Fatalf("exit %d: %q", code, stderr)
	}
}
