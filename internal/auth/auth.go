// Package auth is the studio's access control: API tokens (random secrets
// stored only as SHA-256 hashes), browser sign-in sessions in an HttpOnly
// cookie, the cross-site request check that cookie sessions need, and a
// per-user request rate limiter. The HTTP layer (internal/httpapi) applies
// them; the rows live behind store.Auth.
//
// A token's name is the user it acts for: every session and upload records
// that name as its owner, and only the owner (or an administrator) can see
// it. In SHOOT_AUTH=none mode every request acts as LocalUser(), an
// administrator, which is safe only on a loopback address.
package auth

import (
	"context"
	"net"
	"strings"
)

// Modes of SHOOT_AUTH.
const (
	ModeNone  = "none"
	ModeToken = "token"
)

// How a request proved who it is.
const (
	ViaLocal  = "local"  // SHOOT_AUTH=none
	ViaToken  = "token"  // Authorization: Bearer
	ViaCookie = "cookie" // browser sign-in
)

// User is who a request acts for.
type User struct {
	// Name is the user's id: the token's name, or "local". Sessions and
	// uploads record it as their owner.
	Name  string `json:"name"`
	Admin bool   `json:"admin"`
	// Via says how the request was authenticated (ViaLocal, ViaToken,
	// ViaCookie).
	Via string `json:"via"`
	// TokenID is the stored token's id (0 for the local user).
	TokenID int64 `json:"-"`
}

// LocalUserName owns what is made with SHOOT_AUTH=none.
const LocalUserName = "local"

// LocalUser is who every request is when access control is off: the one
// person at this machine, an administrator.
func LocalUser() User { return User{Name: LocalUserName, Admin: true, Via: ViaLocal} }

// CanSee reports whether u may see something owned by owner: its own, or
// anything for an administrator.
func (u User) CanSee(owner string) bool { return u.Admin || (u.Name != "" && owner == u.Name) }

type userKey struct{}

// WithUser returns ctx carrying u.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the user ctx carries. ok is false for a request that was
// never authenticated; callers must then refuse.
func UserFrom(ctx context.Context) (u User, ok bool) {
	u, ok = ctx.Value(userKey{}).(User)
	return u, ok
}

// IsLoopbackHost reports whether a Host header (host or host:port) names
// this machine: localhost, a name under .localhost, or a loopback IP. With
// access control off the studio answers only such requests, so a web page
// elsewhere cannot reach it by pointing its own DNS name at 127.0.0.1 (DNS
// rebinding).
func IsLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
