package providertest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"
)

// Default Kling credentials of a fake.
const (
	DefaultKlingAccessKey = "fake-access-key"
	DefaultKlingSecretKey = "fake-secret-key-that-signs-jwts"
)

// KlingModels are the model_name values a Kling fake accepts by default.
var KlingModels = []string{"kling-v1", "kling-v1-5", "kling-v1-6", "kling-v2-master", "kling-v2-1", "kling-v2-1-master", "kling-v2-5-turbo", "kling-v2-6", "kling-v3"}

// KlingOptions configure a Kling fake. The zero value works.
type KlingOptions struct {
	AccessKey, SecretKey string
	// Video makes a finished task's MP4 bytes; default StubMP4.
	Video  func(model string, input map[string]any) []byte
	Timing Timing
	Faults Faults
	// Reject returns a non-empty message to refuse a create with 400/1201.
	Reject func(model string, input map[string]any) string
	// Fail returns a non-empty message to accept a task but fail it.
	Fail func(model string, input map[string]any) string
	// MaxConcurrent is the account's task concurrency; 0 means unlimited.
	MaxConcurrent int
	// Now is the clock that JWTs are checked against; nil means time.Now.
	Now func() time.Time
	// Models are the accepted model_name values; nil means KlingModels.
	Models []string
	// CallbackTick is how often a task created with a callback_url moves
	// on by itself; default 50 ms.
	CallbackTick time.Duration
}

// Kling is a running fake of Kling's image-to-video API.
type Kling struct {
	// URL is the base URL, e.g. http://127.0.0.1:41235.
	URL string

	opts    KlingOptions
	srv     *httptest.Server
	faults  *injector
	closing chan struct{}
	once    sync.Once

	mu     sync.Mutex
	tasks  map[string]*job // by task_id
	byExt  map[string]*job // by external_task_id
	media  map[string][]byte
	inputs []Submission
	claims []Claims
	seq    int64
	n      klingCounts
	seen   seenLog

	callbacks CallbackLog
}

// Claims are the verified claims of one accepted JWT.
type Claims struct {
	Issuer    string
	ExpiresAt time.Time
	NotBefore time.Time
	// Checked is the fake's clock when it verified the token.
	Checked time.Time
}

type klingCounts struct {
	submissions       map[string]int
	duplicates, polls int
	download          int
	active, highWater int
	authLeaks         int
}

// NewKling starts a Kling fake. Close it when done.
func NewKling(opts KlingOptions) *Kling {
	if opts.AccessKey == "" {
		opts.AccessKey = DefaultKlingAccessKey
	}
	if opts.SecretKey == "" {
		opts.SecretKey = DefaultKlingSecretKey
	}
	if opts.Video == nil {
		opts.Video = defaultVideo
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Models == nil {
		opts.Models = KlingModels
	}
	k := &Kling{
		opts:    opts,
		faults:  newInjector(opts.Faults),
		closing: make(chan struct{}),
		tasks:   map[string]*job{},
		byExt:   map[string]*job{},
		media:   map[string][]byte{},
		seq:     867283741759111000,
		n:       klingCounts{submissions: map[string]int{}},
	}
	k.srv = httptest.NewServer(k.routes())
	k.URL = k.srv.URL
	return k
}

// Close stops the server, releasing any hanging requests first.
func (k *Kling) Close() {
	k.once.Do(func() { close(k.closing) })
	k.srv.Close()
}

// AccessKey and SecretKey return the credentials the fake accepts.
func (k *Kling) AccessKey() string { return k.opts.AccessKey }

// SecretKey returns the secret key that must sign the JWTs.
func (k *Kling) SecretKey() string { return k.opts.SecretKey }

// SetFaults replaces the fault injection settings.
func (k *Kling) SetFaults(fs Faults) { k.faults.set(fs) }

// FaultsInjected counts the faults injected so far.
func (k *Kling) FaultsInjected() int { return k.faults.total() }

// Seen returns every request received so far, in order.
func (k *Kling) Seen() []Seen { return k.seen.list() }

// Submissions counts accepted (paid) tasks for model ("" = all models).
func (k *Kling) Submissions(model string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return countOf(k.n.submissions, model)
}

// Inputs returns the accepted create bodies in order.
func (k *Kling) Inputs() []Submission {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.inputs)
}

// Claims returns the claims of every accepted JWT in order.
func (k *Kling) Claims() []Claims {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.claims)
}

// Duplicates counts creates refused for reusing an external_task_id.
func (k *Kling) Duplicates() int { return k.count(func(c *klingCounts) int { return c.duplicates }) }

// Polls counts answered task queries.
func (k *Kling) Polls() int { return k.count(func(c *klingCounts) int { return c.polls }) }

// Downloads counts result videos served.
func (k *Kling) Downloads() int { return k.count(func(c *klingCounts) int { return c.download }) }

// Active counts tasks submitted or processing now.
func (k *Kling) Active() int { return k.count(func(c *klingCounts) int { return c.active }) }

// ActiveHighWater is the most tasks submitted or processing at once.
func (k *Kling) ActiveHighWater() int {
	return k.count(func(c *klingCounts) int { return c.highWater })
}

// AuthLeaks counts media requests that carried credentials.
func (k *Kling) AuthLeaks() int { return k.count(func(c *klingCounts) int { return c.authLeaks }) }

func (k *Kling) count(get func(*klingCounts) int) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return get(&k.n)
}

// Finish lets a Manual task complete at its next poll (by task_id or
// external_task_id); false if unknown.
func (k *Kling) Finish(id string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	j := k.find(id)
	if j != nil {
		j.released = true
	}
	return j != nil
}

// FinishAll releases every Manual task.
func (k *Kling) FinishAll() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, j := range k.tasks {
		j.released = true
	}
}

// find looks a task up by task_id, then external_task_id. Needs k.mu.
func (k *Kling) find(id string) *job {
	if j := k.tasks[id]; j != nil {
		return j
	}
	return k.byExt[id]
}

func (k *Kling) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/videos/image2video", k.create)
	mux.HandleFunc("GET /v1/videos/image2video/{id}", k.query)
	mux.HandleFunc("GET /media/{name}", k.serveMedia)
	return k.seen.wrap(k.faults.wrap(mux, k.closing, klingFaultBody))
}
