package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// Whole shoots over the HTTP API of a `shoot serve` started through run():
// changes at every checkpoint, partial regeneration, loops, cancel, delete,
// sessions side by side, and resumable event streams.

// fastShoot are the options that keep an HTTP test shoot small.
func fastShoot(extra map[string]any) map[string]any {
	o := map[string]any{"resolution": "1K", "clipDuration": 0.5, "fps": 24}
	for k, v := range extra {
		o[k] = v
	}
	return o
}

// begin uploads a reference and starts a shoot; it returns the session id
// and the first exchange's events.
func (s *liveStudio) beginShoot(seed int, brief string, opts map[string]any) (string, []sseEvent) {
	s.t.Helper()
	evs := s.postStream("/api/generate-stream", map[string]any{"prompt": brief,
		"inputImages": s.upload(refPNG(seed)), "options": opts})
	if len(evs) == 0 || evs[0].Type() != "session_init" {
		s.t.Fatalf("a shoot's stream must open with session_init: %v", evs)
	}
	return evs[0].Data["sessionId"].(string), evs
}

// reply answers the session's checkpoint and returns the exchange.
func (s *liveStudio) answer(sid, text string) []sseEvent {
	s.t.Helper()
	return s.postStream("/api/sessions/"+sid+"/continue-stream", map[string]any{"prompt": text})
}

// getJSON GETs a JSON route and returns its status and body.
func (s *liveStudio) fetchJSON(path string) (int, map[string]any) {
	s.t.Helper()
	resp, err := http.Get(s.Base + path)
	if err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// versions returns the newest version of each artifact slot, keyed like
// "hero", "frame-3", "clip-6", from GET /api/sessions/{id}/assets.
func (s *liveStudio) slotVersions(sid string) map[string]int {
	s.t.Helper()
	code, m := s.fetchJSON("/api/sessions/" + sid + "/assets")
	if code != http.StatusOK {
		s.t.Fatalf("assets: %d %v", code, m)
	}
	names := map[string]string{"hero": "hero", "contactSheet": "contact-sheet", "frames": "frame", "videos": "clip", "final": "final"}
	out := map[string]int{}
	for group, items := range m["assets"].(map[string]any) {
		name, ok := names[group]
		if !ok {
			continue
		}
		for _, it := range items.([]any) {
			a := it.(map[string]any)
			key := name
			if n := int(a["index"].(float64)); n > 0 {
				key = fmt.Sprintf("%s-%d", name, n)
			}
			out[key] = int(a["version"].(float64))
		}
	}
	return out
}

// wantVersions fails unless every listed slot has the given version and
// no other slot exists.
func wantVersions(t *testing.T, got map[string]int, want map[string]int) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s is at version %d, want %d", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected artifact %s (version %d)", k, got[k])
		}
	}
}

// shootVersions is a shootEnded shoot's slots, all at version 1.
func shootVersions(clips int) map[string]int {
	v := map[string]int{"hero": 1, "contact-sheet": 1, "final": 1}
	for n := 1; n <= 6; n++ {
		v[fmt.Sprintf("frame-%d", n)] = 1
	}
	for n := 1; n <= clips; n++ {
		v[fmt.Sprintf("clip-%d", n)] = 1
	}
	return v
}

// checkpointStage returns the stage of the exchange's last checkpoint event.
func checkpointStage(evs []sseEvent) string {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type() == "checkpoint" {
			s, _ := evs[i].Data["stage"].(string)
			return s
		}
	}
	return ""
}

// wantCheckpoint fails unless the exchange ended with complete at stage.
func wantCheckpoint(t *testing.T, evs []sseEvent, stage string) {
	t.Helper()
	end := lastOf(t, evs)
	if end.Type() != "complete" || checkpointStage(evs) != stage {
		t.Fatalf("exchange ended with %v at checkpoint %q, want complete at %q", end.Data, checkpointStage(evs), stage)
	}
}

