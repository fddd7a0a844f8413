package webhook_test

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/fashionshoot/shoot/internal/webhook"
)

// TestSignaturesVerifyWithReferenceLibrary signs random messages and has
// the Standard Webhooks reference library verify them: ids and bodies of
// every byte, empty bodies, long bodies, and fresh secrets.
func TestSignaturesVerifyWithReferenceLibrary(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 200; seed++ {
		r := rand.New(rand.NewPCG(seed, 19))
		secret := webhook.NewSecret()
		id := "msg_" + randomText(r, 1+r.IntN(40))
		body := randomBytes(r, r.IntN([]int{1, 64, 70000}[r.IntN(3)]))
		at := time.Now().Add(time.Duration(r.IntN(120)-60) * time.Second)
		h := http.Header{}
		if err := webhook.SetHeaders(h, secret, id, at, body); err != nil {
			t.Fatal(err)
		}
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(body, h); err != nil {
			t.Fatalf("seed %d: the reference verifier refused our signature: %v", seed, err)
		}
		// One changed byte anywhere must fail.
		if len(body) > 0 {
			bad := append([]byte(nil), body...)
			bad[r.IntN(len(bad))] ^= byte(1 + r.IntN(255))
			if wh.Verify(bad, h) == nil {
				t.Fatalf("seed %d: a changed body still verifies", seed)
			}
		}
		other, _ := standardwebhooks.NewWebhook(webhook.NewSecret())
		if other.Verify(body, h) == nil {
			t.Fatalf("seed %d: another secret verifies", seed)
		}
	}
}

func TestSecretShape(t *testing.T) {
	t.Parallel()
	a, b := webhook.NewSecret(), webhook.NewSecret()
	if !strings.HasPrefix(a, "whsec_") || len(a) != len("whsec_")+44 || a == b {
		t.Fatalf("secrets %q, %q", a, b)
	}
	for _, bad := range []string{"", "whsec_", "whsec_!!!", "c2VjcmV0"} {
		if _, err := webhook.Sign(bad, "id", time.Now(), nil); err == nil {
			t.Errorf("Sign accepted the secret %q", bad)
		}
	}
}

func randomText(r *rand.Rand, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return b
}
