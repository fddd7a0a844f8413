package pipeline

import (
	"context"
	"fmt"
	"time"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// MaxUploadBytes is the largest reference image accepted.
const MaxUploadBytes = 10 << 20

// StoreUpload checks that data is a JPEG, PNG, WebP or GIF image by its
// content (not its name), removes its location and other metadata
// (imaging.StripMetadata) so it never reaches a provider, stores it under a
// server-chosen name uploads/<epochms>-<random>.<ext>, and records it.
func StoreUpload(ctx context.Context, st store.Store, bucket *blob.Bucket, originalName string, data []byte, owner string) (*shoot.Upload, error) {
	if len(data) > MaxUploadBytes {
		return nil, shoot.Errorf(shoot.ETOOLARGE, "file is larger than 10 MB")
	}
	format, w, h, err := imaging.Sniff(data)
	if err != nil {
		return nil, err
	}
	if data, err = imaging.StripMetadata(data); err != nil {
		return nil, err
	}
	name := fmt.Sprintf("%d-%s.%s", time.Now().UnixMilli(), shoot.RandomToken(10), format.Ext)
	u := &shoot.Upload{Filename: name, Key: "uploads/" + name, OriginalName: originalName, Size: int64(len(data)),
		MimeType: format.MimeType, Width: w, Height: h, Owner: owner}
	if err := bucket.WriteAll(ctx, u.Key, data, &blob.WriterOptions{ContentType: format.MimeType}); err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "could not store the upload")
	}
	if err := st.CreateUpload(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}
