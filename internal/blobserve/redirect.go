package blobserve

import (
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// redirect answers with a 302 to a signed URL of key and reports whether it
// did. Only GET is redirected: S3 signatures cover the method, so a signed GET
// URL would refuse the HEAD a client sends after following it, and HEAD costs
// us no bytes anyway. A store that cannot sign (local files without a URL
// signer, memory) returns false so the caller streams; any other signing
// failure is logged and falls back the same way, since streaming still works.
//
// A disposition (the download's file name) must survive the redirect, or a
// browser saving the film would take the store's key as its name. It goes
// into the signed URL as S3's response-content-disposition parameter, which
// the signature covers and S3 (and R2, MinIO) answer with as the
// Content-Disposition header. A store whose signed URLs cannot carry it —
// the local file store's signer signs only the key and the expiry and
// exposes nothing to BeforeSign — is streamed instead, with the header.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, key, disposition string) bool {
	ttl := s.signedURLTTL()
	opts := &blob.SignedURLOptions{Expiry: ttl}
	carried := disposition == ""
	if disposition != "" {
		opts.BeforeSign = func(as func(any) bool) error {
			var in *s3.GetObjectInput
			if as(&in) {
				in.ResponseContentDisposition = aws.String(disposition)
				carried = true
			}
			return nil
		}
	}
	u, err := s.Bucket.SignedURL(r.Context(), key, opts)
	if err != nil {
		if gcerrors.Code(err) != gcerrors.Unimplemented {
			s.logger().WarnContext(r.Context(), "media signing failed, streaming instead", "key", key, "err", err)
		}
		return false
	}
	if !carried {
		return false
	}
	h := w.Header()
	h.Set("Location", u)
	// A cached redirect must not outlive the URL it points to: half the
	// lifetime leaves a cached copy at least that long to be used.
	h.Set("Cache-Control", "private, max-age="+strconv.Itoa(int(ttl/2/time.Second)))
	w.WriteHeader(http.StatusFound)
	return true
}

func (s *Server) signedURLTTL() time.Duration {
	if s.SignedURLTTL <= 0 {
		return DefaultSignedURLTTL
	}
	return s.SignedURLTTL
}
