package webhook_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/fashionshoot/shoot/internal/webhook"
)

func TestPolicyPermits(t *testing.T) {
	t.Parallel()
	allowLoop := webhook.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	for _, tc := range []struct {
		ip     string
		policy webhook.Policy
		want   bool
	}{
		{"93.184.215.14", webhook.Policy{}, true},
		{"2606:4700::6810:84e5", webhook.Policy{}, true},
		{"127.0.0.1", webhook.Policy{}, false},
		{"127.9.9.9", webhook.Policy{}, false},
		{"::1", webhook.Policy{}, false},
		{"::ffff:127.0.0.1", webhook.Policy{}, false},
		{"169.254.169.254", webhook.Policy{}, false},
		{"::ffff:169.254.169.254", webhook.Policy{}, false},
		{"fe80::1", webhook.Policy{}, false},
		{"10.1.2.3", webhook.Policy{}, false},
		{"172.16.0.1", webhook.Policy{}, false},
		{"192.168.1.1", webhook.Policy{}, false},
		{"100.64.0.1", webhook.Policy{}, false},
		{"fd00::1", webhook.Policy{}, false},
		{"0.0.0.0", webhook.Policy{}, false},
		{"::", webhook.Policy{}, false},
		{"224.0.0.1", webhook.Policy{}, false},
		{"255.255.255.255", webhook.Policy{}, false},
		{"64:ff9b::a9fe:a9fe", webhook.Policy{}, false},
		{"127.0.0.1", allowLoop, true},
		{"127.0.0.2", allowLoop, false},
		{"169.254.169.254", allowLoop, false},
		{"169.254.169.254", webhook.Policy{AllowPrivate: true}, true},
		{"10.1.2.3", webhook.Policy{AllowPrivate: true}, true},
	} {
		if got := tc.policy.Permits(netip.MustParseAddr(tc.ip)); got != tc.want {
			t.Errorf("%+v permits %s = %v, want %v", tc.policy, tc.ip, got, tc.want)
		}
	}
}

// fakeResolver answers from a table.
type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return f[host], nil
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	r := fakeResolver{
		"hooks.example.com": {netip.MustParseAddr("93.184.215.14")},
		"internal.example":  {netip.MustParseAddr("10.0.0.8")},
		"mixed.example":     {netip.MustParseAddr("93.184.215.14"), netip.MustParseAddr("127.0.0.1")},
	}
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://hooks.example.com/shoot", true},
		{"http://hooks.example.com:8443/x", true},
		{"ftp://hooks.example.com/", false},
		{"https://user:pw@hooks.example.com/", false},
		{"https:///nohost", false},
		{"http://127.0.0.1:9/", false},
		{"http://[::1]/", false},
		{"http://169.254.169.254/latest/meta-data/", false},
		{"https://internal.example/", false},
		{"https://mixed.example/", false},
		{"https://unknown.example/", false},
	} {
		err := webhook.Policy{}.CheckURL(context.Background(), r, tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("CheckURL(%s) = %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
}
