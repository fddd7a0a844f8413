package blobserve

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gocloud.dev/blob"
)

func TestServeETag(t *testing.T) {
	t.Parallel()
	data := randomBytes(2048, 4)
	sum := md5.Sum(data)
	wantTag := `"` + hex.EncodeToString(sum[:]) + `"`
	eachBackend(t, func(t *testing.T, b *blob.Bucket) {
		srv := serveObject(t, b, clipKey, data, "video/mp4", &Server{})
		resp, _ := fetch(t, srv, "GET", "/api/media/"+clipKey, nil)
		if got := resp.Header.Get("ETag"); got != wantTag {
			t.Fatalf("ETag %q, want the quoted MD5 %q", got, wantTag)
		}
		for _, inm := range []string{wantTag, `W/` + wantTag, `"other", ` + wantTag, `*`} {
			for _, method := range []string{"GET", "HEAD"} {
				resp, body := fetch(t, srv, method, "/api/media/"+clipKey, map[string]string{"If-None-Match": inm})
				if resp.StatusCode != 304 || len(body) != 0 {
					t.Errorf("%s If-None-Match %s: status %d, %d bytes; want 304, empty", method, inm, resp.StatusCode, len(body))
				}
				if resp.Header.Get("ETag") != wantTag || resp.Header.Get("Cache-Control") == "" {
					t.Errorf("304 lacks validators: %v", resp.Header)
				}
				if resp.Header.Get("Content-Type") != "" || resp.Header.Get("Last-Modified") != "" {
					t.Errorf("304 carries representation headers: %v", resp.Header)
				}
			}
		}
		resp, body := fetch(t, srv, "GET", "/api/media/"+clipKey, map[string]string{"If-None-Match": `"stale"`})
		if resp.StatusCode != 200 || !bytes.Equal(body, data) {
			t.Errorf("stale If-None-Match: status %d, want 200 with the body", resp.StatusCode)
		}
	})
}

// TestServeETagWithoutMD5 covers objects the store has no MD5 for (here a
// file written straight into the bucket folder): the ETag is derived from
// key, size and time, stays stable, and changes when the file does.
func TestServeETagWithoutMD5(t *testing.T) {
	t.Parallel()
	b, dir := openFileBucket(t, nil)
	path := dir + "/outputs/s1/note.txt"
	write := func(data string, mod time.Time) {
		if err := mkdirWrite(path, data, mod); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	write("first", base)
	// The file is rewritten in place, which the studio never does: no reuse.
	srv := startServer(t, &Server{Bucket: b, AttrTTL: -1})
	tag := func() string {
		resp, _ := fetch(t, srv, "GET", "/api/media/outputs/s1/note.txt", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		return resp.Header.Get("ETag")
	}
	first := tag()
	if len(first) != 34 || first[0] != '"' || first[33] != '"' {
		t.Fatalf("fallback ETag %q is not a quoted 32-hex tag", first)
	}
	if again := tag(); again != first {
		t.Errorf("ETag changed between requests: %q then %q", first, again)
	}
	write("second", base.Add(time.Minute))
	if changed := tag(); changed == first {
		t.Errorf("ETag %q did not change when the file did", changed)
	}
}

func TestServeIfRange(t *testing.T) {
	t.Parallel()
	data := randomBytes(4000, 5)
	b := openMemBucket(t)
	put(t, b, clipKey, data, "video/mp4")
	srv := startServer(t, &Server{Bucket: b})
	resp, _ := fetch(t, srv, "HEAD", "/api/media/"+clipKey, nil)
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	stale := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
	tests := []struct {
		ifRange string
		status  int
	}{
		{etag, 206},
		{lastMod, 206},
		{`"stale"`, 200},
		{"W/" + etag, 200},
		{stale, 200},
	}
	for _, tt := range tests {
		resp, body := fetch(t, srv, "GET", "/api/media/"+clipKey, map[string]string{"Range": "bytes=0-99", "If-Range": tt.ifRange})
		if resp.StatusCode != tt.status {
			t.Errorf("If-Range %q: status %d, want %d", tt.ifRange, resp.StatusCode, tt.status)
		}
		want := data
		if tt.status == 206 {
			want = data[:100]
		}
		if !bytes.Equal(body, want) {
			t.Errorf("If-Range %q: body %d bytes, want %d", tt.ifRange, len(body), len(want))
		}
	}
}

func TestServeLastModified(t *testing.T) {
	t.Parallel()
	b, dir := openFileBucket(t, nil)
	put(t, b, clipKey, randomBytes(100, 6), "video/mp4")
	mod := time.Date(2024, 6, 7, 8, 9, 10, 0, time.UTC)
	if err := os.Chtimes(dir+"/"+clipKey, mod, mod); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, &Server{Bucket: b})
	resp, _ := fetch(t, srv, "GET", "/api/media/"+clipKey, nil)
	if got := resp.Header.Get("Last-Modified"); got != mod.Format(http.TimeFormat) {
		t.Fatalf("Last-Modified %q, want %q", got, mod.Format(http.TimeFormat))
	}
	for _, tt := range []struct {
		since  time.Time
		status int
	}{
		{mod, 304},
		{mod.Add(time.Hour), 304},
		{mod.Add(-time.Second), 200},
	} {
		resp, _ := fetch(t, srv, "GET", "/api/media/"+clipKey, map[string]string{"If-Modified-Since": tt.since.Format(http.TimeFormat)})
		if resp.StatusCode != tt.status {
			t.Errorf("If-Modified-Since %v: status %d, want %d", tt.since, resp.StatusCode, tt.status)
		}
	}
}

func TestServeIfMatch(t *testing.T) {
	t.Parallel()
	b := openMemBucket(t)
	put(t, b, clipKey, randomBytes(100, 7), "video/mp4")
	srv := startServer(t, &Server{Bucket: b})
	resp, _ := fetch(t, srv, "GET", "/api/media/"+clipKey, map[string]string{"If-Match": `"stale"`})
	if resp.StatusCode != 412 {
		t.Errorf("stale If-Match: status %d, want 412", resp.StatusCode)
	}
	resp, _ = fetch(t, srv, "GET", "/api/media/"+clipKey, map[string]string{"If-Match": "*"})
	if resp.StatusCode != 200 {
		t.Errorf("If-Match *: status %d, want 200", resp.StatusCode)
	}
}

// mkdirWrite writes a file with the given modification time, creating its
// folder.
func mkdirWrite(path, data string, mod time.Time) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		return err
	}
	return os.Chtimes(path, mod, mod)
}
