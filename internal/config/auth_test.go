package config

import (
	"strings"
	"testing"
	"time"
)

func TestAuthModeDefault(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		addr, env, want string
	}{
		{"127.0.0.1:8080", "", "none"},
		{"localhost:0", "", "none"},
		{"[::1]:8080", "", "none"},
		{":8080", "", "token"},
		{"0.0.0.0:8080", "", "token"},
		{"192.168.1.10:8080", "", "token"},
		{"127.0.0.1:8080", "token", "token"},
		{"0.0.0.0:8080", "none", "none"},
	} {
		env := map[string]string{"SHOOT_ADDR": c.addr, "SHOOT_AUTH": c.env}
		cfg, err := FromEnv(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.Finish(); err != nil {
			t.Fatalf("%s: %v", c.addr, err)
		}
		if cfg.Auth != c.want {
			t.Errorf("addr %s, SHOOT_AUTH=%q: auth %q, want %q", c.addr, c.env, cfg.Auth, c.want)
		}
	}
}

func TestCheckAuthExposure(t *testing.T) {
	t.Parallel()
	c := &Config{Auth: "none", Addr: "0.0.0.0:8080"}
	err := c.CheckAuthExposure()
	if err == nil || !strings.Contains(err.Error(), "--insecure-no-auth") || !strings.Contains(err.Error(), "SHOOT_AUTH") {
		t.Fatalf("public none: %v", err)
	}
	c.InsecureNoAuth = true
	if err := c.CheckAuthExposure(); err != nil {
		t.Fatalf("with the flag: %v", err)
	}
	for _, ok := range []*Config{{Auth: "none", Addr: "127.0.0.1:1"}, {Auth: "token", Addr: ":80"}} {
		if err := ok.CheckAuthExposure(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SHOOT_RATE_PER_MIN": "30", "SHOOT_MAX_RUNNING": "1",
		"SHOOT_UPLOAD_BYTES_PER_DAY": "5000000000", "SHOOT_MONTHLY_BUDGET_USD": "12.5"}
	cfg, err := FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RatePerMin != 30 || cfg.MaxRunning != 1 || cfg.UploadBytesPerDay != 5e9 || cfg.MonthlyBudgetUSD != 12.5 {
		t.Fatalf("limits %d %d %d %v", cfg.RatePerMin, cfg.MaxRunning, cfg.UploadBytesPerDay, cfg.MonthlyBudgetUSD)
	}
	def, _ := FromEnv(func(string) string { return "" })
	if def.RatePerMin != DefaultRatePerMin || def.MaxRunning != DefaultMaxRunning ||
		def.UploadBytesPerDay != DefaultUploadBytesPerDay || def.MonthlyBudgetUSD != 0 {
		t.Fatalf("defaults %d %d %d %v", def.RatePerMin, def.MaxRunning, def.UploadBytesPerDay, def.MonthlyBudgetUSD)
	}
	refusesEach(t, map[string]string{"SHOOT_RATE_PER_MIN": "-1", "SHOOT_MAX_RUNNING": "x",
		"SHOOT_UPLOAD_BYTES_PER_DAY": "1e3", "SHOOT_MONTHLY_BUDGET_USD": "-5", "SHOOT_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal",
		"SHOOT_DRAIN_DELAY": "soon"})
}

func TestWebhookSettings(t *testing.T) {
	t.Parallel()
	def, err := FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if def.WebhookAllowPrivate || def.WebhookFirstRetry != 0 {
		t.Fatalf("defaults: allow private %v, first retry %s; want off and 0 (the deliverer's 15s)", def.WebhookAllowPrivate, def.WebhookFirstRetry)
	}
	env := map[string]string{"SHOOT_WEBHOOK_ALLOW_PRIVATE": "1", "SHOOT_WEBHOOK_FIRST_RETRY": "20ms"}
	cfg, err := FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.WebhookAllowPrivate || cfg.WebhookFirstRetry != 20*time.Millisecond {
		t.Fatalf("read allow private %v, first retry %s", cfg.WebhookAllowPrivate, cfg.WebhookFirstRetry)
	}
	if !strings.Contains(cfg.Redacted(), "webhook_allow_private=true") {
		t.Errorf("the configuration listing does not show the allowance: %s", cfg.Redacted())
	}
	refusesEach(t, map[string]string{"SHOOT_WEBHOOK_ALLOW_PRIVATE": "maybe", "SHOOT_WEBHOOK_FIRST_RETRY": "-1s"})
}

// refusesEach sets each variable alone to its bad value and checks that
// reading or finishing the configuration fails, naming the variable.
func refusesEach(t *testing.T, bad map[string]string) {
	t.Helper()
	for name, v := range bad {
		env := map[string]string{name: v}
		cfg, err := FromEnv(func(k string) string { return env[k] })
		if err == nil {
			err = cfg.Finish()
		}
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v", name, v, err)
		}
	}
}
