package kling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/retry"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Kling service codes that mean "busy, try again": request rate (1302)
// and account concurrency (1303), plus the 5xxx server codes.
var busyCodes = map[int]bool{1302: true, 1303: true, 5000: true, 5001: true, 5002: true}

// envelope is every Kling answer: {code, message, request_id, data}.
type envelope struct {
	Code      int             `json:"code"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Data      json.RawMessage `json:"data"`
}

// task is the data of a create or query answer.
type task struct {
	TaskID        string `json:"task_id"`
	TaskStatus    string `json:"task_status"`
	TaskStatusMsg string `json:"task_status_msg"`
	TaskInfo      struct {
		ExternalTaskID string `json:"external_task_id"`
	} `json:"task_info"`
	// CreatedAt and UpdatedAt are Unix milliseconds on Kling's clock; a
	// finished task was last updated when it finished.
	CreatedAt  int64 `json:"created_at"`
	UpdatedAt  int64 `json:"updated_at"`
	TaskResult struct {
		Videos []struct {
			URL      string `json:"url"`
			Duration string `json:"duration"`
		} `json:"videos"`
	} `json:"task_result"`
}

func parseEnvelope(body []byte) (envelope, bool) {
	var e envelope
	return e, json.Unmarshal(body, &e) == nil
}

// classify makes 5xx, and 429 or 200 answers with a busy code, transient.
// Other 429s (account in arrears, pack used up) are permanent.
func classify(r *httpx.Response, now time.Time) error {
	e, ok := parseEnvelope(r.Body)
	busy := r.Status >= 500 ||
		(r.Status == http.StatusTooManyRequests && (!ok || busyCodes[e.Code])) ||
		(r.Status == http.StatusOK && ok && busyCodes[e.Code])
	if !busy {
		return nil
	}
	return &httpx.TransientError{
		Err:    fmt.Errorf("HTTP %d code %d", r.Status, e.Code),
		After:  retry.After(r.Header, now),
		Status: r.Status,
		Body:   r.Body,
	}
}

// token mints the HS256 JWT Kling wants on every request: iss = access
// key, exp = now + 30 min, nbf = now − 5 s.
func (v *Videos) token() (string, error) {
	if v.opts.AccessKey == "" || v.opts.SecretKey == "" {
		return "", shoot.Errorf(shoot.EUNAUTHORIZED, "Kling access key and secret key are not configured")
	}
	now := v.opts.Now()
	claims := jwt.RegisteredClaims{
		Issuer:    v.opts.AccessKey,
		ExpiresAt: jwt.NewNumericDate(now.Add(1800 * time.Second)),
		NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(v.opts.SecretKey))
	if err != nil {
		return "", shoot.Wrap(err, shoot.EINTERNAL, "Kling token could not be signed")
	}
	return s, nil
}

func (v *Videos) auth() (http.Header, error) {
	t, err := v.token()
	if err != nil {
		return nil, err
	}
	return http.Header{"Authorization": {"Bearer " + t}}, nil
}

// call sends one API request; a nil error means an answer to interpret.
func (v *Videos) call(ctx context.Context, op, method, path string, body any) (*httpx.Response, envelope, error) {
	var b []byte
	ct := ""
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return nil, envelope{}, shoot.Wrap(err, shoot.EINTERNAL, "Kling request could not be encoded")
		}
		ct = "application/json"
	}
	r, err := v.caller.Call(ctx, httpx.Request{Method: method, URL: v.opts.BaseURL + path, Body: b, ContentType: ct, Header: v.auth, Op: op})
	if err != nil {
		return nil, envelope{}, callError(op, err)
	}
	e, _ := parseEnvelope(r.Body)
	return r, e, nil
}

// callError maps a call that got no usable answer: EUNAVAILABLE, so the job
// retries later, unless it is already a shoot error (missing keys).
func callError(op string, err error) error {
	var se *shoot.Error
	if errors.As(err, &se) {
		return err
	}
	var t *httpx.TransientError
	if errors.As(err, &t) && t.Status != 0 {
		e, _ := parseEnvelope(t.Body)
		return shoot.Wrap(err, shoot.EUNAVAILABLE, fmt.Sprintf("Kling is busy or unavailable (%s: HTTP %d, code %d); retrying later", op, t.Status, e.Code))
	}
	return shoot.Wrap(err, shoot.EUNAVAILABLE, fmt.Sprintf("Kling could not be reached (%s); retrying later", op))
}

// answerError maps a refusal to a permanent error with Kling's message.
func answerError(op string, r *httpx.Response, e envelope) error {
	msg := e.Message
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d", r.Status)
	}
	cause := fmt.Errorf("kling %s: HTTP %d code %d request %s", op, r.Status, e.Code, e.RequestID)
	text := fmt.Sprintf("Kling refused the request: %s (code %d)", msg, e.Code)
	switch {
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden || e.Code == 1304:
		return shoot.Wrap(cause, shoot.EUNAUTHORIZED, fmt.Sprintf("Kling rejected the credentials: %s (code %d)", msg, e.Code))
	case r.Status == http.StatusTooManyRequests:
		return shoot.Wrap(cause, shoot.ELIMIT, fmt.Sprintf("Kling account limit: %s (code %d)", msg, e.Code))
	case r.Status == http.StatusNotFound:
		return shoot.Wrap(cause, shoot.ENOTFOUND, text)
	}
	return shoot.Wrap(cause, shoot.EINVALID, text)
}

// took is how long a finished task ran by Kling's own clock, 0 when its
// times are missing or make no sense.
func (t task) took() time.Duration {
	if t.CreatedAt <= 0 || t.UpdatedAt <= t.CreatedAt {
		return 0
	}
	return time.Duration(t.UpdatedAt-t.CreatedAt) * time.Millisecond
}
