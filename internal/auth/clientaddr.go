package auth

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr is the address a request came from. The connection's peer is
// believed unless it is one of the trusted proxies; then the forwarding
// headers are read from the nearest hop backwards (X-Forwarded-For, or the
// standard Forwarded header when that is absent), skipping further trusted
// proxies, and the first address not in trusted is the client. A client
// cannot choose its own key by sending these headers: without a trusted
// peer they are ignored, and an address a client prepends sits behind the
// one the trusted proxy appended.
func ClientAddr(r *http.Request, trusted []netip.Prefix) string {
	peer := peerAddr(r)
	if !isTrusted(peer, trusted) {
		return peer.String()
	}
	hops := forwardedFor(r)
	for i := len(hops) - 1; i >= 0; i-- {
		if !isTrusted(hops[i], trusted) {
			return hops[i].String()
		}
	}
	return peer.String()
}

// ParseTrustedProxies reads a comma list of CIDRs or single addresses.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, err
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if a.IsValid() && p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor lists the addresses the forwarding headers name, nearest
// hop last; unreadable entries end the list there (nothing before them can
// be believed).
func forwardedFor(r *http.Request) []netip.Addr {
	var raw []string
	if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		for _, line := range xff {
			raw = append(raw, strings.Split(line, ",")...)
		}
	} else {
		for _, line := range r.Header.Values("Forwarded") {
			for _, elem := range strings.Split(line, ",") {
				raw = append(raw, forwardedParam(elem))
			}
		}
	}
	var out []netip.Addr
	for _, s := range raw {
		a, ok := parseHop(s)
		if !ok {
			out = out[:0] // everything before a broken hop is unverifiable
			continue
		}
		out = append(out, a)
	}
	return out
}

// forwardedParam returns the for= value of one Forwarded element.
func forwardedParam(elem string) string {
	for _, pair := range strings.Split(elem, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(k, "for") {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// parseHop reads "203.0.113.9", "203.0.113.9:4711", "[2001:db8::1]:80" or
// "2001:db8::1".
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	return a.Unmap(), err == nil
}
