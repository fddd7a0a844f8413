package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// localPaths rewrites the storage keys of session sid that text names
// (outputs/<sid>/final/fashion-video.v2.mp4) into the files `shoot run`
// exports them to under out (<out>/final/fashion-video.mp4): the newest
// version of each artifact is written without its version suffix.
func localPaths(text, sid, out string) string {
	prefix := regexp.QuoteMeta("outputs/" + sid + "/")
	re := regexp.MustCompile(prefix + `([A-Za-z0-9_./-]*?)(?:\.v[0-9]+)?(\.[A-Za-z0-9]+)\b`)
	return re.ReplaceAllStringFunc(text, func(key string) string {
		m := re.FindStringSubmatch(key)
		return filepath.Join(out, filepath.FromSlash(m[1]+m[2]))
	})
}

// outputPath turns a blob key outputs/<sid>/<path> into <path>.
func outputPath(key string) string {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) == 3 {
		return parts[2]
	}
	return key
}

// export writes the newest artifacts under out in the studio's folder
// layout (hero/, contact-sheet/, frames/, videos/, final/), plus
// manifest.json.
func export(ctx context.Context, eng *engine, a *app, sid, out string) error {
	m, err := eng.Manifest(ctx, sid)
	if err != nil {
		return err
	}
	for _, art := range m.Artifacts {
		data, err := a.bucket.ReadAll(ctx, art.Key)
		if err != nil {
			return fmt.Errorf("read %s: %w", art.Key, err)
		}
		p := filepath.Join(out, filepath.FromSlash(art.File))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "manifest.json"), append(raw, '\n'), 0o644)
}
