package providertest

import (
	"errors"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// klingError writes Kling's error envelope {code, message, request_id}.
func klingError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg, "request_id": newUUID()})
}

// klingFaultBody is Kling's body for injected faults.
func klingFaultBody(f Fault) any {
	switch f {
	case FaultRateLimited:
		return map[string]any{"code": 1302, "message": "The API request is too fast, please slow down the request frequency", "request_id": newUUID()}
	case FaultUnavailable:
		return map[string]any{"code": 5001, "message": "Server is temporarily unavailable, usually due to maintenance", "request_id": newUUID()}
	}
	return map[string]any{"code": 5000, "message": "Server internal error", "request_id": newUUID()}
}

// authorized verifies "Authorization: Bearer <JWT>" the way Kling does:
// HS256 signed with the secret key, iss = access key, exp and nbf checked.
// Failures get Kling's 401 codes 1000–1004.
func (k *Kling) authorized(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if h == "" {
		klingError(w, http.StatusUnauthorized, 1001, "Authorization is empty")
		return false
	}
	token, ok := cutPrefixFold(h, "Bearer ")
	if !ok || token == "" {
		klingError(w, http.StatusUnauthorized, 1002, "Authorization is invalid")
		return false
	}
	claims, code, msg := k.verify(token)
	if code != 0 {
		klingError(w, http.StatusUnauthorized, code, msg)
		return false
	}
	k.mu.Lock()
	k.claims = append(k.claims, claims)
	k.mu.Unlock()
	return true
}

// verify checks one token, returning its claims or a Kling error code.
func (k *Kling) verify(token string) (Claims, int, string) {
	var rc jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &rc); err != nil {
		return Claims{}, 1002, "Authorization is invalid"
	}
	if rc.Issuer != k.opts.AccessKey {
		return Claims{}, 1000, "Authentication failed"
	}
	now := k.opts.Now()
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	_, err := p.ParseWithClaims(token, &rc, func(*jwt.Token) (any, error) { return []byte(k.opts.SecretKey), nil })
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, 1004, "Authorization has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return Claims{}, 1003, "Authorization is not yet valid"
	case err != nil || rc.NotBefore == nil:
		return Claims{}, 1002, "Authorization is invalid"
	}
	return Claims{Issuer: rc.Issuer, ExpiresAt: rc.ExpiresAt.Time, NotBefore: rc.NotBefore.Time, Checked: now}, 0, ""
}

// gate checks auth for an API route.
func (k *Kling) gate(w http.ResponseWriter, r *http.Request) bool { return k.authorized(w, r) }
