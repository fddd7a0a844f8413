package fal

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultStreamWait is how long one poll follows a request's status stream
// before it reports "not done yet" and lets the job look again later.
const DefaultStreamWait = 15 * time.Second

// maxStreamLine bounds one line of the status stream (a status object with
// all its log lines).
const maxStreamLine = 1 << 20

// streamStatus follows FAL's status stream of the request
// (GET {status_url}/stream?logs=1, server-sent events whose data lines are
// status objects like the status endpoint's answer; FAL closes the stream
// after the COMPLETED event) for at most the stream wait, and returns the
// newest status seen. ok is false when the stream could not be followed
// (refused, unreachable, turned off), and the caller asks the status
// endpoint once instead.
func (q *queue) streamStatus(ctx context.Context, h handle) (st statusBody, ok bool) {
	if q.opts.StreamWait < 0 {
		return st, false
	}
	u, err := url.Parse(h.StatusURL)
	if err != nil {
		return st, false
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/stream"
	v := u.Query()
	v.Set("logs", "1")
	u.RawQuery = v.Encode()
	ctx, cancel := context.WithTimeout(ctx, q.opts.StreamWait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return st, false
	}
	req.Header.Set("Authorization", "Key "+q.opts.Key)
	req.Header.Set("Accept", "text/event-stream")
	client := q.opts.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return st, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, false
	}
	st.Status = "IN_PROGRESS" // until an event says otherwise
	return readStatusEvents(resp.Body, st), true
}

// readStatusEvents reads status events until COMPLETED, the end of the
// stream or an error (the stream wait ending), returning the last status.
func readStatusEvents(r io.Reader, st statusBody) statusBody {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxStreamLine)
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "data:"):
			data.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		case line == "" && data.Len() > 0: // the end of one event
			var next statusBody
			if json.Unmarshal([]byte(data.String()), &next) == nil && next.Status != "" {
				st = next
			}
			data.Reset()
			if st.Status == "COMPLETED" {
				return st
			}
		}
	}
	return st
}
