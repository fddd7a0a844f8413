package telemetry_test

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/fashionshoot/shoot/internal/telemetry"
)

// received is one request an OTLP receiver got.
type received struct {
	method, path, contentType string
	body                      []byte
}

// receiver is a minimal OTLP/HTTP trace receiver on 127.0.0.1.
type receiver struct {
	mu  sync.Mutex
	got []received
	srv *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.Method, r.URL.Path, r.Header.Get("Content-Type"), body})
		rc.mu.Unlock()
		out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(out)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// TestExporterOnlyWithEndpoint runs Setup under several environments and
// checks what an OTLP receiver on 127.0.0.1 gets: protobuf batches on
// POST /v1/traces holding the span and the service name when an endpoint
// is set, and nothing (and no recording) otherwise.
func TestExporterOnlyWithEndpoint(t *testing.T) {
	// Setup changes process-wide state (the global tracer provider and the
	// environment the SDK reads), so this test is not parallel.
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })
	rc := newReceiver(t)
	cases := []struct {
		name        string
		env         map[string]string
		wantService string // "" means no export at all
	}{
		{"no endpoint", map[string]string{"OTEL_SERVICE_NAME": "ignored"}, ""},
		{"endpoint", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": rc.srv.URL}, telemetry.DefaultServiceName},
		{"traces endpoint and service name", map[string]string{
			"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": rc.srv.URL + "/v1/traces", "OTEL_SERVICE_NAME": "studio-eu"}, "studio-eu"},
		{"sdk disabled", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": rc.srv.URL, "OTEL_SDK_DISABLED": "true"}, ""},
		{"exporter none", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": rc.srv.URL, "OTEL_TRACES_EXPORTER": "none"}, ""},
	}
	vars := []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SERVICE_NAME",
		"OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_PROTOCOL",
		"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_TRACES_SAMPLER", "OTEL_EXPORTER_OTLP_HEADERS"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range vars {
				t.Setenv(v, c.env[v])
			}
			otel.SetTracerProvider(noop.NewTracerProvider())
			before := len(rc.requests())
			ctx := context.Background()
			shutdown, err := telemetry.Setup(ctx, telemetry.Options{Getenv: os.Getenv, Version: "v9.9.9-test"})
			if err != nil {
				t.Fatal(err)
			}
			_, span := otel.Tracer("setup-test").Start(ctx, "probe-span")
			traceID := span.SpanContext().TraceID()
			recording := span.IsRecording()
			span.End()
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := shutdown(sctx); err != nil {
				t.Fatalf("shutdown: %v", err)
			}
			got := rc.requests()[before:]
			if c.wantService == "" {
				if recording || len(got) != 0 {
					t.Fatalf("tracing should be off: span recording %v, %d requests to the receiver", recording, len(got))
				}
				return
			}
			if !recording || len(got) == 0 {
				t.Fatalf("span recording %v, %d requests; want an export", recording, len(got))
			}
			checkExport(t, got, c.wantService, "v9.9.9-test", "probe-span", hex.EncodeToString(traceID[:]))
		})
	}
}

// checkExport decodes the receiver's requests and looks for the span.
func checkExport(t *testing.T, got []received, service, version, spanName, traceID string) {
	t.Helper()
	found := false
	for _, r := range got {
		if r.method != http.MethodPost || r.path != "/v1/traces" || r.contentType != "application/x-protobuf" {
			t.Errorf("export %s %s (%s), want POST /v1/traces application/x-protobuf", r.method, r.path, r.contentType)
			continue
		}
		var req collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(r.body, &req); err != nil {
			t.Fatalf("export body is not an ExportTraceServiceRequest: %v", err)
		}
		for _, rs := range req.GetResourceSpans() {
			attrs := map[string]string{}
			for _, kv := range rs.GetResource().GetAttributes() {
				attrs[kv.GetKey()] = kv.GetValue().GetStringValue()
			}
			if attrs["service.name"] != service || attrs["service.version"] != version {
				t.Errorf("resource service.name %q version %q, want %q %q", attrs["service.name"], attrs["service.version"], service, version)
			}
			for _, ss := range rs.GetScopeSpans() {
				for _, s := range ss.GetSpans() {
					if s.GetName() == spanName && hex.EncodeToString(s.GetTraceId()) == traceID {
						found = true
					}
				}
			}
		}
	}
	if !found {
		t.Errorf("span %q of trace %s not among the exported spans", spanName, traceID)
	}
}
