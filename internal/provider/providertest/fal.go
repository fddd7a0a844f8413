package providertest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"
)

// DefaultFALKey is the key a FAL fake accepts unless told otherwise. It has
// the real keys' "<key_id>:<key_secret>" form.
const DefaultFALKey = "fake-key-id:fake-key-secret"

// FALOptions configure a FAL fake. The zero value works.
type FALOptions struct {
	// Key is the accepted FAL key; "" means DefaultFALKey.
	Key string
	// Image and Video make result file bytes for a finished request from
	// its endpoint id and input. Defaults: a PNG sized from aspect_ratio, and
	// StubMP4.
	Image  func(endpoint string, input map[string]any) []byte
	Video  func(endpoint string, input map[string]any) []byte
	Timing Timing
	Faults Faults
	// Reject returns a non-empty message to refuse a submission with a 422.
	Reject func(endpoint string, input map[string]any) string
	// Fail returns a non-empty message to accept a submission but fail it.
	Fail func(endpoint string, input map[string]any) string
	// StartField and EndField name the video endpoints' frame inputs;
	// defaults start_image_url and end_image_url.
	StartField, EndField string
	// StreamTick is how often a status stream re-examines its job (a
	// job moves on one poll per tick); default 50 ms.
	StreamTick time.Duration
}

// FAL is a running fake of FAL's queue, storage and CDN on one loopback
// server: use URL as both the queue URL and the REST URL.
type FAL struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string

	opts    FALOptions
	srv     *httptest.Server
	faults  *injector
	closing chan struct{}
	once    sync.Once

	mu      sync.Mutex
	jobs    map[string]*job
	uploads map[string]*falUpload // by token
	media   map[string]falMedia   // by file name
	inputs  []Submission
	n       falCounts
	signer  falSigner
	seen    seenLog

	webhooks CallbackLog
}

// Submission is one accepted submission: where it went and its JSON body.
type Submission struct {
	Endpoint string
	Input    map[string]any
}

type falUpload struct {
	contentType, name string
	data              []byte
	done              bool
}

type falMedia struct {
	contentType string
	data        []byte
}

type falCounts struct {
	submissions       map[string]int
	uploads, polls    int
	streams           int
	cancels, download int
	active, highWater int
	authLeaks         int
}

// NewFAL starts a FAL fake. Close it when done.
func NewFAL(opts FALOptions) *FAL {
	if opts.Key == "" {
		opts.Key = DefaultFALKey
	}
	if opts.Image == nil {
		opts.Image = defaultImage
	}
	if opts.Video == nil {
		opts.Video = defaultVideo
	}
	if opts.StartField == "" {
		opts.StartField = "start_image_url"
	}
	if opts.EndField == "" {
		opts.EndField = "end_image_url"
	}
	f := &FAL{
		opts:    opts,
		faults:  newInjector(opts.Faults),
		closing: make(chan struct{}),
		jobs:    map[string]*job{},
		uploads: map[string]*falUpload{},
		media:   map[string]falMedia{},
		n:       falCounts{submissions: map[string]int{}},
	}
	f.signer.rotate()
	f.srv = httptest.NewServer(f.routes())
	f.URL = f.srv.URL
	return f
}

// Close stops the server, releasing any hanging requests first.
func (f *FAL) Close() {
	f.once.Do(func() { close(f.closing) })
	f.srv.Close()
}

// Key returns the FAL key the fake accepts.
func (f *FAL) Key() string { return f.opts.Key }

// SetFaults replaces the fault injection settings.
func (f *FAL) SetFaults(fs Faults) { f.faults.set(fs) }

// FaultsInjected counts the faults injected so far.
func (f *FAL) FaultsInjected() int { return f.faults.total() }

// Submissions counts accepted submissions to endpoint ("" = all endpoints).
func (f *FAL) Submissions(endpoint string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return countOf(f.n.submissions, endpoint)
}

