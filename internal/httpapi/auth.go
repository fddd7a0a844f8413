package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// failedAuthPerMin bounds how many failed sign-ins one client address gets
// a minute. Tokens are 256-bit random values, so this is not what keeps
// them from being guessed; it keeps a flood of garbage from reaching the
// database.
const failedAuthPerMin = 60

// setupAuth builds the access control New wires in front of every route.
func (s *Server) setupAuth() error {
	mode := s.cfg.Auth
	if mode == "" {
		mode = auth.ModeNone // a hand-built Config; Finish picks the mode for real ones
	}
	s.authStore, _ = s.store.(store.Auth)
	if mode != auth.ModeNone && mode != auth.ModeToken {
		return fmt.Errorf("httpapi: unknown auth mode %q", mode)
	}
	if mode == auth.ModeToken && s.authStore == nil {
		return fmt.Errorf("httpapi: SHOOT_AUTH=token needs a store that keeps tokens; %T does not", s.store)
	}
	s.auth = auth.NewAuthenticator(mode, s.authStore, nil, s.logger)
	s.rate = auth.NewLimiter(s.cfg.RatePerMin, s.now)
	s.addrRate = auth.NewLimiter(s.cfg.RatePerMin, s.now)
	s.failures = auth.NewLimiter(failedAuthPerMin, s.now)
	if mode == auth.ModeToken {
		if list, err := s.authStore.ListTokens(context.Background()); err == nil && len(list) == 0 {
			s.logger.Warn("access control is on and no API token exists yet; create one with: shoot token create --name NAME --admin")
		}
	}
	return nil
}

// isPublic reports whether a route answers without credentials: health
// checks (load balancers carry no token), signing in and out, the API's
// OpenAPI document, and the provider callbacks, which prove themselves.
func isPublic(pattern string) bool {
	_, p, _ := strings.Cut(pattern, " ")
	switch {
	case p == "/api/health" || strings.HasPrefix(p, "/api/health/"):
		return true
	case p == "/api/auth/login" || p == "/api/auth/logout" || p == "/api/openapi.json":
		return true
	case isProviderCallback(pattern): // signed or carrying a secret (callbacks.go)
		return true
	}
	return false
}

// adminOnly reports whether a route is for administrators alone: the
// process metrics (they count every user's work and spending). To others it
// does not exist.
func adminOnly(pattern string) bool {
	_, p, _ := strings.Cut(pattern, " ")
	return p == "/metrics" || p == "/api/audit"
}

// gate runs before every API and media handler: it decides who the request
// is, refuses cross-site writes, applies the request rate, bounds JSON
// bodies and hides other users' sessions and uploads. It returns the request
// to serve (carrying the user) and false when it has answered already.
func (s *Server) gate(w http.ResponseWriter, r *http.Request, pattern string) (*http.Request, bool) {
	// Provider callbacks are addressed to the public URL and carry their own
	// proof, so the loopback rule of an open studio does not apply to them.
	if s.auth.Mode() == auth.ModeNone && !s.hostAllowed(r) && !isProviderCallback(pattern) {
		writeError(w, http.StatusForbidden, "Forbidden: with SHOOT_AUTH=none the studio only answers requests "+
			"addressed to localhost. Use SHOOT_AUTH=token to serve other host names.")
		return r, false
	}
	u, err := s.auth.Authenticate(r.Context(), r)
	public := isPublic(pattern)
	if err != nil && !public {
		s.authFailed(w, r, err)
		return r, false
	}
	if err == nil {
		r = r.WithContext(auth.WithUser(r.Context(), u))
	}
	if !s.originAllowed(w, r, u, err == nil) || !s.rateAllowed(w, r, u, err == nil) {
		return r, false
	}
	switch {
	case isProviderCallback(pattern):
		r.Body = http.MaxBytesReader(w, r.Body, maxCallbackBody)
	case pattern != "POST /api/upload":
		r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
	}
	if err == nil && !public {
		if adminOnly(pattern) && !u.Admin {
			s.fail(w, r, shoot.Errorf(shoot.ENOTFOUND, "Not found"))
			return r, false
		}
		if err := s.checkOwnership(r, u); err != nil {
			s.fail(w, r, err)
			return r, false
		}
	}
	return r, true
}

// hostAllowed keeps a studio without access control to requests addressed
// to this machine (see auth.IsLoopbackHost), unless the operator opened it
// up with --insecure-no-auth or named the origins it is reached by.
func (s *Server) hostAllowed(r *http.Request) bool {
	if s.cfg.InsecureNoAuth || auth.IsLoopbackHost(r.Host) {
		return true
	}
	for _, o := range s.cfg.CORSOrigins {
		if o != "*" && strings.EqualFold(strings.TrimPrefix(strings.TrimPrefix(o, "https://"), "http://"), r.Host) {
			return true
		}
	}
	return false
}

