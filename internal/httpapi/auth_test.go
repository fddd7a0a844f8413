package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
	"github.com/fashionshoot/shoot/internal/imaging/imagingtest"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// accessEnv is the whole API (generation routes on a held queue) with
// access control configured by env, on a real database and blob folder.
type accessEnv struct {
	ts     *httptest.Server
	store  *sqlite.DB
	bucket *blob.Bucket
	queue  *heldQueue
	logs   *syncBuffer
}

func newAccessEnv(t *testing.T, env map[string]string) *accessEnv {
	t.Helper()
	return newAccessEnvAt(t, env, nil)
}

// newAccessEnvAt is newAccessEnv whose rate limiters read the clock now
// (nil: time.Now).
func newAccessEnvAt(t *testing.T, env map[string]string, now func() time.Time) *accessEnv {
	t.Helper()
	vars := map[string]string{"SHOOT_AUTH": "token"}
	for k, v := range env {
		vars[k] = v
	}
	b := newBackend(t, vars)
	cfg, st, bucket, eng, q := b.cfg, b.store, b.bucket, b.eng, b.queue
	logs := &syncBuffer{}
	_, ts := httpapitest.Serve(t, httpapi.Deps{Config: cfg, Store: st, Bucket: bucket, Now: now,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Engine: eng})
	return &accessEnv{ts: ts, store: st, bucket: bucket, queue: q, logs: logs}
}

// token stores a new token for name and returns it.
func (e *accessEnv) token(t *testing.T, name string, admin bool) string {
	t.Helper()
	tok, hash := auth.NewToken()
	if err := e.store.CreateToken(context.Background(), &store.Token{Name: name, Hash: hash, Admin: admin}); err != nil {
		t.Fatal(err)
	}
	return tok
}

// call sends a request; headers are name/value pairs. A "token" pseudo
// header becomes a Bearer Authorization.
func (e *accessEnv) call(t *testing.T, method, path, body string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequestWithContext(ctx, method, e.ts.URL+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "token" {
			req.Header.Set("Authorization", "Bearer "+headers[i+1])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp := send(t, e.ts, req)
	defer resp.Body.Close()
	var data []byte
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		data = make([]byte, 4096)
		n, _ := resp.Body.Read(data) // the first event is enough
		data = data[:n]
	} else {
		data, _ = io.ReadAll(resp.Body)
	}
	return resp, data
}

// want checks a status and, for errors, the JSON error shape.
func want(t *testing.T, resp *http.Response, body []byte, status int, contains string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d %s, want %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, body, status)
	}
	if status >= 400 {
		wantError(t, decodeJSON(t, resp, body), contains)
	}
}

// ownSession makes a session owned by owner, waiting at the hero checkpoint.
func (e *accessEnv) ownSession(t *testing.T, id, owner string) {
	t.Helper()
	s := &shoot.Session{ID: id, Owner: owner, Status: shoot.StatusActive, PipelineStage: shoot.StageHero,
		RunState: shoot.RunAwaiting, Brief: "b"}
	if err := e.store.CreateSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key := "outputs/" + id + "/hero.png"
	if err := e.bucket.WriteAll(ctx, key, []byte("\x89PNG hero of "+owner), nil); err != nil {
		t.Fatal(err)
	}
}

