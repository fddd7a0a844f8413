package config

import (
	"strings"
	"testing"
	"time"
)

func TestJobTimeouts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		env              map[string]string
		timeout, rescue  time.Duration
		wantErrNamingVar string
	}{
		{env: nil, timeout: 5 * time.Minute, rescue: 6 * time.Minute},
		{env: map[string]string{"SHOOT_JOB_TIMEOUT": "10m"}, timeout: 10 * time.Minute, rescue: 11 * time.Minute},
		{env: map[string]string{"SHOOT_JOB_TIMEOUT": "8s", "SHOOT_RESCUE_AFTER": "10s"}, timeout: 8 * time.Second, rescue: 10 * time.Second},
		{env: map[string]string{"SHOOT_JOB_TIMEOUT": "soon"}, wantErrNamingVar: "SHOOT_JOB_TIMEOUT"},
		{env: map[string]string{"SHOOT_JOB_TIMEOUT": "10ms"}, wantErrNamingVar: "SHOOT_JOB_TIMEOUT"},
		{env: map[string]string{"SHOOT_JOB_TIMEOUT": "1m", "SHOOT_RESCUE_AFTER": "1m"}, wantErrNamingVar: "SHOOT_RESCUE_AFTER"},
		{env: map[string]string{"SHOOT_RESCUE_AFTER": "-1s"}, wantErrNamingVar: "SHOOT_RESCUE_AFTER"},
	}
	for _, tc := range cases {
		c, err := load(t, tc.env)
		if tc.wantErrNamingVar != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErrNamingVar) {
				t.Errorf("%v: error %v, want one naming %s", tc.env, err, tc.wantErrNamingVar)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.env, err)
			continue
		}
		if c.JobTimeout != tc.timeout || c.RescueAfter != tc.rescue {
			t.Errorf("%v: timeout %s rescue %s, want %s %s", tc.env, c.JobTimeout, c.RescueAfter, tc.timeout, tc.rescue)
		}
	}
}
