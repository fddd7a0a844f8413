package providertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// defaultStreamTick is how often a status stream re-examines its job.
const defaultStreamTick = 50 * time.Millisecond

// statusStream handles GET status_url + "/stream" as FAL documents it: a
// server-sent event stream whose data lines are status objects (the status
// endpoint's body), closed by the server after the COMPLETED event. The
// job moves on as if polled once per tick; a comment line keeps the
// connection open in between, as FAL sends one periodically.
func (f *FAL) statusStream(w http.ResponseWriter, r *http.Request) {
	if !f.gate(w, r) {
		return
	}
	f.mu.Lock()
	j := f.lookup(w, r)
	if j != nil {
		f.n.streams++
		j.asked++
	}
	f.mu.Unlock()
	if j == nil {
		return
	}
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(f.streamTick())
	defer tick.Stop()
	last := ""
	for {
		body, done := f.streamEvent(j, r.URL.Query().Get("logs") == "1")
		if body != last {
			fmt.Fprintf(w, "data: %s\n\n", body)
			last = body
		} else {
			fmt.Fprint(w, ": ping\n\n")
		}
		if flusher != nil {
			flusher.Flush()
		}
		if done {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-f.closing:
			return
		case <-tick.C:
		}
	}
}

// streamEvent advances j like one poll and returns its status object.
func (f *FAL) streamEvent(j *job, logs bool) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, done := f.statusBody(j, logs)
	b, _ := json.Marshal(body)
	return string(b), done
}

func (f *FAL) streamTick() time.Duration {
	if f.opts.StreamTick > 0 {
		return f.opts.StreamTick
	}
	return defaultStreamTick
}

// StatusStreams counts status streams opened.
func (f *FAL) StatusStreams() int { return f.count(func(c *falCounts) int { return c.streams }) }
