package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// decodeJSON runs the binary, expects exit 0 and decodes stdout into v.
func decodeJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	r := runBin(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("%v: stdout is not JSON (%v):\n%s", args, err, r.stdout)
	}
}

// TestCLIJSONTools: frames, resize, stitch and easings report as JSON,
// with flags before and after one another in any order.
func TestCLIJSONTools(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t.Run("frames", func(t *testing.T) {
		t.Parallel()
		sheet, cells := writeSheet(t, dir, "sheet.png", 2, 3)
		var rep framesReport
		decodeJSON(t, &rep, "frames", "--json", "--out", filepath.Join(dir, "frames"), "--in", sheet)
		if rep.Rows != 2 || rep.Cols != 3 || len(rep.Frames) != len(cells) {
			t.Fatalf("report %+v", rep)
		}
	})
	t.Run("resize", func(t *testing.T) {
		t.Parallel()
		in := filepath.Dir(writeRefs(t, 2)[0])
		var rep resizeReport
		decodeJSON(t, &rep, "resize", "--in", in, "--json", "--aspect=1:1", "--out", filepath.Join(dir, "square"))
		if rep.Aspect != "1:1" || len(rep.Files) != 2 {
			t.Fatalf("report %+v", rep)
		}
		for _, f := range rep.Files {
			if f.Width != f.Height || f.FromWidth != 200 || f.FromHeight != 300 || !strings.HasPrefix(f.File, dir) {
				t.Errorf("file %+v", f)
			}
		}
	})
	t.Run("stitch", func(t *testing.T) {
		t.Parallel()
		a, b := testClip(t, dir, "a.mp4"), testClip(t, dir, "b.mp4")
		var rep struct {
			Out    string `json:"out"`
			Frames int    `json:"frames"`
			Clips  []any  `json:"clips"`
		}
		out := filepath.Join(dir, "film.mp4")
		decodeJSON(t, &rep, "stitch", "--clip", a, "--json", "--clip", b, "--clip-duration", "0.5", "--out", out, "--fps", "24")
		if rep.Out != out || len(rep.Clips) != 2 || rep.Frames < 20 {
			t.Fatalf("report %+v", rep)
		}
	})
	t.Run("easings", func(t *testing.T) {
		t.Parallel()
		var cat []struct{ Name string }
		decodeJSON(t, &cat, "easings", "--json")
		found := false
		for _, c := range cat {
			found = found || c.Name == "dramaticSwoop"
		}
		if !found {
			t.Fatalf("no dramaticSwoop in %v", cat)
		}
	})
}

// TestCLIJSONAdmin: migrate and the token commands report as JSON, and a
// positional argument may come before or after the flags.
func TestCLIJSONAdmin(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	var mig migrateReport
	decodeJSON(t, &mig, "migrate", "--json", "--data-dir", data)
	if mig.Dialect != "sqlite" || mig.SchemaVersion == 0 || mig.SchemaVersion != mig.LatestVersion {
		t.Fatalf("migrate: %+v", mig)
	}
	var created createdToken
	decodeJSON(t, &created, "token", "create", "--name", "alice", "--json", "--data-dir", data)
	if created.Name != "alice" || created.Admin || len(created.Token) < 20 {
		t.Fatalf("create: %+v", created)
	}
	decodeJSON(t, &created, "token", "create", "--data-dir", data, "--admin", "--json", "--name=bob")
	if created.Name != "bob" || !created.Admin {
		t.Fatalf("create admin: %+v", created)
	}
	var revoked map[string]any
	decodeJSON(t, &revoked, "token", "revoke", "alice", "--data-dir", data, "--json")
	decodeJSON(t, &revoked, "token", "revoke", "--json", "--data-dir", data, "bob")
	if revoked["name"] != "bob" || revoked["revoked"] != true {
		t.Fatalf("revoke: %v", revoked)
	}
	var list []listedToken
	decodeJSON(t, &list, "token", "list", "--json", "--data-dir", data)
	if len(list) != 2 {
		t.Fatalf("list: %+v", list)
	}
	for _, tok := range list {
		if tok.RevokedAt == nil || tok.CreatedAt.IsZero() || tok.LastUsedAt != nil {
			t.Errorf("token %+v: want revoked, created, never used", tok)
		}
	}
}
