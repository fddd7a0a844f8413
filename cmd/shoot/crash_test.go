package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// The crash test runs the real binary as a child process and SIGKILLs it
// (with its ffmpeg children) in the middle of every stage of one shoot,
// restarting it on the same data folder each time. Each kill is aimed by
// watching the queue from outside: the test reads river_job read-only and
// kills the moment the stage's job is running — for hero, contact sheet and
// clips also after the provider task was recorded, so the restart must
// re-attach to it. The studio is slowed (images 1 s, clips 2 s) so those
// stages stay in flight long enough; the frames stage is a 2K crop (about
// a second on this machine) and the final stage an ffmpeg stitch, both
// caught by polling every 2 ms. After each kill the test checks that the
// job was still marked running — the kill landed inside the stage.

// crashServer is one run of `shoot serve` as a separate process.
type crashServer struct {
	cmd    *exec.Cmd
	base   string
	log    *serveOutput
	exited chan int
}

// buildCrashBinary is the package's one build of cmd/shoot (shootBin).
func buildCrashBinary(t *testing.T) string {
	t.Helper()
	return shootBin(t)
}

// startCrashServer starts `shoot serve` on the data folder and waits for its URL.
func startCrashServer(t *testing.T, bin, dataDir string, env []string) *crashServer {
	t.Helper()
	c := &crashServer{log: &serveOutput{}, exited: make(chan int, 1)}
	c.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	c.cmd.Env = env
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group: ffmpeg children die with it
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(c.log, sc.Text())
		}
		err := c.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			c.exited <- ee.ExitCode()
			return
		}
		c.exited <- 0
	}()
	c.base = waitForURL(t, c.log, c.exited)
	return c
}

// kill SIGKILLs the process group the child leads and waits for it.
func (c *crashServer) kill(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-c.exited
}

// stop ends the child as SIGTERM would and waits for a clean exit.
func (c *crashServer) stop(t *testing.T) {
	t.Helper()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case code := <-c.exited:
		if code != 0 {
			t.Errorf("serve exited with %d after SIGTERM:\n%s", code, c.log.String())
		}
	case <-time.After(40 * time.Second):
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		t.Fatal("serve did not stop within 40 s of SIGTERM")
	}
}

// crashTarget is a stage to kill the server in and how to see it running.
type crashTarget struct {
	stage    string
	workKind string // the pipeline work kind of its job
	taskSlot string // a provider task that must exist before the kill ("" = none)
}

var crashTargets = []crashTarget{
	{shoot.StageHero, "hero", "hero0-v1"},
	{shoot.StageContactSheet, "sheet", "contact-sheet0-v1"},
	{shoot.StageFrames, "frames", ""},
	{shoot.StageClips, "clip", "clip3-v1"},
	{shoot.StageFinal, "final", ""},
}

