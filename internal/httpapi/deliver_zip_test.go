package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestSessionZipHasEveryFormat: an offline shoot whose music bed came in
// through the upload route, asked for every format with the feed preset,
// ends with a session zip holding final/<format>/fashion-video.mp4,
// poster.jpg, poster.webp and preview.webp for each of 9x16, 4x5, 1x1 and
// 16x9, each of its own kind; its manifest has the film's beat grid and
// loudness, and the feed's 4:5 film under the feed's bitrate cap, also
// kept as final/4x5/fashion-video-feed-4x5.mp4 (the manifest's
// presetFile). On
// SQLite and PostgreSQL.
func TestSessionZipHasEveryFormat(t *testing.T) {
	t.Parallel()
	eachHookStudio(t, time.Second, func(t *testing.T, h *hookStudio) {
		body, ct := multipartBody(t, bed("click.wav", clickWAV()))
		resp, err := http.Post(h.url+"/api/upload", ct, body)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var up struct {
			Files []struct{ URL string } `json:"files"`
		}
		if err := json.Unmarshal(raw, &up); err != nil || resp.StatusCode != http.StatusOK || len(up.Files) != 1 {
			t.Fatalf("audio upload: %d %s", resp.StatusCode, raw)
		}
		o := shoot.Options{Resolution: "1K", ClipDuration: 0.6, FPS: 24, AutoApprove: true,
			Deliver: []string{"9:16", "4:5", "1:1", "16:9"}, Audio: up.Files[0].URL, Preset: "feed"}
		s, _, err := h.eng.Start(t.Context(), pipeline.StartRequest{Brief: "linen summer dress on a rooftop", Options: o})
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(4 * time.Minute)
		for {
			got, err := h.store.GetSession(t.Context(), s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status == shoot.StatusCompleted {
				break
			}
			if got.Status == shoot.StatusError || time.Now().After(deadline) {
				t.Fatalf("the shoot ended %s at %s", got.Status, got.PipelineStage)
			}
			time.Sleep(100 * time.Millisecond)
		}
		resp, err = http.Get(h.url + "/api/sessions/" + s.ID + "/export.zip")
		if err != nil {
			t.Fatal(err)
		}
		zipped, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("export: %d %s", resp.StatusCode, zipped)
		}
		files := unzip(t, zipped)
		kinds := map[string]func([]byte) bool{
			"fashion-video.mp4": func(b []byte) bool { return len(b) > 12 && string(b[4:8]) == "ftyp" },
			"poster.jpg":        func(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) },
			"poster.webp":       isWebP,
			"preview.webp":      isWebP,
		}
		for _, dir := range []string{"9x16", "4x5", "1x1", "16x9"} {
			for name, ok := range kinds {
				file := "final/" + dir + "/" + name
				if data, there := files[file]; !there || !ok(data) {
					t.Errorf("%s: in the zip %t, %d bytes of the wrong kind", file, there, len(data))
				}
			}
		}
		if len(files["final/4x5/preview.webp"]) > 2<<20 {
			t.Errorf("the 4:5 preview is %d bytes, over 2 MB", len(files["final/4x5/preview.webp"]))
		}
		var m struct {
			Options    shoot.Options                          `json:"options"`
			PresetFile *struct{ File, Film, Platform string } `json:"presetFile"`
			Artifacts  []struct {
				File    string `json:"file"`
				Details struct {
					Beat *struct {
						Tempo float64 `json:"tempo"`
					} `json:"beat"`
					Loudness *struct {
						TargetI float64 `json:"target_i"`
					} `json:"loudness"`
					MaxKbps int `json:"max_kbps"`
				} `json:"details"`
			} `json:"artifacts"`
		}
		if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
			t.Fatalf("manifest.json: %v", err)
		}
		seen := map[string]bool{}
		for _, a := range m.Artifacts {
			seen[a.File] = true
			switch a.File {
			case "final/fashion-video.mp4":
				if b, l := a.Details.Beat, a.Details.Loudness; b == nil || b.Tempo < 117 || b.Tempo > 123 || l == nil || l.TargetI != -14 {
					t.Errorf("film details: beat %+v, loudness %+v, want about 120 BPM at -14 LUFS", b, l)
				}
			case "final/4x5/fashion-video.mp4":
				if a.Details.MaxKbps != 25000 {
					t.Errorf("the feed's 4:5 film was encoded under %d kbit/s, want 25000", a.Details.MaxKbps)
				}
			case "final/9x16/fashion-video.mp4":
				if a.Details.MaxKbps != 0 {
					t.Errorf("9:16 is not the feed's format but was capped at %d", a.Details.MaxKbps)
				}
			}
		}
		if p := m.PresetFile; p == nil || p.File != "final/4x5/fashion-video-feed-4x5.mp4" || p.Film != "final/4x5/fashion-video.mp4" {
			t.Errorf("manifest presetFile %+v", m.PresetFile)
		} else {
			seen[p.File] = true
			if !bytes.Equal(files[p.File], files[p.Film]) {
				t.Errorf("%s is not the 4:5 film", p.File)
			}
		}
		for f := range files {
			if strings.HasPrefix(f, "final/") && !seen[f] {
				t.Errorf("%s is in the zip but not in the manifest", f)
			}
		}
		if m.Options.Preset != "feed" || !strings.HasPrefix(m.Options.Audio, "uploads/") {
			t.Errorf("manifest options %+v", m.Options)
		}
		t.Logf("%d files in the zip", len(files))
	})
}

func isWebP(b []byte) bool {
	return len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}
