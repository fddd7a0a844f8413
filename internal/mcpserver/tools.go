package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/fashionshoot/shoot/client"
)

// tools holds what the tool handlers share.
type tools struct {
	backend    Backend
	allowFiles bool
}

// StartInput is start_shoot's arguments.
type StartInput struct {
	Brief string `json:"brief" jsonschema:"what to shoot: the garment, the model, the mood"`
	// References are pictures of the product and model.
	References  []string     `json:"references,omitempty" jsonschema:"reference pictures: upload URLs (/uploads/…), data: URLs with base64 pictures, or (stdio only) local file paths"`
	Options     ShootOptions `json:"options,omitempty"`
	WaitSeconds int          `json:"waitSeconds,omitempty" jsonschema:"stop waiting after this many seconds and report the session as running (0 waits for the checkpoint or the film)"`
}

// AnswerInput is answer_checkpoint's arguments.
type AnswerInput struct {
	SessionID   string `json:"sessionId" jsonschema:"the session that waits at a checkpoint"`
	Reply       string `json:"reply,omitempty" jsonschema:"continue (the default) to go on, or what to change, e.g. regenerate frame 3"`
	WaitSeconds int    `json:"waitSeconds,omitempty" jsonschema:"stop waiting after this many seconds (0 waits for the next checkpoint or the film)"`
}

// SessionInput names one session.
type SessionInput struct {
	SessionID string `json:"sessionId" jsonschema:"the session id start_shoot or list_sessions gave"`
}

// ListInput is list_sessions' arguments.
type ListInput struct {
	Limit int `json:"limit,omitempty" jsonschema:"how many sessions, newest first (1 to 200; default 50)"`
}

// EstimateInput is estimate's arguments.
type EstimateInput struct {
	Options ShootOptions `json:"options,omitempty"`
}

