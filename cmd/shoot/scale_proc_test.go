package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
)

// buildShoot returns the path of the package's one build of this command
// (shootBin).
func buildShoot(t testing.TB) string {
	t.Helper()
	return shootBin(t)
}

// proc is a shoot process started from the built binary.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *serveOutput
	done chan struct{}
}

// startProc starts bin with args and exactly the variables in env (plus
// PATH for ffmpeg): nothing of the developer's environment, such as real
// provider keys, reaches it. It is stopped when the test ends; its output
// is logged if the test failed.
func startProc(t testing.TB, bin, name string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(bin, args...), out: &serveOutput{}, done: make(chan struct{})}
	p.cmd.Env = withTestClipSize(append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir()}, env...))
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("--- %s output:\n%s", p.name, tail(p.out.String(), 60))
		}
	})
	return p
}

// stop sends SIGTERM and waits; after 30 s it kills.
func (p *proc) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// kill ends the process at once, as a crash or an OOM kill would.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// waitLog waits until the process has logged want.
func (p *proc) waitLog(t testing.TB, want string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(p.out.String(), want) {
		select {
		case <-p.done:
			t.Fatalf("%s exited before logging %q:\n%s", p.name, want, tail(p.out.String(), 40))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not log %q:\n%s", p.name, want, tail(p.out.String(), 40))
		}
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// startSplitStudio starts one API process (`serve --workers 0`) and the
// named worker processes on one database and one blob folder, and returns
// the API's base URL and the workers by name.
func startSplitStudio(t testing.TB, bin string, env []string, workers ...string) (string, map[string]*proc) {
	t.Helper()
	api := startProc(t, bin, "api", env, "serve", "--workers", "0", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())
	api.waitLog(t, "shoot is serving") // migrations done: the workers start on a ready schema
	base := servedURL.FindStringSubmatch(api.out.String())[1]
	ws := map[string]*proc{}
	for _, id := range workers {
		ws[id] = startProc(t, bin, id, env, "worker", "--id", id, "--data-dir", t.TempDir())
	}
	for _, w := range ws {
		w.waitLog(t, "shoot worker is working")
	}
	return base, ws
}

// followSession follows a session's event stream on the API until the shoot
// completes (or ctx ends) and returns every event received.
func followSession(ctx context.Context, base, sid string) ([]sseEvent, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/sessions/"+sid+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var evs []sseEvent
	err = readSSE(resp.Body, func(e sseEvent) bool {
		evs = append(evs, e)
		return !(e.Type() == "complete" && e.Data["stage"] == "complete") && e.Type() != "error"
	})
	return evs, err
}

// startShootAsync posts an auto-approved shoot and returns its session id
// as soon as the stream announces it; the stream is read to its end in
// the background.
func startShootAsync(t *testing.T, base string) string {
	t.Helper()
	refs := (&liveStudio{t: t, Base: base}).upload(refPNG(5), refPNG(6))
	raw, _ := json.Marshal(map[string]any{"prompt": "gallery opening", "inputImages": refs, "options": scaleShootOptions()})
	resp, err := http.Post(base+"/api/generate-stream", "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	sid := make(chan string, 1)
	go func() {
		defer resp.Body.Close()
		readSSE(resp.Body, func(e sseEvent) bool {
			if e.Type() == "session_init" {
				sid <- e.Data["sessionId"].(string)
			}
			return true
		})
		close(sid)
	}()
	s, ok := <-sid
	if !ok {
		t.Fatal("the generate stream ended without a session")
	}
	return s
}

// clipJob is one clip job as River recorded it.
type clipJob struct {
	ID          int64
	N           int
	State       string
	AttemptedBy []string
}

func clipJobs(ctx context.Context, db *pgx.Conn, sid string) ([]clipJob, error) {
	rows, err := db.Query(ctx, `SELECT id, (args->>'n')::int, state::text, COALESCE(attempted_by, '{}')
		FROM river_job WHERE args->>'kind' = 'clip' AND args->>'session_id' = $1 ORDER BY id`, sid)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[clipJob])
}

// pickVictim waits for clip jobs of sid to run and returns the worker to
// kill and the jobs it is running. The queue's leader is preferred when it
// runs a clip: its successor rescues at once on taking over, which keeps
// the test short; any worker's death is rescued the same way.
func pickVictim(t *testing.T, db *pgx.Conn, sid string) (string, []int64) {
	t.Helper()
	ctx := t.Context()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		jobs, err := clipJobs(ctx, db, sid)
		if err != nil {
			t.Fatal(err)
		}
		running := map[string][]int64{}
		for _, j := range jobs {
			if j.State == "running" && len(j.AttemptedBy) > 0 {
				by := j.AttemptedBy[len(j.AttemptedBy)-1]
				running[by] = append(running[by], j.ID)
			}
		}
		var leader string
		_ = db.QueryRow(ctx, `SELECT leader_id FROM river_leader`).Scan(&leader)
		if ids := running[leader]; len(ids) > 0 {
			return leader, ids
		}
		for by, ids := range running {
			return by, ids
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no clip job started within 2 minutes")
	return "", nil
}

// TestScaleOutAcrossProcesses is the scale-out acceptance test: one API
// process and two worker processes share PostgreSQL and a blob folder; a
// shoot's clips are spread over both workers; one worker is SIGKILLed while
// it makes a clip; River's rescuer hands its job to the other, which
// re-attaches to the provider task instead of submitting again; the shoot
// completes with exactly one version and one provider task per clip; and a
// client of the API process sees every event, numbered without a gap.
func TestScaleOutAcrossProcesses(t *testing.T) {
	t.Parallel()
	dbURL, _ := postgrestest.FreshSchema(t)
	bin := buildShoot(t)
	// The job timeout leaves room for a loaded CI machine (the film stage
	// took over 10 s there); the rescue comes 1 s after it, so the test
	// waits about that long for the killed worker's job.
	env := []string{"SHOOT_DATABASE_URL=" + dbURL, "SHOOT_BLOB_URL=file://" + t.TempDir(),
		"SHOOT_STUDIO_CLIP_LATENCY=3s", "SHOOT_WORKERS=2", "SHOOT_JOB_TIMEOUT=45s", "SHOOT_RESCUE_AFTER=46s",
		"SHOOT_LOG_LEVEL=debug"}
	base, workers := startSplitStudio(t, bin, env, "w1", "w2")
	db, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())

	sid := startShootAsync(t, base)
	ctx, cancel := context.WithTimeout(t.Context(), 6*time.Minute)
	defer cancel()
	type result struct {
		evs []sseEvent
		err error
	}
	followed := make(chan result, 1)
	go func() { evs, err := followSession(ctx, base, sid); followed <- result{evs, err} }()

	victim, killedJobs := pickVictim(t, db, sid)
	workers[victim].kill()
	survivor := "w1"
	if victim == "w1" {
		survivor = "w2"
	}
	t.Logf("killed %s while it ran clip jobs %v", victim, killedJobs)

	res := <-followed
	if res.err != nil && len(res.evs) == 0 {
		t.Fatalf("event stream: %v", res.err)
	}
	wantGaplessCompleteShoot(t, res.evs)
	wantFilm(t, base, sid)
	wantClipsSpreadAndRescued(t, db, sid, victim, survivor, killedJobs)
	wantOneVersionAndTaskPerClip(t, db, sid)
}

// wantGaplessCompleteShoot checks that the stream carried events 1..N in
// order and ended with the finished shoot.
func wantGaplessCompleteShoot(t *testing.T, evs []sseEvent) {
	t.Helper()
	for i, e := range evs {
		if e.ID != int64(i+1) {
			t.Fatalf("event %d has id %d: the stream skipped or repeated events", i+1, e.ID)
		}
	}
	end := lastOf(t, evs)
	if end.Type() != "complete" || end.Data["stage"] != "complete" {
		t.Fatalf("the shoot ended with %v", end.Data)
	}
	t.Logf("the API process streamed %d events, ids 1..%d without a gap", len(evs), len(evs))
}

func wantClipsSpreadAndRescued(t *testing.T, db *pgx.Conn, sid, victim, survivor string, killed []int64) {
	t.Helper()
	jobs, err := clipJobs(t.Context(), db, sid)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, j := range jobs {
		t.Logf("clip %d (job %d): %s, attempted by %v", j.N, j.ID, j.State, j.AttemptedBy)
		for _, by := range j.AttemptedBy {
			seen[by] = true
		}
		if j.State != "completed" {
			t.Errorf("clip job %d is %s", j.ID, j.State)
		}
		if !slices.Contains(killed, j.ID) {
			continue
		}
		if !slices.Contains(j.AttemptedBy, victim) || j.AttemptedBy[len(j.AttemptedBy)-1] != survivor {
			t.Errorf("killed job %d was not taken over by %s: attempted by %v", j.ID, survivor, j.AttemptedBy)
		}
	}
	if !seen["w1"] || !seen["w2"] {
		t.Errorf("clips were not spread over both workers: %v", seen)
	}
}

func wantOneVersionAndTaskPerClip(t *testing.T, db *pgx.Conn, sid string) {
	t.Helper()
	ctx := t.Context()
	rows, err := db.Query(ctx, `SELECT asset_index, count(*), max(version) FROM session_assets
		WHERE session_id = $1 AND asset_type = 'clip' GROUP BY asset_index ORDER BY asset_index`, sid)
	if err != nil {
		t.Fatal(err)
	}
	type slot struct{ N, Count, Version int }
	slots, err := pgx.CollectRows(rows, pgx.RowToStructByPos[slot])
	if err != nil {
		t.Fatal(err)
	}
	want := []slot{{1, 1, 1}, {2, 1, 1}, {3, 1, 1}, {4, 1, 1}, {5, 1, 1}}
	if !slices.Equal(slots, want) {
		t.Errorf("clip assets (index, versions, latest) = %v, want one version each of clips 1–5", slots)
	}
	rows, err = db.Query(ctx, `SELECT key FROM provider_tasks WHERE session_id = $1`, sid)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	perClip := map[int]int{}
	for _, k := range keys {
		var n, v, g int
		if _, err := fmt.Sscanf(strings.TrimPrefix(k, sid+"-"), "clip%d-v%d-g%d", &n, &v, &g); err == nil {
			perClip[n]++
		}
	}
	for n := 1; n <= 5; n++ {
		if perClip[n] != 1 {
			t.Errorf("clip %d has %d provider tasks, want 1 (all: %v)", n, perClip[n], keys)
		}
	}
}
