package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func (e *pipeEnv) getJSON(t *testing.T, path string, want int) map[string]any {
	t.Helper()
	resp, err := e.ts.Client().Get(e.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || resp.StatusCode != want {
		t.Fatalf("GET %s: %d %s, want %d", path, resp.StatusCode, body, want)
	}
	return m
}

// TestSessionETA: a running session's stage, elapsed time and expected
// length come from the stage runs of this instance's past sessions; a
// session at rest has no running stage; bad ids are refused.
func TestSessionETA(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	ctx := context.Background()
	past, now := "session_1736860000000_past0001", "session_1736860000000_now00001"
	e.session(t, past, shoot.RunDone)
	e.session(t, now, shoot.RunRunning)
	appendEvent := func(sid, typ string, data map[string]any) {
		t.Helper()
		data["type"] = typ
		b, _ := json.Marshal(data)
		if _, err := e.store.AppendEvent(ctx, sid, typ, b); err != nil {
			t.Fatal(err)
		}
	}
	appendEvent(past, shoot.EventStatus, map[string]any{"stage": shoot.StageHero})
	time.Sleep(300 * time.Millisecond)
	appendEvent(past, shoot.EventCheckpoint, map[string]any{"stage": shoot.StageHero})
	appendEvent(now, shoot.EventStatus, map[string]any{"stage": shoot.StageHero})

	m := e.getJSON(t, "/api/sessions/"+now+"/eta", http.StatusOK)
	if m["success"] != true || m["running"] != true || m["stage"] != shoot.StageHero {
		t.Fatalf("eta of a running session = %v", m)
	}
	exp, _ := m["expectedSeconds"].(float64)
	if exp < 0.25 || exp > 5 {
		t.Errorf("expectedSeconds = %v, want the past hero run's ≈0.3 s", m["expectedSeconds"])
	}
	if el, _ := m["elapsedSeconds"].(float64); el < 0 || m["remainingSeconds"] == nil {
		t.Errorf("elapsed %v, remaining %v", m["elapsedSeconds"], m["remainingSeconds"])
	}
	if m["estimateUsd"] == nil || m["costUsd"] == nil {
		t.Errorf("no cost or estimate: %v", m)
	}
	rest := e.getJSON(t, "/api/sessions/"+past+"/eta", http.StatusOK)
	if rest["running"] != false || rest["stage"] != "" || rest["expectedSeconds"] != nil {
		t.Errorf("eta of a finished session = %v", rest)
	}
	e.getJSON(t, "/api/sessions/session_9_none/eta", http.StatusNotFound)
	e.getJSON(t, "/api/sessions/bad..id/eta", http.StatusBadRequest)
}

// TestAssetPixelSizes: the assets answer gives every artifact's real size,
// read from the stored picture or video when its metadata has none.
func TestAssetPixelSizes(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	ctx := context.Background()
	sid := "session_1736860000000_sizes001"
	e.session(t, sid, shoot.RunAwaiting)
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 37, 23))); err != nil {
		t.Fatal(err)
	}
	clip := filepath.Join(t.TempDir(), "c.mp4")
	if out, err := exec.Command("ffmpeg", "-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=64x36:r=12:d=0.25",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", clip).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	mp4, err := os.ReadFile(clip)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		typ, mime string
		data      []byte
		meta      string
	}{
		{shoot.AssetHero, "image/png", pngBuf.Bytes(), ""},
		{shoot.AssetClip, "video/mp4", mp4, ""},
		{shoot.AssetFinal, "video/mp4", []byte("not read: the metadata says"), `{"width":1920,"height":1080}`},
	} {
		key := shoot.AssetKey(sid, a.typ, 1, 1)
		if err := e.bucket.WriteAll(ctx, key, a.data, nil); err != nil {
			t.Fatal(err)
		}
		as := &shoot.Asset{SessionID: sid, Type: a.typ, Index: 1, Key: key, MimeType: a.mime, Size: int64(len(a.data)), FileName: "x"}
		if a.meta != "" {
			as.Metadata = json.RawMessage(a.meta)
		}
		if err := e.store.AddAsset(ctx, as); err != nil {
			t.Fatal(err)
		}
	}
	groups := e.getJSON(t, "/api/sessions/"+sid+"/assets", http.StatusOK)["assets"].(map[string]any)
	for group, want := range map[string][2]float64{"hero": {37, 23}, "videos": {64, 36}, "final": {1920, 1080}} {
		item := groups[group].([]any)[0].(map[string]any)
		if item["width"] != want[0] || item["height"] != want[1] {
			t.Errorf("%s: %v × %v, want %v × %v", group, item["width"], item["height"], want[0], want[1])
		}
	}
}

// TestEstimateOwnFrames: a film from one's own frames is priced without
// the hero and the sheet, one clip per pair (one more with loop); a frame
// count outside 2–12 is refused.
func TestEstimateOwnFrames(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	for _, tc := range []struct {
		query        string
		images, clip float64
	}{
		{"", 2, 5},
		{"?frames=6", 0, 5},
		{"?frames=2", 0, 1},
		{"?frames=4&loop=true", 0, 4},
		{"?frames=12", 0, 11},
		{"?qa=false", 2, 5},
	} {
		m := e.getJSON(t, "/api/estimate"+tc.query, http.StatusOK)
		est := m["estimate"].(map[string]any)
		if est["images"] != tc.images || est["clips"] != tc.clip {
			t.Errorf("estimate%s: %v images, %v clips; want %v and %v", tc.query, est["images"], est["clips"], tc.images, tc.clip)
		}
	}
	for _, q := range []string{"frames=1", "frames=13", "frames=six", "frames=-2", "qa=maybe"} {
		m := e.getJSON(t, "/api/estimate?"+q, http.StatusBadRequest)
		if msg, _ := m["error"].(string); msg == "" {
			t.Errorf("estimate?%s: no error message in %v", q, m)
		}
	}
}
