package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// Delivery is one message for one webhook: the durable job the queue keeps
// until the receiver takes it or the attempts run out. MessageID is the
// webhook-id header of every attempt, so a receiver can drop a repeat; the
// queue keeps at most one job per (WebhookID, MessageID). Body is the
// JSON text as a string, so a queue that stores job arguments as parsed
// JSON (PostgreSQL's jsonb) keeps it byte for byte.
type Delivery struct {
	WebhookID string `json:"webhookId" river:"unique"`
	MessageID string `json:"messageId" river:"unique"`
	Event     string `json:"event"`
	SessionID string `json:"sessionId,omitempty"`
	Body      string `json:"body"`
}

// Payload is the JSON body of every delivery, in the shape Standard
// Webhooks suggests: the event type, when it happened, and its data.
type Payload struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// EventData is the data of a checkpoint, complete or error delivery: the
// session, the event's number in its log, and the event as the session's
// event stream sends it.
type EventData struct {
	SessionID string          `json:"sessionId"`
	Seq       int64           `json:"seq"`
	Event     json.RawMessage `json:"event"`
}

// AssetData is the data of an asset.created delivery.
type AssetData struct {
	SessionID string    `json:"sessionId"`
	Asset     AssetInfo `json:"asset"`
}

// AssetInfo describes a stored artifact; URL is its path on the studio.
type AssetInfo struct {
	Type      string    `json:"type"`
	Index     int       `json:"index"`
	Version   int       `json:"version"`
	FileName  string    `json:"fileName"`
	URL       string    `json:"url"`
	Size      int64     `json:"size"`
	MimeType  string    `json:"mimeType"`
	CreatedAt time.Time `json:"createdAt"`
}

// messageID names one happening for every attempt of its delivery: "msg_"
// and a digest of what identifies it, so the same event or asset gets the
// same id however often it is reported.
func messageID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "msg_" + hex.EncodeToString(h.Sum(nil)[:16])
}

// Enqueuer puts deliveries on the durable queue (internal/jobs).
type Enqueuer interface {
	EnqueueDeliveries(ctx context.Context, ds ...Delivery) error
}

// Source is the part of the store the Dispatcher reads.
type Source interface {
	GetSession(ctx context.Context, id string) (*shoot.Session, error)
	WebhooksFor(ctx context.Context, owner, event string) ([]*store.Webhook, error)
}

// LocalOwner is whose webhooks hear about sessions that have no owner
// (those `shoot run` makes): the local user of SHOOT_AUTH=none.
const LocalOwner = "local"

// Dispatcher turns session events and stored artifacts into deliveries for
// the session owner's webhooks that subscribe to them. It is called in the
// process that records the event, right after it is recorded, so each event
// is dispatched once.
type Dispatcher struct {
	src    Source
	queue  Enqueuer
	logger *slog.Logger
}

// NewDispatcher returns a Dispatcher; logger may be nil.
func NewDispatcher(src Source, q Enqueuer, logger *slog.Logger) *Dispatcher {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{src: src, queue: q, logger: logger}
}

// dispatchTimeout bounds the lookups and the enqueue of one event.
const dispatchTimeout = 10 * time.Second

// Event dispatches a session event: checkpoint, complete and error are
// sent; every other type is ignored. Failures are logged: the event is
// recorded already and must not be undone.
func (d *Dispatcher) Event(ctx context.Context, ev shoot.Event) {
	switch ev.Type {
	case shoot.EventCheckpoint, shoot.EventComplete, shoot.EventError:
	default:
		return
	}
	data := EventData{SessionID: ev.SessionID, Seq: ev.Seq, Event: ev.Data}
	d.dispatch(ctx, ev.SessionID, ev.Type, ev.CreatedAt, data,
		messageID("event", ev.SessionID, strconv.FormatInt(ev.Seq, 10)))
}

// Asset dispatches asset.created for a stored artifact. Storing the same
// version again (a re-run) reports the same message, which the queue keeps
// once.
func (d *Dispatcher) Asset(ctx context.Context, a *shoot.Asset) {
	info := AssetInfo{Type: a.Type, Index: a.Index, Version: a.Version, FileName: a.FileName, URL: "/" + a.Key,
		Size: a.Size, MimeType: a.MimeType, CreatedAt: a.CreatedAt}
	d.dispatch(ctx, a.SessionID, store.WebhookAssetCreated, a.CreatedAt, AssetData{SessionID: a.SessionID, Asset: info},
		messageID("asset", a.SessionID, a.Type, strconv.Itoa(a.Index), strconv.Itoa(a.Version)))
}

func (d *Dispatcher) dispatch(ctx context.Context, sid, event string, at time.Time, data any, msgID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dispatchTimeout)
	defer cancel()
	if err := d.enqueue(ctx, sid, event, at, data, msgID); err != nil {
		d.logger.Warn("webhook dispatch failed", "session_id", sid, "event", event, "err", err)
	}
}

