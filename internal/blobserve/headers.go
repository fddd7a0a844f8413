package blobserve

import (
	"path"
	"strings"
)

// Cache lifetimes. Versioned artifact keys never change content (a new
// version gets a new key), so browsers may keep them for a year; anything else
// may be replaced, e.g. a version-1 artifact regenerated under the same name.
const (
	cacheDefault   = "public, max-age=3600"
	cacheImmutable = "public, max-age=31536000, immutable"
)

// contentTypeFor picks the Content-Type: the type stored with the blob when
// it says something, else one from the key's extension. Stores fill in
// "application/octet-stream" when they had nothing better, so that value does
// not beat a known extension.
func contentTypeFor(key, stored string) string {
	if stored != "" && stored != "application/octet-stream" {
		return stored
	}
	return typeByExtension(key)
}

// typeByExtension maps the extensions the studio writes and accepts to their
// media types. It is a fixed table rather than mime.TypeByExtension so the
// answer does not depend on the host's /etc/mime.types.
func typeByExtension(key string) string {
	switch strings.ToLower(path.Ext(key)) {
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".mp4":
		return "video/mp4"
	case ".webm":
		return "video/webm"
	case ".mov":
		return "video/quicktime"
	case ".json":
		return "application/json"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".zip":
		return "application/zip"
	}
	return "application/octet-stream"
}

// cacheControlFor returns the Cache-Control value for key.
func cacheControlFor(key string) string {
	if isVersioned(key) {
		return cacheImmutable
	}
	return cacheDefault
}

// isVersioned reports whether key's file name carries a version suffix as
// written by shoot.AssetKey for versions 2 and up: "<name>.v<N><ext>", e.g.
// "frame-3.v2.png".
func isVersioned(key string) bool {
	base := path.Base(key)
	stem := strings.TrimSuffix(base, path.Ext(base))
	i := strings.LastIndex(stem, ".v")
	if i <= 0 {
		return false
	}
	n := stem[i+2:]
	if n == "" || n[0] == '0' {
		return false
	}
	for _, c := range n {
		if c < '0' || c > '9' {
			return false
		}
	}
	return n != "1"
}
