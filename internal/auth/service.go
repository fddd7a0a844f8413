package auth

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// Messages of authentication failures. They say what to do and never echo
// what the client sent.
const (
	msgNoCredentials = "Sign in: this studio needs an API token (Authorization: Bearer <token>, or sign in from the web studio)."
	msgBadToken      = "The API token is not valid or has been revoked."
	msgBadCookie     = "Your sign-in has expired or was revoked; sign in again."
)

// Authenticator decides who a request is. Every check reads the database,
// so a revoked token or ended sign-in stops working at once on every
// process; there is no cache to invalidate.
type Authenticator struct {
	mode   string
	store  store.Auth
	now    func() time.Time
	logger *slog.Logger
}

// NewAuthenticator returns an authenticator for mode (ModeNone or
// ModeToken). st may be nil only in ModeNone. now may be nil (time.Now).
func NewAuthenticator(mode string, st store.Auth, now func() time.Time, logger *slog.Logger) *Authenticator {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Authenticator{mode: mode, store: st, now: now, logger: logger}
}

// Mode returns ModeNone or ModeToken.
func (a *Authenticator) Mode() string { return a.mode }

// Authenticate returns the user r acts for. An Authorization header wins
// over the cookie and must be valid on its own (a bad token is refused even
// when a good cookie is present). Failures are EUNAUTHORIZED.
func (a *Authenticator) Authenticate(ctx context.Context, r *http.Request) (User, error) {
	if a.mode == ModeNone {
		return LocalUser(), nil
	}
	if h := r.Header.Get("Authorization"); h != "" {
		return a.bearer(ctx, h)
	}
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		return a.cookie(ctx, c.Value)
	}
	return User{}, shoot.Errorf(shoot.EUNAUTHORIZED, msgNoCredentials)
}

// bearer checks an Authorization header.
func (a *Authenticator) bearer(ctx context.Context, header string) (User, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return User{}, shoot.Errorf(shoot.EUNAUTHORIZED, msgBadToken)
	}
	t, err := a.lookup(ctx, strings.TrimSpace(token))
	if err != nil {
		return User{}, err
	}
	a.touch(ctx, t)
	return User{Name: t.Name, Admin: t.Admin, Via: ViaToken, TokenID: t.ID}, nil
}

// lookup finds the active token a secret belongs to.
func (a *Authenticator) lookup(ctx context.Context, token string) (*store.Token, error) {
	if !WellFormed(token) {
		return nil, shoot.Errorf(shoot.EUNAUTHORIZED, msgBadToken)
	}
	t, err := a.store.TokenByHash(ctx, Hash(token))
	if shoot.ErrorCode(err) == shoot.ENOTFOUND {
		return nil, shoot.Errorf(shoot.EUNAUTHORIZED, msgBadToken)
	}
	return t, err
}

// cookie checks a browser sign-in cookie.
func (a *Authenticator) cookie(ctx context.Context, value string) (User, error) {
	if len(value) > 128 {
		return User{}, shoot.Errorf(shoot.EUNAUTHORIZED, msgBadCookie)
	}
	t, err := a.store.WebSessionToken(ctx, Hash(value), a.now())
	if shoot.ErrorCode(err) == shoot.ENOTFOUND {
		return User{}, shoot.Errorf(shoot.EUNAUTHORIZED, msgBadCookie)
	}
	if err != nil {
		return User{}, err
	}
	a.touch(ctx, t)
	return User{Name: t.Name, Admin: t.Admin, Via: ViaCookie, TokenID: t.ID}, nil
}

// touch records the token's use; a failure only costs the timestamp.
func (a *Authenticator) touch(ctx context.Context, t *store.Token) {
	now := a.now()
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < store.TouchInterval {
		return
	}
	if err := a.store.TouchToken(ctx, t.ID, now); err != nil {
		a.logger.Warn("recording a token's use failed", "token", t.Name, "err", err)
	}
}

// Login exchanges an API token for a browser session. It returns the cookie
// value (shown to the browser only), the user and when the sign-in expires.
func (a *Authenticator) Login(ctx context.Context, token string) (string, User, time.Time, error) {
	if a.mode == ModeNone {
		return "", LocalUser(), time.Time{}, nil
	}
	t, err := a.lookup(ctx, strings.TrimSpace(token))
	if err != nil {
		return "", User{}, time.Time{}, err
	}
	now := a.now()
	if err := a.store.DeleteExpiredWebSessions(ctx, now); err != nil {
		a.logger.Warn("clearing expired sign-ins failed", "err", err)
	}
	secret := NewSessionSecret()
	ws := &store.WebSession{IDHash: Hash(secret), TokenID: t.ID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := a.store.CreateWebSession(ctx, ws); err != nil {
		if shoot.ErrorCode(err) == shoot.ENOTFOUND {
			return "", User{}, time.Time{}, shoot.Errorf(shoot.EUNAUTHORIZED, msgBadToken)
		}
		return "", User{}, time.Time{}, err
	}
	a.touch(ctx, t)
	return secret, User{Name: t.Name, Admin: t.Admin, Via: ViaCookie, TokenID: t.ID}, ws.ExpiresAt, nil
}

// Logout ends the browser session whose cookie value is given.
func (a *Authenticator) Logout(ctx context.Context, cookieValue string) error {
	if a.mode == ModeNone || cookieValue == "" || len(cookieValue) > 128 {
		return nil
	}
	return a.store.DeleteWebSession(ctx, Hash(cookieValue))
}