// jobRunning reports whether a job of the kind is running for the session.
func jobRunning(t *testing.T, db *sql.DB, sid, kind string) bool {
	t.Helper()
	var n int
	err := db.QueryRow(`SELECT count(*) FROM river_job WHERE state = 'running'
		AND json_extract(args, '$.session_id') = ? AND json_extract(args, '$.kind') = ?`, sid, kind).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// taskHandles returns the session's provider task handles by slot (the
// key without its session prefix and generation suffix).
func taskHandles(t *testing.T, db *sql.DB, sid string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range taskRows(t, db, sid, "handle") {
		out[r[0][:strings.LastIndex(r[0], "-g")]] = r[1]
	}
	return out
}

// aimAndKill waits until the target stage's job runs (and its provider task
// is recorded), then kills the server. It returns the task taskHandles seen.
func aimAndKill(t *testing.T, c *crashServer, db *sql.DB, sid string, tg crashTarget) map[string]string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if jobRunning(t, db, sid, tg.workKind) {
			seen := taskHandles(t, db, sid)
			if _, ok := seen[tg.taskSlot]; tg.taskSlot == "" || ok {
				c.kill(t)
				return seen
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the %s stage never ran:\n%s", tg.stage, c.log.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// eventFollower collects a session's events across server restarts,
// resuming each time with Last-Event-ID.
type eventFollower struct {
	mu   sync.Mutex
	evs  []sseEvent
	done chan struct{}
}

// follow reads the session's events from base, after the last one seen,
// until the stream breaks or the shoot ends.
func (f *eventFollower) follow(ctx context.Context, base, sid string) {
	f.done = make(chan struct{})
	go func() {
		defer close(f.done)
		f.mu.Lock()
		var last int64
		if len(f.evs) > 0 {
			last = f.evs[len(f.evs)-1].ID
		}
		f.mu.Unlock()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/sessions/"+sid+"/events", nil)
		req.Header.Set("Last-Event-ID", fmt.Sprint(last))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return
		}
		defer resp.Body.Close()
		_ = readSSE(resp.Body, func(e sseEvent) bool {
			f.mu.Lock()
			f.evs = append(f.evs, e)
			f.mu.Unlock()
			return !shootEnded(e)
		})
	}()
}

func TestCrashAtEveryStageLosesNothing(t *testing.T) {
	t.Parallel()
	t.Logf("%s build", time.Now().Format("15:04:05.000"))
	bin := buildCrashBinary(t)
	t.Logf("%s built", time.Now().Format("15:04:05.000"))
	dataDir := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir(),
		"SHOOT_STUDIO_IMAGE_LATENCY=1s", "SHOOT_STUDIO_CLIP_LATENCY=2s"}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()

	env = withTestClipSize(env)
	c := startCrashServer(t, bin, dataDir, env)
	s := &liveStudio{t: t, Base: c.base, Dir: dataDir}
	sid := startOnly(t, s, s.upload(refPNG(21), refPNG(22)), "tailored wool, winter light",
		map[string]any{"autoApprove": true, "clipDuration": 0.5, "fps": 24})
	if sid == "" {
		t.Fatal("no session id")
	}
	db := peekDB(t, dataDir)
	f := &eventFollower{}
	seen := map[string]string{}
	for _, tg := range crashTargets {
		f.follow(ctx, c.base, sid)
		for k, v := range aimAndKill(t, c, db, sid, tg) {
			seen[k] = v
		}
		<-f.done
		if !jobRunning(t, db, sid, tg.workKind) {
			t.Errorf("the kill missed the %s stage: its job was no longer running", tg.stage)
		}
		t.Logf("%s killed during %s", time.Now().Format("15:04:05.000"), tg.stage)
		c = startCrashServer(t, bin, dataDir, env)
	}
	f.follow(ctx, c.base, sid)
	<-f.done
	t.Logf("%s finished", time.Now().Format("15:04:05.000"))
	c.stop(t)
	t.Logf("%s stopped", time.Now().Format("15:04:05.000"))
	checkCrashedShoot(t, &liveStudio{t: t, Dir: dataDir}, sid, seen, f.evs)
}

// checkCrashedShoot checks the finished shoot: the film and every artifact
// exist once, at version 1; each provider request was made once, under the
// handle recorded before the crash; the events have no gap or duplicate.
func checkCrashedShoot(t *testing.T, s *liveStudio, sid string, seen map[string]string, evs []sseEvent) {
	t.Helper()
	if len(evs) == 0 || !shootEnded(evs[len(evs)-1]) || evs[len(evs)-1].Type() != "complete" {
		t.Fatalf("the shoot did not finish: %d events, last %v", len(evs), evs[len(evs)-1].Data)
	}
	checkSequence(t, evs)
	st := s.openDB()
	as, err := st.ListAssets(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, a := range as {
		if a.Type == shoot.AssetInput {
			continue
		}
		name := a.Type
		if a.Index > 0 {
			name = fmt.Sprintf("%s-%d", a.Type, a.Index)
		}
		got[name]++
		if a.Version != 1 {
			t.Errorf("%s has a version %d: made twice", name, a.Version)
		}
		if _, err := os.Stat(filepath.Join(s.Dir, "blobs", filepath.FromSlash(a.Key))); err != nil {
			t.Errorf("%s: %v", a.Key, err)
		}
	}
	wantVersions(t, got, shootVersions(5))
	after := taskHandles(t, st.DB(), sid)
	if len(after) != 7 {
		t.Errorf("provider tasks %v, want 7 (hero, sheet, five clips)", after)
	}
	for slot, h := range seen {
		if after[slot] != h {
			t.Errorf("provider task %s was submitted again after the crash: %s → %s", slot, h, after[slot])
		}
	}
	sess, err := st.GetSession(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Status != shoot.StatusCompleted || sess.PipelineStage != shoot.StageComplete {
		t.Errorf("session %s/%s after the crashes", sess.Status, sess.PipelineStage)
	}
}

// checkSequence fails unless event ids run 1, 2, … N without a gap or a
// repeat.
func checkSequence(t *testing.T, evs []sseEvent) {
	t.Helper()
	for i, e := range evs {
		if e.ID != int64(i+1) {
			t.Fatalf("event %d has id %d: the union of the streams has a gap or a duplicate", i+1, e.ID)
		}
	}
}
