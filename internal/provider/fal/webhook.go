package fal

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/telemetry"
)

// FAL signs every webhook delivery with Ed25519. The signed message is four
// lines joined by "\n": the X-Fal-Webhook-Request-Id, X-Fal-Webhook-User-Id
// and X-Fal-Webhook-Timestamp headers (Unix seconds) and the lowercase hex
// SHA-256 of the raw body. X-Fal-Webhook-Signature is the signature in hex,
// made by one of the keys FAL publishes as a JSON Web Key Set (OKP/Ed25519
// keys, "x" the public key in unpadded base64url).

// Webhook headers.
const (
	HeaderWebhookRequestID = "X-Fal-Webhook-Request-Id"
	HeaderWebhookUserID    = "X-Fal-Webhook-User-Id"
	HeaderWebhookTimestamp = "X-Fal-Webhook-Timestamp"
	HeaderWebhookSignature = "X-Fal-Webhook-Signature"
)

// DefaultJWKSURL is where FAL publishes its webhook signing keys.
const DefaultJWKSURL = "https://rest.alpha.fal.ai/.well-known/jwks.json"

// Webhook is one verified webhook delivery.
type Webhook struct {
	RequestID        string          `json:"request_id"`
	GatewayRequestID string          `json:"gateway_request_id"`
	Status           string          `json:"status"` // "OK" or "ERROR"
	Payload          json.RawMessage `json:"payload"`
	Error            string          `json:"error"`
	// PayloadError says why the payload could not be delivered (too large
	// or not JSON); the result is then fetched from the queue.
	PayloadError string `json:"payload_error"`
}

// OK reports whether the delivery announces a successful request.
func (w *Webhook) OK() bool { return w.Status == "OK" }

// WebhookVerifier checks webhook deliveries against FAL's published keys,
// fetched once and again at most every KeyTTL or when a signature matches
// no cached key (a key rotation).
type WebhookVerifier struct {
	// JWKSURL is the key set's address; default DefaultJWKSURL.
	JWKSURL string
	// HTTPClient fetches the key set; default http.DefaultClient.
	HTTPClient *http.Client
	// Tolerance is how far the timestamp may be from now; default 5 min.
	Tolerance time.Duration
	// KeyTTL is how long fetched keys are trusted; default 24 h.
	KeyTTL time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time

	mu      sync.Mutex
	keys    []ed25519.PublicKey
	fetched time.Time
}

// maxWebhookBody bounds a delivery's body.
const maxWebhookBody = 64 << 20

// Verify reads a delivery and returns it when its signature is FAL's, the
// timestamp is recent and the body's request id is the signed one. Any
// other delivery is an EUNAUTHORIZED or EINVALID error and nothing of it
// should be used.
func (v *WebhookVerifier) Verify(ctx context.Context, h http.Header, body io.Reader) (*Webhook, error) {
	raw, err := io.ReadAll(io.LimitReader(body, maxWebhookBody+1))
	if err != nil || len(raw) > maxWebhookBody {
		return nil, shoot.Errorf(shoot.EINVALID, "unreadable or oversized webhook body")
	}
	reqID, user, ts, sigHex := h.Get(HeaderWebhookRequestID), h.Get(HeaderWebhookUserID),
		h.Get(HeaderWebhookTimestamp), h.Get(HeaderWebhookSignature)
	if reqID == "" || user == "" || ts == "" || sigHex == "" {
		return nil, shoot.Errorf(shoot.EUNAUTHORIZED, "the webhook is not signed")
	}
	if err := v.checkTime(ts); err != nil {
		return nil, err
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, shoot.Errorf(shoot.EUNAUTHORIZED, "the webhook signature is malformed")
	}
	sum := sha256.Sum256(raw)
	msg := []byte(reqID + "\n" + user + "\n" + ts + "\n" + hex.EncodeToString(sum[:]))
	if err := v.checkSignature(ctx, msg, sig); err != nil {
		return nil, err
	}
	var w Webhook
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, shoot.Errorf(shoot.EINVALID, "the webhook body is not JSON")
	}
	if w.RequestID != reqID {
		return nil, shoot.Errorf(shoot.EUNAUTHORIZED, "the webhook body names another request than its signature")
	}
	return &w, nil
}

func (v *WebhookVerifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// checkTime refuses a timestamp further from now than the tolerance, so a
// recorded delivery cannot be replayed later.
func (v *WebhookVerifier) checkTime(ts string) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return shoot.Errorf(shoot.EUNAUTHORIZED, "the webhook timestamp is malformed")
	}
	tol := v.Tolerance
	if tol <= 0 {
		tol = 5 * time.Minute
	}
	if d := v.now().Sub(time.Unix(sec, 0)); d > tol || d < -tol {
		return shoot.Errorf(shoot.EUNAUTHORIZED, "the webhook timestamp is %s off", d.Round(time.Second))
	}
	return nil
}

// checkSignature accepts sig when a published key made it, fetching the
// key set again once if the cached keys do not match.
func (v *WebhookVerifier) checkSignature(ctx context.Context, msg, sig []byte) error {
	for refresh := false; ; refresh = true {
		keys, err := v.publicKeys(ctx, refresh)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if ed25519.Verify(k, msg, sig) {
				return nil
			}
		}
		if refresh {
			return shoot.Errorf(shoot.EUNAUTHORIZED, "the webhook signature matches no FAL key")
		}
	}
}

// publicKeys returns the cached keys, fetching them when asked, when none
// are cached or when they are older than the TTL.
func (v *WebhookVerifier) publicKeys(ctx context.Context, refresh bool) ([]ed25519.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	ttl := v.KeyTTL
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	if !refresh && len(v.keys) > 0 && v.now().Sub(v.fetched) < ttl {
		return v.keys, nil
	}
	keys, err := v.fetchKeys(ctx)
	if err != nil {
		if len(v.keys) > 0 {
			return v.keys, nil // keep checking against the keys we have
		}
		return nil, err
	}
	v.keys, v.fetched = keys, v.now()
	return keys, nil
}

// jwks is the subset of a JSON Web Key Set we read.
type jwks struct {
	Keys []struct {
		Kty string `json:"kty"`
		Crv string `json:"crv"`
		X   string `json:"x"`
	} `json:"keys"`
}

func (v *WebhookVerifier) fetchKeys(ctx context.Context) ([]ed25519.PublicKey, error) {
	url := v.JWKSURL
	if url == "" {
		url = DefaultJWKSURL
	}
	client := telemetry.Client(v.HTTPClient)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "bad FAL key set address")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "cannot fetch FAL's webhook keys")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, shoot.Errorf(shoot.EUNAVAILABLE, "FAL's webhook keys answered %d", resp.StatusCode)
	}
	var set jwks
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "FAL's webhook key set is not JSON")
	}
	var keys []ed25519.PublicKey
	for _, k := range set.Keys {
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if k.Kty != "OKP" || k.Crv != "Ed25519" || err != nil || len(x) != ed25519.PublicKeySize {
			continue
		}
		keys = append(keys, ed25519.PublicKey(x))
	}
	if len(keys) == 0 {
		return nil, shoot.Errorf(shoot.EUNAVAILABLE, "FAL's webhook key set holds no Ed25519 key")
	}
	return keys, nil
}