func TestTokenModeNeedsAToken(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, nil)
	alice := e.token(t, "alice", false)
	forged, _ := auth.NewToken()
	for _, h := range [][]string{nil, {"token", forged}, {"Authorization", "Basic YWxpY2U6eA=="}, {"token", "x"}} {
		for _, path := range []string{"/api/sessions", "/api/me", "/api/nope", "/uploads/1700000000000-abcd.png", "/outputs/s/x.png"} {
			resp, body := e.call(t, "GET", path, "", h...)
			want(t, resp, body, http.StatusUnauthorized, "")
			if resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: no WWW-Authenticate", path)
			}
		}
	}
	resp, body := e.call(t, "GET", "/api/health", "")
	want(t, resp, body, http.StatusOK, "")
	resp, body = e.call(t, "GET", "/api/me", "", "token", alice)
	want(t, resp, body, http.StatusOK, "")
	var me struct {
		Auth string
		User auth.User
	}
	if err := json.Unmarshal(body, &me); err != nil || me.Auth != "token" || me.User.Name != "alice" || me.User.Admin {
		t.Fatalf("me: %s", body)
	}
	// Revocation takes effect on the next request.
	if err := e.store.RevokeToken(context.Background(), "alice", store.Now()); err != nil {
		t.Fatal(err)
	}
	resp, body = e.call(t, "GET", "/api/me", "", "token", alice)
	want(t, resp, body, http.StatusUnauthorized, "revoked")
	if strings.Contains(e.logs.String(), alice) {
		t.Fatal("a token reached the log")
	}
}

func TestNoneModeIsLocalAdminOnLoopback(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, map[string]string{"SHOOT_AUTH": "none"})
	resp, body := e.call(t, "GET", "/api/me", "")
	want(t, resp, body, http.StatusOK, "")
	if !strings.Contains(string(body), `"name":"local"`) || !strings.Contains(string(body), `"admin":true`) {
		t.Fatalf("me: %s", body)
	}
	// A page elsewhere that points its own name at 127.0.0.1 is refused.
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/sessions", nil)
	req.Host = "evil.example:8080"
	r2 := send(t, e.ts, req)
	b2, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	want(t, r2, b2, http.StatusForbidden, "localhost")
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, nil)
	for _, path := range []string{"/api/health", "/api/sessions", "/api/nope", "/", "/outputs/x/../y"} {
		resp, _ := e.call(t, "GET", path, "")
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("Referrer-Policy") == "" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	resp, _ := e.call(t, "GET", "/", "")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'self'", "img-src 'self' data: blob:", "media-src 'self' blob:"} {
		if !strings.Contains(csp, part) {
			t.Errorf("studio CSP %q lacks %q", csp, part)
		}
	}
	resp, _ = e.call(t, "GET", "/api/health", "")
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Error("API answers must be sandboxed")
	}
	resp, _ = e.call(t, "GET", "/api/health", "", "X-Forwarded-Proto", "https")
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS behind an HTTPS proxy")
	}
}

