package shoot

import (
	"regexp"
	"time"
)

// Upload is a reference image (or a film's audio bed) the server stored
// under uploads/.
type Upload struct {
	Filename     string    `json:"filename"` // server-chosen: <epochms>-<random>.<ext>
	Key          string    `json:"r2Key"`    // uploads/<filename>
	OriginalName string    `json:"originalName"`
	Size         int64     `json:"size"`
	MimeType     string    `json:"mimetype"`
	Width        int       `json:"width"`
	Height       int       `json:"height"`
	Owner        string    `json:"owner,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
}

var uploadNameRe = regexp.MustCompile(`^[0-9]{10,16}-[a-z0-9]{4,32}\.(jpg|png|webp|gif|wav|mp3|flac|ogg|m4a)$`)

// ValidUploadFilename reports whether name has the form the server gives
// uploads, so no client-chosen name or path ever reaches storage.
func ValidUploadFilename(name string) bool { return uploadNameRe.MatchString(name) }
