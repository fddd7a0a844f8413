package jobs

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/riverqueue/river"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/fashionshoot/shoot/internal/telemetry"
)

// jobMeta is what the studio keeps in a River job's metadata: the W3C
// trace context (traceparent, tracestate, baggage) of whoever enqueued the
// work, so the worker that runs it, in this process or another, continues
// the same trace.
type jobMeta struct {
	Trace map[string]string `json:"trace,omitempty"`
}

// traceMetadata is the job metadata carrying ctx's trace, or nil when ctx
// has none (River then stores an empty object).
func traceMetadata(ctx context.Context) []byte {
	carrier := propagation.MapCarrier{}
	telemetry.Propagator().Inject(ctx, carrier)
	if len(carrier) == 0 {
		return nil
	}
	b, err := json.Marshal(jobMeta{Trace: carrier})
	if err != nil {
		return nil
	}
	return b
}

// startJobSpan continues the trace stored in the job's metadata with a
// consumer span for this run. Metadata without a trace (jobs queued before
// tracing, or by a caller without one) starts a new trace.
func (w *worker) startJobSpan(ctx context.Context, job *river.Job[WorkArgs]) (context.Context, trace.Span) {
	var meta jobMeta
	if len(job.Metadata) > 0 && json.Unmarshal(job.Metadata, &meta) == nil && len(meta.Trace) > 0 {
		ctx = telemetry.Propagator().Extract(ctx, propagation.MapCarrier(meta.Trace))
	}
	tp := w.tracing
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return tp.Tracer(telemetry.ScopeName).Start(ctx, "job "+job.Args.Work.Kind,
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			attribute.String("shoot.work.kind", job.Args.Work.Kind),
			attribute.String("shoot.session_id", job.Args.SessionID),
			attribute.Int("shoot.work.n", job.Args.N),
			attribute.String("messaging.system", "river"),
			attribute.String("messaging.message.id", strconv.FormatInt(job.ID, 10)),
			attribute.Int("shoot.job.attempt", job.Attempt)))
}
