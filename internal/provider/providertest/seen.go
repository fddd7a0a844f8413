package providertest

import (
	"net/http"
	"sync"
)

// Seen is one request a fake received, as tracing tests need it: the
// method, the path (never the query, which may hold a signature) and the
// W3C traceparent header, "" when the request had none.
type Seen struct {
	Method, Path, Traceparent string
}

// seenLog records every request that reaches a fake, rejected ones too.
type seenLog struct {
	mu  sync.Mutex
	all []Seen
}

func (l *seenLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.all = append(l.all, Seen{Method: r.Method, Path: r.URL.Path, Traceparent: r.Header.Get("traceparent")})
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (l *seenLog) list() []Seen {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Seen(nil), l.all...)
}
