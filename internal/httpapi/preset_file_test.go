package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// presetShoot records a finished session with the given platform preset
// and, by final-asset index, films whose bytes name their index and
// version; it returns the session id.
func (e *exportEnv) presetShoot(t *testing.T, sid, preset string, films ...[2]int) string {
	t.Helper()
	if err := e.store.CreateSession(context.Background(), &shoot.Session{ID: sid, Status: shoot.StatusCompleted,
		PipelineStage: shoot.StageComplete, RunState: shoot.RunDone, Brief: "a night walk",
		Options: shoot.Options{Preset: preset}}); err != nil {
		t.Fatal(err)
	}
	for _, f := range films {
		data := []byte(fmt.Sprintf("film-%d-v%d", f[0], f[1]))
		e.put(t, &shoot.Asset{SessionID: sid, Type: shoot.AssetFinal, Index: f[0], Version: f[1],
			FileName: "fashion-video.mp4", MimeType: "video/mp4"}, data, &shoot.AssetMeta{Provider: "ffmpeg"})
	}
	return sid
}

// get fetches path and returns the status, Content-Disposition and body.
func (e *exportEnv) get(t *testing.T, path string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Get(e.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Disposition"), body
}

// TestPresetFilmFileName: for a shoot with the reels preset, the 9:16
// film (here its second version) is served, on both media routes, with
// Content-Disposition naming it fashion-video-reels-9x16.mp4, and the
// session zip holds it twice: as final/9x16/fashion-video.mp4 and, as the
// very next entry, under the platform's name with the same bytes, which
// the manifest's presetFile names. The main film, another format's film,
// a missing version and a shoot without a preset get no such name; a shoot
// whose preset film was not made has no second entry.
func TestPresetFilmFileName(t *testing.T) {
	t.Parallel()
	e := newExportEnv(t)
	// Final asset 1 is 9:16, 3 is 1:1 (reframe.Formats order); 0 is the film.
	sid := e.presetShoot(t, "session_1700000000000_presetreels", "reels", [2]int{0, 1}, [2]int{1, 1}, [2]int{1, 2}, [2]int{3, 1})
	const named = `inline; filename="fashion-video-reels-9x16.mp4"`
	for _, path := range []string{
		"/outputs/" + sid + "/final/9x16/fashion-video.v2.mp4",
		"/api/media/outputs/" + sid + "/final/9x16/fashion-video.v2.mp4",
		"/outputs/" + sid + "/final/9x16/fashion-video.mp4",
	} {
		status, cd, body := e.get(t, path)
		if status != http.StatusOK || cd != named {
			t.Errorf("GET %s: %d, Content-Disposition %q, want %q", path, status, cd, named)
		}
		if len(body) == 0 || !bytes.HasPrefix(body, []byte("film-1-")) {
			t.Errorf("GET %s: body %q", path, body)
		}
	}
	for _, path := range []string{
		"/outputs/" + sid + "/final/fashion-video.mp4",
		"/outputs/" + sid + "/final/1x1/fashion-video.mp4",
		"/outputs/" + sid + "/final/9x16/fashion-video.v9.mp4",
	} {
		if _, cd, _ := e.get(t, path); cd != "" {
			t.Errorf("GET %s: Content-Disposition %q, want none", path, cd)
		}
	}
	if status, _, _ := e.get(t, "/outputs/"+sid+"/final/9x16/fashion-video.v9.mp4"); status != http.StatusNotFound {
		t.Errorf("a missing version: %d, want 404", status)
	}

	status, _, body := e.get(t, "/api/sessions/"+sid+"/export.zip")
	if status != http.StatusOK {
		t.Fatalf("export: %d %s", status, body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	i := slices.Index(names, "final/9x16/fashion-video.mp4")
	if i < 0 || i+1 >= len(names) || names[i+1] != "final/9x16/fashion-video-reels-9x16.mp4" {
		t.Fatalf("zip entries %v: want the 9:16 film followed by its reels name", names)
	}
	files := unzip(t, body)
	if got := files["final/9x16/fashion-video-reels-9x16.mp4"]; string(got) != "film-1-v2" || !bytes.Equal(got, files["final/9x16/fashion-video.mp4"]) {
		t.Errorf("the reels file holds %q, the 9:16 film %q; want both the newest 9:16 film", got, files["final/9x16/fashion-video.mp4"])
	}
	if n := len(names); n != 5 {
		t.Errorf("%d entries %v, want the manifest, three films and the reels copy", n, names)
	}
	var m struct {
		PresetFile *struct{ File, Film, Platform string } `json:"presetFile"`
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if p := m.PresetFile; p == nil || p.File != "final/9x16/fashion-video-reels-9x16.mp4" || p.Film != "final/9x16/fashion-video.mp4" || p.Platform != "Instagram Reels" {
		t.Errorf("manifest presetFile %+v", m.PresetFile)
	}

	plain := e.presetShoot(t, "session_1700000000000_presetnone0", "", [2]int{0, 1}, [2]int{1, 1})
	if _, cd, _ := e.get(t, "/outputs/"+plain+"/final/9x16/fashion-video.mp4"); cd != "" {
		t.Errorf("a shoot without a preset: Content-Disposition %q", cd)
	}
	unmade := e.presetShoot(t, "session_1700000000000_presetyoutu", "youtube", [2]int{0, 1}, [2]int{1, 1})
	_, _, body = e.get(t, "/api/sessions/"+unmade+"/export.zip")
	files = unzip(t, body)
	m.PresetFile = nil
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || m.PresetFile != nil {
		t.Errorf("a youtube shoot without its 16:9 film: %d entries, presetFile %+v; want no copy", len(files), m.PresetFile)
	}
}
