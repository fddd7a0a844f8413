package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// writeJSON sends v as JSON with status. API answers describe live state,
// so they are never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"success":false,"error":"Internal error.","code":"internal"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// DecodeJSON reads a JSON request body of at most maxBytes into v, strictly:
// the body must be one JSON object (or value of v's type), unknown fields
// and wrong types are EINVALID with a message naming the field, so is text
// with control characters (shoot.CheckText), and an oversized body is
// ETOOLARGE. It is the one decoder of every JSON endpoint.
func DecodeJSON(w http.ResponseWriter, r *http.Request, maxBytes int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return shoot.Errorf(shoot.EINVALID, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, maxBytes)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return jsonError(err, maxBytes)
		}
		return shoot.Errorf(shoot.EINVALID, "the body must hold one JSON value")
	}
	return checkStrings(v)
}

// jsonError turns a decoding failure into a client-safe error that says
// what is wrong and where, without echoing the body.
func jsonError(err error, maxBytes int64) error {
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &tooBig):
		return shoot.Wrap(err, shoot.ETOOLARGE, fmt.Sprintf("the body is larger than %d bytes", maxBytes))
	case errors.Is(err, io.EOF):
		return shoot.Errorf(shoot.EINVALID, "the body is empty; expected a JSON object")
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return shoot.Errorf(shoot.EINVALID, "the body must be a JSON object, not %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return shoot.Errorf(shoot.EINVALID, "field %q must be %s, not %s", typeErr.Field, jsonKind(typeErr.Type), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return shoot.Errorf(shoot.EINVALID, "the body is not valid JSON (at byte %d)", syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return shoot.Errorf(shoot.EINVALID, "the body is not valid JSON (it ends too early)")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return shoot.Errorf(shoot.EINVALID, "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return shoot.Wrap(err, shoot.EINVALID, "the body is not valid JSON")
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}
