// Package blobstore opens the studio's blob storage (uploads/ and outputs/)
// from a URL through gocloud.dev/blob: a folder on disk by default, S3, R2 or
// MinIO for scale, memory in tests.
package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob" // registers s3:// with blob.OpenBucket
	"gocloud.dev/gcerrors"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Open opens the bucket named by rawURL:
//
//   - file:///abs/dir (or file://rel/dir): a folder, created if missing.
//     Temporary files are written next to their destination so the final
//     rename never crosses file systems.
//   - mem://: an empty in-memory bucket (tests).
//   - s3://bucket?region=…&endpoint=…&use_path_style=true: S3, R2 or MinIO,
//     credentials from the standard AWS variables.
func Open(ctx context.Context, rawURL string) (*blob.Bucket, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINVALID, "invalid blob URL")
	}
	switch u.Scheme {
	case "file":
		return openDir(u)
	case "mem":
		return memblob.OpenBucket(nil), nil
	case "s3":
		b, err := blob.OpenBucket(ctx, rawURL)
		if err != nil {
			return nil, shoot.Wrap(err, shoot.EINVALID, "cannot open the S3 bucket")
		}
		return b, nil
	}
	return nil, shoot.Errorf(shoot.EINVALID, "unknown blob URL scheme %q (use file://, s3:// or mem://)", u.Scheme)
}

func openDir(u *url.URL) (*blob.Bucket, error) {
	dir := filepath.FromSlash(u.Host + u.Path)
	if dir == "" {
		return nil, shoot.Errorf(shoot.EINVALID, "blob URL %q names no folder", u.String())
	}
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{CreateDir: true, NoTempDir: true})
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, fmt.Sprintf("cannot open blob folder %s", dir))
	}
	return b, nil
}

// DeletePrefix deletes every blob whose key starts with prefix and returns
// how many it deleted. The prefix must end in "/" so that "outputs/a/" never
// matches "outputs/ab/…".
func DeletePrefix(ctx context.Context, b *blob.Bucket, prefix string) (int, error) {
	if prefix == "" || !strings.HasSuffix(prefix, "/") {
		return 0, shoot.Errorf(shoot.EINTERNAL, "blob prefix %q must end in a slash", prefix)
	}
	it := b.List(&blob.ListOptions{Prefix: prefix})
	n := 0
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, shoot.Wrap(err, shoot.EUNAVAILABLE, "cannot list stored files")
		}
		if err := b.Delete(ctx, obj.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return n, shoot.Wrap(err, shoot.EUNAVAILABLE, "cannot delete stored files")
		}
		n++
	}
}

// IsNotFound reports whether err from a bucket means the blob does not exist.
func IsNotFound(err error) bool { return gcerrors.Code(err) == gcerrors.NotFound }
