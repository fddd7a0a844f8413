package mcpserver

import (
	"context"
	"io"
	"net/http"
	"sync"
)

// InProcess returns an http.RoundTripper that serves each request with h in
// this process, streaming the answer as h writes it (so event streams work),
// without a socket. prepare, when set, adjusts each request before h sees
// it: the MCP endpoint uses it to pass on the caller's credentials and
// address, so the API's own access control, limits and ownership rules
// apply to what a tool does.
func InProcess(h http.Handler, prepare func(*http.Request)) http.RoundTripper {
	return &inProcess{h: h, prepare: prepare}
}

type inProcess struct {
	h       http.Handler
	prepare func(*http.Request)
}

// RoundTrip runs the handler in its own goroutine and returns once it has
// sent its status line; the body follows through a pipe. Closing the body
// cancels the handler's context.
func (t *inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	in := req.Clone(ctx)
	if in.Body == nil {
		in.Body = http.NoBody
	}
	if in.RemoteAddr == "" {
		in.RemoteAddr = "127.0.0.1:0"
	}
	in.RequestURI = in.URL.RequestURI()
	if t.prepare != nil {
		t.prepare(in)
	}
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, pw: pw, started: make(chan struct{})}
	go func() {
		defer func() {
			if p := recover(); p != nil {
				w.WriteHeader(http.StatusInternalServerError)
			}
			w.WriteHeader(http.StatusOK) // a handler that wrote nothing
			_ = pw.Close()
		}()
		t.h.ServeHTTP(w, in)
	}()
	select {
	case <-w.started:
	case <-ctx.Done():
		cancel()
		_ = pr.Close()
		return nil, ctx.Err()
	}
	return &http.Response{
		Status: http.StatusText(w.status), StatusCode: w.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: w.sent, Body: &cancelBody{ReadCloser: pr, cancel: cancel}, ContentLength: -1, Request: req,
	}, nil
}

// pipeWriter is the http.ResponseWriter of an in-process request: the
// status and a copy of the headers are taken at the first write, the body
// goes into the pipe.
type pipeWriter struct {
	header  http.Header
	sent    http.Header
	pw      *io.PipeWriter
	once    sync.Once
	started chan struct{}
	status  int
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(status int) {
	w.once.Do(func() {
		w.status, w.sent = status, w.header.Clone()
		close(w.started)
	})
}

func (w *pipeWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.pw.Write(b)
}

// Flush is a no-op: every write already reaches the reader.
func (w *pipeWriter) Flush() { w.WriteHeader(http.StatusOK) }

// cancelBody cancels the handler's context when the reader closes it.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	b.cancel()
	return b.ReadCloser.Close()
}
