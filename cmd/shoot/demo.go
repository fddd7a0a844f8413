package main

import (
	"context"
	"embed"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fashionshoot/shoot/internal/pipeline"
)

// demoRefs are sample references drawn for this project (a model in a
// cream coat; sunglasses and a bag), so a shoot runs with nothing supplied.
//
//go:embed demo/*.png
var demoRefs embed.FS

const demoBrief = "minimal camel-coat editorial, warm daylight, quiet confidence"

// uploadRefs stores the references (the --ref files, or the bundled demo
// ones) as uploads and returns their references.
func (f *runFlags) uploadRefs(ctx context.Context, a *app) ([]string, error) {
	type ref struct {
		name string
		data []byte
	}
	var refs []ref
	if f.demo && len(f.refs) == 0 {
		entries, err := demoRefs.ReadDir("demo")
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			data, err := demoRefs.ReadFile("demo/" + e.Name())
			if err != nil {
				return nil, err
			}
			refs = append(refs, ref{e.Name(), data})
		}
	}
	var out []string
	for _, r := range refs {
		u, err := pipeline.StoreUpload(ctx, a.store, a.bucket, r.name, r.data, "")
		if err != nil {
			return nil, fmt.Errorf("--ref %s: %v", r.name, err)
		}
		out = append(out, u.Key)
	}
	files, err := uploadFiles(ctx, a, "--ref", f.refs)
	return append(out, files...), err
}

// uploadFiles stores each file as an upload, as POST /api/upload would,
// and returns their keys in order; flag names the files in errors.
func uploadFiles(ctx context.Context, a *app, flag string, paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", flag, p, err)
		}
		u, err := pipeline.StoreUpload(ctx, a.store, a.bucket, filepath.Base(p), data, "")
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v", flag, p, err)
		}
		out = append(out, u.Key)
	}
	return out, nil
}
