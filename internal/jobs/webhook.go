package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/fashionshoot/shoot/internal/webhook"
)

// DeliveryArgs is the River job of one webhook message to one endpoint.
// River keeps one such job per (webhook, message) (the unique fields of
// webhook.Delivery), so a message reported twice is sent once.
type DeliveryArgs struct {
	webhook.Delivery
}

// Kind is the River job kind.
func (DeliveryArgs) Kind() string { return "shoot_webhook" }

// Deliverer makes the attempts of webhook deliveries (webhook.Deliverer).
type Deliverer interface {
	// Deliver makes attempt n; a webhook.IsFinal error ends the delivery,
	// any other error is retried after RetryAfter(n).
	Deliver(ctx context.Context, d webhook.Delivery, n int, last bool) error
	RetryAfter(n int) time.Duration
	// Attempts is how many times a message is tried in all.
	Attempts() int
}

// deliveryTimeout bounds one attempt's job run: the sender's own timeout
// and the log write fit well inside it.
const deliveryTimeout = time.Minute

type deliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	d Deliverer
}

func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[DeliveryArgs]) error {
	err := w.d.Deliver(ctx, job.Args.Delivery, job.Attempt, job.Attempt >= job.MaxAttempts)
	if webhook.IsFinal(err) {
		return river.JobCancel(err)
	}
	return err
}

// NextRetry follows the deliverer's schedule, which spans about a day.
func (w *deliveryWorker) NextRetry(job *river.Job[DeliveryArgs]) time.Time {
	return time.Now().Add(w.d.RetryAfter(job.Attempt))
}

func (w *deliveryWorker) Timeout(*river.Job[DeliveryArgs]) time.Duration { return deliveryTimeout }

// errNoDeliverer refuses deliveries on a queue built without Options.Webhooks.
var errNoDeliverer = errors.New("jobs: the queue has no webhook deliverer")

// EnqueueDeliveries puts webhook deliveries on the queue, each with the
// deliverer's number of attempts; a delivery already queued (same webhook
// and message) is skipped.
func (q *queue) EnqueueDeliveries(ctx context.Context, ds ...webhook.Delivery) error {
	if q.webhooks == nil {
		return errNoDeliverer
	}
	if len(ds) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(ds))
	for i, d := range ds {
		params[i] = river.InsertManyParams{Args: DeliveryArgs{Delivery: d}, InsertOpts: &river.InsertOpts{
			MaxAttempts: q.webhooks.Attempts(),
			UniqueOpts:  river.UniqueOpts{ByArgs: true},
		}}
	}
	_, err := q.c.InsertMany(ctx, params)
	return err
}
