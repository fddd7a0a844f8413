package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"gocloud.dev/blob"
)

// putMedia stores a 1000-byte clip and a private file outside the served
// prefixes.
func putMedia(t *testing.T, e *testEnv) []byte {
	t.Helper()
	ctx := context.Background()
	clip := bytes.Repeat([]byte("0123456789"), 100)
	if err := e.bucket.WriteAll(ctx, "outputs/session_1_abc/videos/video-1.mp4", clip, &blob.WriterOptions{ContentType: "video/mp4"}); err != nil {
		t.Fatal(err)
	}
	if err := e.bucket.WriteAll(ctx, "uploads/1705258941234-abc123.png", []byte("png"), &blob.WriterOptions{ContentType: "image/png"}); err != nil {
		t.Fatal(err)
	}
	if err := e.bucket.WriteAll(ctx, "private/secret.txt", []byte("SECRET"), nil); err != nil {
		t.Fatal(err)
	}
	return clip
}

func TestMediaRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	clip := putMedia(t, e)
	for _, path := range []string{"/outputs/session_1_abc/videos/video-1.mp4", "/api/media/outputs/session_1_abc/videos/video-1.mp4"} {
		resp, body := e.do(t, "GET", path, nil)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, clip) || resp.Header.Get("Content-Type") != "video/mp4" ||
			resp.Header.Get("Accept-Ranges") != "bytes" || resp.Header.Get("ETag") == "" || resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("GET %s: %d %v", path, resp.StatusCode, resp.Header)
		}
		resp, body = e.do(t, "GET", path, nil, "Range", "bytes=-100")
		if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, clip[900:]) ||
			resp.Header.Get("Content-Range") != "bytes 900-999/1000" {
			t.Errorf("suffix range on %s: %d %q", path, resp.StatusCode, resp.Header.Get("Content-Range"))
		}
		resp, _ = e.do(t, "GET", path, nil, "Range", "bytes=5000-")
		if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
			t.Errorf("unsatisfiable range on %s: %d", path, resp.StatusCode)
		}
		resp, body = e.do(t, "HEAD", path, nil)
		if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.ContentLength != 1000 {
			t.Errorf("HEAD %s: %d len=%d body=%d", path, resp.StatusCode, resp.ContentLength, len(body))
		}
		etag := resp.Header.Get("ETag")
		resp, _ = e.do(t, "GET", path, nil, "If-None-Match", etag)
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match on %s: %d", path, resp.StatusCode)
		}
	}
	resp, body := e.do(t, "GET", "/uploads/1705258941234-abc123.png", nil)
	if resp.StatusCode != http.StatusOK || string(body) != "png" || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("GET upload: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	wantError(t, e.getJSON(t, "GET", "/uploads/1705258941234-zzz.png", http.StatusNotFound), "File not found")
	wantError(t, e.getJSON(t, "POST", "/uploads/1705258941234-abc123.png", http.StatusMethodNotAllowed), "Method not allowed")
}

// rawGet sends a request line exactly as given, without any client-side
// path cleaning, and returns the status and body.
func rawGet(t *testing.T, e *testEnv, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestMediaTraversalNeverLeaks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	putMedia(t, e)
	targets := []string{
		"/api/media/uploads/../private/secret.txt",
		"/api/media/uploads/%2e%2e/private/secret.txt",
		"/api/media/uploads/%2E%2E/private/secret.txt",
		"/api/media/uploads%2f..%2fprivate%2fsecret.txt",
		"/api/media/uploads/%252e%252e/private/secret.txt",
		"/api/media//private/secret.txt",
		"/api/media/%2fprivate/secret.txt",
		"/api/media/private/secret.txt",
		"/uploads/..%2fprivate%2fsecret.txt",
		"/uploads/%2e%2e",
		"/outputs/session_1_abc/../../private/secret.txt",
		"/outputs/session_1_abc/%2e%2e/%2e%2e/private/secret.txt",
		"/outputs/..%2fprivate/secret.txt",
		"/outputs/session_1_abc/videos/..%5c..%5cprivate%5csecret.txt",
		"/api/media/uploads/./1705258941234-abc123.png",
	}
	for _, target := range targets {
		status, body := rawGet(t, e, target)
		if strings.Contains(body, "SECRET") || (status != http.StatusBadRequest && status != http.StatusNotFound) {
			t.Errorf("GET %s: %d %q, want 400 or 404 and no secret", target, status, body)
		}
		if !strings.Contains(body, `"success":false`) {
			t.Errorf("GET %s: body %q is not the JSON error", target, body)
		}
	}
}
