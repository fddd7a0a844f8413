package webhook_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/webhook"
)

// publicAddr stands for a receiver on the internet: the fake resolver gives
// it for hooks.example.com, and the test dialer connects it to a local
// server instead, so no packet leaves the machine.
var publicAddr = netip.MustParseAddr("93.184.215.14")

// stagedNet resolves names from a table and dials publicAddr to a local
// server's port, everything else as asked.
type stagedNet struct {
	names  map[string][]netip.Addr
	public string // "127.0.0.1:port" that publicAddr reaches
	mu     sync.Mutex
	dialed []string
}

func (n *stagedNet) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return n.names[host], nil
}

func (n *stagedNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	n.dialed = append(n.dialed, addr)
	n.mu.Unlock()
	host, _, _ := net.SplitHostPort(addr)
	if host == publicAddr.String() {
		addr = n.public
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// TestRedirectToPrivateTargetsIsRefused sends, without any allowance for
// private targets, to a public-looking receiver that redirects to loopback
// (by address and by a name that resolves to it) and to the cloud metadata
// service. The first hop is made; each redirect is refused at connection
// time and the local server behind it never hears a thing.
func TestRedirectToPrivateTargetsIsRefused(t *testing.T) {
	t.Parallel()
	inner, innerHits := listenOn(t, "127.0.0.1:0", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	_, innerPort, _ := net.SplitHostPort(inner.Listener.Addr().String())
	for _, tc := range []struct{ name, to string }{
		{"loopback address", "http://127.0.0.1:" + innerPort + "/"},
		{"name resolving to loopback", "http://inside.example.com:" + innerPort + "/"},
		{"metadata service", "http://169.254.169.254/latest/meta-data/"},
		{"loopback in IPv6", "http://[::1]:" + innerPort + "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			outer, outerHits := listenOn(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tc.to, http.StatusFound)
			}))
			_, port, _ := net.SplitHostPort(outer.Listener.Addr().String())
			n := &stagedNet{public: outer.Listener.Addr().String(), names: map[string][]netip.Addr{
				"hooks.example.com":  {publicAddr},
				"inside.example.com": {netip.MustParseAddr("127.0.0.1")},
			}}
			url := "http://hooks.example.com:" + port + "/shoot"
			if err := (webhook.Policy{}).CheckURL(context.Background(), n, url); err != nil {
				t.Fatalf("the public-looking URL was refused at registration: %v", err)
			}
			s := webhook.New(webhook.SenderOptions{Resolver: n, Dial: n.dial, Timeout: 5 * time.Second})
			res := s.Send(context.Background(), url, webhook.NewSecret(), webhook.Message{ID: "msg_r", At: time.Now(), Body: []byte(`{}`)})
			if res.OK() || !webhook.IsRefused(res.Err) {
				t.Fatalf("send: %+v, want a refusal", res)
			}
			if outerHits.Load() != 1 {
				t.Errorf("the public receiver got %d requests, want 1 (the redirect)", outerHits.Load())
			}
			n.mu.Lock()
			defer n.mu.Unlock()
			if len(n.dialed) != 1 {
				t.Errorf("dialed %v, want only the public receiver", n.dialed)
			}
		})
	}
	t.Cleanup(func() {
		if h := innerHits.Load(); h != 0 {
			t.Errorf("the loopback server behind the redirects got %d requests", h)
		}
	})
}

// memLog is a delivery log in memory.
type memLog struct {
	mu    sync.Mutex
	hooks map[string]*store.Webhook
	log   []store.WebhookDelivery
}

func (m *memLog) GetWebhook(_ context.Context, id string) (*store.Webhook, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if h, ok := m.hooks[id]; ok {
		return h, nil
	}
	return nil, store.NotFound("Webhook")
}

func (m *memLog) AddWebhookDelivery(_ context.Context, d *store.WebhookDelivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.log = append(m.log, *d)
	return nil
}

// TestDelivererOutcomes checks what one attempt logs and returns: a
// refused redirect is final (no retry), a 500 is retried until the last
// attempt, a 2xx is delivered, and a deleted webhook ends the delivery.
func TestDelivererOutcomes(t *testing.T) {
	t.Parallel()
	status := http.StatusInternalServerError
	var mu sync.Mutex
	recv, _ := listenOn(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "http://169.254.169.254/", http.StatusFound)
			return
		}
		w.WriteHeader(status)
	}))
	_, port, _ := net.SplitHostPort(recv.Listener.Addr().String())
	n := &stagedNet{public: recv.Listener.Addr().String(), names: map[string][]netip.Addr{"hooks.example.com": {publicAddr}}}
	base := "http://hooks.example.com:" + port
	log := &memLog{hooks: map[string]*store.Webhook{
		"wh_a": {ID: "wh_a", URL: base + "/hook", Secret: webhook.NewSecret(), Events: []string{"complete"}},
		"wh_r": {ID: "wh_r", URL: base + "/redirect", Secret: webhook.NewSecret(), Events: []string{"complete"}},
	}}
	d := webhook.NewDeliverer(log, webhook.New(webhook.SenderOptions{Resolver: n, Dial: n.dial}), webhook.DelivererOptions{})
	body, _ := json.Marshal(map[string]string{"type": "complete"})
	msg := func(id string) webhook.Delivery {
		return webhook.Delivery{WebhookID: id, MessageID: "msg_1", Event: shoot.EventComplete, SessionID: "session_1_x", Body: string(body)}
	}
	ctx := context.Background()
	if err := d.Deliver(ctx, msg("wh_r"), 1, false); !webhook.IsFinal(err) || !webhook.IsRefused(err) {
		t.Errorf("redirect to the metadata service: %v, want a final refusal", err)
	}
	if err := d.Deliver(ctx, msg("wh_a"), 1, false); err == nil || webhook.IsFinal(err) {
		t.Errorf("500: %v, want an error to retry", err)
	}
	if err := d.Deliver(ctx, msg("wh_a"), 8, true); err == nil || webhook.IsFinal(err) {
		t.Errorf("500 on the last attempt: %v", err)
	}
	mu.Lock()
	status = http.StatusAccepted
	mu.Unlock()
	if err := d.Deliver(ctx, msg("wh_a"), 2, false); err != nil {
		t.Errorf("202: %v", err)
	}
	if err := d.Deliver(ctx, msg("wh_gone"), 3, false); !webhook.IsFinal(err) {
		t.Errorf("deleted webhook: %v, want final", err)
	}
	want := []struct {
		hook, outcome string
		attempt       int
		status        int
	}{
		{"wh_r", store.DeliveryFailed, 1, 0},
		{"wh_a", store.DeliveryRetrying, 1, 500},
		{"wh_a", store.DeliveryFailed, 8, 500},
		{"wh_a", store.DeliveryDelivered, 2, 202},
	}
	if len(log.log) != len(want) {
		t.Fatalf("log %+v", log.log)
	}
	for i, w := range want {
		g := log.log[i]
		if g.WebhookID != w.hook || g.Outcome != w.outcome || g.Attempt != w.attempt || g.Status != w.status ||
			g.MessageID != "msg_1" || g.Event != "complete" || g.SessionID != "session_1_x" || (g.Error == "") != (w.outcome == store.DeliveryDelivered) {
			t.Errorf("log[%d] = %+v, want %+v", i, g, w)
		}
	}
	if d.Attempts() != webhook.MaxAttempts || d.RetryAfter(1) != webhook.DefaultFirstRetry {
		t.Errorf("defaults: %d attempts, first retry %s", d.Attempts(), d.RetryAfter(1))
	}
}
