package shoot

import (
	"errors"
	"fmt"
)

// Code is an error code: a small closed set (the E* constants), mapped to
// HTTP statuses in one table in internal/httpapi.
type Code string

// Error codes.
const (
	EINVALID      = "invalid"      // bad input from the caller (400)
	ENOTFOUND     = "not_found"    // no such thing, or not yours (404)
	ECONFLICT     = "conflict"     // state does not allow it now (409)
	ETOOLARGE     = "too_large"    // body or file over a limit (413)
	EUNAUTHORIZED = "unauthorized" // missing or bad credentials (401)
	ELIMIT        = "limit"        // rate, budget or quota reached (429)
	EUNAVAILABLE  = "unavailable"  // a provider or dependency is down; retry later (503)
	EINTERNAL     = "internal"     // a bug or unexpected failure (500)
)

// Valid reports whether c is one of the error codes.
func (c Code) Valid() bool {
	return oneOf(c, EINVALID, ENOTFOUND, ECONFLICT, ETOOLARGE, EUNAUTHORIZED, ELIMIT, EUNAVAILABLE, EINTERNAL)
}

// Error is a domain error with a code and a message safe to show a client.
type Error struct {
	Code    string
	Message string
	// Err is the underlying cause, logged but never shown to clients.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with code and message that keeps err as its cause.
func Wrap(err error, code, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	return public(err).Code
}

// ErrorMessage returns the client-safe message of err: the message of the
// first *Error in its chain, or "Internal error." for anything else.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	return public(err).Message
}

// public returns what a client may learn of a non-nil err: the first
// *Error in its chain, or an internal error that says nothing more.
func public(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Message: "Internal error."}
}

// IsPermanent reports whether retrying the operation that returned err cannot
// help: bad input, not found, conflicts and limits. Unavailable and internal
// errors are worth retrying.
func IsPermanent(err error) bool {
	switch ErrorCode(err) {
	case EINVALID, ENOTFOUND, ECONFLICT, ETOOLARGE, EUNAUTHORIZED, ELIMIT:
		return true
	}
	return false
}
