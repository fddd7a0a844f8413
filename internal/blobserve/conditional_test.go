package blobserve

import (
	"net/http"
	"testing"
	"time"
)

func TestScanETag(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, tag, rest string }{
		{`"abc"`, `"abc"`, ""},
		{`  W/"abc", "d"`, `W/"abc"`, `, "d"`},
		{`""`, `""`, ""},
		{`abc`, "", ""},
		{`"abc`, "", ""},
		{`"a b"`, "", ""}, // space is not an etagc
		{`W/abc`, "", ""},
		{`"`, "", ""},
	}
	for _, tt := range tests {
		tag, rest := scanETag(tt.in)
		if tag != tt.tag || rest != tt.rest {
			t.Errorf("scanETag(%q) = %q, %q; want %q, %q", tt.in, tag, rest, tt.tag, tt.rest)
		}
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	mod := time.Date(2025, 3, 4, 5, 6, 7, 500_000_000, time.UTC)
	v := validators{etag: `"e1"`, modTime: mod}
	at := func(d time.Duration) string { return mod.Truncate(time.Second).Add(d).Format(http.TimeFormat) }
	tests := []struct {
		name    string
		headers map[string]string
		want    verdict
	}{
		{"no conditions", nil, proceed},
		{"If-None-Match equal", map[string]string{"If-None-Match": `"e1"`}, notModified},
		{"If-None-Match weak form matches weakly", map[string]string{"If-None-Match": `W/"e1"`}, notModified},
		{"If-None-Match list", map[string]string{"If-None-Match": `"x", "e1"`}, notModified},
		{"If-None-Match star", map[string]string{"If-None-Match": `*`}, notModified},
		{"If-None-Match other", map[string]string{"If-None-Match": `"x"`}, proceed},
		{"If-None-Match unquoted", map[string]string{"If-None-Match": `e1`}, proceed},
		{"If-None-Match wins over If-Modified-Since", map[string]string{"If-None-Match": `"x"`, "If-Modified-Since": at(time.Hour)}, proceed},
		{"If-Modified-Since same second", map[string]string{"If-Modified-Since": at(0)}, notModified},
		{"If-Modified-Since later", map[string]string{"If-Modified-Since": at(time.Hour)}, notModified},
		{"If-Modified-Since earlier", map[string]string{"If-Modified-Since": at(-time.Second)}, proceed},
		{"If-Modified-Since garbage", map[string]string{"If-Modified-Since": "yesterday"}, proceed},
		{"If-Match equal", map[string]string{"If-Match": `"e1"`}, proceed},
		{"If-Match star", map[string]string{"If-Match": `*`}, proceed},
		{"If-Match weak never matches", map[string]string{"If-Match": `W/"e1"`}, preconditionFailed},
		{"If-Match other", map[string]string{"If-Match": `"x"`}, preconditionFailed},
		{"If-Unmodified-Since earlier", map[string]string{"If-Unmodified-Since": at(-time.Second)}, preconditionFailed},
		{"If-Unmodified-Since same", map[string]string{"If-Unmodified-Since": at(0)}, proceed},
		{"If-Match beats If-Unmodified-Since", map[string]string{"If-Match": `"e1"`, "If-Unmodified-Since": at(-time.Hour)}, proceed},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, val := range tt.headers {
			h.Set(k, val)
		}
		if got := v.evaluate(h); got != tt.want {
			t.Errorf("%s: evaluate = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestUnknownModTimeIgnoresDates(t *testing.T) {
	t.Parallel()
	for _, mod := range []time.Time{{}, time.Unix(0, 0)} {
		v := validators{etag: `"e1"`, modTime: mod}
		h := http.Header{"If-Modified-Since": {time.Now().UTC().Format(http.TimeFormat)}}
		if got := v.evaluate(h); got != proceed {
			t.Errorf("modTime %v: evaluate = %v, want proceed", mod, got)
		}
		if v.lastModified() != "" {
			t.Errorf("modTime %v: lastModified = %q, want empty", mod, v.lastModified())
		}
	}
}

func TestRangeAllowed(t *testing.T) {
	t.Parallel()
	mod := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	v := validators{etag: `"e1"`, modTime: mod}
	tests := []struct {
		ifRange string
		want    bool
	}{
		{"", true},
		{`"e1"`, true},
		{`"e2"`, false},
		{`W/"e1"`, false}, // If-Range needs a strong match
		{mod.Format(http.TimeFormat), true},
		{mod.Add(time.Second).Format(http.TimeFormat), false},
		{"not a date", false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.ifRange != "" {
			h.Set("If-Range", tt.ifRange)
		}
		if got := v.rangeAllowed(h); got != tt.want {
			t.Errorf("If-Range %q: rangeAllowed = %v, want %v", tt.ifRange, got, tt.want)
		}
	}
}
