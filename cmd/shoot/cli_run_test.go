package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestCLIRunJSONOnAPipe: `shoot run --json` ends with a JSON summary on
// stdout; with stderr a pipe, the progress is plain lines, no escapes.
func TestCLIRunJSONOnAPipe(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "shoot")
	r := runBin(t, nil, append(fastRunArgs(out, writeRefs(t, 1)...), "--yes", "--json")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var rep runReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if rep.SessionID == "" || rep.Film != filepath.Join(out, "final", "fashion-video.mp4") ||
		rep.Manifest != filepath.Join(out, "manifest.json") || readManifest(t, out).SessionID != rep.SessionID {
		t.Fatalf("summary %+v", rep)
	}
	checkLayout(t, out, 5)
	if strings.Contains(r.stderr, "\x1b") || !strings.Contains(r.stderr, "hero           [") {
		t.Fatalf("progress on a pipe should be plain bar lines:\n%q", r.stderr)
	}
}

// TestCLIProgressOnlyOnATerminal: bars redraw in place (escape sequences)
// only on a real terminal whose TERM is not dumb; otherwise plain lines.
// stitch draws a bar too.
func TestCLIProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	t.Run("run", func(t *testing.T) {
		t.Parallel()
		refs := writeRefs(t, 1)
		for _, term := range []string{"xterm-256color", "dumb"} {
			out := filepath.Join(t.TempDir(), "shoot")
			code, screen := runOnTerminal(t, map[string]string{"TERM": term}, append(fastRunArgs(out, refs...), "--yes")...)
			if code != 0 {
				t.Fatalf("TERM=%s: exit %d\n%s", term, code, screen)
			}
			redraws := strings.Contains(screen, "\x1b[")
			if redraws != (term != "dumb") || !strings.Contains(screen, "hero           [") {
				t.Errorf("TERM=%s: redraws=%v:\n%q", term, redraws, screen)
			}
		}
	})
	t.Run("stitch", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		a, b := testClip(t, dir, "a.mp4"), testClip(t, dir, "b.mp4")
		args := []string{"stitch", "--clip", a, "--clip", b, "--clip-duration", "0.5", "--fps", "24", "--out", filepath.Join(dir, "film.mp4")}
		code, screen := runOnTerminal(t, nil, args...)
		if code != 0 || !strings.Contains(screen, "\r\x1b[2Kstitch") || !strings.Contains(screen, "100%") ||
			strings.Contains(screen, "shoot stitch:") {
			t.Errorf("terminal: exit %d, want a bar redrawn in place:\n%q", code, screen)
		}
		code, screen = runOnTerminal(t, map[string]string{"TERM": "dumb"}, args...)
		if code != 0 || strings.Contains(screen, "\x1b") || !strings.Contains(screen, "shoot stitch: 100%") {
			t.Errorf("TERM=dumb: exit %d, want plain lines:\n%q", code, screen)
		}
		r := runBin(t, nil, args...)
		if r.code != 0 || strings.Contains(r.stderr, "\x1b") || !strings.Contains(r.stderr, "shoot stitch:  50%") {
			t.Errorf("pipe: exit %d, want plain lines:\n%q", r.code, r.stderr)
		}
	})
}

// lineWatch collects a child's stderr lines as they come.
type lineWatch struct {
	mu    sync.Mutex
	lines []string
	last  time.Time
}

func (w *lineWatch) read(sc *bufio.Scanner) {
	for sc.Scan() {
		w.mu.Lock()
		w.lines, w.last = append(w.lines, sc.Text()), time.Now()
		w.mu.Unlock()
	}
}

// snapshot returns the lines so far and how long ago the last came.
func (w *lineWatch) snapshot() ([]string, time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.lines...), time.Since(w.last)
}

// waitFor polls until ok accepts the lines, failing after a minute.
func (w *lineWatch) waitFor(t *testing.T, what string, ok func([]string, time.Duration) bool) []string {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ls, quiet := w.snapshot(); ok(ls, quiet) {
			return ls
		}
	}
	ls, _ := w.snapshot()
	t.Fatalf("no %s within a minute:\n%s", what, strings.Join(ls, "\n"))
	return nil
}

