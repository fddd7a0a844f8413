package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// writeJSON sends v as JSON with status. API answers describe live state,
// so they are never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"success":false,"error":"Internal error."}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// DecodeJSON reads a JSON request body of at most maxBytes into v. Unknown
// fields are allowed (clients send the seed's extra fields); trailing data
// and wrong types are EINVALID, an oversized body ETOOLARGE.
func DecodeJSON(w http.ResponseWriter, r *http.Request, maxBytes int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return shoot.Errorf(shoot.EINVALID, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBytes))
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return shoot.Errorf(shoot.EINVALID, "request body must hold one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return shoot.Wrap(err, shoot.ETOOLARGE, "request body is too large")
	case errors.Is(err, io.EOF):
		return shoot.Errorf(shoot.EINVALID, "request body is empty; expected JSON")
	case errors.As(err, &typeErr):
		return shoot.Wrap(err, shoot.EINVALID, "field "+typeErr.Field+" has the wrong type")
	}
	return shoot.Wrap(err, shoot.EINVALID, "request body is not valid JSON")
}
