package fal_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestWebhookVerify: a delivery signed as FAL signs it is accepted; a
// forged, tampered, replayed or mismatched one is refused with nothing of
// it returned.
func TestWebhookVerify(t *testing.T) {
	t.Parallel()
	f := providertest.NewFAL(providertest.FALOptions{})
	t.Cleanup(f.Close)
	other := providertest.NewFAL(providertest.FALOptions{}) // another key: a forger's
	t.Cleanup(other.Close)
	now := time.Now()
	body := []byte(`{"request_id":"req-1","gateway_request_id":"req-1","status":"OK","payload":{"video":{"url":"u"}}}`)
	good := func() http.Header { return f.SignWebhook("req-1", body, now) }
	cases := []struct {
		name   string
		header func() http.Header
		body   []byte
		code   string
	}{
		{"signed by FAL", good, body, ""},
		{"unsigned", func() http.Header { return http.Header{} }, body, shoot.EUNAUTHORIZED},
		{"another key", func() http.Header { return other.SignWebhook("req-1", body, now) }, body, shoot.EUNAUTHORIZED},
		{"tampered body", good, bytes.Replace(body, []byte(`"OK"`), []byte(`"ERROR"`), 1), shoot.EUNAUTHORIZED},
		{"replayed an hour later", func() http.Header { return f.SignWebhook("req-1", body, now.Add(-time.Hour)) }, body, shoot.EUNAUTHORIZED},
		{"signature for another request", func() http.Header { return f.SignWebhook("req-2", body, now) }, body, shoot.EUNAUTHORIZED},
		{"bad hex", func() http.Header {
			h := good()
			h.Set(fal.HeaderWebhookSignature, "zz")
			return h
		}, body, shoot.EUNAUTHORIZED},
		{"other user in the header", func() http.Header {
			h := good()
			h.Set(fal.HeaderWebhookUserID, "someone-else")
			return h
		}, body, shoot.EUNAUTHORIZED},
	}
	v := &fal.WebhookVerifier{JWKSURL: f.JWKSURL(), Now: func() time.Time { return now }}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := v.Verify(t.Context(), tc.header(), bytes.NewReader(tc.body))
			if tc.code == "" {
				if err != nil {
					t.Fatalf("a genuine delivery was refused: %v", err)
				}
				if w.RequestID != "req-1" || w.Status != "OK" || len(w.Payload) == 0 {
					t.Fatalf("delivery read as %+v", w)
				}
				return
			}
			if shoot.ErrorCode(err) != tc.code || w != nil {
				t.Fatalf("got %+v, %v; want a %s error and nothing", w, err, tc.code)
			}
		})
	}
}

// TestWebhookKeyRotation: after FAL rotates its key, the verifier fetches
// the key set again instead of refusing genuine deliveries.
func TestWebhookKeyRotation(t *testing.T) {
	t.Parallel()
	f := providertest.NewFAL(providertest.FALOptions{})
	t.Cleanup(f.Close)
	v := &fal.WebhookVerifier{JWKSURL: f.JWKSURL()}
	body := []byte(`{"request_id":"r","status":"OK","payload":{}}`)
	for i := range 2 {
		if _, err := v.Verify(t.Context(), f.SignWebhook("r", body, time.Now()), bytes.NewReader(body)); err != nil {
			t.Fatalf("delivery %d refused: %v", i+1, err)
		}
		f.RotateWebhookKey()
	}
}
