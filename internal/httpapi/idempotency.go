package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// Idempotency keys (the IETF httpapi Idempotency-Key header). A POST that
// starts paid work or stores data may carry a key; the first request with it
// runs and its answer is kept for store.IdempotencyTTL with the request's
// fingerprint (method, path, user, body). A repeat with the same key and
// body gets that answer again and runs nothing; with another body it gets
// 422; while the first is still being answered it gets 409. A request that
// started a session's event stream is replayed from the session's event log.
const (
	// IdempotencyKeyHeader names the request header.
	IdempotencyKeyHeader = "Idempotency-Key"
	// ReplayedHeader marks an answer that is a replay of a kept one.
	ReplayedHeader = "Idempotent-Replayed"
	// CodeIdempotencyMismatch is the error code of a key reused with another
	// request (422).
	CodeIdempotencyMismatch = "idempotency_key_reused"
	// idemLease is how long an in-flight record blocks its key when its
	// process may have died: an older one without a session is taken over,
	// one with a session is replayed from the log.
	idemLease = 10 * time.Minute
	// maxIdemBody bounds a kept answer body; a longer answer is not kept.
	maxIdemBody = 1 << 20
	// idemSweepEvery is how often expired keys are swept, at most.
	idemSweepEvery = 10 * time.Minute
)

// keptHeaders are the answer headers a replay repeats.
var keptHeaders = []string{"Content-Type", "Cache-Control", "Location", "Content-Disposition"}

// idemRoute says how one route's requests are fingerprinted and replayed.
type idemRoute struct {
	// limit bounds the body read for the fingerprint.
	limit int64
	// digest hashes the body; nil hashes the bytes as sent.
	digest func(r *http.Request, body []byte) []byte
	// replaySession answers a repeat of a request that started a session's
	// events and kept no body; nil answers from the kept body only.
	replaySession func(w http.ResponseWriter, r *http.Request, k *store.IdemKey) error
}

type idemClaimKey struct{}

// idemClaim is the record of the request being answered, reachable from
// its context so the handler can note the session it started.
type idemClaim struct {
	store store.Idempotency
	rec   *store.IdemKey
}

// markSession notes that the request of ctx started (or continued) session
// sid with events after after, and saves it at once: should the process die
// now, a retry is replayed from the log instead of paying again.
func markSession(ctx context.Context, sid string, after int64) {
	c, ok := ctx.Value(idemClaimKey{}).(*idemClaim)
	if !ok {
		return
	}
	c.rec.SessionID, c.rec.AfterSeq = sid, after
	_ = c.store.SaveIdempotencyKey(context.WithoutCancel(ctx), c.rec)
}

// idempotent wraps h with idempotency-key handling for route rt. Requests
// without the header run as before.
func (s *Server) idempotent(rt idemRoute, h HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, sent := r.Header[IdempotencyKeyHeader]; !sent {
			return h(w, r)
		}
		idem, ok := s.store.(store.Idempotency)
		if !ok {
			return h(w, r)
		}
		key, err := parseIdempotencyKey(r.Header.Values(IdempotencyKeyHeader))
		if err != nil {
			return err
		}
		u, err := user(r)
		if err != nil {
			return err
		}
		fp, err := fingerprintRequest(w, r, u.Name, rt)
		if err != nil {
			return err
		}
		s.sweepIdempotency(r.Context(), idem)
		rec := &store.IdemKey{Owner: u.Name, Key: key, Fingerprint: fp, State: store.IdemRunning}
		held, err := idem.ClaimIdempotencyKey(r.Context(), rec, time.Now().Add(-idemLease))
		if err != nil {
			return err
		}
		if held != nil {
			return replayIdem(w, r, held, fp, rt)
		}
		return s.runIdem(w, r, idem, rec, h)
	}
}