func (d *Dispatcher) enqueue(ctx context.Context, sid, event string, at time.Time, data any, msgID string) error {
	s, err := d.src.GetSession(ctx, sid)
	if err != nil {
		return err
	}
	owner := s.Owner
	if owner == "" {
		owner = LocalOwner
	}
	hooks, err := d.src.WebhooksFor(ctx, owner, event)
	if err != nil || len(hooks) == 0 {
		return err
	}
	if at.IsZero() {
		at = time.Now()
	}
	body, err := json.Marshal(Payload{Type: event, Timestamp: at.UTC(), Data: data})
	if err != nil {
		return err
	}
	ds := make([]Delivery, len(hooks))
	for i, h := range hooks {
		ds[i] = Delivery{WebhookID: h.ID, MessageID: msgID, Event: event, SessionID: sid, Body: string(body)}
	}
	return d.queue.EnqueueDeliveries(ctx, ds...)
}

// Log is the part of the store a Deliverer uses.
type Log interface {
	GetWebhook(ctx context.Context, id string) (*store.Webhook, error)
	AddWebhookDelivery(ctx context.Context, d *store.WebhookDelivery) error
}

// Deliverer makes the attempts of deliveries: it signs and sends each one
// and writes it to the webhook's delivery log.
type Deliverer struct {
	log      Log
	sender   *Sender
	schedule Schedule
	attempts int
	logger   *slog.Logger
}

// DelivererOptions configure a Deliverer.
type DelivererOptions struct {
	// FirstRetry is the wait before the second attempt; each later wait is
	// four times the one before (see Backoff). 0 means DefaultFirstRetry.
	FirstRetry time.Duration
	// Attempts is how many times a message is tried in all; 0 means
	// MaxAttempts.
	Attempts int
	Logger   *slog.Logger
}

// NewDeliverer returns a Deliverer sending through s.
func NewDeliverer(log Log, s *Sender, o DelivererOptions) *Deliverer {
	if o.FirstRetry <= 0 {
		o.FirstRetry = DefaultFirstRetry
	}
	if o.Attempts <= 0 {
		o.Attempts = MaxAttempts
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Deliverer{log: log, sender: s, schedule: Backoff(o.FirstRetry), attempts: o.Attempts, logger: o.Logger}
}

// Attempts is how many times a message is tried in all.
func (d *Deliverer) Attempts() int { return d.attempts }

// RetryAfter is the wait after the n-th failed attempt.
func (d *Deliverer) RetryAfter(n int) time.Duration { return d.schedule(n) }

// errFinal marks a failure no later attempt can mend.
type errFinal struct{ error }

func (e errFinal) Unwrap() error { return e.error }

// Final marks err as final: no later attempt should follow.
func Final(err error) error { return errFinal{err} }

// IsFinal reports whether a Deliver error ends the delivery: the webhook
// is gone or its target refused. Any other error is worth another attempt.
func IsFinal(err error) bool {
	var f errFinal
	return errors.As(err, &f)
}

// Deliver makes attempt n of delivery x and logs it. It returns nil when the
// receiver took it, a final error (IsFinal) when no attempt should follow,
// and any other error to be retried (unless last says it was the last).
func (d *Deliverer) Deliver(ctx context.Context, x Delivery, n int, last bool) error {
	w, err := d.log.GetWebhook(ctx, x.WebhookID)
	if shoot.ErrorCode(err) == shoot.ENOTFOUND {
		return errFinal{err} // deleted meanwhile: nothing to send to, nowhere to log
	}
	if err != nil {
		return err
	}
	res := d.sender.Send(ctx, w.URL, w.Secret, Message{ID: x.MessageID, At: time.Now(), Body: []byte(x.Body)})
	entry := &store.WebhookDelivery{WebhookID: w.ID, MessageID: x.MessageID, Event: x.Event, SessionID: x.SessionID,
		Attempt: n, Status: res.Status, Outcome: store.DeliveryDelivered, Duration: res.Duration}
	final := IsRefused(res.Err)
	switch {
	case res.OK():
	case final || last:
		entry.Outcome, entry.Error = store.DeliveryFailed, res.Err.Error()
	default:
		entry.Outcome, entry.Error = store.DeliveryRetrying, res.Err.Error()
	}
	if err := d.log.AddWebhookDelivery(context.WithoutCancel(ctx), entry); err != nil {
		d.logger.Warn("webhook delivery log write failed", "webhook_id", w.ID, "message_id", x.MessageID, "err", err)
	}
	switch {
	case res.OK():
		return nil
	case final:
		return errFinal{res.Err}
	}
	return res.Err
}
