// Package blobserve serves media objects (uploads and pipeline outputs) from
// blob storage over HTTP, with byte ranges, validators and conditional
// requests.
//
// It does not use http.ServeContent because that needs an io.ReadSeeker, and
// seeking a remote object costs extra requests: here every response takes one
// Attributes call and, for a body, one ranged read that is streamed as it
// arrives.
package blobserve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// DefaultSignedURLTTL is how long a redirect's signed URL stays valid when
// Server.SignedURLTTL is zero: long enough to play a film, short enough that a
// leaked link soon stops working.
const DefaultSignedURLTTL = 15 * time.Minute

// Server serves objects from Bucket. The zero value is not usable: Bucket is
// required; a nil Logger discards logs.
type Server struct {
	// Bucket holds the objects, keyed "uploads/…" and "outputs/…".
	Bucket *blob.Bucket
	// Redirect answers GET with a 302 to a short-lived signed URL of the
	// object (SHOOT_MEDIA_REDIRECT=1), so bytes flow from the store and not
	// through us. Stores that cannot sign fall back to streaming.
	Redirect bool
	// SignedURLTTL is the lifetime of redirect URLs; zero means
	// DefaultSignedURLTTL.
	SignedURLTTL time.Duration
	// Logger receives debug and warning records about streams that ended
	// early and signing failures.
	Logger *slog.Logger
	// AttrTTL is how long an object's attributes are reused between
	// requests (zero: 2 s; negative: never). Safe because the studio never
	// rewrites a key; set it negative for a bucket whose objects change.
	AttrTTL time.Duration

	attrs attrCache
}

// ServeKey answers a GET or HEAD request for the object under key. key is the
// part of the path after the route prefix; it is validated here, so callers
// cannot forget to. Errors are *shoot.Error for the caller's JSON error
// adapter and are returned only before anything was written: an invalid key
// (EINVALID or ENOTFOUND), a missing object (ENOTFOUND "File not found") or a
// failing store (EUNAVAILABLE). Responses decided by HTTP semantics (304, 412,
// 416, 405) are written here. Once a body has started, a failed copy can only
// be logged.
func (s *Server) ServeKey(w http.ResponseWriter, r *http.Request, key string) error {
	return s.ServeKeyAs(w, r, key, "")
}

// ServeKeyAs is ServeKey for an object that is downloaded under a name of
// its own: disposition is the Content-Disposition of the answer, e.g.
// `inline; filename="look-reels-9x16.mp4"` ("" for none). A streamed answer
// carries it as a header; a redirect carries it inside the signed URL, so
// the store answers with the same header (see redirect).
func (s *Server) ServeKeyAs(w http.ResponseWriter, r *http.Request, key, disposition string) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeStatus(w, http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed")
		return nil
	}
	key, err := ValidateKey(key)
	if err != nil {
		return err
	}
	attrs, err := s.attrs.get(r.Context(), s.Bucket, key, time.Now(), s.AttrTTL)
	if err != nil {
		return storeError(err)
	}
	v := validators{etag: etagFor(key, attrs), modTime: attrs.ModTime}
	switch v.evaluate(r.Header) {
	case notModified:
		writeNotModified(w, v, key)
		return nil
	case preconditionFailed:
		writeStatus(w, http.StatusPreconditionFailed, "precondition_failed", "Precondition failed")
		return nil
	}
	if s.Redirect && r.Method == http.MethodGet && s.redirect(w, r, key, disposition) {
		return nil
	}
	return s.stream(w, r, key, attrs, v, disposition)
}

