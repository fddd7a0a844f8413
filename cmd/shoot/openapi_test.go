package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/httpapi"
)

// servedRoutes builds the studio exactly as `shoot serve` does and returns
// its router's table, plus the probes answered before routing, as
// "GET /api/media/{key}" lines (a trailing "..."
// wildcard is written as a plain parameter, as OpenAPI paths are).
func servedRoutes(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := config.FromEnv(func(k string) string { return map[string]string{"SHOOT_DATA_DIR": dir}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	a, err := openApp(ctx, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close() })
	eng, err := buildEngine(ctx, cfg, a.store, a.bucket, logger, 0)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(a, eng)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, rt := range srv.Routes() {
		out = append(out, strings.ReplaceAll(rt.Pattern, "...}", "}"))
	}
	for _, p := range httpapi.ProbePaths() {
		out = append(out, "GET "+p)
	}
	sort.Strings(out)
	return out
}

// documentedRoutes lists the document's operations as "GET /path" lines.
func documentedRoutes(t *testing.T, doc []byte) []string {
	t.Helper()
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	var out []string
	for p, ops := range d.Paths {
		for m := range ops {
			switch m {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestOpenAPICoversServedRoutes checks that every route the served studio's
// router has is in the OpenAPI document, and that the document names no
// route the router lacks.
func TestOpenAPICoversServedRoutes(t *testing.T) {
	t.Parallel()
	served := servedRoutes(t)
	documented := documentedRoutes(t, httpapi.OpenAPI())
	in := func(list []string, s string) bool {
		i := sort.SearchStrings(list, s)
		return i < len(list) && list[i] == s
	}
	if len(served) < 20 {
		t.Fatalf("only %d routes served: %v", len(served), served)
	}
	for _, r := range served {
		if !in(documented, r) {
			t.Errorf("served but not in the OpenAPI document: %s", r)
		}
	}
	for _, r := range documented {
		if !in(served, r) {
			t.Errorf("in the OpenAPI document but not served: %s", r)
		}
	}
}

// TestOpenAPICommandPrintsServedDocument checks that `shoot openapi`
// prints the document a running studio serves at /api/openapi.json, and
// that it is JSON.
func TestOpenAPICommandPrintsServedDocument(t *testing.T) {
	t.Parallel()
	code, out, errOut := runShoot(context.Background(), nil, "openapi")
	if code != 0 || errOut != "" {
		t.Fatalf("shoot openapi: exit %d, stderr %q", code, errOut)
	}
	if !json.Valid([]byte(out)) {
		t.Fatal("shoot openapi printed something that is not JSON")
	}
	studio := startStudio(t, nil)
	resp, err := http.Get(studio.Base + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	served, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(served, []byte(out)) {
		t.Fatalf("GET /api/openapi.json: %d, %d bytes; shoot openapi printed %d bytes", resp.StatusCode, len(served), len(out))
	}
	if code, _, _ := runShoot(context.Background(), nil, "openapi", "extra"); code != 2 {
		t.Errorf("shoot openapi extra: exit %d, want 2", code)
	}
}
