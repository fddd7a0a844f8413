package providertest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
)

// initiate handles POST /storage/upload/initiate: it hands out a signed
// upload URL and the public file URL the upload will have.
func (f *FAL) initiate(w http.ResponseWriter, r *http.Request) {
	if !f.gate(w, r) {
		return
	}
	in, ok := decodeBody(r)
	ct, _ := in["content_type"].(string)
	name, _ := in["file_name"].(string)
	var errs []fieldError
	if !ok || ct == "" {
		errs = append(errs, fieldError{loc: []any{"body", "content_type"}, msg: "Field required", typ: "missing"})
	}
	if !ok || name == "" {
		errs = append(errs, fieldError{loc: []any{"body", "file_name"}, msg: "Field required", typ: "missing"})
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, detailList(errs...))
		return
	}
	token := strings.ReplaceAll(newUUID(), "-", "")
	f.mu.Lock()
	f.uploads[token] = &falUpload{contentType: ct, name: name}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"upload_url": f.URL + "/upload/" + token + "?X-Goog-Signature=" + token[:16],
		"file_url":   f.URL + "/files/" + token + "/" + url.PathEscape(name),
	})
}

// upload handles the PUT of the bytes to a signed upload URL. Like a cloud
// bucket's signed URL, the Content-Type must match the one initiated.
func (f *FAL) upload(w http.ResponseWriter, r *http.Request) {
	if !f.gateOpen(w, r) {
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 100<<20))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": "upload too large"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.uploads[r.PathValue("token")]
	switch {
	case u == nil:
		writeJSON(w, http.StatusForbidden, map[string]any{"error": "SignatureDoesNotMatch"})
	case r.Header.Get("Content-Type") != u.contentType:
		writeJSON(w, http.StatusForbidden, map[string]any{"error": "SignatureDoesNotMatch: Content-Type differs from the signed upload"})
	default:
		u.data, u.done = data, true
		f.n.uploads++
		w.WriteHeader(http.StatusOK)
	}
}

// file serves an uploaded file at its public URL.
func (f *FAL) file(w http.ResponseWriter, r *http.Request) {
	if !f.gateOpen(w, r) {
		return
	}
	f.mu.Lock()
	u := f.uploads[r.PathValue("token")]
	f.mu.Unlock()
	if u == nil || !u.done {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", u.contentType)
	w.Write(u.data)
}

// serveMedia serves a result file.
func (f *FAL) serveMedia(w http.ResponseWriter, r *http.Request) {
	if !f.gateOpen(w, r) {
		return
	}
	f.mu.Lock()
	m, ok := f.media[r.PathValue("name")]
	if ok {
		f.n.download++
	}
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", m.contentType)
	w.Write(m.data)
}

// uploaded reports whether rawURL is the file URL of a finished upload.
// Called with f.mu held.
func (f *FAL) uploaded(rawURL string) bool {
	rest, ok := strings.CutPrefix(rawURL, f.URL+"/files/")
	if !ok {
		return false
	}
	token, _, _ := strings.Cut(rest, "/")
	u := f.uploads[token]
	return u != nil && u.done
}