// runIdem answers the first request with a key and keeps what it answered.
func (s *Server) runIdem(w http.ResponseWriter, r *http.Request, idem store.Idempotency, rec *store.IdemKey, h HandlerFunc) error {
	claim := &idemClaim{store: idem, rec: rec}
	r = r.WithContext(context.WithValue(r.Context(), idemClaimKey{}, claim))
	cw := &idemWriter{ResponseWriter: w}
	ctx := context.WithoutCancel(r.Context())
	// A panic must not leave the key blocked until its lease ends.
	finished := false
	defer func() {
		if !finished {
			_ = idem.DeleteIdempotencyKey(ctx, rec.Owner, rec.Key)
		}
	}()
	if err := h(cw, r); err != nil {
		s.fail(cw, r, err)
	}
	finished = true
	if !cw.keep(rec) {
		return idem.DeleteIdempotencyKey(ctx, rec.Owner, rec.Key)
	}
	rec.State = store.IdemDone
	return idem.SaveIdempotencyKey(ctx, rec)
}

// replayIdem answers a repeated key from its record.
func replayIdem(w http.ResponseWriter, r *http.Request, k *store.IdemKey, fp string, rt idemRoute) error {
	if k.Fingerprint != fp {
		writeJSON(w, http.StatusUnprocessableEntity, errorBody{Code: CodeIdempotencyMismatch,
			Error: "This Idempotency-Key was used with a different request; use a new key for a new request."})
		return nil
	}
	fresh := time.Since(k.CreatedAt) < idemLease
	if k.State == store.IdemRunning && (fresh || k.SessionID == "") {
		w.Header().Set("Retry-After", "1")
		return shoot.Errorf(shoot.ECONFLICT, "The first request with this Idempotency-Key is still running; retry when it has finished.")
	}
	w.Header().Set(ReplayedHeader, "true")
	if k.SessionID != "" && k.Body == nil && rt.replaySession != nil {
		return rt.replaySession(w, r, k)
	}
	for name, v := range k.Header {
		w.Header().Set(name, v)
	}
	w.WriteHeader(k.Status)
	_, _ = w.Write(k.Body)
	return nil
}

// parseIdempotencyKey reads the header: one structured-field string
// ("…", as the draft defines it, where only \" and \\ are escapes), or,
// leniently, a bare token.
func parseIdempotencyKey(values []string) (string, error) {
	bad := shoot.Errorf(shoot.EINVALID, "Idempotency-Key must be one quoted string of 1–255 visible ASCII characters")
	if len(values) != 1 {
		return "", bad
	}
	v := strings.TrimSpace(values[0])
	if strings.HasPrefix(v, `"`) {
		var ok bool
		if v, ok = unquoteSFString(v); !ok {
			return "", bad
		}
	}
	if !store.ValidIdempotencyKey(v) {
		return "", bad
	}
	return v, nil
}

// unquoteSFString decodes a structured-field string: a quoted run whose
// only escapes are \" and \\.
func unquoteSFString(q string) (string, bool) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", false
	}
	in := q[1 : len(q)-1]
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		switch c := in[i]; {
		case c == '\\':
			if i+1 >= len(in) || (in[i+1] != '"' && in[i+1] != '\\') {
				return "", false
			}
			i++
			b.WriteByte(in[i])
		case c == '"':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// fingerprintRequest reads the body (putting it back for the handler) and
// hashes method, path, user and body into the request's fingerprint.
func fingerprintRequest(w http.ResponseWriter, r *http.Request, owner string, rt idemRoute) (string, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, rt.limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", shoot.Wrap(err, shoot.ETOOLARGE, "Request body too large")
		}
		return "", shoot.Wrap(err, shoot.EINVALID, "Could not read the request body")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var digest []byte
	if rt.digest != nil {
		digest = rt.digest(r, body)
	} else {
		sum := sha256.Sum256(body)
		digest = sum[:]
	}
	h := sha256.New()
	for _, part := range []string{r.Method, r.URL.Path, owner} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(digest)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// sweepIdempotency deletes expired keys, at most once per idemSweepEvery
// in this process; a failure waits for the next chance.
func (s *Server) sweepIdempotency(ctx context.Context, idem store.Idempotency) {
	now := time.Now()
	last := s.idemSwept.Load()
	if now.UnixNano()-last < int64(idemSweepEvery) || !s.idemSwept.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	if n, err := idem.DeleteExpiredIdempotencyKeys(ctx, now); err != nil {
		s.logger.Warn("sweeping expired idempotency keys failed", "err", err)
	} else if n > 0 {
		s.logger.Debug("swept expired idempotency keys", "count", n)
	}
}
