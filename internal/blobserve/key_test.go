package blobserve

import (
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestValidateKeyAccepts(t *testing.T) {
	t.Parallel()
	for _, key := range []string{
		"uploads/1712345678901-abc1234.png",
		"outputs/s1/hero.png",
		"outputs/s1/frames/frame-3.v2.png",
		"outputs/s1/final/fashion-video.mp4",
		shoot.AssetKey("0190c6e2-7f1a-7c3d-9e1b-2a4f5d6e7f80", shoot.AssetClip, 4, 3),
		"uploads/a..b.png", // ".." inside a name is not a path segment
		"uploads/name with spaces.jpg",
		"uploads/é.png",
	} {
		got, err := ValidateKey(key)
		if err != nil || got != key {
			t.Errorf("ValidateKey(%q) = %q, %v; want the key back", key, got, err)
		}
	}
}

func TestValidateKeyRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key, code string
	}{
		{"empty", "", shoot.EINVALID},
		{"dot dot", "..", shoot.EINVALID},
		{"dot dot under prefix", "uploads/../outputs/s/hero.png", shoot.EINVALID},
		{"climb out of the store", "uploads/../../etc/passwd", shoot.EINVALID},
		{"a/../b", "uploads/a/../b.png", shoot.EINVALID},
		{"trailing dot dot", "outputs/s1/..", shoot.EINVALID},
		{"single dot", "uploads/./x.png", shoot.EINVALID},
		{"hidden file", "uploads/.env", shoot.EINVALID},
		{"percent-encoded dots", "uploads/%2e%2e/x.png", shoot.EINVALID},
		{"mixed encoded dots", "uploads/%2E./x.png", shoot.EINVALID},
		{"encoded slash", "uploads/..%2fsecret", shoot.EINVALID},
		{"double-encoded dots", "uploads/%252e%252e/%252e%252e/etc/passwd", shoot.EINVALID},
		{"any percent", "uploads/%41.png", shoot.EINVALID},
		{"absolute", "/etc/passwd", shoot.EINVALID},
		{"absolute under prefix", "/uploads/x.png", shoot.EINVALID},
		{"double slash", "uploads//x.png", shoot.EINVALID},
		{"trailing slash", "outputs/s1/", shoot.EINVALID},
		{"backslash", `uploads\..\..\etc\passwd`, shoot.EINVALID},
		{"backslash inside", `uploads/..\x.png`, shoot.EINVALID},
		{"NUL", "uploads/x.png\x00.txt", shoot.EINVALID},
		{"newline", "uploads/x\n.png", shoot.EINVALID},
		{"DEL", "uploads/x\x7f.png", shoot.EINVALID},
		{"invalid UTF-8", "uploads/\xff.png", shoot.EINVALID},
		{"too long", "uploads/" + strings.Repeat("a", maxKeyLen), shoot.EINVALID},
		{"outside the prefixes", "secret.txt", shoot.ENOTFOUND},
		{"other folder", "private/keys.json", shoot.ENOTFOUND},
		{"prefix look-alike", "uploadsx/a.png", shoot.ENOTFOUND},
		{"prefix case", "Uploads/a.png", shoot.ENOTFOUND},
		{"bare prefix", "uploads", shoot.ENOTFOUND},
		{"fileblob sidecar", "uploads/a.png.attrs", shoot.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ValidateKey(tt.key)
			if err == nil {
				t.Fatalf("ValidateKey(%q) = %q, want an error", tt.key, got)
			}
			if code := shoot.ErrorCode(err); code != tt.code {
				t.Errorf("ValidateKey(%q) code = %q, want %q (%v)", tt.key, code, tt.code, err)
			}
			if got != "" {
				t.Errorf("ValidateKey(%q) returned key %q with an error", tt.key, got)
			}
		})
	}
}
