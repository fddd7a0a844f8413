package httpapi

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/fashionshoot/shoot/internal/store"
)

// idemWriter passes an answer through and keeps a copy of its status,
// headers and body for replays. Event streams are not copied: their replay
// reads the session's log.
type idemWriter struct {
	http.ResponseWriter
	status    int
	header    map[string]string
	body      bytes.Buffer
	overflow  bool
	streaming bool
}

func (w *idemWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
		w.header = map[string]string{}
		for _, name := range keptHeaders {
			if v := w.Header().Get(name); v != "" {
				w.header[name] = v
			}
		}
		w.streaming = strings.HasPrefix(w.header["Content-Type"], "text/event-stream")
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *idemWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	if !w.streaming && !w.overflow {
		if w.body.Len()+n > maxIdemBody {
			w.overflow = true
			w.body.Reset()
		} else {
			w.body.Write(p[:n])
		}
	}
	return n, err
}

// Flush sends buffered data to the client.
func (w *idemWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *idemWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// keep fills rec with what is worth replaying and reports whether there is
// any. A request that started a session is always kept (its events are in
// the log even when the client left before the answer); otherwise only a
// whole final answer is, and not a transient refusal (408, 409, 425, 429)
// or a server error, which a retry with the same key may well get past.
func (w *idemWriter) keep(rec *store.IdemKey) bool {
	whole := w.status != 0 && !w.overflow && !w.streaming
	if rec.SessionID != "" {
		if whole && w.status < 300 {
			rec.Status, rec.Header, rec.Body = w.status, w.header, append([]byte{}, w.body.Bytes()...)
		} else {
			rec.Status, rec.Body = http.StatusOK, nil
		}
		return true
	}
	switch {
	case !whole, w.status >= 500:
		return false
	case w.status == http.StatusRequestTimeout, w.status == http.StatusConflict,
		w.status == http.StatusTooEarly, w.status == http.StatusTooManyRequests:
		return false
	}
	rec.Status, rec.Header, rec.Body = w.status, w.header, append([]byte{}, w.body.Bytes()...)
	return true
}

// multipartDigest hashes an upload by its parts (field name, file name and
// content) rather than its bytes, so a retry whose client drew a new
// multipart boundary is still the same request. A body that is not
// multipart is hashed as sent.
func multipartDigest(r *http.Request, body []byte) []byte {
	h := sha256.New()
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && params["boundary"] != "" {
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				if errors.Is(err, io.EOF) {
					return h.Sum(nil)
				}
				break
			}
			ph := sha256.New()
			if _, err := io.Copy(ph, part); err != nil {
				break
			}
			fmt.Fprintf(h, "%q %q %x\n", part.FormName(), part.FileName(), ph.Sum(nil))
		}
	}
	sum := sha256.Sum256(body)
	return sum[:]
}
