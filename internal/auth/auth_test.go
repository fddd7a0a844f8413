package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

func TestNewToken(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 50 {
		tok, hash := auth.NewToken()
		if !strings.HasPrefix(tok, auth.TokenPrefix) || len(tok) != len(auth.TokenPrefix)+43 {
			t.Fatalf("token shape %q", tok)
		}
		if !auth.WellFormed(tok) || hash != auth.Hash(tok) || len(hash) != 64 || strings.Contains(hash, tok) {
			t.Fatalf("token %q hash %q", tok, hash)
		}
		if seen[tok] {
			t.Fatal("a token repeated")
		}
		seen[tok] = true
	}
	for _, bad := range []string{"", "shoot_", "Bearer x", "shoot_" + strings.Repeat("a", 42),
		"shoot_" + strings.Repeat("a", 44), "shoot_" + strings.Repeat("!", 43), "other_" + strings.Repeat("a", 43)} {
		if auth.WellFormed(bad) {
			t.Errorf("WellFormed(%q) = true", bad)
		}
	}
}

func TestCheckOrigin(t *testing.T) {
	t.Parallel()
	allowed := []string{"https://studio.example.com", "*"}
	for _, c := range []struct {
		origin, referer string
		want            int
	}{
		{"", "", auth.OriginMissing},
		{"http://127.0.0.1:8080", "", auth.OriginSame},
		{"https://127.0.0.1:8080", "", auth.OriginSame}, // TLS ends at a proxy: the host decides
		{"http://evil.example", "", auth.OriginMismatch},
		{"http://127.0.0.1:9999", "", auth.OriginMismatch},
		{"null", "", auth.OriginMismatch},
		{"https://studio.example.com", "", auth.OriginSame},
		{"*", "", auth.OriginMismatch},
		{"", "http://127.0.0.1:8080/sessions/x", auth.OriginSame},
		{"", "https://evil.example/page", auth.OriginMismatch},
		{"", "not a url", auth.OriginMismatch},
		{"http://evil.example", "http://127.0.0.1:8080/", auth.OriginMismatch}, // Origin wins
	} {
		r := httptest.NewRequest("POST", "http://127.0.0.1:8080/api/generate", nil)
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		if c.referer != "" {
			r.Header.Set("Referer", c.referer)
		}
		if got := auth.CheckOrigin(r, allowed); got != c.want {
			t.Errorf("Origin %q Referer %q: %d, want %d", c.origin, c.referer, got, c.want)
		}
	}
}

func TestIsLoopbackHost(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost": true, "LOCALHOST:80": true, "[::1]:8080": true, "studio.localhost:1": true,
		"127.9.9.9": true, "evil.example:8080": false, "10.0.0.1:8080": false, "": false, "localhost.evil.example": false,
	} {
		if got := auth.IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v", host, got)
		}
	}
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestLimiter(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := auth.NewLimiter(6, c.now)
	for i := range 6 {
		if ok, _ := l.Allow("alice"); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	ok, wait := l.Allow("alice")
	if ok || wait != 10*time.Second {
		t.Fatalf("7th request: %v, retry after %v; want refused, 10s", ok, wait)
	}
	if ok, _ := l.Allow("bob"); !ok {
		t.Fatal("one user's bucket limited another")
	}
	c.t = c.t.Add(10 * time.Second)
	if ok, _ := l.Allow("alice"); !ok {
		t.Fatal("no refill after 10 s")
	}
	if ok, _ := l.Allow("alice"); ok {
		t.Fatal("refilled more than one request in 10 s")
	}
	c.t = c.t.Add(time.Hour)
	if n := l.Remaining("alice"); n != 6 {
		t.Fatalf("after an hour %d left, want a full bucket of 6", n)
	}
	if ok, _ := auth.NewLimiter(0, nil).Allow("x"); !ok {
		t.Fatal("a zero rate must not limit")
	}
}

func TestLimiterMemoryBound(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := auth.NewLimiterSize(60, 1000, c.now)
	for range 60 {
		l.Allow("hot")
	}
	// 20,000 keys nobody saw before, the limited key still knocking
	// between them: it is never the least recently used, so it is never
	// forgotten, and its bucket is not reset to full.
	allowed := 0
	for i := range 20_000 {
		l.Allow(fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255))
		if i%100 == 0 {
			if ok, _ := l.Allow("hot"); ok {
				allowed++
			}
		}
	}
	if allowed != 0 {
		t.Fatalf("the limited key got %d requests through while other keys churned", allowed)
	}
	if q, _ := l.Quota("hot"); q.Remaining != 0 || q.Limit != 60 || q.Reset <= 0 {
		t.Fatalf("quota of the limited key = %+v", q)
	}
	if q, _ := l.Quota("never-seen"); q.Remaining != 60 || q.Reset != 0 {
		t.Fatalf("quota of a new key = %+v, want a full bucket", q)
	}
}