// stream sends the whole object or the one range the request selects.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, key string, attrs *blob.Attributes, v validators, disposition string) error {
	part, outcome := byteRange{length: attrs.Size}, rangeIgnore
	if rh := r.Header.Get("Range"); rh != "" && v.rangeAllowed(r.Header) {
		if rng, o := parseRange(rh, attrs.Size); o != rangeIgnore {
			part, outcome = rng, o
		}
	}
	if outcome == rangeUnsatisfiable {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", attrs.Size))
		writeStatus(w, http.StatusRequestedRangeNotSatisfiable, "range_not_satisfiable", "Range not satisfiable")
		return nil
	}
	// Open the body before writing any header, so a store failure (or an
	// object deleted a moment ago) still becomes a clean JSON error.
	var body *blob.Reader
	if r.Method == http.MethodGet && part.length > 0 {
		rd, err := s.Bucket.NewRangeReader(r.Context(), key, part.start, part.length, nil)
		if err != nil {
			return storeError(err)
		}
		defer rd.Close()
		body = rd
	}
	status := http.StatusOK
	if outcome == rangePartial {
		status = http.StatusPartialContent
		w.Header().Set("Content-Range", part.contentRange(attrs.Size))
	}
	setRepresentation(w.Header(), v, key, attrs.ContentType, part.length)
	if disposition != "" {
		w.Header().Set("Content-Disposition", disposition)
	}
	w.WriteHeader(status)
	if body != nil {
		s.copyBody(r.Context(), w, body, key, part.length)
	}
	return nil
}

// copyBody streams the object to the client. A copy that ends early is
// logged, not returned: the status line is already out, and a viewer
// scrubbing a video abandons ranges all the time.
func (s *Server) copyBody(ctx context.Context, w io.Writer, rd *blob.Reader, key string, want int64) {
	n, err := io.Copy(w, rawBody(rd))
	switch {
	case err != nil:
		s.logger().DebugContext(ctx, "media stream ended early", "key", key, "sent", n, "want", want, "err", err)
	case n != want:
		// The object changed size between Attributes and the read.
		s.logger().WarnContext(ctx, "media object changed while streaming", "key", key, "sent", n, "want", want)
	}
}

// rawBody returns the driver's own reader when the driver exposes one (the
// local file store gives an io.LimitedReader over an *os.File), so io.Copy to
// a TCP connection can use sendfile; otherwise the blob.Reader itself.
func rawBody(rd *blob.Reader) io.Reader {
	var raw io.Reader
	if rd.As(&raw) && raw != nil {
		return raw
	}
	return rd
}

// setRepresentation writes the headers of a 200 or 206 response.
func setRepresentation(h http.Header, v validators, key, storedType string, length int64) {
	setValidators(h, v, key)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", contentTypeFor(key, storedType))
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	// Never let a browser second-guess the type of something a user uploaded.
	h.Set("X-Content-Type-Options", "nosniff")
}

// setValidators writes the caching headers every success response carries.
func setValidators(h http.Header, v validators, key string) {
	h.Set("ETag", v.etag)
	if lm := v.lastModified(); lm != "" {
		h.Set("Last-Modified", lm)
	}
	h.Set("Cache-Control", cacheControlFor(key))
}

// writeNotModified sends 304 with the validators a cache needs to refresh
// its entry (RFC 9110 §15.4.5). Last-Modified is left out because the ETag
// is the stronger validator, as net/http does.
func writeNotModified(w http.ResponseWriter, v validators, key string) {
	setValidators(w.Header(), v, key)
	w.Header().Del("Last-Modified")
	w.WriteHeader(http.StatusNotModified)
}

// writeStatus sends an error status with the API's JSON error body, for the
// statuses that have no shoot error code; code is the answer's stable
// machine word.
func writeStatus(w http.ResponseWriter, status int, code, message string) {
	body, _ := json.Marshal(errorBody{Error: message, Code: code})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// errorBody is the API's JSON error shape: {"success": false, "error": "…",
// "code": "…"}.
type errorBody struct {
	Success bool   `json:"success"`
	Error   string `json:"error"`
	Code    string `json:"code"`
}

// storeError turns a bucket error into a client-safe *shoot.Error.
func storeError(err error) error {
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		return shoot.Wrap(err, shoot.ENOTFOUND, "File not found")
	case gcerrors.InvalidArgument:
		return shoot.Wrap(err, shoot.EINVALID, "Invalid file key")
	}
	if errors.Is(err, context.Canceled) {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "Request canceled")
	}
	return shoot.Wrap(err, shoot.EUNAVAILABLE, "Storage unavailable")
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}