func (t *tools) register(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{Name: "start_shoot", Title: "Start a fashion shoot",
		Description: "Start a shoot from a brief and reference pictures, and wait until its first checkpoint (or, with options.autoApprove, its film). Sends progress notifications while stages run."},
		t.startShoot)
	mcp.AddTool(s, &mcp.Tool{Name: "answer_checkpoint", Title: "Answer a checkpoint",
		Description: "Answer the checkpoint a session waits at (continue, or what to change) and wait until the next checkpoint or the film."},
		t.answerCheckpoint)
	mcp.AddTool(s, &mcp.Tool{Name: "get_status", Title: "Where a shoot is",
		Description: "The stage, run state, waiting checkpoint and film of a session.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}}, t.getStatus)
	mcp.AddTool(s, &mcp.Tool{Name: "list_sessions", Title: "List shoots",
		Description: "Your sessions, newest first.", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}}, t.listSessions)
	mcp.AddTool(s, &mcp.Tool{Name: "get_assets", Title: "A shoot's files",
		Description: "Every file a session made (latest versions), each with its URL and its resource URI to read.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}}, t.getAssets)
	mcp.AddTool(s, &mcp.Tool{Name: "estimate", Title: "Price a shoot",
		Description: "What a shoot with these options costs, before starting it.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}}, t.estimate)
}

func (t *tools) startShoot(ctx context.Context, req *mcp.CallToolRequest, in StartInput) (*mcp.CallToolResult, Status, error) {
	if strings.TrimSpace(in.Brief) == "" {
		return nil, Status{}, errors.New("brief is empty: say what to shoot")
	}
	c := t.backend(req.Extra)
	refs, err := t.uploadRefs(ctx, c, in.References)
	if err != nil {
		return nil, Status{}, err
	}
	ctx, cancel := waitContext(ctx, in.WaitSeconds)
	defer cancel()
	st, err := c.Generate(ctx, client.GenerateRequest{Prompt: in.Brief, InputImages: refs, Options: in.Options.api()})
	if err != nil {
		return nil, Status{}, apiError(err)
	}
	return t.followAndReport(ctx, req, c, st, "")
}

func (t *tools) answerCheckpoint(ctx context.Context, req *mcp.CallToolRequest, in AnswerInput) (*mcp.CallToolResult, Status, error) {
	if err := checkID(in.SessionID); err != nil {
		return nil, Status{}, err
	}
	reply := strings.TrimSpace(in.Reply)
	if reply == "" {
		reply = "continue"
	}
	c := t.backend(req.Extra)
	ctx, cancel := waitContext(ctx, in.WaitSeconds)
	defer cancel()
	st, err := c.Continue(ctx, in.SessionID, reply)
	if err != nil {
		return nil, Status{}, apiError(err)
	}
	return t.followAndReport(ctx, req, c, st, in.SessionID)
}

// followAndReport follows a stream to its end (or the wait's), then
// reports the session. A wait that ran out is not an error: the shoot
// goes on and the answer says it is running.
func (t *tools) followAndReport(ctx context.Context, req *mcp.CallToolRequest, c *client.Client, st *client.Stream, sid string) (*mcp.CallToolResult, Status, error) {
	end, err := follow(ctx, req, st, &sid)
	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
	if err != nil && !timedOut {
		return nil, Status{}, apiError(err)
	}
	if sid == "" {
		return nil, Status{}, errors.New("the studio ended the stream before naming the session")
	}
	// The report is read with a fresh deadline: the wait may be over.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	s, err := status(rctx, c, sid)
	if err != nil {
		return nil, Status{}, apiError(err)
	}
	if end != nil && end.Type == client.EventError {
		s.Error = end.Message
	}
	s.Running = timedOut && s.RunState == "running"
	return nil, s, nil
}

func (t *tools) getStatus(ctx context.Context, req *mcp.CallToolRequest, in SessionInput) (*mcp.CallToolResult, Status, error) {
	if err := checkID(in.SessionID); err != nil {
		return nil, Status{}, err
	}
	s, err := status(ctx, t.backend(req.Extra), in.SessionID)
	if err != nil {
		return nil, Status{}, apiError(err)
	}
	s.Running = s.RunState == "running"
	return nil, s, nil
}

func (t *tools) listSessions(ctx context.Context, req *mcp.CallToolRequest, in ListInput) (*mcp.CallToolResult, Sessions, error) {
	if in.Limit < 0 {
		return nil, Sessions{}, errors.New("limit must be from 1 to 200")
	}
	list, err := t.backend(req.Extra).Sessions(ctx, in.Limit)
	if err != nil {
		return nil, Sessions{}, apiError(err)
	}
	out := Sessions{Sessions: make([]SessionRow, 0, len(list))}
	for _, s := range list {
		out.Sessions = append(out.Sessions, SessionRow{ID: s.ID, Brief: s.Brief, Stage: s.PipelineStage, Status: s.Status,
			RunState: s.RunState, CostUSD: s.TotalCostUSD,
			CreatedAt: s.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: s.UpdatedAt.UTC().Format(time.RFC3339)})
	}
	return nil, out, nil
}

func (t *tools) getAssets(ctx context.Context, req *mcp.CallToolRequest, in SessionInput) (*mcp.CallToolResult, Assets, error) {
	if err := checkID(in.SessionID); err != nil {
		return nil, Assets{}, err
	}
	a, err := t.backend(req.Extra).Assets(ctx, in.SessionID)
	if err != nil {
		return nil, Assets{}, apiError(err)
	}
	return nil, Assets{SessionID: in.SessionID, Assets: flatten(in.SessionID, a)}, nil
}

func (t *tools) estimate(ctx context.Context, req *mcp.CallToolRequest, in EstimateInput) (*mcp.CallToolResult, client.Estimate, error) {
	est, err := t.backend(req.Extra).Estimate(ctx, in.Options.api())
	if err != nil {
		return nil, client.Estimate{}, apiError(err)
	}
	return nil, *est, nil
}

// waitContext bounds a wait of seconds (0: no bound of its own).
func waitContext(ctx context.Context, seconds int) (context.Context, context.CancelFunc) {
	if seconds <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, time.Duration(seconds)*time.Second)
}

// apiError words an API error for the assistant: the message and its
// stable code.
func apiError(err error) error {
	var e *client.Error
	if errors.As(err, &e) {
		return fmt.Errorf("%s (%s)", e.Message, e.Code)
	}
	return err
}
