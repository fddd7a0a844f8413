package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/blobstore/s3fake"
	"github.com/fashionshoot/shoot/internal/httpapi"
)

// TestPresetFilmFileNameThroughRedirect: with SHOOT_MEDIA_REDIRECT=1 and
// an S3 store, the reels film of a reels shoot is answered with a redirect
// to a signed URL, and the store, following it, names the download
// fashion-video-reels-9x16.mp4 exactly as the streamed answer does. Another
// format's film is redirected without a name. With the default file store
// (which this studio opens without a signer) the named film is streamed
// under its name.
func TestPresetFilmFileNameThroughRedirect(t *testing.T) {
	t.Parallel()
	const named = `inline; filename="fashion-video-reels-9x16.mp4"`
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	bucket, endpoint := s3fake.Bucket(t, "studio")
	e := redirectingEnv(t, bucket)
	ts := e.ts
	sid := e.presetShoot(t, "session_1700000000000_redirreels", "reels", [2]int{1, 1}, [2]int{3, 1})

	for _, path := range []string{"/outputs/" + sid + "/final/9x16/fashion-video.mp4", "/api/media/outputs/" + sid + "/final/9x16/fashion-video.mp4"} {
		resp, err := noFollow.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, endpoint+"/") {
			t.Fatalf("GET %s: %d, Location %q; want a redirect to the store", path, resp.StatusCode, loc)
		}
		status, cd, body := e.get(t, path) // follows the redirect to the store
		if status != http.StatusOK || cd != named || string(body) != "film-1-v1" {
			t.Errorf("GET %s through the store: %d, Content-Disposition %q, body %q; want 200, %q, the 9:16 film", path, status, cd, body, named)
		}
	}
	other := "/outputs/" + sid + "/final/1x1/fashion-video.mp4"
	resp, err := noFollow.Get(ts.URL + other)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if u, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || u == nil || u.Query().Has("response-content-disposition") {
		t.Errorf("GET %s: %d, Location %q; want a redirect with no name", other, resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, cd, body := e.get(t, other); status != http.StatusOK || cd != "" || string(body) != "film-3-v1" {
		t.Errorf("GET %s through the store: %d, Content-Disposition %q, body %q", other, status, cd, body)
	}

	// The default file store cannot sign: the film is streamed, named.
	f := redirectingEnv(t, nil)
	fsid := f.presetShoot(t, "session_1700000000000_redirfiles", "reels", [2]int{1, 1})
	resp, err = noFollow.Get(f.ts.URL + "/outputs/" + fsid + "/final/9x16/fashion-video.mp4")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != named || !bytes.Equal(body, []byte("film-1-v1")) {
		t.Errorf("file store: %d, Content-Disposition %q, body %q", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
}

// redirectingEnv is the API with SHOOT_MEDIA_REDIRECT=1 on a real database,
// serving media from bucket, or from its default blob folder when bucket
// is nil.
func redirectingEnv(t *testing.T, bucket *blob.Bucket) *exportEnv {
	t.Helper()
	b := newBackend(t, map[string]string{"SHOOT_MEDIA_REDIRECT": "1"})
	if !b.cfg.MediaRedirect {
		t.Fatal("SHOOT_MEDIA_REDIRECT=1 did not turn redirects on")
	}
	if bucket == nil {
		bucket = b.bucket
	}
	srv, err := httpapi.New(httpapi.Deps{Config: b.cfg, Store: b.store, Bucket: bucket, Engine: b.eng})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &exportEnv{ts: ts, store: b.store, bucket: bucket}
}
