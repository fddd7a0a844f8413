package blobserve

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob/fileblob"

	"gocloud.dev/blob"
)

func TestRedirectToSignedURL(t *testing.T) {
	t.Parallel()
	// The signed URL points at a loopback port nothing listens on; the test
	// client never follows redirects, so it is only inspected.
	base, _ := url.Parse("http://127.0.0.1:1/signed")
	b, _ := openFileBucket(t, &fileblob.Options{URLSigner: fileblob.NewURLSignerHMAC(base, []byte("test-secret"))})
	data := randomBytes(4096, 8)
	put(t, b, clipKey, data, "video/mp4")
	srv := startServer(t, &Server{Bucket: b, Redirect: true, SignedURLTTL: 10 * time.Minute})

	resp, _ := fetch(t, srv, "GET", "/api/media/"+clipKey, map[string]string{"Range": "bytes=0-99"})
	if resp.StatusCode != 302 {
		t.Fatalf("GET: status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Host != "127.0.0.1:1" || !strings.HasPrefix(loc.Path, "/signed") {
		t.Fatalf("Location %q, want a URL from the signer", resp.Header.Get("Location"))
	}
	if got := loc.Query().Get("obj"); got != clipKey {
		t.Errorf("signed URL names object %q, want %q", got, clipKey)
	}
	if got := resp.Header.Get("Cache-Control"); got != "private, max-age=300" {
		t.Errorf("redirect Cache-Control %q, want half the URL lifetime", got)
	}

	// HEAD is answered here: a signed GET URL would refuse it.
	resp, body := fetch(t, srv, "HEAD", "/api/media/"+clipKey, nil)
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != 4096 {
		t.Errorf("HEAD: status %d, length %d; want 200 and 4096", resp.StatusCode, resp.ContentLength)
	}
	// A current copy needs no redirect at all.
	resp, _ = fetch(t, srv, "GET", "/api/media/"+clipKey, map[string]string{"If-None-Match": resp.Header.Get("ETag")})
	if resp.StatusCode != 304 {
		t.Errorf("conditional GET: status %d, want 304", resp.StatusCode)
	}
	// A missing object is our JSON 404, not a signed link to nothing.
	resp, body = fetch(t, srv, "GET", "/api/media/outputs/s1/nope.mp4", nil)
	if resp.StatusCode != 404 || errorMessage(t, body) != "File not found" {
		t.Errorf("missing: status %d body %s", resp.StatusCode, body)
	}
}

func TestRedirectFallsBackToStreaming(t *testing.T) {
	t.Parallel()
	data := randomBytes(4096, 9)
	eachBackend(t, func(t *testing.T, b *blob.Bucket) { // neither can sign as opened here
		srv := serveObject(t, b, clipKey, data, "video/mp4", &Server{Redirect: true})
		resp, body := fetch(t, srv, "GET", "/api/media/"+clipKey, map[string]string{"Range": "bytes=-10"})
		if resp.StatusCode != 206 || !bytes.Equal(body, data[4086:]) {
			t.Errorf("status %d, %d bytes; want 206 with the last 10 bytes", resp.StatusCode, len(body))
		}
	})
}

func TestSignedURLTTLDefault(t *testing.T) {
	t.Parallel()
	if got := (&Server{}).signedURLTTL(); got != DefaultSignedURLTTL {
		t.Errorf("zero TTL gives %v, want %v", got, DefaultSignedURLTTL)
	}
	if got := (&Server{SignedURLTTL: time.Minute}).signedURLTTL(); got != time.Minute {
		t.Errorf("TTL %v, want 1m", got)
	}
}