func TestOtherUsersSessionsAreNotFound(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, nil)
	alice, bob, root := e.token(t, "alice", false), e.token(t, "bob", false), e.token(t, "root", true)
	const aliceSID, bobSID = "session_1700000000000_alice001", "session_1700000000000_bob00001"
	e.ownSession(t, aliceSID, "alice")
	e.ownSession(t, bobSID, "bob")
	routes := []struct{ method, path, body string }{
		{"GET", "/api/sessions/" + aliceSID, ""},
		{"GET", "/api/sessions/" + aliceSID + "/pipeline", ""},
		{"GET", "/api/sessions/" + aliceSID + "/assets", ""},
		{"GET", "/api/sessions/" + aliceSID + "/events", ""},
		{"GET", "/api/sessions/" + aliceSID + "/export.zip", ""},
		{"POST", "/api/sessions/" + aliceSID + "/continue-stream", `{"prompt":"continue"}`},
		{"POST", "/api/sessions/" + aliceSID + "/cancel", ""},
		{"DELETE", "/api/sessions/" + aliceSID, ""},
		{"POST", "/api/generate-stream", `{"prompt":"continue","sessionId":"` + aliceSID + `"}`},
		{"POST", "/api/generate", `{"prompt":"continue","sessionId":"` + aliceSID + `"}`},
		{"GET", "/outputs/" + aliceSID + "/hero.png", ""},
		{"HEAD", "/outputs/" + aliceSID + "/hero.png", ""},
		{"GET", "/api/media/outputs/" + aliceSID + "/hero.png", ""},
	}
	for _, rt := range routes {
		resp, body := e.call(t, rt.method, rt.path, rt.body, "token", bob)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("bob %s %s: %d %s, want 404", rt.method, rt.path, resp.StatusCode, body)
		}
		// The same route for a session that does not exist answers the same
		// (generate would create a session of that name instead).
		if strings.Contains(rt.path, "generate") {
			continue
		}
		missing := strings.ReplaceAll(rt.path, aliceSID, "session_1700000000000_nobody01")
		mresp, mbody := e.call(t, rt.method, missing, rt.body, "token", bob)
		if mresp.StatusCode != resp.StatusCode || string(mbody) != string(body) {
			t.Errorf("%s %s: foreign answer %d %s differs from a missing one %d %s", rt.method, rt.path,
				resp.StatusCode, body, mresp.StatusCode, mbody)
		}
	}
	if n := e.queue.count(); n != 0 {
		t.Fatalf("bob's attempts queued %d jobs", n)
	}
	s, err := e.store.GetSession(context.Background(), aliceSID)
	if err != nil || s.RunState != shoot.RunAwaiting {
		t.Fatalf("alice's session changed: %+v %v", s, err)
	}
	// Owners and administrators do see it; the list is one's own.
	for _, tok := range []string{alice, root} {
		resp, body := e.call(t, "GET", "/api/sessions/"+aliceSID, "", "token", tok)
		want(t, resp, body, http.StatusOK, "")
		resp, body = e.call(t, "GET", "/outputs/"+aliceSID+"/hero.png", "", "token", tok)
		want(t, resp, body, http.StatusOK, "")
	}
	resp, body := e.call(t, "GET", "/api/sessions", "", "token", bob)
	if !strings.Contains(string(body), bobSID) || strings.Contains(string(body), aliceSID) {
		t.Fatalf("bob's list: %s", body)
	}
	resp, body = e.call(t, "GET", "/api/sessions?all=1", "", "token", bob)
	if strings.Contains(string(body), aliceSID) {
		t.Fatalf("?all=1 is for administrators: %s", body)
	}
	resp, body = e.call(t, "GET", "/api/sessions?all=1", "", "token", root)
	if !strings.Contains(string(body), aliceSID) || !strings.Contains(string(body), bobSID) {
		t.Fatalf("admin's list: %d %s", resp.StatusCode, body)
	}
}

// uploadAs posts one image as a user and returns the answer.
func (e *accessEnv) uploadAs(t *testing.T, tok string, data []byte) (*http.Response, map[string]any) {
	t.Helper()
	return e.uploadFilesAs(t, tok, testFile{"images", "photo.jpg", "image/jpeg", data})
}

// uploadFilesAs posts files as a user and returns the answer.
func (e *accessEnv) uploadFilesAs(t *testing.T, tok string, files ...testFile) (*http.Response, map[string]any) {
	t.Helper()
	body, ct := multipartBody(t, files...)
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/upload", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp := send(t, e.ts, req)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, decodeJSON(t, resp, raw)
}

// gpsJPEG is a photo with an EXIF block naming where it was taken, and
// more metadata, each holding imagingtest.Secret.
func gpsJPEG(t *testing.T) []byte {
	t.Helper()
	_, dirty := imagingtest.JPEGWithMetadata(t)
	return dirty
}

