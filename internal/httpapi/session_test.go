package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// addSessions creates n sessions whose updated_at increase with their number.
func addSessions(t *testing.T, e *testEnv, n int) []string {
	t.Helper()
	base := time.Date(2025, 1, 14, 13, 0, 0, 0, time.UTC)
	var ids []string
	for i := 0; i < n; i++ {
		s := &shoot.Session{
			ID: fmt.Sprintf("session_%d_test%02d", base.UnixMilli(), i), Brief: fmt.Sprintf("brief %d", i),
			CreatedAt: base.Add(time.Duration(i) * time.Minute), UpdatedAt: base.Add(time.Duration(i) * time.Minute),
			TotalCostUSD: float64(i) / 4, TotalTurns: i,
		}
		if err := e.store.CreateSession(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	return ids
}

func TestListSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	m := e.getJSON(t, "GET", "/api/sessions", http.StatusOK)
	if m["success"] != true || m["count"] != float64(0) || len(m["sessions"].([]any)) != 0 {
		t.Errorf("empty list = %v", m)
	}
	ids := addSessions(t, e, 3)
	m = e.getJSON(t, "GET", "/api/sessions", http.StatusOK)
	list := m["sessions"].([]any)
	if m["count"] != float64(3) || len(list) != 3 {
		t.Fatalf("list = %v", m)
	}
	first := list[0].(map[string]any)
	if first["id"] != ids[2] || first["status"] != "active" || first["pipeline_stage"] != "init" ||
		first["total_cost_usd"] != 0.5 || first["total_turns"] != float64(2) || first["run_state"] != "idle" ||
		first["created_at"] != "2025-01-14T13:02:00Z" || first["updated_at"] != "2025-01-14T13:02:00Z" {
		t.Errorf("newest session = %v", first)
	}
	m = e.getJSON(t, "GET", "/api/sessions?limit=2", http.StatusOK)
	if list := m["sessions"].([]any); len(list) != 2 || list[1].(map[string]any)["id"] != ids[1] {
		t.Errorf("limit=2 = %v", list)
	}
	e.getJSON(t, "GET", "/api/sessions?limit=1000", http.StatusOK) // capped at 200, not refused
	for _, bad := range []string{"abc", "0", "-3", "1.5", "%20"} {
		wantError(t, e.getJSON(t, "GET", "/api/sessions?limit="+bad, http.StatusBadRequest), "limit")
	}
}

func TestGetSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ids := addSessions(t, e, 1)
	m := e.getJSON(t, "GET", "/api/sessions/"+ids[0], http.StatusOK)
	s := m["session"].(map[string]any)
	if m["success"] != true || s["id"] != ids[0] || s["status"] != "active" || s["pipeline_stage"] != "init" ||
		s["error_message"] != nil || s["brief"] != "brief 0" {
		t.Errorf("session = %v", m)
	}
	if meta, ok := s["metadata"].(map[string]any); !ok || len(meta) != 0 {
		t.Errorf("metadata = %#v, want {}", s["metadata"])
	}
	wantError(t, e.getJSON(t, "GET", "/api/sessions/session_1_nothere", http.StatusNotFound), "not found")
	for _, bad := range []string{"-starts-with-dash", "has%20space", "semi;colon", "%C3%A9t%C3%A9"} {
		wantError(t, e.getJSON(t, "GET", "/api/sessions/"+bad, http.StatusBadRequest), "Invalid session id")
		wantError(t, e.getJSON(t, "GET", "/api/sessions/"+bad+"/pipeline", http.StatusBadRequest), "Invalid session id")
	}
}

