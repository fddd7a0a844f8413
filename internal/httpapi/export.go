package httpapi

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/social"
)

// exporter serves a session's artifacts as one zip download.
type exporter struct {
	srv *Server
	eng *pipeline.Engine
}

// The export route (GET /api/sessions/{id}/export.zip, see routes.go)
// serves the newest version of every artifact in the studio's layout, the
// reference images under references/, and manifest.json describing how
// each artifact was made.

// exportManifest is manifest.json: the engine's manifest plus the
// references the shoot started from.
type exportManifest struct {
	*pipeline.Manifest
	References []exportReference `json:"references"`
	// PresetFile, for a shoot with a platform preset, names the copy of
	// the preset format's film kept under the platform's file name.
	PresetFile *exportPresetFile `json:"presetFile,omitempty"`
	ExportedAt time.Time         `json:"exportedAt"`
}

// exportPresetFile is a second entry of the archive holding the film of
// the preset's format (Film) under the name the platform's preset gives
// it (File), e.g. final/9x16/fashion-video-reels-9x16.mp4.
type exportPresetFile struct {
	File     string `json:"file"`
	Film     string `json:"film"`
	Platform string `json:"platform"`
}

type exportReference struct {
	File         string `json:"file"`
	OriginalName string `json:"originalName"`
	MimeType     string `json:"mimeType"`
	Size         int64  `json:"size"`
}

// zipEntry is one file to put in the archive: its name there and where its
// bytes live.
type zipEntry struct {
	name     string
	key      string
	modified time.Time
}

// export streams the archive. Everything that can fail cleanly (a bad or
// unknown session) fails before the first byte; a blob that cannot be read
// halfway through drops the connection, so the client sees a failed
// download rather than a truncated zip that looks complete.
func (x *exporter) export(w http.ResponseWriter, r *http.Request) error {
	ss, err := x.srv.session(r) // checks the id and that the caller may see it
	if err != nil {
		return err
	}
	sid := ss.ID
	m, err := x.eng.Manifest(r.Context(), sid)
	if err != nil {
		return err
	}
	entries, refs, preset, err := x.entries(r.Context(), m)
	if err != nil {
		return err
	}
	manifest, err := json.MarshalIndent(exportManifest{Manifest: m, References: refs, PresetFile: preset,
		ExportedAt: time.Now().UTC()}, "", "  ")
	if err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "could not write the manifest")
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.zip"`, sid))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if err := x.write(r.Context(), w, manifest, entries); err != nil {
		x.srv.fail(w, r, err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// entries lists the archive's files: generated artifacts by their
// output-layout names (the preset format's film followed by its copy under
// the platform's file name), then the references.
func (x *exporter) entries(ctx context.Context, m *pipeline.Manifest) ([]zipEntry, []exportReference, *exportPresetFile, error) {
	assets, err := x.srv.store.LatestAssets(ctx, m.SessionID)
	if err != nil {
		return nil, nil, nil, err
	}
	created := map[string]time.Time{}
	var entries []zipEntry
	refs := []exportReference{}
	for _, a := range assets {
		created[a.Key] = a.CreatedAt
		if a.Type != shoot.AssetInput {
			continue
		}
		name := referenceName(a.Index, a.FileName, a.Key)
		entries = append(entries, zipEntry{name: name, key: a.Key, modified: a.CreatedAt})
		refs = append(refs, exportReference{File: name, OriginalName: a.FileName, MimeType: a.MimeType, Size: a.Size})
	}
	var preset *exportPresetFile
	film := ""
	if p, ok := social.Lookup(m.Options.Preset); ok {
		film = "final/" + p.Format.Dir() + "/fashion-video.mp4"
		preset = &exportPresetFile{File: path.Join(path.Dir(film), p.FileFor(path.Base(film))), Film: film, Platform: p.Platform}
	}
	arts := make([]zipEntry, 0, len(m.Artifacts)+1)
	found := false
	for _, a := range m.Artifacts {
		arts = append(arts, zipEntry{name: a.File, key: a.Key, modified: created[a.Key]})
		if preset != nil && a.File == film {
			arts = append(arts, zipEntry{name: preset.File, key: a.Key, modified: created[a.Key]})
			found = true
		}
	}
	if !found {
		preset = nil // the shoot has not made that film (yet)
	}
	return append(arts, entries...), refs, preset, nil
}

// referenceName is a safe archive name for reference n: its original name
// reduced to plain characters, numbered so two files called "look.jpg" do
// not collide, and keeping the stored file's extension.
func referenceName(n int, original, key string) string {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(original, `\`, "/")), path.Ext(original))
	var b strings.Builder
	for _, c := range base {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 60 {
			break
		}
	}
	clean := strings.Trim(b.String(), "-")
	if clean == "" {
		clean = "reference"
	}
	return fmt.Sprintf("references/%d-%s%s", n, clean, path.Ext(key))
}

// write produces the archive: manifest.json first, then every file. Images
// and videos are already compressed, so they are stored as they are, which
// keeps the export fast and its CPU cost near zero.
func (x *exporter) write(ctx context.Context, w io.Writer, manifest []byte, entries []zipEntry) error {
	zw := zip.NewWriter(w)
	mf, err := zw.CreateHeader(&zip.FileHeader{Name: "manifest.json", Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return err
	}
	if _, err := mf.Write(manifest); err != nil {
		return err
	}
	for _, e := range entries {
		if err := x.copyBlob(ctx, zw, e); err != nil {
			return err
		}
	}
	return zw.Close()
}

func (x *exporter) copyBlob(ctx context.Context, zw *zip.Writer, e zipEntry) error {
	rd, err := x.srv.bucket.NewReader(ctx, e.key, nil)
	if err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "could not read "+e.key)
	}
	defer rd.Close()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store, Modified: e.modified.UTC()})
	if err != nil {
		return err
	}
	if _, err := io.Copy(fw, rd); err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "could not copy "+e.key)
	}
	return nil
}
