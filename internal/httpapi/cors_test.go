package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestCORSOffByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	resp, _ := e.do(t, "GET", "/api/health", nil, "Origin", "https://evil.example")
	if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("CORS header %q with no origins configured", v)
	}
	resp, body := e.do(t, "OPTIONS", "/api/upload", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if resp.StatusCode != http.StatusNoContent || len(body) != 0 || resp.Header.Get("Access-Control-Allow-Origin") != "" ||
		resp.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("preflight with CORS off: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestCORSListedOrigins(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"SHOOT_CORS_ORIGINS": "https://studio.example, http://localhost:5173"})
	resp, _ := e.do(t, "GET", "/api/health", nil, "Origin", "http://localhost:5173")
	if resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" || !strings.Contains(resp.Header.Get("Vary"), "Origin") ||
		!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Content-Range") {
		t.Errorf("allowed origin: %v", resp.Header)
	}
	resp, _ = e.do(t, "GET", "/api/health", nil, "Origin", "https://other.example")
	if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("unlisted origin got %q", v)
	}
	resp, _ = e.do(t, "OPTIONS", "/api/sessions/abc/continue-stream", nil,
		"Origin", "https://studio.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
	h := resp.Header
	if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "https://studio.example" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "Content-Type") ||
		h.Get("Access-Control-Max-Age") == "" {
		t.Errorf("preflight: %d %v", resp.StatusCode, h)
	}
	// Errors carry the CORS headers too, so a browser can read them.
	resp, _ = e.do(t, "GET", "/api/nope", nil, "Origin", "https://studio.example")
	if resp.StatusCode != 404 || resp.Header.Get("Access-Control-Allow-Origin") != "https://studio.example" {
		t.Errorf("404 without CORS: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestCORSAnyOrigin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"SHOOT_CORS_ORIGINS": "*"})
	resp, _ := e.do(t, "GET", "/api/health", nil, "Origin", "https://anyone.example")
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("wildcard: %v", resp.Header)
	}
	resp, _ = e.do(t, "OPTIONS", "/api/upload", nil, "Origin", "https://anyone.example", "Access-Control-Request-Method", "POST")
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("wildcard preflight: %d %v", resp.StatusCode, resp.Header)
	}
}
