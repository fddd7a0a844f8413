package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// accClient talks to a studio as one user: a Bearer token, a sign-in
// cookie, or nothing.
type accClient struct {
	t      *testing.T
	base   string
	token  string
	cookie string
	origin string
}

// do sends a request and returns the status, headers and body. An SSE
// answer is read to its end (the exchange's complete or error event).
func (c accClient) do(method, path string, body io.Reader, headers ...string) (int, http.Header, []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.t.Context(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	if c.origin != "" {
		req.Header.Set("Origin", c.origin)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

// json sends a JSON body.
func (c accClient) json(method, path, body string) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	code, _, data := c.do(method, path, rd, "Content-Type", "application/json")
	return code, data
}

// events parses an SSE body.
func accEvents(t *testing.T, data []byte) []sseEvent {
	t.Helper()
	var evs []sseEvent
	if err := readSSE(bytes.NewReader(data), func(e sseEvent) bool { evs = append(evs, e); return true }); err != nil {
		t.Fatal(err)
	}
	return evs
}

// hero starts a shoot and returns its id once the hero checkpoint is
// reached.
func (c accClient) hero(refs ...string) string {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"prompt": "linen suit on a rooftop", "inputImages": refs,
		"options": map[string]any{"resolution": "1K", "clipDuration": 0.5, "fps": 24}})
	code, data := c.json("POST", "/api/generate-stream", string(body))
	if code != 200 {
		c.t.Fatalf("generate: %d %s", code, data)
	}
	evs := accEvents(c.t, data)
	if len(evs) == 0 || lastOf(c.t, evs).Type() != "complete" {
		c.t.Fatalf("hero exchange: %s", data)
	}
	return evs[0].Data["sessionId"].(string)
}

// uploadRef uploads one reference picture and returns its url.
func (c accClient) uploadRef(data []byte) (int, map[string]any) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("images", "ref.png")
	fw.Write(data)
	mw.Close()
	code, _, raw := c.do("POST", "/api/upload", &body, "Content-Type", mw.FormDataContentType())
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		c.t.Fatalf("upload answer %q: %v", raw, err)
	}
	return code, m
}

// heroKey returns the blob path of a session's hero, as the assets list
// gives it.
func (c accClient) heroURL(sid string) string {
	c.t.Helper()
	code, data := c.json("GET", "/api/sessions/"+sid+"/assets", "")
	var a struct {
		Assets struct {
			Hero []struct{ URL string }
		}
	}
	if code != 200 || json.Unmarshal(data, &a) != nil || len(a.Assets.Hero) == 0 {
		c.t.Fatalf("assets: %d %s", code, data)
	}
	return a.Assets.Hero[0].URL
}