// halt stops the studio and leaves its exit code for the kit's cleanup.
func (s *liveStudio) shutdown() {
	s.stop()
	select {
	case code := <-s.exited:
		s.exited <- code
	case <-time.After(30 * time.Second):
		s.t.Fatal("serve did not stop within 30 s")
	}
}

// openStore opens a stopped studio's database.
func (s *liveStudio) openDB() *sqlite.DB {
	s.t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(s.Dir, "shoot.db"))
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { db.Close() })
	return db
}

// peekDB opens a running studio's database read-only, to watch its jobs.
func peekDB(t testing.TB, dataDir string) *sql.DB {
	t.Helper()
	db, err := sql.Open(sqlite.DriverName, "file:"+filepath.Join(dataDir, "shoot.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// unfinishedJobs counts a session's queue jobs that may still run.
func unfinishedJobs(t *testing.T, db *sql.DB, sid string) int {
	t.Helper()
	var n int
	err := db.QueryRow(`SELECT count(*) FROM river_job WHERE json_extract(args, '$.session_id') = ?
		AND state NOT IN ('completed', 'cancelled', 'discarded')`, sid).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitJobsDone waits until none of the session's jobs can run any more.
func waitJobsDone(t *testing.T, db *sql.DB, sid string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for unfinishedJobs(t, db, sid) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("session %s still has %d unfinished jobs", sid, unfinishedJobs(t, db, sid))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// taskStates returns a session's provider task keys (without the session
// prefix) and states.
func taskStates(t *testing.T, db *sql.DB, sid string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range taskRows(t, db, sid, "state") {
		out[r[0]] = r[1]
	}
	return out
}

// taskRows returns the key, the session prefix cut off, and one column
// (state or handle) of each of a session's provider tasks, in the order
// the database lists them.
func taskRows(t *testing.T, db *sql.DB, sid, column string) [][2]string {
	t.Helper()
	rows, err := db.Query(`SELECT key, `+column+` FROM provider_tasks WHERE session_id = ?`, sid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, [2]string{strings.TrimPrefix(k, sid+"-"), v})
	}
	return out
}

// taskSlots reduces task keys ("clip2-v1-g3") to their slot and version
// ("clip2-v1"), sorted.
func taskSlots(tasks map[string]string) []string {
	var out []string
	for k := range tasks {
		out = append(out, k[:strings.LastIndex(k, "-g")])
	}
	slices.Sort(out)
	return out
}

// events follows GET /api/sessions/{id}/events from lastID until stop
// returns true or the stream breaks; it returns what it read.
func (s *liveStudio) tail(ctx context.Context, sid string, lastID int64, stop func(sseEvent) bool) []sseEvent {
	s.t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Base+"/api/sessions/"+sid+"/events", nil)
	if lastID > 0 {
		req.Header.Set("Last-Event-ID", fmt.Sprint(lastID))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("events: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		s.t.Fatalf("events: %d %s", resp.StatusCode, b)
	}
	var evs []sseEvent
	_ = readSSE(resp.Body, func(e sseEvent) bool { evs = append(evs, e); return !stop(e) })
	return evs
}

// shootEnded reports the event that ends a whole shoot.
func shootEnded(e sseEvent) bool {
	return e.Type() == "error" || (e.Type() == "complete" && e.Data["stage"] == "complete")
}

// TestHTTPChangeAtEachCheckpoint asks for a change at every checkpoint,
// races three answers to one checkpoint, and answers once through
// generate-stream with the session id, as a browser client does.
func TestHTTPChangeAtEachCheckpoint(t *testing.T) {
	t.Parallel()
	s := startStudio(t, nil)
	sid, evs := s.beginShoot(1, "monochrome tailoring, calm", fastShoot(nil))
	wantCheckpoint(t, evs, "hero")

	wantCheckpoint(t, s.answer(sid, "make the background warmer"), "hero")
	wantVersions(t, s.slotVersions(sid), map[string]int{"hero": 2})

	raced := raceContinue(t, s, sid, 3)
	wantCheckpoint(t, raced, "contact-sheet")

	evs = s.postStream("/api/generate-stream", map[string]any{"sessionId": sid, "prompt": "softer light on the sheet"})
	wantCheckpoint(t, evs, "contact-sheet")
	wantVersions(t, s.slotVersions(sid), map[string]int{"hero": 2, "contact-sheet": 2})

	wantCheckpoint(t, s.answer(sid, "continue"), "frames")
	wantCheckpoint(t, s.answer(sid, "use 9:16"), "frames")
	wantCheckpoint(t, s.answer(sid, "continue"), "clips")
	wantCheckpoint(t, s.answer(sid, "redo clip 2"), "clips")
	wantCheckpoint(t, s.answer(sid, "loop it"), "clips")
	wantCheckpoint(t, s.answer(sid, "continue"), "complete")

	want := shootVersions(6)
	want["hero"], want["contact-sheet"], want["clip-2"] = 2, 2, 2
	for n := 1; n <= 6; n++ {
		want[fmt.Sprintf("frame-%d", n)] = 2
	}
	wantVersions(t, s.slotVersions(sid), want)

	s.shutdown()
	db := s.openDB()
	cps, err := db.ListCheckpoints(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, cp := range cps {
		trail = append(trail, cp.Stage+":"+cp.Status)
		if cp.Stage != shoot.StageComplete && cp.UserResponse == nil {
			t.Errorf("checkpoint %s %s has no recorded response", cp.Stage, cp.Status)
		}
	}
	wantTrail := "hero:modified hero:approved contact-sheet:modified contact-sheet:approved frames:modified frames:approved " +
		"clips:modified clips:modified clips:approved complete:approved"
	if got := strings.Join(trail, " "); got != wantTrail {
		t.Errorf("checkpoints:\n got %s\nwant %s", got, wantTrail)
	}
	sess, err := db.GetSession(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Status != shoot.StatusCompleted || sess.PipelineStage != shoot.StageComplete || sess.TotalTurns < 10 || sess.ErrorMessage != nil {
		t.Errorf("session row %s/%s turns=%d err=%v", sess.Status, sess.PipelineStage, sess.TotalTurns, sess.ErrorMessage)
	}
	if tasks := taskStates(t, db.DB(), sid); len(tasks) != 11 {
		t.Errorf("provider tasks %v, want 11 (2 heroes, 2 sheets, 7 clips)", taskSlots(tasks))
	}
}

// raceContinue sends n "continue" answers to one checkpoint at once: one
// must win with a stream, the others get 409 without starting anything.
func raceContinue(t *testing.T, s *liveStudio, sid string, n int) []sseEvent {
	t.Helper()
	type answer struct {
		code int
		body []byte
	}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.Base+"/api/sessions/"+sid+"/continue-stream",
				strings.NewReader(`{"prompt":"continue"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			answers[i] = answer{resp.StatusCode, body}
		}()
	}
	wg.Wait()
	var won []sseEvent
	wins := 0
	for _, a := range answers {
		switch a.code {
		case http.StatusOK:
			wins++
			_ = readSSE(bytes.NewReader(a.body), func(e sseEvent) bool { won = append(won, e); return true })
		case http.StatusConflict:
			if !strings.Contains(string(a.body), "already running") {
				t.Errorf("409 body %s", a.body)
			}
		default:
			t.Errorf("racing continue: %d %s", a.code, a.body)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d racing answers won, want exactly 1", wins, n)
	}
	return won
}

// TestHTTPRegenerateFrameRedoesOnlyItsClips regenerates frame 3 of a
// shootEnded looping shoot: only clips 2 and 3 and the film are made again.
func TestHTTPRegenerateFrameRedoesOnlyItsClips(t *testing.T) {
	t.Parallel()
	s := startStudio(t, nil)
	sid, evs := s.beginShoot(2, "linen suiting on a rooftop", fastShoot(map[string]any{"loop": true, "autoApprove": true}))
	wantCheckpoint(t, evs, "complete")
	wantVersions(t, s.slotVersions(sid), shootVersions(6))

	wantCheckpoint(t, s.answer(sid, "regenerate frame 3 with the chin lifted"), "complete")
	want := shootVersions(6)
	want["frame-3"], want["clip-2"], want["clip-3"], want["final"] = 2, 2, 2, 2
	wantVersions(t, s.slotVersions(sid), want)

	s.shutdown()
	db := s.openDB()
	got := strings.Join(taskSlots(taskStates(t, db.DB(), sid)), " ")
	wantTasks := "clip1-v1 clip2-v1 clip2-v2 clip3-v1 clip3-v2 clip4-v1 clip5-v1 clip6-v1 contact-sheet0-v1 frame3-v2 hero0-v1"
	if got != wantTasks {
		t.Errorf("provider tasks:\n got %s\nwant %s", got, wantTasks)
	}
	all, err := db.ListAssets(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.Type == shoot.AssetClip && a.Index == 6 {
			var m shoot.AssetMeta
			_ = json.Unmarshal(a.Metadata, &m)
			f6, f1 := shoot.AssetKey(sid, shoot.AssetFrame, 6, 1), shoot.AssetKey(sid, shoot.AssetFrame, 1, 1)
			if len(m.Inputs) < 2 || m.Inputs[0] != f6 || m.Inputs[1] != f1 {
				t.Errorf("loop clip made from %v, want frame 6 → frame 1", m.Inputs)
			}
		}
	}
}

// TestHTTPCancelDuringClips cancels while five clips are in flight: the
// stream ends, provider tasks are cancelled, the jobs stop quietly, and
// everything made before the clips is kept.
func TestHTTPCancelDuringClips(t *testing.T) {
	t.Parallel()
	s := startStudio(t, map[string]string{"SHOOT_STUDIO_CLIP_LATENCY": "1h"})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	sid, _ := s.beginShoot(3, "denim, hard flash", fastShoot(nil))
	s.answer(sid, "continue")
	s.answer(sid, "continue")
	_, after, err := startContinue(s, sid)
	if err != nil {
		t.Fatal(err)
	}
	clips := map[float64]bool{}
	s.tail(ctx, sid, after, func(e sseEvent) bool {
		if d, ok := e.Data["data"].(map[string]any); ok && e.Data["subtype"] == "progress" {
			if n, ok := d["clip"].(float64); ok {
				clips[n] = true
			}
		}
		return len(clips) == 5 || e.Type() == "complete" || e.Type() == "error"
	})
	if len(clips) != 5 {
		t.Fatalf("saw progress of %d clips before the stream ended", len(clips))
	}
	code, body := s.postJSON("/api/sessions/"+sid+"/cancel", nil)
	if code != http.StatusOK || body["runState"] != shoot.RunCancelled {
		t.Fatalf("cancel: %d %v", code, body)
	}
	db := peekDB(t, s.Dir)
	waitJobsDone(t, db, sid)
	for key, st := range taskStates(t, db, sid) {
		if strings.HasPrefix(key, "clip") && st != "cancelled" {
			t.Errorf("provider task %s is %s after cancel, want cancelled", key, st)
		}
	}
	tail := afterCancel(ctx, t, s, sid)
	for _, e := range tail {
		if e.Type() == "error" || e.Type() == "checkpoint" {
			t.Errorf("after the cancel the log got %v", e.Data)
		}
	}
	want := shootVersions(0)
	delete(want, "final")
	wantVersions(t, s.slotVersions(sid), want)
	if _, p := s.fetchJSON("/api/sessions/" + sid + "/pipeline"); p["pipeline"].(map[string]any)["run_state"] != shoot.RunCancelled {
		t.Errorf("pipeline after cancel: %v", p)
	}
}

// startContinue answers "continue" and returns at once with the stream's
// first event id, leaving the stream to the events route.
func startContinue(s *liveStudio, sid string) (string, int64, error) {
	ctx, cancel := context.WithCancel(s.t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.Base+"/api/sessions/"+sid+"/continue-stream",
		strings.NewReader(`{"prompt":"continue"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	var first sseEvent
	_ = readSSE(resp.Body, func(e sseEvent) bool { first = e; return false })
	if first.ID == 0 {
		return "", 0, fmt.Errorf("continue: %d without events", resp.StatusCode)
	}
	return sid, first.ID - 1, nil
}

// afterCancel returns the session's events after the cancel's complete.
func afterCancel(ctx context.Context, t *testing.T, s *liveStudio, sid string) []sseEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	all := s.tail(ctx, sid, 0, func(sseEvent) bool { return false })
	for i, e := range all {
		if e.Type() == "complete" && e.Data["cancelled"] == true {
			return all[i+1:]
		}
	}
	t.Fatalf("no cancelled complete in the log")
	return nil
}

// post POSTs JSON and decodes the JSON answer.
func (s *liveStudio) postJSON(path string, body any) (int, map[string]any) {
	s.t.Helper()
	raw, _ := json.Marshal(body)
	resp, err := http.Post(s.Base+path, "application/json", bytes.NewReader(raw))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// do sends a request without a body and returns the status.
func (s *liveStudio) send(method, path string) int {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.Base+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestHTTPSessionsSideBySide runs two shoots at once while a third is
// deleted in the middle of its clips: the two finish with their own files
// only, and nothing of the deleted one is left or made afterwards.
func TestHTTPSessionsSideBySide(t *testing.T) {
	t.Parallel()
	s := startStudio(t, map[string]string{"SHOOT_STUDIO_CLIP_LATENCY": "3s"})
	auto := fastShoot(map[string]any{"autoApprove": true})
	ids := make([]string, 3)
	refs := make([][]string, 3)
	for i := range refs {
		refs[i] = s.upload(refPNG(10 + i))
	}
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = startOnly(t, s, refs[i], fmt.Sprintf("look %d", i), auto)
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	doomed := ids[2]
	s.tail(ctx, doomed, 0, func(e sseEvent) bool {
		return e.Data["subtype"] == "progress" && e.Data["data"].(map[string]any)["clip"] != nil || shootEnded(e)
	})
	if code := s.send(http.MethodDelete, "/api/sessions/"+doomed); code != http.StatusOK {
		t.Fatalf("delete during clips: %d", code)
	}
	for _, sid := range ids[:2] {
		end := s.tail(ctx, sid, 0, shootEnded)
		if e := lastOf(t, end); e.Type() != "complete" {
			t.Fatalf("session %s ended with %v", sid, e.Data)
		}
		wantVersions(t, s.slotVersions(sid), shootVersions(5))
	}
	db := peekDB(t, s.Dir)
	waitJobsDone(t, db, doomed)
	if code := s.send(http.MethodGet, "/api/sessions/"+doomed+"/events"); code != http.StatusNotFound {
		t.Errorf("events of a deleted session: %d, want 404", code)
	}
	s.shutdown()
	_ = filepath.WalkDir(filepath.Join(s.Dir, "blobs", "outputs", doomed), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("a file of the deleted session is left: %s", p)
		}
		return nil
	})
	films := map[string]bool{}
	for _, sid := range ids[:2] {
		checkSessionFiles(t, s, sid, films)
	}
}

// startOnly starts a shoot and returns its id once the stream has begun.
func startOnly(t *testing.T, s *liveStudio, ref []string, brief string, opts map[string]any) string {
	raw, _ := json.Marshal(map[string]any{"prompt": brief, "inputImages": ref, "options": opts})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.Base+"/api/generate-stream", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return ""
	}
	defer resp.Body.Close()
	var sid string
	_ = readSSE(resp.Body, func(e sseEvent) bool { sid, _ = e.Data["sessionId"].(string); return false })
	return sid
}

// checkSessionFiles fails unless the session's folder holds exactly its
// own artifacts and database rows point only inside it; films collects
// film digests so two sessions' films are seen to differ.
func checkSessionFiles(t *testing.T, s *liveStudio, sid string, films map[string]bool) {
	t.Helper()
	db := s.openDB()
	as, err := db.ListAssets(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, a := range as {
		if a.Type != shoot.AssetInput && !strings.HasPrefix(a.Key, "outputs/"+sid+"/") {
			t.Errorf("session %s has an asset outside its folder: %s", sid, a.Key)
		}
		keys[a.Key] = true
	}
	root := filepath.Join(s.Dir, "blobs")
	_ = filepath.WalkDir(filepath.Join(root, "outputs", sid), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".attrs") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		// segments/ is the film's cache of eased clips, named by content,
		// kept in the session's folder so deleting the session removes it.
		if strings.HasPrefix(filepath.ToSlash(rel), "outputs/"+sid+"/segments/") {
			return nil
		}
		if !keys[filepath.ToSlash(rel)] {
			t.Errorf("session %s folder has a file no asset row names: %s", sid, rel)
		}
		return nil
	})
	film, err := os.ReadFile(filepath.Join(root, "outputs", sid, "final", "fashion-video.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	if films[string(film)] {
		t.Errorf("two sessions have the same film")
	}
	films[string(film)] = true
}

// TestSSEResumeAfterDisconnectMidShoot drops a shoot's stream early,
// lets the shoot run on, and reconnects with Last-Event-ID: the two
// streams together are the whole log, without a gap or a duplicate.
func TestSSEResumeAfterDisconnectMidShoot(t *testing.T) {
	t.Parallel()
	s := startStudio(t, map[string]string{"SHOOT_STUDIO_IMAGE_LATENCY": "1s", "SHOOT_STUDIO_CLIP_LATENCY": "1s"})
	ref := s.upload(refPNG(31))
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	raw, _ := json.Marshal(map[string]any{"prompt": "knitwear, overcast", "inputImages": ref,
		"options": fastShoot(map[string]any{"autoApprove": true})})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.Base+"/api/generate-stream", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var first []sseEvent
	_ = readSSE(resp.Body, func(e sseEvent) bool { first = append(first, e); return e.ID < 5 })
	resp.Body.Close() // the client drops mid-hero
	sid := first[0].Data["sessionId"].(string)
	for stage := ""; stage != "clips" && stage != "final" && stage != "complete"; {
		if ctx.Err() != nil {
			t.Fatal("the shoot did not reach the clips")
		}
		time.Sleep(50 * time.Millisecond)
		_, p := s.fetchJSON("/api/sessions/" + sid + "/pipeline")
		stage, _ = p["pipeline"].(map[string]any)["stage"].(string)
	}
	rest := s.tail(ctx, sid, first[len(first)-1].ID, shootEnded)
	union := append(append([]sseEvent{}, first...), rest...)
	if len(rest) == 0 || !shootEnded(rest[len(rest)-1]) {
		t.Fatalf("the resumed stream did not reach the end of the shoot")
	}
	checkSequence(t, union)
	whole := s.tail(ctx, sid, 0, shootEnded)
	if len(whole) != len(union) {
		t.Fatalf("the log has %d events, the two streams %d", len(whole), len(union))
	}
	for i := range whole {
		a, _ := json.Marshal(whole[i].Data)
		b, _ := json.Marshal(union[i].Data)
		if whole[i].ID != union[i].ID || !bytes.Equal(a, b) {
			t.Fatalf("event %d differs between the log and the streams", whole[i].ID)
		}
	}
}
