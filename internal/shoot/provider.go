package shoot

import (
	"encoding/json"
	"time"
)

// Image request kinds.
const (
	ImageHero         = "hero"
	ImageContactSheet = "contact-sheet"
	ImageFrameEdit    = "frame-edit"
)

// Reference is an image handed to a provider: bytes plus their sniffed type.
type Reference struct {
	Name        string
	ContentType string
	Data        []byte
}

// ImageRequest asks an image provider for one picture.
type ImageRequest struct {
	Kind        string // ImageHero, ImageContactSheet or ImageFrameEdit
	Prompt      string
	References  []Reference
	AspectRatio string // e.g. "3:2"
	Resolution  string // 1K, 2K or 4K
	Format      string // png, jpeg or webp
	Seed        int64
	// Key is a deterministic idempotency key of (session, artifact, inputs).
	Key string
	// Background is the background preset id (the studio provider uses it to
	// choose a backdrop; remote providers read the prompt).
	Background string
	// CallbackURL, when set, is where the provider should announce the
	// end of the task (providers without callbacks ignore it).
	CallbackURL string
}

// ClipRequest asks a video provider for one clip from Start to End.
type ClipRequest struct {
	Prompt         string
	NegativePrompt string
	Start, End     Reference
	Seconds        int // 5 or 10
	Seed           int64
	Key            string
	AspectRatio    string
	// CallbackURL, when set, is where the provider should announce the
	// end of the task (providers without callbacks ignore it).
	CallbackURL string
}

// TaskStatus is the state of a provider job at one poll.
type TaskStatus struct {
	Done     bool
	Progress float64  // 0..1 when known, else 0
	Logs     []string // new log lines since the last poll
	Result   *Artifact
	// Took is how long the provider says a finished task ran, from
	// submission to result on its own clock; 0 when it does not say.
	Took time.Duration
}

// Artifact is a finished provider result, downloaded into memory.
type Artifact struct {
	Data        []byte
	ContentType string
	Provider    string
	Model       string
	Seed        int64
	// Units and CostUSD feed the cost ledger (e.g. 1 image, 5 seconds).
	Units   float64
	Unit    string
	CostUSD float64
	// Details are provider facts worth keeping with the asset, as a JSON
	// object (the offline studio's real pixel size and how it used each
	// reference); nil when the provider has none.
	Details json.RawMessage
}