// TestAccessEndToEnd runs `shoot serve` with tokens and checks, over real
// HTTP with a real shoot: 401s, per-user galleries on every API and media
// route, administrators, cookie sign-in with its cross-site check, and a
// revocation from the terminal taking effect at once.
func TestAccessEndToEnd(t *testing.T) {
	t.Parallel()
	s := startStudio(t, map[string]string{"SHOOT_AUTH": "token"})
	aliceTok := accToken(t, s.Dir, "alice", false)
	alice := accClient{t: t, base: s.Base, token: aliceTok}
	bob := accClient{t: t, base: s.Base, token: accToken(t, s.Dir, "bob", false)}
	root := accClient{t: t, base: s.Base, token: accToken(t, s.Dir, "root", true)}
	anon := accClient{t: t, base: s.Base}

	if code, data := anon.json("GET", "/api/sessions", ""); code != 401 || !strings.Contains(string(data), `"success":false`) {
		t.Fatalf("no token: %d %s", code, data)
	}
	if code, _ := anon.json("GET", "/api/health", ""); code != 200 {
		t.Fatalf("health must stay public: %d", code)
	}
	code, up := alice.uploadRef(refPNG(3))
	if code != 200 {
		t.Fatalf("upload %d %v", code, up)
	}
	ref := up["files"].([]any)[0].(map[string]any)["url"].(string)
	sid := alice.hero(ref)
	hero := alice.heroURL(sid)

	for _, rt := range []struct{ method, path, body string }{
		{"GET", "/api/sessions/" + sid, ""},
		{"GET", "/api/sessions/" + sid + "/pipeline", ""},
		{"GET", "/api/sessions/" + sid + "/assets", ""},
		{"GET", "/api/sessions/" + sid + "/events", ""},
		{"GET", "/api/sessions/" + sid + "/export.zip", ""},
		{"POST", "/api/sessions/" + sid + "/continue-stream", `{"prompt":"continue"}`},
		{"POST", "/api/sessions/" + sid + "/cancel", ""},
		{"DELETE", "/api/sessions/" + sid, ""},
		{"POST", "/api/generate-stream", `{"prompt":"continue","sessionId":"` + sid + `"}`},
		{"POST", "/api/generate", `{"prompt":"continue","sessionId":"` + sid + `"}`},
		{"POST", "/api/generate-stream", `{"prompt":"mine now","inputImages":["` + ref + `"]}`},
		{"GET", hero, ""},
		{"GET", "/api/media" + hero, ""},
		{"GET", ref, ""},
		{"GET", "/api/media" + ref, ""},
	} {
		code, data := bob.json(rt.method, rt.path, rt.body)
		wantCode := 404
		if strings.Contains(rt.body, "inputImages") {
			wantCode = 400 // like an unknown upload
		}
		if code != wantCode || strings.Contains(string(data), "linen") {
			t.Errorf("bob %s %s: %d %s, want %d", rt.method, rt.path, code, data, wantCode)
		}
	}
	if _, data := bob.json("GET", "/api/sessions", ""); strings.Contains(string(data), sid) {
		t.Fatalf("bob's list shows alice's session: %s", data)
	}
	// Nothing bob did touched it: alice still has it at its checkpoint, and
	// so do administrators.
	for _, c := range []accClient{alice, root} {
		code, data := c.json("GET", "/api/sessions/"+sid+"/pipeline", "")
		if code != 200 || !strings.Contains(string(data), `"run_state":"awaiting"`) {
			t.Fatalf("pipeline: %d %s", code, data)
		}
		if code, _, _ := c.do("GET", hero, nil); code != 200 {
			t.Fatalf("hero media: %d", code)
		}
	}

	// Cookie sign-in: media by cookie alone; writes need the studio's origin.
	code, hdr, data := anon.do("POST", "/api/auth/login", strings.NewReader(`{"token":"`+aliceTok+`"}`),
		"Content-Type", "application/json")
	set := hdr.Get("Set-Cookie")
	if code != 200 || !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Strict") {
		t.Fatalf("login: %d %q %s", code, set, data)
	}
	browser := accClient{t: t, base: s.Base, cookie: strings.SplitN(set, ";", 2)[0]}
	if code, _, _ := browser.do("GET", hero, nil); code != 200 {
		t.Fatalf("<img> with the cookie: %d", code)
	}
	if code, data := browser.json("POST", "/api/sessions/"+sid+"/cancel", ""); code != 403 {
		t.Fatalf("cookie write without Origin: %d %s", code, data)
	}
	evil := browser
	evil.origin = "https://evil.example"
	if code, data := evil.json("POST", "/api/sessions/"+sid+"/continue-stream", `{"prompt":"continue"}`); code != 403 {
		t.Fatalf("cross-site write: %d %s", code, data)
	}

	// Revoking from the terminal while the studio runs: the next request fails.
	if code, _, stderr := runShoot(t.Context(), nil, "token", "revoke", "alice", "--data-dir", s.Dir); code != 0 {
		t.Fatalf("revoke: %s", stderr)
	}
	for _, c := range []accClient{alice, browser} {
		if code, data := c.json("GET", "/api/me", ""); code != 401 {
			t.Fatalf("after revoke: %d %s", code, data)
		}
	}
	if code, data := root.json("GET", "/api/audit?target="+sid, ""); code != 200 || !strings.Contains(string(data), "session.create") {
		t.Fatalf("audit: %d %s", code, data)
	}
}

