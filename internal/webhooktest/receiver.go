// Package webhooktest is a webhook receiver for tests: an HTTP server on
// 127.0.0.1 that checks every delivery's signature the way Standard
// Webhooks specifies, with its own code. It imports nothing of the
// studio's webhook sender, so a test that uses it checks the sender
// against an independent reading of the scheme:
//
//	signed content = webhook-id "." webhook-timestamp "." body
//	key            = base64-decoded secret after "whsec_"
//	signature      = base64(HMAC-SHA256(key, signed content))
//	header         = space-separated "v1,<signature>" entries, any may match
//	timestamp      = Unix seconds, refused when more than 5 minutes away
package webhooktest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Tolerance is how far a delivery's timestamp may be from now.
const Tolerance = 5 * time.Minute

// Request is one request the receiver got.
type Request struct {
	ID        string // webhook-id
	Timestamp string // webhook-timestamp
	Signature string // webhook-signature
	Body      []byte
	// Err is why the signature or timestamp was refused; nil when both
	// verified.
	Err error
	// Status is what the receiver answered.
	Status int
}

// Receiver records deliveries and answers them: 401 when the signature or
// timestamp does not verify, 500 for the first Fail verified requests
// (a receiver that is down), 204 after.
type Receiver struct {
	Server *httptest.Server

	mu       sync.Mutex
	secret   string
	fail     int
	requests []Request
	changed  chan struct{}
}

// New starts a receiver on 127.0.0.1; Close it when done.
func New() *Receiver {
	r := &Receiver{changed: make(chan struct{})}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

// URL is the receiver's address.
func (r *Receiver) URL() string { return r.Server.URL + "/hooks/shoot" }

// Close stops the receiver.
func (r *Receiver) Close() { r.Server.Close() }

// SetSecret sets the secret deliveries are verified with.
func (r *Receiver) SetSecret(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = s
}

// FailNext makes the next n verified requests answer 500.
func (r *Receiver) FailNext(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = n
}

// Requests returns every request so far, oldest first.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Changed returns a channel closed when the next request is recorded.
func (r *Receiver) Changed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changed
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	rec := Request{ID: req.Header.Get("webhook-id"), Timestamp: req.Header.Get("webhook-timestamp"),
		Signature: req.Header.Get("webhook-signature"), Body: body}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err != nil:
		rec.Err, rec.Status = err, http.StatusBadRequest
	case req.Method != http.MethodPost:
		rec.Err, rec.Status = fmt.Errorf("method %s", req.Method), http.StatusMethodNotAllowed
	default:
		rec.Err = Verify(r.secret, rec.ID, rec.Timestamp, rec.Signature, body, time.Now())
		switch {
		case rec.Err != nil:
			rec.Status = http.StatusUnauthorized
		case r.fail > 0:
			r.fail--
			rec.Status = http.StatusInternalServerError
		default:
			rec.Status = http.StatusNoContent
		}
	}
	r.requests = append(r.requests, rec)
	close(r.changed)
	r.changed = make(chan struct{})
	w.WriteHeader(rec.Status)
}

// Verify checks one delivery's headers and body against secret at now.
func Verify(secret, id, timestamp, signatures string, body []byte, now time.Time) error {
	if id == "" || timestamp == "" || signatures == "" {
		return errors.New("a webhook header is missing")
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook-timestamp %q is not Unix seconds", timestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > Tolerance || d < -Tolerance {
		return fmt.Errorf("webhook-timestamp is %s away from now", d.Round(time.Second))
	}
	encoded, ok := strings.CutPrefix(secret, "whsec_")
	if !ok {
		return errors.New("the secret does not start with whsec_")
	}
	key, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return fmt.Errorf("the secret is not base64: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, entry := range strings.Fields(signatures) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("no v1 signature matches")
}
