package blobserve

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"gocloud.dev/blob/fileblob"
)

// TestTraversalOverHTTP sends escape attempts through a real ServeMux and
// loopback HTTP to a file bucket. Secrets sit both outside the bucket folder
// and inside it but outside uploads/ and outputs/; no attempt may return a
// byte of either.
func TestTraversalOverHTTP(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	store := filepath.Join(root, "store")
	b, err := fileblob.OpenBucket(store, &fileblob.Options{CreateDir: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	secret := []byte("the-secret-bytes")
	for _, p := range []string{
		filepath.Join(root, "secret.txt"),
		filepath.Join(store, "secret.txt"),
		filepath.Join(store, "private", "keys.json"),
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, secret, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put(t, b, "uploads/ok.png", []byte("fine"), "image/png")
	srv := startServer(t, &Server{Bucket: b})

	if resp, body := fetch(t, srv, "GET", "/api/media/uploads/ok.png", nil); resp.StatusCode != 200 || string(body) != "fine" {
		t.Fatalf("control request: status %d body %q", resp.StatusCode, body)
	}
	for _, path := range []string{
		"/api/media/uploads/../secret.txt",
		"/api/media/uploads/../../secret.txt",
		"/api/media/uploads/../../etc/passwd",
		"/api/media/uploads/a/../../secret.txt",
		"/api/media/uploads/%2e%2e/secret.txt",
		"/api/media/uploads/%2e%2e/%2e%2e/secret.txt",
		"/api/media/uploads/%2E./secret.txt",
		"/api/media/uploads/..%2fsecret.txt",
		"/api/media/uploads/..%2f..%2fsecret.txt",
		"/api/media/uploads/%252e%252e/secret.txt",
		"/api/media/uploads/%252e%252e%252f%252e%252e%252fsecret.txt",
		"/api/media/uploads/..%5c..%5csecret.txt",
		"/api/media/uploads%5c..%5csecret.txt",
		"/api/media/uploads/secret.txt%00.png",
		"/api/media//secret.txt",
		"/api/media/%2fsecret.txt",
		"/api/media/%2f" + root[1:] + "/secret.txt",
		"/api/media/secret.txt",
		"/api/media/private/keys.json",
		"/api/media/uploads/./../private/keys.json",
		"/api/media/outputs/..",
		"/api/media/uploads/ok.png.attrs",
	} {
		for _, method := range []string{"GET", "HEAD"} {
			resp, body := fetch(t, srv, method, path, nil)
			t.Logf("%s %s -> %d", method, path, resp.StatusCode)
			if resp.StatusCode < 300 || bytes.Contains(body, secret) {
				t.Errorf("%s %s: status %d, body %q; want a redirect or an error and no secret", method, path, resp.StatusCode, body)
			}
			switch resp.StatusCode {
			case 301, 307, 308, 400, 404: // 30x: ServeMux cleaning a literal ".." path
			default:
				t.Errorf("%s %s: unexpected status %d", method, path, resp.StatusCode)
			}
		}
	}
}