// authFailed answers a request without valid credentials: 401, or 429 when
// its address keeps failing.
func (s *Server) authFailed(w http.ResponseWriter, r *http.Request, err error) {
	if shoot.ErrorCode(err) != shoot.EUNAUTHORIZED {
		s.fail(w, r, err) // the database, not the client
		return
	}
	if ok, wait := s.failures.Allow(clientIP(r, s.cfg.TrustedProxies)); !ok {
		tooMany(w, wait, "Too many failed sign-ins from this address; wait a minute.")
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="shoot"`)
	s.fail(w, r, err)
}

// originAllowed refuses state-changing requests sent from another site:
// any with a foreign Origin (or Referer), and cookie-authenticated ones that
// name no origin at all, because a browser attaches cookies on its own but
// never an Authorization header.
func (s *Server) originAllowed(w http.ResponseWriter, r *http.Request, u auth.User, authed bool) bool {
	if auth.IsSafeMethod(r.Method) {
		return true
	}
	switch auth.CheckOrigin(r, s.cfg.CORSOrigins) {
	case auth.OriginMismatch:
		writeError(w, http.StatusForbidden, "Forbidden: this request came from another site.")
		return false
	case auth.OriginMissing:
		if authed && u.Via == auth.ViaCookie {
			writeError(w, http.StatusForbidden, "Forbidden: a signed-in browser request must carry an Origin header.")
			return false
		}
	}
	return true
}

// rateAllowed takes one request from the user's bucket. The local user of a
// studio without access control is not limited: it is the only user.
func (s *Server) rateAllowed(w http.ResponseWriter, r *http.Request, u auth.User, authed bool) bool {
	if authed && u.Via == auth.ViaLocal {
		return true
	}
	// A signed-in user has a bucket, wherever they call from (colleagues
	// behind one office address do not share one); any other caller is
	// keyed by its address, the client a trusted proxy names rather than
	// the proxy (SHOOT_TRUSTED_PROXIES).
	l, key := s.addrRate, clientIP(r, s.cfg.TrustedProxies)
	if authed {
		l, key = s.rate, u.Name
	}
	if ok, wait := l.Allow(key); !ok {
		tooMany(w, wait, "Too many requests: the limit is "+strconv.Itoa(s.cfg.RatePerMin)+" a minute.")
		return false
	}
	if q, ok := l.Quota(key); ok {
		h := w.Header()
		h.Set("RateLimit-Limit", strconv.Itoa(q.Limit))
		h.Set("RateLimit-Remaining", strconv.Itoa(q.Remaining))
		h.Set("RateLimit-Reset", strconv.Itoa(int((q.Reset+time.Second-1)/time.Second)))
	}
	return true
}

// tooMany answers 429 with Retry-After in whole seconds.
func tooMany(w http.ResponseWriter, wait time.Duration, message string) {
	w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	writeError(w, http.StatusTooManyRequests, message)
}

// clientIP is the address a request came from, without the port: its
// peer, or the client a trusted proxy names (auth.ClientAddr).
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	return auth.ClientAddr(r, trusted)
}

// user returns who the request acts for. Every route but the public ones
// runs behind gate, so a request without a user is refused rather than
// served as nobody.
func user(r *http.Request) (auth.User, error) {
	u, ok := auth.UserFrom(r.Context())
	if !ok || u.Name == "" {
		return auth.User{}, shoot.Errorf(shoot.EUNAUTHORIZED, "Sign in first.")
	}
	return u, nil
}

// loginRequest is the body of POST /api/auth/login.
type loginRequest struct {
	Token string `json:"token"`
}

// login answers POST /api/auth/login: it trades an API token for a browser
// session cookie, so the studio's <img> and <video> requests are
// authenticated without a token in any URL.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := DecodeJSON(w, r, maxJSONBody, &req); err != nil {
		return err
	}
	secret, u, expires, err := s.auth.Login(r.Context(), req.Token)
	if err != nil {
		s.authFailed(w, r, err)
		return nil
	}
	if secret != "" {
		http.SetCookie(w, auth.SessionCookie(secret, expires, auth.IsHTTPS(r)))
	}
	s.audit(r.WithContext(auth.WithUser(r.Context(), u)), "auth.login", "", u.Via)
	resp := map[string]any{"success": true, "user": u, "auth": s.auth.Mode()}
	if !expires.IsZero() {
		resp["expiresAt"] = expires.UTC()
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// logout answers POST /api/auth/logout: the browser session ends on the
// server and the cookie is cleared. Signing out twice is fine.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(auth.CookieName); err == nil {
		if err := s.auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
		if _, ok := auth.UserFrom(r.Context()); ok {
			s.audit(r, "auth.logout", "", "")
		}
	}
	http.SetCookie(w, auth.ClearCookie(auth.IsHTTPS(r)))
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
	return nil
}
