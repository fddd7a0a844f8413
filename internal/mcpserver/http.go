package mcpserver

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/fashionshoot/shoot/client"
)

// forwarded are the request headers an MCP request passes on to the API
// calls its tools make: who the caller is, and where it calls from.
var forwarded = []string{"Authorization", "Cookie", "Origin", "X-Forwarded-For", "X-Real-Ip"}

// HTTPHandler serves MCP over streamable HTTP. api is the studio's whole
// HTTP API; each tool call is made against it in process with the
// credentials of the MCP request that carries the call, so tokens, limits
// and ownership apply exactly as to direct API calls. closing, when closed,
// ends open streams so a graceful shutdown does not wait on them.
func HTTPHandler(api func() http.Handler, closing <-chan struct{}, version string, logger *slog.Logger) http.Handler {
	h := mcp.NewStreamableHTTPHandler(func(r *http.Request) *mcp.Server {
		host, remote := r.Host, r.RemoteAddr
		backend := func(extra *mcp.RequestExtra) *client.Client {
			rt := InProcess(api(), func(in *http.Request) {
				in.Host, in.RemoteAddr = host, remote
				if extra == nil {
					return
				}
				for _, k := range forwarded {
					if v := extra.Header.Values(k); len(v) > 0 {
						in.Header[k] = v
					}
				}
			})
			return client.New("http://"+host, client.WithHTTPClient(&http.Client{Transport: rt}))
		}
		return New(Options{Backend: backend, Version: version, Logger: logger})
	}, &mcp.StreamableHTTPOptions{Logger: logger, SessionTimeout: time.Hour})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{}) // streams outlive the write timeout
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		go func() {
			select {
			case <-closing:
				cancel()
			case <-ctx.Done():
			}
		}()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
