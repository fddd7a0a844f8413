package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// exportEnv is the API with the export route on a real database and blob
// folder, behind a loopback test server.
type exportEnv struct {
	ts     *httptest.Server
	store  *sqlite.DB
	bucket *blob.Bucket
}

func newExportEnv(t *testing.T) *exportEnv {
	t.Helper()
	b := newBackend(t, nil)
	cfg, st, bucket, eng := b.cfg, b.store, b.bucket, b.eng
	_, ts := httpapitest.Serve(t, httpapi.Deps{Config: cfg, Store: st, Bucket: bucket, Engine: eng})
	return &exportEnv{ts: ts, store: st, bucket: bucket}
}

// put stores an asset's bytes and row, as the pipeline would.
func (e *exportEnv) put(t *testing.T, a *shoot.Asset, data []byte, meta *shoot.AssetMeta) {
	t.Helper()
	ctx := context.Background()
	if a.Key == "" {
		a.Key = shoot.AssetKey(a.SessionID, a.Type, a.Index, a.Version)
	}
	a.Size = int64(len(data))
	if meta != nil {
		a.Metadata, _ = json.Marshal(meta)
	}
	if err := e.bucket.WriteAll(ctx, a.Key, data, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.store.AddAsset(ctx, a); err != nil {
		t.Fatal(err)
	}
}

// shootWithArtifacts records a session with a hero, a sheet, frame 3 in two
// versions, a clip, the film and two references (one with an awkward
// name), and returns its id and the bytes of each expected archive entry.
func (e *exportEnv) shootWithArtifacts(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	sid := "session_1700000000000_exporttest"
	if err := e.store.CreateSession(context.Background(), &shoot.Session{ID: sid, Status: shoot.StatusCompleted,
		PipelineStage: shoot.StageComplete, RunState: shoot.RunDone, Brief: "a night walk", TotalCostUSD: 1.25}); err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	add := func(typ string, index, version int, name, mime string, meta *shoot.AssetMeta) {
		data := []byte(fmt.Sprintf("%s-%d-v%d", typ, index, version))
		e.put(t, &shoot.Asset{SessionID: sid, Type: typ, Index: index, Version: version, FileName: name, MimeType: mime}, data, meta)
		want[shoot.OutputName(typ, index)] = data
	}
	heroMeta := &shoot.AssetMeta{Prompt: "hero prompt", Provider: "studio", Model: "studio-image", Seed: 42, CostUSD: 0.15}
	add(shoot.AssetHero, 0, 1, "hero.png", "image/png", heroMeta)
	add(shoot.AssetContactSheet, 0, 1, "contact-sheet.png", "image/png", &shoot.AssetMeta{Provider: "studio", Model: "studio-image"})
	add(shoot.AssetFrame, 3, 1, "frame-3.png", "image/png", &shoot.AssetMeta{Provider: "imaging", Model: "grid-gutters"})
	add(shoot.AssetFrame, 3, 2, "frame-3.v2.png", "image/png", &shoot.AssetMeta{Prompt: "edit", Provider: "studio", Model: "studio-edit", Seed: 7})
	add(shoot.AssetClip, 1, 1, "video-1.mp4", "video/mp4", &shoot.AssetMeta{Prompt: "push in", Provider: "studio", Model: "studio-video", CostUSD: 0.5})
	add(shoot.AssetFinal, 0, 1, "fashion-video.mp4", "video/mp4", &shoot.AssetMeta{Provider: "ffmpeg", Model: "eased-stitch"})
	for i, name := range []string{"Model front.PNG", `..\..\etc/pass wd.png`} {
		key := fmt.Sprintf("uploads/17000000000%02d-abcd%d.png", i, i)
		data := []byte("reference " + name)
		e.put(t, &shoot.Asset{SessionID: sid, Type: shoot.AssetInput, Index: i + 1, Version: 1, Key: key, FileName: name, MimeType: "image/png"}, data, nil)
	}
	want["references/1-Model-front.png"] = []byte("reference Model front.PNG")
	want["references/2-pass-wd.png"] = []byte(`reference ..\..\etc/pass wd.png`)
	return sid, want
}

func TestExportZip(t *testing.T) {
	t.Parallel()
	e := newExportEnv(t)
	sid, want := e.shootWithArtifacts(t)
	resp, err := http.Get(e.ts.URL + "/api/sessions/" + sid + "/export.zip")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, sid+".zip") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	files := unzip(t, body)
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	wantNames := []string{"manifest.json"}
	for name := range want {
		wantNames = append(wantNames, name)
	}
	slices.Sort(wantNames)
	if !slices.Equal(names, wantNames) {
		t.Fatalf("entries:\n got %v\nwant %v", names, wantNames)
	}
	for name, data := range want {
		if !bytes.Equal(files[name], data) {
			t.Errorf("%s = %q, want %q (the newest version)", name, files[name], data)
		}
	}
	checkManifest(t, files["manifest.json"], sid)
}

func checkManifest(t *testing.T, raw []byte, sid string) {
	t.Helper()
	var m struct {
		SessionID    string
		Brief        string
		TotalCostUSD float64 `json:"totalCostUsd"`
		Artifacts    []struct {
			File, Provider, Model, Prompt string
			Seed                          int64
			CostUSD                       float64 `json:"costUsd"`
			Version                       int
		}
		References []struct{ File, OriginalName string }
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest.json: %v\n%s", err, raw)
	}
	if m.SessionID != sid || m.Brief != "a night walk" || m.TotalCostUSD != 1.25 {
		t.Errorf("manifest header: %+v", m)
	}
	byFile := map[string]int{}
	for i, a := range m.Artifacts {
		byFile[a.File] = i
	}
	hero := m.Artifacts[byFile["hero.png"]]
	if hero.Prompt != "hero prompt" || hero.Provider != "studio" || hero.Model != "studio-image" || hero.Seed != 42 || hero.CostUSD != 0.15 {
		t.Errorf("hero entry: %+v", hero)
	}
	if f3 := m.Artifacts[byFile["frames/frame-3.png"]]; f3.Version != 2 || f3.Model != "studio-edit" {
		t.Errorf("frame 3 entry: %+v", f3)
	}
	if len(m.Artifacts) != 5 || len(m.References) != 2 || m.References[1].OriginalName != `..\..\etc/pass wd.png` {
		t.Errorf("%d artifacts, references %+v", len(m.Artifacts), m.References)
	}
}

func unzip(t *testing.T, body []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			t.Errorf("unsafe entry name %q", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	return files
}

func TestExportZipRefusals(t *testing.T) {
	t.Parallel()
	e := newExportEnv(t)
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/api/sessions/session_1700000000000_missing00/export.zip", http.StatusNotFound},
		{"/api/sessions/bad.id!/export.zip", http.StatusBadRequest},
	} {
		resp, err := http.Get(e.ts.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %q %s, want %d JSON", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, tc.want)
		}
	}
}

// TestExportZipMissingBlob: a blob that cannot be read once the archive is
// streaming drops the connection, so the download fails visibly instead of
// ending as a truncated zip with a 200.
func TestExportZipMissingBlob(t *testing.T) {
	t.Parallel()
	e := newExportEnv(t)
	sid, _ := e.shootWithArtifacts(t)
	if err := e.bucket.Delete(context.Background(), shoot.AssetKey(sid, shoot.AssetFinal, 0, 1)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(e.ts.URL + "/api/sessions/" + sid + "/export.zip")
	if err != nil {
		return // refused before the headers: also a visible failure
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Fatal("the download of an export with a missing file ended cleanly")
	}
}
