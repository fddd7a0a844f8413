package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fashionshoot/shoot/client"
)

// TestStreamParsesServerSentEvents feeds the reader what a studio and the
// proxies before it send: heartbeat comments, CRLF line ends, a data field
// without the optional space, progress events, and a stream cut after the
// terminal event or before it.
func TestStreamParsesServerSentEvents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		body  string
		types []string
		ids   []int64
	}{
		{"plain", "id: 1\ndata: {\"type\":\"session_init\",\"sessionId\":\"s1\"}\n\nid: 2\ndata: {\"type\":\"complete\",\"sessionId\":\"s1\",\"stage\":\"hero\"}\n\n",
			[]string{"session_init", "complete"}, []int64{1, 2}},
		{"heartbeats and crlf", ": ping\r\n\r\nid: 7\r\ndata:{\"type\":\"status\",\"message\":\"m\"}\r\n\r\n: ping\n\nid: 8\ndata: {\"type\":\"error\",\"message\":\"x\"}\n\n",
			[]string{"status", "error"}, []int64{7, 8}},
		{"stops at the terminal event", "id: 1\ndata: {\"type\":\"error\",\"message\":\"x\"}\n\nid: 2\ndata: {\"type\":\"status\"}\n\n",
			[]string{"error"}, []int64{1}},
		{"cut short", "id: 1\ndata: {\"type\":\"system\",\"subtype\":\"progress\",\"data\":{\"stage\":\"clips\",\"percent\":40,\"message\":\"m\",\"clip\":2}}\n\n",
			[]string{"system"}, []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				w.Write([]byte(tc.body))
			}))
			defer ts.Close()
			st, err := client.New(ts.URL).Events(context.Background(), "s1", 0)
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			var ids []int64
			for ev, err := range st.Events() {
				if err != nil {
					t.Fatal(err)
				}
				types, ids = append(types, ev.Type), append(ids, ev.ID)
				if ev.Type == client.EventSystem && (ev.Progress == nil || ev.Progress.Percent != 40 || ev.Progress.Clip != 2) {
					t.Errorf("progress = %+v", ev.Progress)
				}
			}
			if len(types) != len(tc.types) {
				t.Fatalf("types %v, want %v", types, tc.types)
			}
			for i := range types {
				if types[i] != tc.types[i] || ids[i] != tc.ids[i] {
					t.Errorf("event %d: %s/%d, want %s/%d", i, types[i], ids[i], tc.types[i], tc.ids[i])
				}
			}
		})
	}
}
