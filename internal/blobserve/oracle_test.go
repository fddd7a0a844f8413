package blobserve

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestOracleServeContent compares ServeKey with http.ServeContent on the same
// object over thousands of generated requests (Range lists, conditionals,
// GET and HEAD). Status, Content-Range, Content-Length, Accept-Ranges, ETag,
// Last-Modified and the body must agree, except where we deliberately differ:
//
//   - a malformed Range header (including a reversed spec such as "9-3"):
//     ServeContent answers 416, or drops the spec as unsatisfiable when its
//     first position is past the end; RFC 9110 §14.2 lets a server ignore an
//     invalid Range, so we send 200 whole;
//   - several satisfiable ranges: ServeContent sends multipart/byteranges; we
//     send 200 whole.
//
// The generator stays inside the grammar both accept the same way: lowercase
// "bytes", digits without sign or inner spaces, values below 2^63, no "-0"
// suffix and no empty object; TestParseRange covers those corners.
func TestOracleServeContent(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2, 17, 1000, 65_536} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			t.Parallel()
			o := newOracle(t, size)
			rng := rand.New(rand.NewPCG(uint64(size), 42))
			seen := map[int]int{}
			for i := 0; i < 1500; i++ {
				seen[o.compare(t, o.randomRequest(rng))]++
			}
			t.Logf("statuses: %v", seen)
			// The generator must reach every branch, or agreement means little.
			for _, code := range []int{200, 206, 304, 412, 416} {
				if seen[code] == 0 {
					t.Errorf("no request produced %d", code)
				}
			}
		})
	}
}

type oracle struct {
	s       *Server
	key     string
	data    []byte
	modTime time.Time
	etag    string
	ctype   string
}

func newOracle(t *testing.T, size int) *oracle {
	b := openMemBucket(t)
	o := &oracle{key: clipKey, data: randomBytes(size, uint64(size))}
	put(t, b, o.key, o.data, "video/mp4")
	attrs, err := b.Attributes(context.Background(), o.key)
	if err != nil {
		t.Fatal(err)
	}
	o.s = &Server{Bucket: b}
	o.modTime = attrs.ModTime
	o.etag = etagFor(o.key, attrs)
	o.ctype = contentTypeFor(o.key, attrs.ContentType)
	return o
}

// compare runs req through both handlers, checks the results agree and
// returns the status.
func (o *oracle) compare(t *testing.T, req *http.Request) int {
	t.Helper()
	ours := httptest.NewRecorder()
	if err := o.s.ServeKey(ours, req, o.key); err != nil {
		t.Fatalf("ServeKey: %v", err)
	}
	ref := httptest.NewRecorder()
	ref.Header().Set("ETag", o.etag)
	ref.Header().Set("Content-Type", o.ctype)
	http.ServeContent(ref, req, o.key, o.modTime, bytes.NewReader(o.data))

	want := o.expected(req, ref)
	desc := fmt.Sprintf("%s Range=%q If-Range=%q If-None-Match=%q If-Modified-Since=%q If-Match=%q",
		req.Method, req.Header.Get("Range"), req.Header.Get("If-Range"), req.Header.Get("If-None-Match"),
		req.Header.Get("If-Modified-Since"), req.Header.Get("If-Match"))
	if ours.Code != want.Code {
		t.Fatalf("%s: status %d, oracle %d", desc, ours.Code, want.Code)
	}
	headers := []string{"Content-Range"}
	if want.Code < 400 {
		headers = append(headers, "Content-Length", "Accept-Ranges", "ETag", "Last-Modified")
	}
	for _, h := range headers {
		if got, w := ours.Header().Get(h), want.Header().Get(h); got != w {
			t.Errorf("%s: %s %q, oracle %q", desc, h, got, w)
		}
	}
	if want.Code < 400 && !bytes.Equal(ours.Body.Bytes(), want.Body.Bytes()) {
		t.Errorf("%s: body %d bytes, oracle %d", desc, ours.Body.Len(), want.Body.Len())
	}
	return ours.Code
}

