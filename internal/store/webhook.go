package store

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Webhooks keeps users' webhook endpoints and the log of every delivery
// attempt made to them. It is a port of its own, next to Store, Auth and
// Idempotency; both implementations satisfy all of them.
//
// Errors follow Store's rules: a missing row is ENOTFOUND.
type Webhooks interface {
	// CreateWebhook records w and fills CreatedAt when it is zero. w.ID is
	// chosen by the caller; a taken one is ECONFLICT.
	CreateWebhook(ctx context.Context, w *Webhook) error
	// GetWebhook returns one webhook with its secret, or ENOTFOUND.
	GetWebhook(ctx context.Context, id string) (*Webhook, error)
	// ListWebhooks returns the owner's webhooks, oldest first.
	ListWebhooks(ctx context.Context, owner string) ([]*Webhook, error)
	// WebhooksFor returns the owner's webhooks subscribed to event.
	WebhooksFor(ctx context.Context, owner, event string) ([]*Webhook, error)
	// DeleteWebhook removes the owner's webhook and its delivery log; a
	// webhook of another owner, or none, is ENOTFOUND.
	DeleteWebhook(ctx context.Context, owner, id string) error
	// AddWebhookDelivery appends one attempt to a webhook's delivery log and
	// assigns its ID. A webhook that no longer exists is ENOTFOUND.
	AddWebhookDelivery(ctx context.Context, d *WebhookDelivery) error
	// ListWebhookDeliveries returns up to limit attempts of one webhook,
	// newest first (limit as SessionLimit: 0 is the default, capped).
	ListWebhookDeliveries(ctx context.Context, webhookID string, limit int) ([]*WebhookDelivery, error)
}

// Webhook events a user can subscribe to: the session events of the same
// names, and a stored artifact.
const (
	WebhookCheckpoint   = shoot.EventCheckpoint
	WebhookComplete     = shoot.EventComplete
	WebhookError        = shoot.EventError
	WebhookAssetCreated = "asset.created"
)

// WebhookEvents lists every event a webhook may subscribe to.
var WebhookEvents = []string{WebhookCheckpoint, WebhookComplete, WebhookError, WebhookAssetCreated}

// Outcomes of a delivery attempt.
const (
	DeliveryDelivered = "delivered" // the receiver answered 2xx
	DeliveryRetrying  = "retrying"  // failed; another attempt is scheduled
	DeliveryFailed    = "failed"    // failed; no attempt follows
)

// Webhook is one user's endpoint. Secret ("whsec_…") signs its deliveries;
// the API shows it only in the answer that creates the webhook.
type Webhook struct {
	ID        string
	Owner     string
	URL       string
	Events    []string
	Secret    string
	CreatedAt time.Time
}

// Subscribes reports whether w wants event.
func (w *Webhook) Subscribes(event string) bool { return slices.Contains(w.Events, event) }

// WebhookDelivery is one attempt to deliver one message to one webhook.
// MessageID is the webhook-id header, the same on every attempt of a
// message.
type WebhookDelivery struct {
	ID          int64
	WebhookID   string
	MessageID   string
	Event       string
	SessionID   string
	Attempt     int
	Status      int // the receiver's HTTP status; 0 when it did not answer
	Error       string
	Outcome     string
	AttemptedAt time.Time
	Duration    time.Duration // stored to the millisecond
}

// webhookIDRe is the shape of webhook ids: "wh_" and 1–64 letters, digits,
// "_" or "-".
var webhookIDRe = regexp.MustCompile(`^wh_[A-Za-z0-9_-]{1,64}$`)

// ValidWebhookID reports whether id can name a webhook.
func ValidWebhookID(id string) bool { return webhookIDRe.MatchString(id) }

// MaxWebhookURL bounds a webhook URL's length.
const MaxWebhookURL = 2048

// CheckWebhook checks a webhook before it is stored and fills CreatedAt.
// The URL's reachability is the caller's business (internal/webhook).
func CheckWebhook(w *Webhook) error {
	switch {
	case !ValidWebhookID(w.ID):
		return shoot.Errorf(shoot.EINVALID, "invalid webhook id")
	case w.Owner == "":
		return shoot.Errorf(shoot.EINVALID, "a webhook needs an owner")
	case w.URL == "" || len(w.URL) > MaxWebhookURL:
		return shoot.Errorf(shoot.EINVALID, "a webhook url is 1 to %d characters", MaxWebhookURL)
	case w.Secret == "":
		return shoot.Errorf(shoot.EINVALID, "a webhook needs a secret")
	case len(w.Events) == 0:
		return shoot.Errorf(shoot.EINVALID, "a webhook needs at least one event")
	}
	for _, e := range w.Events {
		if !slices.Contains(WebhookEvents, e) {
			return shoot.Errorf(shoot.EINVALID, "unknown webhook event %q", e)
		}
	}
	stamp(&w.CreatedAt)
	return nil
}

// CheckWebhookDelivery checks a delivery attempt and fills AttemptedAt.
func CheckWebhookDelivery(d *WebhookDelivery) error {
	switch {
	case !ValidWebhookID(d.WebhookID):
		return NotFound("Webhook")
	case d.MessageID == "" || len(d.MessageID) > 255:
		return shoot.Errorf(shoot.EINVALID, "a delivery's message id is 1 to 255 characters")
	case !slices.Contains(WebhookEvents, d.Event):
		return shoot.Errorf(shoot.EINVALID, "unknown webhook event %q", d.Event)
	case d.Attempt < 1 || d.Status < 0 || d.Status > 999 || d.Duration < 0:
		return shoot.Errorf(shoot.EINVALID, "bad delivery attempt, status or duration")
	case d.Outcome != DeliveryDelivered && d.Outcome != DeliveryRetrying && d.Outcome != DeliveryFailed:
		return shoot.Errorf(shoot.EINVALID, "unknown delivery outcome %q", d.Outcome)
	}
	if len(d.Error) > 1000 {
		d.Error = d.Error[:1000]
	}
	stamp(&d.AttemptedAt)
	d.Duration = d.Duration.Truncate(time.Millisecond)
	return nil
}

// Subscribed returns the webhooks of list that want event.
func Subscribed(list []*Webhook, event string) []*Webhook {
	out := []*Webhook{}
	for _, w := range list {
		if w.Subscribes(event) {
			out = append(out, w)
		}
	}
	return out
}

// SplitEvents reads the stored comma list of a webhook's events.
func SplitEvents(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
