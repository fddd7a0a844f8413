package httpx

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// StatusError is a non-2xx answer that retrying will not fix.
type StatusError struct {
	Op     string
	Status int
	Body   []byte
}

// Error names the call and the status.
func (e *StatusError) Error() string { return fmt.Sprintf("%s: HTTP %d", e.Op, e.Status) }

// Download fetches a result file into memory with c's retry policy but
// without any credentials: result URLs point at a provider's CDN, which must
// never see our keys. limit caps the size; timeout bounds one try.
func Download(ctx context.Context, c *Caller, rawURL string, limit int64, timeout time.Duration) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("download: result URL is not an http(s) URL")
	}
	dc := *c
	dc.MaxBody = limit
	dc.Timeout = timeout
	resp, err := dc.Call(ctx, Request{Method: http.MethodGet, URL: rawURL, Op: "download"})
	if err != nil {
		return nil, err
	}
	if resp.Status/100 != 2 {
		return nil, &StatusError{Op: "download", Status: resp.Status, Body: resp.Body}
	}
	return resp, nil
}
