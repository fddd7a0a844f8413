package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Policy says which addresses a webhook may reach. By default only public
// unicast addresses: loopback, private (RFC 1918, unique-local IPv6),
// link-local (169.254.0.0/16 with the cloud metadata service, fe80::/10),
// carrier-grade NAT, unspecified, multicast and broadcast addresses are
// refused. An administrator opens them all with AllowPrivate
// (SHOOT_WEBHOOK_ALLOW_PRIVATE=1) or some of them with Allow.
type Policy struct {
	// AllowPrivate permits every address.
	AllowPrivate bool
	// Allow permits these prefixes on top of the public addresses (say one
	// test receiver's 127.0.0.1/32, or an office network).
	Allow []netip.Prefix
}

// ErrRefused wraps every refusal of a target address.
var ErrRefused = errors.New("webhook: target address refused")

// special are the non-public ranges net/netip has no predicate for.
var special = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64 reaches IPv4 space
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("2002::/16"),       // 6to4 can embed private IPv4
	netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relay anycast
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001::/32"),       // Teredo embeds IPv4
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
}

// Permits reports whether a connection to ip is allowed.
func (p Policy) Permits(ip netip.Addr) bool {
	ip = ip.Unmap()
	if p.AllowPrivate {
		return true
	}
	for _, pre := range p.Allow {
		if pre.Contains(ip) {
			return true
		}
	}
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || !ip.IsGlobalUnicast() {
		return false
	}
	for _, pre := range special {
		if pre.Contains(ip) {
			return false
		}
	}
	return true
}

// Resolver looks up a host's addresses; net.DefaultResolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// resolve returns host's addresses (an IP literal is its own), refusing
// the host when any of them is not permitted: a name that answers with one
// public and one private address could otherwise be steered.
func (p Policy) resolve(ctx context.Context, r Resolver, host string) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		ips = []netip.Addr{ip}
	} else {
		if ips, err = r.LookupNetIP(ctx, "ip", host); err != nil {
			return nil, fmt.Errorf("webhook: resolving %s: %w", host, err)
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("webhook: %s has no address", host)
	}
	for _, ip := range ips {
		if !p.Permits(ip) {
			return nil, fmt.Errorf("%w: %s is %s, a private, loopback or link-local address", ErrRefused, host, ip.Unmap())
		}
	}
	return ips, nil
}

// CheckURL checks a webhook URL when it is registered: http or https, a
// host, no credentials, and every address of the host permitted.
func (p Policy) CheckURL(ctx context.Context, r Resolver, raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("webhook: url is not a URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("webhook: url must be http:// or https://")
	case u.Hostname() == "":
		return errors.New("webhook: url has no host")
	case u.User != nil:
		return errors.New("webhook: url must not carry a user name or password")
	}
	_, err = p.resolve(ctx, r, u.Hostname())
	return err
}

// dialContext returns a DialContext that resolves the host once, checks
// every address, and connects to a checked address itself, so the name is
// never looked up again between the check and the connection. Every
// connection, including each redirect's, passes through it.
func (p Policy) dialContext(r Resolver, dial DialFunc) DialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		ips, err := p.resolve(ctx, r, host)
		if err != nil {
			return nil, err
		}
		var last error
		for _, ip := range ips {
			c, err := dial(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
			if err == nil {
				return c, nil
			}
			last = err
		}
		return nil, last
	}
}
