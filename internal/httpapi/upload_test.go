package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/imaging/imagingtest"
)

// testFile is one part of a multipart upload.
type testFile struct {
	field, name, contentType string
	data                     []byte
}

// multipartBody encodes files as multipart/form-data.
func multipartBody(t *testing.T, files ...testFile) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="` + f.field + `"; filename="` + f.name + `"`}
		h["Content-Type"] = []string{f.contentType}
		pw, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(f.data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (e *testEnv) upload(t *testing.T, wantStatus int, files ...testFile) map[string]any {
	t.Helper()
	body, ct := multipartBody(t, files...)
	resp, data := e.do(t, "POST", "/api/upload", body, "Content-Type", ct)
	if resp.StatusCode != wantStatus {
		t.Fatalf("upload: status %d, want %d; body %s", resp.StatusCode, wantStatus, data)
	}
	return decodeJSON(t, resp, data)
}

func img(name, ct string, data []byte) testFile {
	return testFile{field: "images", name: name, contentType: ct, data: data}
}

func jpegBytes(t *testing.T) []byte { return imagingtest.JPEG(t, 160, 120) }

func pngBytes(t *testing.T) []byte { return imagingtest.PNG(t, 48, 32) }

var serverName = regexp.MustCompile(`^[0-9]{13}-[a-z0-9]+\.(jpg|png|gif|webp)$`)

func TestUploadAcceptsEachFormatByContent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	pngData, webp := pngBytes(t), imagingtest.WebP(t, false)
	m := e.upload(t, http.StatusOK,
		img("a.jpg", "image/jpeg", jpegBytes(t)),
		// A PNG that claims to be a JPEG is stored as what it is.
		img("lies.jpg", "image/jpeg", pngData),
		img("c.gif", "image/gif", imagingtest.GIF(t, 20, 10)),
		img("d.bin", "application/octet-stream", webp),
	)
	if m["success"] != true || m["count"] != float64(4) || len(m["errors"].([]any)) != 0 {
		t.Fatalf("upload = %v", m)
	}
	wantTypes := []string{"image/jpeg", "image/png", "image/gif", "image/webp"}
	wantExt := []string{".jpg", ".png", ".gif", ".webp"}
	for i, f := range m["files"].([]any) {
		f := f.(map[string]any)
		name := f["filename"].(string)
		if !serverName.MatchString(name) || !strings.HasSuffix(name, wantExt[i]) || f["mimetype"] != wantTypes[i] {
			t.Errorf("file %d = %v", i, f)
		}
		if f["r2Key"] != "uploads/"+name || f["url"] != "/uploads/"+name {
			t.Errorf("file %d key/url = %v %v", i, f["r2Key"], f["url"])
		}
		row, err := e.store.GetUpload(context.Background(), name)
		if err != nil || row.MimeType != wantTypes[i] || row.Width == 0 || row.OriginalName != f["originalName"] {
			t.Errorf("row of %s = %+v, %v", name, row, err)
		}
	}
	// The round trip: the stored file comes back byte for byte.
	second := m["files"].([]any)[1].(map[string]any)
	resp, body := e.do(t, "GET", second["url"].(string), nil)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, pngData) || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("GET %s: %d %s, %d bytes", second["url"], resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if second["size"] != float64(len(pngData)) || second["originalName"] != "lies.jpg" {
		t.Errorf("size/name = %v %v", second["size"], second["originalName"])
	}
}

func TestUploadPartialSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	m := e.upload(t, http.StatusOK,
		img("good.png", "image/png", pngBytes(t)),
		img("notes.png", "image/png", []byte("just some text, not a picture")),
	)
	if m["success"] != true || m["count"] != float64(1) || len(m["files"].([]any)) != 1 {
		t.Fatalf("upload = %v", m)
	}
	errs := m["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("errors = %v", errs)
	}
	e0 := errs[0].(map[string]any)
	if e0["originalName"] != "notes.png" || !strings.Contains(e0["error"].(string), "not a JPEG, PNG, WebP or GIF") {
		t.Errorf("error item = %v", e0)
	}
}

func TestUploadRejections(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	jpg, pngData := jpegBytes(t), pngBytes(t)
	big := append(bytes.Clone(pngData), make([]byte, 10<<20)...)
	e.refuseUploads(t, []refusal{
		{"wrong magic", img("x.jpg", "image/jpeg", []byte("GIF88a not really")), "not a JPEG"},
		{"html as png", img("x.png", "image/png", []byte("<html><script>alert(1)</script>")), "not a JPEG"},
		{"truncated jpeg", img("t.jpg", "image/jpeg", jpg[:len(jpg)*2/3]), "truncated"},
		{"truncated png", img("t.png", "image/png", pngData[:len(pngData)-20]), "truncated"},
		{"over 10 MB", img("big.png", "image/png", big), "File too large"},
		{"bomb header", img("bomb.png", "image/png", imagingtest.PNGHeader(60000, 60000)), "megapixels"},
		{"empty file", img("empty.png", "image/png", nil), "not a JPEG"},
	})
}

// refusal is a file an upload refuses, and what the refusal must say.
type refusal struct {
	name   string
	file   testFile
	reason string
}

// refuseUploads uploads each file alone and checks that it is refused
// with a 400 naming it and its reason, and that nothing was stored.
func (e *testEnv) refuseUploads(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		m := e.upload(t, http.StatusBadRequest, tc.file)
		if msg, _ := m["error"].(string); m["success"] != false || m["code"] != "invalid" || m["count"] != float64(0) ||
			len(m["files"].([]any)) != 0 || !strings.HasPrefix(msg, "All uploads failed: "+tc.file.name+": ") ||
			!strings.Contains(msg, tc.reason) {
			t.Errorf("%s: %v", tc.name, m)
			continue
		}
		errs := m["errors"].([]any)
		item, _ := errs[0].(map[string]any)
		if len(errs) != 1 || item["originalName"] != tc.file.name || !strings.Contains(item["error"].(string), tc.reason) {
			t.Errorf("%s: errors %v, want one naming %s with %q", tc.name, errs, tc.file.name, tc.reason)
		}
	}
	if n := countBlobs(t, e.bucket, "uploads/"); n != 0 {
		t.Errorf("%d refused files were stored", n)
	}
}

// TestUploadAllFailedSaysWhy: when no file of an upload is stored, the
// JSON error names every file with its reason, in the order they were
// sent, and errors lists the same reasons; the code stays "invalid".
func TestUploadAllFailedSaysWhy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	big := append(jpegBytes(t), make([]byte, 10<<20)...)
	m := e.upload(t, http.StatusBadRequest, img("notes.png", "image/png", []byte("hello")),
		img("big.jpg", "image/jpeg", big), bed("look.mp3", pngBytes(t)))
	const want = "All uploads failed: notes.png: not a JPEG, PNG, WebP or GIF image; " +
		"big.jpg: File too large: the limit is 10 MB; look.mp3: "
	msg, _ := m["error"].(string)
	if !strings.HasPrefix(msg, want) || !strings.Contains(msg[len(want):], "must be a WAV") || strings.HasSuffix(msg, ".") {
		t.Errorf("error %q, want it to start %q and give look.mp3's reason", msg, want)
	}
	if m["code"] != "invalid" || m["success"] != false || m["count"] != float64(0) {
		t.Errorf("answer %v", m)
	}
	errs, _ := m["errors"].([]any)
	if len(errs) != 3 {
		t.Fatalf("errors %v, want three", errs)
	}
	for i, name := range []string{"notes.png", "big.jpg", "look.mp3"} {
		item, _ := errs[i].(map[string]any)
		reason, _ := item["error"].(string)
		if item["originalName"] != name || !strings.Contains(msg, name+": "+strings.TrimSuffix(reason, ".")) {
			t.Errorf("errors[%d] = %v, not as the message gives it", i, item)
		}
	}
}

func TestUploadTooManyFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	pngData := pngBytes(t)
	var files []testFile
	for i := 0; i < 11; i++ {
		files = append(files, img("p.png", "image/png", pngData))
	}
	wantError(t, e.upload(t, http.StatusBadRequest, files...), "at most 10")
	if n := countBlobs(t, e.bucket, "uploads/"); n != 0 {
		t.Errorf("%d files stored from a refused request", n)
	}
	// Exactly ten is fine.
	m := e.upload(t, http.StatusOK, files[:10]...)
	if m["count"] != float64(10) {
		t.Errorf("ten files: %v", m)
	}
}

func TestUploadBadRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	resp, body := e.do(t, "POST", "/api/upload", strings.NewReader(`{"images":[]}`), "Content-Type", "application/json")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("JSON body: status %d", resp.StatusCode)
	}
	wantError(t, decodeJSON(t, resp, body), "multipart/form-data")

	other, ct := multipartBody(t, testFile{field: "photo", name: "a.png", contentType: "image/png", data: pngBytes(t)})
	resp, body = e.do(t, "POST", "/api/upload", other, "Content-Type", ct)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("wrong field: status %d", resp.StatusCode)
	}
	wantError(t, decodeJSON(t, resp, body), `"images"`)

	resp, body = e.do(t, "POST", "/api/upload", strings.NewReader("--x\r\nbroken"), "Content-Type", "multipart/form-data; boundary=x")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("broken multipart: status %d", resp.StatusCode)
	}
	wantError(t, decodeJSON(t, resp, body), "")

	resp, body = e.do(t, "GET", "/api/upload", nil)
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "POST") {
		t.Errorf("GET /api/upload: %d Allow=%q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	wantError(t, decodeJSON(t, resp, body), "Method not allowed")
}

func countBlobs(t *testing.T, b *blob.Bucket, prefix string) int {
	t.Helper()
	n := 0
	it := b.List(&blob.ListOptions{Prefix: prefix})
	for {
		_, err := it.Next(context.Background())
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestUploadBodyTooLarge streams a request body past the whole-request cap
// (ten 10 MB files plus framing) and expects 413, without the test or the
// server holding it in memory.
func TestUploadBodyTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	head := "--b\r\nContent-Disposition: form-data; name=\"images\"; filename=\"huge.png\"\r\nContent-Type: image/png\r\n\r\n"
	body := io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, 130<<20), strings.NewReader("\r\n--b--\r\n"))
	resp, data := e.do(t, "POST", "/api/upload", body, "Content-Type", "multipart/form-data; boundary=b")
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413: %s", resp.StatusCode, data)
	}
	wantError(t, decodeJSON(t, resp, data), "too large")
}
