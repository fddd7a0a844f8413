package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serveOutput is a goroutine-safe writer for a running command's output.
type serveOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *serveOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *serveOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

var servedURL = regexp.MustCompile(`url=(http://[^ \n"]+)`)

// waitForURL polls the log for the serving line and returns its URL.
func waitForURL(t testing.TB, out interface{ String() string }, exited <-chan int) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if m := servedURL.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-exited:
			t.Fatalf("serve exited with %d before serving:\n%s", code, out.String())
		case <-deadline:
			t.Fatalf("serve did not log its URL:\n%s", out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// runShoot runs `shoot args…` in-process with env and returns the exit code
// and outputs.
func runShoot(ctx context.Context, env map[string]string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, testGetenv(env), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestServeEndToEnd starts `shoot serve` through run() on a free loopback
// port, checks health, uploads a picture, lists and fetches it, then stops
// the server with its context as SIGINT would.
func TestServeEndToEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &serveOutput{}
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir},
			func(string) string { return "" }, io.Discard, stderr)
	}()
	base := waitForURL(t, stderr, exited)

	health := getJSONMap(t, base+"/api/health", http.StatusOK)
	if health["status"] != "ok" || health["version"] == "" {
		t.Errorf("health = %v", health)
	}
	up := uploadPNG(t, base)
	files := up["files"].([]any)
	if up["success"] != true || len(files) != 1 {
		t.Fatalf("upload = %v", up)
	}
	url := files[0].(map[string]any)["url"].(string)
	resp, err := http.Get(base + url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if list := getJSONMap(t, base+"/api/sessions", http.StatusOK); list["success"] != true {
		t.Errorf("sessions = %v", list)
	}
	for _, p := range []string{"shoot.db", filepath.Join("blobs", strings.TrimPrefix(url, "/"))} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s not in the data dir: %v", p, err)
		}
	}
	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("serve exited with %d:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context was cancelled")
	}
}

func getJSONMap(t *testing.T, url string, want int) map[string]any {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != want {
		t.Fatalf("GET %s: %d, %v", url, resp.StatusCode, err)
	}
	return m
}

func uploadPNG(t *testing.T, base string) map[string]any {
	t.Helper()
	var img bytes.Buffer
	png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 8, 8)))
	return postImage(t, base, "ref.png", img.Bytes())
}

func TestServeHelp(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runShoot(context.Background(), nil, "serve", "--help")
	if code != 0 {
		t.Errorf("serve --help exited %d", code)
	}
	for _, flag := range []string{"-addr", "-data-dir", "-database-url", "-blob-url", "-workers", "-insecure-no-auth"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("serve --help does not mention %s:\n%s", flag, stdout)
		}
	}
	// --help works even with a broken environment.
	if code, _, _ := runShoot(context.Background(), map[string]string{"SHOOT_DIRECTOR": "nobody"}, "serve", "--help"); code != 0 {
		t.Errorf("serve --help with a bad environment exited %d", code)
	}
}

func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"SHOOT_IMAGE_PROVIDER": "dalle"}, nil, "SHOOT_IMAGE_PROVIDER"},
		{map[string]string{"SHOOT_CLIP_CONCURRENCY": "lots"}, nil, "SHOOT_CLIP_CONCURRENCY"},
		{map[string]string{"SHOOT_DATABASE_URL": "mysql://db"}, nil, "SHOOT_DATABASE_URL"},
		{map[string]string{"FAL_KEY_FILE": "/nonexistent/fal"}, nil, "FAL_KEY_FILE"},
		{nil, []string{"--addr", "nowhere"}, "--addr"},
		{nil, []string{"--workers", "-2"}, "--workers"},
		{nil, []string{"--workers", "two"}, "workers"},
		{nil, []string{"--no-such-flag"}, "no-such-flag"},
		{nil, []string{"extra-arg"}, "extra-arg"},
	}
	for _, tc := range cases {
		args := append([]string{"serve", "--data-dir", t.TempDir()}, tc.args...)
		code, _, stderr := runShoot(context.Background(), tc.env, args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 2 {
			t.Errorf("%v %v: exit %d, want 2 (%s)", tc.env, tc.args, code, stderr)
		}
		last := lines[len(lines)-1]
		if !strings.HasPrefix(last, "shoot serve: ") || !strings.Contains(last, tc.want) {
			t.Errorf("%v %v: last line %q should name %s", tc.env, tc.args, last, tc.want)
		}
		// Every error is one line, flag errors too (no usage dump).
		if len(lines) != 1 {
			t.Errorf("%v: %d lines of error, want one:\n%s", tc.env, len(lines), stderr)
		}
	}
}

func TestServeCannotListen(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, _, stderr := runShoot(context.Background(), nil, "serve", "--addr", ln.Addr().String(), "--data-dir", t.TempDir())
	if code != 1 || !strings.Contains(stderr, "cannot listen on "+ln.Addr().String()) {
		t.Errorf("busy port: exit %d, %s", code, stderr)
	}
}

func TestListenURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080", "[::]:9000": "http://localhost:9000",
		"0.0.0.0:80": "http://localhost:80", "[::1]:8080": "http://[::1]:8080",
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := listenURL(tcp); got != want {
			t.Errorf("listenURL(%s) = %s, want %s", addr, got, want)
		}
	}
}

// BenchmarkServeColdStart measures a real `shoot serve` process from exec to
// its first 200 on /api/health, on a fresh data dir (so it includes creating
// and migrating the database), and reports the idle RSS after that answer.
//
//	go test ./cmd/shoot -run '^$' -bench ServeColdStart -benchtime 20x -cpu 1
func BenchmarkServeColdStart(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "shoot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	var rssTotal int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rssTotal += coldStartOnce(b, bin)
	}
	b.ReportMetric(float64(rssTotal)/float64(b.N), "idle-RSS-KiB")
}

// coldStartOnce starts bin, waits for the first healthy answer (timed), then
// stops the timer, lets the process settle and returns its VmRSS in KiB.
func coldStartOnce(b *testing.B, bin string) int64 {
	b.StartTimer()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", b.TempDir())
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	url := scanURL(b, stderr)
	for {
		resp, err := http.Get(url + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	go io.Copy(io.Discard, stderr)
	time.Sleep(500 * time.Millisecond)
	return vmRSS(b, cmd.Process.Pid)
}

func scanURL(b *testing.B, r io.Reader) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if m := servedURL.FindStringSubmatch(sc.Text()); m != nil {
			return m[1]
		}
	}
	b.Fatal("serve exited without logging its URL")
	return ""
}

func vmRSS(b *testing.B, pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	b.Fatal("no VmRSS in /proc status")
	return 0
}
