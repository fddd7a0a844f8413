// Package client is a small typed Go client of the shoot studio's HTTP API,
// as described by its OpenAPI document (GET /api/openapi.json); a test keeps
// the two in step. It needs only the standard library.
//
//	c := client.New("http://127.0.0.1:8080", client.WithToken("shoot_…"))
//	up, err := c.Upload(ctx, client.File{Name: "model.png", Data: png})
//	st, err := c.Generate(ctx, client.GenerateRequest{Prompt: "linen dress", InputImages: []string{up.Files[0].URL}})
//	for ev, err := range st.Events() { … }
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client talks to one studio. Its zero value is not usable; build it with
// New. A Client is safe for concurrent use.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// Option configures a Client.
type Option func(*Client)

// WithToken authenticates every request with an API token (shoot token
// create). A studio on loopback without access control needs none.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithHTTPClient sets the HTTP client (timeouts, proxies, tests). Streams
// last as long as a shoot's stage, so it should have no overall Timeout.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// New returns a client of the studio at baseURL ("http://host:port").
func New(baseURL string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), http: http.DefaultClient}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Error is an error answer of the API: its HTTP status, the stable machine
// Code ("not_found", "conflict", "limit", …) and the message. For an upload
// none of whose files was stored, the message says why each file failed.
type Error struct {
	Status  int    `json:"-"`
	Message string `json:"error"`
	Code    string `json:"code"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("shoot api: %d %s: %s", e.Status, e.Code, e.Message)
}

// newRequest builds a request to path (which may hold a query) with an
// optional JSON body.
func (c *Client) newRequest(ctx context.Context, method, path string, body any) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if method == http.MethodPost {
		req.Header.Set(IdempotencyKeyHeader, idempotencyKey(ctx))
	}
	return req, nil
}

// send sends req and returns the response when its status is 2xx, else
// the API's error.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, readError(resp)
}

// readError turns an error answer into an *Error; a body that is not the
// API's JSON error keeps its status and the start of its text.
func readError(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var body struct {
		Error
		Files []FileError `json:"errors"`
	}
	if json.Unmarshal(raw, &body) != nil || body.Message == "" {
		return &Error{Status: resp.StatusCode, Message: strings.TrimSpace(string(raw[:min(len(raw), 200)]))}
	}
	e := &body.Error
	e.Status = resp.StatusCode
	e.Message = withFileReasons(e.Message, body.Files)
	return e
}

// withFileReasons adds to the message of a refused upload each file with
// its reason ("look.txt: not a JPEG…; big.jpg: File too large…"), unless
// the message already gives them, as the studio's own does.
func withFileReasons(msg string, files []FileError) string {
	if len(files) == 0 {
		return msg
	}
	why := make([]string, len(files))
	for i, f := range files {
		why[i] = f.OriginalName + ": " + strings.TrimSuffix(f.Error, ".")
	}
	if detail := strings.Join(why, "; "); !strings.Contains(msg, detail) {
		msg += ": " + detail
	}
	return msg
}

// open sends a request with body as JSON (nil: none) and returns the
// successful answer, whose body the caller closes.
func (c *Client) open(ctx context.Context, method, path string, body any) (*http.Response, error) {
	req, err := c.newRequest(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	return c.send(req)
}

// do sends a JSON request and decodes the JSON answer into out (nil
// discards it).
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	resp, err := c.open(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("shoot api: %s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}

// Download copies the file at path (an asset's url such as
// "/outputs/<session>/hero.png", or "/api/sessions/<id>/export.zip") to w.
func (c *Client) Download(ctx context.Context, path string, w io.Writer) error {
	resp, err := c.open(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(w, resp.Body)
	return err
}

// escape is url.PathEscape for one path segment.
func escape(s string) string { return url.PathEscape(s) }

func readCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

func decode(resp *http.Response, out any) error {
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("shoot api: decoding the answer: %w", err)
	}
	return nil
}
