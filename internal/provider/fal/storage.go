package fal

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// upload puts one reference into FAL storage and returns its file_url:
// initiate (content type and file name), PUT the bytes to the signed URL,
// then hand FAL the public URL. Big PNGs travel this way instead of as data
// URIs.
func (q *queue) upload(ctx context.Context, ref shoot.Reference, n int) (string, error) {
	if len(ref.Data) == 0 {
		return "", shoot.Errorf(shoot.EINVALID, "reference %d is empty", n)
	}
	ct := contentType(ref)
	var init struct {
		UploadURL string `json:"upload_url"`
		FileURL   string `json:"file_url"`
	}
	in := map[string]string{"content_type": ct, "file_name": fileName(ref, ct, n)}
	u := q.opts.RestURL + "/storage/upload/initiate?storage_type=fal-cdn-v3"
	if err := q.call(ctx, "upload initiate", http.MethodPost, u, in, &init); err != nil {
		return "", err
	}
	if init.UploadURL == "" || init.FileURL == "" {
		return "", shoot.Errorf(shoot.EUNAVAILABLE, "FAL storage returned no upload URL; retrying later")
	}
	put := *q.caller
	put.Timeout = q.opts.TransferTimeout
	// The signed URL is the credential: no Authorization header goes there.
	r, err := put.Call(ctx, httpx.Request{Method: http.MethodPut, URL: init.UploadURL, Body: ref.Data, ContentType: ct, Op: "upload"})
	if err != nil {
		return "", callError("upload", err)
	}
	if r.Status/100 != 2 {
		return "", shoot.Errorf(shoot.EUNAVAILABLE, "FAL storage refused the upload (HTTP %d); retrying later", r.Status)
	}
	return init.FileURL, nil
}

// contentType is the reference's sniffed type, sniffing again if unset.
func contentType(ref shoot.Reference) string {
	if ct, _, err := mime.ParseMediaType(ref.ContentType); err == nil && strings.Contains(ct, "/") {
		return ct
	}
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(ref.Data))
	return ct
}

// fileName is the reference's base name, or reference-N with an extension
// that matches its content type.
func fileName(ref shoot.Reference, ct string, n int) string {
	if base := path.Base(strings.ReplaceAll(ref.Name, "\\", "/")); ref.Name != "" && base != "." && base != "/" {
		return base
	}
	ext := map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif"}[ct]
	if ext == "" {
		ext = ".bin"
	}
	return fmt.Sprintf("reference-%d%s", n, ext)
}
