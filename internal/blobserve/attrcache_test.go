package blobserve

import (
	"context"
	"testing"
	"time"

	"gocloud.dev/blob/memblob"
)

func TestAttrCacheReusesThenExpires(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	defer b.Close()
	if err := b.WriteAll(ctx, "outputs/s/a.png", []byte("one"), nil); err != nil {
		t.Fatal(err)
	}
	var c attrCache
	now := time.Unix(1000, 0)
	first, err := c.get(ctx, b, "outputs/s/a.png", now, time.Second)
	if err != nil || first.Size != 3 {
		t.Fatalf("first = %v, %v", first, err)
	}
	if err := b.WriteAll(ctx, "outputs/s/a.png", []byte("longer"), nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := c.get(ctx, b, "outputs/s/a.png", now.Add(500*time.Millisecond), time.Second); again.Size != 3 {
		t.Fatalf("within the ttl the cached size 3 was not reused: %d", again.Size)
	}
	if later, _ := c.get(ctx, b, "outputs/s/a.png", now.Add(2*time.Second), time.Second); later.Size != 6 {
		t.Fatalf("after the ttl size = %d, want 6", later.Size)
	}
	if off, _ := c.get(ctx, b, "outputs/s/a.png", now, -1); off.Size != 6 {
		t.Fatalf("a negative ttl must read through, got %d", off.Size)
	}
	if _, err := c.get(ctx, b, "outputs/s/missing.png", now, 0); err == nil {
		t.Fatal("a missing key was found")
	}
}
