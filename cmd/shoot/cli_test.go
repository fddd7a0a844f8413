package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// helpCases are the help pages kept as golden files under testdata/help.
var helpCases = []struct {
	golden string
	args   []string
}{
	{"shoot", []string{"--help"}},
	{"serve", []string{"serve", "--help"}},
	{"mcp", []string{"mcp", "--help"}},
	{"run", []string{"run", "--help"}},
	{"worker", []string{"worker", "--help"}},
	{"frames", []string{"frames", "--help"}},
	{"resize", []string{"resize", "--help"}},
	{"stitch", []string{"stitch", "--help"}},
	{"easings", []string{"easings", "--help"}},
	{"migrate", []string{"migrate", "--help"}},
	{"token", []string{"token", "--help"}},
	{"token-create", []string{"token", "create", "--help"}},
	{"token-list", []string{"token", "list", "--help"}},
	{"token-revoke", []string{"token", "revoke", "--help"}},
	{"version", []string{"version", "--help"}},
	{"completion", []string{"completion", "--help"}},
}

// singleDashLong finds a long flag shown with one dash (-addr).
var singleDashLong = regexp.MustCompile(`(^|[\s,(])-[a-z][a-z-]+`)

// TestCLIHelpGolden: every help page matches its golden file, goes to
// stdout with exit 0, reads the same through `shoot help CMD`, and shows
// long flags GNU-style only (--flag). Run with -update to rewrite them.
func TestCLIHelpGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range helpCases {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			r := runBin(t, nil, tc.args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			golden := filepath.Join("testdata", "help", tc.golden+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if r.stdout != string(want) {
				t.Errorf("help differs from %s (run with -update if intended):\n%s", golden, r.stdout)
			}
			if m := singleDashLong.FindString(r.stdout); m != "" {
				t.Errorf("a long flag is shown with one dash: %q", m)
			}
			topic := append([]string{"help"}, tc.args[:len(tc.args)-1]...)
			if h := runBin(t, nil, topic...); h.code != 0 || h.stdout != r.stdout {
				t.Errorf("shoot %s: exit %d, differs from --help:\n%s", strings.Join(topic, " "), h.code, h.stdout)
			}
		})
	}
}

// TestCLIHelpOrder: the commands appear in the order a user needs them.
func TestCLIHelpOrder(t *testing.T) {
	t.Parallel()
	r := runBin(t, nil, "--help")
	order := []string{"serve", "run", "worker", "frames", "resize", "stitch", "easings", "migrate", "token", "version"}
	last := -1
	for _, name := range order {
		i := strings.Index(r.stdout, "\n  "+name+" ")
		if i <= last {
			t.Fatalf("%s is out of order (at %d, previous at %d):\n%s", name, i, last, r.stdout)
		}
		last = i
	}
}

// TestCLIErrorsOnceOnStderr: a bad command line or configuration exits 2
// with one line on stderr that names the culprit, and nothing on stdout.
func TestCLIErrorsOnceOnStderr(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"unknown flag", nil, []string{"serve", "--no-such-flag"}, "shoot serve: unknown flag: --no-such-flag"},
		{"single dash", nil, []string{"serve", "-addr", ":1"}, "--addr"},
		{"missing value", nil, []string{"frames", "--rows"}, "--rows"},
		{"bad number", nil, []string{"serve", "--workers", "two"}, "--workers"},
		{"unknown flag in run", nil, []string{"run", "--colour", "red"}, "shoot run: unknown flag: --colour"},
		{"typo", nil, []string{"serv"}, `did you mean "serve"?`},
		{"typo with flags", nil, []string{"stich", "--out", "x.mp4"}, `did you mean "stitch"?`},
		{"subcommand typo", nil, []string{"token", "revok", "alice"}, `did you mean "revoke"?`},
		{"help topic typo", nil, []string{"help", "easing"}, `did you mean "easings"?`},
		{"unknown shell", nil, []string{"completion", "tcsh"}, `unknown subcommand "tcsh"`},
		{"stray argument", nil, []string{"version", "extra"}, `unexpected argument "extra"`},
		{"resume without its data", nil, []string{"run", "--resume", "s1", "--out", "o"}, "--data-dir"},
		{"resume with a brief", nil, []string{"run", "--resume", "s1", "--brief", "b", "--data-dir", ".", "--out", "o"}, "--brief does not combine"},
		{"resume of nothing", nil, []string{"run", "--out", "o", "--data-dir", ".", "--resume", "nope"}, `--resume: no shoot "nope"`},
		{"bad variable", map[string]string{"SHOOT_WORKERS": "many"}, []string{"serve"}, "SHOOT_WORKERS"},
		{"bad variable for migrate", map[string]string{"SHOOT_DATABASE_URL": "oracle://x"}, []string{"migrate"}, "SHOOT_DATABASE_URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runBin(t, tc.vars, tc.args...)
			if r.code != 2 || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing", r.code, r.stdout)
			}
			if got := lines(r.stderr); len(got) != 1 || !strings.Contains(got[0], tc.want) {
				t.Fatalf("stderr %q, want one line with %q", r.stderr, tc.want)
			}
		})
	}
}

// TestCLINoCommand: `shoot` alone is a usage error; the list of commands
// goes to stderr, not stdout.
func TestCLINoCommand(t *testing.T) {
	t.Parallel()
	r := runBin(t, nil)
	if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "Usage:") || !strings.Contains(r.stderr, "serve") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestCLIVersion: --version, -v and `version` print the same line;
// `version --json` the same version as JSON.
func TestCLIVersion(t *testing.T) {
	t.Parallel()
	var v versionReport
	r := runBin(t, nil, "version", "--json")
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &v) != nil || v.Version == "" || !strings.HasPrefix(v.Go, "go") {
		t.Fatalf("version --json: exit %d %q", r.code, r.stdout)
	}
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}} {
		if r := runBin(t, nil, args...); r.code != 0 || r.stdout != "shoot "+v.Version+"\n" || r.stderr != "" {
			t.Errorf("%v: exit %d, %q %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestCLICompletion: bash, zsh and fish scripts, and the completions the
// scripts ask the binary for: commands, subcommands and flag values.
func TestCLICompletion(t *testing.T) {
	t.Parallel()
	scripts := map[string]string{
		"bash": "complete -o default -F __start_shoot shoot",
		"zsh":  "#compdef shoot",
		"fish": "complete -c shoot",
	}
	for shell, marker := range scripts {
		if r := runBin(t, nil, "completion", shell); r.code != 0 || !strings.Contains(r.stdout, marker) {
			t.Errorf("completion %s: exit %d, no %q in the script", shell, r.code, marker)
		}
	}
	asks := []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "sti"}, "stitch"},
		{[]string{"__complete", "token", "rev"}, "revoke"},
		{[]string{"__complete", "run", "--easing", ""}, "dramaticSwoop"},
		{[]string{"__complete", "help", "wor"}, "worker"},
		{[]string{"__complete", "serve", "--data"}, "--data-dir"},
	}
	for _, a := range asks {
		r := runBin(t, nil, a.args...)
		if r.code != 0 || !strings.Contains(r.stdout, a.want+"\t") && !strings.Contains(r.stdout, a.want+"\n") {
			t.Errorf("%v: exit %d, %q lacks %s", a.args, r.code, r.stdout, a.want)
		}
	}
}
