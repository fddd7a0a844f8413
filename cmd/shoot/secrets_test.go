package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
)

// Known provider credentials for the leak test. The fakes accept only these,
// so a finished shoot proves each one was really sent to its service.
const (
	secFALKey         = "falid-LEAKCHECK-0a1b:falsecret-LEAKCHECK-1a2b3c4d5e6f"
	secKlingAccessKey = "kling-ak-LEAKCHECK-7g8h9i0j"
	secKlingSecretKey = "kling-sk-LEAKCHECK-k1l2m3n4o5p6"
	secAnthropicKey   = "sk-ant-LEAKCHECK-q7r8s9t0u1v2"
)

// secDirector is the fake model: the hero for a new shoot, "approve" at
// every reply, and a short acknowledgement of each tool result.
func secDirector(r claudetest.Request) claudetest.Response {
	last := r.Last()
	if len(last.Blocks("tool_result")) > 0 {
		return claudetest.Reply(claudetest.Text("Under way."))
	}
	switch text := last.Text(); {
	case strings.Contains(text, "[New shoot]"):
		return claudetest.Reply(claudetest.Text("Starting with the hero."), claudetest.ToolUse("generate_hero", map[string]any{}))
	case strings.Contains(text, "[User reply"):
		return claudetest.Reply(claudetest.Text("On to the next step."), claudetest.ToolUse("approve", nil))
	}
	return claudetest.Reply(claudetest.Text("That stage is ready."))
}

// TestSecretsNeverLeak runs a whole shoot through `shoot serve` with real
// clients against the FAL, Kling and Anthropic fakes, each credential set to
// a known string, and then looks for those strings — and the user's API
// token — everywhere the studio writes: its debug log, every API answer
// (bodies and headers, the event streams included), the manifest in the
// export, every database row and every stored file.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	clip := playableClip(t, 320, 480)
	fal := providertest.NewFAL(providertest.FALOptions{Key: secFALKey})
	t.Cleanup(fal.Close)
	kling := providertest.NewKling(providertest.KlingOptions{AccessKey: secKlingAccessKey, SecretKey: secKlingSecretKey,
		Video: func(string, map[string]any) []byte { return clip }})
	t.Cleanup(kling.Close)
	api := claudetest.New(secAnthropicKey)
	t.Cleanup(api.Close)
	api.Handle(secDirector)
	s := startStudio(t, map[string]string{
		"SHOOT_AUTH": "token", "SHOOT_LOG_LEVEL": "debug",
		"SHOOT_IMAGE_PROVIDER": "fal", "FAL_KEY": secFALKey, "SHOOT_FAL_QUEUE_URL": fal.URL, "SHOOT_FAL_REST_URL": fal.URL,
		"SHOOT_VIDEO_PROVIDER": "kling", "KLING_ACCESS_KEY": secKlingAccessKey, "KLING_SECRET_KEY": secKlingSecretKey,
		"SHOOT_KLING_BASE_URL": kling.URL,
		"SHOOT_DIRECTOR":       "claude", "ANTHROPIC_API_KEY": secAnthropicKey, "ANTHROPIC_BASE_URL": api.URL,
	})
	token := accToken(t, s.Dir, "alice", false)
	rec := &secRecorder{t: t, c: accClient{t: t, base: s.Base, token: token}}
	sid := rec.shoot()

	// Every credential was used for real.
	if fal.Submissions("") == 0 || kling.Submissions("") == 0 || len(api.Requests()) == 0 {
		t.Fatalf("a provider was not used: fal %d, kling %d, claude %d", fal.Submissions(""), kling.Submissions(""), len(api.Requests()))
	}
	for _, path := range []string{"/api/sessions", "/api/sessions/" + sid, "/api/sessions/" + sid + "/assets",
		"/api/sessions/" + sid + "/pipeline", "/api/me", "/api/health", "/api/health?deep=1", "/api/estimate", "/api/presets"} {
		rec.get(path)
	}
	rec.replay(sid)
	manifest := rec.manifest(sid)

	_, falSecret, _ := strings.Cut(secFALKey, ":")
	secrets := map[string]string{"FAL_KEY": secFALKey, "FAL_KEY's secret half": falSecret, "KLING_ACCESS_KEY": secKlingAccessKey,
		"KLING_SECRET_KEY": secKlingSecretKey, "ANTHROPIC_API_KEY": secAnthropicKey, "the API token": token}
	places := map[string][]byte{
		"the log":           []byte(s.Log.String()),
		"the API answers":   rec.seen.Bytes(),
		"the manifest":      manifest,
		"the database":      secDatabaseDump(t, s.Dir),
		"the stored files":  secFiles(t, filepath.Join(s.Dir, "blobs")),
		"the event streams": rec.streams.Bytes(),
	}
	for place, data := range places {
		if len(data) == 0 {
			t.Errorf("%s is empty: the check would prove nothing", place)
		}
		for name, secret := range secrets {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s appears in %s", name, place)
			}
		}
	}
	if bytes.Contains(places["the log"], []byte("Bearer ")) || bytes.Contains(places["the log"], []byte("eyJhbGci")) {
		t.Error("an Authorization header or a signed JWT reached the log")
	}
}

