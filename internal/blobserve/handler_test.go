package blobserve

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strconv"
	"testing"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/shoot"
)

const clipKey = "outputs/s1/videos/video-1.mp4"

func TestServeRanges(t *testing.T) {
	t.Parallel()
	data := randomBytes(10_000, 1)
	tests := []struct {
		name, rangeHeader string
		status            int
		from, to          int // expected body is data[from:to]
		contentRange      string
	}{
		{"full", "", 200, 0, 10_000, ""},
		{"suffix", "bytes=-500", 206, 9_500, 10_000, "bytes 9500-9999/10000"},
		{"open-ended", "bytes=100-", 206, 100, 10_000, "bytes 100-9999/10000"},
		{"in bounds", "bytes=1000-1999", 206, 1000, 2000, "bytes 1000-1999/10000"},
		{"last byte", "bytes=9999-9999", 206, 9999, 10_000, "bytes 9999-9999/10000"},
		{"end past the object", "bytes=9000-20000", 206, 9000, 10_000, "bytes 9000-9999/10000"},
		{"suffix longer than the object", "bytes=-20000", 206, 0, 10_000, "bytes 0-9999/10000"},
		{"out of bounds", "bytes=10000-", 416, 0, 0, "bytes */10000"},
		{"out of bounds, closed", "bytes=20000-30000", 416, 0, 0, "bytes */10000"},
		{"garbage ignored", "bytes=abc", 200, 0, 10_000, ""},
		{"unknown unit ignored", "pages=1-2", 200, 0, 10_000, ""},
		{"reversed ignored", "bytes=500-100", 200, 0, 10_000, ""},
		{"two ranges: whole object", "bytes=0-9,100-199", 200, 0, 10_000, ""},
	}
	eachBackend(t, func(t *testing.T, b *blob.Bucket) {
		srv := serveObject(t, b, clipKey, data, "video/mp4", &Server{})
		for _, tt := range tests {
			resp, body := fetch(t, srv, "GET", "/api/media/"+clipKey, map[string]string{"Range": tt.rangeHeader})
			if resp.StatusCode != tt.status {
				t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
				continue
			}
			if got := resp.Header.Get("Content-Range"); got != tt.contentRange {
				t.Errorf("%s: Content-Range %q, want %q", tt.name, got, tt.contentRange)
			}
			if tt.status == 416 {
				if msg := errorMessage(t, body); msg != "Range not satisfiable" {
					t.Errorf("%s: error %q", tt.name, msg)
				}
				continue
			}
			if !bytes.Equal(body, data[tt.from:tt.to]) {
				t.Errorf("%s: body is %d bytes, want data[%d:%d]", tt.name, len(body), tt.from, tt.to)
			}
			if got, want := resp.Header.Get("Content-Length"), strconv.Itoa(tt.to-tt.from); got != want {
				t.Errorf("%s: Content-Length %q, want %q", tt.name, got, want)
			}
			if resp.Header.Get("Accept-Ranges") != "bytes" {
				t.Errorf("%s: Accept-Ranges %q", tt.name, resp.Header.Get("Accept-Ranges"))
			}
		}
	})
}

func TestServeZeroLengthObject(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b *blob.Bucket) {
		srv := serveObject(t, b, "outputs/s1/empty.txt", nil, "", &Server{})
		for _, rh := range []string{"", "bytes=0-", "bytes=-5", "bytes=0-0"} {
			resp, body := fetch(t, srv, "GET", "/api/media/outputs/s1/empty.txt", map[string]string{"Range": rh})
			if resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("Content-Length") != "0" {
				t.Errorf("Range %q: status %d, %d bytes, Content-Length %q; want 200 and empty",
					rh, resp.StatusCode, len(body), resp.Header.Get("Content-Length"))
			}
		}
	})
}

func TestServeHead(t *testing.T) {
	t.Parallel()
	data := randomBytes(5000, 2)
	eachBackend(t, func(t *testing.T, b *blob.Bucket) {
		srv := serveObject(t, b, clipKey, data, "video/mp4", &Server{})
		resp, body := fetch(t, srv, "HEAD", "/api/media/"+clipKey, nil)
		if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != 5000 {
			t.Errorf("HEAD: status %d, body %d bytes, length %d; want 200, 0, 5000", resp.StatusCode, len(body), resp.ContentLength)
		}
		if resp.Header.Get("ETag") == "" || resp.Header.Get("Content-Type") != "video/mp4" {
			t.Errorf("HEAD headers: %v", resp.Header)
		}
		resp, body = fetch(t, srv, "HEAD", "/api/media/"+clipKey, map[string]string{"Range": "bytes=-100"})
		if resp.StatusCode != 206 || len(body) != 0 || resp.ContentLength != 100 ||
			resp.Header.Get("Content-Range") != "bytes 4900-4999/5000" {
			t.Errorf("HEAD range: status %d, body %d, length %d, %q", resp.StatusCode, len(body), resp.ContentLength, resp.Header.Get("Content-Range"))
		}
	})
}

