package fal

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// handle is what SubmitX returns, as JSON: the queue URLs exactly as FAL
// returned them (for sub-path endpoints like /edit they are rooted at the
// app, so composing them would be wrong), plus the endpoint id.
type handle struct {
	RequestID   string `json:"request_id"`
	StatusURL   string `json:"status_url"`
	ResponseURL string `json:"response_url"`
	CancelURL   string `json:"cancel_url"`
	Endpoint    string `json:"endpoint"`
}

func parseHandle(s string) (handle, error) {
	var h handle
	if err := json.Unmarshal([]byte(s), &h); err != nil || h.StatusURL == "" || h.ResponseURL == "" {
		return h, shoot.Errorf(shoot.EINVALID, "not a FAL request handle")
	}
	return h, nil
}

// queue speaks FAL's queue protocol for one key.
type queue struct {
	opts   Options
	caller *httpx.Caller
	logs   *logTracker
}

func newQueue(o Options) *queue {
	return &queue{opts: o, caller: newCaller(o), logs: newLogTracker()}
}

// auth is FAL's "Authorization: Key <key>" header.
func (q *queue) auth() (http.Header, error) {
	return http.Header{"Authorization": {"Key " + q.opts.Key}}, nil
}

// call sends a JSON API request and decodes a 2xx answer into out.
func (q *queue) call(ctx context.Context, op, method, rawURL string, in, out any) error {
	var body []byte
	ct := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return shoot.Wrap(err, shoot.EINTERNAL, "FAL request could not be encoded")
		}
		body, ct = b, "application/json"
	}
	r, err := q.caller.Call(ctx, httpx.Request{Method: method, URL: rawURL, Body: body, ContentType: ct, Header: q.auth, Op: op})
	if err != nil {
		return callError(op, err)
	}
	if r.Status/100 != 2 {
		return answerError(op, r)
	}
	if out != nil && json.Unmarshal(r.Body, out) != nil {
		return shoot.Errorf(shoot.EUNAVAILABLE, "FAL %s answer was not the expected JSON; retrying later", op)
	}
	return nil
}

// submit queues input at endpoint and returns the handle as JSON. A
// non-empty webhook is passed as the fal_webhook query parameter: FAL then
// posts the request's outcome there, signed (see webhook.go).
func (q *queue) submit(ctx context.Context, endpoint string, input map[string]any, webhook string) (string, error) {
	var h handle
	target := q.opts.QueueURL + "/" + endpoint
	if webhook != "" {
		target += "?" + url.Values{"fal_webhook": {webhook}}.Encode()
	}
	if err := q.call(ctx, "submit", http.MethodPost, target, input, &h); err != nil {
		return "", err
	}
	if h.RequestID == "" || h.StatusURL == "" || h.ResponseURL == "" {
		return "", shoot.Errorf(shoot.EUNAVAILABLE, "FAL accepted the request but returned no request URLs")
	}
	h.Endpoint = endpoint
	b, _ := json.Marshal(h)
	q.opts.Logger.Debug("fal request queued", "provider", "fal", "endpoint", endpoint, "request_id", h.RequestID)
	return string(b), nil
}

// statusBody is the status endpoint's answer.
type statusBody struct {
	Status    string `json:"status"`
	Logs      []line `json:"logs"`
	Error     string `json:"error"`
	ErrorType string `json:"error_type"`
}

type line struct {
	Message   string `json:"message"`
	Timestamp string `json:"timestamp"`
}

// polled is one poll's outcome: done with the model output, or not yet.
type polled struct {
	h      handle
	done   bool
	logs   []string
	output []byte
}

