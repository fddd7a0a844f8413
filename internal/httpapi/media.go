package httpapi

import (
	"net/http"
	"regexp"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/social"
)

// The media routes differ only in how the path names the key;
// blobserve validates the key and streams the object with ranges and
// validators.

// mediaByKey answers GET and HEAD /api/media/{key...}.
func (s *Server) mediaByKey(w http.ResponseWriter, r *http.Request) error {
	return s.serveMedia(w, r, r.PathValue("key"))
}

// mediaUpload answers GET and HEAD /uploads/{filename}.
func (s *Server) mediaUpload(w http.ResponseWriter, r *http.Request) error {
	return s.media.ServeKey(w, r, "uploads/"+r.PathValue("filename"))
}

// mediaOutput answers GET and HEAD /outputs/{sessionId}/{path...}.
func (s *Server) mediaOutput(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("sessionId")
	if !shoot.ValidSessionID(id) {
		return shoot.Errorf(shoot.EINVALID, "Invalid session id")
	}
	return s.serveMedia(w, r, "outputs/"+id+"/"+r.PathValue("path"))
}

// serveMedia streams key; the film of the format a session's platform
// preset posts is named for that platform (see presetDisposition), also
// when it is answered with a redirect to the store.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request, key string) error {
	return s.media.ServeKeyAs(w, r, key, s.presetDisposition(r, key))
}

// formatFilm is the key of a delivered format's film, any version:
// outputs/<session>/final/<W>x<H>/fashion-video[.v<N>].mp4.
var formatFilm = regexp.MustCompile(`^outputs/([^/]+)/final/([0-9]+x[0-9]+)/fashion-video(?:\.v[0-9]+)?\.mp4$`)

// presetDisposition names the download of the film a session made for its
// platform preset as the platform's file, e.g. Content-Disposition:
// inline; filename="fashion-video-reels-9x16.mp4". It stays inline, so a
// player or a browser tab still plays it; saving it takes that name. Other
// keys, and sessions without a preset, get "" (no header); a session that
// cannot be read is left to the ownership check and the blob lookup, which
// answer for it.
func (s *Server) presetDisposition(r *http.Request, key string) string {
	m := formatFilm.FindStringSubmatch(key)
	if m == nil || !shoot.ValidSessionID(m[1]) {
		return ""
	}
	ss, err := s.store.GetSession(r.Context(), m[1])
	if err != nil {
		return ""
	}
	p, ok := social.Lookup(ss.Options.Preset)
	if !ok || p.Format.Dir() != m[2] {
		return ""
	}
	return `inline; filename="` + p.FileFor("fashion-video.mp4") + `"`
}
