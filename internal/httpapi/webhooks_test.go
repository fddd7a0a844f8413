package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/store"
)

// postHook sends POST /api/webhooks with a token (or none) and decodes the
// answer.
func (e *testEnv) postHook(t *testing.T, token, body string) (int, map[string]any) {
	t.Helper()
	h := []string{"Content-Type", "application/json"}
	if token != "" {
		h = append(h, "Authorization", "Bearer "+token)
	}
	resp, out := e.do(t, http.MethodPost, "/api/webhooks", strings.NewReader(body), h...)
	return resp.StatusCode, decodeJSON(t, resp, out)
}

// TestWebhookCreationRefusesBadTargets runs without the private-target
// allowance: loopback and the cloud metadata address are refused, as are
// URLs that are not http(s), malformed ones and unknown events, each with
// a 400 and the "invalid" code, and nothing is stored.
func TestWebhookCreationRefusesBadTargets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	recv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("the refused receiver was contacted")
	}))
	defer recv.Close()
	for _, tc := range []struct{ body, mention string }{
		{`{"url":"` + recv.URL + `/hook","events":["complete"]}`, "127.0.0.1"},
		{`{"url":"http://127.0.0.1:9/","events":["checkpoint"]}`, "127.0.0.1"},
		{`{"url":"http://169.254.169.254/latest/meta-data/","events":["complete"]}`, "169.254.169.254"},
		{`{"url":"http://[::1]:8080/","events":["complete"]}`, "::1"},
		{`{"url":"http://10.0.0.7/","events":["complete"]}`, "10.0.0.7"},
		{`{"url":"ftp://hooks.example.com/","events":["complete"]}`, "http"},
		{`{"url":"file:///etc/passwd","events":["complete"]}`, "http"},
		{`{"url":"not a url","events":["complete"]}`, "url"},
		{`{"url":"http://%zz/","events":["complete"]}`, "url"},
		{`{"url":"","events":["complete"]}`, "url"},
		{`{"url":"https://user:pw@hooks.example.com/","events":["complete"]}`, "password"},
		{`{"url":"https://hooks.example.com/","events":["text_delta"]}`, "text_delta"},
		{`{"url":"https://hooks.example.com/","events":[]}`, "events"},
		{`{"url":"https://hooks.example.com/"}`, "events"},
		{`{"url":"https://hooks.example.com/","events":["complete"],"secret":"mine"}`, "secret"},
	} {
		status, m := e.postHook(t, "", tc.body)
		if status != http.StatusBadRequest || m["code"] != "invalid" {
			t.Errorf("%s: %d %v, want 400 invalid", tc.body, status, m)
			continue
		}
		wantError(t, m, tc.mention)
	}
	list := e.getJSON(t, http.MethodGet, "/api/webhooks", http.StatusOK)
	if list["count"] != 0.0 {
		t.Errorf("refused webhooks were stored: %v", list)
	}
}

// TestWebhooksBelongToTheirOwner has two users: each lists only their own
// webhooks, the secret is shown once, and another user's webhook (and its
// delivery log) answers 404 like a missing one.
func TestWebhooksBelongToTheirOwner(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"SHOOT_AUTH": "token", "SHOOT_WEBHOOK_ALLOW_PRIVATE": "1"})
	ctx := context.Background()
	tokens := map[string]string{}
	for _, name := range []string{"ana", "bo"} {
		tok, hash := auth.NewToken()
		if err := e.store.CreateToken(ctx, &store.Token{Name: name, Hash: hash, Admin: name == "bo"}); err != nil {
			t.Fatal(err)
		}
		tokens[name] = tok
	}
	status, m := e.postHook(t, tokens["ana"], `{"url":"http://127.0.0.1:9/hook","events":["complete","checkpoint","complete"]}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, m)
	}
	hook, _ := m["webhook"].(map[string]any)
	id, _ := hook["id"].(string)
	secret, _ := hook["secret"].(string)
	if !store.ValidWebhookID(id) || !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
		t.Fatalf("created %v", hook)
	}
	if ev, _ := json.Marshal(hook["events"]); string(ev) != `["complete","checkpoint"]` {
		t.Errorf("events %s, want the repeat dropped", ev)
	}
	get := func(who, method, path string) (int, map[string]any) {
		resp, out := e.do(t, method, path, nil, "Authorization", "Bearer "+tokens[who])
		return resp.StatusCode, decodeJSON(t, resp, out)
	}
	status, m = get("ana", http.MethodGet, "/api/webhooks")
	raw, _ := json.Marshal(m)
	if status != 200 || m["count"] != 1.0 || strings.Contains(string(raw), "whsec_") || !strings.Contains(string(raw), id) {
		t.Errorf("ana's list: %d %s", status, raw)
	}
	// bo, an administrator, still sees only his own.
	if status, m = get("bo", http.MethodGet, "/api/webhooks"); status != 200 || m["count"] != 0.0 {
		t.Errorf("bo's list: %d %v", status, m)
	}
	for _, path := range []string{"/api/webhooks/" + id + "/deliveries"} {
		if status, m = get("bo", http.MethodGet, path); status != 404 || m["code"] != "not_found" {
			t.Errorf("bo GET %s: %d %v", path, status, m)
		}
	}
	if status, m = get("bo", http.MethodDelete, "/api/webhooks/"+id); status != 404 {
		t.Errorf("bo deleted ana's webhook: %d %v", status, m)
	}
	if status, m = get("ana", http.MethodGet, "/api/webhooks/"+id+"/deliveries"); status != 200 || m["count"] != 0.0 {
		t.Errorf("ana's empty log: %d %v", status, m)
	}
	if status, m = get("ana", http.MethodGet, "/api/webhooks/bad%20id/deliveries"); status != 400 || m["code"] != "invalid" {
		t.Errorf("malformed id: %d %v", status, m)
	}
	if status, m = get("ana", http.MethodDelete, "/api/webhooks/"+id); status != 200 || m["webhookId"] != id {
		t.Errorf("ana's delete: %d %v", status, m)
	}
	if status, _ = get("ana", http.MethodDelete, "/api/webhooks/"+id); status != 404 {
		t.Errorf("second delete: %d", status)
	}
	resp, _ := e.do(t, http.MethodGet, "/api/webhooks", nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", resp.StatusCode)
	}
}
