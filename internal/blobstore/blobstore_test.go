package blobstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestOpenFileCreatesFolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data", "blobs")
	b, err := Open(ctx, "file://"+filepath.ToSlash(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.WriteAll(ctx, "uploads/1-abcd.png", []byte("png"), &blob.WriterOptions{ContentType: "image/png"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "uploads", "1-abcd.png"))
	if err != nil || string(got) != "png" {
		t.Fatalf("file on disk = %q, %v", got, err)
	}
	attrs, err := b.Attributes(ctx, "uploads/1-abcd.png")
	if err != nil || attrs.ContentType != "image/png" {
		t.Fatalf("attributes = %+v, %v", attrs, err)
	}
	if _, err := b.ReadAll(ctx, "uploads/missing.png"); !IsNotFound(err) {
		t.Errorf("missing blob error = %v, want not found", err)
	}
}

func TestOpenSchemes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem, err := Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	mem.Close()
	// Opening an S3 bucket only reads configuration; nothing is contacted.
	s3, err := Open(ctx, "s3://shoot?region=auto&endpoint=http://127.0.0.1:1&use_path_style=true")
	if err != nil {
		t.Fatalf("s3: %v", err)
	}
	s3.Close()
	for _, bad := range []string{"gs://bucket", "ftp://x", "file://", "::"} {
		if _, err := Open(ctx, bad); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("Open(%q) error = %v, want EINVALID", bad, err)
		}
	}
}

func TestDeletePrefix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := Open(ctx, "file://"+filepath.ToSlash(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	keys := []string{"outputs/a/hero.png", "outputs/a/frames/frame-1.png", "outputs/ab/hero.png", "uploads/1-x.png"}
	for _, k := range keys {
		if err := b.WriteAll(ctx, k, []byte(k), nil); err != nil {
			t.Fatal(err)
		}
	}
	n, err := DeletePrefix(ctx, b, "outputs/a/")
	if err != nil || n != 2 {
		t.Fatalf("DeletePrefix = %d, %v; want 2", n, err)
	}
	for _, k := range keys {
		ok, _ := b.Exists(ctx, k)
		if want := k == "outputs/ab/hero.png" || k == "uploads/1-x.png"; ok != want {
			t.Errorf("%s exists = %v, want %v", k, ok, want)
		}
	}
	if _, err := DeletePrefix(ctx, b, "outputs/a"); err == nil {
		t.Error("a prefix without a trailing slash was accepted")
	}
}
