package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCINeverSkips runs this package's browser and PostgreSQL tests again,
// in a child test process, as CI would on a machine missing what they need
// (no chromium on PATH, no SHOOT_TEST_POSTGRES_URL): with CI set they must
// fail and say what is missing, never skip.
func TestCINeverSkips(t *testing.T) {
	t.Parallel()
	cases := []struct {
		test, env, want string
	}{
		{"TestWebStudio", "PATH=" + t.TempDir(), "chromium is not installed"},
		{"TestPostgresShoot", "SHOOT_TEST_POSTGRES_URL=", "SHOOT_TEST_POSTGRES_URL is not set"},
	}
	for _, c := range cases {
		for _, ci := range []string{"true", "1"} {
			cmd := exec.Command(os.Args[0], "-test.run", "^"+c.test+"$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), "CI="+ci, c.env)
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), c.want) || strings.Contains(string(out), "--- SKIP") {
				t.Errorf("%s with CI=%s and %s: err %v, output:\n%s", c.test, ci, c.env, err, out)
			}
		}
	}
}
