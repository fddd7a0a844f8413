package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// badCase is one hostile request of the corpus.
type badCase struct {
	name    string
	as      string // "alice", "bob" or "" (no credentials)
	method  string
	target  string // sent as is: no cleaning, no escaping
	headers []string
	body    []byte
	status  int
}

// TestBadInputCorpus sends a corpus of malformed and hostile requests to a
// running studio with access control on: broken multipart bodies, polyglot,
// truncated and oversized images, SVG, huge and mistyped JSON, invalid and
// other users' session ids, ".." in every path parameter, garbage Range and
// Last-Event-ID headers, over-long prompts. Every answer must be the
// expected JSON 4xx; the studio must keep running; and nothing stored may
// change: every row of the studio's tables and every blob are the same
// before and after.
func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	s := startStudio(t, map[string]string{"SHOOT_AUTH": "token"})
	tokens := map[string]string{"alice": accToken(t, s.Dir, "alice", false), "bob": accToken(t, s.Dir, "bob", false)}
	alice := accClient{t: t, base: s.Base, token: tokens["alice"]}
	_, up := alice.uploadRef(refPNG(4))
	ref := up["files"].([]any)[0].(map[string]any)["url"].(string)
	sid := alice.hero(ref)
	hero := alice.heroURL(sid)
	db := accOpenDB(t, s.Dir)

	before := badSettle(t, func() string { return badSnapshot(t, db.DB(), s.Dir) })
	for _, want := range []string{"sessions [", "uploads [", "events [", "tokens [", "blob uploads", "blob outputs"} {
		if !strings.Contains(before, want) {
			t.Fatalf("the snapshot misses %q; it would not see changes there", want)
		}
	}
	cases := badCorpus(t, sid, hero, ref)
	t.Logf("%d cases", len(cases))
	if len(cases) < 40 {
		t.Fatalf("the corpus has %d cases; it must have at least 40", len(cases))
	}
	host := strings.TrimPrefix(s.Base, "http://")
	for _, c := range cases {
		status, ctype, body := badSend(t, host, c, tokens[c.as])
		if status != c.status {
			t.Errorf("%s: %s %.80s: status %d, want %d; body %.200s", c.name, c.method, c.target, status, c.status, body)
		}
		var m map[string]any
		if !strings.HasPrefix(ctype, "application/json") || json.Unmarshal(body, &m) != nil || m["success"] != false {
			t.Errorf("%s: not a JSON error: %q %.200s", c.name, ctype, body)
		}
	}
	after := badSnapshot(t, db.DB(), s.Dir)
	if after != before {
		t.Errorf("stored state changed:\n%s", badDiff(before, after))
	}
	if code, _ := alice.json("GET", "/api/health", ""); code != 200 {
		t.Fatalf("the studio is unwell after the corpus: %d", code)
	}
	// The snapshot does see a change made by a good request.
	if code, _ := alice.uploadRef(refPNG(6)); code != 200 || badSnapshot(t, db.DB(), s.Dir) == after {
		t.Fatal("a good upload did not show in the snapshot")
	}
	select {
	case code := <-s.exited:
		t.Fatalf("serve exited with %d during the corpus", code)
	default:
	}
}

