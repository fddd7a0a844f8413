package fal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// callError maps a failed call (no usable answer) to a shoot error: out of
// tries or a broken connection is EUNAVAILABLE, so the job retries later.
func callError(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, fmt.Sprintf("FAL %s was interrupted; it will be retried", op))
	}
	var t *httpx.TransientError
	if errors.As(err, &t) && t.Status != 0 {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, fmt.Sprintf("FAL is unavailable (%s answered HTTP %d); retrying later", op, t.Status))
	}
	if errors.As(err, &t) {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, fmt.Sprintf("FAL could not be reached (%s); retrying later", op))
	}
	return shoot.Wrap(err, shoot.EINTERNAL, fmt.Sprintf("FAL %s failed", op))
}

// answerError maps a non-2xx answer FAL gave on purpose to a permanent
// error carrying FAL's message.
func answerError(op string, r *httpx.Response) error {
	msg := detail(r.Body)
	cause := fmt.Errorf("FAL %s: HTTP %d", op, r.Status)
	switch r.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return shoot.Wrap(cause, shoot.EUNAUTHORIZED, "FAL rejected the API key: "+msg)
	case http.StatusPaymentRequired:
		return shoot.Wrap(cause, shoot.ELIMIT, "FAL refused the request for billing reasons: "+msg)
	case http.StatusNotFound:
		return shoot.Wrap(cause, shoot.ENOTFOUND, fmt.Sprintf("FAL %s: not found: %s", op, msg))
	}
	return shoot.Wrap(cause, shoot.EINVALID, "FAL refused the request: "+msg)
}

// detail extracts FAL's message from an error body: {"detail": "…"}, the
// pydantic list {"detail": [{"loc": […], "msg": "…"}]}, or plain text.
func detail(body []byte) string {
	var v struct {
		Detail  json.RawMessage `json:"detail"`
		Message string          `json:"message"`
		Error   string          `json:"error"`
		Status  string          `json:"status"`
	}
	if json.Unmarshal(body, &v) != nil {
		return clip(strings.TrimSpace(string(body)))
	}
	var s string
	if json.Unmarshal(v.Detail, &s) == nil && s != "" {
		return clip(s)
	}
	var list []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if json.Unmarshal(v.Detail, &list) == nil && len(list) > 0 {
		parts := make([]string, len(list))
		for i, e := range list {
			parts[i] = fieldName(e.Loc) + e.Msg
		}
		return clip(strings.Join(parts, "; "))
	}
	for _, m := range []string{v.Message, v.Error, v.Status} {
		if m != "" {
			return clip(m)
		}
	}
	return clip(strings.TrimSpace(string(body)))
}

// fieldName renders a pydantic loc like ["body","aspect_ratio"] as
// "aspect_ratio: ".
func fieldName(loc []any) string {
	var parts []string
	for _, p := range loc {
		if s := fmt.Sprint(p); s != "body" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ".") + ": "
}

// clip keeps messages short enough for an event.
func clip(s string) string {
	if s == "" {
		return "no details given"
	}
	if len(s) > 500 {
		return s[:500] + "…"
	}
	return s
}
