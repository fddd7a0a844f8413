package provider_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/fashionshoot/shoot/internal/director/claude"
	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
	"github.com/fashionshoot/shoot/internal/director/directortest"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/provider/kling"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// traceparentRe reads a W3C traceparent: version, trace id, parent span id
// and flags. Written here from the header's definition, not taken from the
// code under test.
var traceparentRe = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$`)

// seen is one request a fake recorded: what it was and its traceparent.
type seen struct{ what, traceparent string }

// TestProviderRequestsCarryTraceparent runs each provider's whole exchange
// (uploads, submit, polls, result download; the director's streamed model
// call) against its local fake under an active span, and checks that every
// request the fake saw carried a traceparent of that span's trace, whose
// parent is a client span recorded under it.
func TestProviderRequestsCarryTraceparent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// run makes the provider's calls under ctx and returns what the
		// fake saw.
		run func(t *testing.T, ctx context.Context) []seen
		// least is how many requests the exchange makes at the fewest.
		least int
	}{
		{"fal images", runFALImage, 5},
		{"fal videos", runFALVideo, 6},
		{"kling videos", runKlingVideo, 3},
		{"anthropic director", runClaude, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			ctx, span := tp.Tracer("provider-test").Start(t.Context(), "stage job")
			got := c.run(t, ctx)
			span.End()
			want := span.SpanContext().TraceID().String()
			if len(got) < c.least {
				t.Fatalf("the fake saw %d requests, want at least %d", len(got), c.least)
			}
			clientSpans := map[string]bool{}
			for _, s := range rec.Ended() {
				if s.SpanKind() == trace.SpanKindClient && s.Parent().SpanID() == span.SpanContext().SpanID() {
					clientSpans[s.SpanContext().SpanID().String()] = true
				}
			}
			for _, r := range got {
				m := traceparentRe.FindStringSubmatch(r.traceparent)
				if m == nil {
					t.Errorf("%s: traceparent %q is missing or malformed", r.what, r.traceparent)
					continue
				}
				if m[1] != want {
					t.Errorf("%s: trace id %s, want the active span's %s", r.what, m[1], want)
				}
				if !clientSpans[m[2]] {
					t.Errorf("%s: parent span %s is not a client span of the active span", r.what, m[2])
				}
			}
		})
	}
}

func fromFakes(list []providertest.Seen) []seen {
	out := make([]seen, len(list))
	for i, s := range list {
		out[i] = seen{s.Method + " " + s.Path, s.Traceparent}
	}
	return out
}

func noWait(context.Context, time.Duration) error { return nil }

func falOptions(f *providertest.FAL) fal.Options {
	return fal.Options{Key: f.Key(), QueueURL: f.URL, RestURL: f.URL,
		Retry: httpx.Policy{Attempts: 4, Sleep: noWait}, RequestTimeout: 5 * time.Second,
		TransferTimeout: 5 * time.Second, StreamWait: 2 * time.Second}
}

// poll polls like a job would until the task is done.
func poll(t *testing.T, p func() (shoot.TaskStatus, error)) {
	t.Helper()
	for range 100 {
		st, err := p()
		if shoot.ErrorCode(err) == shoot.EUNAVAILABLE {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if st.Done {
			if st.Result == nil || len(st.Result.Data) == 0 {
				t.Fatalf("done without a result: %+v", st)
			}
			return
		}
	}
	t.Fatal("the task never finished")
}

func runFALImage(t *testing.T, ctx context.Context) []seen {
	f := providertest.NewFAL(providertest.FALOptions{Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1}})
	t.Cleanup(f.Close)
	c := fal.NewImages(falOptions(f))
	req := shoot.ImageRequest{Kind: shoot.ImageHero, Prompt: "editorial portrait", AspectRatio: "3:2", Resolution: "2K",
		Key: "s1/hero/v1", References: []shoot.Reference{{Name: "look.png", ContentType: "image/png", Data: providertest.PNG(64, 64)}}}
	h, err := c.SubmitImage(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	poll(t, func() (shoot.TaskStatus, error) { return c.PollImage(ctx, req, h) })
	return fromFakes(f.Seen())
}

func runFALVideo(t *testing.T, ctx context.Context) []seen {
	f := providertest.NewFAL(providertest.FALOptions{Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1}})
	t.Cleanup(f.Close)
	c := fal.NewVideos(falOptions(f))
	req := clipRequest()
	h, err := c.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	poll(t, func() (shoot.TaskStatus, error) { return c.PollClip(ctx, req, h) })
	return fromFakes(f.Seen())
}

func runKlingVideo(t *testing.T, ctx context.Context) []seen {
	k := providertest.NewKling(providertest.KlingOptions{Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1}})
	t.Cleanup(k.Close)
	c := kling.NewVideos(kling.Options{AccessKey: k.AccessKey(), SecretKey: k.SecretKey(), BaseURL: k.URL,
		Retry: httpx.Policy{Attempts: 4, Sleep: noWait}, RequestTimeout: 5 * time.Second, TransferTimeout: 5 * time.Second})
	req := clipRequest()
	h, err := c.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	poll(t, func() (shoot.TaskStatus, error) { return c.PollClip(ctx, req, h) })
	return fromFakes(k.Seen())
}

func clipRequest() shoot.ClipRequest {
	return shoot.ClipRequest{
		Prompt: "the camera glides around her",
		Start:  shoot.Reference{Name: "frame-1.png", ContentType: "image/png", Data: providertest.PNG(640, 400)},
		End:    shoot.Reference{Name: "frame-2.png", ContentType: "image/png", Data: providertest.PNG(640, 400)},
		Key:    "s1/clip-1/v1",
	}
}

// runClaude runs one opening turn of the Claude director: a streamed model
// call answered by the fake with a plain reply.
func runClaude(t *testing.T, ctx context.Context) []seen {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &shoot.Session{ID: "session_1_trace", Status: shoot.StatusActive, PipelineStage: shoot.StageInit,
		RunState: shoot.RunRunning, Brief: "a linen suit", Metadata: json.RawMessage(`{}`)}
	if err := db.CreateSession(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	api := claudetest.Start(t)
	api.Script(claudetest.Reply(claudetest.Text("Linen wants daylight.")))
	d, err := claude.New(claude.Options{APIKey: claudetest.TestKey, BaseURL: api.URL, Store: db,
		Logger: slog.New(slog.DiscardHandler), Retry: claude.Retry{Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	in := pipeline.TurnInput{Kind: pipeline.TurnStart, Session: s, Text: s.Brief}
	if err := d.Turn(ctx, in, &directortest.Actions{}, discard{}); err != nil {
		t.Fatal(err)
	}
	var out []seen
	for _, r := range api.Requests() {
		out = append(out, seen{"POST /v1/messages", r.Header.Get("traceparent")})
	}
	return out
}

// discard is an Emitter that drops the director's narration.
type discard struct{}

func (discard) TextDelta(context.Context, string)                                  {}
func (discard) TypeHint(context.Context, string)                                   {}
func (discard) AssistantMessage(context.Context, string)                           {}
func (discard) ToolCall(context.Context, string, json.RawMessage)                  {}
func (discard) ToolResult(context.Context, string, string, bool)                   {}
func (discard) RecordUsage(context.Context, string, int64, int64, float64, string) {}
