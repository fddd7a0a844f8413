package providertest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Callbacks. A job submitted with a callback URL (FAL's fal_webhook query
// parameter, Kling's callback_url field) moves on by itself, one step per
// tick as if polled, without counting as polls; the fake then calls the
// URL as the service does: FAL once, at the end, with a signed body; Kling
// at each status change, with the task object. A call answered with
// anything but 2xx is retried a few times, as both services retry.

// callbackTries bounds the deliveries of one callback.
const callbackTries = 5

// CallbackLog counts the callbacks a fake made.
type CallbackLog struct {
	mu        sync.Mutex
	sent      int         // deliveries attempted
	answers   map[int]int // by HTTP status (0: no answer)
	delivered int         // callbacks answered 2xx
}

func (l *CallbackLog) record(status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.answers == nil {
		l.answers = map[int]int{}
	}
	l.sent++
	l.answers[status]++
	if status/100 == 2 {
		l.delivered++
	}
}

// Sent counts delivery attempts, retries included.
func (l *CallbackLog) Sent() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent
}

// Delivered counts callbacks that got a 2xx answer.
func (l *CallbackLog) Delivered() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.delivered
}

// Answers counts delivery attempts by the HTTP status they got (0: none).
func (l *CallbackLog) Answers() map[int]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[int]int{}
	for k, v := range l.answers {
		out[k] = v
	}
	return out
}

// post delivers one callback, retrying non-2xx answers with a short
// backoff, until closing is closed.
func (l *CallbackLog) post(closing <-chan struct{}, target string, body []byte, header http.Header) {
	wait := 50 * time.Millisecond
	for range callbackTries {
		status := postOnce(closing, target, body, header)
		l.record(status)
		if status/100 == 2 {
			return
		}
		select {
		case <-closing:
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func postOnce(closing <-chan struct{}, target string, body []byte, header http.Header) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() {
		select {
		case <-closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// validCallbackURL accepts an absolute http(s) URL.
func validCallbackURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// runFALWebhook moves j on every tick until it ends, then posts the
// signed webhook.
func (f *FAL) runFALWebhook(j *job, target string) {
	tick := time.NewTicker(f.streamTick())
	defer tick.Stop()
	for {
		select {
		case <-f.closing:
			return
		case <-tick.C:
		}
		f.mu.Lock()
		if f.opts.Timing.advance(j, f.now()) {
			f.finish(j)
		}
		ended := !j.active()
		var body []byte
		if ended {
			body = f.webhookBody(j)
		}
		f.mu.Unlock()
		if ended {
			f.webhooks.post(f.closing, target, body, f.SignWebhook(j.id, body, time.Now()))
			return
		}
	}
}

// webhookBody is FAL's webhook body for an ended job. Needs f.mu.
func (f *FAL) webhookBody(j *job) []byte {
	body := map[string]any{"request_id": j.id, "gateway_request_id": j.id, "status": "OK", "error": nil, "payload_error": nil}
	switch {
	case j.failure() != "":
		body["status"], body["error"] = "ERROR", j.failure()
		body["payload"] = map[string]any{"detail": []any{map[string]any{"msg": j.failure(), "type": j.errorType()}}}
	case isVideoEndpoint(j.endpoint):
		body["payload"] = map[string]any{"video": f.fileInfo(j)}
	default:
		body["payload"] = map[string]any{"images": []any{f.fileInfo(j)}, "description": ""}
	}
	b, _ := json.Marshal(body)
	return b
}

// Webhooks reports the webhooks the FAL fake made.
func (f *FAL) Webhooks() *CallbackLog { return &f.webhooks }

// StatusRequests counts status requests of any form: status polls and
// status streams opened.
func (f *FAL) StatusRequests() int {
	return f.count(func(c *falCounts) int { return c.polls + c.streams })
}

// runKlingCallback moves j on every tick until it ends, posting the task
// object to target at each status change.
func (k *Kling) runKlingCallback(j *job, target string) {
	tick := time.NewTicker(k.callbackTick())
	defer tick.Stop()
	last := ""
	for {
		select {
		case <-k.closing:
			return
		case <-tick.C:
		}
		k.mu.Lock()
		k.advance(j)
		status := k.status(j)
		ended := j.state != jobQueued && j.state != jobWorking
		var body []byte
		if status != last {
			body, _ = json.Marshal(k.envelope(j)["data"])
		}
		k.mu.Unlock()
		if body != nil {
			k.callbacks.post(k.closing, target, body, nil)
			last = status
		}
		if ended {
			return
		}
	}
}

func (k *Kling) callbackTick() time.Duration {
	if k.opts.CallbackTick > 0 {
		return k.opts.CallbackTick
	}
	return defaultStreamTick
}

// Callbacks reports the callbacks the Kling fake made.
func (k *Kling) Callbacks() *CallbackLog { return &k.callbacks }

// StatusRequestsByRequest counts the status requests (polls and streams)
// about each request, by request id.
func (f *FAL) StatusRequestsByRequest() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for id, j := range f.jobs {
		out[id] = j.asked
	}
	return out
}

// PollsByTask counts the queries about each task, by task id.
func (k *Kling) PollsByTask() map[string]int {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[string]int{}
	for id, j := range k.tasks {
		out[id] = j.asked
	}
	return out
}
