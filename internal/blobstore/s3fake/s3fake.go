// Package s3fake opens a bucket on an in-process S3 server (gofakes3) for
// tests, with a client that carries its own static credentials, so a test
// reads nothing of the machine's AWS configuration and may run in
// parallel. The server answers presigned URLs, including the response-*
// parameters S3 takes on a signed GET.
package s3fake

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"
)

// Bucket starts an S3 server holding one empty bucket called name and
// returns that bucket, opened through gocloud.dev/blob's S3 driver, and the
// server's URL. Both are closed when the test ends.
func Bucket(t testing.TB, name string) (*blob.Bucket, string) {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(name); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	t.Cleanup(ts.Close)
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("s3fake-key", "s3fake-secret", ""),
	})
	b, err := s3blob.OpenBucket(context.Background(), client, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b, ts.URL
}
