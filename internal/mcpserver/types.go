package mcpserver

import "github.com/fashionshoot/shoot/client"

// ShootOptions are a shoot's parameters as the tools take them; zero
// fields take the studio's defaults.
type ShootOptions struct {
	AspectRatio  string  `json:"aspectRatio,omitempty" jsonschema:"ratio of the hero and contact sheet, e.g. 3:2, 16:9, 1:1, 9:16"`
	FrameAspect  string  `json:"frameAspect,omitempty" jsonschema:"ratio the frames are re-cropped to, e.g. 9:16"`
	Resolution   string  `json:"resolution,omitempty" jsonschema:"1K, 2K or 4K"`
	Loop         bool    `json:"loop,omitempty" jsonschema:"make the film loop back to its first frame"`
	Easing       string  `json:"easing,omitempty" jsonschema:"easing curve of the stitch, e.g. dramaticSwoop"`
	ClipDuration float64 `json:"clipDuration,omitempty" jsonschema:"seconds each clip lasts in the film"`
	VideoSeconds int     `json:"videoSeconds,omitempty" jsonschema:"length of each generated clip: 5 or 10 seconds"`
	FPS          int     `json:"fps,omitempty" jsonschema:"frames per second of the film"`
	Pose         string  `json:"pose,omitempty" jsonschema:"pose preset name"`
	Background   string  `json:"background,omitempty" jsonschema:"background preset name"`
	AutoApprove  bool    `json:"autoApprove,omitempty" jsonschema:"run through every checkpoint without waiting for answers"`
}

func (o ShootOptions) api() client.Options {
	return client.Options{AspectRatio: o.AspectRatio, FrameAspect: o.FrameAspect, Resolution: o.Resolution,
		Loop: o.Loop, Easing: o.Easing, ClipDuration: o.ClipDuration, VideoSeconds: o.VideoSeconds, FPS: o.FPS,
		Pose: o.Pose, Background: o.Background, AutoApprove: o.AutoApprove}
}

// Status is where a session is, as start_shoot, answer_checkpoint and
// get_status report it.
type Status struct {
	SessionID string `json:"sessionId"`
	Stage     string `json:"stage"`
	Status    string `json:"status"`
	// RunState is idle, running, awaiting (a checkpoint waits for
	// answer_checkpoint), cancelled, done or failed.
	RunState      string `json:"runState"`
	AwaitingInput bool   `json:"awaitingInput"`
	// Running is true when the call stopped waiting before the session
	// reached a checkpoint or its end; follow it with get_status.
	Running      bool        `json:"running"`
	Checkpoint   *Checkpoint `json:"checkpoint,omitempty"`
	FilmURL      string      `json:"filmUrl,omitempty"`
	FilmResource string      `json:"filmResource,omitempty"`
	Error        string      `json:"error,omitempty"`
	CostUSD      float64     `json:"costUsd"`
}

// Checkpoint is the question a paused session asks, with what to look at.
type Checkpoint struct {
	Stage   string  `json:"stage"`
	Message string  `json:"message"`
	Assets  []Asset `json:"assets"`
}

// Asset is one file a session made: its API URL and its MCP resource.
type Asset struct {
	Kind     string `json:"kind"`
	FileName string `json:"fileName"`
	URL      string `json:"url"`
	Resource string `json:"resource"`
	MimeType string `json:"mimeType"`
	Size     int64  `json:"size"`
	Version  int    `json:"version"`
}

// Assets is get_assets' answer.
type Assets struct {
	SessionID string  `json:"sessionId"`
	Assets    []Asset `json:"assets"`
}

// Sessions is list_sessions' answer.
type Sessions struct {
	Sessions []SessionRow `json:"sessions"`
}

// SessionRow is one session of list_sessions.
type SessionRow struct {
	ID        string  `json:"id"`
	Brief     string  `json:"brief"`
	Stage     string  `json:"stage"`
	Status    string  `json:"status"`
	RunState  string  `json:"runState"`
	CostUSD   float64 `json:"costUsd"`
	CreatedAt string  `json:"createdAt"`
	UpdatedAt string  `json:"updatedAt"`
}
