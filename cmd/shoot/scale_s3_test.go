package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/fashionshoot/shoot/internal/blobstore"
)

// fakeS3 starts an in-process S3 server with an empty bucket and returns a
// SHOOT_BLOB_URL for it, as one would write it for MinIO or R2.
func fakeS3(t *testing.T, bucket string) (blobURL, endpoint string) {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	t.Cleanup(ts.Close)
	return "s3://" + bucket + "?endpoint=" + url.QueryEscape(ts.URL) + "&region=us-east-1&use_path_style=true", ts.URL
}

// useFakeAWSCredentials points the AWS SDK at test credentials and away
// from the machine's own AWS configuration and the instance metadata
// service. The SDK reads the process environment, so TestMain sets these
// once for the whole package, before any test runs: then the S3 test can
// run in parallel with the others. Nothing else here reads AWS_*
// variables, and the binary's child processes get their own environment
// (binEnv), so the fake credentials reach only the in-process S3 clients.
// The config and credentials files are names in an empty temporary
// folder, so the SDK finds no profile of the machine's; TestMain removes
// the folder.
func useFakeAWSCredentials() error {
	dir, err := os.MkdirTemp("", "shoot-aws-")
	if err != nil {
		return err
	}
	awsDir = dir
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "shoot-test-key", "AWS_SECRET_ACCESS_KEY": "shoot-test-secret",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	for _, k := range []string{"AWS_SESSION_TOKEN", "AWS_PROFILE"} {
		if err := os.Unsetenv(k); err != nil {
			return err
		}
	}
	return nil
}

// awsDir is the empty folder the fake AWS configuration points into.
var awsDir string

// noRedirects is a client that returns redirects instead of following them.
func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestS3Shoot runs a whole shoot with every upload and artifact in an S3
// bucket (an in-process S3 server): the film is streamed from S3 with byte
// ranges, the deep health check writes to the bucket, and a second API
// process with SHOOT_MEDIA_REDIRECT=1 answers with a signed URL that the
// S3 server honours.
func TestS3Shoot(t *testing.T) {
	t.Parallel() // the fake AWS credentials are set by TestMain: see useFakeAWSCredentials
	blobURL, endpoint := fakeS3(t, "shoot-media")
	env := map[string]string{"SHOOT_BLOB_URL": blobURL}
	s := startStudio(t, env)
	sid := scaleShoot(t, s.Base, 7)
	key := "outputs/" + sid + "/final/fashion-video.mp4"
	bucket, err := blobstore.Open(t.Context(), blobURL)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	film, err := bucket.ReadAll(t.Context(), key)
	if err != nil {
		t.Fatalf("the film is not in the bucket: %v", err)
	}
	wantRange(t, s.Base+"/"+key, film, 100, 1099)
	wantDeepHealthy(t, s.Base)

	// An API-only process on the same database and bucket, redirecting.
	env["SHOOT_MEDIA_REDIRECT"] = "1"
	r := startStudio(t, env, "--workers", "0", "--data-dir", s.Dir)
	resp, err := noRedirects().Get(r.Base + "/" + key)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, endpoint+"/shoot-media/"+key+"?") ||
		!strings.Contains(loc, "X-Amz-Signature=") || !strings.Contains(loc, "X-Amz-Expires=") ||
		!strings.Contains(loc, "X-Amz-Credential=shoot-test-key") {
		t.Fatalf("redirect: %d to %q", resp.StatusCode, loc)
	}
	if strings.Contains(loc, "shoot-test-secret") {
		t.Fatal("the signed URL carries the secret key")
	}
	got := fetch(t, loc)
	if !bytes.Equal(got, film) {
		t.Fatalf("the signed URL served %d bytes, want the film's %d", len(got), len(film))
	}
}

// wantRange asks for bytes [from, to] and checks a 206 with exactly them.
func wantRange(t *testing.T, target string, whole []byte, from, to int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Range", "bytes="+strconv.Itoa(from)+"-"+strconv.Itoa(to))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, whole[from:to+1]) {
		t.Fatalf("range %d-%d: %d, %d bytes (Content-Range %q)", from, to, resp.StatusCode, len(body), resp.Header.Get("Content-Range"))
	}
}

func fetch(t *testing.T, target string) []byte {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, resp.StatusCode, body)
	}
	return body
}
