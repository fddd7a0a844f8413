package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testClipSize is the long side, in pixels, of the offline studio's clips
// in this package's shoots (SHOOT_STUDIO_CLIP_SIZE). These tests check what
// a shoot does, not how its pictures look at full size, and a 240-pixel clip
// costs about a ninth of the rendering, cutting and joining of a 720-pixel
// one; clip length and frame rate are the same. A test that sets the
// variable itself ("" for the studio's default) keeps its own value; the
// benchmarks run at the default, as users do.
const testClipSize = "240"

// clipSizeVar is the variable testClipSize sets.
const clipSizeVar = "SHOOT_STUDIO_CLIP_SIZE"

// testGetenv reads vars, with SHOOT_STUDIO_CLIP_SIZE at testClipSize unless
// vars has it.
func testGetenv(vars map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := vars[k]; ok || k != clipSizeVar {
			return v
		}
		return testClipSize
	}
}

// withTestClipSize adds SHOOT_STUDIO_CLIP_SIZE=testClipSize to a child's
// environment unless it sets the variable.
func withTestClipSize(env []string) []string {
	for _, kv := range env {
		if strings.HasPrefix(kv, clipSizeVar+"=") {
			return env
		}
	}
	return append(env, clipSizeVar+"="+testClipSize)
}

// liveStudio is a `shoot serve` started through run() for an end-to-end test.
type liveStudio struct {
	t      *testing.T
	Base   string
	Dir    string
	stop   context.CancelFunc
	exited chan int
	Log    *serveOutput
}

// startStudio runs `shoot serve` on a free loopback port with env (plus
// extra args) and stops it when the test ends.
func startStudio(t *testing.T, env map[string]string, args ...string) *liveStudio {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	s := &liveStudio{t: t, Dir: dir, stop: cancel, exited: make(chan int, 1), Log: &serveOutput{}}
	argv := append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir}, args...)
	go func() { s.exited <- run(ctx, argv, testGetenv(env), io.Discard, s.Log) }()
	s.Base = waitForURL(t, s.Log, s.exited)
	t.Cleanup(s.Stop)
	return s
}

// Stop shuts the studio down as SIGINT would and waits for it.
func (s *liveStudio) Stop() {
	s.stop()
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.t.Error("serve did not stop within 30 s")
	}
}

// sseEvent is one parsed server-sent event.
type sseEvent struct {
	ID   int64
	Data map[string]any
}

// Type is the event's "type" field.
func (e sseEvent) Type() string { s, _ := e.Data["type"].(string); return s }

// readSSE parses a stream until it ends or fn returns false.
func readSSE(r io.Reader, fn func(sseEvent) bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cur sseEvent
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if data.Len() > 0 {
				cur.Data = map[string]any{}
				if err := json.Unmarshal([]byte(data.String()), &cur.Data); err != nil {
					return fmt.Errorf("bad event data %q: %w", data.String(), err)
				}
				if !fn(cur) {
					return nil
				}
			}
			cur, data = sseEvent{}, strings.Builder{}
		case strings.HasPrefix(line, "id: "):
			cur.ID, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
		case strings.HasPrefix(line, "data: "):
			data.WriteString(strings.TrimPrefix(line, "data: "))
		}
	}
	return sc.Err()
}

// postStream POSTs JSON to an SSE route and returns the exchange's events
// (the stream ends after complete or error).
func (s *liveStudio) postStream(path string, body any) []sseEvent {
	s.t.Helper()
	raw, _ := json.Marshal(body)
	ctx, cancel := context.WithTimeout(s.t.Context(), 3*time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.Base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		s.t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
	}
	var evs []sseEvent
	if err := readSSE(resp.Body, func(e sseEvent) bool { evs = append(evs, e); return true }); err != nil {
		s.t.Fatalf("POST %s stream: %v", path, err)
	}
	return evs
}

// lastOf returns the last event of a stream, failing on an empty one.
func lastOf(t *testing.T, evs []sseEvent) sseEvent {
	t.Helper()
	if len(evs) == 0 {
		t.Fatal("the stream had no events")
	}
	return evs[len(evs)-1]
}

// upload posts reference images and returns their upload urls.
func (s *liveStudio) upload(files ...[]byte) []string {
	s.t.Helper()
	var refs []string
	for i, f := range files {
		up := uploadBytes(s.t, s.Base, fmt.Sprintf("ref-%d.png", i), f)
		for _, item := range up["files"].([]any) {
			refs = append(refs, item.(map[string]any)["url"].(string))
		}
	}
	return refs
}

// uploadBytes posts one file as the multipart field "images" and fails
// unless the studio took it.
func uploadBytes(t *testing.T, base, name string, data []byte) map[string]any {
	t.Helper()
	m := postImage(t, base, name, data)
	if m["success"] != true {
		t.Fatalf("upload %s: %v", name, m)
	}
	return m
}

// postImage posts one file as the multipart field "images" and returns the
// decoded answer, whatever it says.
func postImage(t *testing.T, base, name string, data []byte) map[string]any {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("images", name)
	fw.Write(data)
	mw.Close()
	resp, err := http.Post(base+"/api/upload", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// refPNG is a small patterned reference picture, different per seed.
func refPNG(seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 200, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 200; x++ {
			img.Set(x, y, color.RGBA{uint8(x * seed), uint8(y), uint8(x + y*seed), 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
