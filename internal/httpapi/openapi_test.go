package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// openAPIValidator parses the served document with libopenapi, an OpenAPI
// 3.1 implementation independent of this package.
func openAPIValidator(t *testing.T) validator.Validator {
	t.Helper()
	doc, err := libopenapi.NewDocument(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return v
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	v := openAPIValidator(t)
	ok, errs := v.ValidateDocument()
	for _, e := range errs {
		t.Errorf("%s: %s", e.Message, e.Reason)
		for _, s := range e.SchemaValidationErrors {
			t.Errorf("  at %s: %s", s.KeywordLocation+" "+s.FieldPath, s.Reason)
		}
	}
	if !ok {
		t.Fatal("the OpenAPI document does not validate")
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("openapi = %q, %v; want 3.1.x", doc.OpenAPI, err)
	}
}

// example is one response example of the document: where it is and its
// JSON value.
type example struct {
	key   string // "GET /api/sessions 200" or "components.responses.NotFound"
	value any
}

// responseExamples walks the document for every JSON response example, of
// operations and of shared responses.
func responseExamples(t *testing.T) []example {
	t.Helper()
	var doc struct {
		Paths      map[string]map[string]struct{ Responses map[string]json.RawMessage }
		Components struct{ Responses map[string]json.RawMessage }
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	exampleOf := func(raw json.RawMessage) (any, bool) {
		var r struct {
			Content map[string]struct {
				Example any `json:"example"`
			}
		}
		_ = json.Unmarshal(raw, &r)
		c, ok := r.Content["application/json"]
		return c.Example, ok && c.Example != nil
	}
	var out []example
	for path, ops := range doc.Paths {
		for method, op := range ops {
			for status, raw := range op.Responses {
				if ex, ok := exampleOf(raw); ok {
					out = append(out, example{fmt.Sprintf("%s %s %s", strings.ToUpper(method), path, status), ex})
				}
			}
		}
	}
	for name, raw := range doc.Components.Responses {
		if ex, ok := exampleOf(raw); ok {
			out = append(out, example{"components.responses." + name, ex})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// TestOpenAPIExamplesMatchHandlers runs, for every response example of the
// document, the real handler in a state that gives that answer, then checks
// that the real answer validates against the documented schema, that the
// example does too, and that both have the same shape (the same fields,
// recursively, with the same JSON types). An example with no scenario here
// fails the test.
func TestOpenAPIExamplesMatchHandlers(t *testing.T) {
	t.Parallel()
	v := openAPIValidator(t)
	f := newExampleFixture(t)
	scenarios := f.scenarios()
	for _, ex := range responseExamples(t) {
		t.Run(ex.key, func(t *testing.T) {
			mk, ok := scenarios[ex.key]
			if !ok {
				t.Fatalf("no scenario produces the example %s", ex.key)
			}
			req := mk()
			rec := httptest.NewRecorder()
			f.handler.ServeHTTP(rec, req)
			real := rec.Result()
			realBody := rec.Body.Bytes()
			want := ex.key[strings.LastIndex(ex.key, " ")+1:]
			if !strings.HasPrefix(ex.key, "components.") && fmt.Sprint(real.StatusCode) != want {
				t.Fatalf("status %d, want %s: %s", real.StatusCode, want, realBody)
			}
			checkAgainstDocument(t, v, req, real, realBody, "real answer")
			exBody, _ := json.Marshal(ex.value)
			fake := &http.Response{StatusCode: real.StatusCode, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(bytes.NewReader(exBody)), Request: req}
			checkAgainstDocument(t, v, req, fake, exBody, "example")
			var got any
			if err := json.Unmarshal(realBody, &got); err != nil {
				t.Fatal(err)
			}
			if diff := sameShape("", ex.value, got); diff != "" {
				t.Errorf("example and real answer differ: %s\nexample: %s\nreal:    %s", diff, exBody, realBody)
			}
		})
	}
}

func checkAgainstDocument(t *testing.T, v validator.Validator, req *http.Request, resp *http.Response, body []byte, what string) {
	t.Helper()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	ok, errs := v.ValidateHttpResponse(req, resp)
	for _, e := range errs {
		t.Errorf("%s: %s: %s", what, e.Message, e.Reason)
		for _, s := range e.SchemaValidationErrors {
			t.Errorf("  at %s: %s", s.KeywordLocation+" "+s.FieldPath, s.Reason)
		}
	}
	if !ok && len(errs) == 0 {
		t.Errorf("%s does not validate", what)
	}
}

// sameShape compares two decoded JSON values by structure: objects must
// have the same keys, values the same JSON type; arrays are compared by
// their first elements when both have one.
func sameShape(at string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: object in the example, %T in the answer", at, got)
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				return fmt.Sprintf("%s.%s: in the example, not in the answer", at, k)
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("%s.%s: in the answer, not in the example", at, k)
			}
		}
		for k := range w {
			if d := sameShape(at+"."+k, w[k], g[k]); d != "" {
				return d
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Sprintf("%s: array in the example, %T in the answer", at, got)
		}
		if len(w) > 0 && len(g) > 0 {
			return sameShape(at+"[0]", w[0], g[0])
		}
	case nil:
		return "" // null stands for "absent yet" (a checkpoint not resolved)
	default:
		if got != nil && fmt.Sprintf("%T", w) != fmt.Sprintf("%T", got) {
			return fmt.Sprintf("%s: %T in the example, %T in the answer", at, w, got)
		}
	}
	return ""
}

// exampleFixture is a studio with token access control, one user with a
// token, and one session of theirs paused at its hero checkpoint.
type exampleFixture struct {
	handler http.Handler
	token   string
	sid     string
}

func newExampleFixture(t *testing.T) *exampleFixture {
	t.Helper()
	b := newBackend(t, map[string]string{"SHOOT_AUTH": "token"})
	srv, err := httpapi.New(httpapi.Deps{Config: b.cfg, Store: b.store, Bucket: b.bucket, Version: "1.4.0", Engine: b.eng})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok, hash := auth.NewToken()
	if err := b.store.CreateToken(ctx, &store.Token{Name: "ana", Hash: hash}); err != nil {
		t.Fatal(err)
	}
	sid := shoot.NewSessionID(time.Now())
	s := &shoot.Session{ID: sid, Status: shoot.StatusActive, PipelineStage: shoot.StageHero, RunState: shoot.RunAwaiting,
		Owner: "ana", Brief: "linen summer dress on a rooftop", TotalCostUSD: 0.15, TotalTurns: 2}
	if err := b.store.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	key := "outputs/" + sid + "/hero.png"
	if err := b.store.AddAsset(ctx, &shoot.Asset{SessionID: sid, Type: shoot.AssetHero, FileName: "hero.png", Key: key,
		Size: 524288, MimeType: "image/png", Metadata: json.RawMessage(`{"prompt":"a hero","provider":"studio"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := b.store.CreateCheckpoint(ctx, &shoot.Checkpoint{SessionID: sid, Stage: shoot.StageHero, Status: shoot.CheckpointPending,
		ArtifactKeys: []string{key}, Message: "Hero image ready."}); err != nil {
		t.Fatal(err)
	}
	return &exampleFixture{handler: srv.Handler(), token: tok, sid: sid}
}

// scenarios map each example's key to a request that makes its handler
// give that kind of answer.
func (f *exampleFixture) scenarios() map[string]func() *http.Request {
	get := func(path string, authed bool) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+path, nil)
			if authed {
				r.Header.Set("Authorization", "Bearer "+f.token)
			}
			return r
		}
	}
	return map[string]func() *http.Request{
		"GET /api/health 200":                 get("/api/health", false),
		"GET /api/sessions 200":               get("/api/sessions", true),
		"GET /api/sessions/{id}/pipeline 200": get("/api/sessions/"+f.sid+"/pipeline", true),
		"GET /api/sessions/{id}/assets 200":   get("/api/sessions/"+f.sid+"/assets", true),
		"GET /api/estimate 200":               get("/api/estimate", true),
		"GET /api/me 200":                     get("/api/me", true),
		"components.responses.BadRequest":     get("/api/sessions?limit=many", true),
		"components.responses.Unauthorized":   get("/api/sessions", false),
		"components.responses.NotFound":       get("/api/sessions/session_0_missing", true),
	}
}
