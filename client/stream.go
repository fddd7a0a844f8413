package client

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strconv"
	"strings"
)

// Event types of the SSE stream (components.schemas.Event).
const (
	EventSessionInit      = "session_init"
	EventStatus           = "status"
	EventTextDelta        = "text_delta"
	EventMessageTypeHint  = "message_type_hint"
	EventAssistantMessage = "assistant_message"
	EventSystem           = "system"
	EventCheckpoint       = "checkpoint"
	EventComplete         = "complete"
	EventError            = "error"
)

// Event is one event of a session's stream. The common fields are decoded;
// Data keeps the whole JSON object.
type Event struct {
	// ID is the event's sequence number in its session (the SSE id), for
	// resuming with Events.
	ID            int64           `json:"-"`
	Data          json.RawMessage `json:"-"`
	Type          string          `json:"type"`
	SessionID     string          `json:"sessionId"`
	Stage         string          `json:"stage"`
	Message       string          `json:"message"`
	Content       string          `json:"content"`
	Subtype       string          `json:"subtype"`
	AwaitingInput bool            `json:"awaitingInput"`
	Artifact      string          `json:"artifact"`
	Artifacts     []string        `json:"artifacts"`
	Retryable     bool            `json:"retryable"`
	// Progress is set on system events of subtype "progress".
	Progress *Progress `json:"-"`
}

// Progress is how far a long stage is.
type Progress struct {
	Stage   string `json:"stage"`
	Percent int    `json:"percent"`
	Message string `json:"message"`
	Frame   int    `json:"frame"`
	Clip    int    `json:"clip"`
}

// Terminal reports whether the stream ends with this event.
func (e Event) Terminal() bool { return e.Type == EventComplete || e.Type == EventError }

// ArtifactKeys returns the artifact or artifacts a checkpoint names.
func (e Event) ArtifactKeys() []string {
	if e.Artifact != "" {
		return []string{e.Artifact}
	}
	return e.Artifacts
}

// Stream is an open event stream. Read it with Events and Close it when
// done (reading to the end closes it too).
type Stream struct {
	resp *http.Response
	r    *bufio.Reader
}

func newStream(resp *http.Response) (*Stream, error) {
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		resp.Body.Close()
		return nil, fmt.Errorf("shoot api: expected an event stream, got %q", ct)
	}
	return &Stream{resp: resp, r: bufio.NewReaderSize(resp.Body, 64<<10)}, nil
}

// Close ends the stream.
func (s *Stream) Close() error { return s.resp.Body.Close() }

// Next returns the next event, or io.EOF when the server ended the stream.
// Comments (heartbeats) are skipped.
func (s *Stream) Next() (Event, error) {
	var ev Event
	var data strings.Builder
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			if errors.Is(err, io.EOF) && data.Len() == 0 {
				return ev, io.EOF
			}
			if !errors.Is(err, io.EOF) {
				return ev, err
			}
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "" && data.Len() > 0:
			return decodeEvent(ev.ID, data.String())
		case line == "" && err != nil:
			return ev, io.EOF
		case strings.HasPrefix(line, "id:"):
			ev.ID, _ = strconv.ParseInt(strings.TrimSpace(line[3:]), 10, 64)
		case strings.HasPrefix(line, "data:"):
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(strings.TrimPrefix(line[5:], " "))
		}
	}
}

func decodeEvent(id int64, data string) (Event, error) {
	var ev Event
	if err := json.Unmarshal([]byte(data), &ev); err != nil {
		return ev, fmt.Errorf("shoot api: event %d is not JSON: %w", id, err)
	}
	ev.ID, ev.Data = id, json.RawMessage(data)
	if ev.Type == EventSystem && ev.Subtype == "progress" {
		var p struct {
			Data Progress `json:"data"`
		}
		if json.Unmarshal(ev.Data, &p) == nil {
			ev.Progress = &p.Data
		}
	}
	return ev, nil
}

// Events yields the stream's events until it ends after a complete or error
// event (or the connection does), then closes it. A failure is yielded as
// the last pair.
func (s *Stream) Events() iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		defer s.Close()
		for {
			ev, err := s.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(ev, err) || err != nil || ev.Terminal() {
				return
			}
		}
	}
}
