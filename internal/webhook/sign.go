// Package webhook sends the studio's outgoing user webhooks the way the
// Standard Webhooks specification describes: each delivery carries
// webhook-id, webhook-timestamp and webhook-signature headers, the
// signature being "v1," and the base64 HMAC-SHA256 of
// "<id>.<timestamp>.<body>" under the endpoint's secret. Targets are
// checked against an address policy when they are registered and again on
// every connection, so neither a redirect nor a DNS answer that changes
// between check and use reaches a private address.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix starts every signing secret, as Standard Webhooks does.
const SecretPrefix = "whsec_"

// secretBytes is the length of a secret's random key: 256 bits.
const secretBytes = 32

// Header names of a signed delivery.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// NewSecret returns a fresh signing secret: "whsec_" and the standard
// base64 of 32 random bytes.
func NewSecret() string {
	key := make([]byte, secretBytes)
	if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(key)
}

// ErrBadSecret is returned for a secret that is not "whsec_" and base64.
var ErrBadSecret = errors.New("webhook: malformed signing secret")

// Sign returns the webhook-signature value of one delivery: "v1," and the
// base64 HMAC-SHA256 of id.timestamp.body keyed by the secret's bytes.
func Sign(secret, id string, at time.Time, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || !strings.HasPrefix(secret, SecretPrefix) || len(key) == 0 {
		return "", ErrBadSecret
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(at.Unix(), 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// SetHeaders puts the three signature headers of a delivery on h.
func SetHeaders(h http.Header, secret, id string, at time.Time, body []byte) error {
	sig, err := Sign(secret, id, at, body)
	if err != nil {
		return err
	}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	h.Set(HeaderSignature, sig)
	return nil
}
