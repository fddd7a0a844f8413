package client

import (
	"encoding/json"
	"iter"
	"slices"
	"time"
)

// Options are a shoot's parameters; zero fields take the studio's defaults
// (components.schemas.Options).
type Options struct {
	AspectRatio  string  `json:"aspectRatio,omitempty"`  // hero/sheet ratio, e.g. "3:2"
	FrameAspect  string  `json:"frameAspect,omitempty"`  // frames re-cropped to this ratio; "" keeps the cells
	Resolution   string  `json:"resolution,omitempty"`   // 1K, 2K or 4K
	Loop         bool    `json:"loop,omitempty"`         // add a clip from the last frame back to the first
	Easing       string  `json:"easing,omitempty"`       // easing name for the stitch
	ClipDuration float64 `json:"clipDuration,omitempty"` // seconds per clip in the film
	VideoSeconds int     `json:"videoSeconds,omitempty"` // provider clip length: 5 or 10
	AutoApprove  bool    `json:"autoApprove,omitempty"`  // run through every checkpoint
	Pose         string  `json:"pose,omitempty"`         // pose preset id; "" lets the director choose
	Background   string  `json:"background,omitempty"`   // background preset id; "" lets the director choose
	FPS          int     `json:"fps,omitempty"`          // film frame rate
	// Frames are your own stills (upload references, 2–12, in film order):
	// the shoot then starts at the frames checkpoint.
	Frames []string `json:"frames,omitempty"`
	// Audio is an audio bed (an audio upload reference): the film is cut
	// on its beat and its sound normalised to −14 LUFS.
	Audio string `json:"audio,omitempty"`
	// Deliver asks for the film again in these formats ("9:16", "4:5",
	// "1:1", "16:9"), each with its posters.
	Deliver []string `json:"deliver,omitempty"`
	// Preset names a platform (reels, tiktok, feed or youtube): its format
	// joins Deliver, its frame-rate and length limits are checked and its
	// format's film is encoded under its bitrate cap.
	Preset string `json:"preset,omitempty"`
	// QA turns the picture check after the hero, the contact sheet and the
	// frames off when false (nil: on). QARetry lets a failed check
	// regenerate the hero or the sheet once, with the verdict in the
	// prompt, when the budget allows (nil: on with AutoApprove, when
	// nobody looks at the checkpoint, and off otherwise).
	QA      *bool `json:"qa,omitempty"`
	QARetry *bool `json:"qaRetry,omitempty"`
}

// GenerateRequest starts a shoot (components.schemas.GenerateRequest).
type GenerateRequest struct {
	Prompt      string   `json:"prompt"`
	SessionID   string   `json:"sessionId,omitempty"`
	InputImages []string `json:"inputImages,omitempty"`
	Options     Options  `json:"options"`
}

// Health is GET /api/health (components.schemas.Health).
type Health struct {
	Status      string `json:"status"`
	Agent       string `json:"agent"`
	Timestamp   string `json:"timestamp"`
	Environment string `json:"environment"`
	Version     string `json:"version"`
	Database    string `json:"database"`
	Providers   struct {
		Image    string `json:"image"`
		Video    string `json:"video"`
		Director string `json:"director"`
	} `json:"providers"`
	Config struct {
		HasAnthropicKey bool `json:"hasAnthropicKey"`
		HasFalKey       bool `json:"hasFalKey"`
		HasKlingKeys    bool `json:"hasKlingKeys"`
	} `json:"config"`
}

// UploadedFile is one stored reference (components.schemas.UploadedFile).
type UploadedFile struct {
	OriginalName string `json:"originalName"`
	Filename     string `json:"filename"`
	R2Key        string `json:"r2Key"`
	Size         int64  `json:"size"`
	MimeType     string `json:"mimetype"`
	URL          string `json:"url"`
}

// UploadResult is the answer of POST /api/upload
// (components.schemas.UploadResult).
type UploadResult struct {
	Success bool           `json:"success"`
	Error   string         `json:"error,omitempty"`
	Code    string         `json:"code,omitempty"`
	Count   int            `json:"count"`
	Files   []UploadedFile `json:"files"`
	Errors  []FileError    `json:"errors"`
}

// FileError is a file an upload refused and why.
type FileError struct {
	OriginalName string `json:"originalName"`
	Error        string `json:"error"`
}

