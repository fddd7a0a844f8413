// Package web is the embedded web studio: plain JavaScript modules, CSS and
// fonts served from the binary, with no build step.
//
// Every asset is served under /assets/<version>/, where the version is a
// digest of all embedded files, so browsers may cache assets forever and a
// new binary is picked up at the next page load. index.html names its assets
// as "/assets/…" and is rewritten to the versioned prefix once, when the
// handler is built. Any other GET path (/, /session/…) answers with
// index.html, so the app can route on the client.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
)

//go:embed static
var static embed.FS

// contentSecurityPolicy keeps the studio to its own origin: no inline code,
// no third-party hosts. blob: images are the local previews of files being
// uploaded.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' blob: data:; media-src 'self' blob:; font-src 'self'; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Cache policies: versioned assets never change; the page and unversioned
// asset paths must be revalidated so a new binary shows at once.
const (
	cacheForever    = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// file is one servable file, with a gzipped copy when that is smaller.
type file struct {
	body  []byte
	gz    []byte
	ctype string
	etag  string
}

// handler serves the studio from files built once.
type handler struct {
	version string
	assets  map[string]*file // by path below static/, e.g. "js/main.js"
	index   *file
}

// Handler returns the studio: versioned assets under /assets/<version>/ and
// index.html for every other GET or HEAD path.
func Handler() http.Handler {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(fmt.Sprintf("web: embedded files: %v", err)) // cannot happen: the directory is embedded
	}
	h, err := newHandler(sub)
	if err != nil {
		panic(fmt.Sprintf("web: %v", err)) // cannot happen: the files are fixed at build time
	}
	return h
}

// newHandler reads every file of fsys and prepares the answers.
func newHandler(fsys fs.FS) (*handler, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		raw[p] = b
		return err
	})
	if err != nil {
		return nil, err
	}
	page, ok := raw["index.html"]
	if !ok {
		return nil, fmt.Errorf("index.html is missing")
	}
	h := &handler{version: digest(raw), assets: map[string]*file{}}
	for p, b := range raw {
		if p != "index.html" {
			h.assets[p] = newFile(p, b)
		}
	}
	page = bytes.ReplaceAll(page, []byte(`"/assets/`), []byte(`"/assets/`+h.version+`/`))
	h.index = newFile("index.html", page)
	return h, nil
}

// digest is a short hash over every file's name and content.
func digest(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	sum := sha256.New()
	for _, n := range names {
		fmt.Fprintf(sum, "%s\x00%d\x00", n, len(files[n]))
		sum.Write(files[n])
	}
	return hex.EncodeToString(sum.Sum(nil))[:12]
}

func newFile(name string, body []byte) *file {
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	sum := sha256.Sum256(body)
	f := &file{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	if compressible(ctype) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			f.gz = buf.Bytes()
		}
	}
	return f
}

func compressible(ctype string) bool {
	for _, prefix := range []string{"text/", "application/javascript", "image/svg", "application/json"} {
		if strings.HasPrefix(ctype, prefix) {
			return true
		}
	}
	return false
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/assets/"); ok {
		h.serveAsset(w, r, rest)
		return
	}
	// A path whose last segment looks like a file name is a missing file,
	// not a client route; answering with the page would hide the mistake.
	if strings.Contains(path.Base(r.URL.Path), ".") {
		http.NotFound(w, r)
		return
	}
	// The server's own security middleware may already have set a policy
	// for every response; it owns the header then.
	if w.Header().Get("Content-Security-Policy") == "" {
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	}
	w.Header().Set("Referrer-Policy", "same-origin")
	serve(w, r, h.index, cacheRevalidate)
}

// serveAsset answers /assets/<version>/<path>. An asset asked for under
// another version (a page from an older binary) is still served, but must
// be revalidated because its content may not match that version.
func (h *handler) serveAsset(w http.ResponseWriter, r *http.Request, rest string) {
	version, name, ok := strings.Cut(rest, "/")
	f := h.assets[name]
	if !ok || f == nil || name != path.Clean(name) {
		http.NotFound(w, r)
		return
	}
	policy := cacheForever
	if version != h.version {
		policy = cacheRevalidate
	}
	serve(w, r, f, policy)
}

// serve writes f with its validators, gzipped when the client accepts it,
// or 304 when the client's copy is current.
func serve(w http.ResponseWriter, r *http.Request, f *file, cache string) {
	body, etag := f.body, f.etag
	hdr := w.Header()
	if f.gz != nil {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("Content-Type", f.ctype)
	hdr.Set("Cache-Control", cache)
	hdr.Set("ETag", etag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if matchesETag(r.Header.Get("If-None-Match"), etag) {
		hdr.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// matchesETag reports whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func matchesETag(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		c := strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if c == "*" || c == etag {
			return true
		}
	}
	return false
}