func TestUploadsBelongToTheirOwnerAndLoseLocation(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, nil)
	alice, bob := e.token(t, "alice", false), e.token(t, "bob", false)
	photo := gpsJPEG(t)
	resp, up := e.uploadAs(t, alice, photo)
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %d %v", resp.StatusCode, up)
	}
	file := up["files"].([]any)[0].(map[string]any)
	url, key := file["url"].(string), file["r2Key"].(string)
	stored, err := e.bucket.ReadAll(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte(imagingtest.Secret)) || !bytes.Contains(photo, []byte(imagingtest.Secret)) {
		t.Fatal("the stored reference still carries its location")
	}
	if _, err := jpeg.Decode(bytes.NewReader(stored)); err != nil {
		t.Fatalf("stored reference does not decode: %v", err)
	}
	r, b := e.call(t, "GET", url, "", "token", alice)
	want(t, r, b, http.StatusOK, "")
	for _, path := range []string{url, "/api/media" + url} {
		r, b = e.call(t, "GET", path, "", "token", bob)
		want(t, r, b, http.StatusNotFound, "File not found")
	}
	// Starting a shoot from someone else's upload is refused like an unknown one.
	r, b = e.call(t, "POST", "/api/generate-stream", `{"prompt":"editorial","inputImages":["`+url+`"]}`, "token", bob)
	want(t, r, b, http.StatusBadRequest, "unknown upload")
	if n := e.queue.count(); n != 0 {
		t.Fatalf("queued %d jobs", n)
	}
	// Alice may.
	r, b = e.call(t, "POST", "/api/generate-stream", `{"prompt":"editorial","inputImages":["`+url+`"]}`, "token", alice)
	want(t, r, b, http.StatusOK, "")
	list, _ := e.store.ListSessions(context.Background(), store.SessionFilter{})
	if len(list) != 1 || list[0].Owner != "alice" {
		t.Fatalf("sessions %v", list)
	}
}

