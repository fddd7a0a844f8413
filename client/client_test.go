package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/httpapi"
)

// document is the part of the OpenAPI document these checks read.
type document struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"schemas"`
	} `json:"components"`
}

func loadDocument(t *testing.T) document {
	t.Helper()
	var d document
	if err := json.Unmarshal(httpapi.OpenAPI(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func jsonFields(typ reflect.Type) []string {
	var out []string
	for _, f := range reflect.VisibleFields(typ) {
		if f.Anonymous {
			continue // its fields are visible, promoted
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// TestTypesMatchDocument checks each typed answer of the client against
// its schema in the document: the same JSON fields, no more, no fewer.
func TestTypesMatchDocument(t *testing.T) {
	t.Parallel()
	d := loadDocument(t)
	for _, tc := range []struct {
		schema string
		typ    any
	}{
		{"Options", client.Options{}}, {"GenerateRequest", client.GenerateRequest{}}, {"Health", client.Health{}},
		{"UploadedFile", client.UploadedFile{}}, {"UploadResult", client.UploadResult{}},
		{"SessionSummary", client.SessionSummary{}}, {"Session", client.Session{}}, {"Checkpoint", client.Checkpoint{}},
		{"Asset", client.Asset{}}, {"Assets", client.Assets{}}, {"Estimate", client.Estimate{}},
		{"WebhookRequest", client.WebhookRequest{}}, {"Webhook", client.Webhook{}}, {"NewWebhook", client.NewWebhook{}},
		{"WebhookDelivery", client.WebhookDelivery{}}, {"QAReport", client.QAReport{}},
	} {
		t.Run(tc.schema, func(t *testing.T) {
			s, ok := d.Components.Schemas[tc.schema]
			if !ok {
				t.Fatalf("no schema %s", tc.schema)
			}
			var want []string
			for k := range s.Properties {
				want = append(want, k)
			}
			sort.Strings(want)
			if got := jsonFields(reflect.TypeOf(tc.typ)); !reflect.DeepEqual(got, want) {
				t.Errorf("client fields %v, document %v", got, want)
			}
		})
	}
}

// TestRequestsAreDocumented calls every method of the client against a
// recorder and checks each request's method and path against the
// document's operations.
func TestRequestsAreDocumented(t *testing.T) {
	t.Parallel()
	d := loadDocument(t)
	var mu sync.Mutex
	var seen []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "-stream") || strings.HasSuffix(r.URL.Path, "/events") {
			w.Header().Set("Content-Type", "text/event-stream")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"success":true}`))
	}))
	defer ts.Close()
	c := client.New(ts.URL)
	ctx := context.Background()
	c.Health(ctx)
	c.OpenAPI(ctx)
	c.Upload(ctx, client.File{Name: "a.png", Data: []byte("x")})
	c.UploadAudio(ctx, client.File{Name: "a.wav", Data: []byte("x")})
	for _, open := range []func() (*client.Stream, error){
		func() (*client.Stream, error) { return c.Generate(ctx, client.GenerateRequest{Prompt: "p"}) },
		func() (*client.Stream, error) { return c.Continue(ctx, "s1", "continue") },
		func() (*client.Stream, error) { return c.Events(ctx, "s1", 3) },
	} {
		if st, err := open(); err != nil {
			t.Fatal(err)
		} else {
			st.Close()
		}
	}
	c.Sessions(ctx, 5)
	c.Session(ctx, "s1")
	c.Pipeline(ctx, "s1")
	c.Assets(ctx, "s1")
	c.Cancel(ctx, "s1")
	c.Delete(ctx, "s1")
	c.Estimate(ctx, client.Options{Loop: true})
	c.Download(ctx, client.ExportPath("s1"), new(strings.Builder))
	c.CreateWebhook(ctx, client.WebhookRequest{URL: "https://hooks.example.com/", Events: []string{"complete"}})
	c.Webhooks(ctx)
	c.DeleteWebhook(ctx, "wh_1")
	c.WebhookDeliveries(ctx, "wh_1", 10)
	if len(seen) != 19 {
		t.Fatalf("%d requests recorded: %v", len(seen), seen)
	}
	for _, req := range seen {
		if !documented(d, req) {
			t.Errorf("the client sends %s, which the document does not describe", req)
		}
	}
}

// documented reports whether "METHOD /path" matches an operation of d.
func documented(d document, req string) bool {
	method, path, _ := strings.Cut(req, " ")
	for tmpl, ops := range d.Paths {
		re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), "[^/]+") + "$")
		if _, ok := ops[strings.ToLower(method)]; ok && re.MatchString(path) {
			return true
		}
	}
	return false
}

// TestErrorAnswers checks that an API error becomes an *Error with the
// status, code and message of the answer, and that a non-JSON error keeps
// its status.
func TestErrorAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ct, body string
		status         int
		want           client.Error
	}{
		{"api error", "application/json", `{"success":false,"error":"Session not found","code":"not_found"}`, 404,
			client.Error{Status: 404, Code: "not_found", Message: "Session not found"}},
		{"proxy page", "text/html", "<html>bad gateway</html>", 502, client.Error{Status: 502, Message: "<html>bad gateway</html>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ct)
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer ts.Close()
			_, err := client.New(ts.URL).Session(context.Background(), "s1")
			e, ok := err.(*client.Error)
			if !ok || *e != tc.want {
				t.Fatalf("error %#v, want %#v", err, tc.want)
			}
		})
	}
}

// TestAssetGroupsByKind checks that every kind of artifact names its own
// group, in the API's order, and that an unknown kind has none.
func TestAssetGroupsByKind(t *testing.T) {
	t.Parallel()
	var a client.Assets
	var kinds []string
	for kind := range a.All() {
		g := a.Group(kind)
		if g == nil {
			t.Fatalf("no group for kind %q", kind)
		}
		*g = append(*g, client.Asset{FileName: kind})
		kinds = append(kinds, kind)
	}
	want := []string{"input", "hero", "contact-sheet", "frame", "clip", "final"}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
	for i, got := range [][]client.Asset{a.Inputs, a.Hero, a.ContactSheet, a.Frames, a.Videos, a.Final} {
		if len(got) != 1 || got[0].FileName != want[i] {
			t.Errorf("group %d holds %v, want one %q", i, got, want[i])
		}
	}
	if a.Group("poster") != nil {
		t.Error("an unknown kind has a group")
	}
}
