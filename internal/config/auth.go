package config

import (
	"github.com/fashionshoot/shoot/internal/auth"
	"math"
	"net"
	"strconv"
	"strings"
)

// Defaults of the per-user limits. They are meant to stop a runaway client
// or a leaked token, not to ration a normal day's work: a studio page pulls
// many media ranges, and a shoot takes a few hundred requests at most.
const (
	DefaultRatePerMin        = 600
	DefaultMaxRunning        = 3
	DefaultUploadBytesPerDay = 1 << 30
	DefaultMonthlyBudgetUSD  = 0 // money is the operator's call: no budget unless set
)

func setLimitDefaults(c *Config) {
	c.RatePerMin = DefaultRatePerMin
	c.MaxRunning = DefaultMaxRunning
	c.UploadBytesPerDay = DefaultUploadBytesPerDay
	c.MonthlyBudgetUSD = DefaultMonthlyBudgetUSD
}

// limits reads the per-user limits.
func (r *envReader) limits(c *Config) {
	r.integer(&c.RatePerMin, "SHOOT_RATE_PER_MIN")
	r.integer(&c.MaxRunning, "SHOOT_MAX_RUNNING")
	if v := strings.TrimSpace(r.getenv("SHOOT_TRUSTED_PROXIES")); v != "" {
		p, err := auth.ParseTrustedProxies(v)
		if err != nil {
			r.fail(errorf("SHOOT_TRUSTED_PROXIES", "%q is not a comma list of CIDRs or addresses: %v", v, err))
			return
		}
		c.TrustedProxies = p
	}
	if v := strings.TrimSpace(r.getenv("SHOOT_UPLOAD_BYTES_PER_DAY")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			r.fail(errorf("SHOOT_UPLOAD_BYTES_PER_DAY", "%q is not a whole number of bytes", v))
			return
		}
		c.UploadBytesPerDay = n
	}
	if v := strings.TrimSpace(r.getenv("SHOOT_MONTHLY_BUDGET_USD")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			r.fail(errorf("SHOOT_MONTHLY_BUDGET_USD", "%q is not a number", v))
			return
		}
		c.MonthlyBudgetUSD = f
	}
}

// chooseAuth picks the access-control mode when SHOOT_AUTH is unset: none
// for a studio only this machine can reach, tokens for anything else.
func (c *Config) chooseAuth() {
	if c.Auth == "" {
		c.Auth = pick(IsLoopbackAddr(c.Addr), "none", "token")
	}
}

func (c *Config) validateLimits() error {
	switch {
	case c.RatePerMin < 0 || c.RatePerMin > 1_000_000:
		return errorf("SHOOT_RATE_PER_MIN", "%d is out of range (0 = no limit, up to 1000000)", c.RatePerMin)
	case c.MaxRunning < 0 || c.MaxRunning > 10_000:
		return errorf("SHOOT_MAX_RUNNING", "%d is out of range (0 = no limit, up to 10000)", c.MaxRunning)
	case c.UploadBytesPerDay < 0:
		return errorf("SHOOT_UPLOAD_BYTES_PER_DAY", "must not be negative (0 = no limit)")
	case math.IsNaN(c.MonthlyBudgetUSD) || math.IsInf(c.MonthlyBudgetUSD, 0) || c.MonthlyBudgetUSD < 0:
		return errorf("SHOOT_MONTHLY_BUDGET_USD", "must be a number ≥ 0 (0 = no budget)")
	}
	return nil
}

// IsLoopbackAddr reports whether a listen address (host:port) accepts
// connections from this machine only: localhost or a loopback IP. An empty
// host (":8080") listens on every interface and is not loopback.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckAuthExposure refuses to serve without access control on an address
// other machines can reach, unless the operator said so explicitly: such a
// studio would let anyone spend the provider accounts' money and read every
// uploaded photo.
func (c *Config) CheckAuthExposure() error {
	if c.Auth != "none" || IsLoopbackAddr(c.Addr) || c.InsecureNoAuth {
		return nil
	}
	return errorf("SHOOT_AUTH", "refusing to serve %s with SHOOT_AUTH=none: anyone who can reach it could spend "+
		"your provider credit and see every upload. Use SHOOT_AUTH=token (create tokens with `shoot token create`), "+
		"listen on 127.0.0.1, or pass --insecure-no-auth if another layer guards it", c.Addr)
}
