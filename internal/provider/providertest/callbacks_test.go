package providertest_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/providertest"
)

// receiver is a callback endpoint that records what it is sent and answers
// with the statuses given, then 200.
type receiver struct {
	mu      sync.Mutex
	bodies  [][]byte
	headers []http.Header
	answers []int
	got     chan struct{}
}

func newReceiver(t *testing.T, answers ...int) (*receiver, string) {
	r := &receiver{answers: answers, got: make(chan struct{}, 16)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.headers = append(r.headers, req.Header.Clone())
		status := http.StatusOK
		if len(r.answers) > 0 {
			status, r.answers = r.answers[0], r.answers[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		r.got <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	return r, srv.URL + "/hook"
}

// wait waits for n deliveries.
func (r *receiver) wait(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-r.got:
		case <-time.After(10 * time.Second):
			t.Fatalf("callback %d never came", n)
		}
	}
}

// TestFALWebhookDelivery: a request submitted with fal_webhook completes
// without being polled and is announced once, signed by a key of the
// fake's published key set; a refused delivery is retried.
func TestFALWebhookDelivery(t *testing.T) {
	t.Parallel()
	f := providertest.NewFAL(providertest.FALOptions{Timing: providertest.Timing{WorkPolls: 2}, StreamTick: 10 * time.Millisecond})
	defer f.Close()
	rcv, hook := newReceiver(t, http.StatusServiceUnavailable)
	code, body := do(t, "POST", f.URL+"/fal-ai/nano-banana-pro?"+url.Values{"fal_webhook": {hook}}.Encode(), "Key "+f.Key(),
		map[string]any{"prompt": "x"})
	if code != 200 {
		t.Fatalf("submit: %d %v", code, body)
	}
	id := body["request_id"].(string)
	rcv.wait(t, 2)
	eventually(t, func() bool { return f.Webhooks().Sent() == 2 }) // the fake counts after the answer
	if f.StatusRequests() != 0 {
		t.Fatalf("the request was polled %d times", f.StatusRequests())
	}
	if a := f.Webhooks().Answers(); a[503] != 1 || a[200] != 1 || f.Webhooks().Delivered() != 1 {
		t.Fatalf("deliveries %v", a)
	}
	rcv.mu.Lock()
	raw, h := rcv.bodies[1], rcv.headers[1]
	rcv.mu.Unlock()
	var hookBody map[string]any
	if err := json.Unmarshal(raw, &hookBody); err != nil || hookBody["request_id"] != id || hookBody["status"] != "OK" {
		t.Fatalf("webhook body %s", raw)
	}
	images, _ := hookBody["payload"].(map[string]any)["images"].([]any)
	if len(images) != 1 {
		t.Fatalf("payload %v", hookBody["payload"])
	}
	// The signature, checked here from first principles.
	_, jwks := do(t, "GET", f.JWKSURL(), "", nil)
	x, _ := base64.RawURLEncoding.DecodeString(jwks["keys"].([]any)[0].(map[string]any)["x"].(string))
	sum := sha256.Sum256(raw)
	msg := h.Get("X-Fal-Webhook-Request-Id") + "\n" + h.Get("X-Fal-Webhook-User-Id") + "\n" + h.Get("X-Fal-Webhook-Timestamp") + "\n" + hex.EncodeToString(sum[:])
	sig, _ := hex.DecodeString(h.Get("X-Fal-Webhook-Signature"))
	if h.Get("X-Fal-Webhook-Request-Id") != id || !ed25519.Verify(ed25519.PublicKey(x), []byte(msg), sig) {
		t.Fatalf("the webhook is not signed by the published key: %v", h)
	}
	// Without a webhook nothing is sent and the job waits for polls.
	do(t, "POST", f.URL+"/fal-ai/nano-banana-pro", "Key "+f.Key(), map[string]any{"prompt": "y"})
	time.Sleep(100 * time.Millisecond)
	if f.Webhooks().Sent() != 2 || f.Active() != 1 {
		t.Fatalf("sent %d, active %d", f.Webhooks().Sent(), f.Active())
	}
	if code, _ := do(t, "POST", f.URL+"/fal-ai/nano-banana-pro?fal_webhook=not-a-url", "Key "+f.Key(), map[string]any{"prompt": "z"}); code != 422 {
		t.Fatalf("a bad webhook URL was taken: %d", code)
	}
}

// TestKlingCallbackDelivery: a task created with callback_url moves on by
// itself and its status changes are posted as task objects, ending with
// succeed and the video URL.
func TestKlingCallbackDelivery(t *testing.T) {
	t.Parallel()
	k := providertest.NewKling(providertest.KlingOptions{Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1}, CallbackTick: 10 * time.Millisecond})
	defer k.Close()
	rcv, hook := newReceiver(t)
	in := map[string]any{"model_name": "kling-v2-6", "mode": "pro", "duration": "5", "image": base64.StdEncoding.EncodeToString(providertest.PNG(400, 400)),
		"external_task_id": "ours-1", "callback_url": hook}
	if code, body := do(t, "POST", k.URL+"/v1/videos/image2video", bearer(t, k.AccessKey(), k.SecretKey(), time.Now()), in); code != 200 {
		t.Fatalf("create: %d %v", code, body)
	}
	rcv.wait(t, 3)
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	var statuses []string
	var last map[string]any
	for _, b := range rcv.bodies {
		if err := json.Unmarshal(b, &last); err != nil {
			t.Fatalf("callback body %s", b)
		}
		statuses = append(statuses, last["task_status"].(string))
	}
	if len(statuses) != 3 || statuses[0] != "submitted" || statuses[1] != "processing" || statuses[2] != "succeed" {
		t.Fatalf("statuses %v", statuses)
	}
	videos := last["task_result"].(map[string]any)["videos"].([]any)
	if last["task_info"].(map[string]any)["external_task_id"] != "ours-1" || len(videos) != 1 {
		t.Fatalf("last callback %v", last)
	}
	if k.Polls() != 0 {
		t.Fatalf("polled %d times", k.Polls())
	}
	in["external_task_id"], in["callback_url"] = "ours-2", "ftp://nope"
	if code, _ := do(t, "POST", k.URL+"/v1/videos/image2video", bearer(t, k.AccessKey(), k.SecretKey(), time.Now()), in); code != 400 {
		t.Fatalf("a bad callback_url was taken: %d", code)
	}
}

// eventually waits up to 5 s for cond.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for range 500 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition never held")
}