// poll follows the request's status stream until it completes or the
// stream wait ends (or, when the stream is unavailable, asks its status
// once); when it has completed it also fetches the output. A failed
// request is a permanent error with FAL's message.
func (q *queue) poll(ctx context.Context, hs string) (polled, error) {
	h, err := parseHandle(hs)
	if err != nil {
		return polled{}, err
	}
	st, streamed := q.streamStatus(ctx, h)
	if !streamed {
		if err := q.call(ctx, "status", http.MethodGet, withLogs(h.StatusURL), nil, &st); err != nil {
			return polled{h: h}, err
		}
	}
	p := polled{h: h, logs: q.logs.fresh(h.RequestID, st.Logs)}
	switch st.Status {
	case "IN_QUEUE", "IN_PROGRESS":
		return p, nil
	case "COMPLETED":
	default:
		q.logs.forget(h.RequestID)
		return p, shoot.Errorf(shoot.EINVALID, "FAL request ended with status %q: %s", st.Status, clip(st.Error))
	}
	if st.Error != "" {
		q.logs.forget(h.RequestID)
		return p, shoot.Errorf(failedCode(st.ErrorType), "FAL could not generate it: %s", clip(st.Error))
	}
	r, err := q.caller.Call(ctx, httpx.Request{Method: http.MethodGet, URL: h.ResponseURL, Header: q.auth, Op: "result"})
	if err != nil {
		return p, callError("result", err) // keep the log state: the job polls again
	}
	q.logs.forget(h.RequestID)
	if r.Status/100 != 2 {
		return p, answerError("result", r)
	}
	p.done, p.output = true, r.Body
	return p, nil
}

// WebhookPath is the studio route FAL's webhooks are sent to.
const WebhookPath = "/api/providers/fal/webhook"

// WebhookTaskParam names the query parameter of the webhook URL that
// carries the task's token, so a webhook that overtakes the submission's
// answer still finds its task.
const WebhookTaskParam = "task"

// webhookPath is the webhook route of the task holding token.
func webhookPath(token string) string {
	if token == "" {
		return WebhookPath
	}
	return WebhookPath + "?" + url.Values{WebhookTaskParam: {token}}.Encode()
}

// callbackID returns the request id of a handle ("" when it is not one).
func callbackID(hs string) string {
	h, err := parseHandle(hs)
	if err != nil {
		return ""
	}
	return h.RequestID
}

// failedCode is ECONFLICT for a request someone cancelled, else EINVALID.
func failedCode(errorType string) string {
	if errorType == "request_cancelled" {
		return shoot.ECONFLICT
	}
	return shoot.EINVALID
}

// withLogs adds logs=1 to a status URL.
func withLogs(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	v := u.Query()
	v.Set("logs", "1")
	u.RawQuery = v.Encode()
	return u.String()
}

// cancel asks FAL to drop the request. A request that already finished or
// is unknown needs no cancelling, so those answers count as success.
func (q *queue) cancel(ctx context.Context, hs string) error {
	h, err := parseHandle(hs)
	if err != nil {
		return err
	}
	if h.CancelURL == "" {
		return nil
	}
	r, err := q.caller.Call(ctx, httpx.Request{Method: http.MethodPut, URL: h.CancelURL, Header: q.auth, Op: "cancel"})
	if err != nil {
		return callError("cancel", err)
	}
	q.logs.forget(h.RequestID)
	var body struct {
		Status string `json:"status"`
	}
	json.Unmarshal(r.Body, &body)
	switch {
	case r.Status/100 == 2, body.Status == "ALREADY_COMPLETED", body.Status == "NOT_FOUND":
		q.opts.Logger.Debug("fal cancel", "provider", "fal", "request_id", h.RequestID, "answer", body.Status)
		return nil
	}
	return answerError("cancel", r)
}

// logTracker remembers which log lines of a request were forwarded: FAL's
// status answer repeats all of them at every poll.
type logTracker struct {
	mu   sync.Mutex
	seen map[string]map[string]bool
}

// maxTracked bounds memory if requests are abandoned mid-way.
const maxTracked = 1024

func newLogTracker() *logTracker { return &logTracker{seen: map[string]map[string]bool{}} }

// fresh returns the messages of lines not returned before for id.
func (t *logTracker) fresh(id string, lines []line) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	seen := t.seen[id]
	if seen == nil {
		if len(t.seen) >= maxTracked {
			clear(t.seen)
		}
		seen = map[string]bool{}
		t.seen[id] = seen
	}
	var out []string
	for _, l := range lines {
		key := fmt.Sprintf("%s\x00%s", l.Timestamp, l.Message)
		if l.Message == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, l.Message)
	}
	return out
}

func (t *logTracker) forget(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.seen, id)
}
