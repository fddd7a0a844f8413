package webhooktest_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/fashionshoot/shoot/internal/webhooktest"
)

func newSecret(t *testing.T) string {
	t.Helper()
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(key)
}

// TestVerifyAgreesWithReferenceLibrary holds the receiver's own verifier to
// the Standard Webhooks reference library's signer: what the library signs
// verifies; any change of id, timestamp, body or secret, or a timestamp
// more than five minutes away, does not.
func TestVerifyAgreesWithReferenceLibrary(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	body := []byte(`{"type":"complete","data":{"x":1}}`)
	sign := func(id string, at time.Time, b []byte) string {
		s, err := wh.Sign(id, at, b)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	good := sign("msg_1", now, body)
	if err := webhooktest.Verify(secret, "msg_1", ts, good, body, now); err != nil {
		t.Fatalf("a reference signature does not verify: %v", err)
	}
	// One of several signatures (a rotated secret) is enough.
	if err := webhooktest.Verify(secret, "msg_1", ts, "v1,AAAA "+good, body, now); err != nil {
		t.Fatalf("a matching second signature does not verify: %v", err)
	}
	old := now.Add(-6 * time.Minute)
	for name, tc := range map[string]struct {
		secret, id, ts, sig string
		body                []byte
	}{
		"other id":         {secret, "msg_2", ts, good, body},
		"other timestamp":  {secret, "msg_1", strconv.FormatInt(now.Unix()+1, 10), good, body},
		"other body":       {secret, "msg_1", ts, good, bytes.Replace(body, []byte("1"), []byte("2"), 1)},
		"other secret":     {newSecret(t), "msg_1", ts, good, body},
		"v2 only":          {secret, "msg_1", ts, "v2," + good[3:], body},
		"six minutes old":  {secret, "msg_1", strconv.FormatInt(old.Unix(), 10), sign("msg_1", old, body), body},
		"six minutes late": {secret, "msg_1", strconv.FormatInt(now.Add(6*time.Minute).Unix(), 10), sign("msg_1", now.Add(6*time.Minute), body), body},
		"no signature":     {secret, "msg_1", ts, "", body},
	} {
		if err := webhooktest.Verify(tc.secret, tc.id, tc.ts, tc.sig, tc.body, now); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}

// TestReceiverAnswers checks the server: a bad signature gets 401, the
// scripted failures 500, then 204.
func TestReceiverAnswers(t *testing.T) {
	t.Parallel()
	r := webhooktest.New()
	defer r.Close()
	secret := newSecret(t)
	r.SetSecret(secret)
	r.FailNext(1)
	wh, _ := standardwebhooks.NewWebhook(secret)
	post := func(sig string) int {
		body := []byte(`{}`)
		now := time.Now()
		req, _ := http.NewRequest(http.MethodPost, r.URL(), bytes.NewReader(body))
		if sig == "" {
			sig, _ = wh.Sign("msg_x", now, body)
		}
		req.Header.Set("webhook-id", "msg_x")
		req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("webhook-signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("v1,bm9wZQ=="); got != 401 {
		t.Errorf("bad signature: %d", got)
	}
	if got := post(""); got != 500 {
		t.Errorf("scripted failure: %d", got)
	}
	if got := post(""); got != 204 {
		t.Errorf("after the failure: %d", got)
	}
	if n := len(r.Requests()); n != 3 {
		t.Errorf("%d requests recorded", n)
	}
}