// badCorpus builds the cases against alice's session sid, its hero media
// url and her upload ref.
func badCorpus(t *testing.T, sid, hero, ref string) []badCase {
	upload := func(name string, parts ...[2]string) badCase { // [2]string{filename, content}
		body, ct := badMultipart(t, parts...)
		return badCase{name: name, as: "alice", method: "POST", target: "/api/upload",
			headers: []string{"Content-Type", ct}, body: body, status: 400}
	}
	jsonPost := func(name, target, body string, status int) badCase {
		return badCase{name: name, as: "alice", method: "POST", target: target,
			headers: []string{"Content-Type", "application/json"}, body: []byte(body), status: status}
	}
	get := func(name, as, target string, status int, headers ...string) badCase {
		return badCase{name: name, as: as, method: "GET", target: target, headers: headers, status: status}
	}
	pngBytes := refPNG(9)
	jpg := badJPEG(t)
	long := strings.Repeat("a", 4001)
	file := strings.TrimPrefix(ref, "/uploads/")
	cases := []badCase{
		// Multipart.
		{name: "multipart without boundary", as: "alice", method: "POST", target: "/api/upload",
			headers: []string{"Content-Type", "multipart/form-data"}, body: []byte("--x\r\n"), status: 400},
		{name: "multipart cut short", as: "alice", method: "POST", target: "/api/upload",
			headers: []string{"Content-Type", "multipart/form-data; boundary=XYZ"},
			body:    []byte("--XYZ\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.png\"\r\n\r\n" + string(pngBytes[:100])), status: 400},
		{name: "multipart garbage", as: "alice", method: "POST", target: "/api/upload",
			headers: []string{"Content-Type", "multipart/form-data; boundary=XYZ"}, body: []byte("\x00\x01garbage--XY"), status: 400},
		{name: "upload as JSON", as: "alice", method: "POST", target: "/api/upload",
			headers: []string{"Content-Type", "application/json"}, body: []byte(`{"images":[]}`), status: 400},
		badMultipartWrongField(t),
		upload("empty file", [2]string{"a.png", ""}),
		upload("eleven files", badMany(11, string(pngBytes))...),
		// Images that are not what they claim.
		upload("polyglot GIF header with script", [2]string{"a.gif", "GIF89a/*<script>alert(1)</script>*/=1;"}),
		upload("polyglot PNG signature with HTML", [2]string{"a.png", "\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"}),
		upload("polyglot JPEG marker with HTML", [2]string{"a.jpg", "\xff\xd8\xff\xe0<html><body onload=alert(1)>"}),
		upload("truncated PNG", [2]string{"a.png", string(pngBytes[:len(pngBytes)/2])}),
		upload("truncated JPEG", [2]string{"a.jpg", string(jpg[:len(jpg)/2])}),
		upload("PNG claiming 60000x60000", [2]string{"huge.png", string(badHugePNG())}),
		upload("SVG with script", [2]string{"a.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`}),
		upload("HTML named png", [2]string{"a.png", "<!doctype html><script>fetch('/api/sessions')</script>"}),
		upload("zip archive", [2]string{"a.zip", "PK\x03\x04\x14\x00\x00\x00\x08\x00"}),
		upload("PDF", [2]string{"a.pdf", "%PDF-1.7\n1 0 obj<<>>endobj"}),
		upload("WebP header with garbage", [2]string{"a.webp", "RIFF\x20\x00\x00\x00WEBPVP8 \x14\x00\x00\x00garbagegarbage"}),
		upload("file over 10 MB", [2]string{"big.png", string(pngBytes[:16]) + strings.Repeat("\x00", 10<<20+1)}),
		// JSON bodies.
		jsonPost("huge JSON", "/api/generate-stream", `{"prompt":"`+strings.Repeat("x", 1<<20)+`"}`, 413),
		jsonPost("deeply nested JSON", "/api/generate-stream", strings.Repeat("[", 30000)+strings.Repeat("]", 30000), 400),
		jsonPost("prompt is a number", "/api/generate-stream", `{"prompt":42}`, 400),
		jsonPost("options is a string", "/api/generate-stream", `{"prompt":"x","options":"fast"}`, 400),
		jsonPost("inputImages is an object", "/api/generate-stream", `{"prompt":"x","inputImages":{"a":1}}`, 400),
		jsonPost("resolution is a bool", "/api/generate", `{"prompt":"x","options":{"resolution":true}}`, 400),
		jsonPost("unknown field", "/api/generate-stream", `{"prompt":"x","admin":true}`, 400),
		jsonPost("two JSON values", "/api/generate-stream", `{"prompt":"x"}{"prompt":"y"}`, 400),
		jsonPost("not JSON", "/api/generate-stream", `prompt=hello`, 400),
		jsonPost("empty body", "/api/generate-stream", ``, 400),
		jsonPost("null body", "/api/generate-stream", `null`, 400),
		jsonPost("over-long prompt", "/api/generate-stream", `{"prompt":"`+long+`"}`, 400),
		jsonPost("over-long reply", "/api/sessions/"+sid+"/continue-stream", `{"prompt":"`+long+`"}`, 400),
		jsonPost("reply of the wrong type", "/api/sessions/"+sid+"/continue-stream", `{"prompt":["continue"]}`, 400),
		jsonPost("blank prompt", "/api/generate-stream", `{"prompt":"   "}`, 400),
		jsonPost("input path traversal", "/api/generate-stream", `{"prompt":"x","inputImages":["../../shoot.db"]}`, 400),
		jsonPost("input URL", "/api/generate-stream", `{"prompt":"x","inputImages":["http://169.254.169.254/latest"]}`, 400),
		jsonPost("unknown upload", "/api/generate-stream", `{"prompt":"x","inputImages":["/uploads/1700000000000-zzzzzz.png"]}`, 400),
		jsonPost("eleven inputs", "/api/generate-stream", `{"prompt":"x","inputImages":["`+strings.Repeat(ref+`","`, 10)+ref+`"]}`, 400),
		{name: "text/plain body", as: "alice", method: "POST", target: "/api/generate-stream",
			headers: []string{"Content-Type", "text/plain"}, body: []byte(`{"prompt":"x"}`), status: 400},
		jsonPost("login with a number", "/api/auth/login", `{"token":5}`, 400),
		// Session ids: invalid, too long, another user's.
		get("session id with spaces", "alice", "/api/sessions/a%20b", 400),
		get("session id of 200 characters", "alice", "/api/sessions/"+strings.Repeat("s", 200), 400),
		get("session id with a quote", "alice", "/api/sessions/x'%22;--", 400),
		jsonPost("generate with a bad sessionId", "/api/generate-stream", `{"prompt":"x","sessionId":"../x"}`, 400),
		get("foreign session", "bob", "/api/sessions/"+sid, 404),
		get("foreign assets", "bob", "/api/sessions/"+sid+"/assets", 404),
		get("foreign events", "bob", "/api/sessions/"+sid+"/events", 404),
		get("foreign export", "bob", "/api/sessions/"+sid+"/export.zip", 404),
		{name: "foreign delete", as: "bob", method: "DELETE", target: "/api/sessions/" + sid, status: 404},
		{name: "foreign cancel", as: "bob", method: "POST", target: "/api/sessions/" + sid + "/cancel", status: 404},
		{name: "foreign continue", as: "bob", method: "POST", target: "/api/sessions/" + sid + "/continue-stream",
			headers: []string{"Content-Type", "application/json"}, body: []byte(`{"prompt":"continue"}`), status: 404},
		{name: "foreign generate", as: "bob", method: "POST", target: "/api/generate-stream",
			headers: []string{"Content-Type", "application/json"}, body: []byte(`{"prompt":"continue","sessionId":"` + sid + `"}`), status: 404},
		{name: "foreign upload as input", as: "bob", method: "POST", target: "/api/generate-stream",
			headers: []string{"Content-Type", "application/json"}, body: []byte(`{"prompt":"x","inputImages":["` + ref + `"]}`), status: 400},
		get("foreign media", "bob", hero, 404),
		get("foreign media by key", "bob", "/api/media"+hero, 404),
		get("foreign upload", "bob", ref, 404),
		// ".." in every path parameter.
		get("dotdot session id", "alice", "/api/sessions/../sessions", 400),
		get("encoded dotdot session id", "alice", "/api/sessions/%2e%2e/assets", 400),
		get("dotdot in pipeline", "alice", "/api/sessions/"+sid+"/../../health", 400),
		get("dotdot events", "alice", "/api/sessions/..%2f..%2fx/events", 400),
		{name: "dotdot delete", as: "alice", method: "DELETE", target: "/api/sessions/" + sid + "/..", status: 400},
		{name: "dotdot cancel", as: "alice", method: "POST", target: "/api/sessions/%2E%2E/cancel", status: 400},
		get("dotdot outputs session", "alice", "/outputs/../uploads/"+file, 400),
		get("dotdot outputs path", "alice", "/outputs/"+sid+"/../../shoot.db", 400),
		get("encoded dotdot outputs", "alice", "/outputs/"+sid+"/%2e%2e/%2e%2e/shoot.db", 400),
		get("dotdot upload name", "alice", "/uploads/..%2fshoot.db", 400),
		get("dotdot media key", "alice", "/api/media/uploads/../../shoot.db", 400),
		get("double-encoded media key", "alice", "/api/media/outputs/"+sid+"/%252e%252e/x", 400),
		get("backslash media key", "alice", "/outputs/"+sid+"/..%5c..%5cshoot.db", 400),
		// Garbage Range and Last-Event-ID headers.
		get("range past the end", "alice", hero, 416, "Range", "bytes=999999999-"),
		get("garbage range on foreign media", "bob", hero, 404, "Range", "bytes=--1,zz"),
		get("garbage range on missing media", "alice", "/outputs/"+sid+"/nope.png", 404, "Range", "bytes=0-1,2-1,x"),
		get("Last-Event-ID letters", "alice", "/api/sessions/"+sid+"/events", 400, "Last-Event-ID", "abc"),
		get("Last-Event-ID negative", "alice", "/api/sessions/"+sid+"/events", 400, "Last-Event-ID", "-5"),
		get("Last-Event-ID overflow", "alice", "/api/sessions/"+sid+"/events", 400, "Last-Event-ID", "99999999999999999999999"),
		get("Last-Event-ID unicode digits", "alice", "/api/sessions/"+sid+"/events", 400, "Last-Event-ID", "\u0661\u0662"),
		get("lastEventId query float", "alice", "/api/sessions/"+sid+"/events?lastEventId=1e5", 400),
		// Credentials and query parameters.
		get("garbage bearer", "", "/api/sessions", 401, "Authorization", "Bearer "+strings.Repeat("\u00e9", 3000)),
		get("garbage cookie", "", "/api/sessions", 401, "Cookie", "shoot_session="+strings.Repeat("A", 5000)),
		get("bad limit", "alice", "/api/sessions?limit=-1", 400),
		get("bad estimate", "alice", "/api/estimate?videoSeconds=ten", 400),
		get("audit for a non-admin", "alice", "/api/audit", 404),
	}
	return cases
}

// badSend writes one request on a fresh connection exactly as given and
// reads the answer.
func badSend(t *testing.T, host string, c badCase, token string) (int, string, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", c.method, c.target, host)
	if token != "" {
		fmt.Fprintf(&req, "Authorization: Bearer %s\r\n", token)
	}
	for i := 0; i+1 < len(c.headers); i += 2 {
		fmt.Fprintf(&req, "%s: %s\r\n", c.headers[i], c.headers[i+1])
	}
	fmt.Fprintf(&req, "Content-Length: %d\r\n\r\n", len(c.body))
	req.Write(c.body)
	go conn.Write(req.Bytes()) // the server may answer before reading a huge body
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: no answer: %v", c.name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

// badMultipart encodes files in the field "images".
func badMultipart(t *testing.T, parts ...[2]string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		w, err := mw.CreateFormFile("images", p[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p[1]))
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

func badMultipartWrongField(t *testing.T) badCase {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("photos", "a.png")
	w.Write(refPNG(1))
	mw.WriteField("images", "not a file")
	mw.Close()
	return badCase{name: "files in the wrong field", as: "alice", method: "POST", target: "/api/upload",
		headers: []string{"Content-Type", mw.FormDataContentType()}, body: b.Bytes(), status: 400}
}

func badMany(n int, content string) [][2]string {
	var out [][2]string
	for i := range n {
		out = append(out, [2]string{fmt.Sprintf("r%d.png", i), content})
	}
	return out
}

// badHugePNG is a PNG whose header claims 60000×60000 pixels (a
// decompression bomb's first step) with a valid CRC and a tiny IDAT.
func badHugePNG() []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 60000)
	binary.BigEndian.PutUint32(ihdr[4:], 60000)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// badJPEG is a small real JPEG.
func badJPEG(t *testing.T) []byte {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(refPNG(5)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// badSettle returns snap() once two snapshots a moment apart agree, so
// writes that trail the hero checkpoint are not mistaken for the corpus's.
func badSettle(t *testing.T, snap func() string) string {
	t.Helper()
	prev := snap()
	for range 100 {
		time.Sleep(200 * time.Millisecond)
		cur := snap()
		if cur == prev {
			return cur
		}
		prev = cur
	}
	t.Fatal("the studio's state never settled")
	return ""
}

// badTables are the studio's own tables and the columns compared. A token's
// last-use time is left out: it is bookkeeping of valid requests, not stored
// input. River's tables are the queue's and change on their own.
var badTables = map[string]string{
	"sessions": "*", "session_assets": "*", "checkpoints": "*", "uploads": "*", "events": "*",
	"messages": "*", "provider_tasks": "*", "costs": "*", "web_sessions": "*", "audit_log": "*",
	"usage_counters": "*", "tokens": "id, name, hash, admin, created_at, revoked_at",
}

// badSnapshot renders every row of the studio's tables and every blob (name,
// size, hash) as sorted lines of text.
func badSnapshot(t *testing.T, db *sql.DB, dir string) string {
	t.Helper()
	var lines []string
	for table, cols := range badTables {
		rows, err := db.Query("SELECT " + cols + " FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(n))
			ptrs := make([]any, len(n))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%s %q", table, vals))
		}
		rows.Close()
	}
	root := filepath.Join(dir, "blobs")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		rel, _ := filepath.Rel(root, path)
		lines = append(lines, fmt.Sprintf("blob %s %d %s", rel, len(data), hex.EncodeToString(sum[:8])))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// badDiff lists the lines only one snapshot has.
func badDiff(before, after string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	b, a := in(before), in(after)
	var out []string
	for l := range b {
		if !a[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range a {
		if !b[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
