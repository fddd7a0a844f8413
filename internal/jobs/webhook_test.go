package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/jobs"
	"github.com/fashionshoot/shoot/internal/webhook"
)

// fakeDeliverer answers per webhook: "ok" takes the message, "flaky" fails
// once then takes it, "refused" fails for good. It records the attempts.
type fakeDeliverer struct {
	mu       sync.Mutex
	attempts map[string][]int
	lasts    map[string][]bool
}

func (f *fakeDeliverer) Deliver(_ context.Context, d webhook.Delivery, n int, last bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts[d.WebhookID] = append(f.attempts[d.WebhookID], n)
	f.lasts[d.WebhookID] = append(f.lasts[d.WebhookID], last)
	switch {
	case d.WebhookID == "wh_flaky" && n == 1:
		return errors.New("the receiver answered 500")
	case d.WebhookID == "wh_refused":
		return webhook.Final(errors.New("refused"))
	}
	return nil
}

func (f *fakeDeliverer) RetryAfter(int) time.Duration { return 10 * time.Millisecond }
func (f *fakeDeliverer) Attempts() int                { return 3 }

func (f *fakeDeliverer) of(id string) ([]int, []bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.attempts[id]...), append([]bool(nil), f.lasts[id]...)
}

func TestDeliveriesRunOnceEachAndRetry(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := queueDB(t)
	plain, err := jobs.NewSQLite(ctx, db, &scripted{calls: map[string]int{}}, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.EnqueueDeliveries(ctx, webhook.Delivery{WebhookID: "wh_ok", MessageID: "m"}); err == nil {
		t.Error("a queue without a deliverer took a delivery")
	}
	f := &fakeDeliverer{attempts: map[string][]int{}, lasts: map[string][]bool{}}
	q, err := jobs.NewSQLite(ctx, db, &scripted{calls: map[string]int{}},
		jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond, Webhooks: f})
	if err != nil {
		t.Fatal(err)
	}
	msg := func(hook string) webhook.Delivery {
		return webhook.Delivery{WebhookID: hook, MessageID: "msg_1", Event: "complete", Body: `{"type":"complete"}`}
	}
	// The same message for the same webhook, twice: one job.
	if err := q.EnqueueDeliveries(ctx, msg("wh_ok"), msg("wh_flaky")); err != nil {
		t.Fatal(err)
	}
	if err := q.EnqueueDeliveries(ctx, msg("wh_ok"), msg("wh_refused")); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(context.WithoutCancel(ctx))
	deadline := time.Now().Add(30 * time.Second)
	var counts []jobs.JobCount
	for {
		if counts, err = jobs.CountJobs(ctx, db, "sqlite"); err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, c := range counts {
			got[c.Kind+"/"+c.State] = c.N
		}
		if len(got) == 2 && got["shoot_webhook/completed"] == 2 && got["shoot_webhook/cancelled"] == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job counts %+v, want two completed and one cancelled delivery", counts)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for hook, wantAttempts := range map[string][]int{"wh_ok": {1}, "wh_flaky": {1, 2}, "wh_refused": {1}} {
		got, lasts := f.of(hook)
		if len(got) != len(wantAttempts) {
			t.Errorf("%s: attempts %v, want %v", hook, got, wantAttempts)
			continue
		}
		for i := range got {
			if got[i] != wantAttempts[i] || lasts[i] != (got[i] == 3) {
				t.Errorf("%s: attempts %v (last %v), want %v", hook, got, lasts, wantAttempts)
			}
		}
	}
}