func TestCookieSignInAndCrossSiteChecks(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, nil)
	alice := e.token(t, "alice", false)
	const sid = "session_1700000000000_alice001"
	e.ownSession(t, sid, "alice")
	origin := e.ts.URL

	r, b := e.call(t, "POST", "/api/auth/login", `{"token":"shoot_wrong"}`)
	want(t, r, b, http.StatusUnauthorized, "")
	r, b = e.call(t, "POST", "/api/auth/login", `{"token":"`+alice+`"}`, "Origin", "https://evil.example")
	want(t, r, b, http.StatusForbidden, "another site")
	r, b = e.call(t, "POST", "/api/auth/login", `{"token":"`+alice+`"}`, "Origin", origin)
	want(t, r, b, http.StatusOK, "")
	var cookie *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == auth.CookieName {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Secure {
		t.Fatalf("cookie %+v", cookie)
	}
	if strings.Contains(cookie.Value, alice) || strings.Contains(string(b), alice) {
		t.Fatal("the token came back")
	}
	jar := "Cookie"
	val := auth.CookieName + "=" + cookie.Value
	// Reads work with the cookie alone, media included (what <img> does).
	r, b = e.call(t, "GET", "/api/me", "", jar, val)
	want(t, r, b, http.StatusOK, "")
	r, b = e.call(t, "GET", "/outputs/"+sid+"/hero.png", "", jar, val)
	want(t, r, b, http.StatusOK, "")
	// Writes need the studio's own origin.
	r, b = e.call(t, "POST", "/api/sessions/"+sid+"/cancel", "", jar, val)
	want(t, r, b, http.StatusForbidden, "Origin")
	r, b = e.call(t, "POST", "/api/sessions/"+sid+"/cancel", "", jar, val, "Origin", "https://evil.example")
	want(t, r, b, http.StatusForbidden, "another site")
	r, b = e.call(t, "DELETE", "/api/sessions/"+sid, "", jar, val, "Referer", "https://evil.example/x")
	want(t, r, b, http.StatusForbidden, "another site")
	if s, err := e.store.GetSession(context.Background(), sid); err != nil || s.RunState != shoot.RunAwaiting {
		t.Fatalf("a refused write changed the session: %+v %v", s, err)
	}
	r, b = e.call(t, "POST", "/api/sessions/"+sid+"/cancel", "", jar, val, "Origin", origin)
	want(t, r, b, http.StatusOK, "")
	r, b = e.call(t, "POST", "/api/sessions/"+sid+"/cancel", "", jar, val, "Referer", origin+"/studio")
	want(t, r, b, http.StatusOK, "")
	// A token needs no origin (no browser sends it on its own).
	r, b = e.call(t, "POST", "/api/sessions/"+sid+"/cancel", "", "token", alice)
	want(t, r, b, http.StatusOK, "")

	r, b = e.call(t, "POST", "/api/auth/logout", "", jar, val, "Origin", origin)
	want(t, r, b, http.StatusOK, "")
	r, b = e.call(t, "GET", "/api/me", "", jar, val)
	want(t, r, b, http.StatusUnauthorized, "sign in again")
	// Revoking the token ends its other sign-ins.
	r, _ = e.call(t, "POST", "/api/auth/login", `{"token":"`+alice+`"}`)
	second := ""
	for _, c := range r.Cookies() {
		if c.Name == auth.CookieName {
			second = c.Value
		}
	}
	if err := e.store.RevokeToken(context.Background(), "alice", store.Now()); err != nil {
		t.Fatal(err)
	}
	r, b = e.call(t, "GET", "/api/me", "", jar, auth.CookieName+"="+second)
	want(t, r, b, http.StatusUnauthorized, "")
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, nil)
	alice, root := e.token(t, "alice", false), e.token(t, "root", true)
	r, b := e.call(t, "POST", "/api/generate-stream", `{"prompt":"linen suit"}`, "token", alice)
	want(t, r, b, http.StatusOK, "")
	list, _ := e.store.ListSessions(context.Background(), store.SessionFilter{})
	sid := list[0].ID
	if _, err := e.store.UpdateSession(context.Background(), sid, func(s *shoot.Session) error {
		s.RunState = shoot.RunAwaiting
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/sessions/" + sid + "/continue-stream", `{"prompt":"more light"}`},
		{"POST", "/api/sessions/" + sid + "/cancel", ""},
		{"DELETE", "/api/sessions/" + sid, ""},
	} {
		r, b := e.call(t, c.method, c.path, c.body, "token", alice)
		want(t, r, b, http.StatusOK, "")
	}
	r, b = e.call(t, "GET", "/api/audit", "", "token", alice)
	want(t, r, b, http.StatusNotFound, "")
	r, b = e.call(t, "GET", "/api/audit?target="+sid, "", "token", root)
	want(t, r, b, http.StatusOK, "")
	var got struct {
		Entries []store.AuditEntry
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, en := range got.Entries {
		if en.Actor != "alice" || en.RequestID == "" {
			t.Errorf("entry %+v", en)
		}
		actions = append(actions, en.Action)
	}
	if strings.Join(actions, ",") != "session.delete,session.cancel,session.continue,session.create" {
		t.Fatalf("actions %v", actions)
	}
	if got.Entries[3].Detail != "linen suit" || got.Entries[2].Detail != "more light" {
		t.Fatalf("details %q %q", got.Entries[3].Detail, got.Entries[2].Detail)
	}
	r, b = e.call(t, "GET", "/api/audit?limit=x", "", "token", root)
	want(t, r, b, http.StatusBadRequest, "limit")
}

func TestRequestRateLimit(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, map[string]string{"SHOOT_RATE_PER_MIN": "4"})
	alice, bob := e.token(t, "alice", false), e.token(t, "bob", false)
	for i := 0; i < 4; i++ {
		r, b := e.call(t, "GET", "/api/sessions", "", "token", alice)
		want(t, r, b, http.StatusOK, "")
	}
	r, b := e.call(t, "GET", "/api/sessions", "", "token", alice)
	want(t, r, b, http.StatusTooManyRequests, "4 a minute")
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After %q", ra)
	}
	r, b = e.call(t, "GET", "/api/sessions", "", "token", bob)
	want(t, r, b, http.StatusOK, "")
}

func TestFailedSignInsAreLimitedPerAddress(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, nil)
	alice := e.token(t, "alice", false)
	var last int
	for i := 0; i < 70 && last != http.StatusTooManyRequests; i++ {
		r, _ := e.call(t, "GET", "/api/me", "", "token", "shoot_guess")
		last = r.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("70 bad tokens from one address never got 429 (last %d)", last)
	}
	// A valid token from the same address still works.
	r, b := e.call(t, "GET", "/api/me", "", "token", alice)
	want(t, r, b, http.StatusOK, "")
}

