// Package pipeline runs a shoot: hero → contact sheet → frames → clips →
// final, with checkpoints, versioned artifacts, dependency tracking and a
// cost ledger. Stage work runs in durable jobs (internal/jobs).
package pipeline

import (
	"context"
	"encoding/json"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// ImageGenerator makes images: the offline studio provider or FAL.
//
// The pipeline calls SubmitImage once, stores the handle durably, then calls
// PollImage until Done. A restarted worker calls PollImage with the stored
// handle and never submits again. Errors are *shoot.Error: EUNAVAILABLE for
// transient trouble (retried with backoff), EINVALID and other permanent
// codes for a request the provider refuses (reported to the user).
type ImageGenerator interface {
	// Name is the provider id shown in /api/health and manifests ("studio", "fal").
	Name() string
	// Model returns the model id used for a request kind.
	Model(req shoot.ImageRequest) string
	SubmitImage(ctx context.Context, req shoot.ImageRequest) (handle string, err error)
	// PollImage reports progress; req is the same request that was submitted.
	PollImage(ctx context.Context, req shoot.ImageRequest, handle string) (shoot.TaskStatus, error)
	// CancelImage asks the provider to stop a job (best effort).
	CancelImage(ctx context.Context, handle string) error
}

// VideoGenerator makes clips between two frames: studio, Kling, or Kling on FAL.
// The submit/poll contract is ImageGenerator's.
type VideoGenerator interface {
	Name() string
	Model() string
	SubmitClip(ctx context.Context, req shoot.ClipRequest) (handle string, err error)
	PollClip(ctx context.Context, req shoot.ClipRequest, handle string) (shoot.TaskStatus, error)
	CancelClip(ctx context.Context, handle string) error
}

// Director plans the shoot and talks with the user. It never does stage
// work itself: it asks the engine through Actions, and the engine runs jobs.
type Director interface {
	// Name is "rules" or "claude".
	Name() string
	// Turn handles one input — the opening brief, a user reply at a
	// checkpoint, or a stage result — streaming its words through out and
	// acting through act. It returns when the turn ends; it never waits for
	// a stage job.
	Turn(ctx context.Context, in TurnInput, act Actions, out Emitter) error
}

// Turn kinds.
const (
	TurnStart  = "start"  // a new shoot: Text is the brief
	TurnReply  = "reply"  // the user answered a checkpoint: Text is the reply
	TurnResult = "result" // a stage finished (or failed): see Result
)

// TurnInput is what the director is given for one turn.
type TurnInput struct {
	Kind    string
	Session *shoot.Session
	// Text is the brief (start) or the user's reply (reply).
	Text string
	// Checkpoint is the pending checkpoint, for reply and result turns.
	Checkpoint *shoot.Checkpoint
	// Result describes the finished stage, for result turns.
	Result *StageResult
	// References are downscaled copies of the user's reference images, small
	// enough to show a model (≤ 1568 px long side, JPEG).
	References []shoot.Reference
}

// StageResult tells the director what a stage made.
type StageResult struct {
	Stage     string   `json:"stage"`
	Success   bool     `json:"success"`
	Artifacts []string `json:"artifacts,omitempty"` // blob keys
	Message   string   `json:"message,omitempty"`
	Error     string   `json:"error,omitempty"`
	// ParamChanges are option changes the user made since the last turn.
	ParamChanges map[string][2]string `json:"paramChanges,omitempty"`
	DurationMS   int64                `json:"durationMs,omitempty"`
}

// Actions are what a director may ask of the engine. Each call validates its
// parameters, records intent and enqueues the stage job, then returns at once
// ("started"). Errors are *shoot.Error with client-safe messages (EINVALID for
// bad parameters, ECONFLICT when the stage cannot run now).
type Actions interface {
	GenerateHero(ctx context.Context, p HeroParams) error
	GenerateContactSheet(ctx context.Context, p SheetParams) error
	ExtractFrames(ctx context.Context, p FramesParams) error
	ResizeFrames(ctx context.Context, aspectRatio string) error
	// RegenerateFrame edits frame n (1..6) with an instruction.
	RegenerateFrame(ctx context.Context, n int, instruction string) error
	// GenerateClip (re)makes clip n (1..6) with its own camera-move prompt
	// ("" = the default prompt for that pair).
	GenerateClip(ctx context.Context, n int, prompt string) error
	GenerateAllClips(ctx context.Context, p ClipsParams) error
	StitchFinal(ctx context.Context, p StitchParams) error
	// SetOptions changes shoot options (aspect, loop, easing, …) without
	// running anything; later stages use them.
	SetOptions(ctx context.Context, patch json.RawMessage) error
	// Approve accepts the pending checkpoint and starts the next stage.
	Approve(ctx context.Context) error
}

// HeroParams are the inputs of the hero stage. An empty Prompt means "fill
// the hero template from the presets"; Extra is appended either way.
type HeroParams struct {
	Prompt      string `json:"prompt,omitempty"`
	Pose        string `json:"pose,omitempty"`
	Background  string `json:"background,omitempty"`
	AspectRatio string `json:"aspectRatio,omitempty"`
	Resolution  string `json:"resolution,omitempty"`
	Extra       string `json:"extra,omitempty"`
}

// SheetParams are the inputs of the contact-sheet stage.
type SheetParams struct {
	Prompt      string `json:"prompt,omitempty"`
	AspectRatio string `json:"aspectRatio,omitempty"`
	Resolution  string `json:"resolution,omitempty"`
	Extra       string `json:"extra,omitempty"`
}

// FramesParams are the inputs of the frames stage.
type FramesParams struct {
	Rows int    `json:"rows,omitempty"` // 0 = 2
	Cols int    `json:"cols,omitempty"` // 0 = 3
	Grid string `json:"grid,omitempty"` // "auto" detects the layout
}

// ClipsParams are the inputs of the clips stage.
type ClipsParams struct {
	// Prompts overrides the camera-move prompt per clip number; missing
	// entries use the default prompt for that pair.
	Prompts        map[int]string `json:"prompts,omitempty"`
	Seconds        int            `json:"duration,omitempty"`
	IncludeLoop    *bool          `json:"includeLoop,omitempty"`
	NegativePrompt string         `json:"negativePrompt,omitempty"`
}

// StitchParams are the inputs of the final stage.
type StitchParams struct {
	ClipDuration float64 `json:"clipDuration,omitempty"`
	Easing       string  `json:"easingCurve,omitempty"`
	IncludeLoop  *bool   `json:"includeLoop,omitempty"`
	FPS          int     `json:"outputFps,omitempty"`
}

// Emitter streams a director's output into the session's event log, and
// takes the price of each paid model call into the cost ledger. Every call
// takes the turn's context: the emitter keeps none of its own.
type Emitter interface {
	// TextDelta emits one text_delta event.
	TextDelta(ctx context.Context, text string)
	// TypeHint emits message_type_hint ("thinking" or "response").
	TypeHint(ctx context.Context, messageType string)
	// AssistantMessage emits assistant_message with the whole text.
	AssistantMessage(ctx context.Context, text string)
	// ToolCall emits system/tool_call with the tool's name and input.
	ToolCall(ctx context.Context, name string, input json.RawMessage)
	// ToolResult emits system/tool_result with the tool's name and summary.
	ToolResult(ctx context.Context, name string, summary string, isError bool)
	// RecordUsage puts one paid model call into the cost ledger: its
	// tokens, its price in USD and a reference (the provider's id of the
	// call) that keeps it from being counted twice. A director that calls
	// no paid model never calls it.
	RecordUsage(ctx context.Context, model string, inputTokens, outputTokens int64, usd float64, ref string)
}

// Local is implemented by a provider whose polls cost nothing, such as the
// offline studio. It is polled at the fixed PollInterval, so the progress
// it reports keeps moving for the user, instead of on the learned schedule
// that spares a remote service requests.
type Local interface{ Local() bool }

// IsLocal reports whether provider p says it is the offline studio.
func IsLocal(p any) bool {
	l, ok := p.(Local)
	return ok && l.Local()
}

// Callbacks is implemented by providers that can announce a task's end by
// calling the studio back. CallbackPath is the studio route they call for a
// task whose URL secret is token ("" when this provider makes no
// callbacks); CallbackID is the provider's id of the task a handle names,
// as its callbacks carry it.
type Callbacks interface {
	CallbackPath(token string) string
	CallbackID(handle string) string
}

// callbacksOf returns p's callbacks, or nil when it makes none.
func callbacksOf(p any) Callbacks {
	c, ok := p.(Callbacks)
	if !ok || c.CallbackPath("t") == "" {
		return nil
	}
	return c
}
