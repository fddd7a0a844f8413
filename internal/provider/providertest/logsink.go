package providertest

import (
	"bytes"
	"sync"
	"testing"
)

// LogSink is a concurrency-safe log writer for a client under test: it
// keeps what was written, for assertions on the logs, and echoes each
// write to t.Log.
type LogSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
	t   testing.TB
}

// NewLogSink returns a LogSink that echoes to t.
func NewLogSink(t testing.TB) *LogSink { return &LogSink{t: t} }

// Write keeps p and logs it on the test.
func (l *LogSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Log(string(bytes.TrimSpace(p)))
	return l.buf.Write(p)
}

// String returns everything written so far.
func (l *LogSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
