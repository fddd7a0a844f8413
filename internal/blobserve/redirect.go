package blobserve

import (
	"net/http"
	"strconv"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// redirect answers with a 302 to a signed URL of key and reports whether it
// did. Only GET is redirected: S3 signatures cover the method, so a signed GET
// URL would refuse the HEAD a client sends after following it, and HEAD costs
// us no bytes anyway. A store that cannot sign (local files without a URL
// signer, memory) returns false so the caller streams; any other signing
// failure is logged and falls back the same way, since streaming still works.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, key string) bool {
	ttl := s.signedURLTTL()
	u, err := s.Bucket.SignedURL(r.Context(), key, &blob.SignedURLOptions{Expiry: ttl})
	if err != nil {
		if gcerrors.Code(err) != gcerrors.Unimplemented {
			s.logger().WarnContext(r.Context(), "media signing failed, streaming instead", "key", key, "err", err)
		}
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