// SessionSummary is one row of GET /api/sessions
// (components.schemas.SessionSummary).
type SessionSummary struct {
	ID            string    `json:"id"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Status        string    `json:"status"`
	PipelineStage string    `json:"pipeline_stage"`
	TotalCostUSD  float64   `json:"total_cost_usd"`
	TotalTurns    int       `json:"total_turns"`
	RunState      string    `json:"run_state"`
	Brief         string    `json:"brief,omitempty"`
}

// Session is the whole session row (components.schemas.Session): its
// summary and the rest.
type Session struct {
	SessionSummary
	SDKSessionID string          `json:"sdk_session_id"`
	ErrorMessage *string         `json:"error_message"`
	Metadata     json.RawMessage `json:"metadata"`
	Options      Options         `json:"options"`
}

// Checkpoint is a stage's checkpoint (components.schemas.Checkpoint).
type Checkpoint struct {
	ID           int64      `json:"id"`
	Stage        string     `json:"stage"`
	Status       string     `json:"status"`
	ArtifactKeys []string   `json:"artifact_keys"`
	Message      string     `json:"message"`
	UserResponse *string    `json:"user_response"`
	CreatedAt    time.Time  `json:"created_at"`
	ResolvedAt   *time.Time `json:"resolved_at"`
}

// Pipeline is where a session is (the pipeline of
// components.schemas.PipelineStatus).
type Pipeline struct {
	Stage      string      `json:"stage"`
	Status     string      `json:"status"`
	RunState   string      `json:"run_state"`
	Checkpoint *Checkpoint `json:"checkpoint"`
}

// Asset is the latest version of one artifact (components.schemas.Asset).
type Asset struct {
	FileName  string    `json:"fileName"`
	URL       string    `json:"url"`
	Size      int64     `json:"size"`
	MimeType  string    `json:"mimeType"`
	CreatedAt time.Time `json:"createdAt"`
	Index     int       `json:"index"`
	Version   int       `json:"version"`
	Stale     bool      `json:"stale"`
	// Width and Height are the artifact's real size in pixels (0 when
	// the stored file does not say).
	Width  int `json:"width"`
	Height int `json:"height"`
	// Metadata is how the artifact was made (prompt, provider, model,
	// seed, cost) and, for frames, the contact-sheet grid they were cut
	// from, which the studio draws over the sheet.
	Metadata json.RawMessage `json:"metadata,omitempty"`
	// QA is the picture check's verdict on a hero, sheet or frame (also
	// found in metadata.qa); absent where no check ran.
	QA *QAReport `json:"qa,omitempty"`
}

// QAReport is the picture check of one artifact
// (components.schemas.QAReport).
type QAReport struct {
	Verdict string    `json:"verdict"` // pass, warn, fail or not_checked
	By      string    `json:"by"`      // offline or vision
	Summary string    `json:"summary"`
	Checks  []QACheck `json:"checks"`
	CostUSD float64   `json:"costUsd"`
	Attempt int       `json:"attempt"`
	Retry   *QARetry  `json:"retry,omitempty"`
}

// QACheck is one line of a QAReport.
type QACheck struct {
	Item   string   `json:"item"`
	Status string   `json:"status"`
	Reason string   `json:"reason,omitempty"`
	Frames []int    `json:"frames,omitempty"`
	DeltaE *float64 `json:"deltaE,omitempty"`
}

// QARetry says what came of a failed verdict.
type QARetry struct {
	Status  string `json:"status"` // retried, skipped, off or final
	Reason  string `json:"reason"`
	Version int    `json:"version,omitempty"`
}

// Assets are a session's artifacts by kind (components.schemas.Assets).
type Assets = AssetGroups[Asset]

// AssetGroups are artifacts of type T by kind, keyed like the API's
// Assets; every group is present in the API's answer, empty or not.
type AssetGroups[T any] struct {
	Inputs       []T `json:"inputs"`
	Hero         []T `json:"hero"`
	ContactSheet []T `json:"contactSheet"`
	Frames       []T `json:"frames"`
	Videos       []T `json:"videos"`
	Final        []T `json:"final"`
}

// assetKinds are the kinds of artifact ("input", "hero", "contact-sheet",
// "frame", "clip", "final"), in the order of the groups.
var assetKinds = [...]string{"input", "hero", "contact-sheet", "frame", "clip", "final"}

func (g *AssetGroups[T]) groups() [len(assetKinds)]*[]T {
	return [...]*[]T{&g.Inputs, &g.Hero, &g.ContactSheet, &g.Frames, &g.Videos, &g.Final}
}

// Group returns the group of the artifacts of a kind ("input", "hero",
// "contact-sheet", "frame", "clip" or "final"), or nil.
func (g *AssetGroups[T]) Group(kind string) *[]T {
	if i := slices.Index(assetKinds[:], kind); i >= 0 {
		return g.groups()[i]
	}
	return nil
}

// All yields each kind of artifact with its group, in the groups' order.
func (g *AssetGroups[T]) All() iter.Seq2[string, []T] {
	return func(yield func(string, []T) bool) {
		for i, p := range g.groups() {
			if !yield(assetKinds[i], *p) {
				return
			}
		}
	}
}

// Estimate is the price of a shoot (components.schemas.Estimate).
type Estimate struct {
	ImageProvider string  `json:"imageProvider"`
	VideoProvider string  `json:"videoProvider"`
	Images        int     `json:"images"`
	Clips         int     `json:"clips"`
	ImageUSD      float64 `json:"imageUsd"`
	ClipUSD       float64 `json:"clipUsd"`
	QAUSD         float64 `json:"qaUsd"`
	TotalUSD      float64 `json:"totalUsd"`
	Note          string  `json:"note"`
}