// countOf returns counts[key], or the sum of all counts when key is "".
func countOf(counts map[string]int, key string) int {
	if key != "" {
		return counts[key]
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	return total
}

// Inputs returns the accepted submissions in order.
func (f *FAL) Inputs() []Submission {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.inputs)
}

// Seen returns every request received so far, in order.
func (f *FAL) Seen() []Seen { return f.seen.list() }

// Uploads counts files fully uploaded to storage.
func (f *FAL) Uploads() int { return f.count(func(c *falCounts) int { return c.uploads }) }

// Polls counts answered status polls.
func (f *FAL) Polls() int { return f.count(func(c *falCounts) int { return c.polls }) }

// Cancels counts accepted cancellations.
func (f *FAL) Cancels() int { return f.count(func(c *falCounts) int { return c.cancels }) }

// Downloads counts result files served.
func (f *FAL) Downloads() int { return f.count(func(c *falCounts) int { return c.download }) }

// Active counts requests queued or in progress now.
func (f *FAL) Active() int { return f.count(func(c *falCounts) int { return c.active }) }

// ActiveHighWater is the most requests queued or in progress at once.
func (f *FAL) ActiveHighWater() int { return f.count(func(c *falCounts) int { return c.highWater }) }

// AuthLeaks counts storage and media requests that carried credentials.
func (f *FAL) AuthLeaks() int { return f.count(func(c *falCounts) int { return c.authLeaks }) }

func (f *FAL) count(get func(*falCounts) int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return get(&f.n)
}

// Finish lets a Manual job complete at its next poll; false if unknown.
func (f *FAL) Finish(requestID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[requestID]
	if ok {
		j.released = true
	}
	return ok
}

// FinishAll releases every Manual job.
func (f *FAL) FinishAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, j := range f.jobs {
		j.released = true
	}
}

func (f *FAL) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /storage/upload/initiate", f.initiate)
	mux.HandleFunc("PUT /upload/{token}", f.upload)
	mux.HandleFunc("GET /files/{token}/{name}", f.file)
	mux.HandleFunc("GET /media/{name}", f.serveMedia)
	mux.HandleFunc("GET /.well-known/jwks.json", f.serveJWKS)
	mux.HandleFunc("GET /{owner}/{app}/requests/{id}/status", f.withJob(f.status))
	mux.HandleFunc("GET /{owner}/{app}/requests/{id}/status/stream", f.statusStream)
	mux.HandleFunc("GET /{owner}/{app}/requests/{id}", f.withJob(f.result))
	mux.HandleFunc("PUT /{owner}/{app}/requests/{id}/cancel", f.cancel)
	mux.HandleFunc("POST /", f.submit)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
	})
	return f.seen.wrap(f.faults.wrap(mux, f.closing, falFaultBody))
}

// falFaultBody is FAL's body for injected faults.
func falFaultBody(k Fault) any {
	switch k {
	case FaultRateLimited:
		return map[string]any{"detail": "Too many requests, please slow down"}
	case FaultUnavailable:
		return map[string]any{"detail": "Service temporarily unavailable"}
	}
	return map[string]any{"detail": "Internal Server Error"}
}

// authorized checks "Authorization: Key <key>" and answers FAL's 401.
func (f *FAL) authorized(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	key, ok := cutPrefixFold(h, "Key ")
	switch {
	case !ok || !containsColon(key):
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Invalid Key Authorization header format. Expected '<key_id>:<key_secret>'."})
		return false
	case key != f.opts.Key:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "No user found for Key ID and Secret"})
		return false
	}
	return true
}

// gate checks auth for an API route.
func (f *FAL) gate(w http.ResponseWriter, r *http.Request) bool { return f.authorized(w, r) }

// gateOpen is gate for signed/public URLs: no auth, but count leaks.
func (f *FAL) gateOpen(_ http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		f.mu.Lock()
		f.n.authLeaks++
		f.mu.Unlock()
	}
	return true
}

func (f *FAL) now() time.Time { return time.Now() }
