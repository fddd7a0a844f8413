package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// statusOf maps each error code to its HTTP status: the one table of it.
var statusOf = map[string]int{
	shoot.EINVALID:      http.StatusBadRequest,
	shoot.ENOTFOUND:     http.StatusNotFound,
	shoot.ECONFLICT:     http.StatusConflict,
	shoot.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	shoot.EUNAUTHORIZED: http.StatusUnauthorized,
	shoot.ELIMIT:        http.StatusTooManyRequests,
	shoot.EUNAVAILABLE:  http.StatusServiceUnavailable,
	shoot.EINTERNAL:     http.StatusInternalServerError,
}

// ErrorStatus returns the HTTP status for err: the status of its code, or
// 500 for an error that is not a *shoot.Error.
func ErrorStatus(err error) int {
	if status, ok := statusOf[shoot.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON shape of every error: {"success": false, "error":
// …, "code": …}. Code is a stable machine word (the shoot error codes, and
// those of statusCode for answers that have none); the message may change.
type errorBody struct {
	Success bool   `json:"success"`
	Error   string `json:"error"`
	Code    string `json:"code"`
}

// Codes of the error answers that carry no shoot error.
const (
	CodeForbidden        = "forbidden"
	CodeMethodNotAllowed = "method_not_allowed"
)

// statusCode is the machine code of an error answer written with an
// explicit status.
func statusCode(status int) string {
	for code, st := range statusOf {
		if st == status {
			return code
		}
	}
	switch status {
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusMethodNotAllowed:
		return CodeMethodNotAllowed
	}
	return shoot.EINTERNAL
}

// adapt turns a HandlerFunc into an http.Handler: a returned error becomes
// a JSON error response with the status of its code, and a 5xx is logged
// once, with the request id.
func (s *Server) adapt(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail answers r with err. When the response has already started, the
// error can only be logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := ErrorStatus(err)
	started := responseStarted(w)
	if status >= 500 || started {
		s.logError(r, status, err, started)
	}
	if !started {
		writeJSON(w, status, errorBody{Error: shoot.ErrorMessage(err), Code: shoot.ErrorCode(err)})
	}
}

func (s *Server) logError(r *http.Request, status int, err error, started bool) {
	level := slog.LevelError
	// A client that went away is not a server fault.
	if errors.Is(r.Context().Err(), context.Canceled) {
		level = slog.LevelDebug
	}
	s.logger.LogAttrs(r.Context(), level, "request failed",
		slog.String("request_id", RequestID(r.Context())),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Bool("response_started", started),
		slog.String("err", err.Error()))
}

// writeError writes a JSON error with an explicit status, for answers that
// have no error code (405).
func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, errorBody{Error: message, Code: statusCode(status)})
}
