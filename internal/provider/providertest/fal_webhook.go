package providertest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// falSigner holds the fake's webhook signing key, published at
// /.well-known/jwks.json as FAL publishes its own.
type falSigner struct {
	mu   sync.Mutex
	kid  int
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

// rotate makes a new signing key; the old one is no longer published.
func (s *falSigner) rotate() {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err) // the system's random source failed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kid++
	s.priv, s.pub = priv, pub
}

// JWKSURL is the address of the fake's webhook key set.
func (f *FAL) JWKSURL() string { return f.URL + "/.well-known/jwks.json" }

// RotateWebhookKey replaces the webhook signing key, as FAL may.
func (f *FAL) RotateWebhookKey() { f.signer.rotate() }

// SignWebhook returns the headers FAL sends with a webhook body for
// requestID at time at: request id, user id, Unix timestamp and the hex
// Ed25519 signature of those three and the body's hex SHA-256, one a line.
func (f *FAL) SignWebhook(requestID string, body []byte, at time.Time) http.Header {
	f.signer.mu.Lock()
	priv := f.signer.priv
	f.signer.mu.Unlock()
	ts := strconv.FormatInt(at.Unix(), 10)
	sum := sha256.Sum256(body)
	msg := requestID + "\n" + falWebhookUser + "\n" + ts + "\n" + hex.EncodeToString(sum[:])
	h := http.Header{}
	h.Set("X-Fal-Webhook-Request-Id", requestID)
	h.Set("X-Fal-Webhook-User-Id", falWebhookUser)
	h.Set("X-Fal-Webhook-Timestamp", ts)
	h.Set("X-Fal-Webhook-Signature", hex.EncodeToString(ed25519.Sign(priv, []byte(msg))))
	return h
}

// falWebhookUser is the account id the fake signs as.
const falWebhookUser = "fake-user"

// serveJWKS publishes the current signing key.
func (f *FAL) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	f.signer.mu.Lock()
	defer f.signer.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA",
		"kid": "fake-" + strconv.Itoa(f.signer.kid), "x": base64.RawURLEncoding.EncodeToString(f.signer.pub)}}})
}
