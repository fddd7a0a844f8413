package blobserve

import (
	"context"
	"sync"
	"time"

	"gocloud.dev/blob"
)

// defaultAttrTTL is how long an object's attributes are reused. Every key the
// studio writes is immutable (new versions get new keys), so a short reuse
// is safe; it only bounds how long a deleted object still looks present
// before its read fails with 404. A video player asking for many 64 KiB
// ranges then costs one attributes lookup a second instead of one a range.
const defaultAttrTTL = 2 * time.Second

// attrCacheMax bounds the cache; when full it is simply emptied.
const attrCacheMax = 4096

type attrEntry struct {
	attrs *blob.Attributes
	at    time.Time
}

// attrCache remembers recent Attributes answers per key.
type attrCache struct {
	mu sync.Mutex
	m  map[string]attrEntry
}

// get returns the key's attributes, from the cache when fresh.
// A negative ttl turns the cache off.
func (c *attrCache) get(ctx context.Context, b *blob.Bucket, key string, now time.Time, ttl time.Duration) (*blob.Attributes, error) {
	if ttl < 0 {
		return b.Attributes(ctx, key)
	}
	if ttl == 0 {
		ttl = defaultAttrTTL
	}
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < ttl {
		return e.attrs, nil
	}
	a, err := b.Attributes(ctx, key)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= attrCacheMax {
		c.m = make(map[string]attrEntry)
	}
	c.m[key] = attrEntry{attrs: a, at: now}
	c.mu.Unlock()
	return a, nil
}
