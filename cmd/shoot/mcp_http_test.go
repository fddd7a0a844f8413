package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// bearer adds a token to every request.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// TestMCPOverHTTPBehindTokens checks /mcp on `shoot serve` with access
// control: refused without a token like the API, and with one the SDK's
// client lists tools and calls them as that user; bad arguments of every
// kind are tool errors, and the server answers on afterwards.
func TestMCPOverHTTPBehindTokens(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := startStudio(t, map[string]string{"SHOOT_AUTH": "token"})
	resp, err := http.Post(s.Base+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"success":false`) {
		t.Fatalf("no token: %d %s", resp.StatusCode, body)
	}
	tok := accToken(t, s.Dir, "alice", false)
	c := mcp.NewClient(&mcp.Implementation{Name: "shoot-test", Version: "1"}, nil)
	cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: s.Base + "/mcp",
		HTTPClient: &http.Client{Transport: bearer{tok}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	var est struct {
		Images   int     `json:"images"`
		Clips    int     `json:"clips"`
		TotalUSD float64 `json:"totalUsd"`
	}
	mcpCall(t, ctx, cs, &mcp.CallToolParams{Name: "estimate", Arguments: map[string]any{"options": map[string]any{"resolution": "1K"}}}, &est)
	if est.Images == 0 || est.Clips == 0 {
		t.Fatalf("estimate %+v", est)
	}
	for _, tc := range []struct {
		name string
		tool string
		args map[string]any
		want string
	}{
		{"wrong type", "get_status", map[string]any{"sessionId": 5}, "sessionId"},
		{"missing field", "get_status", map[string]any{}, "sessionId"},
		{"malformed id", "get_assets", map[string]any{"sessionId": "../../etc"}, "malformed"},
		{"unknown session", "get_status", map[string]any{"sessionId": "nosuchsession"}, "not_found"},
		{"empty brief", "start_shoot", map[string]any{"brief": "  "}, "brief"},
		{"file path over HTTP", "start_shoot", map[string]any{"brief": "coat", "references": []string{"/etc/passwd"}}, "upload URL"},
		{"bad base64", "start_shoot", map[string]any{"brief": "coat", "references": []string{"data:image/png;base64,%%%"}}, "base64"},
		{"not a picture", "start_shoot", map[string]any{"brief": "coat", "references": []string{"data:image/png;base64,aGVsbG8="}}, "upload"},
		{"bad option", "estimate", map[string]any{"options": map[string]any{"resolution": "9K"}}, "resolution"},
		{"negative limit", "list_sessions", map[string]any{"limit": -1}, "limit"},
		{"unknown argument type", "answer_checkpoint", map[string]any{"sessionId": []int{1}}, "sessionId"},
	} {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tc.tool, Arguments: tc.args})
		if err != nil {
			t.Errorf("%s: a protocol error, not a tool error: %v", tc.name, err)
			continue
		}
		if !res.IsError || !strings.Contains(toolText(res), tc.want) {
			t.Errorf("%s: isError %v, %q does not mention %q", tc.name, res.IsError, toolText(res), tc.want)
		}
	}
	var list struct {
		Sessions []struct{ ID string } `json:"sessions"`
	}
	mcpCall(t, ctx, cs, &mcp.CallToolParams{Name: "list_sessions", Arguments: map[string]any{}}, &list)
	if len(list.Sessions) != 0 {
		t.Fatalf("alice has no sessions yet: %+v", list)
	}
	if _, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "shoot://sessions/nosuch/assets/hero.png"}); err == nil {
		t.Error("reading an asset of a missing session succeeded")
	}
}
