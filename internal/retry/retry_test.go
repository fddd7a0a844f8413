package retry_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/retry"
)

func TestAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	cases := []struct {
		name    string
		headers map[string]string
		want    time.Duration
	}{
		{"none", nil, 0},
		{"seconds", map[string]string{"Retry-After": "7"}, 7 * time.Second},
		{"zero seconds", map[string]string{"Retry-After": "0"}, 0},
		{"spaces", map[string]string{"Retry-After": "  3 "}, 3 * time.Second},
		{"negative", map[string]string{"Retry-After": "-5"}, 0},
		{"fraction is not delta-seconds", map[string]string{"Retry-After": "1.5"}, 0},
		{"huge", map[string]string{"Retry-After": "99999999999999999999"}, 0},
		{"http date", map[string]string{"Retry-After": date(90 * time.Second)}, 90 * time.Second},
		{"past date", map[string]string{"Retry-After": date(-time.Minute)}, 0},
		{"rfc 850 date", map[string]string{"Retry-After": now.Add(time.Hour).Format(time.RFC850)}, time.Hour},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0},
		{"milliseconds", map[string]string{"retry-after-ms": "250"}, 250 * time.Millisecond},
		{"fractional milliseconds", map[string]string{"retry-after-ms": "1.5"}, 1500 * time.Microsecond},
		{"milliseconds win", map[string]string{"retry-after-ms": "40", "Retry-After": "9"}, 40 * time.Millisecond},
		{"bad milliseconds fall back", map[string]string{"retry-after-ms": "x", "Retry-After": "2"}, 2 * time.Second},
		{"negative milliseconds fall back", map[string]string{"retry-after-ms": "-1", "Retry-After": "2"}, 2 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range c.headers {
				h.Set(k, v)
			}
			if got := retry.After(h, now); got != c.want {
				t.Errorf("After(%v) = %v, want %v", c.headers, got, c.want)
			}
		})
	}
}

func TestDo(t *testing.T) {
	t.Parallel()
	boom := errors.New("permanent")
	cases := []struct {
		name      string
		fails     int // transient failures before success (-1: always)
		permanent bool
		after     time.Duration
		wantTries int
		wantErr   bool
		wantWaits []time.Duration // exact waits when the server named one
	}{
		{"first try", 0, false, 0, 1, false, nil},
		{"two transient", 2, false, 0, 3, false, nil},
		{"out of tries", -1, false, 0, 4, true, nil},
		{"permanent stops at once", 0, true, 0, 1, true, nil},
		{"server wait honoured", 1, false, 3 * time.Second, 2, false, []time.Duration{3 * time.Second}},
		{"server wait capped", 1, false, time.Hour, 2, false, []time.Duration{30 * time.Second}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var waits []time.Duration
			p := retry.DefaultPolicy()
			p.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			tries := 0
			err := p.Do(context.Background(), func(context.Context) error {
				tries++
				switch {
				case c.permanent:
					return boom
				case c.fails < 0 || tries <= c.fails:
					return &retry.TransientError{Err: errors.New("busy"), After: c.after}
				}
				return nil
			}, nil)
			if tries != c.wantTries || (err != nil) != c.wantErr {
				t.Fatalf("tries %d err %v, want %d tries, error %v", tries, err, c.wantTries, c.wantErr)
			}
			if c.wantWaits != nil && (len(waits) != len(c.wantWaits) || waits[0] != c.wantWaits[0]) {
				t.Errorf("waits %v, want %v", waits, c.wantWaits)
			}
			for i, w := range waits {
				if c.after == 0 && (w <= 0 || w > p.Max) {
					t.Errorf("backoff %d = %v, outside (0, %v]", i+1, w, p.Max)
				}
			}
		})
	}
}
