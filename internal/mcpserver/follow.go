package mcpserver

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/fashionshoot/shoot/client"
)

// follow reads a session's event stream until the exchange ends (a
// checkpoint waits, the film is done, or an error) and returns the last
// event. It fills *sid from the events, and when the client asked for
// progress (a progressToken in the call) it forwards each status, progress
// and checkpoint event as a progress notification whose progress counts up.
func follow(ctx context.Context, req *mcp.CallToolRequest, st *client.Stream, sid *string) (*client.Event, error) {
	token := req.Params.GetProgressToken()
	var n float64
	for ev, err := range st.Events() {
		if err != nil {
			return nil, err
		}
		if *sid == "" && ev.SessionID != "" {
			*sid = ev.SessionID
		}
		if ev.Terminal() {
			return &ev, nil
		}
		msg := progressMessage(ev)
		if token == nil || msg == "" || req.Session == nil {
			continue
		}
		n++
		// A client that cannot take a notification does not stop the shoot.
		_ = req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: token, Progress: n, Message: msg})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, nil
}

// progressMessage is the line a progress notification carries for ev, or
// "" when ev is not worth one (text deltas, hints).
func progressMessage(ev client.Event) string {
	switch {
	case ev.Progress != nil:
		return fmt.Sprintf("%s %d%%: %s", ev.Progress.Stage, ev.Progress.Percent, ev.Progress.Message)
	case ev.Type == client.EventStatus && ev.Message != "":
		return ev.Message
	case ev.Type == client.EventCheckpoint:
		return fmt.Sprintf("checkpoint %s: %s", ev.Stage, ev.Message)
	}
	return ""
}
