package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/fashionshoot/shoot/internal/jobs"
	"github.com/fashionshoot/shoot/internal/pipeline"
)

// spanRunner records the span context each job's work ran under, by kind,
// and starts a child span there as a provider call would.
type spanRunner struct {
	mu  sync.Mutex
	got map[string]trace.SpanContext
}

func (r *spanRunner) Do(ctx context.Context, w pipeline.Work, _ bool) error {
	_, child := trace.SpanFromContext(ctx).TracerProvider().Tracer("runner").Start(ctx, "provider call "+w.Kind)
	child.End()
	r.mu.Lock()
	r.got[w.Kind] = trace.SpanContextFromContext(ctx)
	r.mu.Unlock()
	return nil
}

func (r *spanRunner) of(kind string) (trace.SpanContext, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sc, ok := r.got[kind]
	return sc, ok
}

// TestJobContinuesEnqueuersTrace enqueues work on the real River queue in
// SQLite under a span of one tracer provider (the API process) and works it
// with another (a worker process): the job's span continues the enqueuer's
// trace with the enqueuing span as its remote parent, the work runs under
// the job's span, and work queued without a trace starts a new one.
func TestJobContinuesEnqueuersTrace(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := queueDB(t)
	apiRec, workerRec := tracetest.NewSpanRecorder(), tracetest.NewSpanRecorder()
	apiTP := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(apiRec))
	workerTP := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(workerRec))
	runner := &spanRunner{got: map[string]trace.SpanContext{}}
	q, err := jobs.NewSQLite(ctx, db, runner,
		jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond, ID: "worker-t", TracerProvider: workerTP})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(context.WithoutCancel(ctx))

	reqCtx, reqSpan := apiTP.Tracer("api").Start(ctx, "POST /api/generate")
	if _, err := q.Enqueue(reqCtx, pipeline.Work{Kind: "traced", SessionID: "session_1_t"}); err != nil {
		t.Fatal(err)
	}
	reqSpan.End()
	if _, err := q.Enqueue(ctx, pipeline.Work{Kind: "untraced"}); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(30 * time.Second)
	for len(workerRec.Ended()) < 4 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	jobSpans := map[string]sdktrace.ReadOnlySpan{}
	children := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range workerRec.Ended() {
		switch s.Name() {
		case "job traced", "job untraced":
			jobSpans[s.Name()] = s
		case "provider call traced", "provider call untraced":
			children[s.Name()] = s
		}
	}
	want := reqSpan.SpanContext()
	js := jobSpans["job traced"]
	if js == nil {
		t.Fatalf("no span for the traced job; worker spans: %d", len(workerRec.Ended()))
	}
	if js.SpanContext().TraceID() != want.TraceID() || js.Parent().SpanID() != want.SpanID() || !js.Parent().IsRemote() {
		t.Errorf("job span trace %s parent %s (remote %v), want trace %s under the enqueuing span %s",
			js.SpanContext().TraceID(), js.Parent().SpanID(), js.Parent().IsRemote(), want.TraceID(), want.SpanID())
	}
	if js.SpanKind() != trace.SpanKindConsumer {
		t.Errorf("job span kind %v, want consumer", js.SpanKind())
	}
	if sc, ok := runner.of("traced"); !ok || sc.SpanID() != js.SpanContext().SpanID() {
		t.Errorf("the work ran under span %v, want the job's %s", sc.SpanID(), js.SpanContext().SpanID())
	}
	if c := children["provider call traced"]; c == nil {
		t.Error("the work's own span was not recorded by the worker's provider")
	} else if c.Parent().SpanID() != js.SpanContext().SpanID() || c.SpanContext().TraceID() != want.TraceID() {
		t.Errorf("the work's own span has parent %s in trace %s, want the job span %s in trace %s",
			c.Parent().SpanID(), c.SpanContext().TraceID(), js.SpanContext().SpanID(), want.TraceID())
	}
	un := jobSpans["job untraced"]
	if un == nil {
		t.Fatal("no span for the untraced job")
	}
	if un.Parent().IsValid() || un.SpanContext().TraceID() == want.TraceID() {
		t.Errorf("work queued without a trace has parent %v in trace %s; want a new root", un.Parent(), un.SpanContext().TraceID())
	}
	if n := len(apiRec.Ended()); n != 1 {
		t.Errorf("the API provider recorded %d spans, want only its request span", n)
	}
}
