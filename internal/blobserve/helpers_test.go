package blobserve

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// backend is a bucket implementation the handler tests run against.
type backend struct {
	name string
	open func(t *testing.T) *blob.Bucket
}

// backends are the two stores with no external service: real files in a
// temporary folder and memory.
func backends() []backend {
	return []backend{
		{"fileblob", func(t *testing.T) *blob.Bucket { b, _ := openFileBucket(t, nil); return b }},
		{"memblob", openMemBucket},
	}
}

func openFileBucket(t testing.TB, opts *fileblob.Options) (*blob.Bucket, string) {
	t.Helper()
	dir := t.TempDir()
	b, err := fileblob.OpenBucket(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b, dir
}

func openMemBucket(t *testing.T) *blob.Bucket {
	b := memblob.OpenBucket(nil)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// put stores data under key; contentType "" lets the store pick one.
func put(t testing.TB, b *blob.Bucket, key string, data []byte, contentType string) {
	t.Helper()
	err := b.WriteAll(context.Background(), key, data, &blob.WriterOptions{ContentType: contentType})
	if err != nil {
		t.Fatal(err)
	}
}

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(r.Uint32())
	}
	return out
}

// testLogger sends the handler's logs to the test log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tlogWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tlogWriter struct{ t *testing.T }

func (w tlogWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// mediaMux mounts s the way the API does, with a minimal version of its JSON
// error adapter.
func mediaMux(s *Server) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/media/{key...}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.ServeKey(w, r, r.PathValue("key")); err != nil {
			writeTestError(w, err)
		}
	})
	return mux
}

func writeTestError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	switch shoot.ErrorCode(err) {
	case shoot.EINVALID:
		status = http.StatusBadRequest
	case shoot.ENOTFOUND:
		status = http.StatusNotFound
	case shoot.EUNAVAILABLE:
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{Error: shoot.ErrorMessage(err)})
}

// startServer serves s over real loopback HTTP.
func startServer(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	if s.Logger == nil {
		s.Logger = testLogger(t)
	}
	srv := httptest.NewServer(mediaMux(s))
	t.Cleanup(srv.Close)
	return srv
}

// fetch sends one request and returns the response with its body read. It
// does not follow redirects, so tests see exactly what the server said.
func fetch(t *testing.T, srv *httptest.Server, method, path string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// errorMessage decodes the API's JSON error body.
func errorMessage(t *testing.T, body []byte) string {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", body, err)
	}
	if e.Success {
		t.Errorf("error body %q has success true", body)
	}
	return e.Error
}

// eachBackend runs fn in a parallel subtest for every backend, on a fresh
// bucket of it.
func eachBackend(t *testing.T, fn func(t *testing.T, b *blob.Bucket)) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			fn(t, be.open(t))
		})
	}
}

// serveObject puts data under key in b and starts s on b.
func serveObject(t *testing.T, b *blob.Bucket, key string, data []byte, contentType string, s *Server) *httptest.Server {
	t.Helper()
	put(t, b, key, data, contentType)
	s.Bucket = b
	return startServer(t, s)
}
