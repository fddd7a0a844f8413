package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/fashionshoot/shoot/internal/provider/providertest"
)

// otlpSink is an OTLP/HTTP trace receiver on 127.0.0.1 keeping every span
// it is sent, with its resource's service.name.
type otlpSink struct {
	mu      sync.Mutex
	spans   []*tracepb.Span
	service map[string]bool
	bad     []string
}

func newOTLPSink(t *testing.T) (*otlpSink, string) {
	k := &otlpSink{service: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req collectortrace.ExportTraceServiceRequest
		k.mu.Lock()
		defer k.mu.Unlock()
		if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" ||
			proto.Unmarshal(body, &req) != nil {
			k.bad = append(k.bad, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type"))
			http.Error(w, "bad export", http.StatusBadRequest)
			return
		}
		for _, rs := range req.GetResourceSpans() {
			for _, kv := range rs.GetResource().GetAttributes() {
				if kv.GetKey() == "service.name" {
					k.service[kv.GetValue().GetStringValue()] = true
				}
			}
			for _, ss := range rs.GetScopeSpans() {
				k.spans = append(k.spans, ss.GetSpans()...)
			}
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return k, srv.URL
}

// TestTraceCrossesHTTPJobsAndProviders runs `shoot serve` with an OTLP
// endpoint and the FAL and Kling fakes, sends POST /api/generate with a
// W3C traceparent and stops the server: the spans flushed at shutdown hold
// one trace from the request's server span through the stage jobs to the
// FAL calls, and FAL saw that trace in every request's traceparent.
func TestTraceCrossesHTTPJobsAndProviders(t *testing.T) {
	// The exporter reads OTEL_* from the process environment and Setup sets
	// the global tracer provider, so this test does not run in parallel.
	sink, endpoint := newOTLPSink(t)
	for _, v := range []string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
		"OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_TRACES_SAMPLER", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		t.Setenv(v, "")
	}
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })

	p := startProviderFakes(t, providertest.FALOptions{}, providertest.KlingOptions{})
	env := p.env("kling", "OTEL_EXPORTER_OTLP_ENDPOINT="+endpoint)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &serveOutput{}
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir},
			testGetenv(env), io.Discard, log)
	}()
	base := waitForURL(t, log, exited)
	refs := (&liveStudio{t: t, Base: base}).upload(refPNG(5))

	const (
		callerTrace = "5b8efff798038103d269b633813fc60c"
		callerSpan  = "eee19b7ec3c1b174"
	)
	raw, _ := json.Marshal(map[string]any{"prompt": "linen suit on a rooftop", "inputImages": refs,
		"options": map[string]any{"resolution": "1K"}, "sessionId": "session_1736860000000_traced01"})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/api/generate", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("generate: %d %s", resp.StatusCode, body)
	}
	deadline := time.Now().Add(60 * time.Second)
	for p.FAL.Submissions("") < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if p.FAL.Submissions("") < 1 {
		t.Fatalf("no FAL submission after generate:\n%s", log.String())
	}
	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Fatalf("serve exited with %d:\n%s", code, log.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop")
	}

	falTraced := 0
	for _, s := range p.FAL.Seen() {
		if strings.HasPrefix(s.Path, "/fal-ai/") && s.Method == http.MethodPost {
			if !strings.Contains(s.Traceparent, "-"+callerTrace+"-") {
				t.Errorf("FAL %s %s carried traceparent %q, want trace %s", s.Method, s.Path, s.Traceparent, callerTrace)
			}
			falTraced++
		}
	}
	if falTraced == 0 {
		t.Error("FAL saw no submission")
	}

	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.bad) > 0 || !sink.service["shoot"] {
		t.Fatalf("bad exports %v; services %v", sink.bad, sink.service)
	}
	byID := map[string]*tracepb.Span{}
	var inTrace []*tracepb.Span
	for _, s := range sink.spans {
		if hex.EncodeToString(s.GetTraceId()) == callerTrace {
			inTrace = append(inTrace, s)
			byID[hex.EncodeToString(s.GetSpanId())] = s
		}
	}
	var server, falCall *tracepb.Span
	for _, s := range inTrace {
		switch {
		case s.GetKind() == tracepb.Span_SPAN_KIND_SERVER && s.GetName() == "POST /api/generate":
			server = s
		case s.GetKind() == tracepb.Span_SPAN_KIND_CLIENT && falCall == nil:
			falCall = s
		}
	}
	if server == nil || hex.EncodeToString(server.GetParentSpanId()) != callerSpan {
		t.Fatalf("no server span for the request under the caller's span; %d spans in the trace, %d exported", len(inTrace), len(sink.spans))
	}
	if falCall == nil {
		t.Fatalf("no provider call in the trace; names: %v", names(inTrace))
	}
	// Walk up from the provider call: a job span, then the request's span.
	sawJob := false
	for s := falCall; s != nil; s = byID[hex.EncodeToString(s.GetParentSpanId())] {
		if s.GetKind() == tracepb.Span_SPAN_KIND_CONSUMER && strings.HasPrefix(s.GetName(), "job ") {
			sawJob = true
		}
		if s == server {
			if !sawJob {
				t.Errorf("the provider call reaches the request's span without a job span: %v", names(inTrace))
			}
			return
		}
	}
	t.Errorf("the provider call's ancestors do not reach the request's span: %v", names(inTrace))
}

func names(spans []*tracepb.Span) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.GetKind().String()+" "+s.GetName())
	}
	return out
}
