package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	m := e.getJSON(t, "GET", "/api/health", http.StatusOK)
	if m["status"] != "ok" || m["agent"] != "fashion-shoot-agent" || m["environment"] != "development" ||
		m["version"] != "1.2.3-test" || m["database"] != "sqlite" {
		t.Errorf("health = %v", m)
	}
	if _, err := time.Parse(time.RFC3339, m["timestamp"].(string)); err != nil {
		t.Errorf("timestamp %v: %v", m["timestamp"], err)
	}
	providers := m["providers"].(map[string]any)
	if providers["image"] != "studio" || providers["video"] != "studio" || providers["director"] != "rules" {
		t.Errorf("providers = %v", providers)
	}
	cfg := m["config"].(map[string]any)
	if cfg["hasAnthropicKey"] != false || cfg["hasFalKey"] != false || cfg["hasKlingKeys"] != false {
		t.Errorf("config = %v", cfg)
	}
}

func TestHealthShowsKeysOnlyAsBooleans(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{
		"FAL_KEY": "fal-TOPSECRET", "KLING_ACCESS_KEY": "ak-TOPSECRET", "KLING_SECRET_KEY": "sk-TOPSECRET",
		"ANTHROPIC_API_KEY": "ant-TOPSECRET",
	})
	resp, body := e.do(t, "GET", "/api/health", nil)
	if strings.Contains(string(body), "TOPSECRET") {
		t.Fatalf("health leaks a secret: %s", body)
	}
	m := decodeJSON(t, resp, body)
	cfg := m["config"].(map[string]any)
	if cfg["hasAnthropicKey"] != true || cfg["hasFalKey"] != true || cfg["hasKlingKeys"] != true {
		t.Errorf("config = %v", cfg)
	}
	providers := m["providers"].(map[string]any)
	if providers["image"] != "fal" || providers["video"] != "kling" || providers["director"] != "claude" {
		t.Errorf("providers = %v", providers)
	}
}

func TestHealthWithDatabaseDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.store.Close()
	m := e.getJSON(t, "GET", "/api/health", http.StatusServiceUnavailable)
	wantError(t, m, "Database unavailable")
}

func TestHeadHealth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	resp, body := e.do(t, "HEAD", "/api/health", nil)
	if resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("HEAD /api/health: %d with %d body bytes", resp.StatusCode, len(body))
	}
}