func TestCookies(t *testing.T) {
	t.Parallel()
	exp := time.Now().Add(auth.SessionTTL)
	c := auth.SessionCookie("v", exp, true)
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.MaxAge <= 0 {
		t.Fatalf("cookie %+v", c)
	}
	if c := auth.SessionCookie("v", exp, false); c.Secure {
		t.Fatal("Secure on plain HTTP: the browser would drop it")
	}
	if c := auth.ClearCookie(false); c.MaxAge >= 0 || !c.HttpOnly {
		t.Fatalf("clear %+v", c)
	}
	r := httptest.NewRequest("GET", "/", nil)
	if auth.IsHTTPS(r) {
		t.Fatal("plain request seen as HTTPS")
	}
	r.Header.Set("X-Forwarded-Proto", "https, http")
	if !auth.IsHTTPS(r) {
		t.Fatal("proxy's https ignored")
	}
	a, b := auth.NewSessionSecret(), auth.NewSessionSecret()
	if a == b || len(a) < 40 {
		t.Fatalf("secrets %q %q", a, b)
	}
}

func TestCanSee(t *testing.T) {
	t.Parallel()
	alice := auth.User{Name: "alice"}
	if !alice.CanSee("alice") || alice.CanSee("bob") || alice.CanSee("") {
		t.Fatal("owner rule")
	}
	if !(auth.User{Name: "root", Admin: true}).CanSee("bob") || !auth.LocalUser().CanSee("") {
		t.Fatal("admins see everything")
	}
	if (auth.User{}).CanSee("") {
		t.Fatal("an unnamed user must not match unowned things")
	}
	ctx := auth.WithUser(context.Background(), alice)
	if u, ok := auth.UserFrom(ctx); !ok || u.Name != "alice" {
		t.Fatal("context round trip")
	}
	if _, ok := auth.UserFrom(context.Background()); ok {
		t.Fatal("a bare context has a user")
	}
}

// authEnv is an authenticator on a real SQLite store with a settable clock.
type authEnv struct {
	a     *auth.Authenticator
	st    *sqlite.DB
	clock *clock
}

func newAuthEnv(t *testing.T) *authEnv {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: store.Now()}
	return &authEnv{a: auth.NewAuthenticator(auth.ModeToken, st, c.now, nil), st: st, clock: c}
}

func (e *authEnv) token(t *testing.T, name string, admin bool) string {
	t.Helper()
	tok, hash := auth.NewToken()
	if err := e.st.CreateToken(context.Background(), &store.Token{Name: name, Hash: hash, Admin: admin}); err != nil {
		t.Fatal(err)
	}
	return tok
}

func request(header, cookie string) *http.Request {
	r := httptest.NewRequest("GET", "/api/sessions", nil)
	if header != "" {
		r.Header.Set("Authorization", header)
	}
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: auth.CookieName, Value: cookie})
	}
	return r
}