// TestServeHeadWritesNoBody calls ServeKey directly: a test server would drop
// a HEAD body on its own and hide the bug.
func TestServeHeadWritesNoBody(t *testing.T) {
	t.Parallel()
	b := openMemBucket(t)
	put(t, b, clipKey, randomBytes(3000, 3), "video/mp4")
	s := &Server{Bucket: b, Logger: testLogger(t)}
	rec := httptest.NewRecorder()
	if err := s.ServeKey(rec, httptest.NewRequest("HEAD", "/x", nil), clipKey); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "3000" {
		t.Errorf("HEAD: code %d, wrote %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}

func TestServeContentTypeAndCache(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, stored, wantType, wantCache string
	}{
		{"uploads/1712345678901-abc1234.png", "image/png", "image/png", cacheDefault},
		{"uploads/1712345678901-abc1234.webp", "", "image/webp", cacheDefault},
		{"outputs/s1/hero.png", "", "image/png", cacheDefault},
		{shoot.AssetKey("s1", shoot.AssetFrame, 3, 2), "", "image/png", cacheImmutable},
		{shoot.AssetKey("s1", shoot.AssetClip, 2, 4), "", "video/mp4", cacheImmutable},
		{"outputs/s1/videos/video-1.mov", "", "video/quicktime", cacheDefault},
		{"outputs/s1/bundle.zip", "", "application/zip", cacheDefault},
		{"outputs/s1/blob.bin", "", "application/octet-stream", cacheDefault},
		{"outputs/s1/odd.png", "image/gif", "image/gif", cacheDefault}, // the stored type wins
	}
	eachBackend(t, func(t *testing.T, b *blob.Bucket) {
		for i, tt := range tests {
			// Random bytes sniff as application/octet-stream, so an
			// unset type shows the extension table at work.
			put(t, b, tt.key, randomBytes(64, uint64(i)), tt.stored)
		}
		srv := startServer(t, &Server{Bucket: b})
		for _, tt := range tests {
			resp, _ := fetch(t, srv, "GET", "/api/media/"+tt.key, nil)
			if got := resp.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("%s: Content-Type %q, want %q", tt.key, got, tt.wantType)
			}
			if got := resp.Header.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("%s: Cache-Control %q, want %q", tt.key, got, tt.wantCache)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s: X-Content-Type-Options %q", tt.key, got)
			}
		}
	})
}

func TestServeMissingObject(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b *blob.Bucket) {
		s := &Server{Bucket: b, Logger: testLogger(t)}
		err := s.ServeKey(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil), "outputs/s1/nope.png")
		if shoot.ErrorCode(err) != shoot.ENOTFOUND || shoot.ErrorMessage(err) != "File not found" {
			t.Errorf("ServeKey(missing) = %v, want ENOTFOUND File not found", err)
		}
		put(t, b, "outputs/s1/dir/inner.png", []byte("x"), "")
		srv := startServer(t, s)
		for _, key := range []string{"outputs/s1/nope.png", "outputs/s1/dir"} {
			resp, body := fetch(t, srv, "GET", "/api/media/"+key, nil)
			if resp.StatusCode != 404 || errorMessage(t, body) != "File not found" {
				t.Errorf("%s: status %d body %s, want 404 File not found", key, resp.StatusCode, body)
			}
		}
	})
}

func TestServeStoreFailure(t *testing.T) {
	t.Parallel()
	b := openMemBucket(t)
	put(t, b, clipKey, []byte("x"), "")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	s := &Server{Bucket: b}
	err := s.ServeKey(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil), clipKey)
	if shoot.ErrorCode(err) != shoot.EUNAVAILABLE {
		t.Errorf("closed bucket: %v, want EUNAVAILABLE", err)
	}
}

func TestServeMethodNotAllowed(t *testing.T) {
	t.Parallel()
	b := openMemBucket(t)
	put(t, b, clipKey, []byte("x"), "")
	s := &Server{Bucket: b}
	for _, method := range []string{"POST", "PUT", "DELETE"} {
		rec := httptest.NewRecorder()
		if err := s.ServeKey(rec, httptest.NewRequest(method, "/x", nil), clipKey); err != nil {
			t.Fatal(err)
		}
		if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: code %d Allow %q, want 405 GET, HEAD", method, rec.Code, rec.Header().Get("Allow"))
		}
	}
	if ok, _ := b.Exists(context.Background(), clipKey); !ok {
		t.Error("object vanished")
	}
}

func TestServeKeyValidates(t *testing.T) {
	t.Parallel()
	b := openMemBucket(t)
	// memblob takes any key, so these would be served if ServeKey forgot to
	// validate.
	for _, key := range []string{"secret.txt", "uploads/../secret.txt", "/uploads/x.png"} {
		put(t, b, key, []byte("top secret"), "")
	}
	s := &Server{Bucket: b}
	for _, key := range []string{"secret.txt", "uploads/../secret.txt", "/uploads/x.png"} {
		rec := httptest.NewRecorder()
		err := s.ServeKey(rec, httptest.NewRequest("GET", "/x", nil), key)
		if err == nil || rec.Body.Len() != 0 {
			t.Errorf("ServeKey(%q) = %v with %d bytes written; want an error and nothing written", key, err, rec.Body.Len())
		}
	}
}
