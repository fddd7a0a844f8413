package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/creack/pty"
)

// update rewrites the golden files under testdata instead of comparing.
var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// binDir holds the shoot binary the process tests run, built once for
// the whole package and removed by TestMain.
var binDir string

func TestMain(m *testing.M) {
	flag.Parse()
	if err := useFakeAWSCredentials(); err != nil {
		os.Stderr.WriteString("TestMain: " + err.Error() + "\n")
		os.Exit(1)
	}
	code := m.Run()
	for _, dir := range []string{binDir, awsDir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "shoot-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "shoot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	return bin, nil
})

// shootBin returns the path of the built binary, building it on first use.
// Every test and benchmark that runs the binary shares this one build.
func shootBin(t testing.TB) string {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// binEnv is a child's environment: nothing of this process's SHOOT_*
// settings, a plain TERM, the tests' clip size (testClipSize), plus vars
// (a value of "" removes the variable).
func binEnv(vars map[string]string) []string {
	base := map[string]string{"PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME"), "TERM": "xterm-256color",
		"TMPDIR": os.TempDir()}
	for k, v := range vars {
		base[k] = v
	}
	if _, ok := base[clipSizeVar]; !ok {
		base[clipSizeVar] = testClipSize
	}
	var out []string
	for k, v := range base {
		if v != "" {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// binResult is how a run of the binary ended.
type binResult struct {
	code           int
	stdout, stderr string
}

// runBin runs the binary with args in dir (a fresh temporary folder when
// ""), stdin empty, and collects both outputs apart.
func runBin(t *testing.T, vars map[string]string, args ...string) binResult {
	t.Helper()
	cmd := exec.Command(shootBin(t), args...)
	cmd.Env = binEnv(vars)
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return binResult{code: exitCodeOf(t, err), stdout: stdout.String(), stderr: stderr.String()}
}

// exitCodeOf is the exit code a finished command's Wait error stands for.
func exitCodeOf(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("running shoot: %v", err)
	return -1
}

// runOnTerminal runs the binary with stdin, stdout and stderr on a pseudo
// terminal and returns the exit code and everything it drew.
func runOnTerminal(t *testing.T, vars map[string]string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(shootBin(t), args...)
	cmd.Env = binEnv(vars)
	cmd.Dir = t.TempDir()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&out, tty) // ends with EIO once the child has exited
		close(done)
	}()
	code := exitCodeOf(t, cmd.Wait())
	<-done
	return code, out.String()
}

// lines splits output into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}
