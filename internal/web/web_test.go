package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, method, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var assetRef = regexp.MustCompile(`"/assets/([0-9a-f]{12})/([^"]+)"`)

// TestPageForEveryClientRoute: the page answers /, client routes and
// unknown paths, revalidated, with a strict policy and versioned assets.
func TestPageForEveryClientRoute(t *testing.T) {
	t.Parallel()
	h := Handler()
	for _, p := range []string{"/", "/session/session_1_abc", "/sessions", "/anything/else/"} {
		rec := get(t, h, http.MethodGet, p)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %q", p, rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q", p, rec.Header().Get("Cache-Control"))
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("GET %s: policy %q", p, csp)
		}
		if n := len(assetRef.FindAllString(rec.Body.String(), -1)); n < 4 {
			t.Errorf("GET %s: %d versioned asset references in the page", p, n)
		}
	}
	if rec := get(t, h, http.MethodHead, "/"); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD /: %d with %d bytes", rec.Code, rec.Body.Len())
	}
}

// TestPageKeepsAPolicySetBefore: when the server's security middleware
// already chose a policy, the page does not replace it.
func TestPageKeepsAPolicySetBefore(t *testing.T) {
	t.Parallel()
	h := Handler()
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Security-Policy", "default-src 'none'")
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if got := rec.Header().Values("Content-Security-Policy"); len(got) != 1 || got[0] != "default-src 'none'" {
		t.Errorf("policy = %q", got)
	}
}

func TestAssetsCachedForeverAndRevalidated(t *testing.T) {
	t.Parallel()
	h := Handler()
	m := assetRef.FindStringSubmatch(get(t, h, http.MethodGet, "/").Body.String())
	version := m[1]
	url := "/assets/" + version + "/js/main.js"
	rec := get(t, h, http.MethodGet, url)
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != cacheForever {
		t.Fatalf("GET %s: %d, Cache-Control %q", url, rec.Code, rec.Header().Get("Cache-Control"))
	}
	if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("Content-Type %q", ct)
	}
	etag := rec.Header().Get("ETag")
	if again := get(t, h, http.MethodGet, url, "If-None-Match", etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("If-None-Match %s: %d", etag, again.Code)
	}
	old := get(t, h, http.MethodGet, "/assets/000000000000/js/main.js")
	if old.Code != http.StatusOK || old.Header().Get("Cache-Control") != cacheRevalidate || !bytes.Equal(old.Body.Bytes(), rec.Body.Bytes()) {
		t.Errorf("an asset under an old version: %d %q", old.Code, old.Header().Get("Cache-Control"))
	}
}

func TestAssetsGzipped(t *testing.T) {
	t.Parallel()
	h := Handler()
	plain := get(t, h, http.MethodGet, "/assets/x/css/session.css")
	zipped := get(t, h, http.MethodGet, "/assets/x/css/session.css", "Accept-Encoding", "br, gzip")
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Fatalf("gzip answer: %v", zipped.Header())
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !bytes.Equal(body, plain.Body.Bytes()) || zipped.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzip body: %d bytes, decoded equal %t", zipped.Body.Len(), bytes.Equal(body, plain.Body.Bytes()))
	}
	if refused := get(t, h, http.MethodGet, "/assets/x/css/session.css", "Accept-Encoding", "gzip;q=0"); refused.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent to a client that refused it")
	}
	if font := get(t, h, http.MethodGet, "/assets/x/fonts/inter.woff2", "Accept-Encoding", "gzip"); font.Header().Get("Content-Encoding") != "" || font.Header().Get("Content-Type") != "font/woff2" {
		t.Errorf("font: %v", font.Header())
	}
}

func TestMissingFilesAndMethods(t *testing.T) {
	t.Parallel()
	h := Handler()
	for _, p := range []string{"/assets/x/js/missing.js", "/assets/x/../index.html", "/assets/x/index.html", "/assets/js/main.js", "/favicon.ico", "/robots.txt"} {
		if rec := get(t, h, http.MethodGet, p); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
	}
	if rec := get(t, h, http.MethodPost, "/"); rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") == "" {
		t.Errorf("POST /: %d", rec.Code)
	}
}

func TestNewHandlerNeedsAPage(t *testing.T) {
	t.Parallel()
	if _, err := newHandler(fstest.MapFS{"js/main.js": {Data: []byte("x")}}); err == nil {
		t.Fatal("no error without index.html")
	}
}

// TestStaticFilesFollowThePolicy keeps the studio within a strict Content
// Security Policy and free of markup injection: no inline script, style or
// handler in the page, no innerHTML or eval in the code, and every file the
// page or a module names exists.
func TestStaticFilesFollowThePolicy(t *testing.T) {
	t.Parallel()
	sub, err := fs.Sub(static, "static")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := fs.ReadFile(sub, "index.html")
	for _, bad := range []*regexp.Regexp{regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`), regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle=`), regexp.MustCompile(`\son[a-z]+=`)} {
		if bad.Match(page) {
			t.Errorf("index.html has inline code or style: %s", bad)
		}
	}
	for _, m := range regexp.MustCompile(`"/assets/([^"]+)"`).FindAllStringSubmatch(string(page), -1) {
		if _, err := fs.Stat(sub, m[1]); err != nil {
			t.Errorf("index.html names %s, which is not embedded", m[1])
		}
	}
	imports := regexp.MustCompile(`(?m)^import .* from "(\./[^"]+)";$`)
	forbidden := regexp.MustCompile(`\.innerHTML|outerHTML\s*=|insertAdjacentHTML|\beval\(|new Function\(|document\.write`)
	files, _ := fs.Glob(sub, "js/*.js")
	if len(files) < 10 {
		t.Fatalf("only %d modules embedded", len(files))
	}
	for _, f := range files {
		src, _ := fs.ReadFile(sub, f)
		if loc := forbidden.FindIndex(src); loc != nil {
			t.Errorf("%s uses %s", f, src[loc[0]:loc[1]])
		}
		for _, m := range imports.FindAllStringSubmatch(string(src), -1) {
			if _, err := fs.Stat(sub, path.Join("js", m[1])); err != nil {
				t.Errorf("%s imports %s, which is not embedded", f, m[1])
			}
		}
	}
}
