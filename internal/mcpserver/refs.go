package mcpserver

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/fashionshoot/shoot/client"
)

// maxRefs bounds how many references one shoot takes from a tool call.
const maxRefs = 10

// uploadRefs turns start_shoot's references into upload URLs the API
// takes: upload URLs pass through; data: URLs and (when allowed) local
// files are uploaded first, in one request, keeping the given order.
func (t *tools) uploadRefs(ctx context.Context, c *client.Client, refs []string) ([]string, error) {
	if len(refs) > maxRefs {
		return nil, fmt.Errorf("at most %d references", maxRefs)
	}
	out := make([]string, len(refs))
	var files []client.File
	var slots []int
	for i, r := range refs {
		r = strings.TrimSpace(r)
		switch {
		case strings.HasPrefix(r, "/uploads/") || strings.HasPrefix(r, "http://") || strings.HasPrefix(r, "https://"):
			out[i] = r
			continue
		case strings.HasPrefix(r, "data:"):
			f, err := decodeDataURL(i, r)
			if err != nil {
				return nil, err
			}
			files, slots = append(files, f), append(slots, i)
		case r != "" && t.allowFiles:
			data, err := os.ReadFile(r)
			if err != nil {
				return nil, fmt.Errorf("reference %d: %w", i+1, err)
			}
			files, slots = append(files, client.File{Name: filepath.Base(r), Data: data}), append(slots, i)
		default:
			return nil, fmt.Errorf("reference %d: give an upload URL (/uploads/…) or a data: URL with a base64 picture", i+1)
		}
	}
	if len(files) == 0 {
		return out, nil
	}
	up, err := c.Upload(ctx, files...)
	if err != nil {
		return nil, apiError(err)
	}
	if len(up.Errors) > 0 {
		return nil, fmt.Errorf("reference %s: %s", up.Errors[0].OriginalName, up.Errors[0].Error)
	}
	if len(up.Files) != len(files) {
		return nil, errors.New("the studio stored fewer references than were sent")
	}
	for j, f := range up.Files {
		out[slots[j]] = f.URL
	}
	return out, nil
}

// decodeDataURL reads "data:image/png;base64,…" (the i-th reference).
func decodeDataURL(i int, s string) (client.File, error) {
	head, payload, ok := strings.Cut(strings.TrimPrefix(s, "data:"), ",")
	mt, isB64 := strings.CutSuffix(head, ";base64")
	if !ok || !isB64 {
		return client.File{}, fmt.Errorf("reference %d: a data: URL must be base64 (data:image/png;base64,…)", i+1)
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return client.File{}, fmt.Errorf("reference %d: bad base64: %v", i+1, err)
	}
	ext := ".png"
	if exts, _ := mime.ExtensionsByType(mt); len(exts) > 0 {
		ext = exts[0]
	}
	return client.File{Name: fmt.Sprintf("reference-%d%s", i+1, ext), Data: data}, nil
}
