package providertest

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault is one kind of transient trouble a fake can inject.
type Fault string

// Kinds of injected faults.
const (
	FaultServerError Fault = "500"
	FaultUnavailable Fault = "503"
	FaultRateLimited Fault = "429"
	FaultHang        Fault = "hang"
	// FaultLostAnswer processes the request, then never answers (until
	// the client gives up, or 504 after Faults.Hang): the ambiguous case
	// where a retry may repeat work that was already done. Opt-in only.
	FaultLostAnswer Fault = "lost"
)

// AllFaults are the kinds drawn when Faults.Kinds is empty.
var AllFaults = []Fault{FaultServerError, FaultUnavailable, FaultRateLimited, FaultHang}

// Faults injects transient failures into a fake's answers.
type Faults struct {
	// Rate is the fraction of requests (0..1) that fail.
	Rate float64
	// Kinds are drawn from uniformly; empty means AllFaults.
	Kinds []Fault
	// RetryAfter is sent with 429 and 503 answers, rounded to whole seconds
	// (0 sends no header).
	RetryAfter time.Duration
	// Hang is how long a hanging request stalls before answering 504; 0
	// means until the client gives up or the fake closes.
	Hang time.Duration
	// Seed makes the draws repeatable.
	Seed uint64
}

// injector draws faults; safe for concurrent use.
type injector struct {
	mu     sync.Mutex
	f      Faults
	rng    *rand.Rand
	counts map[Fault]int
}

func newInjector(f Faults) *injector {
	in := &injector{counts: map[Fault]int{}}
	in.set(f)
	return in
}

func (in *injector) set(f Faults) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.f = f
	in.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
}

// draw returns the fault for this request, or "" for none.
func (in *injector) draw() (Fault, Faults) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.f.Rate <= 0 || in.rng.Float64() >= in.f.Rate {
		return "", in.f
	}
	kinds := in.f.Kinds
	if len(kinds) == 0 {
		kinds = AllFaults
	}
	k := kinds[in.rng.IntN(len(kinds))]
	in.counts[k]++
	return k, in.f
}

func (in *injector) total() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := 0
	for _, c := range in.counts {
		n += c
	}
	return n
}

// faultBodies are a service's answers to injected 500, 503 and 429 faults.
type faultBodies func(f Fault) any

// wrap injects faults in front of next. Faults other than lost answers
// strike before the request reaches next, so they never change state.
func (in *injector) wrap(next http.Handler, closing <-chan struct{}, bodies faultBodies) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k, f := in.draw()
		switch k {
		case "":
			next.ServeHTTP(w, r)
			return
		case FaultLostAnswer:
			next.ServeHTTP(discard{h: http.Header{}}, r)
			fallthrough
		case FaultHang:
			hang(r, closing, f.Hang)
			writeJSON(w, http.StatusGatewayTimeout, bodies(FaultServerError))
			return
		}
		status, _ := strconv.Atoi(string(k))
		if f.RetryAfter > 0 && k != FaultServerError {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter.Round(time.Second)/time.Second)))
		}
		writeJSON(w, status, bodies(k))
	})
}

// discard is a ResponseWriter that drops the answer.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

func hang(r *http.Request, closing <-chan struct{}, d time.Duration) {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-r.Context().Done():
	case <-closing:
	case <-timeout:
	}
}
