package pipeline

import (
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// ParseReference turns an input-image reference a client sent into the
// upload filename the server issued. Accepted forms: "/uploads/<file>",
// "uploads/<file>" and "<file>", where <file> has the server's own naming
// pattern; anything else (absolute paths, "..", other folders, URLs) is an
// EINVALID error, so a client can never point the pipeline at a file.
func ParseReference(ref string) (string, error) {
	name := ref
	switch {
	case strings.HasPrefix(name, "/uploads/"):
		name = strings.TrimPrefix(name, "/uploads/")
	case strings.HasPrefix(name, "uploads/"):
		name = strings.TrimPrefix(name, "uploads/")
	}
	if !shoot.ValidUploadFilename(name) {
		return "", shoot.Errorf(shoot.EINVALID, "inputImages: %q is not an upload reference this server issued", clip(ref, 80))
	}
	return name, nil
}

// clip shortens s for error messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
