package fal_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// waits records backoff waits instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) has(d time.Duration) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, x := range w.d {
		if x == d {
			return true
		}
	}
	return false
}

type env struct {
	fake  *providertest.FAL
	opts  fal.Options
	waits *waits
	logs  *providertest.LogSink
}

// newEnv starts a FAL fake and client options pointing at it, with instant
// backoff and a short try timeout (hangs cost 300 ms).
func newEnv(t *testing.T, fo providertest.FALOptions) *env {
	t.Helper()
	f := providertest.NewFAL(fo)
	t.Cleanup(f.Close)
	w := &waits{}
	lb := providertest.NewLogSink(t)
	return &env{fake: f, waits: w, logs: lb, opts: fal.Options{
		Key:             f.Key(),
		QueueURL:        f.URL,
		RestURL:         f.URL,
		Logger:          slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Retry:           httpx.Policy{Attempts: 8, Sleep: w.sleep},
		RequestTimeout:  300 * time.Millisecond,
		TransferTimeout: 300 * time.Millisecond,
	}}
}

// pollUntilDone polls like a job would: transient errors mean "poll again".
func pollUntilDone(t *testing.T, poll func() (shoot.TaskStatus, error)) (shoot.TaskStatus, []string, error) {
	t.Helper()
	var logs []string
	for range 200 {
		st, err := poll()
		logs = append(logs, st.Logs...)
		if shoot.ErrorCode(err) == shoot.EUNAVAILABLE {
			continue
		}
		if err != nil || st.Done {
			return st, logs, err
		}
	}
	t.Fatal("request never finished")
	return shoot.TaskStatus{}, nil, nil
}

// near compares money amounts.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// describe prints an artifact without its bytes.
func describe(a *shoot.Artifact) string {
	if a == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%s %s/%s %d bytes, %v %s, $%.4f", a.ContentType, a.Provider, a.Model, len(a.Data), a.Units, a.Unit, a.CostUSD)
}

func ref(name, ct string, data []byte) shoot.Reference {
	return shoot.Reference{Name: name, ContentType: ct, Data: data}
}

// httpGet fetches a URL from a fake without credentials.
func httpGet(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}
