package blobserve

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"

	"github.com/fashionshoot/shoot/internal/blobstore/s3fake"
)

const filmName = `inline; filename="look-reels-9x16.mp4"`

// namedServer serves every key of s under the download name filmName.
func namedServer(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	s.Logger = testLogger(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/media/{key...}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.ServeKeyAs(w, r, r.PathValue("key"), filmName); err != nil {
			writeTestError(w, err)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestRedirectKeepsTheFileName: on an S3 store, a named object is
// answered with a 302 whose signed URL, when followed, makes the store
// answer with the same Content-Disposition and bytes as streaming it here
// does. A file store whose signer cannot carry the name streams the object
// with its name instead of redirecting without it.
func TestRedirectKeepsTheFileName(t *testing.T) {
	t.Parallel()
	data := randomBytes(4096, 11)

	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		b, endpoint := s3fake.Bucket(t, "media")
		put(t, b, clipKey, data, "video/mp4")

		direct := namedServer(t, &Server{Bucket: b})
		resp, body := fetch(t, direct, "GET", "/api/media/"+clipKey, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != filmName || !bytes.Equal(body, data) {
			t.Fatalf("streamed: status %d, Content-Disposition %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Disposition"), len(body))
		}

		redirect := namedServer(t, &Server{Bucket: b, Redirect: true})
		resp, _ = fetch(t, redirect, "GET", "/api/media/"+clipKey, nil)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 302 || !strings.HasPrefix(loc, endpoint+"/") {
			t.Fatalf("redirected: status %d, Location %q; want 302 to the store", resp.StatusCode, loc)
		}
		u, err := url.Parse(loc)
		if err != nil || u.Query().Get("response-content-disposition") != filmName {
			t.Errorf("signed URL %q does not carry the file name", loc)
		}
		got, err := http.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		defer got.Body.Close()
		body, err = io.ReadAll(got.Body)
		if err != nil {
			t.Fatal(err)
		}
		if got.StatusCode != 200 || got.Header.Get("Content-Disposition") != filmName || !bytes.Equal(body, data) {
			t.Errorf("the store answered the signed URL with %d, Content-Disposition %q, %d bytes; want 200, %q, the object",
				got.StatusCode, got.Header.Get("Content-Disposition"), len(body), filmName)
		}

		// An object with no name of its own is still redirected, with
		// nothing added to its URL.
		resp, _ = fetch(t, startServer(t, &Server{Bucket: b, Redirect: true}), "GET", "/api/media/"+clipKey, nil)
		if resp.StatusCode != 302 || strings.Contains(resp.Header.Get("Location"), "response-content-disposition") {
			t.Errorf("unnamed: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("fileblob", func(t *testing.T) {
		t.Parallel()
		base, _ := url.Parse("http://127.0.0.1:1/signed")
		b, _ := openFileBucket(t, &fileblob.Options{URLSigner: fileblob.NewURLSignerHMAC(base, []byte("test-secret"))})
		put(t, b, clipKey, data, "video/mp4")
		srv := namedServer(t, &Server{Bucket: b, Redirect: true})
		resp, body := fetch(t, srv, "GET", "/api/media/"+clipKey, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != filmName || !bytes.Equal(body, data) {
			t.Errorf("status %d, Content-Disposition %q, %d bytes; want the object streamed under its name",
				resp.StatusCode, resp.Header.Get("Content-Disposition"), len(body))
		}
		// The same bucket signs an unnamed object, so the fallback is the
		// name's doing and not a signer that fails.
		if u, err := b.SignedURL(t.Context(), clipKey, &blob.SignedURLOptions{}); err != nil || u == "" {
			t.Errorf("the file store does not sign: %v", err)
		}
	})
}
