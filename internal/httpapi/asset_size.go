package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	_ "image/gif" // sizes of uploaded references
	_ "image/jpeg"
	_ "image/png"
	"io"
	"strings"
	"sync"

	_ "golang.org/x/image/webp"

	"github.com/fashionshoot/shoot/internal/media"
)

// maxSizedVideo bounds the bytes read to find a clip's size; a film's size
// is recorded when it is made.
const maxSizedVideo = 256 << 20

// pixelSizes remembers the pixel size of stored artifacts by blob key. Keys
// name one version of one artifact and are never overwritten, so an entry
// never goes out of date.
var pixelSizes sync.Map // key → [2]int

// pixelSize returns the width and height of an artifact: the ones recorded
// in its metadata when it was made, else read from the stored file's header.
// It returns zeros when neither says.
func (s *Server) pixelSize(ctx context.Context, key, mime string, meta json.RawMessage) (int, int) {
	var m struct{ Width, Height int }
	if len(meta) > 0 && json.Unmarshal(meta, &m) == nil && m.Width > 0 && m.Height > 0 {
		return m.Width, m.Height
	}
	if v, ok := pixelSizes.Load(key); ok {
		wh := v.([2]int)
		return wh[0], wh[1]
	}
	w, h, err := s.readPixelSize(ctx, key, mime)
	if err != nil {
		s.logger.Debug("artifact size unknown", "key", key, "err", err)
		return 0, 0
	}
	pixelSizes.Store(key, [2]int{w, h})
	return w, h
}

func (s *Server) readPixelSize(ctx context.Context, key, mime string) (int, int, error) {
	r, err := s.bucket.NewReader(ctx, key, nil)
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	if strings.HasPrefix(mime, "video/") {
		data, err := io.ReadAll(io.LimitReader(r, maxSizedVideo))
		if err != nil {
			return 0, 0, err
		}
		return media.VideoSize(bytes.NewReader(data), int64(len(data)))
	}
	cfg, _, err := image.DecodeConfig(r)
	return cfg.Width, cfg.Height, err
}