// TestAccessLimitsEndToEnd reaches the running-shoots limit through `shoot
// serve`: the second start is 429 and leaves nothing behind.
func TestAccessLimitsEndToEnd(t *testing.T) {
	t.Parallel()
	s := startStudio(t, map[string]string{"SHOOT_AUTH": "token", "SHOOT_MAX_RUNNING": "1",
		"SHOOT_STUDIO_IMAGE_LATENCY": "2s"})
	alice := accClient{t: t, base: s.Base, token: accToken(t, s.Dir, "alice", false)}
	// The first shoot's hero takes two seconds. Its stream's first event
	// means the session is recorded as running; the rest is read afterwards.
	req, _ := http.NewRequestWithContext(t.Context(), "POST", s.Base+"/api/generate-stream",
		strings.NewReader(`{"prompt":"first","options":{"resolution":"1K"}}`))
	req.Header.Set("Authorization", "Bearer "+alice.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("first shoot: %v %v", resp, err)
	}
	defer resp.Body.Close()
	var evs []sseEvent
	readSSE(resp.Body, func(e sseEvent) bool { evs = append(evs, e); return false })
	if len(evs) != 1 || evs[0].Type() != "session_init" {
		t.Fatalf("first event %v", evs)
	}
	code, data := alice.json("POST", "/api/generate-stream", `{"prompt":"second"}`)
	if code != 429 || !strings.Contains(string(data), "limit is 1") {
		t.Fatalf("second shoot: %d %s", code, data)
	}
	_, list := alice.json("GET", "/api/sessions", "")
	if n := strings.Count(string(list), `"id":`); n != 1 {
		t.Fatalf("%d sessions after a refused start: %s", n, list)
	}
	readSSE(resp.Body, func(e sseEvent) bool { evs = append(evs, e); return true })
	if lastOf(t, evs).Type() != "complete" {
		t.Fatalf("first shoot: %v", lastOf(t, evs).Data)
	}
	// Once it waits at its checkpoint, another may start.
	if code, data := alice.json("POST", "/api/generate", `{"prompt":"third","options":{"resolution":"1K"}}`); code != 200 {
		t.Fatalf("after the first paused: %d %s", code, data)
	}
}

// TestAccessMonthlyBudget spends real (fake-FAL) money against a monthly
// budget of $0.20: the $0.15 hero fits, the contact sheet would not and is
// never submitted, and once the month's spending reaches the budget a new
// shoot is refused with 429 before anything is created. Deleting a session
// does not give its spending back.
func TestAccessMonthlyBudget(t *testing.T) {
	t.Parallel()
	fal := providertest.NewFAL(providertest.FALOptions{})
	t.Cleanup(fal.Close)
	s := startStudio(t, map[string]string{"SHOOT_AUTH": "token", "SHOOT_MONTHLY_BUDGET_USD": "0.20",
		"SHOOT_IMAGE_PROVIDER": "fal", "FAL_KEY": fal.Key(), "SHOOT_FAL_QUEUE_URL": fal.URL, "SHOOT_FAL_REST_URL": fal.URL,
		"SHOOT_VIDEO_PROVIDER": "studio", "SHOOT_DIRECTOR": "rules"})
	alice := accClient{t: t, base: s.Base, token: accToken(t, s.Dir, "alice", false)}
	sid := alice.hero()
	if n := fal.Submissions(""); n != 1 {
		t.Fatalf("FAL submissions after the hero: %d", n)
	}
	code, data := alice.json("POST", "/api/sessions/"+sid+"/continue-stream", `{"prompt":"continue"}`)
	evs := accEvents(t, data)
	if code != 200 || lastOf(t, evs).Type() != "error" || !strings.Contains(fmt.Sprint(lastOf(t, evs).Data["message"]), "monthly budget of $0.20") {
		t.Fatalf("sheet over budget: %d %s", code, data)
	}
	if n := fal.Submissions(""); n != 1 {
		t.Fatalf("the sheet was submitted although over budget (%d submissions)", n)
	}
	_, me := alice.json("GET", "/api/me", "")
	if !strings.Contains(string(me), `"spentThisMonthUsd":0.15`) || !strings.Contains(string(me), `"monthlyBudgetUsd":0.2`) {
		t.Fatalf("me: %s", me)
	}
	// More spending recorded in the ledger (as another paid call would)
	// takes the month past the budget.
	db := accOpenDB(t, s.Dir)
	if err := db.AddCost(t.Context(), &shoot.Cost{SessionID: sid, Provider: "fal", USD: 0.10, Ref: "test-extra"}); err != nil {
		t.Fatal(err)
	}
	if code, data := alice.json("DELETE", "/api/sessions/"+sid, ""); code != 200 {
		t.Fatalf("delete: %d %s", code, data)
	}
	code, data = alice.json("POST", "/api/generate-stream", `{"prompt":"another"}`)
	if code != 429 || !strings.Contains(string(data), "monthly budget of $0.20 is spent ($0.25") {
		t.Fatalf("new shoot past the budget: %d %s", code, data)
	}
	if _, list := alice.json("GET", "/api/sessions", ""); strings.Contains(string(list), `"id":`) {
		t.Fatalf("a refused start created a session: %s", list)
	}
}

// accOpenDB opens a running studio's SQLite database beside it.
func accOpenDB(t *testing.T, dir string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