// secRecorder keeps every answer a test client got.
type secRecorder struct {
	t       *testing.T
	c       accClient
	seen    bytes.Buffer // bodies and headers of every answer
	streams bytes.Buffer // the SSE bodies alone
}

func (r *secRecorder) keep(code int, h http.Header, body []byte) {
	fmt.Fprintf(&r.seen, "%d %v\n", code, h)
	r.seen.Write(body)
}

func (r *secRecorder) get(path string) []byte {
	r.t.Helper()
	code, h, body := r.c.do("GET", path, nil)
	r.keep(code, h, body)
	return body
}

// shoot uploads two references and runs a shoot to its film, answering
// "continue" at each checkpoint.
func (r *secRecorder) shoot() string {
	r.t.Helper()
	var refs []string
	for i := range 2 {
		code, up := r.c.uploadRef(refPNG(10 + i))
		raw, _ := json.Marshal(up)
		r.keep(code, nil, raw)
		refs = append(refs, up["files"].([]any)[0].(map[string]any)["url"].(string))
	}
	body, _ := json.Marshal(map[string]any{"prompt": "linen suit, warm concrete", "inputImages": refs,
		"options": map[string]any{"resolution": "1K", "clipDuration": 0.5, "fps": 24}})
	path, payload := "/api/generate-stream", string(body)
	var sid string
	for i := 0; i < 8; i++ {
		code, h, data := r.c.do("POST", path, strings.NewReader(payload), "Content-Type", "application/json")
		r.keep(code, h, data)
		r.streams.Write(data)
		evs := accEvents(r.t, data)
		if code != 200 || len(evs) == 0 {
			r.t.Fatalf("%s: %d %s", path, code, data)
		}
		if sid == "" {
			sid, _ = evs[0].Data["sessionId"].(string)
		}
		end := lastOf(r.t, evs)
		if end.Type() != "complete" {
			r.t.Fatalf("exchange ended with %v", end.Data)
		}
		if end.Data["stage"] == "complete" {
			return sid
		}
		path, payload = "/api/sessions/"+sid+"/continue-stream", `{"prompt":"continue"}`
	}
	r.t.Fatal("no film after eight exchanges")
	return ""
}

// replay reads the session's whole event log again from the start.
func (r *secRecorder) replay(sid string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.t.Context(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", r.c.base+"/api/sessions/"+sid+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+r.c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var n int
	err = readSSE(io.TeeReader(resp.Body, &r.streams), func(e sseEvent) bool {
		n++
		return !(e.Type() == "complete" && e.Data["stage"] == "complete")
	})
	if err != nil || n == 0 {
		r.t.Fatalf("replay: %d events, %v", n, err)
	}
}

// manifest returns manifest.json from the session's export, when the
// studio serves exports.
func (r *secRecorder) manifest(sid string) []byte {
	r.t.Helper()
	code, h, body := r.c.do("GET", "/api/sessions/"+sid+"/export.zip", nil)
	if code != 200 {
		r.t.Fatalf("export: %d %s", code, body)
	}
	fmt.Fprintf(&r.seen, "%d %v\n", code, h)
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		r.t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "manifest.json" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			r.t.Fatal(err)
		}
		defer rc.Close()
		data, _ := io.ReadAll(rc)
		return data
	}
	r.t.Fatal("the export has no manifest.json")
	return nil
}

// secDatabaseDump renders every row of every table, the queue's included.
func secDatabaseDump(t *testing.T, dir string) []byte {
	t.Helper()
	db := accOpenDB(t, dir).DB()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var out bytes.Buffer
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					out.Write(b)
				} else {
					fmt.Fprint(&out, v)
				}
				out.WriteByte(' ')
			}
			out.WriteByte('\n')
		}
		rows.Close()
	}
	return out.Bytes()
}

// secFiles concatenates every stored file.
func secFiles(t *testing.T, root string) []byte {
	t.Helper()
	var out bytes.Buffer
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		out.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