func TestRunningShootLimit(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, map[string]string{"SHOOT_MAX_RUNNING": "1"})
	alice, bob := e.token(t, "alice", false), e.token(t, "bob", false)
	r, b := e.call(t, "POST", "/api/generate-stream", `{"prompt":"first"}`, "token", alice)
	want(t, r, b, http.StatusOK, "")
	before, _ := e.store.ListSessions(context.Background(), store.SessionFilter{})
	r, b = e.call(t, "POST", "/api/generate-stream", `{"prompt":"second"}`, "token", alice)
	want(t, r, b, http.StatusTooManyRequests, "the limit is 1")
	after, _ := e.store.ListSessions(context.Background(), store.SessionFilter{})
	if len(after) != len(before) || e.queue.count() != 1 {
		t.Fatalf("a refused start left %d sessions (was %d) and %d jobs", len(after), len(before), e.queue.count())
	}
	r, b = e.call(t, "POST", "/api/generate-stream", `{"prompt":"bob's"}`, "token", bob)
	want(t, r, b, http.StatusOK, "")
	r, b = e.call(t, "GET", "/api/me", "", "token", alice)
	if !strings.Contains(string(b), `"running":1`) || !strings.Contains(string(b), `"maxRunning":1`) {
		t.Fatalf("me: %s", b)
	}
}

func TestDailyUploadLimit(t *testing.T) {
	t.Parallel()
	photo := gpsJPEG(t)
	e := newAccessEnv(t, map[string]string{"SHOOT_UPLOAD_BYTES_PER_DAY": "3000"})
	if len(photo) > 3000 || len(photo) < 1000 {
		t.Fatalf("test photo is %d bytes; the limit below assumes 1000–3000", len(photo))
	}
	alice := e.token(t, "alice", false)
	r, up := e.uploadAs(t, alice, photo)
	if r.StatusCode != 200 {
		t.Fatalf("first upload %d %v", r.StatusCode, up)
	}
	keys := func() int {
		n := 0
		it := e.bucket.List(&blob.ListOptions{Prefix: "uploads/"})
		for {
			if _, err := it.Next(context.Background()); err != nil {
				return n
			}
			n++
		}
	}
	stored := keys()
	for i := 0; i < 3; i++ { // 3 × ~1.5 KB passes 3000 bytes at some point
		r, up = e.uploadAs(t, alice, photo)
		if r.StatusCode == http.StatusTooManyRequests {
			break
		}
		stored++
	}
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(up["error"].(string), "daily limit") {
		t.Fatalf("upload over the limit: %d %v", r.StatusCode, up)
	}
	if keys() != stored {
		t.Fatalf("a refused upload stored a file: %d files, want %d", keys(), stored)
	}
	r2, b2 := e.call(t, "GET", "/api/me", "", "token", alice)
	want(t, r2, b2, http.StatusOK, "")
	if !strings.Contains(string(b2), `"uploadBytesPerDay":3000`) {
		t.Fatalf("me: %s", b2)
	}
}

func TestStrictJSON(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, nil)
	alice := e.token(t, "alice", false)
	for _, c := range []struct{ body, want string }{
		{`{"prompt": 5}`, `field "prompt" must be a string`},
		{`{"prompt": "x", "options": {"resolution": 2}}`, `field "options.resolution" must be a string`},
		{`{"prompt": "x", "inputImages": "a.png"}`, `field "inputImages" must be an array`},
		{`{"prompt": "x", "colour": "red"}`, `unknown field "colour"`},
		{`["prompt"]`, "must be a JSON object"},
		{`{"prompt": "x"} {"prompt": "y"}`, "one JSON value"},
		{`{"prompt": "x"`, "not valid JSON"},
		{`{"prompt": "` + strings.Repeat("a", 70_000) + `"}`, "larger than"},
	} {
		r, b := e.call(t, "POST", "/api/generate-stream", c.body, "token", alice)
		if r.StatusCode != 400 && r.StatusCode != 413 {
			t.Errorf("%.40s: %d %s", c.body, r.StatusCode, b)
			continue
		}
		wantError(t, decodeJSON(t, r, b), c.want)
	}
	if e.queue.count() != 0 {
		t.Fatal("a refused body queued work")
	}
}
