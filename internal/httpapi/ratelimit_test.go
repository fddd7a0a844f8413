package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestRateLimitSurvivesAddressChurn: a user at the limit stays limited
// while 20,000 distinct client addresses (named by a trusted proxy) call
// the studio and fail to sign in — no amount of new keys resets a bucket
// that is in use.
func TestRateLimitSurvivesAddressChurn(t *testing.T) {
	t.Parallel()
	// The clock stands still: 20,000 requests take longer than the 15 s
	// in which alice's bucket would earn a request back on a busy machine,
	// and only the churn may be what lets her in.
	frozen := time.Now()
	e := newAccessEnvAt(t, map[string]string{"SHOOT_RATE_PER_MIN": "4", "SHOOT_TRUSTED_PROXIES": "127.0.0.1"}, func() time.Time { return frozen })
	alice := e.token(t, "alice", false)
	for range 4 {
		r, b := e.call(t, "GET", "/api/sessions", "", "token", alice)
		want(t, r, b, http.StatusOK, "")
	}
	for i := range 20_000 {
		addr := fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255)
		if i%2 == 0 {
			e.call(t, "GET", "/api/health", "", "X-Forwarded-For", addr)
		} else {
			e.call(t, "GET", "/api/me", "", "token", "shoot_guess", "X-Forwarded-For", addr)
		}
		if i%5000 == 0 {
			r, b := e.call(t, "GET", "/api/sessions", "", "token", alice)
			want(t, r, b, http.StatusTooManyRequests, "4 a minute")
		}
	}
	r, b := e.call(t, "GET", "/api/sessions", "", "token", alice)
	want(t, r, b, http.StatusTooManyRequests, "4 a minute")
}

// TestRateLimitBehindAProxy: callers keyed by address get a bucket each
// when the proxy in front is trusted, and share the proxy's otherwise (a
// client cannot pick its own key with a header). Answers carry RateLimit-*.
func TestRateLimitBehindAProxy(t *testing.T) {
	t.Parallel()
	for _, trusted := range []bool{true, false} {
		env := map[string]string{"SHOOT_RATE_PER_MIN": "3"}
		if trusted {
			env["SHOOT_TRUSTED_PROXIES"] = "127.0.0.0/8"
		}
		e := newAccessEnv(t, env)
		for i := range 3 {
			r, b := e.call(t, "GET", "/api/health", "", "X-Forwarded-For", "198.51.100.1")
			want(t, r, b, http.StatusOK, "")
			if got := r.Header.Get("RateLimit-Remaining"); got != strconv.Itoa(2-i) || r.Header.Get("RateLimit-Limit") != "3" {
				t.Errorf("request %d: RateLimit-Limit %q Remaining %q", i+1, r.Header.Get("RateLimit-Limit"), got)
			}
		}
		r, b := e.call(t, "GET", "/api/health", "", "X-Forwarded-For", "198.51.100.1")
		want(t, r, b, http.StatusTooManyRequests, "3 a minute")
		r, b = e.call(t, "GET", "/api/health", "", "X-Forwarded-For", "198.51.100.2")
		if trusted {
			want(t, r, b, http.StatusOK, "")
		} else {
			want(t, r, b, http.StatusTooManyRequests, "3 a minute")
		}
	}
}
