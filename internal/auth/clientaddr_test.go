package auth_test

import (
	"net/http"
	"testing"

	"github.com/fashionshoot/shoot/internal/auth"
)

func TestClientAddr(t *testing.T) {
	t.Parallel()
	trusted, err := auth.ParseTrustedProxies("10.0.0.0/8, 192.0.2.7, ::1")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		peer   string
		header []string // name, value pairs
		want   string
	}{
		{"no proxy", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"an untrusted peer's header is ignored", "203.0.113.5:4000", []string{"X-Forwarded-For", "1.2.3.4"}, "203.0.113.5"},
		{"trusted proxy", "10.1.2.3:80", []string{"X-Forwarded-For", "198.51.100.20"}, "198.51.100.20"},
		{"a client's spoofed hop sits behind the real one", "10.1.2.3:80", []string{"X-Forwarded-For", "6.6.6.6, 198.51.100.20"}, "198.51.100.20"},
		{"two trusted proxies", "192.0.2.7:80", []string{"X-Forwarded-For", "198.51.100.20, 10.9.9.9"}, "198.51.100.20"},
		{"several header lines", "10.1.2.3:80", []string{"X-Forwarded-For", "198.51.100.1", "X-Forwarded-For", "198.51.100.2"}, "198.51.100.2"},
		{"Forwarded header", "10.1.2.3:80", []string{"Forwarded", `for="[2001:db8::9]:443";proto=https, for=10.0.0.2`}, "2001:db8::9"},
		{"only trusted hops", "10.1.2.3:80", []string{"X-Forwarded-For", "10.0.0.9"}, "10.1.2.3"},
		{"garbage after the client", "10.1.2.3:80", []string{"X-Forwarded-For", "198.51.100.20, not-an-ip"}, "10.1.2.3"},
		{"IPv6 loopback proxy", "[::1]:80", []string{"X-Forwarded-For", "198.51.100.30"}, "198.51.100.30"},
	}
	for _, c := range cases {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		for i := 0; i+1 < len(c.header); i += 2 {
			r.Header.Add(c.header[i], c.header[i+1])
		}
		if got := auth.ClientAddr(r, trusted); got != c.want {
			t.Errorf("%s: ClientAddr = %s, want %s", c.name, got, c.want)
		}
	}
	if _, err := auth.ParseTrustedProxies("10.0.0.0/8, nonsense"); err == nil {
		t.Error("a bad entry was accepted")
	}
}