func TestGetPipeline(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	ids := addSessions(t, e, 1)
	m := e.getJSON(t, "GET", "/api/sessions/"+ids[0]+"/pipeline", http.StatusOK)
	p := m["pipeline"].(map[string]any)
	if m["sessionId"] != ids[0] || p["stage"] != "init" || p["status"] != "active" || p["checkpoint"] != nil {
		t.Errorf("pipeline = %v", m)
	}
	if _, err := e.store.UpdateSession(ctx, ids[0], func(s *shoot.Session) error {
		s.PipelineStage, s.RunState = shoot.StageHero, shoot.RunAwaiting
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cp := &shoot.Checkpoint{SessionID: ids[0], Stage: shoot.StageHero, ArtifactKeys: []string{"outputs/" + ids[0] + "/hero.png"},
		Message: "Hero ready"}
	if err := e.store.CreateCheckpoint(ctx, cp); err != nil {
		t.Fatal(err)
	}
	m = e.getJSON(t, "GET", "/api/sessions/"+ids[0]+"/pipeline", http.StatusOK)
	p = m["pipeline"].(map[string]any)
	c, _ := p["checkpoint"].(map[string]any)
	if p["stage"] != "hero" || p["run_state"] != "awaiting" || c == nil || c["stage"] != "hero" || c["status"] != "pending" ||
		c["message"] != "Hero ready" || fmt.Sprint(c["artifact_keys"]) != "[outputs/"+ids[0]+"/hero.png]" || c["created_at"] == nil {
		t.Errorf("pipeline = %v", p)
	}
	wantError(t, e.getJSON(t, "GET", "/api/sessions/session_1_gone/pipeline", http.StatusNotFound), "")
}

func TestDeleteSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	ids := addSessions(t, e, 2)
	keys := []string{
		"outputs/" + ids[0] + "/hero.png", "outputs/" + ids[0] + "/frames/frame-1.png",
		"outputs/" + ids[1] + "/hero.png",
	}
	for _, k := range keys {
		if err := e.bucket.WriteAll(ctx, k, []byte("x"), nil); err != nil {
			t.Fatal(err)
		}
	}
	m := e.getJSON(t, "DELETE", "/api/sessions/"+ids[0], http.StatusOK)
	if m["success"] != true || m["sessionId"] != ids[0] || m["deletedFiles"] != float64(2) {
		t.Errorf("delete = %v", m)
	}
	e.getJSON(t, "GET", "/api/sessions/"+ids[0], http.StatusNotFound)
	e.getJSON(t, "GET", "/api/sessions/"+ids[1], http.StatusOK)
	if n := countBlobs(t, e.bucket, "outputs/"); n != 1 {
		t.Errorf("%d blobs left, want only the other session's", n)
	}
	e.getJSON(t, "DELETE", "/api/sessions/"+ids[0], http.StatusNotFound)
	e.getJSON(t, "DELETE", "/api/sessions/bad..id", http.StatusBadRequest)
}

func TestListAssets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	ids := addSessions(t, e, 1)
	sid := ids[0]
	m := e.getJSON(t, "GET", "/api/sessions/"+sid+"/assets", http.StatusOK)
	groups := m["assets"].(map[string]any)
	for _, k := range []string{"hero", "contactSheet", "frames", "videos", "final", "inputs"} {
		if g, ok := groups[k].([]any); !ok || len(g) != 0 {
			t.Errorf("group %s = %v, want an empty list", k, groups[k])
		}
	}
	add := func(typ string, index int, stale bool) {
		t.Helper()
		a := &shoot.Asset{SessionID: sid, Type: typ, Index: index, MimeType: "image/png", Size: 100,
			FileName: shoot.OutputName(typ, index), Stale: stale}
		// The version is assigned by the store; the key follows it.
		a.Key = shoot.AssetKey(sid, typ, index, 1)
		if err := e.store.AddAsset(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	add(shoot.AssetHero, 0, false)
	add(shoot.AssetHero, 0, false) // version 2 replaces version 1 in the answer
	add(shoot.AssetFrame, 2, true)
	add(shoot.AssetFrame, 1, false)
	add(shoot.AssetClip, 1, false)
	m = e.getJSON(t, "GET", "/api/sessions/"+sid+"/assets", http.StatusOK)
	if m["success"] != true || m["sessionId"] != sid {
		t.Errorf("assets = %v", m)
	}
	groups = m["assets"].(map[string]any)
	hero := groups["hero"].([]any)
	if len(hero) != 1 || hero[0].(map[string]any)["version"] != float64(2) {
		t.Errorf("hero = %v, want only version 2", hero)
	}
	h := hero[0].(map[string]any)
	if h["fileName"] != "hero.png" || h["url"] != "/outputs/"+sid+"/hero.png" || h["size"] != float64(100) ||
		h["mimeType"] != "image/png" || h["createdAt"] == nil {
		t.Errorf("hero item = %v", h)
	}
	frames := groups["frames"].([]any)
	if len(frames) != 2 || frames[0].(map[string]any)["index"] != float64(1) || frames[1].(map[string]any)["stale"] != true {
		t.Errorf("frames = %v", frames)
	}
	if len(groups["videos"].([]any)) != 1 {
		t.Errorf("videos = %v", groups["videos"])
	}
	raw, _ := json.Marshal(groups["contactSheet"])
	if string(raw) != "[]" {
		t.Errorf("contactSheet = %s", raw)
	}
	e.getJSON(t, "GET", "/api/sessions/session_9_none/assets", http.StatusNotFound)
}
