package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestErrorAnswersCarryCode checks the machine code of error answers made
// by the router and the gate as well as by handlers.
func TestErrorAnswersCarryCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/nothing-here", 404, "not_found"},
		{"PUT", "/api/sessions", 405, "method_not_allowed"},
		{"GET", "/api/sessions?limit=0", 400, "invalid"},
		{"GET", "/api/sessions/session_0_missing", 404, "not_found"},
		{"GET", "/api/media/outputs/x/%2e%2e/secret", 400, "invalid"},
	} {
		resp, body := e.do(t, tc.method, tc.path, nil)
		var got struct {
			Success *bool  `json:"success"`
			Error   string `json:"error"`
			Code    string `json:"code"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s %s: %v: %s", tc.method, tc.path, err, body)
		}
		if resp.StatusCode != tc.status || got.Code != tc.code || got.Success == nil || *got.Success || got.Error == "" {
			t.Errorf("%s %s: %d %s, want %d with code %q", tc.method, tc.path, resp.StatusCode, body, tc.status, tc.code)
		}
	}
	if resp, _ := e.do(t, http.MethodGet, "/api/openapi.json", nil); resp.StatusCode != http.StatusOK ||
		resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("GET /api/openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