// expected returns ServeContent's answer, replaced by a whole-object 200 in
// the documented cases where we differ. Whether a header is well formed is
// decided by the reference model, not by ServeContent, which skips checking
// the rest of a spec once its first position is past the end ("9-3",
// "5-x" on a small object) and calls it unsatisfiable.
func (o *oracle) expected(req *http.Request, ref *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	if ref.Code == http.StatusNotModified || ref.Code == http.StatusPreconditionFailed {
		return ref
	}
	rh := req.Header.Get("Range")
	malformed := rh != "" && !modelParse(rh, int64(len(o.data))).syntaxOK
	multipart := strings.HasPrefix(ref.Header().Get("Content-Type"), "multipart/byteranges")
	if !malformed && !multipart {
		return ref
	}
	full := httptest.NewRecorder()
	full.Header().Set("ETag", o.etag)
	full.Header().Set("Content-Type", o.ctype)
	plain := req.Clone(req.Context())
	plain.Header.Del("Range")
	http.ServeContent(full, plain, o.key, o.modTime, bytes.NewReader(o.data))
	return full
}

// randomRequest builds a GET or HEAD with a random Range header and, now and
// then, conditional headers.
func (o *oracle) randomRequest(rng *rand.Rand) *http.Request {
	method := "GET"
	if rng.IntN(5) == 0 {
		method = "HEAD"
	}
	req := httptest.NewRequest(method, "/api/media/"+o.key, nil)
	if rh := randomRangeHeader(rng, int64(len(o.data))); rh != "" {
		req.Header.Set("Range", rh)
	}
	o.addConditionals(rng, req.Header)
	return req
}

func (o *oracle) addConditionals(rng *rand.Rand, h http.Header) {
	lastMod := o.modTime.UTC().Format(http.TimeFormat)
	older := o.modTime.Add(-time.Hour).UTC().Format(http.TimeFormat)
	pick := func(options ...string) string { return options[rng.IntN(len(options))] }
	if rng.IntN(6) == 0 {
		h.Set("If-Range", pick(o.etag, `"stale"`, "W/"+o.etag, lastMod, older, "garbage"))
	}
	if rng.IntN(8) == 0 {
		h.Set("If-None-Match", pick(o.etag, "W/"+o.etag, `"a", `+o.etag, "*", `"stale"`, `bad, `+o.etag))
	}
	if rng.IntN(8) == 0 {
		h.Set("If-Modified-Since", pick(lastMod, older, "nonsense"))
	}
	if rng.IntN(12) == 0 {
		h.Set("If-Match", pick(o.etag, "*", `"stale"`, "W/"+o.etag))
	}
	if rng.IntN(12) == 0 {
		h.Set("If-Unmodified-Since", pick(lastMod, older))
	}
}

// randomRangeHeader returns a Range value: mostly well-formed byte ranges
// around the object's edges, sometimes lists, sometimes broken.
func randomRangeHeader(rng *rand.Rand, size int64) string {
	switch rng.IntN(20) {
	case 0:
		return ""
	case 1:
		return "items=0-1"
	case 2:
		return "bytes"
	}
	n := 1 + rng.IntN(3)
	if rng.IntN(3) > 0 {
		n = 1
	}
	specs := make([]string, n)
	for i := range specs {
		specs[i] = ows(rng) + randomSpec(rng, size) + ows(rng)
	}
	return "bytes=" + strings.Join(specs, ",")
}

func randomSpec(rng *rand.Rand, size int64) string {
	pos := func() int64 {
		switch rng.IntN(4) {
		case 0:
			return size - 1 + rng.Int64N(3) // around the last byte and past it
		case 1:
			return rng.Int64N(3) // around the first byte
		default:
			return rng.Int64N(3*size + 1)
		}
	}
	switch rng.IntN(12) {
	case 0:
		return "" // an empty list element
	case 1:
		return pick(rng, "x", "5", "1-2-3", "a-b", "--1", "-", "0x1-2")
	case 2:
		return "-" + strconv.FormatInt(1+rng.Int64N(2*size), 10)
	case 3:
		return strconv.FormatInt(pos(), 10) + "-"
	case 4:
		a, b := pos(), pos()
		return strconv.FormatInt(max(a, b)+1, 10) + "-" + strconv.FormatInt(min(a, b), 10) // reversed
	default:
		a, b := pos(), pos()
		return strconv.FormatInt(min(a, b), 10) + "-" + strconv.FormatInt(max(a, b), 10)
	}
}

func ows(rng *rand.Rand) string {
	return pick(rng, "", "", "", " ", "\t", "  ")
}

func pick(rng *rand.Rand, options ...string) string {
	return options[rng.IntN(len(options))]
}
