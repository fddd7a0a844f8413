package blobserve

import (
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestContentTypeFor(t *testing.T) {
	t.Parallel()
	tests := []struct{ key, stored, want string }{
		{"uploads/a.png", "", "image/png"},
		{"uploads/a.JPG", "", "image/jpeg"},
		{"uploads/a.jpeg", "", "image/jpeg"},
		{"uploads/a.gif", "", "image/gif"},
		{"uploads/a.webp", "", "image/webp"},
		{"outputs/s/videos/video-1.mp4", "", "video/mp4"},
		{"outputs/s/a.webm", "", "video/webm"},
		{"outputs/s/a.mov", "", "video/quicktime"},
		{"outputs/s/a.json", "", "application/json"},
		{"outputs/s/a.txt", "", "text/plain; charset=utf-8"},
		{"outputs/s/a.zip", "", "application/zip"},
		{"outputs/s/a.html", "", "application/octet-stream"},
		{"outputs/s/noext", "", "application/octet-stream"},
		// The stored type wins unless it is the store's "don't know".
		{"uploads/a.png", "image/webp", "image/webp"},
		{"uploads/a.png", "application/octet-stream", "image/png"},
	}
	for _, tt := range tests {
		if got := contentTypeFor(tt.key, tt.stored); got != tt.want {
			t.Errorf("contentTypeFor(%q, %q) = %q, want %q", tt.key, tt.stored, got, tt.want)
		}
	}
}

func TestCacheControlFor(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{shoot.AssetHero, shoot.AssetContactSheet, shoot.AssetFrame, shoot.AssetClip, shoot.AssetFinal} {
		for version := 1; version <= 12; version++ {
			key := shoot.AssetKey("s1", typ, 3, version)
			want := cacheDefault
			if version >= 2 {
				want = cacheImmutable
			}
			if got := cacheControlFor(key); got != want {
				t.Errorf("cacheControlFor(%q) = %q, want %q", key, got, want)
			}
		}
	}
	for _, key := range []string{
		"uploads/1712345678901-abc.png",
		"outputs/s/frames/frame-3.v1.png",  // version 1 never carries a suffix
		"outputs/s/frames/frame-3.v02.png", // not what AssetKey writes
		"outputs/s/frames/frame-3.vx.png",
		"outputs/s/frames/frame-3.v.png",
		"outputs/s/.v2.png",
		"outputs/s.v2/hero.png", // the suffix belongs to the file name
	} {
		if got := cacheControlFor(key); got != cacheDefault {
			t.Errorf("cacheControlFor(%q) = %q, want %q", key, got, cacheDefault)
		}
	}
}
