package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestListenLoopbackRefusesOtherAddresses(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:80", "nonsense"} {
		if ln, err := listenLoopback(addr); err == nil {
			ln.Close()
			t.Errorf("listenLoopback(%q) succeeded, want an error", addr)
		}
	}
}

func TestRunServesBothRoutes(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-size", "200000"}, pw); pw.Close() }()

	lines := bufio.NewScanner(pr)
	info := map[string]string{}
	for len(info) < 4 && lines.Scan() {
		k, v, _ := strings.Cut(lines.Text(), " ")
		info[k] = strings.TrimPrefix(v, "on ")
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if info["size"] != "200000" {
		t.Fatalf("startup lines: %v", info)
	}
	var bodies []string
	for _, route := range []string{info["media"], info["content"]} {
		req, _ := http.NewRequest("GET", info["listening"]+route, nil)
		req.Header.Set("Range", "bytes=65536-131071")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 206 || len(body) != 65536 {
			t.Errorf("%s: status %d, %d bytes; want 206 and 65536", route, resp.StatusCode, len(body))
		}
		bodies = append(bodies, string(body))
	}
	if len(bodies) == 2 && bodies[0] != bodies[1] {
		t.Error("the two routes served different bytes")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}
