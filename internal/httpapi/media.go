package httpapi

import (
	"net/http"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// The media routes differ only in how the path names the key;
// blobserve validates the key and streams the object with ranges and
// validators.

// mediaByKey answers GET and HEAD /api/media/{key...}.
func (s *Server) mediaByKey(w http.ResponseWriter, r *http.Request) error {
	return s.media.ServeKey(w, r, r.PathValue("key"))
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
	return s.media.ServeKey(w, r, "outputs/"+id+"/"+r.PathValue("path"))
}