// TestCLIInterruptRunThenResume: Ctrl-C while the hero is being made ends
// `shoot run` with exit 130 and exactly one line, "interrupted" with how
// to carry on, and no log lines; the session is left as it was, and the
// suggested --resume finishes the film.
func TestCLIInterruptRunThenResume(t *testing.T) {
	t.Parallel()
	data, out := t.TempDir(), filepath.Join(t.TempDir(), "shoot")
	cmd := exec.Command(shootBin(t), append(fastRunArgs(out, writeRefs(t, 1)...), "--yes", "--data-dir", data)...)
	cmd.Env = binEnv(map[string]string{"SHOOT_STUDIO_IMAGE_LATENCY": "4s"})
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &lineWatch{}
	readDone := make(chan struct{})
	go func() { w.read(bufio.NewScanner(stderr)); close(readDone) }()
	before := w.waitFor(t, "hero in flight", func(ls []string, quiet time.Duration) bool {
		return len(ls) > 0 && strings.HasPrefix(ls[len(ls)-1], "hero ") && quiet > 300*time.Millisecond
	})
	sid := strings.Fields(before[0])[1]
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	<-readDone
	code := exitCodeOf(t, cmd.Wait())
	all, _ := w.snapshot()
	after := all[len(before):]
	hint := "shoot run: interrupted; carry on with: shoot run --resume " + sid + " --data-dir " + data + " --out " + out
	if code != 130 || len(after) != 1 || after[0] != hint || stdout.String() != "" {
		t.Fatalf("exit %d, stdout %q, after the signal:\n%s\nwant 130 and only %q", code, stdout.String(), strings.Join(after, "\n"), hint)
	}
	var state string
	if err := peekDB(t, data).QueryRow(`SELECT run_state FROM sessions WHERE id = ?`, sid).Scan(&state); err != nil || state != "running" {
		t.Fatalf("session state %q (%v), want it left running, not cancelled", state, err)
	}
	r := runBin(t, nil, "run", "--resume", sid, "--data-dir", data, "--out", out, "--yes", "--json")
	var rep runReport
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil || rep.SessionID != sid {
		t.Fatalf("resume: exit %d, %q\n%s", r.code, r.stdout, r.stderr)
	}
	checkLayout(t, out, 5)
}

// TestCLIResumeAtACheckpoint: a shoot left waiting at a checkpoint (here:
// no answer on stdin) resumes by showing that checkpoint again.
func TestCLIResumeAtACheckpoint(t *testing.T) {
	t.Parallel()
	data, out := t.TempDir(), filepath.Join(t.TempDir(), "shoot")
	r := runBin(t, nil, append(fastRunArgs(out, writeRefs(t, 1)...), "--data-dir", data)...)
	if r.code != 1 || !strings.Contains(r.stderr, "no answer on standard input") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	sid := strings.Fields(r.stderr)[1]
	r = runBin(t, nil, "run", "--resume", sid, "--out", out, "--data-dir", data, "--yes")
	if r.code != 0 || !strings.Contains(r.stderr, "Resuming shoot "+sid+" (awaiting)") || !strings.Contains(r.stderr, "✔ Hero image ready") {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	checkLayout(t, out, 5)
}

// TestCLISIGTERMStopsServeCleanly: a server's normal end is a signal, so
// serve exits 0 on SIGTERM, as orchestrators expect, and logs its shutdown.
func TestCLISIGTERMStopsServeCleanly(t *testing.T) {
	t.Parallel()
	c := startCrashServer(t, shootBin(t), t.TempDir(), binEnv(nil))
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-c.exited:
		if code != 0 || !strings.Contains(c.log.String(), "shoot stopped") {
			t.Fatalf("serve exited %d after SIGTERM, logging:\n%s", code, c.log.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop within 40 s")
	}
}
