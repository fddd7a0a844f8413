package webhook_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/fashionshoot/shoot/internal/webhook"
)

// loopbackOnly permits the test receiver's own address and nothing else
// that is not public: 127.0.0.2 and the metadata address stay refused.
var loopbackOnly = webhook.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}

// listenOn starts a server on addr ("127.0.0.2:0") counting its requests.
func listenOn(t *testing.T, addr string, h http.Handler) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h.ServeHTTP(w, r)
	}))
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, &hits
}

func TestSendSignedDelivery(t *testing.T) {
	t.Parallel()
	secret := webhook.NewSecret()
	wh, _ := standardwebhooks.NewWebhook(secret)
	verified := make(chan error, 1)
	ts, _ := listenOn(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		verified <- wh.Verify(body, r.Header)
	}))
	s := webhook.NewSender(loopbackOnly, nil, 5*time.Second)
	res := s.Send(context.Background(), ts.URL+"/hook", secret, webhook.Message{ID: "msg_1", At: time.Now(), Body: []byte(`{"type":"complete"}`)})
	if !res.OK() || res.Status != 200 {
		t.Fatalf("send: %+v", res)
	}
	if err := <-verified; err != nil {
		t.Fatalf("the receiver could not verify: %v", err)
	}
}

// TestSendRefusesPrivateTargets covers direct targets and redirects: a
// receiver that is allowed redirects to 127.0.0.2 (where a live server
// would answer) and to the cloud metadata address; neither is contacted.
func TestSendRefusesPrivateTargets(t *testing.T) {
	t.Parallel()
	inner, innerHits := listenOn(t, "127.0.0.2:0", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, tc := range []struct {
		name   string
		policy webhook.Policy
		to     string // redirect target; "" sends straight to the receiver
	}{
		{"loopback without allowance", webhook.Policy{}, ""},
		{"redirect to another loopback address", loopbackOnly, inner.URL + "/x"},
		{"redirect to the metadata service", loopbackOnly, "http://169.254.169.254/latest/meta-data/"},
		{"redirect to a private address", loopbackOnly, "http://10.0.0.1/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			outer, outerHits := listenOn(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tc.to, http.StatusTemporaryRedirect)
			}))
			s := webhook.NewSender(tc.policy, nil, 5*time.Second)
			res := s.Send(context.Background(), outer.URL, webhook.NewSecret(), webhook.Message{ID: "m", At: time.Now(), Body: []byte(`{}`)})
			if res.OK() || !webhook.IsRefused(res.Err) {
				t.Fatalf("send: %+v, want a refusal", res)
			}
			if tc.to == "" && outerHits.Load() != 0 {
				t.Error("the refused receiver was contacted")
			}
		})
	}
	if n := innerHits.Load(); n != 0 {
		t.Errorf("the redirect target on 127.0.0.2 got %d requests", n)
	}
}

// flipResolver answers a public address the first time and loopback
// after: a rebinding DNS name.
type flipResolver struct{ calls atomic.Int32 }

func (f *flipResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	if f.calls.Add(1) == 1 {
		return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
	}
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}

// TestSendResistsRebinding registers a name while it points at a public
// address; when it later points at loopback the delivery is refused at
// connection time instead of reaching the local server.
func TestSendResistsRebinding(t *testing.T) {
	t.Parallel()
	local, hits := listenOn(t, "127.0.0.1:0", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	_, port, _ := net.SplitHostPort(local.Listener.Addr().String())
	r := &flipResolver{}
	url := "http://rebind.example:" + port + "/"
	if err := (webhook.Policy{}).CheckURL(context.Background(), r, url); err != nil {
		t.Fatalf("registration: %v", err)
	}
	res := webhook.NewSender(webhook.Policy{}, r, 5*time.Second).Send(context.Background(), url, webhook.NewSecret(),
		webhook.Message{ID: "m", At: time.Now(), Body: []byte(`{}`)})
	if res.OK() || !webhook.IsRefused(res.Err) || hits.Load() != 0 {
		t.Fatalf("send: %+v, %d hits; want a refusal and none", res, hits.Load())
	}
}

func TestDefaultScheduleSpansADay(t *testing.T) {
	t.Parallel()
	var total time.Duration
	prev := time.Duration(0)
	for n := 1; n < webhook.MaxAttempts; n++ {
		d := webhook.DefaultSchedule(n)
		if d <= prev {
			t.Fatalf("wait %d (%v) is not longer than the one before (%v)", n, d, prev)
		}
		prev, total = d, total+d
	}
	if total < 20*time.Hour || total > 26*time.Hour {
		t.Fatalf("retries span %v, want about a day", total)
	}
}
