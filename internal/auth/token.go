package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// TokenPrefix starts every API token, so a token pasted in the wrong place
// (a log, a chat, a repository) is easy to recognise and to scan for.
const TokenPrefix = "shoot_"

// tokenBytes is the secret's entropy: 256 bits.
const tokenBytes = 32

// tokenLen is the length of a well-formed token: the prefix and 43
// characters of unpadded base64url.
var tokenLen = len(TokenPrefix) + base64.RawURLEncoding.EncodedLen(tokenBytes)

// NewToken returns a fresh token and its hash. Show the token once; store
// only the hash.
func NewToken() (token, hash string) {
	token = TokenPrefix + randomString(tokenBytes)
	return token, Hash(token)
}

// Hash returns the hex SHA-256 of a secret (an API token or a cookie value).
// A fast hash is right here: the secrets are 256-bit random values, so there
// is nothing for a slow password hash to protect against.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether s has the shape of a token this studio issues,
// so garbage is refused without a database query.
func WellFormed(s string) bool {
	if len(s) != tokenLen || !strings.HasPrefix(s, TokenPrefix) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s[len(TokenPrefix):])
	return err == nil
}

// randomString returns n random bytes as unpadded base64url.
func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