func TestAuthenticateToken(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t)
	ctx := context.Background()
	alice := e.token(t, "alice", false)
	root := e.token(t, "root", true)
	for _, c := range []struct {
		header, want string
		admin        bool
	}{
		{"Bearer " + alice, "alice", false},
		{"bearer  " + alice + " ", "alice", false},
		{"Bearer " + root, "root", true},
	} {
		u, err := e.a.Authenticate(ctx, request(c.header, ""))
		if err != nil || u.Name != c.want || u.Admin != c.admin || u.Via != auth.ViaToken {
			t.Errorf("%q: %+v %v", c.header, u, err)
		}
	}
	forged, _ := auth.NewToken()
	for _, h := range []string{"", "Bearer", "Bearer " + forged, "Basic " + alice, alice, "Bearer " + alice + "x"} {
		_, err := e.a.Authenticate(ctx, request(h, ""))
		if shoot.ErrorCode(err) != shoot.EUNAUTHORIZED {
			t.Errorf("%q: %v, want unauthorized", h, err)
		}
		if err != nil && strings.Contains(err.Error(), alice) {
			t.Errorf("the error repeats the token: %v", err)
		}
	}
	// Revoked: refused on the very next request.
	if err := e.st.RevokeToken(ctx, "alice", store.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Authenticate(ctx, request("Bearer "+alice, "")); shoot.ErrorCode(err) != shoot.EUNAUTHORIZED {
		t.Fatalf("revoked token: %v", err)
	}
}

func TestAuthenticateRecordsUse(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t)
	ctx := context.Background()
	tok := e.token(t, "alice", false)
	if _, err := e.a.Authenticate(ctx, request("Bearer "+tok, "")); err != nil {
		t.Fatal(err)
	}
	list, _ := e.st.ListTokens(ctx)
	if list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(e.clock.t) {
		t.Fatalf("last use %v, want %v", list[0].LastUsedAt, e.clock.t)
	}
}

func TestLoginCookie(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t)
	ctx := context.Background()
	tok := e.token(t, "alice", false)
	if _, _, _, err := e.a.Login(ctx, "shoot_nope"); shoot.ErrorCode(err) != shoot.EUNAUTHORIZED {
		t.Fatalf("bad login: %v", err)
	}
	secret, u, exp, err := e.a.Login(ctx, tok)
	if err != nil || u.Name != "alice" || !exp.After(e.clock.t) || secret == "" || secret == tok {
		t.Fatalf("login: %q %+v %v %v", secret, u, exp, err)
	}
	got, err := e.a.Authenticate(ctx, request("", secret))
	if err != nil || got.Name != "alice" || got.Via != auth.ViaCookie {
		t.Fatalf("cookie: %+v %v", got, err)
	}
	// A bad Authorization header is not rescued by a good cookie.
	if _, err := e.a.Authenticate(ctx, request("Bearer nope", secret)); shoot.ErrorCode(err) != shoot.EUNAUTHORIZED {
		t.Fatalf("bad header with good cookie: %v", err)
	}
	// Expiry.
	e.clock.t = e.clock.t.Add(auth.SessionTTL + time.Minute)
	if _, err := e.a.Authenticate(ctx, request("", secret)); shoot.ErrorCode(err) != shoot.EUNAUTHORIZED {
		t.Fatalf("expired cookie: %v", err)
	}
	e.clock.t = store.Now()
	// Sign-out, then revocation ending a second sign-in.
	if err := e.a.Logout(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Authenticate(ctx, request("", secret)); shoot.ErrorCode(err) != shoot.EUNAUTHORIZED {
		t.Fatalf("after logout: %v", err)
	}
	second, _, _, err := e.a.Login(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.RevokeToken(ctx, "alice", store.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Authenticate(ctx, request("", second)); shoot.ErrorCode(err) != shoot.EUNAUTHORIZED {
		t.Fatalf("cookie of a revoked token: %v", err)
	}
	if _, err := e.a.Authenticate(ctx, request("", strings.Repeat("x", 500))); shoot.ErrorCode(err) != shoot.EUNAUTHORIZED {
		t.Fatalf("oversized cookie: %v", err)
	}
}

func TestModeNone(t *testing.T) {
	t.Parallel()
	a := auth.NewAuthenticator(auth.ModeNone, nil, nil, nil)
	u, err := a.Authenticate(context.Background(), request("Bearer garbage", ""))
	if err != nil || u != auth.LocalUser() || !u.Admin {
		t.Fatalf("none mode: %+v %v", u, err)
	}
}
